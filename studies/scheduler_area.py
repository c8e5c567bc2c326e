"""Area and critical path of rtl/tdash_scheduler.v alone, per option set (ORDER) and depth:
``python -m studies.scheduler_area [--lanes 16] [--depth 3 2]``.

Debian's Yosys 0.23: ``synth -flatten``, then ABC maps onto the OSU 0.18 um standard cells
(Debian's qflow-tech-osu018, typical corner; TDASH_LIBERTY overrides the path) with buffer
trees of fanout <= 8 and gate sizing (without them a window bit that feeds many encoders gets
one small driver and an absurd delay), and reports its static timing (``stime -p``): the
scheduler is combinational, so ABC's delay is its critical path, input z to the last output.
Area is Yosys' ``stat -liberty`` (um^2). The scheduler only: the operand muxes follow the
same table in either order and cost the same.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from model import params as P

ROOT = Path(__file__).resolve().parents[1]
RTL = ROOT / "rtl"
LIB = Path(os.environ.get("TDASH_LIBERTY", "/usr/share/qflow/tech/osu018/osu018_stdcells.lib"))
ABC_SCRIPT = "strash\ndc2\nmap\ntopo\nbuffer -N 8\nupsize\ndnsize\nstime -p\n"
SOURCES = ("tdash_scheduler.v", "tdash_prio_enc.v", "tdash_as_count.v")


def synth(n: int, depth: int, order: int) -> dict:
    """{"area": um^2, "cells": count, "delay_ps": critical path} of one parameter set."""
    if shutil.which("yosys") is None:
        raise RuntimeError("yosys not found: install Debian's yosys (apt-get install yosys)")
    if not LIB.is_file():
        raise RuntimeError(f"{LIB} not found: install Debian's qflow-tech-osu018 or set TDASH_LIBERTY")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "abc.script"
        script.write_text(ABC_SCRIPT)
        files = " ".join(str(RTL / s) for s in SOURCES)
        cmds = (f"read_verilog -I{RTL} {files}; chparam -set N {n} -set DEPTH {depth} -set ORDER {order} "
                f"tdash_scheduler; hierarchy -check -top tdash_scheduler; synth -flatten -top tdash_scheduler; "
                f"abc -liberty {LIB} -script {script}; opt_clean; stat -liberty {LIB}")
        done = subprocess.run(["yosys", "-p", cmds], capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise RuntimeError(f"yosys failed for N={n} DEPTH={depth} ORDER={order}:\n{done.stdout[-3000:]}{done.stderr}")
    area = re.findall(r"Chip area for module '\\tdash_scheduler': ([0-9.]+)", done.stdout)
    cells = re.findall(r"Number of cells:\s+([0-9]+)", done.stdout)
    delay = re.findall(r"Delay =\s*([0-9.]+) ps", done.stdout)
    if not (area and cells and delay):
        raise RuntimeError("could not read area / cells / delay from the Yosys log")
    return {"area": float(area[-1]), "cells": int(cells[-1]), "delay_ps": float(delay[-1])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m studies.scheduler_area", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lanes", type=int, choices=P.SCHEDULER_LANES, default=P.LANES)
    parser.add_argument("--depth", type=int, nargs="+", choices=P.DEPTHS, default=list(P.DEPTHS))
    args = parser.parse_args(argv)
    print(f"tdash_scheduler alone, N = {args.lanes}, Yosys synth + ABC on {LIB.name} (typical corner)\n")
    print("| depth | ORDER | option set | cells | area (um^2) | critical path (ps) |\n|---|---|---|---|---|---|")
    try:
        for depth in args.depth:
            for name, code in P.order_codes().items():
                r = synth(args.lanes, depth, code)
                print(f"| {depth} | {code} | {name} | {r['cells']:,} | {r['area']:,.0f} | {r['delay_ps']:,.0f} |",
                      flush=True)
    except RuntimeError as err:
        print(f"python -m studies.scheduler_area: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
