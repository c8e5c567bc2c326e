"""Regression-wide pytest hooks: one summary line per block at the end of ``make test``.

For every block (model unit tests, and each ``tb/<block>``) the line gives the pytest tests
and how many failed, the cocotb tests inside them, the seeds used (replay one with
``make sim MODULE=<block> SEED=<n>``), the simulated cycles and the wall time (build and
simulation). It reads pytest's own reports and the cocotb result files this session wrote
under sim_build/, so it also works with parallel (xdist) workers.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SIM_BUILD = ROOT / "sim_build"
CLOCK_NS = 10                  # every clocked bench runs a 10 ns clock (tb/common/stream.start)
STEP_NS = {"scheduler": 1}     # the combinational scheduler bench applies one window per ns
SESSION_START = time.time()


def _block_of(nodeid: str) -> str:
    parts = nodeid.split("/")
    if parts[0] == "syn":
        return "syn"
    return parts[1] if parts[0] == "tb" and len(parts) > 2 else "model"


def _cocotb_results() -> dict:
    """block -> {tests, failed, seeds, sim_ns} from the result files written this session."""
    out: dict = defaultdict(lambda: {"tests": 0, "failed": 0, "seeds": set(), "sim_ns": 0.0})
    for path in SIM_BUILD.glob("*/*/*.result.xml"):
        if path.stat().st_mtime < SESSION_START:
            continue
        block = path.parent.parent.name
        block = "compress" if block == "codec_loopback" else block  # run by tb/compress
        try:
            cases = ET.parse(path).getroot().iter("testcase")
        except ET.ParseError:
            continue
        for case in cases:
            props = {p.get("name"): p.get("value") for p in case.iter("property")}
            entry = out[block]
            entry["tests"] += 1
            entry["failed"] += int(case.find("failure") is not None or case.find("error") is not None)
            if "random_seed" in props:
                entry["seeds"].add(props["random_seed"])
            entry["sim_ns"] += float(props.get("sim_time_duration", 0.0))
    return out


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if hasattr(config, "workerinput"):  # xdist worker: the controller prints the summary
        return
    pytest_stats: dict = defaultdict(lambda: {"passed": 0, "failed": 0, "wall": 0.0})
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup"):
                continue
            entry = pytest_stats[_block_of(report.nodeid)]
            if report.when == "call" or outcome != "passed":
                entry["passed" if outcome == "passed" else "failed"] += 1
            entry["wall"] += report.duration
    if not pytest_stats:
        return
    cocotb = _cocotb_results()
    terminalreporter.section("per-block summary")
    for block in sorted(pytest_stats, key=lambda b: (b != "model", b)):
        p = pytest_stats[block]
        line = (f"{block:<11} pytest {p['passed'] + p['failed']:>3} tests, "
                f"{'PASS' if not p['failed'] else str(p['failed']) + ' FAILED':<9}")
        if block in cocotb:
            c = cocotb[block]
            unit = STEP_NS.get(block, CLOCK_NS)
            what = "windows" if block in STEP_NS else "cycles"
            seeds = ",".join(sorted(c["seeds"], key=int)) or "-"
            line += (f" | cocotb {c['tests']:>3} tests, {c['failed']} failed | seeds {seeds}"
                     f" | {int(c['sim_ns'] // unit):,} {what} simulated")
        line += f" | wall {p['wall']:.1f} s"
        terminalreporter.write_line(line)
