"""Cycle-exact model of a tile of TensorDash PEs (rtl/tdash_tile.v; paper §3.3, Fig 11) and
the tile-geometry study (§4.4, Fig 17 and Fig 18).

A tile has ROWS x COLS PEs. PE row r owns one B stream (B_r), one B staging buffer and one
scheduler, which sees only B_r's zero vector (one-side scheduling); column c owns one A
stream (A_c) and one A staging buffer; PE (r, c) has its own A-side operand muxes driven by
row r's MS and computes dot(A_c, B_r).

How the shared buffers advance. The A staging buffers serve every row, so all rows must see
the same DEPTH rows: the tile has one window position. Each step, every row schedules its own
remaining B pairs in that window (a row with nothing left is idle), and the window advances
by the *smallest* AS over the rows (cut at the job's last row, as in the PE): rows that have
drained more wait for the slowest one, as the paper describes. A job (one dot product per PE)
therefore takes ``tile_steps`` = the lockstep count below, never fewer steps than its slowest
row would alone, and its ROWS x COLS results are presented together in cycle
``steps_0 + ... + steps_j + FIXED_LATENCY`` (same pipeline and protocol as the PE).

Floating point (``TileJob.fmt`` "bf16" / "fp32", raw bit patterns as in model/pe.py): row r's
effectual flags are B_r's non-zeros plus the lanes where any column's A value is Inf/NaN, and
PE (r, c) sums in row r's scheduled order (:func:`tile_sources`), through the same adder tree
and accumulator as the PE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import scheduler as S
from .params import DEFAULT_DEPTH, DEFAULT_ORDER
from .pe import FIXED_LATENCY, OP_TYPES, exact_matmul, fp_sums, gather, lane_sources, nonzero


@dataclass
class TileJob:
    """One job of a tile: ``a`` is (COLS, R, n) -- one A operand stream per column -- and
    ``b`` is (ROWS, R, n), one B stream per PE row. PE (r, c) computes dot(a[c], b[r])."""

    a: np.ndarray
    b: np.ndarray
    fmt: str = "int"

    def __post_init__(self):
        self.a, self.b = np.asarray(self.a), np.asarray(self.b)
        if self.a.ndim != 3 or self.b.ndim != 3 or self.a.shape[1:] != self.b.shape[1:]:
            raise ValueError(f"a must be (COLS, R, n) and b (ROWS, R, n) with one R and n, "
                             f"got {self.a.shape} and {self.b.shape}")
        if self.rows < 1:
            raise ValueError("a job needs at least one row")
        if not (np.issubdtype(self.a.dtype, np.integer) and np.issubdtype(self.b.dtype, np.integer)):
            raise ValueError(f"integer operands expected, got {self.a.dtype} and {self.b.dtype}")
        if self.fmt not in OP_TYPES:
            raise ValueError(f"fmt must be one of {', '.join(OP_TYPES)}, got {self.fmt!r}")

    @property
    def rows(self) -> int:
        return self.a.shape[1]

    @property
    def geometry(self) -> tuple[int, int]:
        return self.b.shape[0], self.a.shape[0]


def effectual(job: TileJob) -> np.ndarray:
    """(ROWS, R, n) Z flags of the row schedulers: B_r's non-zeros, and for floating point
    every lane where some column's A value is Inf/NaN (0 x Inf = NaN is never skipped)."""
    nz_b = nonzero(job.b, job.fmt)[0]
    return nz_b | nonzero(job.a, job.fmt)[1].any(axis=0)


def tile_sources(job: TileJob, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """(ROWS, steps, n): per PE row and step, the flat index (row * n + lane) of the pair each
    lane's muxes select, -1 for idle; read literally: one window for all rows, each row
    schedules its own Z, the window advances by the smallest AS."""
    z = effectual(job)
    n = z.shape[2]
    streams = [S.RowStream(S.pack_rows(zr), depth) for zr in z]
    picked = []
    while not streams[0].done:
        outs = [S.remembered_step(st.window, depth, n, order) for st in streams]
        advance = min(as_rows for _, _, as_rows in outs)
        picked.append([lane_sources(ms, st.head, depth, n, order) for st, (ms, _, _) in zip(streams, outs)])
        for st, (_, z_after, _) in zip(streams, outs):
            st.advance(z_after, advance)
    return np.array(picked, dtype=np.int64).reshape(-1, len(streams), n).transpose(1, 0, 2)


def results(job: TileJob, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """(ROWS, COLS) results: exact integers (Python ints), or for floating point the binary32
    bits of PE (r, c)'s sum in row r's scheduled order."""
    if job.fmt == "int":
        return exact_matmul(job.b.reshape(job.b.shape[0], -1), job.a.reshape(job.a.shape[0], -1).T)
    src = tile_sources(job, depth, order)                       # (ROWS, steps, n)
    rows, cols = job.b.shape[0], job.a.shape[0]
    # PE (r, c) multiplies column c's A and row r's B at row r's schedule: all PEs at once.
    lanes_a = np.stack([np.stack([gather(job.a[c], src[r]) for c in range(cols)]) for r in range(rows)])
    lanes_b = np.stack([np.repeat(gather(job.b[r], src[r])[None], cols, axis=0) for r in range(rows)])
    return fp_sums(job.fmt, lanes_a, lanes_b).astype(object)


def tile_steps(job: TileJob, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> int:
    """Scheduler steps of a tile job (:func:`tile_sources`)."""
    return tile_sources(job, depth, order).shape[1]


def tile_steps_batch(b_eff: np.ndarray, depth: int = DEFAULT_DEPTH) -> np.ndarray:
    """Vectorised :func:`tile_steps` for T tiles: (T, ROWS, R, n) B effectual flags -> (T,)."""
    b_eff = np.asarray(b_eff)
    if b_eff.ndim != 4:
        raise ValueError(f"b_eff must be (T, ROWS, R, n), got shape {b_eff.shape}")
    t, rows = b_eff.shape[:2]
    steps = S.count_steps_batch(b_eff.reshape(t * rows, *b_eff.shape[2:]), depth, group=rows)
    return steps[::rows]


def tile_result_cycles(jobs: list[TileJob], depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """Cycle in which each job's results are presented (no bubbles, no back-pressure)."""
    return np.cumsum([tile_steps(j, depth, order) for j in jobs]) + FIXED_LATENCY


def b_stream_flags(rng: np.random.Generator, tiles: int, rows: int, n_rows: int, n: int,
                   sparsity: float, pattern: str) -> np.ndarray:
    """(tiles, rows, n_rows, n) effectual flags of the B streams for the geometry study.

    ``uniform``: every value zero with probability ``sparsity``. ``clustered``: the same mean
    density, but each B stream (a feature map / filter) is either dense (90% non-zero) or
    sparse (10% non-zero), chosen per stream and job -- the clustering of non-zeros in some 2D
    maps that §4.4 gives as the reason speedup drops with more PE rows.
    """
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    shape = (tiles, rows, n_rows, n)
    if pattern == "uniform":
        return rng.random(shape) >= sparsity
    if pattern == "clustered":
        hi, lo = 0.9, 0.1
        if not lo <= 1 - sparsity <= hi:
            raise ValueError(f"clustered sparsity must be in [{1 - hi:.1f}, {1 - lo:.1f}], got {sparsity}")
        p_dense = ((1 - sparsity) - lo) / (hi - lo)
        density = np.where(rng.random((tiles, rows, 1, 1)) < p_dense, hi, lo)
        return rng.random(shape) < density
    raise ValueError(f"pattern must be 'uniform' or 'clustered', got {pattern!r}")


def geometry_speedup(rng, rows: int, sparsity: float, pattern: str, depth: int = DEFAULT_DEPTH,
                     tiles: int = 64, n_rows: int = 256, n: int = 16) -> float:
    """Speedup over the dense tile (one row per cycle) of a tile with ``rows`` PE rows:
    total rows / total tile steps over ``tiles`` independent jobs. Columns do not enter: only
    B is scheduled, and every column follows its row's schedule."""
    flags = b_stream_flags(rng, tiles, rows, n_rows, n, sparsity, pattern)
    return tiles * n_rows / float(tile_steps_batch(flags, depth).sum())


def cycle_model(depth: int = DEFAULT_DEPTH, n: int = 16, fmt: str = "int", acc_w: int | None = None,
                order=DEFAULT_ORDER):
    """The tile's cycle-level model under any handshake trace (model/pipeline.py states the
    rules): one window, each PE row schedules its own pending Z in it, the window advances by
    the smallest AS. Feed it beats made by :func:`tile_beats`. A result is the (ROWS, COLS)
    array of :func:`results`, or with ``acc_w`` the out_data bus (:func:`pack_results`)."""
    from .pipeline import StagedPipeline

    step = S.stepper(depth, n, order)     # schedule_step, checked once (model/tests)

    def step_window(pend):
        pad = [0] * (depth - len(pend))
        outs = [step([p[r] for p in pend] + pad) for r in range(len(pend[0]))]
        after = [tuple(z_after[k] for z_after, _ in outs) for k in range(len(pend))]
        return after, min(as_rows for _, as_rows in outs)

    def finish(beats):
        job = TileJob(np.concatenate([bt.data[0] for bt in beats], axis=1),
                      np.concatenate([bt.data[1] for bt in beats], axis=1), fmt)
        res = results(job, depth, order)
        return res if acc_w is None else pack_results(res, acc_w)

    model = StagedPipeline(depth, step_window, finish)
    model.native = ("schedule", n, S._tables(depth, n, order), True)
    return model


def pack_results(res: np.ndarray, acc_w: int) -> int:
    """(ROWS, COLS) results -> the tile's out_data bus: PE (r, c) at [(r*COLS + c)*acc_w +: acc_w],
    two's complement for integers."""
    mask = (1 << acc_w) - 1
    bus = 0
    for k, v in enumerate(res.ravel().tolist()):
        bus |= (int(v) & mask) << (k * acc_w)
    return bus


def tile_beats(job: TileJob, depth: int = DEFAULT_DEPTH):
    """A job as the tile's input beats for the cycle model: DEPTH rows of every stream per
    beat, the last 1..DEPTH rows with ``last``; per row the tuple of the PE rows' Z masks."""
    from .pipeline import Beat

    z = effectual(job)
    masks = np.stack([S.pack_rows(zr) for zr in z], axis=1)    # (R, ROWS)
    out = []
    for start in range(0, job.rows, depth):
        stop = min(start + depth, job.rows)
        out.append(Beat(stop - start, stop == job.rows, [tuple(int(m) for m in row) for row in masks[start:stop]],
                        (job.a[:, start:stop], job.b[:, start:stop])))
    return out
