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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import scheduler as S
from .params import DEFAULT_DEPTH
from .pe import FIXED_LATENCY


@dataclass
class TileJob:
    """One job of a tile: ``a`` is (COLS, R, n) -- one A operand stream per column -- and
    ``b`` is (ROWS, R, n), one B stream per PE row. PE (r, c) computes dot(a[c], b[r])."""

    a: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        self.a, self.b = np.asarray(self.a), np.asarray(self.b)
        if self.a.ndim != 3 or self.b.ndim != 3 or self.a.shape[1:] != self.b.shape[1:]:
            raise ValueError(f"a must be (COLS, R, n) and b (ROWS, R, n) with one R and n, "
                             f"got {self.a.shape} and {self.b.shape}")
        if self.rows < 1:
            raise ValueError("a job needs at least one row")
        if not (np.issubdtype(self.a.dtype, np.integer) and np.issubdtype(self.b.dtype, np.integer)):
            raise ValueError(f"integer operands expected, got {self.a.dtype} and {self.b.dtype}")

    @property
    def rows(self) -> int:
        return self.a.shape[1]

    @property
    def geometry(self) -> tuple[int, int]:
        return self.b.shape[0], self.a.shape[0]


def results(job: TileJob) -> np.ndarray:
    """(ROWS, COLS) exact integer results (Python ints)."""
    a = job.a.astype(object).reshape(job.a.shape[0], -1)
    b = job.b.astype(object).reshape(job.b.shape[0], -1)
    return b @ a.T


def tile_steps(job: TileJob, depth: int = DEFAULT_DEPTH) -> int:
    """Scheduler steps of a tile job, read literally: one window for all rows, each row
    schedules its own B zero vector, the window advances by the smallest AS."""
    z = job.b != 0
    n = z.shape[2]
    streams = [S.RowStream(S.pack_rows(zr), depth) for zr in z]
    steps = 0
    while not streams[0].done:
        outs = [S.schedule_step(st.window, depth, n) for st in streams]
        advance = min(as_rows for _, _, as_rows in outs)
        for st, (_, z_after, _) in zip(streams, outs):
            st.advance(z_after, advance)
        steps += 1
    return steps


def tile_steps_batch(b_eff: np.ndarray, depth: int = DEFAULT_DEPTH) -> np.ndarray:
    """Vectorised :func:`tile_steps` for T tiles: (T, ROWS, R, n) B effectual flags -> (T,)."""
    b_eff = np.asarray(b_eff)
    if b_eff.ndim != 4:
        raise ValueError(f"b_eff must be (T, ROWS, R, n), got shape {b_eff.shape}")
    t, rows = b_eff.shape[:2]
    steps = S.count_steps_batch(b_eff.reshape(t * rows, *b_eff.shape[2:]), depth, group=rows)
    return steps[::rows]


def tile_result_cycles(jobs: list[TileJob], depth: int = DEFAULT_DEPTH) -> np.ndarray:
    """Cycle in which each job's results are presented (no bubbles, no back-pressure)."""
    return np.cumsum([tile_steps(j, depth) for j in jobs]) + FIXED_LATENCY


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
