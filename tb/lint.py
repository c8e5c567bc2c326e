"""``make lint``'s Yosys step: every rtl/ file elaborated by Yosys (``read_verilog``,
``hierarchy -check``, ``proc``) at its default parameters, an out-of-range select fatal.

Why the out-of-range select is an error here: Verilator 5.048, which every bench simulates
with, neither warns about nor follows IEEE 1364 §5.2.1 for a part-select whose index comes from
a generate loop's genvar and falls outside the vector. It wraps the index round the vector
(verilator issue #43; #1027 is still open), so a lane index one off at the edge of a lane loop
becomes a rotation of the lanes, which the benches cannot tell from the original wherever the
lanes are combined symmetrically. Yosys, like IEEE and like synthesis, drops the write or reads
undef and says so ("Range ... select out of bounds on signal"): in the RTL that is always a bug.
The mutation campaign runs the same check on a mutant that every simulation passes
(tb/mutation/__main__.py): the regression's lint would fail on it.

    python -m tb.lint [--rtl DIR]      (exit 1 naming the first fatal warning)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from tb.common.runner import RTL

# Yosys' warnings for an out-of-range bit or part select (all made fatal; -e takes a regex):
#   "Range select out of bounds on signal ..."            (one bit)
#   "Range [-1:-16] select out of bounds on signal ..."   (a part select below bit 0)
#   "Range select [79:64] out of bounds on signal ..."    (a part select past the top bit)
# Until this matched all three, the third passed make lint: tdash_tile.v mutant #2186
# (sp_a[q*N + N +: N], which reads past the last column) survived the campaign, as Verilator
# reads such a select as a wrapped shift and the FP tiles could not see it (README, Mutation).
FATAL = "out of bounds"


def tops(rtl: Path = RTL) -> list[str]:
    """Every rtl/ module file (the Makefile's RTL_TOPS: each .v file is a top)."""
    return sorted(p.stem for p in rtl.glob("*.v"))


def yosys_lint(rtl: Path = RTL) -> tuple[bool, str]:
    """(clean, the first fatal warning or Yosys error) of the rtl/ files in ``rtl``: all of them
    are read, and each is elaborated in turn as the top."""
    exe = shutil.which("yosys")
    if exe is None:
        raise SystemExit("error: make lint needs Debian's yosys (make hdl-tools installs it)")
    rtl = Path(rtl)
    every = tops(rtl)
    script = (f"read_verilog -I{rtl} " + " ".join(str(rtl / f"{t}.v") for t in every) + "; design -save rtl; "
              + " ".join(f"design -load rtl; hierarchy -check -top {t}; proc;" for t in every))
    p = subprocess.run([exe, "-q", "-e", FATAL, "-p", script], capture_output=True, text=True)
    if p.returncode == 0:
        return True, ""
    lines = [l for l in (p.stdout + p.stderr).splitlines() if "ERROR" in l or FATAL in l]
    return False, (lines[0] if lines else f"yosys exited {p.returncode}").strip()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.lint", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rtl", type=Path, default=RTL, help="the rtl/ directory to check (default: the tree's)")
    args = ap.parse_args(argv)
    ok, msg = yosys_lint(args.rtl)
    if not ok:
        print(f"yosys lint: {msg}", file=sys.stderr)
        return 1
    print("yosys read_verilog + hierarchy -check + proc clean, no out-of-range select: every rtl/ file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
