"""Cycle-exact model of the TensorDash PE (rtl/tdash_pe.v) and the dense baseline PE
(rtl/dense_pe.v) (paper §3.1-3.2, §3.5, Fig 6, Fig 8), for the integer datapath and the
bfloat16 / FP32 datapaths (issue 10; bit-exact arithmetic in model/fp.py).

Operand formats (``Job.fmt``, the RTL's OP_TYPE): ``"int"`` signed integers, exact results;
``"bf16"`` and ``"fp32"`` raw IEEE bit patterns in unsigned arrays, binary32 results whose bits
depend on the summation order: :func:`result` gives the dense PE's (row by row) or the
TensorDash PE's (scheduler step by step) exactly.

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

from . import fp as FP
from . import scheduler as S
from .params import DEFAULT_DEPTH, DEFAULT_ORDER

MODE_BOTH = 0     # Z = AZ & BZ: skip a pair if either value is zero
MODE_B_ONLY = 1   # Z = BZ: the tile's one-side scheduling (§3.3)
MODE_DENSE = 2    # bypass: every pair, one row per step (§3.5)
MODES = {MODE_BOTH: "both", MODE_B_ONLY: "B-only", MODE_DENSE: "bypass"}

FIXED_LATENCY = 2

OP_TYPES = {"int": 0, "bf16": 1, "fp32": 2}
"""Operand formats and the RTL's OP_TYPE code for each."""

DATA_WIDTH = 16
"""Default operand width: signed 16-bit integers."""

ROWS_LOG2 = 16
"""Default longest job the accumulator is sized for: 2**16 rows."""


def acc_width(dw: int = DATA_WIDTH, n: int = 16, rows_log2: int = ROWS_LOG2, fmt: str = "int") -> int:
    """Integers: the accumulator width that can never overflow: |a*b| <= 2**(2*dw-2), summed
    over n lanes and 2**rows_log2 rows, stays below 2**(acc_width-1). Floating point: binary32.
    Same formula as tdash_pe's ACC_W."""
    if fmt != "int":
        return 32
    return 2 * dw + int(np.ceil(np.log2(n))) + rows_log2


def data_width(fmt: str) -> int:
    """Operand width of a format: the RTL's DW default (16 for int)."""
    return FP.FORMATS.get(fmt, DATA_WIDTH)


@dataclass
class Job:
    """One dot product: ``a`` and ``b`` are (R, n) integer arrays (signed values for ``fmt``
    "int", raw bit patterns for "bf16" / "fp32"); ``mode`` one of MODES."""

    a: np.ndarray
    b: np.ndarray
    mode: int = MODE_BOTH
    fmt: str = "int"

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
        if self.fmt not in OP_TYPES:
            raise ValueError(f"fmt must be one of {', '.join(OP_TYPES)}, got {self.fmt!r}")
        if self.fmt != "int":
            self.check_width(FP.FORMATS[self.fmt])

    @property
    def rows(self) -> int:
        return self.a.shape[0]

    def check_width(self, dw: int) -> None:
        if self.fmt == "int":
            lo, hi, what = -(1 << (dw - 1)), (1 << (dw - 1)) - 1, f"signed {dw}-bit"
        else:
            lo, hi, what = 0, (1 << dw) - 1, f"{self.fmt} bit-pattern"
        for name, x in (("a", self.a), ("b", self.b)):
            if x.min() < lo or x.max() > hi:
                raise ValueError(f"{name} holds values outside the {what} range [{lo}, {hi}]")


def nonzero(x: np.ndarray, fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """rtl/tdash_nonzero.v: (value is non-zero, value is Inf/NaN). Floating point reads only
    the exponent: subnormals are zero (as in the multiplier)."""
    if fmt == "int":
        return x != 0, np.zeros(x.shape, dtype=bool)
    return ~FP.is_zero(x, fmt), FP.is_special(x, fmt)


def effectual(job: Job) -> np.ndarray:
    """The Z flags the scheduler sees for this job, per the job's mode. A pair is skippable
    when its product is a zero that cannot change the sum: one value zero, the other finite
    (0 x Inf is NaN: such pairs stay, so IEEE NaN propagation is kept)."""
    nz_a, sp_a = nonzero(job.a, job.fmt)
    nz_b, sp_b = nonzero(job.b, job.fmt)
    if job.mode == MODE_BOTH:
        return nz_a & nz_b | sp_a | sp_b
    if job.mode == MODE_B_ONLY:
        return nz_b | sp_a
    return np.ones(job.a.shape, dtype=bool)


def dot(job: Job) -> int:
    """The exact integer result (no overflow whatever the widths: :func:`exact_matmul`)."""
    if job.fmt != "int":
        raise ValueError(f"dot() is the exact integer result; a {job.fmt} job's result depends on the order: use result()")
    return int(exact_matmul(job.a.reshape(1, -1), job.b.reshape(-1, 1))[0, 0])


def exact_matmul(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x @ y`` of integer arrays, exact: in int64 when no sum of products can reach 2**62
    (every job of the benches: 16-bit values), else in Python ints (object arrays, ~20x
    slower). Returns an object array of Python ints either way."""
    def peak(v):
        return max(abs(int(v.max())), abs(int(v.min()))) if v.size else 0
    if x.dtype.kind in "iu" and y.dtype.kind in "iu" and peak(x) * peak(y) * max(x.shape[-1], 1) < 1 << 62:
        return (x.astype(np.int64) @ y.astype(np.int64)).astype(object)
    return x.astype(object) @ y.astype(object)


def job_steps(job: Job, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> int:
    """Scheduler steps (= TensorDash PE cycles) the job takes."""
    return S.count_steps(effectual(job), depth, order)


def lane_sources(ms, head: int, depth: int, n: int, order=DEFAULT_ORDER) -> list[int]:
    """One step's MS -> per lane the flat index (row * n + lane) of the pair it selects, with
    the window at stream row ``head``; -1 for an idle lane."""
    table = S.source_table(depth, n, order)
    picked = [-1] * n
    for lane, k in enumerate(ms):
        if k is not None:
            row, src = table[lane][k]
            picked[lane] = (head + row) * n + src
    return picked


def gather(x: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Operands at flat indices ``src`` of the (R, n) array ``x``; -1 (idle lane) reads zero."""
    return np.concatenate([x.ravel(), np.zeros(1, dtype=x.dtype)])[src]


def schedule_sources(job: Job, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """Run the job through the scheduler as the PE does: a (steps, n) array of the flat
    index (row * n + lane) of the pair each lane's muxes select in each step, -1 for an
    idle lane. Every effectual pair appears exactly once."""
    return schedule_sources_z(effectual(job), depth, order)


def schedule_sources_z(z: np.ndarray, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """:func:`schedule_sources` of an (R, n) array of effectual-pair flags."""
    n = z.shape[1]
    stream = S.RowStream(S.pack_rows(z), depth)
    rel, heads = [], []
    while not stream.done:
        sources, z_after, as_rows = _window_sources(stream.window, depth, n, order)
        rel.append(sources)
        heads.append(stream.head)
        stream.advance(z_after, as_rows)
    # lane_sources(ms, head) = head * n + lane_sources(ms, 0) for every lane that picks.
    rel = np.array(rel, dtype=np.int64).reshape(-1, n)
    return np.where(rel >= 0, rel + np.array(heads, dtype=np.int64)[:, None] * n, -1)


_SOURCES_MEMO: dict = {}


def _window_sources(window, depth: int, n: int, order):
    """(lane_sources(ms, 0), z_after, as_rows) of one window's step (S.remembered_step),
    remembered per window like the step itself."""
    key = (tuple(window), depth, n, order) if isinstance(order, (str, tuple)) else None
    hit = _SOURCES_MEMO.get(key) if key is not None else None
    if hit is None:
        ms, z_after, as_rows = S.remembered_step(window, depth, n, order)
        hit = (lane_sources(ms, 0, depth, n, order), z_after, as_rows)
        if key is not None:
            if len(_SOURCES_MEMO) >= S.STEP_MEMO_LIMIT:
                _SOURCES_MEMO.clear()
            _SOURCES_MEMO[key] = hit
    return hit


def scheduled_result(job: Job, depth: int = DEFAULT_DEPTH) -> tuple[int, int]:
    """The integer result summed in the scheduled order (the datapath the RTL implements):
    ``(result, steps)``. Every effectual pair is used exactly once, so it equals :func:`dot`."""
    src = schedule_sources(job, depth)
    used = src[src >= 0]
    return int(exact_matmul(job.a.ravel()[used][None], job.b.ravel()[used][:, None])[0, 0]), src.shape[0]


def fp_sum(fmt: str, lanes_a: np.ndarray, lanes_b: np.ndarray) -> int:
    """(steps, n) raw operands per lane -> the binary32 bits tdash_mac accumulates: per step
    the lane products through the adder tree, then the accumulator, from +0."""
    return int(fp_sums(fmt, lanes_a, lanes_b))


def fp_sums(fmt: str, lanes_a: np.ndarray, lanes_b: np.ndarray) -> np.ndarray:
    """:func:`fp_sum` of many MACs at once: (..., steps, n) operands -> (...) result bits
    (a tile's PEs in one call: the accumulator loop runs once per step, not once per PE)."""
    return FP.accumulate(FP.tree_sum(FP.fmul(lanes_a, lanes_b, fmt)))


def result(job: Job, kind: str = "tdash", depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> int:
    """The result the PE presents: ``kind`` "tdash" (scheduled order) or "dense" (row by row).
    Integers: the exact dot product either way. Floating point: the binary32 bit pattern, in
    the PE's summation order; idle lanes of a step hold zero operands, product +0."""
    if kind not in ("tdash", "dense"):
        raise ValueError(f"kind must be 'tdash' or 'dense', got {kind!r}")
    if job.fmt == "int":
        return dot(job)
    return rows_result(job.a, job.b, effectual(job), job.fmt, kind, depth, order)


def results(jobs: list[Job], kind: str = "tdash", depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> list[int]:
    """:func:`result` of every job, floating-point jobs of one format summed together
    (:func:`rows_results`)."""
    if kind not in ("tdash", "dense"):
        raise ValueError(f"kind must be 'tdash' or 'dense', got {kind!r}")
    out: list = [None] * len(jobs)
    by_fmt: dict = {}
    for k, job in enumerate(jobs):
        if job.fmt == "int":
            out[k] = dot(job)
        else:
            by_fmt.setdefault(job.fmt, []).append(k)
    for fmt, ks in by_fmt.items():
        sums = rows_results([(jobs[k].a, jobs[k].b, effectual(jobs[k])) for k in ks], fmt, kind, depth, order)
        for k, v in zip(ks, sums):
            out[k] = v
    return out


def rows_result(a: np.ndarray, b: np.ndarray, z: np.ndarray, fmt: str, kind: str, depth: int = DEFAULT_DEPTH,
                order=DEFAULT_ORDER) -> int:
    """:func:`result` of (R, n) operand rows whose Z flags are ``z`` (the rows of one job as
    the PE received them, whatever the mode of each beat)."""
    if fmt == "int":
        return int(exact_matmul(a.reshape(1, -1), b.reshape(-1, 1))[0, 0])
    return fp_sum(fmt, *mac_lanes(a, b, z, kind, depth, order))


def mac_lanes(a: np.ndarray, b: np.ndarray, z: np.ndarray, kind: str, depth: int = DEFAULT_DEPTH,
              order=DEFAULT_ORDER) -> tuple[np.ndarray, np.ndarray]:
    """The (steps, n) operands each MAC lane gets, step by step: the rows themselves for the
    dense PE, the scheduled pairs (zero for an idle lane) for TensorDash."""
    if kind == "dense":
        return a, b
    src = schedule_sources_z(z, depth, order)
    return gather(a, src), gather(b, src)


def rows_results(parts: list, fmt: str, kind: str, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> list[int]:
    """:func:`rows_result` of many jobs, each given as (a, b, z): floating-point jobs are
    summed together, padded to the longest one's steps (the padding is masked off the
    accumulator, so each sum is exactly that job's :func:`fp_sum`)."""
    if fmt == "int" or not parts:
        return [rows_result(a, b, z, fmt, kind, depth, order) for a, b, z in parts]
    lanes = [mac_lanes(a, b, z, kind, depth, order) for a, b, z in parts]
    steps = max(la.shape[0] for la, _ in lanes)
    n = lanes[0][0].shape[1]
    xa = np.zeros((len(lanes), steps, n), dtype=lanes[0][0].dtype)
    xb = np.zeros_like(xa)
    valid = np.zeros((len(lanes), steps), dtype=bool)
    for k, (la, lb) in enumerate(lanes):
        xa[k, :la.shape[0]], xb[k, :lb.shape[0]], valid[k, :la.shape[0]] = la, lb, True
    return [int(v) for v in FP.accumulate(FP.tree_sum(FP.fmul(xa, xb, fmt)), valid)]


def tdash_result_cycles(jobs: list[Job], depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """Cycle in which each job's result is presented by tdash_pe (no bubbles, no stalls)."""
    return np.cumsum([job_steps(j, depth, order) for j in jobs]) + FIXED_LATENCY


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


def cycle_model(kind: str, depth: int = DEFAULT_DEPTH, n: int = 16, fmt: str = "int", order=DEFAULT_ORDER):
    """The cycle-level model of ``kind`` ("tdash" or "dense") under any handshake trace
    (model/pipeline.py states the timing rules). Feed it beats made by :func:`pipeline_beat`."""
    from .pipeline import StagedPipeline

    if kind not in ("tdash", "dense"):
        raise ValueError(f"kind must be 'tdash' or 'dense', got {kind!r}")

    step = S.stepper(depth, n, order)     # schedule_step, checked once (model/tests)

    def step_window(pend):
        z_after, as_rows = step(list(pend) + [0] * (depth - len(pend)))
        return z_after[:len(pend)], as_rows

    def arrays(beats):
        return tuple(np.concatenate([bt.data[k] for bt in beats]) for k in range(3))

    def finish(beats) -> int:
        return rows_result(*arrays(beats), fmt, kind, depth, order)

    def finish_many(jobs) -> list[int]:        # the C predictor computes the values at the end
        return rows_results([arrays(beats) for beats in jobs], fmt, kind, depth, order)

    model = StagedPipeline(depth, step_window if kind == "tdash" else None, finish)
    model.native = ("schedule", n, S._tables(depth, n, order), False) if kind == "tdash" else ("dense",)
    model.finish_many = finish_many
    return model


def pipeline_beat(beat: Beat, fmt: str = "int", rows_field: int | None = None):
    """A :class:`Beat` as the cycle model takes it: per row its Z mask under the beat's mode.
    ``rows_field`` overrides the in_rows value the beat is sent with (a bad beat: 0 or more
    than DEPTH; the model drops it whole)."""
    from .pipeline import Beat as PipeBeat

    job = Job(beat.a, beat.b, beat.mode, fmt)
    z = effectual(job)
    return PipeBeat(beat.rows if rows_field is None else rows_field, beat.last,
                    [int(m) for m in S.pack_rows(z)], (beat.a, beat.b, z))


def pipeline_beats(job: Job, depth: int = DEFAULT_DEPTH) -> list:
    """:func:`pipeline_beat` of every beat of ``job`` (:func:`beats`), with the Z flags and
    masks computed once for the whole job (the benches feed thousands of jobs per run)."""
    from .pipeline import Beat as PipeBeat

    z = effectual(job)
    masks = S.pack_rows(z).tolist()
    out = []
    for start in range(0, job.rows, depth):
        stop = min(start + depth, job.rows)
        out.append(PipeBeat(stop - start, stop == job.rows, masks[start:stop],
                            (job.a[start:stop], job.b[start:stop], z[start:stop])))
    return out
