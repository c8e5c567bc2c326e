"""Random sparse tensors (integers, bfloat16, FP32) and PE jobs for the testbenches."""

from __future__ import annotations

import numpy as np

from model import fp as FP
from model.pe import MODE_B_ONLY, MODE_BOTH, MODE_DENSE, Job
from tb.common import fcov


def sparse_ints(rng: np.random.Generator, shape, sparsity: float, dw: int) -> np.ndarray:
    """Signed dw-bit integers, each zero with probability ``sparsity``, else uniform non-zero."""
    lo, hi = -(1 << (dw - 1)), (1 << (dw - 1)) - 1
    values = rng.integers(lo, hi, size=shape, endpoint=True)
    values[values == 0] = 1  # keep the zero pattern exactly the requested one
    values[rng.random(shape) < sparsity] = 0
    return values


def fp_nonzeros(rng: np.random.Generator, shape, fmt: str) -> np.ndarray:
    """Raw ``fmt`` values, all normal (never zero to the PE): both signs, magnitudes spread
    over 2**-20 .. 2**20, so sums cancel and round in every order-sensitive way."""
    x = rng.standard_normal(shape) * np.exp2(rng.integers(-20, 21, size=shape))
    bits = FP.from_float(x.astype(np.float32), fmt)
    return np.where(FP.is_zero(bits, fmt), FP.from_float(np.float32(1.0), fmt), bits)


def fp_zeros(rng: np.random.Generator, size: int, fmt: str) -> np.ndarray:
    """``size`` raw values the PE reads as zero: +0, -0 and subnormals of both signs (DAZ)."""
    width = FP.FORMATS[fmt]
    sub = rng.integers(1, 1 << (width - 9), size=size)
    kind = rng.integers(0, 4, size=size)   # +0, -0, +subnormal, -subnormal
    sign = np.where(kind % 2 == 1, 1 << (width - 1), 0)
    return (sign | np.where(kind >= 2, sub, 0)).astype(FP.FORMAT_DTYPES[fmt])


def sparse_values(rng: np.random.Generator, shape, sparsity: float, dw: int, fmt: str = "int") -> np.ndarray:
    """:func:`sparse_ints` for any operand format: each value zero (to the PE) with
    probability ``sparsity``; floating point draws its zeros from :func:`fp_zeros`."""
    if fmt == "int":
        return sparse_ints(rng, shape, sparsity, dw)
    values = fp_nonzeros(rng, shape, fmt)
    zero = rng.random(shape) < sparsity
    values[zero] = fp_zeros(rng, int(zero.sum()), fmt)
    return values


def set_zero(x: np.ndarray, flat_index: np.ndarray, rng: np.random.Generator, fmt: str) -> None:
    """Make the values at ``flat_index`` zeros (to the PE) of ``fmt``."""
    x.ravel()[flat_index] = 0 if fmt == "int" else fp_zeros(rng, flat_index.size, fmt)


def random_job_length(rng: np.random.Generator, max_rows: int) -> int:
    """Mostly short jobs (1..DEPTH-ish boundary cases), some long ones, up to max_rows."""
    pick = rng.random()
    if pick < 0.3:
        return int(rng.integers(1, 8))
    if pick < 0.8:
        return int(rng.integers(1, 64))
    return int(rng.integers(1, max_rows + 1))


def job_in_bin(rng: np.random.Generator, n: int, dw: int, rows: int, sparsity: str, mode: int,
               fmt: str = "int") -> Job:
    """A job of ``rows`` rows whose fraction of pairs with a zero operand falls exactly in
    functional-coverage bin ``sparsity``; the zeros go to A, B or both (chosen per job, or
    per pair), so B-only jobs see skippable and non-skippable zeros alike."""
    cells = rows * n
    lo, hi = fcov.sparsity_range(sparsity, cells)
    zeros = rng.choice(cells, size=int(rng.integers(lo, hi + 1)), replace=False)
    a, b = sparse_values(rng, (rows, n), 0.0, dw, fmt), sparse_values(rng, (rows, n), 0.0, dw, fmt)
    # Per zero pair, which operand is zero: 0 = A, 1 = B, 2 = both; one choice for the whole
    # job (3 of 4 jobs) or a fresh one per pair.
    side = int(rng.integers(0, 4))
    which = rng.integers(0, 3, size=zeros.size) if side == 3 else np.full(zeros.size, side)
    set_zero(a, zeros[which != 1], rng, fmt)
    set_zero(b, zeros[which != 0], rng, fmt)
    return Job(a, b, mode, fmt)


def random_jobs(rng: np.random.Generator, count: int, n: int, dw: int, depth: int, max_rows: int = 300,
                modes=(MODE_BOTH, MODE_B_ONLY, MODE_DENSE), fmt: str = "int") -> list[Job]:
    """``count`` jobs that walk the PE's functional-coverage cross (sparsity bin x length bin x
    mode, tb/common/fcov.py) in a fresh random order per round: any ``count`` >= the cross
    size hits every cell; lengths and values are random inside each cell."""
    # Each (sparsity, length) cell with the lengths that can reach it (few lanes: not all).
    cells = [(s, fcov.possible_rows(s, n, lo, min(hi, max_rows)), m) for s in fcov.SPARSITY_BINS
             for _, lo, hi in fcov.length_bins(depth) for m in modes]
    cells = [c for c in cells if c[1]]
    jobs: list[Job] = []
    while len(jobs) < count:
        for i in rng.permutation(len(cells))[:count - len(jobs)]:
            sparsity, lengths, mode = cells[i]
            rows = int(lengths[rng.integers(0, len(lengths))])
            jobs.append(job_in_bin(rng, n, dw, rows, sparsity, int(mode), fmt))
    return jobs


def extreme_jobs(rng: np.random.Generator, n: int, dw: int, long_rows: int, depth: int) -> list[Job]:
    """Corner values: most negative squared, most negative x most positive, long jobs of
    maximum products (the accumulator's worst case), and short jobs around the beat size."""
    lo, hi = -(1 << (dw - 1)), (1 << (dw - 1)) - 1
    full = lambda rows, v: np.full((rows, n), v, dtype=np.int64)  # noqa: E731
    jobs = [
        Job(full(long_rows, lo), full(long_rows, lo), MODE_BOTH),    # max positive sum
        Job(full(long_rows, lo), full(long_rows, hi), MODE_B_ONLY),  # max negative sum
        Job(full(long_rows, hi), full(long_rows, hi), MODE_DENSE),
        Job(full(1, lo), full(1, lo), MODE_BOTH),
        Job(full(1, 0), full(1, 0), MODE_BOTH),                      # nothing effectual
        Job(full(depth + 1, 0), full(depth + 1, lo), MODE_BOTH),
    ]
    for rows in (depth - 1, depth, depth + 1, 2 * depth, 2 * depth + 1):
        if rows >= 1:
            jobs.append(Job(rng.choice([lo, hi, 0, -1, 1], size=(rows, n)),
                            rng.choice([lo, hi, 0, -1, 1], size=(rows, n)), int(rng.integers(0, 3))))
    return jobs


def fp_extreme_jobs(rng: np.random.Generator, n: int, fmt: str, long_rows: int, depth: int) -> list[Job]:
    """Floating-point corners, in every mode: Inf x 0 pairs (never skipped: the result is NaN),
    NaN operands, Inf + -Inf, overflow to Inf over a long job of the largest values, exact
    cancellation (x and -x: +0), all-zero jobs of -0s (dense gives -0, skipping gives +0), tiny
    products flushed to zero, and short jobs around the beat size with random specials."""
    w, dtype = FP.FORMATS[fmt], FP.FORMAT_DTYPES[fmt]
    mw = w - 9
    val = lambda x: FP.from_float(np.float32(x), fmt)  # noqa: E731
    inf, nan, big = val(np.inf), val(np.nan), (254 << mw) | ((1 << mw) - 1)
    sign = 1 << (w - 1)
    full = lambda rows, v: np.full((rows, n), v, dtype=dtype)  # noqa: E731
    x = fp_nonzeros(rng, (depth + 2, n), fmt)
    jobs = []
    for mode in (MODE_BOTH, MODE_B_ONLY, MODE_DENSE):
        a, b = fp_nonzeros(rng, (2 * depth, n), fmt), fp_zeros(rng, 2 * depth * n, fmt).reshape(2 * depth, n)
        a[1, 3] = inf                                     # Inf x 0 in a row of zero products
        jobs.append(Job(a, b, mode, fmt))
        b2 = fp_nonzeros(rng, (depth, n), fmt)
        b2[0, 0] = nan
        jobs.append(Job(fp_nonzeros(rng, (depth, n), fmt), b2, mode, fmt))
        a3 = fp_nonzeros(rng, (2, n), fmt)
        a3[0, 0], a3[1, 5] = inf, inf | sign               # Inf + -Inf
        jobs.append(Job(a3, fp_nonzeros(rng, (2, n), fmt) & ~dtype(sign), mode, fmt))
        jobs.append(Job(full(long_rows, big), full(long_rows, val(1.5)), mode, fmt))   # overflow
        jobs.append(Job(np.vstack([x, x]), np.vstack([x, x ^ dtype(sign)]), mode, fmt))  # cancels
        jobs.append(Job(full(depth + 1, sign), full(depth + 1, val(1.0)), mode, fmt))    # -0s
        jobs.append(Job(full(3, val(2.0 ** -70)), full(3, val(2.0 ** -70)), mode, fmt))  # flushed
    pick = np.array([inf, inf | sign, nan, 0, sign, 1, big, val(1.0)], dtype=dtype)
    for rows in (depth - 1, depth, depth + 1, 2 * depth, 2 * depth + 1):
        if rows >= 1:
            jobs.append(Job(rng.choice(pick, size=(rows, n)), rng.choice(pick, size=(rows, n)),
                            int(rng.integers(0, 3)), fmt))
    return jobs
