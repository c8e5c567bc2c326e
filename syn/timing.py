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


def _sta(script_text: str, top: str, log: Path) -> str:
    """Run OpenSTA on a script (written beside ``log``, which gets its output); its stdout."""
    sta = shutil.which("sta")
    if sta is None:
        raise TimingError("sta not found: install Debian's opensta (apt-get install opensta; "
                          "make area-tools does it as root)")
    script = log.with_suffix(".tcl")
    script.write_text(script_text)
    # cwd: sta writes its command history (.history_sta) there.
    proc = subprocess.run([sta, "-no_splash", "-exit", str(script)], capture_output=True, text=True, cwd=log.parent)
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0 or "Error" in proc.stdout + proc.stderr:
        raise TimingError(f"sta failed on {top} (log: {log}):\n{(proc.stdout + proc.stderr)[-2000:]}")
    return proc.stdout


def run_sta(lib: Path, netlist: Path, top: str, log: Path, virtual: bool = False) -> float:
    """Worst slack (ns) of ``top`` in ``netlist``."""
    m = _WORST.search(_sta(sta_script(lib, netlist, top, virtual), top, log))
    if m is None:
        raise TimingError(f"no worst slack in {log}")
    return float(m.group(1))


_FLOP = re.compile(r"^\s*DFF\w+\s+(\S+)\s*\((.*?)\);", re.M | re.S)
_Q = re.compile(r"\.Q\((.*?)\)\s*(?:,|$)", re.S)
_SLACK = re.compile(r"^\s*(-?[0-9.]+)\s+slack \((?:MET|VIOLATED)\)", re.M)


def flops(netlist: Path) -> dict[str, str]:
    """Flip-flop instance -> the net its Q drives (the register's name, e.g. ``\\queue.count [3]``)."""
    out = {}
    for inst, body in _FLOP.findall(netlist.read_text()):
        m = _Q.search(body)
        if m:
            out[inst] = " ".join(m.group(1).split())
    return out


def path_groups(lib: Path, netlist: Path, top: str, log: Path, groups: dict[str, str]) -> dict[str, dict]:
    """The worst register-to-register path of ``top`` (clock on clk), overall (group "all") and
    into the registers whose Q net matches each regex of ``groups``: {group: {"ns": period -
    slack, "from": the startpoint's Q net, "to": the endpoint's Q net}}."""
    regs = flops(netlist)
    ends = {"all": None}
    for name, rx in groups.items():
        pins = [f"{i}/D" for i, q in regs.items() if re.search(rx, q)]
        if not pins:
            raise TimingError(f"{top}: no register matches {rx!r} ({netlist})")
        ends[name] = pins
    lines = [f"read_liberty {lib}", f"read_verilog {netlist}", f"link_design {top}",
             f"create_clock -name clk -period {PERIOD_NS} [get_ports clk]",
             "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk]]",
             "set_output_delay 0 -clock clk [all_outputs]"]
    for name, pins in ends.items():
        to = f" -to [get_pins {{{' '.join(pins)}}}]" if pins else ""
        lines.append(f"puts \"group {name}\"")
        lines.append(f"report_checks -path_delay max -digits 3 -fields {{nets}}{to}")
    stdout = _sta("\n".join(lines) + "\nexit\n", top, log)
    out = {}
    parts = re.split(r"^group (\S+)$", stdout, flags=re.M)[1:]
    for name, text in zip(parts[0::2], parts[1::2]):
        slack = _SLACK.search(text)
        start = re.search(r"^Startpoint: (\S+)", text, re.M)
        end = re.search(r"^Endpoint: (\S+)", text, re.M)
        if slack is None or start is None or end is None:
            raise TimingError(f"{top}: no path for group {name} in {log}")
        out[name] = {"ns": round(PERIOD_NS - float(slack.group(1)), 3),
                     "from": regs.get(start.group(1), start.group(1)), "to": regs.get(end.group(1), end.group(1))}
    if set(out) != set(ends):
        raise TimingError(f"{top}: groups {sorted(set(ends) - set(out))} missing in {log}")
    return out


def base_of(module: str) -> str:
    """tdash_scheduler_p4 -> tdash_scheduler (names from clean_names)."""
    return re.sub(r"_p[0-9]+$", "", module)


def module_names(netlist: Path) -> list[str]:
    return re.findall(r"^module (\S+?)\s*\(", netlist.read_text(), re.M)


def fmax_mhz(slack_ns: float) -> float:
    return 1000.0 / (PERIOD_NS - slack_ns)
