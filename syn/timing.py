"""Static timing of the mapped netlists (issue 21): Debian's OpenSTA (``sta``, a 2019
snapshot) on the OSU 0.18 um netlists syn/area.py leaves in sim_build/area/.

A PE's netlist, its staging queue's and the MAC's are joined into one hierarchical netlist
(the black-box instances of the area runs resolve to the standalone runs' modules, Yosys'
$paramod names made plain) and each block is linked and timed alone: registered blocks with
one clock on ``clk``, combinational ones against a virtual clock, inputs and outputs at 0
delay. The 2019 snapshot has no ``report_clock_min_period``: with a relaxed period P the
critical path is P - worst slack, fmax = 1 / (P - worst slack).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

PERIOD_NS = 200.0
_PARAMOD = re.compile(r"\\\$paramod[^\s(]*")


class TimingError(Exception):
    pass


def clean_names(text: str, names: dict[str, str]) -> str:
    """Escaped Yosys module names (\\$paramod$<hash>\\tdash_x, \\$paramod\\tdash_x\\P=...) ->
    plain identifiers, the same name for the same module across the joined netlists."""
    def sub(m):
        raw = m.group(0)
        if raw not in names:
            base = [p for p in raw.split("\\") if p and "=" not in p and not p.startswith("$")][0]
            names[raw] = f"{base}_p{len(names)}"
        return names[raw]
    return _PARAMOD.sub(sub, text)


def join_netlists(paths, out: Path) -> Path:
    names: dict[str, str] = {}
    out.write_text("\n".join(clean_names(Path(p).read_text(), names) for p in paths))
    return out


def sta_script(lib: Path, netlist: Path, top: str, virtual: bool = False) -> str:
    """A clock on ``clk`` (or, for a combinational block, a virtual clock: its inputs launched
    and its outputs captured at 0 delay, so the worst path is its input-to-output delay)."""
    clock = (f"create_clock -name clk -period {PERIOD_NS}" if virtual
             else f"create_clock -name clk -period {PERIOD_NS} [get_ports clk]")
    lines = [f"read_liberty {lib}", f"read_verilog {netlist}", f"link_design {top}", clock,
             "set_input_delay 0 -clock clk [all_inputs]",
             "set_output_delay 0 -clock clk [all_outputs]",
             "report_checks -path_delay max -digits 3", "report_worst_slack -digits 3"]
    return "\n".join(lines) + "\nexit\n"


_WORST = re.compile(r"worst slack\s+(-?[0-9.]+)")


def run_sta(lib: Path, netlist: Path, top: str, log: Path, virtual: bool = False) -> float:
    """Worst slack (ns) of ``top`` in ``netlist``."""
    sta = shutil.which("sta")
    if sta is None:
        raise TimingError("sta not found: install Debian's opensta (apt-get install opensta; "
                          "make area-tools does it as root)")
    script = log.with_suffix(".tcl")
    script.write_text(sta_script(lib, netlist, top, virtual))
    # cwd: sta writes its command history (.history_sta) there.
    proc = subprocess.run([sta, "-no_splash", "-exit", str(script)], capture_output=True, text=True, cwd=log.parent)
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or "Error" in proc.stdout + proc.stderr:
        raise TimingError(f"sta failed on {top} (log: {log}):\n{(proc.stdout + proc.stderr)[-2000:]}")
    m = _WORST.search(proc.stdout)
    if m is None:
        raise TimingError(f"no worst slack in {log}")
    return float(m.group(1))


def base_of(module: str) -> str:
    """tdash_scheduler_p4 -> tdash_scheduler (names from clean_names)."""
    return re.sub(r"_p[0-9]+$", "", module)


def module_names(netlist: Path) -> list[str]:
    return re.findall(r"^module (\S+?)\s*\(", netlist.read_text(), re.M)


def fmax_mhz(slack_ns: float) -> float:
    return 1000.0 / (PERIOD_NS - slack_ns)
