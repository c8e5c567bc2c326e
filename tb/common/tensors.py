"""Random sparse integer tensors and PE jobs for the testbenches."""

from __future__ import annotations

import numpy as np

from model.pe import MODE_B_ONLY, MODE_BOTH, MODE_DENSE, Job


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


def random_jobs(rng: np.random.Generator, count: int, n: int, dw: int, max_rows: int = 300,
                modes=(MODE_BOTH, MODE_B_ONLY, MODE_DENSE)) -> list[Job]:
    """Jobs with independent random sparsity per side (0%..100%), random mode and length."""
    jobs = []
    for _ in range(count):
        rows = random_job_length(rng, max_rows)
        sa, sb = rng.choice([0.0, 1.0, *rng.random(4)], size=2)
        jobs.append(Job(sparse_ints(rng, (rows, n), sa, dw), sparse_ints(rng, (rows, n), sb, dw),
                        int(rng.choice(modes))))
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
