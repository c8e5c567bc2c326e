"""Command line of the reference model: ``python -m model <command> [options]``.

Commands:
  speedup   speedup = R / scheduler steps vs uniform random sparsity (paper Fig 19/20)
  bench     throughput of the vectorised scheduler model (scheduler steps per second)
  tile-study  tile speedup vs PE rows and columns, uniform and clustered sparsity (Fig 17/18)

Bad arguments end with a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from . import params as P
from . import scheduler as S
from . import tile as T


def _sparsity(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sparsity must be a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"sparsity must be in [0, 1], got {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _lanes(text: str) -> int:
    value = _positive(text)
    if not P.MIN_LANES <= value <= P.MAX_LANES:
        raise argparse.ArgumentTypeError(f"lanes must be in [{P.MIN_LANES}, {P.MAX_LANES}], got {value}")
    return value


def _progress(done: int, total: int, label: str) -> None:
    """One self-overwriting progress line on stderr (only when it is a terminal)."""
    if sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)


def speedup_table(sparsities, depths, rows: int, lanes: int, samples: int, seed: int) -> list[dict]:
    """Mean over ``samples`` streams of R / count_steps, per sparsity and depth.

    All sparsities run as one batch of len(sparsities) * samples streams: the vectorised
    model's cost per step is nearly flat in the number of streams.
    """
    rng = np.random.default_rng(seed)
    eff = np.concatenate([S.random_effectual(rng, (samples, rows, lanes), s) for s in sparsities])
    speedups = {}
    for i, depth in enumerate(depths):
        steps = S.count_steps_batch(eff, depth).reshape(len(sparsities), samples)
        speedups[depth] = (rows / steps).mean(axis=1)
        _progress(i + 1, len(depths), "speedup sweep (depths)")
    return [
        {"sparsity": s,
         **{d: float(speedups[d][j]) for d in depths},
         **{f"ideal{d}": min(1.0 / (1.0 - s), d) if s < 1 else float(d) for d in depths}}
        for j, s in enumerate(sparsities)
    ]


def cmd_speedup(args) -> None:
    table = speedup_table(args.sparsity, args.depth, args.rows, args.lanes, args.samples, args.seed)
    head = "| sparsity |" + "".join(f" depth {d} | ideal min(1/(1-s),{d}) |" for d in args.depth)
    print(f"Speedup = R / scheduler steps, R = {args.rows} rows x {args.lanes} lanes, "
          f"mean of {args.samples} streams, seed {args.seed}\n")
    print(head)
    print("|" + "---|" * (1 + 2 * len(args.depth)))
    for e in table:
        cells = "".join(f" {e[d]:.3f} | {e[f'ideal{d}']:.3f} |" for d in args.depth)
        print(f"| {e['sparsity']:.1f} |{cells}")


def cmd_bench(args) -> None:
    rng = np.random.default_rng(args.seed)
    eff = S.random_effectual(rng, (args.streams, args.rows, args.lanes), args.sparsity)
    print(f"count_steps_batch: {args.streams} streams x {args.rows} rows x {args.lanes} lanes, "
          f"sparsity {args.sparsity}, one core")
    for depth in args.depth:
        best = 0.0
        for rep in range(args.repeat):
            t0 = time.perf_counter()
            steps = int(S.count_steps_batch(eff, depth).sum())
            rate = steps / (time.perf_counter() - t0)
            best = max(best, rate)
            _progress(rep + 1, args.repeat, f"depth {depth}")
        print(f"  depth {depth}: {steps} steps, best of {args.repeat}: {best:,.0f} scheduler steps/s")


def cmd_tile_study(args) -> None:
    """Speedup vs PE rows (COLS fixed) and vs columns (ROWS fixed), table and PNG."""
    from pathlib import Path

    rng = np.random.default_rng(args.seed)
    patterns = ("uniform", "clustered")
    for p in patterns:  # validate before the long part
        T.b_stream_flags(rng, 1, 1, 1, args.lanes, args.sparsity, p)
    rows_axis = list(range(1, args.max_rows + 1))
    cols_axis = list(range(4, args.max_cols + 1, 4))
    total = len(patterns) * (len(rows_axis) + 1)
    done = 0
    by_rows, by_cols = {}, {}
    for p in patterns:
        by_rows[p] = []
        for rows in rows_axis:
            by_rows[p].append(T.geometry_speedup(rng, rows, args.sparsity, p, args.depth, args.tiles,
                                                 args.rows, args.lanes))
            done += 1
            _progress(done, total, "tile study")
        # Only B is scheduled and every column follows its row's MS: the step count of a tile
        # does not depend on COLS, so the ROWS=4 measurement holds for every column count.
        at4 = (by_rows[p][rows_axis.index(4)] if 4 in rows_axis else
               T.geometry_speedup(rng, 4, args.sparsity, p, args.depth, args.tiles, args.rows, args.lanes))
        by_cols[p] = [at4] * len(cols_axis)
        done += 1
        _progress(done, total, "tile study")

    print(f"Tile speedup over the dense tile, B sparsity {args.sparsity}, depth {args.depth}, "
          f"{args.tiles} jobs x {args.rows} rows x {args.lanes} lanes per point, seed {args.seed}\n")
    print("| PE rows (4 columns) | uniform | clustered |\n|---|---|---|")
    for i, rows in enumerate(rows_axis):
        print(f"| {rows} | {by_rows['uniform'][i]:.3f} | {by_rows['clustered'][i]:.3f} |")
    print("\n| PE columns (4 rows) | uniform | clustered |\n|---|---|---|")
    for i, cols in enumerate(cols_axis):
        print(f"| {cols} | {by_cols['uniform'][i]:.3f} | {by_cols['clustered'][i]:.3f} |")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for p, style in zip(patterns, ("o-", "s--")):
        ax1.plot(rows_axis, by_rows[p], style, label=f"{p} sparsity (model)")
        ax2.plot(cols_axis, by_cols[p], style, label=f"{p} sparsity (model)")
    ax1.plot([1, 16], [2.1, 1.72], "k^", label="paper Fig 17 (traces, avg)")
    ax1.set(xlabel="PE rows per tile (4 columns)", ylabel="speedup over dense tile",
            title="Speedup vs PE rows (cf. Fig 17)")
    ax2.set(xlabel="PE columns per tile (4 rows)", title="Speedup vs PE columns (cf. Fig 18)")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"TensorDash tile geometry, B sparsity {args.sparsity}, depth {args.depth}")
    fig.tight_layout()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"\nplot: {out}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m model", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    sp = sub.add_parser("speedup", help="speedup vs uniform random sparsity (Fig 19/20)")
    sp.add_argument("--sparsity", type=_sparsity, nargs="+",
                    default=[round(0.1 * i, 1) for i in range(10)], help="sparsities in [0,1] (default 0.0..0.9)")
    sp.add_argument("--depth", type=int, nargs="+", choices=P.DEPTHS, default=list(P.DEPTHS))
    sp.add_argument("--rows", type=_positive, default=4000, help="rows R per stream (default 4000)")
    sp.add_argument("--lanes", type=_lanes, default=P.LANES)
    sp.add_argument("--samples", type=_positive, default=16, help="streams averaged per point (default 16)")
    sp.add_argument("--seed", type=int, default=1)
    sp.set_defaults(func=cmd_speedup)

    bp = sub.add_parser("bench", help="scheduler model throughput (steps/s)")
    bp.add_argument("--streams", type=_positive, default=16384, help="independent streams (default 16384)")
    bp.add_argument("--rows", type=_positive, default=200, help="rows per stream (default 200)")
    bp.add_argument("--lanes", type=_lanes, default=P.LANES)
    bp.add_argument("--sparsity", type=_sparsity, default=0.5)
    bp.add_argument("--depth", type=int, nargs="+", choices=P.DEPTHS, default=list(P.DEPTHS))
    bp.add_argument("--repeat", type=_positive, default=3)
    bp.add_argument("--seed", type=int, default=1)
    bp.set_defaults(func=cmd_bench)

    tp = sub.add_parser("tile-study", help="tile speedup vs PE rows / columns (Fig 17/18)")
    tp.add_argument("--sparsity", type=_sparsity, default=0.6, help="mean B sparsity (default 0.6)")
    tp.add_argument("--depth", type=int, choices=P.DEPTHS, default=P.DEFAULT_DEPTH)
    tp.add_argument("--max-rows", type=_positive, default=16, help="PE rows 1..this (default 16)")
    tp.add_argument("--max-cols", type=_positive, default=16, help="PE columns 4..this, step 4 (default 16)")
    tp.add_argument("--tiles", type=_positive, default=256, help="jobs per point (default 256)")
    tp.add_argument("--rows", type=_positive, default=256, help="rows per job (default 256)")
    tp.add_argument("--lanes", type=_lanes, default=P.LANES)
    tp.add_argument("--seed", type=int, default=1)
    tp.add_argument("--out", default="reports/tile_study.png", help="PNG path (default reports/tile_study.png)")
    tp.set_defaults(func=cmd_tile_study)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (ValueError, MemoryError) as err:
        print(f"python -m model {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
