"""The experiments behind ``python -m studies`` and ``make report`` (paper §4.1, §4.2, §4.4:
Fig 13, 14, 19, 20). Each returns plain data plus a Markdown section; plots are PNGs.

RTL numbers come from cocotb runs of rtl/tdash_pe.v and rtl/dense_pe.v driven from here
(tb/common/pe_jobs.py): every one of those runs also checks the results and each result's
cycle against model/pe.py, so an RTL number in a report is also a passed check.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from model import params as P
from model import pe as PE
from model import scheduler as S
from model import schedulers as X

from . import traces as T

# Fig 20, read off §4.4's text: "with 10% sparsity ... TensorDash is approximately 1.1x";
# "For 90% sparsity ... It is 2.95x faster". Depth 3.
PAPER_FIG20 = {0.1: 1.1, 0.9: 2.95}


def progress(done: int, total: int, label: str) -> None:
    """Progress on stderr: one self-overwriting line on a terminal, else one line per step."""
    if sys.stderr.isatty():
        print(f"\r{label}: {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    else:
        print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)


def ideal(s: float, depth: int) -> float:
    return min(1.0 / (1.0 - s), float(depth)) if s < 1 else float(depth)


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _plt().close(fig)
    return path


def sweep_streams(sparsities, samples: int, rows: int, lanes: int, seed: int) -> np.ndarray:
    """(len(sparsities) * samples, rows, lanes) effectual flags: ``samples`` uniform random
    streams per sparsity, in sparsity order (one batch: the vectorised model's cost per step
    is nearly flat in the number of streams)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([S.random_effectual(rng, (samples, rows, lanes), s) for s in sparsities])


# --------------------------------------------------------------------------------- speedup
def model_speedup(sparsities, depths, rows: int, lanes: int, samples: int, seed: int) -> dict:
    """{depth: [mean over samples of R / steps, per sparsity]} on (samples, rows, lanes) streams."""
    eff = sweep_streams(sparsities, samples, rows, lanes, seed)
    out = {}
    for i, depth in enumerate(depths):
        steps = S.count_steps_batch(eff, depth).reshape(len(sparsities), samples)
        out[depth] = [float(v) for v in (rows / steps).mean(axis=1)]
        progress(i + 1, len(depths), "model speedup (depths)")
    return out


def rtl_speedup(sparsities, depths, jobs: int, rows: int, seed: int) -> dict:
    """Both RTL PEs on the same jobs: per sparsity ``jobs`` jobs of ``rows`` rows, A dense and
    B sparse (B-only mode, so the pair sparsity is B's). All points run as one job stream per
    PE; a point's cycles are those between the previous point's last result and its own (the
    first point includes the 2-cycle pipeline fill, in both PEs).

    Returns {"dense": [cycles per point], depth: {"cycles": [...], "speedup": [...]}} plus
    simulated cycles and wall time."""
    from tb.common.pe_jobs import run_jobs
    from tb.common.tensors import sparse_ints

    rng = np.random.default_rng(seed)
    stream = [PE.Job(sparse_ints(rng, (rows, P.LANES), 0.0, PE.DATA_WIDTH),
                     sparse_ints(rng, (rows, P.LANES), s, PE.DATA_WIDTH), PE.MODE_B_ONLY)
              for s in sparsities for _ in range(jobs)]
    ends = [jobs * (i + 1) - 1 for i in range(len(sparsities))]

    def per_point(cycles):
        last = [cycles[e] for e in ends]
        return [b - a for a, b in zip([0] + last[:-1], last)]

    out = {"simulated": 0, "wall": 0.0}
    total = 1 + len(depths)
    progress(0, total, "RTL speedup (PE runs)")
    dense = run_jobs("dense", P.DEFAULT_DEPTH, stream, "speedup")
    out["dense"] = per_point(dense.cycles)
    out["simulated"] += dense.simulated
    out["wall"] += dense.wall
    progress(1, total, "RTL speedup (PE runs)")
    for i, depth in enumerate(depths):
        run = run_jobs("tdash", depth, stream, "speedup")
        cyc = per_point(run.cycles)
        out[depth] = {"cycles": cyc, "speedup": [d / t for d, t in zip(out["dense"], cyc)]}
        out["simulated"] += run.simulated
        out["wall"] += run.wall
        progress(2 + i, total, "RTL speedup (PE runs)")
    return out


def speedup_markdown(sparsities, depths, model: dict, rtl: dict | None, cfg: dict) -> str:
    lines = [f"Model: mean of {cfg['samples']} streams of {cfg['rows']} rows x {cfg['lanes']} lanes per point, "
             "uniform random pair sparsity, speedup = rows / scheduler steps."]
    if rtl:
        lines.append(f"RTL: tdash_pe vs dense_pe cycles on {cfg['rtl_jobs']} jobs x {cfg['rtl_rows']} rows per point "
                     f"(16-bit ints, A dense, B sparse, B-only mode); {rtl['simulated']:,} cycles simulated, "
                     "every result and result cycle checked against the model.")
    lines.append("")
    head = "| sparsity |"
    for d in depths:
        head += f" ideal min(1/(1-s),{d}) | model depth {d} |" + (f" RTL depth {d} |" if rtl else "")
    head += " paper Fig 20 (depth 3) |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for j, s in enumerate(sparsities):
        row = f"| {s:.2f} |"
        for d in depths:
            row += f" {ideal(s, d):.3f} | {model[d][j]:.3f} |" + (f" {rtl[d]['speedup'][j]:.3f} |" if rtl else "")
        paper = PAPER_FIG20.get(round(s, 2))
        row += f" {paper:.2f} |" if paper else " |"
        lines.append(row)
    return "\n".join(lines)


def speedup_plot(sparsities, depths, model: dict, rtl: dict | None, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    grid = np.linspace(0, max(sparsities), 200)
    colors = {3: "tab:blue", 2: "tab:orange"}
    for d in depths:
        c = colors.get(d)
        ax.plot(grid, [ideal(s, d) for s in grid], ":", color=c, label=f"ideal min(1/(1-s), {d})")
        ax.plot(sparsities, model[d], "o-", color=c, label=f"model, depth {d}")
        if rtl:
            ax.plot(sparsities, rtl[d]["speedup"], "x", color="k" if d == 3 else "tab:red", ms=9, mew=2,
                    label=f"RTL PE, depth {d}")
    ax.plot(list(PAPER_FIG20), list(PAPER_FIG20.values()), "*", color="tab:green", ms=14,
            label="paper, Fig 20 / §4.4 (depth 3)")
    ax.set(xlabel="sparsity (fraction of ineffectual pairs)", ylabel="speedup over the dense PE",
           title="TensorDash speedup vs random sparsity (cf. Fig 19, Fig 20)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, path)


# --------------------------------------------------------------------------------- compare
def compare(sparsities, depths, rows: int, samples: int, seed: int) -> dict:
    """{depth: {scheduler: [speedup per sparsity]}} on the same random streams."""
    eff = sweep_streams(sparsities, samples, rows, P.LANES, seed)
    out = {d: {} for d in depths}
    total, done = len(depths) * len(X.SCHEDULERS), 0
    for d in depths:
        for name in X.SCHEDULERS:
            steps = X.count_steps_batch(eff, name, d).reshape(len(sparsities), samples)
            out[d][name] = [float(v) for v in rows * samples / steps.sum(axis=1)]
            done += 1
            progress(done, total, "scheduler comparison")
    return out


def compare_markdown(sparsities, depths, table: dict, cfg: dict) -> str:
    lines = [f"Same staging depth and streams for all three ({cfg['samples']} streams x {cfg['rows']} rows x 16 lanes "
             "per point); speedup = rows / steps. lookahead = time-only movement (lane offset 0), greedy = the "
             "paper's hierarchical scheduler (the RTL), matching = maximum matching over the same interconnect "
             "each step (scipy linear_sum_assignment).", ""]
    for d in depths:
        t = table[d]
        lines += [f"Depth {d}:", "", "| sparsity | lookahead | greedy (paper) | matching | greedy / matching |",
                  "|---|---|---|---|---|"]
        for j, s in enumerate(sparsities):
            lines.append(f"| {s:.2f} | {t['lookahead'][j]:.3f} | {t['greedy'][j]:.3f} | {t['matching'][j]:.3f} "
                         f"| {t['greedy'][j] / t['matching'][j]:.3f} |")
        gap = [1 - g / m for g, m in zip(t["greedy"], t["matching"])]
        worst = int(np.argmax(gap))
        lines += ["", f"Depth {d}: the greedy scheduler reaches {100 * min(g / m for g, m in zip(t['greedy'], t['matching'])):.1f}% "
                  f"of the matching scheduler's speedup at worst (sparsity {sparsities[worst]:.2f}), "
                  f"{100 * float(np.mean([g / m for g, m in zip(t['greedy'], t['matching'])])):.1f}% on average; "
                  f"lookahead-only reaches {100 * float(np.mean([a / m for a, m in zip(t['lookahead'], t['matching'])])):.1f}% on average.", ""]
    return "\n".join(lines)


def compare_plot(sparsities, depths, table: dict, path: Path) -> Path:
    plt = _plt()
    fig, axes = plt.subplots(1, len(depths), figsize=(5.5 * len(depths), 4.3), sharey=True, squeeze=False)
    for ax, d in zip(axes[0], depths):
        for name, style in zip(X.SCHEDULERS, ("s--", "o-", "^-")):
            ax.plot(sparsities, table[d][name], style, label=name + (" (paper, RTL)" if name == "greedy" else ""))
        ax.plot(sparsities, [ideal(s, d) for s in sparsities], "k:", label=f"ideal min(1/(1-s), {d})")
        ax.set(xlabel="sparsity", title=f"depth {d}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel("speedup over dense")
    fig.suptitle("Schedulers over the same staging window")
    return _save(fig, path)


# ---------------------------------------------------------------------------------- traces
def traces(epochs: int, depths, seed: int, rtl_slices: int = 0) -> dict:
    """Train the digits CNN, capture its operations every epoch, count cycles per op."""
    records = []
    last = {}
    t0 = time.monotonic()

    def on_epoch(epoch, net, px, py, acc):
        ops = T.capture(net, px, py)
        for op in ops:
            rec = {"epoch": epoch, "layer": op.layer, "op": op.op, "target": op.target_name,
                   "sparsity": op.sparsity, "accuracy": acc}
            for d in depths:
                dense, td = T.op_cycles(op, d)
                rec[f"dense{d}"], rec[f"td{d}"] = dense, td
            records.append(rec)
        last["ops"] = ops
        progress(epoch, epochs, f"training + traces ({time.monotonic() - t0:.0f} s)")

    T.Trainer(epochs=epochs, seed=seed).run(on_epoch)
    out = {"records": records, "epochs": epochs, "depths": list(depths)}
    if rtl_slices:
        out["rtl"] = rtl_trace_check(last["ops"], rtl_slices, seed)
    return out


def rtl_trace_check(ops, per_op: int, seed: int) -> list[dict]:
    """``per_op`` random jobs of every operation of the last epoch through tdash_pe (depth 3),
    quantised to 16-bit ints with their zero patterns kept: the run fails unless the values
    and every result cycle equal the model's."""
    from tb.common.pe_jobs import run_jobs

    rng = np.random.default_rng(seed)
    rows = []
    for i, op in enumerate(ops):
        jobs = T.slice_jobs(op, per_op, rng)
        run = run_jobs("tdash", P.DEFAULT_DEPTH, jobs, f"trace_{op.layer}_{op.op}")
        rows.append({"layer": op.layer, "op": op.op, "jobs": len(jobs), "rows": sum(j.rows for j in jobs),
                     "rtl_cycles": run.total, "model_cycles": run.model_cycles[-1],
                     "equal": run.cycles == run.model_cycles})
        progress(i + 1, len(ops), "RTL check of trace slices")
    return rows


def records_speedup(records, depth: int) -> float:
    """Speedup of a set of captured operations: their dense cycles over their TensorDash cycles."""
    return sum(r[f"dense{depth}"] for r in records) / sum(r[f"td{depth}"] for r in records)


def traces_markdown(data: dict) -> str:
    recs, depths = data["records"], data["depths"]
    last_epoch = data["epochs"]
    d0 = depths[0]
    spd = records_speedup

    lines = [f"A 2-conv + linear CNN trained on scikit-learn's digits for {last_epoch} epochs (SGD, batch 32); "
             "operations captured every epoch on a fixed batch of 64 training images. Speedup = dense PE cycles / "
             "TensorDash PE cycles of the whole operation (16-lane PE, the targeted side scheduled).", ""]
    lines += ["| epoch | test accuracy | overall speedup " + " | ".join(f"depth {d}" for d in depths) + " |",
              "|---|---|" + "---|" * len(depths)]
    for e in range(last_epoch + 1):
        rs = [r for r in recs if r["epoch"] == e]
        lines.append(f"| {e} | {rs[0]['accuracy']:.3f} | " + " | ".join(f"{spd(rs, d):.3f}" for d in depths) + " |")
    lines += ["", f"Per layer and operation after the last epoch (epoch {last_epoch}):", "",
              "| layer | op | targeted side | its sparsity | dense cycles | TensorDash cycles | "
              + " | ".join(f"speedup depth {d}" for d in depths) + " |", "|---|---|---|---|---|---|" + "---|" * len(depths)]
    for r in (r for r in recs if r["epoch"] == last_epoch):
        lines.append(f"| {r['layer']} | {r['op']} | {r['target']} | {r['sparsity']:.3f} | {r[f'dense{d0}']:,} | "
                     f"{r[f'td{d0}']:,} | " + " | ".join(f"{r[f'dense{d}'] / r[f'td{d}']:.3f}" for d in depths) + " |")
    final = [r for r in recs if r["epoch"] == last_epoch]
    lines += ["", "Per operation, all layers, after the last epoch: " + ", ".join(
        f"{op} {spd([r for r in final if r['op'] == op], d0):.3f}x" for op in T.OPS) + f" (depth {d0}).",
        "conv1 AxW gains nothing: one input channel gives one 9-value row per output, and a 1-row job takes one "
        "step whatever its zeros. fc GxW gains (almost) nothing: the gradient of softmax cross-entropy is zero only where a probability rounds to exactly 0 or 1.", ""]
    if data.get("rtl"):
        lines += ["Trace slices through the RTL PE (tdash_pe, depth 3, values quantised to 16-bit ints with their "
                  "zero pattern kept; results and every result cycle checked):", "",
                  "| layer | op | jobs | rows | RTL cycles | model cycles | equal |", "|---|---|---|---|---|---|---|"]
        for r in data["rtl"]:
            lines.append(f"| {r['layer']} | {r['op']} | {r['jobs']} | {r['rows']} | {r['rtl_cycles']} | "
                         f"{r['model_cycles']} | {'yes' if r['equal'] else 'NO'} |")
    return "\n".join(lines)


def traces_plot(data: dict, path: Path) -> Path:
    plt = _plt()
    recs, d = data["records"], data["depths"][0]
    epochs = list(range(data["epochs"] + 1))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
    for op, style in zip(T.OPS, ("o-", "s-", "^-")):
        ys = [records_speedup([r for r in recs if r["epoch"] == e and r["op"] == op], d) for e in epochs]
        ax1.plot(epochs, ys, style, label=op)
    overall = [records_speedup([r for r in recs if r["epoch"] == e], d) for e in epochs]
    ax1.plot(epochs, overall, "k-", lw=2.5, label="all operations")
    ax1.set(xlabel="epoch (0 = initial weights)", ylabel=f"speedup (depth {d})", title="Speedup over training (cf. Fig 14)")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    acc = [next(r["accuracy"] for r in recs if r["epoch"] == e) for e in epochs]
    ax2.plot(epochs, acc, "o-", color="tab:green")
    ax2.set(xlabel="epoch", ylabel="test accuracy", title="Digits test accuracy", ylim=(0, 1))
    from matplotlib.ticker import MaxNLocator

    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.grid(alpha=0.3)
    return _save(fig, path)


# ----------------------------------------------------------------------------------- bench
def bench_model(streams: int, rows: int, lanes: int, sparsity: float, depths, repeat: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    eff = S.random_effectual(rng, (streams, rows, lanes), sparsity)
    out = {}
    for depth in depths:
        best = 0.0
        for rep in range(repeat):
            t0 = time.perf_counter()
            steps = int(S.count_steps_batch(eff, depth).sum())
            best = max(best, steps / (time.perf_counter() - t0))
            progress(rep + 1, repeat, f"model bench depth {depth}")
        out[depth] = {"steps": steps, "steps_per_s": best}
    return out


def bench_rtl(jobs: int, rows: int, sparsity: float, seed: int) -> dict:
    """tdash_pe (depth 3) cycles per second of wall time under cocotb: one warm-up run (builds
    the model if needed), then a timed run; the time includes simulator start-up."""
    from tb.common.pe_jobs import run_jobs
    from tb.common.tensors import sparse_ints

    rng = np.random.default_rng(seed)
    make = lambda k: [PE.Job(sparse_ints(rng, (rows, P.LANES), sparsity, PE.DATA_WIDTH),  # noqa: E731
                             sparse_ints(rng, (rows, P.LANES), sparsity, PE.DATA_WIDTH)) for _ in range(k)]
    progress(0, 2, "RTL bench")
    run_jobs("tdash", P.DEFAULT_DEPTH, make(1), "bench_warmup")
    progress(1, 2, "RTL bench")
    run = run_jobs("tdash", P.DEFAULT_DEPTH, make(jobs), "bench")
    progress(2, 2, "RTL bench")
    return {"simulated": run.simulated, "wall": run.wall, "run_wall": run.run_wall,
            "cycles_per_s": run.simulated / run.run_wall, "end_to_end": run.simulated / run.wall,
            "jobs": jobs, "rows": rows}


def bench_markdown(model: dict, rtl: dict | None, cfg: dict) -> str:
    lines = [f"Model: count_steps_batch on {cfg['streams']} streams x {cfg['rows']} rows x {cfg['lanes']} lanes, "
             f"sparsity {cfg['sparsity']}, one core, best of {cfg['repeat']}.", "",
             "| what | depth | work | rate |", "|---|---|---|---|"]
    for d, r in model.items():
        lines.append(f"| model scheduler | {d} | {r['steps']:,} steps | {r['steps_per_s']:,.0f} steps/s |")
    if rtl:
        lines.append(f"| RTL tdash_pe under cocotb + Verilator | 3 | {rtl['simulated']:,} cycles "
                     f"({rtl['jobs']} jobs x {rtl['rows']} rows, {rtl['run_wall']:.2f} s) | "
                     f"{rtl['cycles_per_s']:,.0f} cycles/s in the cycle loop; {rtl['end_to_end']:,.0f} cycles/s "
                     f"end to end ({rtl['wall']:.1f} s with simulator start-up) |")
    return "\n".join(lines)
