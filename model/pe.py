"""Cycle-exact model of the TensorDash PE (rtl/tdash_pe.v) and the dense baseline PE
(rtl/dense_pe.v), integer datapath (paper §3.1-3.2, §3.5, Fig 6, Fig 8).

A *job* is one dot product over R >= 1 rows of n (a, b) pairs. Jobs enter the PE as beats of
up to ``depth`` rows (:func:`beats`); see the header of rtl/tdash_pe.v for the protocol.

Timing, for a job stream with no upstream bubbles and a consumer that is always ready, with
cycle 0 the cycle in which the first beat is accepted::

    result j of the TensorDash PE is presented in cycle  steps_0 + ... + steps_j + FIXED_LATENCY
    result j of the dense PE is presented in cycle       R_0 + ... + R_j + FIXED_LATENCY

where steps_j = count_steps(Z_j), Z_j being the job's effectual-pair flags under its mode.
FIXED_LATENCY = 2: one cycle from the queue to the operand registers, one through the MAC
stage. The first step happens in cycle 1 (the cycle after the first beat lands in the queue).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import scheduler as S
from .params import DEFAULT_DEPTH

MODE_BOTH = 0     # Z = AZ & BZ: skip a pair if either value is zero
MODE_B_ONLY = 1   # Z = BZ: the tile's one-side scheduling (§3.3)
MODE_DENSE = 2    # bypass: every pair, one row per step (§3.5)
MODES = {MODE_BOTH: "both", MODE_B_ONLY: "B-only", MODE_DENSE: "bypass"}

FIXED_LATENCY = 2

DATA_WIDTH = 16
"""Default operand width: signed 16-bit integers."""

ROWS_LOG2 = 16
"""Default longest job the accumulator is sized for: 2**16 rows."""


def acc_width(dw: int = DATA_WIDTH, n: int = 16, rows_log2: int = ROWS_LOG2) -> int:
    """Accumulator width that can never overflow: |a*b| <= 2**(2*dw-2), summed over n lanes and
    2**rows_log2 rows, stays below 2**(acc_width-1). Same formula as tdash_pe's ACC_W."""
    return 2 * dw + int(np.ceil(np.log2(n))) + rows_log2


@dataclass
class Job:
    """One dot product: ``a`` and ``b`` are (R, n) integer arrays; ``mode`` one of MODES."""

    a: np.ndarray
    b: np.ndarray
    mode: int = MODE_BOTH

    def __post_init__(self):
        self.a = np.asarray(self.a)
        self.b = np.asarray(self.b)
        if self.a.ndim != 2 or self.a.shape != self.b.shape:
            raise ValueError(f"a and b must be (R, n) arrays of one shape, got {self.a.shape} and {self.b.shape}")
        if self.a.shape[0] < 1:
            raise ValueError("a job needs at least one row")
        if not (np.issubdtype(self.a.dtype, np.integer) and np.issubdtype(self.b.dtype, np.integer)):
            raise ValueError(f"integer operands expected, got {self.a.dtype} and {self.b.dtype}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}, got {self.mode!r}")

    @property
    def rows(self) -> int:
        return self.a.shape[0]

    def check_width(self, dw: int) -> None:
        lo, hi = -(1 << (dw - 1)), (1 << (dw - 1)) - 1
        for name, x in (("a", self.a), ("b", self.b)):
            if x.min() < lo or x.max() > hi:
                raise ValueError(f"{name} holds values outside the signed {dw}-bit range [{lo}, {hi}]")


def effectual(job: Job) -> np.ndarray:
    """The Z flags the scheduler sees for this job, per the job's mode."""
    if job.mode == MODE_BOTH:
        return (job.a != 0) & (job.b != 0)
    if job.mode == MODE_B_ONLY:
        return job.b != 0
    return np.ones(job.a.shape, dtype=bool)


def dot(job: Job) -> int:
    """The exact integer result (Python ints: no overflow whatever the widths)."""
    return int(np.dot(job.a.astype(object).ravel(), job.b.astype(object).ravel()))


def job_steps(job: Job, depth: int = DEFAULT_DEPTH) -> int:
    """Scheduler steps (= TensorDash PE cycles) the job takes."""
    return S.count_steps(effectual(job), depth)


def scheduled_result(job: Job, depth: int = DEFAULT_DEPTH) -> tuple[int, int]:
    """Run the job through the scheduler and operand muxes as the PE does.

    Returns ``(result, steps)`` where ``result`` sums, step by step, the products each lane's
    muxes select. Every effectual pair must be used exactly once, so for integers the result
    equals :func:`dot`; this is the model of the datapath the RTL implements (and the order
    in which a floating-point PE would sum).
    """
    z = effectual(job)
    n = z.shape[1]
    stream = S.RowStream(S.pack_rows(z), depth)
    total, steps = 0, 0
    while not stream.done:
        ms, z_after, as_rows = S.schedule_step(stream.window, depth, n)
        for lane, k in enumerate(ms):
            if k is not None:
                row, src = S.option_source(lane, k, depth, n)
                total += int(job.a[stream.head + row, src]) * int(job.b[stream.head + row, src])
        stream.advance(z_after, as_rows)
        steps += 1
    return total, steps


def tdash_result_cycles(jobs: list[Job], depth: int = DEFAULT_DEPTH) -> np.ndarray:
    """Cycle in which each job's result is presented by tdash_pe (no bubbles, no stalls)."""
    return np.cumsum([job_steps(j, depth) for j in jobs]) + FIXED_LATENCY


def dense_result_cycles(jobs: list[Job]) -> np.ndarray:
    """Cycle in which each job's result is presented by dense_pe (no bubbles, no stalls)."""
    return np.cumsum([j.rows for j in jobs]) + FIXED_LATENCY


@dataclass
class Beat:
    """One input-stream beat: ``rows`` rows (1..depth) of a job, ``last`` if it ends the job."""

    a: np.ndarray   # (rows, n)
    b: np.ndarray
    rows: int
    last: bool
    mode: int


def beats(job: Job, depth: int = DEFAULT_DEPTH) -> list[Beat]:
    """Cut a job into beats: DEPTH rows each, the last one 1..DEPTH rows with ``last`` set."""
    out = []
    for start in range(0, job.rows, depth):
        stop = min(start + depth, job.rows)
        out.append(Beat(job.a[start:stop], job.b[start:stop], stop - start, stop == job.rows, job.mode))
    return out
