"""Alternative schedulers over the same staging window, for the comparison of §4.4 / issue 8.

All three see the same ``depth``-row window of effectual-pair flags and advance it the same
way (by AS, the leading empty rows after the step); they differ only in which pending pairs
the n multipliers consume in a step:

``lookahead``
    Time-only movement: lane i may take its own pair from row +0, +1 or +2 (the options with
    lane offset 0). This is the restriction of Cnvlutin-style designs that the paper contrasts
    against (§3.1): a lane with a dense column cannot be helped by an idle neighbour.
``greedy``
    The paper's hierarchical scheduler (§3.2, Fig 10): model/scheduler.py, the RTL's reference.
``matching``
    Over the paper's interconnect (the same 8 (or 5) options per lane), a maximum matching of
    lanes to pending pairs each step: as many pairs consumed as any assignment could, ties
    broken toward older rows (which is what lets the window advance). Solved as a maximum-weight
    bipartite assignment with scipy's ``linear_sum_assignment``: edge weight
    ``BIG + (depth - 1 - row)`` with BIG larger than any sum of tie-break bonuses, so the
    cardinality is maximised first. It is per-step optimal, not a global optimum over the
    stream, and it is not cheap hardware: it bounds what a better per-step scheduler on the
    same muxes could reach.
"""

from __future__ import annotations

import numpy as np

from . import scheduler as S
from .params import DEFAULT_DEPTH, DEFAULT_ORDER

SCHEDULERS = ("lookahead", "greedy", "matching")


def _lookahead_step(depth: int):
    def step(window: list) -> None:
        pending = None  # lanes that have not taken a pair yet this step
        for k in range(depth):
            take = window[k] if pending is None else window[k] & pending
            window[k] = window[k] & ~take
            pending = ~take if pending is None else pending & ~take
    return step


def reach_matrix(depth: int, n: int, order=DEFAULT_ORDER) -> np.ndarray:
    """(n, depth*n) bool: lane i can read window position (row r, lane j) -> [i, r*n + j]
    through the muxes of ``order``'s option table."""
    S.check_params(depth, n)
    reach = np.zeros((n, depth * n), dtype=bool)
    for lane in range(n):
        for option in range(len(S.options(depth, order))):
            row, src = S.option_source(lane, option, depth, n, order)
            reach[lane, row * n + src] = True
    return reach


def _matching_step(depth: int, n: int, order=DEFAULT_ORDER):
    from scipy.optimize import linear_sum_assignment

    reach = reach_matrix(depth, n, order)
    bonus = np.repeat(np.arange(depth - 1, -1, -1), n)      # older rows first on ties
    big = float(n * depth + 1)                                # > any sum of bonuses
    weight = np.where(reach, big + bonus[None, :], 0.0)
    lane_bits = np.array([1 << j for j in range(n)], dtype=np.uint64)

    def step(window: list) -> None:
        rows = np.stack([w.astype(np.uint64) for w in window], axis=1)   # (S, depth)
        # (S, depth*n) pending flags, position r*n + j.
        pending = ((rows[:, :, None] & lane_bits[None, None, :]) != 0).reshape(rows.shape[0], -1)
        for s in np.flatnonzero(pending.any(axis=1)):
            w = weight * pending[s][None, :]
            lanes, pos = linear_sum_assignment(w, maximize=True)
            taken = pos[w[lanes, pos] > 0]
            for p in taken:
                r, j = divmod(int(p), n)
                rows[s, r] &= ~np.uint64(1 << j)
        for k in range(depth):
            window[k] = rows[:, k].astype(window[k].dtype)
    return step


def count_steps_batch(eff: np.ndarray, scheduler: str, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> np.ndarray:
    """Steps for S streams of (R, n) effectual flags under ``scheduler`` (one of SCHEDULERS);
    greedy and matching use ``order``'s option table (model.scheduler.resolve_order)."""
    eff = np.asarray(eff)
    if scheduler not in SCHEDULERS:
        raise ValueError(f"scheduler must be one of {', '.join(SCHEDULERS)}, got {scheduler!r}")
    if eff.ndim != 3:
        raise ValueError(f"eff must be a 3-D (S, R, n) bool array, got shape {eff.shape}")
    S.check_params(depth, eff.shape[2])
    if scheduler == "greedy":
        return S.count_steps_batch(eff, depth, order=order)
    step = _lookahead_step(depth) if scheduler == "lookahead" else _matching_step(depth, eff.shape[2], order)
    return S.count_steps_batch(eff, depth, step=step)
