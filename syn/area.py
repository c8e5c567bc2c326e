"""Synthesis area of the TensorDash PE against the dense PE (issue 10; paper §4.3, Table 3):
``python -m syn.area`` (``make area``).

Each (PE, operand type) is synthesised by Debian's Yosys (0.23) with ``synth -top <pe>`` --
hierarchy kept, so every module is optimised once and counted per instance -- and measured
with ``stat -tech cmos -json``: generic gate cells and Yosys' CMOS transistor estimate. The
per-module numbers are rolled up through the hierarchy and grouped:

* staging queue: tdash_stage_queue (the 3*DEPTH-row buffer both PEs have);
* scheduler + muxes: the scheduler and its priority encoders / AS counter, the A and B operand
  muxes, the zero detectors, the window control and the PE's own glue logic (the Z mode
  selection and packing);
* MAC: multipliers, adder tree, accumulator, operand and result registers (tdash_mac with
  tdash_fmul, tdash_fadd_tree, tdash_fadd).

Flip-flops are legalised to plain $_DFF_P_ (16 transistors in Yosys' table) plus muxes for
enable and reset before ``stat``, so registers are in the transistor estimate too.

The overhead ratio is TensorDash PE / dense PE, for the whole PE and for the PE without its
staging queue (the paper's baseline PE reads its operands from the scratchpads directly, so
its 1.09x (FP32) and 1.13x (bfloat16) compare best with the second).
Results are cached per RTL content in sim_build/area/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RTL = ROOT / "rtl"
CACHE = ROOT / "sim_build" / "area"
OP_TYPES = {"int16": 0, "bf16": 1, "fp32": 2}
PAPER = {"fp32": 1.09, "bf16": 1.13}
TOPS = ("tdash_pe", "dense_pe")
GROUPS = {
    "tdash_stage_queue": "queue",
    "tdash_scheduler": "front", "tdash_scheduler_iter": "front", "tdash_prio_enc": "front",
    "tdash_as_count": "front", "tdash_operand_mux": "front", "tdash_nonzero": "front",
    "tdash_window_ctrl": "front", "tdash_pe": "front",
    "tdash_mac": "mac", "tdash_fmul": "mac", "tdash_fadd": "mac", "tdash_fadd_tree": "mac",
    "dense_pe": "front",   # the dense PE's own glue: only wiring, no scheduler
}
GROUP_NAMES = {"queue": "staging queue", "front": "scheduler + muxes", "mac": "MAC (multipliers, adders)"}


class UsageError(Exception):
    pass


def base_name(module: str) -> str:
    """Yosys module name (\\name, $paramod\\name\\P=..., $paramod$hash\\name) -> rtl module name."""
    for part in module.split("\\"):
        if part in GROUPS:
            return part
    raise ValueError(f"unknown module in the synthesis result: {module}")


def rtl_digest() -> str:
    h = hashlib.sha256()
    for f in sorted(RTL.glob("*.v*")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:16]


MAC_SOURCES = ("tdash_mac.v", "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v")


def synthesise(top: str, fmt: str, depth: int, yosys: str) -> dict:
    """Run Yosys for one top; returns the stat JSON (cached per RTL content and script).

    The PEs are read with tdash_mac as a black box (``read_verilog -lib``): both PEs have the
    very same MAC, and synthesising it once, alone (top ``tdash_mac``), gives both the same
    numbers -- inside each PE, ABC's result for the identical module varied by 7%.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    tag = f"{top}_{fmt}" + ("" if top == "tdash_mac" else f"_DEPTH{depth}")
    cached = CACHE / f"{tag}.json"
    if top == "tdash_mac":
        dw = 32 if fmt == "fp32" else 16
        acc_w = 32 if fmt != "int16" else 2 * dw + 4 + 16
        read = f"read_verilog -I{RTL} " + " ".join(str(RTL / f) for f in MAC_SOURCES) + "\n"
        params = f"-chparam N 16 -chparam OP_TYPE {OP_TYPES[fmt]} -chparam DW {dw} -chparam ACC_W {acc_w}"
    else:
        pe_sources = [p for p in sorted(RTL.glob("*.v")) if p.name not in MAC_SOURCES]
        read = (f"read_verilog -I{RTL} " + " ".join(str(p) for p in pe_sources) + "\n"
                f"read_verilog -lib {RTL / 'tdash_mac.v'}\n")
        params = f"-chparam OP_TYPE {OP_TYPES[fmt]} -chparam DEPTH {depth}"
    # dfflegalize: Yosys' CMOS cost table knows $_DFF_P_ (16 transistors) but not the enable /
    # sync-reset flip-flops synth maps to, which it would leave out of the estimate; as plain
    # DFFs plus muxes every register is counted, in both PEs alike.
    script = (read +
              f"hierarchy -top {top} {params}\n"
              f"synth -top {top}\n"
              f"dfflegalize -cell $_DFF_P_ x\n"
              f"opt_clean\n"
              f"tee -q -o {CACHE / (tag + '.stat.json')} stat -tech cmos -json\n")
    digest = hashlib.sha256((rtl_digest() + script).encode()).hexdigest()[:16]
    if cached.exists():
        data = json.loads(cached.read_text())
        if data.get("rtl_digest") == digest:
            return data
    (CACHE / f"{tag}.ys").write_text(script)
    t0 = time.monotonic()
    run = subprocess.run([yosys, "-q", "-l", str(CACHE / f"{tag}.log"), str(CACHE / f"{tag}.ys")],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"yosys failed on {tag} (log: {CACHE / (tag + '.log')}):\n{run.stderr[-2000:]}")
    data = parse_stat_json((CACHE / f"{tag}.stat.json").read_text())
    data["rtl_digest"], data["seconds"] = digest, time.monotonic() - t0
    cached.write_text(json.dumps(data))
    return data


def parse_stat_json(text: str) -> dict:
    """Yosys 0.23's ``stat -json`` with a hierarchy also prints the plain-text hierarchy
    listing into the JSON; those lines have no quotes and no braces: drop them."""
    keep = [line for line in text.splitlines() if '"' in line or line.strip() in ("{", "}", "},", "[", "]", "],")]
    return json.loads("\n".join(keep))


def _transistors(mod: dict) -> int:
    """Yosys' CMOS estimate of a module's own cells; a '+' marks cells it has no cost for
    (submodule instances, which the roll-up adds)."""
    own = {c: n for c, n in mod["num_cells_by_type"].items() if "\\" not in c and not c.startswith("tdash")}
    unknown = [c for c in own if c.startswith("$_DFF") and c != "$_DFF_P_" or c.startswith("$_SDFF")]
    if unknown:
        raise RuntimeError(f"cells without a CMOS cost left after dfflegalize: {unknown}")
    return int(str(mod.get("estimated_num_transistors", "0")).rstrip("+") or 0)


def rollup(stat: dict, top: str, mac: dict | None = None) -> dict:
    """Cells and transistors of ``top`` per group, submodule instances expanded; instances of
    the black-box MAC count as ``mac`` (the roll-up of the standalone MAC run)."""
    mods = stat["modules"]
    names = {m: base_name(m) for m in mods}
    tops = [m for m, b in names.items() if b == top]
    if len(tops) != 1:
        raise RuntimeError(f"expected one {top} module in the synthesis result, got {tops}")
    acc = {g: {"cells": 0, "transistors": 0} for g in GROUP_NAMES}
    per_module: dict = {}   # rtl module -> instances and transistors (own cells, all instances)

    def total(module: str) -> None:
        mod = mods[module]
        group = GROUPS[names[module]]
        pm = per_module.setdefault(names[module], {"instances": 0, "transistors": 0})
        pm["instances"] += 1
        pm["transistors"] += _transistors(mod)
        own_cells = 0
        for cell, count in mod["num_cells_by_type"].items():
            sub = cell if cell in mods else ("\\" + cell if "\\" + cell in mods else None)
            if sub is not None:
                for _ in range(count):
                    total(sub)
            elif "tdash_mac" in cell:
                if mac is None:
                    raise RuntimeError(f"{top} instantiates the black-box MAC: give the MAC's roll-up")
                for g in GROUP_NAMES:
                    for k in ("cells", "transistors"):
                        acc[g][k] += count * mac[g][k]
            else:
                own_cells += count
        acc[group]["cells"] += own_cells
        acc[group]["transistors"] += _transistors(mod)

    total(tops[0])
    acc["total"] = {k: sum(acc[g][k] for g in GROUP_NAMES) for k in ("cells", "transistors")}
    acc["modules"] = per_module
    return acc


def tile_estimate(pe: dict, mac_transistors: int, fp: bool, depth: int, rows: int = 4, cols: int = 4) -> float:
    """Paper-style overhead of a ROWS x COLS tile (§3.3, Table 3) from the PE's per-module
    numbers: per PE row one scheduler (with its encoders and AS counter), one B operand mux
    and DEPTH B zero detectors; per PE one A operand mux; for floating point DEPTH A Inf/NaN
    detectors per column; against ROWS*COLS MACs. Staging buffers left out on both sides, as
    Table 3 leaves out the scratchpads. An estimate from the synthesised modules, not a
    synthesised tile."""
    m = pe["modules"]

    def each(name):
        return m[name]["transistors"] / m[name]["instances"] if name in m else 0.0

    sched = sum(m[k]["transistors"] for k in ("tdash_scheduler", "tdash_prio_enc", "tdash_as_count") if k in m)
    extra = (rows * (sched + each("tdash_operand_mux") + depth * each("tdash_nonzero"))
             + rows * cols * each("tdash_operand_mux") + (cols * depth * each("tdash_nonzero") if fp else 0))
    return 1 + extra / (rows * cols * mac_transistors)


def measure(formats, depth: int, jobs: int, yosys: str) -> dict:
    """Roll-ups of both PEs per format; the MAC of each format synthesised once, alone."""
    work = [(top, fmt) for fmt in formats for top in ("tdash_mac",) + TOPS]
    work.sort(key=lambda w: w[0] == "tdash_mac")   # the slow PEs first, the MACs fill in
    done, t0 = 0, time.monotonic()
    stats = {}

    def one(item):
        top, fmt = item
        return item, synthesise(top, fmt, depth, yosys)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for item, stat in pool.map(one, work):
            stats[item] = stat
            done += 1
            print(f"area: {done}/{len(work)} synthesised ({item[0]} {item[1]}, {time.monotonic() - t0:.0f} s)",
                  file=sys.stderr, flush=True)
    out = {}
    for fmt in formats:
        mac = rollup(stats[("tdash_mac", fmt)], "tdash_mac")
        for top in TOPS:
            out[(top, fmt)] = rollup(stats[(top, fmt)], top, mac)
    return out


def markdown(area: dict, formats, depth: int) -> str:
    lines = [f"Yosys 0.23 `synth` (hierarchy kept) + `stat -tech cmos`, N = 16 lanes, DEPTH {depth}. "
             "Cells: generic gates and flip-flops; transistors: Yosys' CMOS estimate (flip-flops as "
             "$_DFF_P_, 16 each, plus their enable/reset muxes). The MAC is synthesised once per format "
             "and counted in both PEs.", "",
             "| format | PE | " + " | ".join(f"{GROUP_NAMES[g]} cells / transistors" for g in GROUP_NAMES)
             + " | total cells | total transistors |", "|---|---|" + "---|" * (len(GROUP_NAMES) + 2)]
    for fmt in formats:
        for top in TOPS:
            a = area[(top, fmt)]
            lines.append(f"| {fmt} | {top} | " + " | ".join(f"{a[g]['cells']:,} / {a[g]['transistors']:,}"
                                                            for g in GROUP_NAMES)
                         + f" | {a['total']['cells']:,} | {a['total']['transistors']:,} |")
    lines += ["", "Overhead of TensorDash (TensorDash / dense, transistors). The 4x4 tile column is an "
              "estimate from the per-module numbers (per PE row a scheduler, a B mux and B zero detectors; "
              "per PE an A mux; against 16 MACs; no staging buffers, as Table 3 has no scratchpads):", "",
              "| format | whole PE | PE without staging queue | 4x4 tile, compute only (estimate) "
              "| scheduler + muxes share of the TensorDash PE | paper (Table 3, a tile) |", "|---|---|---|---|---|---|"]
    for fmt in formats:
        t, d = area[("tdash_pe", fmt)], area[("dense_pe", fmt)]
        whole = t["total"]["transistors"] / d["total"]["transistors"]
        noq = ((t["total"]["transistors"] - t["queue"]["transistors"])
               / (d["total"]["transistors"] - d["queue"]["transistors"]))
        tile = tile_estimate(t, d["mac"]["transistors"], fmt != "int16", depth)
        share = t["front"]["transistors"] / t["total"]["transistors"]
        paper = f"{PAPER[fmt]:.2f}x" if fmt in PAPER else "-"
        lines.append(f"| {fmt} | {whole:.3f}x | {noq:.3f}x | {tile:.3f}x | {100 * share:.1f}% | {paper} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m syn.area", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", nargs="+", choices=list(OP_TYPES), default=list(OP_TYPES),
                    help="operand types (default: int16 bf16 fp32)")
    ap.add_argument("--depth", type=int, choices=(2, 3), default=3, help="staging depth (default 3)")
    ap.add_argument("--jobs", type=int, choices=(1, 2, 3, 4), default=2, help="parallel Yosys runs (default 2)")
    ap.add_argument("--out", default="reports/area.md", help="Markdown table (default reports/area.md)")
    args = ap.parse_args(argv)
    yosys = shutil.which("yosys")
    try:
        if yosys is None:
            raise UsageError("yosys not found: install Debian's yosys (apt-get install yosys; make area does it as root)")
        out = Path(args.out)
        if out.exists() and out.is_dir():
            raise UsageError(f"{out} is a directory")
        area = measure(args.formats, args.depth, args.jobs, yosys)
        text = markdown(area, args.formats, args.depth)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("# Synthesis area: TensorDash PE vs dense PE\n\n" + text + "\n")
    except (UsageError, OSError) as err:
        print(f"python -m syn.area: error: {err}", file=sys.stderr)
        return 2
    except RuntimeError as err:
        print(f"python -m syn.area: {err}", file=sys.stderr)
        return 1
    print(text)
    print(f"\ntable: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
