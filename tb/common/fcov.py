"""Functional coverage of every block, with cocotb-coverage 2.0 (CoverPoint / CoverCross).

Every bin of the regression is defined here, once; the testbenches only call ``sample``.
A coverage tree is named ``<block>.<parameter set>`` (e.g. ``scheduler.N16_DEPTH3``), so each
parameter set must close its own bins. What is covered (issue 7):

* scheduler -- ``lane_option``: every (lane, option) chosen; ``idle_lane``: every lane idle;
  ``as_rows``: every AS value; ``level_blocked``: every level that lost its preferred pair to
  an earlier level (model.scheduler.blocked_levels).
* PE (TensorDash and dense) -- one cross per job: operand sparsity x job length x mode x
  stall (was the job's stream interrupted by an upstream bubble or back-pressure).
* compressor / decompressor -- one cross per group: sparsity x full / partial (last) group.
* tile -- which PE row was the slowest of a job (or a tie).

The stimulus generators (tb/common/tensors.py, the directed tests) are built so every bin is
hit by construction, whatever the seed: the regression fails on an unhit bin, so a bin that
random stimulus only hits "usually" would make it flaky.

Each simulation writes its database when the process exits, to the file runner.run_block
names in TDASH_FCOV_FILE; tb/common/coverage_report.py merges the files of every run.
"""

from __future__ import annotations

import atexit
from functools import lru_cache
import operator
import os

import numpy as np

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_db

from model import fp as FP
from model import pe as PE
from model import scheduler as S

# Operand sparsity (fraction of zero values / pairs with a zero) bins: the two exact ends,
# which behave differently in hardware (nothing to skip; nothing effectual), and three bands.
SPARSITY_BINS = ("0%", "1-49%", "50-89%", "90-99%", "100%")
MAX_SHORT_JOB = 64   # PE jobs: "short" multi-beat jobs end here; longer ones run past it


_HALF, _HIGH = 0.5, 0.9   # the band edges of SPARSITY_BINS


def sparsity_bin(fraction: float) -> str:
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"sparsity {fraction} outside [0, 1]")
    if fraction == 0.0:
        return "0%"
    if fraction == 1.0:
        return "100%"
    return "1-49%" if fraction < _HALF else "50-89%" if fraction < _HIGH else "90-99%"


def _in_bin(label: str, f: np.ndarray) -> np.ndarray:
    """:func:`sparsity_bin` (f) == label, elementwise (the same comparisons)."""
    inner = (f > 0.0) & (f < 1.0)
    masks = {"0%": f == 0.0, "100%": f == 1.0, "1-49%": inner & (f < _HALF),
             "50-89%": inner & (f >= _HALF) & (f < _HIGH), "90-99%": inner & (f >= _HIGH)}
    if label not in masks:
        raise ValueError(f"sparsity bin must be one of {', '.join(SPARSITY_BINS)}, got {label!r}")
    return masks[label]


@lru_cache(maxsize=None)
def sparsity_range(label: str, cells: int) -> tuple[int, int]:
    """Smallest and largest zero count out of ``cells`` whose fraction falls in bin ``label``
    (for generators that must hit a bin exactly); raises if no count can."""
    counts = np.flatnonzero(_in_bin(label, np.arange(cells + 1) / cells)).tolist()
    if not counts:
        raise ValueError(f"no zero count out of {cells} falls in sparsity bin {label}")
    return counts[0], counts[-1]


def sparsity_possible(label: str, cells: int) -> bool:
    """Can a job of ``cells`` pairs fall in sparsity bin ``label``? (A 4-lane one-row job
    cannot be 90-99% zero: 3 of 4 is 75%.)"""
    # Each bin's easiest zero count is one of these: the ends, the fewest zeros (1-49%), the
    # smallest half (50-89%), all but one (90-99%).
    return any(sparsity_bin(k / cells) == label for k in {0, 1, -(-cells // 2), cells - 1, cells} if 0 <= k <= cells)


@lru_cache(maxsize=None)
def possible_rows(label: str, n: int, lo: int, hi: int) -> tuple[int, ...]:
    """Job lengths in [lo, hi] at which an n-lane job can fall in sparsity bin ``label``
    (remembered: the job generators ask for every job they draw)."""
    return tuple(r for r in range(lo, hi + 1) if sparsity_possible(label, r * n))


def length_bins(depth: int) -> tuple[tuple[str, int, int], ...]:
    """PE job lengths: one row; one beat of several rows; a few beats; long jobs."""
    return (("1 row", 1, 1), (f"2-{depth} rows", 2, depth),
            (f"{depth + 1}-{MAX_SHORT_JOB} rows", depth + 1, MAX_SHORT_JOB),
            (f"{MAX_SHORT_JOB + 1}+ rows", MAX_SHORT_JOB + 1, 1 << 30))


def length_bin(rows: int, depth: int) -> str:
    return next(label for label, lo, hi in length_bins(depth) if lo <= rows <= hi)


STALL_BINS = ("no stall", "stalled")


def _set_point(name: str, bins, xf, labels=None) -> CoverPoint:
    """A cover point whose sample is a *set*: every bin in it is hit (one window hits many
    (lane, option) bins at once)."""
    return CoverPoint(name, xf=xf, rel=operator.contains, bins=list(bins), bins_labels=labels, inj=False)


def _decorate(func, *items):
    for item in reversed(items):  # the cross must see its points' hits: it is applied last
        func = item(func)
    return func


def _noop(*_):
    return None


class SchedulerCoverage:
    """Per window: sample(ms_bus, valid_bus, as_rows, blocked) with the DUT's own outputs
    and the levels model.scheduler.blocked_levels marks for that window."""

    def __init__(self, n: int, depth: int, order: str = "paper"):
        self.n, self.depth = n, depth
        root = f"scheduler.N{n}_DEPTH{depth}" + ("" if order == "paper" else f"_{order}")
        opts = S.live_options(depth, n, order)  # MS codes that can occur (N = 4 aliases some)
        pairs = [(lane, k) for lane in range(n) for k in opts]
        self._sample = _decorate(
            _noop,
            _set_point(f"{root}.lane_option", pairs, lambda c, i, a, b: c,
                       [f"lane {lane} option {k}" for lane, k in pairs]),
            _set_point(f"{root}.idle_lane", range(n), lambda c, i, a, b: i),
            # AS = 0 cannot occur: row +0 is always drained (pair (+0, i) is lane i's first
            # choice and no other lane's option), see model.scheduler.count_steps.
            CoverPoint(f"{root}.as_rows", xf=lambda c, i, a, b: a, bins=list(range(1, depth + 1))),
            # Level 0 chooses on the whole window; it cannot be blocked.
            _set_point(f"{root}.level_blocked", range(1, len(S.levels(n, depth, order))), lambda c, i, a, b: b),
        )

    def sample(self, ms_bus: int, valid_bus: int, as_rows: int, blocked) -> None:
        chosen, idle = set(), set()
        for lane in range(self.n):
            if (valid_bus >> lane) & 1:
                chosen.add((lane, (ms_bus >> (lane * 3)) & 7))
            else:
                idle.add(lane)
        self._sample(chosen, idle, as_rows, {lv for lv, b in enumerate(blocked.tolist() if hasattr(blocked, "tolist") else blocked) if b})


class PeCoverage:
    """Per job: sample(job, stalled, result) -- operand sparsity (pairs with a zero A or B,
    whatever the mode skips), length, mode, and whether its stream was stalled; floating point
    adds the result's class (normal, zero, Inf, NaN: every IEEE special reached the output)."""

    def __init__(self, block: str, n: int, depth: int, fmt: str = "int"):
        self.depth, self.fmt = depth, fmt
        root = f"{block}.N{n}_DEPTH{depth}" + ("" if fmt == "int" else f"_{fmt}")
        if fmt != "int":
            self._sample_class = _decorate(_noop, CoverPoint(f"{root}.result_class", xf=lambda c: c,
                                                             bins=["normal", "zero", "inf", "nan"]))
        names = [f"{root}.{p}" for p in ("sparsity", "length", "mode", "stall")]
        self._sample = _decorate(
            _noop,
            CoverPoint(names[0], xf=lambda s, r, m, st: s, bins=list(SPARSITY_BINS)),
            CoverPoint(names[1], xf=lambda s, r, m, st: r, bins=[b[0] for b in length_bins(depth)]),
            CoverPoint(names[2], xf=lambda s, r, m, st: m, bins=list(PE.MODES.values())),
            CoverPoint(names[3], xf=lambda s, r, m, st: st, bins=list(STALL_BINS)),
            # Cells no job of that length can reach (few lanes) are not bins.
            CoverCross(f"{root}.cross", items=names,
                       ign_bins=[(s, label, None, None) for s in SPARSITY_BINS for label, lo, hi in length_bins(depth)
                                 if not possible_rows(s, n, lo, min(hi, MAX_SHORT_JOB + 1))]),
        )

    def sample(self, job: PE.Job, stalled: bool, result: int | None = None) -> None:
        zero_pairs = float((~PE.nonzero(job.a, job.fmt)[0] | ~PE.nonzero(job.b, job.fmt)[0]).mean())
        self._sample(sparsity_bin(zero_pairs), length_bin(job.rows, self.depth), PE.MODES[job.mode],
                     STALL_BINS[int(stalled)])
        if self.fmt != "int" and result is not None:
            self._sample_class(FP.classify(result))


class GroupCoverage:
    """Compressor / decompressor, per group of a tensor: sample(dense_rows, zeros, group_rows)."""

    def __init__(self, block: str, tag: str):
        root = f"{block}.{tag}"
        names = [f"{root}.sparsity", f"{root}.group"]
        self._sample = _decorate(
            _noop,
            CoverPoint(names[0], xf=lambda s, g: s, bins=list(SPARSITY_BINS)),
            CoverPoint(names[1], xf=lambda s, g: g, bins=["full group", "partial group"]),
            CoverCross(f"{root}.cross", items=names),
        )

    def sample(self, dense_rows: int, zeros: int, n: int, group_rows: int) -> None:
        self._sample(sparsity_bin(zeros / (dense_rows * n)),
                     "full group" if dense_rows == group_rows else "partial group")


class TileCoverage:
    """Per job: which PE row needed the most scheduler steps on its own (it sets the pace of
    the shared window), or a tie between rows."""

    def __init__(self, rows: int, cols: int, tag: str):
        self.rows = rows
        bins = [f"row {r}" for r in range(rows)] + (["tie"] if rows > 1 else [])
        self._sample = _decorate(_noop, CoverPoint(f"tile.{tag}.slowest_row", xf=lambda x: x, bins=bins))

    def sample(self, row_steps) -> None:
        top = max(row_steps)
        slowest = [r for r, s in enumerate(row_steps) if s == top]
        self._sample(f"row {slowest[0]}" if len(slowest) == 1 else "tie")


WINDOW_STATES = ("window empty", "window partial", "window full", "queue full (in_ready low)")
RESET_STATES = WINDOW_STATES + ("result held", "err high")
IDLE_RUN_BINS = (("1", 1, 1), ("2-9", 2, 9), ("10-29", 10, 29), ("30+", 30, 1 << 40))
HELD_RUN_BINS = (("1", 1, 1), ("2-9", 2, 9), ("10+", 10, 1 << 40))


def _run_bin(length: int, bins) -> str:
    return next(label for label, lo, hi in bins if lo <= length <= hi)


class HandshakeCoverage:
    """Sampled from the DUT: the trace the HDL agents captured (tb/common/hdl_agents.py),
    one cycle per entry. Per run, every state the DUT was in is hit once:

    * ``window``: rows present in the scheduler's window (the staging queue's own port):
      empty, partial, full with room, queue full (``in_ready`` low);
    * ``result_held``: ``out_valid`` high while ``out_ready`` is low, and the lengths of
      such runs;
    * ``reset_in``: the state the DUT was in when a reset pulse began (each window state,
      a held result, ``err`` high);
    * ``idle_run``: lengths of the runs of ``in_valid`` low between two accepted beats
      (upstream idle while the job goes on or between jobs).
    """

    def __init__(self, block: str, tag: str, depth: int, with_err: bool = False):
        self.depth = depth
        root = f"{block}.{tag}.handshake"
        resets = list(RESET_STATES) if with_err else list(RESET_STATES[:-1])
        self._sample = _decorate(
            _noop,
            _set_point(f"{root}.window", WINDOW_STATES, lambda w, h, r, i: w),
            _set_point(f"{root}.result_held", [b[0] for b in HELD_RUN_BINS], lambda w, h, r, i: h),
            _set_point(f"{root}.reset_in", resets, lambda w, h, r, i: r),
            _set_point(f"{root}.idle_run", [b[0] for b in IDLE_RUN_BINS], lambda w, h, r, i: i),
        )

    def sample_trace(self, trace) -> None:
        import numpy as np

        from tb.common.hdl_agents import runs_of

        t = np.asarray(trace, dtype=np.int64)
        rst, valid, ready_in = t & 1, (t >> 1) & 1, (t >> 2) & 1
        out_valid, out_ready, err, rows = (t >> 3) & 1, (t >> 4) & 1, (t >> 5) & 1, t >> 6
        live = rst == 0
        state = np.where(ready_in == 0, 3, np.where(rows == 0, 0, np.where(rows < self.depth, 1, 2)))
        windows = {WINDOW_STATES[k] for k in np.flatnonzero(np.bincount(state[live], minlength=len(WINDOW_STATES)))}
        held = (out_valid == 1) & (out_ready == 0) & live
        held_runs = {_run_bin(int(x), HELD_RUN_BINS) for x in runs_of(held)}
        starts = np.flatnonzero(rst & (1 - np.concatenate([[1], rst[:-1]])))
        resets = {WINDOW_STATES[state[c]] for c in starts}
        resets |= {"result held" for c in starts if held[c] or (out_valid[c] and not out_ready[c])}
        resets |= {"err high" for c in starts if err[c]}
        accepted = np.flatnonzero((valid & ready_in & (1 - rst)) == 1)
        idle = np.zeros(len(t), dtype=bool)
        if accepted.size > 1:
            idle[accepted[0]:accepted[-1]] = (valid[accepted[0]:accepted[-1]] == 0) & live[accepted[0]:accepted[-1]]
        idle_runs = {_run_bin(int(x), IDLE_RUN_BINS) for x in runs_of(idle)}
        self._sample(windows, held_runs, resets, idle_runs)


class CodecFlowCoverage:
    """Compressor / decompressor handshakes, sampled from the DUT's ports every cycle by
    the bench's observer (tb/compress, tb/decompress; states the ports imply, such as the
    compressor's queue rows = rows accepted - rows the emitted stored rows advanced); per run,
    every state the DUT was in is hit once. Points: ``occupancy`` (compressor queue rows,
    0 .. 3*depth), ``in_ready`` (high / low), ``held`` (lengths of runs of ``out_valid`` high
    with ``out_ready`` low), ``idle_run`` (lengths of runs of ``in_valid`` low between two
    beats of a stream, 1 .. 50), ``state`` (states seen: drained mid-group, levels running,
    ...), ``reset_in`` (the state when a reset pulse began) and ``bad_word`` (each cause of
    the decompressor's ``err``; the compressor's bad beat)."""

    def __init__(self, block: str, tag: str, states, occupancy: int | None = None, errors=()):
        from tb.common.codec_bench import HOLD_BINS, IDLE_BINS

        root = f"{block}.{tag}.flow"
        points = {"in_ready": ["high", "low"], "held": [b[0] for b in HOLD_BINS],
                  "idle_run": [b[0] for b in IDLE_BINS], "state": list(states), "reset_in": list(states)}
        if occupancy is not None:
            points["occupancy"] = list(range(occupancy + 1))
        if errors:
            points["bad_word"] = list(errors)
        self._points = {name: _decorate(_noop, CoverPoint(f"{root}.{name}", xf=lambda v: v, bins=bins))
                        for name, bins in points.items()}

    def sample(self, point: str, value) -> None:
        self._points[point](value)


def _save() -> None:
    path = os.environ.get("TDASH_FCOV_FILE")
    if path and len(coverage_db):
        coverage_db.export_to_xml(path)


atexit.register(_save)
