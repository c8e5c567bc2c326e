"""Design-space search over the scheduler's option set and priority order (issue 22; beyond
the paper, which fixes one table, §3.2 Fig 9, and its depth-2 subset, Fig 19).

The hardware's constraints, kept by every candidate (model/params.py check_options):
``depth`` window rows; 8 options at depth 3 and 5 at depth 2 (3-bit MS); option 0 = (+0, own
lane), which keeps AS >= 1; lanes of one level never share a pair. The search also keeps the
paper's level depth: each row's lane offsets lie within a span of 5 (offsets in [-4, +4]), so
the level spacing is at most 5 and N = 16 has at most the paper's 6 levels (a narrower set
has fewer: spacing 4 gives 4 levels of 4) -- at most the same chain of priority encoders,
hence about the same critical path. Within that the option set and the
priority order are free: a mux and a priority encoder cost the same whatever they select.

Workloads (effectual-pair streams, 16 lanes):

``uniform``     every pair ineffectual with probability s, s = 0.1 .. 0.9.
``structured``  ``skewed``: each lane its own density, uniform in [0.05, 0.95] per stream;
                ``bursty``: rows come in bursts (mean 8 rows) of density 0.9 or 0.1;
                ``banded``: a 6-lane band of density 0.9 that moves one lane per row
                (diagonal, either direction), 0.05 elsewhere; ``clustered``: 8 adjacent lanes (random place per
                stream) at density 0.8, the others 0.1.
``traces``      the digits CNN's training operations (studies/traces.py), the targeted side.

Score of a candidate: per workload, its speedup over the paper's order's on the same
streams; per class (uniform, structured, traces) the mean of those ratios; the score is the
mean of the three class means. A candidate that loses more than 1% on any workload is
rejected (the issue's "no workload worse by > 1%").

Search (the space: depth 2 has 21 option sets x 24 orders; depth 3 has 1,688 sets x 5,040
orders):

1. depth 2: exhaustive, every set x every order, on the search streams.
2. depth 3: a screen, on a third of the streams of uniform 0.3-0.8, the structured patterns
   and the traces: exhaustive over the 5,040 orders of the paper's set, and every one of the
   1,688 sets under four structured orders (older rows first, offsets by |offset| with
   negative or positive first; own-lane lookahead first then older rows; by |offset| then
   row). The best 48 are rescored on every workload;
3. depth 3: hill climbing from the best 4 of step 2: move one option to another priority,
   swap two, or replace one by an unused (row, offset), while the score improves;
4. the best candidates of each depth (and the paper's) are re-measured on larger, fresh
   streams (another seed), which is what is reported, with the per-step maximum matching
   over the paper's muxes and over the winner's (model/schedulers.py) for reference.

All candidates are scored together by model.scheduler.count_steps_orders (one numpy pass per
batch), which the unit tests hold equal to count_steps_batch.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np

from model import params as P
from model import scheduler as S
from model import schedulers as X

from . import traces as T
from .experiments import _plt, _save, progress

UNIFORM = tuple(round(0.1 * i, 1) for i in range(1, 10))
STRUCTURED = ("skewed", "bursty", "banded", "clustered")
OFFSETS = range(-4, 5)
MAX_SPREAD = 4          # offsets of one row within a span of 5: level spacing <= 5
WORST_LOSS = 0.01       # reject a candidate that is > 1% slower than the paper on a workload


# ------------------------------------------------------------------------------ workloads
def structured_flags(rng: np.random.Generator, pattern: str, streams: int, rows: int, n: int = P.LANES) -> np.ndarray:
    """(streams, rows, n) effectual flags of one structured pattern (module docstring)."""
    shape = (streams, rows, n)
    if pattern == "skewed":
        density = rng.uniform(0.05, 0.95, (streams, 1, n))
    elif pattern == "bursty":
        state = np.zeros((streams, rows), dtype=bool)
        state[:, 0] = rng.random(streams) < 0.5
        flip = rng.random((streams, rows)) < 1 / 8          # mean burst length 8 rows
        for r in range(1, rows):
            state[:, r] = state[:, r - 1] ^ flip[:, r]
        density = np.where(state, 0.9, 0.1)[:, :, None]
    elif pattern == "banded":
        start = rng.integers(0, n, (streams, 1, 1))
        step = rng.choice([-1, 1], (streams, 1, 1))          # either diagonal direction
        lane = np.arange(n)[None, None, :]
        row = np.arange(rows)[None, :, None]
        in_band = (lane - step * row - start) % n < 6
        density = np.where(in_band, 0.9, 0.05)
    elif pattern == "clustered":
        start = rng.integers(0, n, (streams, 1, 1))
        in_cluster = (np.arange(n)[None, None, :] - start) % n < n // 2
        density = np.where(in_cluster, 0.8, 0.1)
    else:
        raise ValueError(f"pattern must be one of {', '.join(STRUCTURED)}, got {pattern!r}")
    return rng.random(shape) < density


def trace_workloads(epochs: int, seed: int, max_jobs: int, rng: np.random.Generator) -> list[dict]:
    """The digits CNN's operations after ``epochs`` epochs, one workload each (at most
    ``max_jobs`` random jobs per operation, which all have the same row count), weighted by
    their dense cycles in the traces' overall speedup."""
    ops = {}

    def on_epoch(epoch, net, px, py, acc):
        if epoch == epochs:
            ops["ops"] = T.capture(net, px, py)

    T.Trainer(epochs=epochs, seed=seed).run(on_epoch)
    out = []
    for op in ops["ops"]:
        eff = op.target != 0
        if eff.shape[0] > max_jobs:
            eff = eff[np.sort(rng.choice(eff.shape[0], max_jobs, replace=False))]
        out.append({"name": f"{op.layer} {op.op}", "class": "traces", "eff": eff,
                    "weight": op.macs / P.LANES})
    return out


def workloads(streams: int, rows: int, seed: int, epochs: int, trace_jobs: int) -> list[dict]:
    """Every workload as {name, class, eff (S, R, 16) bool, weight}."""
    rng = np.random.default_rng(seed)
    out = [{"name": f"uniform {s:.1f}", "class": "uniform", "eff": S.random_effectual(rng, (streams, rows, P.LANES), s),
            "weight": 1.0} for s in UNIFORM]
    out += [{"name": p, "class": "structured", "eff": structured_flags(rng, p, streams, rows), "weight": 1.0}
            for p in STRUCTURED]
    if epochs:
        out += trace_workloads(epochs, seed, trace_jobs, rng)
    return out


# ---------------------------------------------------------------------------- candidates
def _spread_ok(opts) -> bool:
    return P.min_level_spacing(opts) <= MAX_SPREAD + 1


def canonical_orders(moves) -> list[tuple]:
    """The structured priority orders of step 2 for a set of 7 (or 4) non-dense moves."""
    older_neg = sorted(moves, key=lambda m: (m[0], abs(m[1]), m[1]))
    older_pos = sorted(moves, key=lambda m: (m[0], abs(m[1]), -m[1]))
    own_first = sorted(moves, key=lambda m: (m[1] != 0, m[0], abs(m[1]), m[1]))
    by_offset = sorted(moves, key=lambda m: (abs(m[1]), m[0], m[1]))
    seen, out = set(), []
    for order in (older_neg, older_pos, own_first, by_offset):
        cand = ((0, 0),) + tuple(order)
        if cand not in seen:
            seen.add(cand)
            out.append(cand)
    return out


def option_sets(depth: int) -> list[tuple]:
    """Every set of NOPT-1 non-dense moves (rows 1..depth-1, offsets in [-4, 4]) whose rows
    each span at most 5 lanes (so the paper's level partition holds), as sorted tuples."""
    moves = [(r, o) for r in range(1, depth) for o in OFFSETS]
    return [c for c in itertools.combinations(moves, P.NOPT[depth] - 1) if _spread_ok(((0, 0),) + c)]


def score(steps: np.ndarray, base: np.ndarray, loads: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-candidate (score, worst workload ratio, ratios (C, W)) from steps (C, W) and the
    paper's steps (W,) (total steps per workload, weighted streams already summed)."""
    ratios = base[None, :] / steps
    classes = sorted({w["class"] for w in loads})
    means = [ratios[:, [i for i, w in enumerate(loads) if w["class"] == c]].mean(axis=1) for c in classes]
    return np.mean(means, axis=0), ratios.min(axis=1), ratios


def total_steps(loads: list[dict], depth: int, cands: list, label: str = "") -> np.ndarray:
    """(C, W) total scheduler steps of every candidate on every workload."""
    out = np.zeros((len(cands), len(loads)), dtype=np.float64)
    for i, w in enumerate(loads):
        out[:, i] = S.count_steps_orders(w["eff"], depth, cands).sum(axis=1)
        if label:
            progress(i + 1, len(loads), label)
    return out


def _rank(cands, steps, base, loads):
    sc, worst, _ = score(steps, base, loads)
    feasible = worst >= 1 - WORST_LOSS
    key = np.where(feasible, sc, sc - 10)   # infeasible ones rank below every feasible one
    order = np.argsort(-key, kind="stable")
    return [(cands[i], float(sc[i]), float(worst[i]), bool(feasible[i])) for i in order]


def _neighbours(cand: tuple, depth: int) -> list[tuple]:
    """Orders one move away: an option to another priority, two swapped, or one replaced
    by an unused (row, offset) (the row span rule kept)."""
    body = list(cand[1:])
    out = set()
    for i in range(len(body)):
        for j in range(len(body)):
            if i != j:
                moved = body[:i] + body[i + 1:]
                moved.insert(j, body[i])
                out.add(((0, 0),) + tuple(moved))
                sw = list(body)
                sw[i], sw[j] = sw[j], sw[i]
                out.add(((0, 0),) + tuple(sw))
        for r in range(1, depth):
            for o in OFFSETS:
                if (r, o) not in body:
                    rep = list(body)
                    rep[i] = (r, o)
                    c = ((0, 0),) + tuple(rep)
                    if _spread_ok(c):
                        out.add(c)
    out.discard(cand)
    return sorted(out)


def screen_loads(loads: list[dict], streams: int) -> list[dict]:
    """The cheap screen of depth 3's step 2: uniform 0.3 .. 0.8, every structured pattern and
    the trace operations, on their first ``streams`` streams."""
    keep = [w for w in loads if w["class"] != "uniform" or 0.25 < float(w["name"].split()[1]) < 0.85]
    return [dict(w, eff=w["eff"][:streams]) for w in keep]


def search(depth: int, loads: list[dict], quick: bool, climb_from: int = 4, rescore: int = 48,
           log=print) -> dict:
    """Steps 1-3 of the module docstring on ``loads``; returns the ranked candidates (each
    (order, score, worst ratio, feasible), scored on ``loads``)."""
    paper = P.OPTION_SETS["paper"][depth]
    base = total_steps(loads, depth, [paper])[0]
    t0 = time.monotonic()
    sets = option_sets(depth)
    if depth == 2:
        cands = [((0, 0),) + p for s in sets for p in itertools.permutations(s)]
        steps = total_steps(loads, depth, cands, f"explore depth 2: {len(cands)} candidates")
        log(f"depth 2: exhaustive, {len(cands)} candidates in {time.monotonic() - t0:.0f} s")
        return {"ranked": _rank(cands, steps, base, loads), "evaluated": len(cands), "base": base,
                "stage": "exhaustive: every option set x every order"}
    # Depth 3, step 2: a cheap screen (a subset of the workloads, a third of the streams).
    if quick:  # the paper's order and its one-move neighbours, a sample of the option sets
        exhaustive = [paper] + _neighbours(paper, depth)
        sets = sets[:: max(1, len(sets) // 60)]
    else:
        exhaustive = [((0, 0),) + p for p in itertools.permutations(paper[1:])]
    cands = list(dict.fromkeys(exhaustive + [c for s in sets for c in canonical_orders(s)]))
    screen = screen_loads(loads, max(1, loads[0]["eff"].shape[0] // 3))
    s_steps = total_steps(screen, depth, cands, f"explore depth 3: screening {len(cands)} candidates")
    s_ranked = _rank(cands, s_steps, total_steps(screen, depth, [paper])[0], screen)
    stage = (f"screen of {len(exhaustive)} orders of the paper's set{' (its one-move neighbours)' if quick else ''} "
             f"and {len(sets)} option sets x 4 structured orders on {len(screen)} workloads; the best "
             f"{rescore} rescored on all {len(loads)}")
    log(f"depth 3: screened {len(cands)} candidates in {time.monotonic() - t0:.0f} s")
    # The best of the screen, rescored on every workload; then hill climbing (step 3).
    top = [c for c, *_ in s_ranked[:rescore]]
    if paper not in top:
        top.append(paper)
    ranked = _rank(top, total_steps(loads, depth, top), base, loads)
    evaluated = len(cands)
    seen = set(cands)
    starts = [c for c, *_ in ranked[:climb_from]]
    for k, start in enumerate(starts):
        cur, cur_key = start, next(s for c, s, w, f in ranked if c == start)
        for _ in range(2 if quick else 8):
            nb = [c for c in _neighbours(cur, depth) if c not in seen]
            if not nb:
                break
            seen.update(nb)
            evaluated += len(nb)
            got = _rank(nb, total_steps(loads, depth, nb), base, loads)
            ranked += got
            if got[0][3] and got[0][1] > cur_key:
                cur, cur_key = got[0][0], got[0][1]
            else:
                break
        progress(k + 1, len(starts), "explore depth 3: hill climbing")
    ranked.sort(key=lambda r: -(r[1] if r[3] else r[1] - 10))
    log(f"depth 3: hill climbing from the best {len(starts)}: {evaluated} candidates in all, "
        f"{time.monotonic() - t0:.0f} s")
    return {"ranked": ranked, "evaluated": evaluated, "base": base, "stage": stage + ", then hill climbing"}


# --------------------------------------------------------------------------- final check
def measure(depth: int, loads: list[dict], cands: list, matching_streams: int) -> dict:
    """Speedups (rows / steps, weighted over a workload's streams) of ``cands`` on ``loads``,
    and the per-step maximum matching over the muxes of cands[0] (the paper's) and cands[1]
    (the winner) on the first ``matching_streams`` streams of each workload."""
    rows = np.array([w["eff"].shape[0] * w["eff"].shape[1] for w in loads], dtype=np.float64)
    steps = total_steps(loads, depth, cands)
    speed = rows[None, :] / steps
    match = {}
    for c in cands[:2]:
        vals = []
        for w in loads:
            eff = w["eff"][:matching_streams]
            vals.append(eff.shape[0] * eff.shape[1] / X.count_steps_batch(eff, "matching", depth, order=c).sum())
        match[c] = vals
        progress(len(match), 2, f"matching reference depth {depth}")
    # On the matching's streams, the greedy orders too (the gap is measured on equal data).
    sub = [dict(w, eff=w["eff"][:matching_streams]) for w in loads]
    sub_rows = np.array([w["eff"].shape[0] * w["eff"].shape[1] for w in sub], dtype=np.float64)
    sub_speed = sub_rows[None, :] / total_steps(sub, depth, cands[:2])
    return {"speedup": speed, "matching": match, "sub_speedup": sub_speed}


def class_speedup(loads, speed_row: np.ndarray, cls: str) -> float:
    """Mean speedup of a class's workloads; for traces the overall one (dense cycles over
    TensorDash cycles, every operation weighted by its dense cycles)."""
    idx = [i for i, w in enumerate(loads) if w["class"] == cls]
    if cls == "traces":
        wts = np.array([loads[i]["weight"] for i in idx])
        return float(wts.sum() / (wts / speed_row[idx]).sum())
    return float(np.mean(speed_row[idx]))


def run(depths, quick: bool, seed: int, streams: int, rows: int, final_streams: int, final_rows: int,
        epochs: int, matching_streams: int, top: int = 5, log=print) -> dict:
    out = {"depths": list(depths), "quick": quick, "results": {}}
    t0 = time.monotonic()
    search_loads = workloads(streams, rows, seed, epochs, trace_jobs=streams)
    final_loads = workloads(final_streams, final_rows, seed + 1000, epochs, trace_jobs=final_streams * 4)
    log(f"workloads ready ({time.monotonic() - t0:.0f} s)")
    for depth in depths:
        found = search(depth, search_loads, quick, log=log)
        paper = P.OPTION_SETS["paper"][depth]
        feasible = [c for c, s, w, f in found["ranked"] if f and c != paper]
        finalists = list(dict.fromkeys(feasible[:top]))
        cands = [paper] + finalists
        stored = P.OPTION_SETS.get("explored", {}).get(depth)
        if stored is not None and stored not in cands:
            cands.append(stored)
        final = measure(depth, final_loads, cands, matching_streams)
        sc, worst, ratios = score(1 / final["speedup"], 1 / final["speedup"][0], final_loads)
        best_i = 1 + int(np.argmax(np.where(worst[1:] >= 1 - WORST_LOSS, sc[1:], sc[1:] - 10)))
        if best_i != 1:  # the matching was measured over cands[1]'s muxes: redo for the winner
            cands[1], cands[best_i] = cands[best_i], cands[1]
            final = measure(depth, final_loads, cands, matching_streams)
            sc, worst, ratios = score(1 / final["speedup"], 1 / final["speedup"][0], final_loads)
        out["results"][depth] = {"search": found, "cands": cands, "final": final, "score": sc, "worst": worst,
                                 "ratios": ratios, "stored": stored}
    out["final_loads"] = [{k: v for k, v in w.items() if k != "eff"} | {"streams": w["eff"].shape[0],
                                                                        "rows": w["eff"].shape[1]}
                          for w in final_loads]
    out["search_cfg"] = {"streams": streams, "rows": rows, "epochs": epochs}
    out["final_cfg"] = {"streams": final_streams, "rows": final_rows, "matching_streams": matching_streams}
    out["seconds"] = time.monotonic() - t0
    return out


# ------------------------------------------------------------------------------- report
def fmt_order(c) -> str:
    return " ".join(f"({r},{o:+d})" if o else f"({r},0)" for r, o in c)


def _goal_lines(depth: int, res: dict, loads: list[dict]) -> list[str]:
    sp, m = res["final"]["speedup"], res["final"]
    best = res["cands"][1]
    uni = [i for i, w in enumerate(loads) if w["class"] == "uniform"]
    gain_u = np.mean(sp[1, uni]) / np.mean(sp[0, uni]) - 1
    st = [i for i, w in enumerate(loads) if w["class"] == "structured"]
    gain_s = np.mean(sp[1, st]) / np.mean(sp[0, st]) - 1
    worst = float(res["ratios"][1].min()) - 1
    worst_w = loads[int(np.argmin(res["ratios"][1]))]["name"]
    i6 = next(i for i, w in enumerate(loads) if w["name"] == "uniform 0.6")
    sub = m["sub_speedup"]
    match_paper = m["matching"][res["cands"][0]][i6]
    closed = (sub[1, i6] - sub[0, i6]) / (match_paper - sub[0, i6]) if match_paper > sub[0, i6] else float("nan")
    ok = lambda b: "met" if b else "NOT met"  # noqa: E731
    return [f"Depth {depth}, best order {fmt_order(best)} against the paper's:",
            f"- mean speedup over uniform 0.1-0.9: {100 * gain_u:+.2f}% (goal >= +2%: {ok(gain_u >= 0.02)})",
            f"- mean speedup over the structured patterns: {100 * gain_s:+.2f}% (goal >= +10%: {ok(gain_s >= 0.10)})",
            f"- worst workload: {100 * worst:+.2f}% ({worst_w}; goal no workload below -1%: {ok(worst >= -0.01)})",
            f"- uniform 0.6: paper {sub[0, i6]:.3f}, best {sub[1, i6]:.3f}, per-step matching over the paper's muxes "
            f"{match_paper:.3f}: {100 * closed:.0f}% of the gap closed (goal >= 50%: {ok(closed >= 0.5)})", ""]


def markdown(data: dict) -> str:
    loads = data["final_loads"]
    sc, fc = data["search_cfg"], data["final_cfg"]
    lines = [f"Search streams: {sc['streams']} x {sc['rows']} rows per synthetic workload (seed s); reported numbers "
             f"on fresh streams (seed s + 1000): {fc['streams']} x {fc['rows']} rows per synthetic workload, "
             f"trace operations up to {fc['streams'] * 4} jobs each; the per-step matching on the first "
             f"{fc['matching_streams']} streams of each (greedy orders measured on those same streams for the gap). "
             f"Digits CNN traces after {sc['epochs']} epoch(s). Speedup = rows / scheduler steps (16 lanes). "
             f"Candidates have at most 6 levels at N = 16 (row offsets within a span of 5). {data['seconds']:.0f} s in all.", ""]
    for depth in data["depths"]:
        res = data["results"][depth]
        found, cands, sp = res["search"], res["cands"], res["final"]["speedup"]
        lines += [f"### Depth {depth}", "", f"Search: {found['stage']}; {found['evaluated']:,} candidates scored.", "",
                  "| rank | priority order (MS 0..) | search score | final score | worst workload ratio |",
                  "|---|---|---|---|---|"]
        for i, c in enumerate(cands):
            tag = "paper" if i == 0 else ("stored as `explored`" if c == res["stored"] else str(i))
            srch = next((f"{s:.4f}" for cc, s, w, f in found["ranked"] if cc == c), "-")
            lines.append(f"| {tag} | {fmt_order(c)} | {srch} | {res['score'][i]:.4f} | {res['worst'][i]:.4f} |")
        best = cands[1]
        m = res["final"]["matching"]
        sub = res["final"]["sub_speedup"]
        lines += ["", f"Per workload (best = {fmt_order(best)}). Matching = per-step maximum matching over the "
                  f"same muxes; it is measured on the first {data['final_cfg']['matching_streams']} streams, so its "
                  "columns are ratios to the paper's order on those same streams:", "",
                  "| workload | class | paper | best | best / paper | matching (paper's muxes) / paper | "
                  "matching (best's muxes) / paper |", "|---|---|---|---|---|---|---|"]
        for i, w in enumerate(loads):
            lines.append(f"| {w['name']} | {w['class']} | {sp[0, i]:.3f} | {sp[1, i]:.3f} | {sp[1, i] / sp[0, i]:.4f} | "
                         f"{m[cands[0]][i] / sub[0, i]:.4f} | {m[best][i] / sub[0, i]:.4f} |")
        lines += ["", "| class | paper | best | gain |", "|---|---|---|---|"]
        for cls in ("uniform", "structured", "traces"):
            if any(w["class"] == cls for w in loads):
                a, b = class_speedup(loads, sp[0], cls), class_speedup(loads, sp[1], cls)
                lines.append(f"| {cls}{' (overall)' if cls == 'traces' else ' (mean)'} | {a:.3f} | {b:.3f} | "
                             f"{100 * (b / a - 1):+.2f}% |")
        lines += [""] + _goal_lines(depth, res, loads)
    return "\n".join(lines)


def plot(data: dict, path: Path) -> Path:
    plt = _plt()
    loads = data["final_loads"]
    depths = data["depths"]
    fig, axes = plt.subplots(2, len(depths), figsize=(6.2 * len(depths), 8.4), squeeze=False)
    uni = [i for i, w in enumerate(loads) if w["class"] == "uniform"]
    rest = [i for i, w in enumerate(loads) if w["class"] != "uniform"]
    for col, depth in enumerate(depths):
        res = data["results"][depth]
        sp, m, cands = res["final"]["speedup"], res["final"]["matching"], res["cands"]
        ax = axes[0][col]
        xs = list(UNIFORM)
        ax.plot(xs, sp[0, uni], "o-", label="paper's order")
        ax.plot(xs, sp[1, uni], "s-", label="best order found")
        # The matching ran on fewer streams: scaled to the paper's order on the same streams.
        sub = res["final"]["sub_speedup"]
        ax.plot(xs, [m[cands[0]][i] / sub[0, i] * sp[0, i] for i in uni], "^--", label="per-step matching (paper's muxes)")
        ax.plot(xs, [m[cands[1]][i] / sub[0, i] * sp[0, i] for i in uni], "v:", label="per-step matching (best's muxes)")
        ax.set(xlabel="uniform sparsity", ylabel="speedup", title=f"depth {depth}: uniform random sparsity")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax = axes[1][col]
        names = [loads[i]["name"] for i in rest]
        y = np.arange(len(rest))
        ax.barh(y - 0.2, [sp[1, i] / sp[0, i] - 1 for i in rest], 0.4, label="best order")
        sub = res["final"]["sub_speedup"]
        ax.barh(y + 0.2, [m[cands[0]][i] / sub[0, i] - 1 for i in rest], 0.4, label="per-step matching (paper's muxes)")
        ax.axvline(0, color="k", lw=0.8)
        ax.axvline(-WORST_LOSS, color="tab:red", lw=0.8, ls=":")
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:+.0f}%"))
        ax.set(xlabel="speedup vs the paper's order", title=f"depth {depth}: structured patterns and digits traces")
        ax.grid(alpha=0.3, axis="x")
        ax.legend(fontsize=8)
    fig.suptitle("Scheduler priority orders and option sets (python -m studies explore)")
    return _save(fig, path)
