"""``make bench``: simulation speed of the two bench styles, side by side, on the same jobs.

For ``tdash_pe``, ``dense_pe`` and the 4x4 tile, one run each of

* the Python-driven path (tb/common/stream.py: a cocotb coroutine drives and samples every
  cycle) on the bare DUT, built as the cocotb runner builds by default, every signal public
  (``--public-flat-rw``): how the regression ran before issue 19;
* the HDL-side agents (tb/common/tdash_tb_stream.v) with only the harness's ports public:
  how the regression runs now.

Both check every value and result cycle against the model. Each build is cold (its own
directory, emptied first), so the C++ build times are comparable; the compiled Verilator
runtime is shared (tb/common/objcache.py) in both. Prints a table and writes
reports/bench.md.

    python -m tb.bench [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from tb.common.runner import ROOT, SIM_BUILD, param_tag, run_block

_TB = Path(__file__).resolve().parent
PE_SOURCES = None  # filled from the testbenches (one list of sources per DUT)


def _configs():
    from model import params as P
    from tb.common import pe_bench as B
    from tb.dense_pe import test_dense_pe as TD
    from tb.pe import test_pe as TP
    from tb.tile import test_tile as TT

    pe = {"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH}
    tile = TT.tile_params(4, 4)
    return [
        ("tdash_pe", "pe", "tb.pe.test_pe",
         ("tdash_pe", pe, TP.SOURCES),
         ("tdash_pe_harness", {**pe, "KIND": 0}, B.HARNESS_SOURCES + TP.SOURCES)),
        ("dense_pe", "dense_pe", "tb.dense_pe.test_dense_pe",
         ("dense_pe", pe, TD.SOURCES),
         ("tdash_pe_harness", {**pe, "KIND": 1}, B.HARNESS_SOURCES + TD.SOURCES)),
        ("tile 4x4", "tile", "tb.tile.test_tile",
         ("tdash_tile", tile, TT.SOURCES),
         ("tdash_tile_harness", tile, [os.path.normpath(p) for p in TT.HARNESS_SOURCES] + TT.SOURCES)),
    ]


def _run(block: str, top: str, params: dict, sources, module: str, test: str, public: bool) -> dict:
    """A cold build and one cocotb test; returns the speed record the test wrote."""
    name = f"bench/{block}_{test}"
    shutil.rmtree(SIM_BUILD / name / param_tag(params), ignore_errors=True)
    out = SIM_BUILD / "bench" / f"{block}_{test}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    env = {"TDASH_SPEED_OUT": str(out)}
    saved = os.environ.get("TDASH_PUBLIC")
    os.environ["TDASH_PUBLIC"] = "1" if public else "0"
    from cocotb_tools.runner import get_results

    try:
        t0 = time.monotonic()
        run_block(name, top, params, sources, module, [], extra_env=env, build_only=True)
        build = time.monotonic() - t0
        xml = run_block(name, top, params, sources, module, test, extra_env=env)
    finally:
        if saved is None:
            os.environ.pop("TDASH_PUBLIC", None)
        else:
            os.environ["TDASH_PUBLIC"] = saved
    if get_results(Path(xml))[1] or not out.exists():
        sys.exit(f"error: {block} {test} failed its checks (log above)")
    return {**json.loads(out.read_text()), "build": build}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=300, help="random jobs per run (default 300)")
    args = ap.parse_args(argv)
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")
    os.environ["TDASH_BENCH_JOBS"] = str(args.jobs)
    rows = []
    configs = _configs()
    for k, (label, block, module, old, new) in enumerate(configs):
        print(f"== [{k + 1}/{len(configs)}] {label}: Python-driven, all signals public", flush=True)
        py = _run(block, *old, module, "python_driven", public=True)
        print(f"== [{k + 1}/{len(configs)}] {label}: HDL-side agents, top-level ports public", flush=True)
        hdl = _run(block, *new, module, "hdl_driven", public=False)
        rows.append((label, py, hdl))
    lines = [f"Same {args.jobs} random jobs per DUT (seed 2020) in both paths, every value and result cycle "
             "checked; cycles/s = DUT cycles / wall seconds of the run inside cocotb (HDL path: stimulus "
             "files written, simulation, capture read back and compared with the model's prediction).", "",
             "| DUT | cycles | Python-driven cycles/s | HDL agents cycles/s | ratio | HDL agents, simulator only "
             "| C++ build before / after |", "|---|---|---|---|---|---|---|"]
    for label, py, hdl in rows:
        lines.append(f"| {label} | {hdl['cycles']:,} | {py['cycles'] / py['wall']:,.0f} | {hdl['cycles'] / hdl['wall']:,.0f} "
                     f"| {py['wall'] / py['cycles'] * hdl['cycles'] / hdl['wall']:.1f}x "
                     f"| {hdl['cycles'] / hdl['sim_wall']:,.0f} | {py['build']:.0f} s / {hdl['build']:.0f} s |")
    table = "\n".join(lines)
    out = ROOT / "reports" / "bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# Simulation speed: Python-driven vs HDL-side agents\n\n" + table + "\n")
    print(table)
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
