"""Random sparse integer tensors and PE jobs for the testbenches."""

from __future__ import annotations

import numpy as np

from model.pe import MODE_B_ONLY, MODE_BOTH, MODE_DENSE, Job
from tb.common import fcov


def sparse_ints(rng: np.random.Generator, shape, sparsity: float, dw: int) -> np.ndarray:
    """Signed dw-bit integers, each zero with probability ``sparsity``, else uniform non-zero."""
    lo, hi = -(1 << (dw - 1)), (1 << (dw - 1)) - 1
    values = rng.integers(lo, hi, size=shape, endpoint=True)
    values[values == 0] = 1  # keep the zero pattern exactly the requested one
    values[rng.random(shape) < sparsity] = 0
    return values


def random_job_length(rng: np.random.Generator, max_rows: int) -> int:
    """Mostly short jobs (1..DEPTH-ish boundary cases), some long ones, up to max_rows."""
    pick = rng.random()
    if pick < 0.3:
        return int(rng.integers(1, 8))
    if pick < 0.8:
        return int(rng.integers(1, 64))
    return int(rng.integers(1, max_rows + 1))


def job_in_bin(rng: np.random.Generator, n: int, dw: int, rows: int, sparsity: str, mode: int) -> Job:
    """A job of ``rows`` rows whose fraction of pairs with a zero operand falls exactly in
    functional-coverage bin ``sparsity``; the zeros go to A, B or both (chosen per job, or
    per pair), so B-only jobs see skippable and non-skippable zeros alike."""
    cells = rows * n
    lo, hi = fcov.sparsity_range(sparsity, cells)
    zeros = rng.choice(cells, size=int(rng.integers(lo, hi + 1)), replace=False)
    a, b = sparse_ints(rng, (rows, n), 0.0, dw), sparse_ints(rng, (rows, n), 0.0, dw)
    # Per zero pair, which operand is zero: 0 = A, 1 = B, 2 = both; one choice for the whole
    # job (3 of 4 jobs) or a fresh one per pair.
    side = int(rng.integers(0, 4))
    which = rng.integers(0, 3, size=zeros.size) if side == 3 else np.full(zeros.size, side)
    a.ravel()[zeros[which != 1]] = 0
    b.ravel()[zeros[which != 0]] = 0
    return Job(a, b, mode)


def random_jobs(rng: np.random.Generator, count: int, n: int, dw: int, depth: int, max_rows: int = 300,
                modes=(MODE_BOTH, MODE_B_ONLY, MODE_DENSE)) -> list[Job]:
    """``count`` jobs that walk the PE's functional-coverage cross (sparsity bin x length bin x
    mode, tb/common/fcov.py) in a fresh random order per round: any ``count`` >= the cross
    size hits every cell; lengths and values are random inside each cell."""
    cells = [(s, length, m) for s in fcov.SPARSITY_BINS for length in fcov.length_bins(depth) for m in modes]
    jobs: list[Job] = []
    while len(jobs) < count:
        for i in rng.permutation(len(cells))[:count - len(jobs)]:
            sparsity, (_, lo, hi), mode = cells[i]
            rows = int(rng.integers(lo, min(hi, max_rows) + 1))
            jobs.append(job_in_bin(rng, n, dw, rows, sparsity, int(mode)))
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
