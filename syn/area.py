"""Synthesis area of TensorDash against the dense baseline in real standard cells (issues 10,
21; paper §4.3, Table 3): ``python -m syn.area`` (``make area``).

Flow: Debian's Yosys 0.23, ``synth`` with the hierarchy kept, then ``dfflibmap`` and ``abc``
onto the OSU 0.18 um library (syn/liberty.py; ABC buffers fanout to 8 and sizes gates), areas
in um^2 from the library's cell areas. Every distinct module is synthesised once:

* ``tdash_mac`` alone, per format (the same MAC in every PE of both designs);
* ``tdash_pe``, ``tdash_tile``, ``dense_pe`` and syn/dense_tile.v with the MAC and the staging
  queue read as black boxes (``read_verilog -lib``): the schedulers, operand muxes, zero
  detectors, window control, glue;
* ``tdash_stage_queue`` alone, once per way a design instantiates it: the parameters the
  design passes (read from Yosys' ``dump`` of the instance), WB_W = 0 where it ties wb_en to
  0 and WIN = 1 for the dense designs, which read only the window's front row -- what
  flattening the queue into them would remove. Inside, the queue's payload is bit-sliced
  (tdash_stage_slice), so even the tile's 4,160-bit rows map in seconds.

The design runs' top-level instances, read from Yosys (``stat`` cell counts per module and
``select -list`` instance names), are rolled up into the rows of Table 3: compute cores (the
MACs), schedulers + B-side muxes (schedulers with their encoders and AS counters, B operand
muxes, B zero detectors, window control, glue), A-side muxes (A operand muxes and the A
Inf/NaN detectors), and, apart, as the paper leaves the scratchpads out, the staging buffers.
Results are cached per RTL content and script in sim_build/area/; mapped netlists stay there
for syn/timing.py and syn/power.py, which simulates the TensorDash and dense PEs' netlists gate
by gate on the speedup report's workloads and the digits training traces and reports power and
energy efficiency (its docstring has the method; ``--no-power`` skips it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from syn import cells as CL
from syn import gatesim as GS
from syn import liberty as L
from syn import power as PW
from syn import timing as T

ROOT = Path(__file__).resolve().parents[1]
RTL = ROOT / "rtl"
SYN = ROOT / "syn"
CACHE = ROOT / "sim_build" / "area"
OP_TYPES = {"int16": 0, "bf16": 1, "fp32": 2}
PAPER = {"fp32": 1.09, "bf16": 1.13}      # Table 3 / §4.4: compute area, TensorDash / baseline
N, ROWS, COLS = 16, 4, 4
ROWS_LOG2 = 16
GROUPS = ("compute", "sched_b", "a_side", "staging")
GROUP_NAMES = {"compute": "Compute cores (16 MACs)", "sched_b": "Schedulers + B-side muxes",
               "a_side": "A-side muxes", "staging": "Staging buffers"}
# Instances of the A side (tdash_pe: zd_a, mux_a; tdash_tile: in_row[k].acol[c].zd, pe_r[r].pe_c[c].mux_a).
A_SIDE = re.compile(r"(zd_a|\.acol\[|mux_a)")
SPLIT = ("tdash_nonzero", "tdash_operand_mux")        # modules used on both sides
FRONT_SOURCES = ("tdash_scheduler.v", "tdash_prio_enc.v", "tdash_as_count.v", "tdash_operand_mux.v",
                 "tdash_nonzero.v", "tdash_window_ctrl.v")
MAC_SOURCES = ("tdash_mac.v", "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v")


class UsageError(Exception):
    pass


def widths(fmt: str) -> tuple[int, int]:
    dw = 32 if fmt == "fp32" else 16
    return dw, (2 * dw + (N - 1).bit_length() + ROWS_LOG2 if fmt == "int16" else 32)   # as tdash_pe.v


@dataclass(frozen=True)
class Run:
    """One Yosys run: ``top`` with ``params``; ``module`` is the name its top gets (the name
    black-box instances of it carry in the other runs)."""
    tag: str
    top: str
    module: str
    sources: tuple
    blackboxes: tuple = ()
    params: tuple = ()
    split: tuple = field(default=SPLIT)
    flatten: bool = False    # one flat module (the timing runs of the PEs' step paths)


def runs_for(fmt: str, depth: int) -> dict[str, Run]:
    dw, acc_w = widths(fmt)
    op = ("OP_TYPE", OP_TYPES[fmt])
    front = tuple(RTL / f for f in FRONT_SOURCES)
    bb = (RTL / "tdash_mac.v", RTL / "tdash_stage_queue.v")
    return {
        "mac": Run(f"mac_{fmt}", "tdash_mac", "tdash_mac", tuple(RTL / f for f in MAC_SOURCES),
                   params=(("N", N), op, ("DW", dw), ("ACC_W", acc_w))),
        "pe": Run(f"pe_{fmt}_d{depth}", "tdash_pe", "top_tdash_pe", (RTL / "tdash_pe.v",) + front, bb,
                  params=(("N", N), ("DEPTH", depth), op)),
        "dense_pe": Run(f"dense_pe_{fmt}_d{depth}", "dense_pe", "top_dense_pe", (RTL / "dense_pe.v",), bb,
                        params=(("N", N), ("DEPTH", depth), op)),
        "tile": Run(f"tile_{fmt}_d{depth}", "tdash_tile", "top_tdash_tile", (RTL / "tdash_tile.v",) + front, bb,
                    params=(("ROWS", ROWS), ("COLS", COLS), ("N", N), ("DEPTH", depth), op)),
        "dense_tile": Run(f"dense_tile_{fmt}_d{depth}", "dense_tile", "top_dense_tile", (SYN / "dense_tile.v",), bb,
                          params=(("ROWS", ROWS), ("COLS", COLS), ("N", N), ("DEPTH", depth), op)),
        # Timing only: each PE flattened with its staging queue, the MAC reduced to its port
        # registers (syn/mac_stub.v), so ABC buffers across what the area runs keep apart.
        "pe_paths": Run(f"pe_paths_{fmt}_d{depth}", "tdash_pe", "paths_tdash_pe",
                        (RTL / "tdash_pe.v", RTL / "tdash_stage_queue.v", SYN / "mac_stub.v") + front,
                        params=(("N", N), ("DEPTH", depth), op), split=(), flatten=True),
        "dense_pe_paths": Run(f"dense_pe_paths_{fmt}_d{depth}", "dense_pe", "paths_dense_pe",
                              (RTL / "dense_pe.v", RTL / "tdash_stage_queue.v", SYN / "mac_stub.v"),
                              params=(("N", N), ("DEPTH", depth), op), split=(), flatten=True),
    }


def script(run: Run, lib: Path, abc: Path, out: Path) -> str:
    """The Yosys script of a run; writes <tag>.stat.json, <tag>.<module>.inst and <tag>.v."""
    inc = f"-I{RTL}"
    lines = [f"read_verilog {inc} " + " ".join(str(s) for s in run.sources)]
    if run.blackboxes:
        lines.append(f"read_verilog -lib {inc} " + " ".join(str(s) for s in run.blackboxes))
    lines.append(f"hierarchy -top {run.top} " + " ".join(f"-chparam {k} {v}" for k, v in run.params))
    lines.append(f"rename -top {run.module}")
    lines.append(f"synth {'-flatten ' if run.flatten else ''}-top {run.module}")
    lines.append(L.map_commands(lib, abc).rstrip("\n"))
    # How the design uses its staging queue (parameters, tied-off inputs): its own run follows.
    lines.append(f"tee -q -o {out / (run.tag + '.queue.il')} dump {run.module}/t:tdash_stage_queue")
    # Black-box instances keep their parameters; the standalone runs' modules have none left.
    lines.append(f"setparam -unset N -unset OP_TYPE -unset DW -unset ACC_W -unset DEPTH -unset PW -unset WB_W "
                 f"{run.module}/t:tdash_mac {run.module}/t:tdash_stage_queue")
    lines.append(f"tee -q -o {out / (run.tag + '.stat.json')} stat -liberty {lib} -json")
    for m in run.split:
        lines.append(f"tee -q -o {out / (run.tag + '.' + m + '.inst')} select -list {run.module}/t:*\\\\{m}")
    # For OpenSTA's netlist reader, which cannot parse assigns to concatenations: wire aliases
    # become buffers (after stat, so they are not counted as area).
    lines.append("opt_clean -purge")
    lines.append("insbuf -buf BUFX2 A Y")
    lines.append(f"write_verilog -noattr -noexpr -nohex -nodec {out / (run.tag + '.v')}")
    return "\n".join(lines) + "\n"


def parse_stat_json(text: str) -> dict:
    """Yosys 0.23's ``stat -json`` with a hierarchy also prints the plain-text hierarchy
    listing into the JSON; those lines have no quotes and no braces: drop them."""
    keep = [line for line in text.splitlines() if '"' in line or line.strip() in ("{", "}", "},", "[", "]", "],")]
    return json.loads("\n".join(keep))


_CELL_IL = re.compile(r"^\s*cell \\tdash_stage_queue (\S+)$")
_PARAM_IL = re.compile(r"^\s*parameter (?:signed )?\\(\w+) (\S+)$")
_CONNECT_IL = re.compile(r"^\s*connect \\(\w+) (.+)$")


def _il_int(v: str) -> int:
    """RTLIL constant (3, 32'00..11) -> int."""
    return int(v.split("'", 1)[1], 2) if "'" in v else int(v)


def parse_queue_cells(text: str) -> list[dict]:
    """The tdash_stage_queue instances of a ``dump``: their parameters and whether the
    write-back enable is tied to 0."""
    cells, cur = [], None
    for line in text.splitlines():
        if m := _CELL_IL.match(line):
            cur = {"name": m.group(1), "params": {}, "wb_tied_off": False}
            cells.append(cur)
        elif cur is not None and (m := _PARAM_IL.match(line)):
            cur["params"][m.group(1)] = _il_int(m.group(2))
        elif cur is not None and (m := _CONNECT_IL.match(line)):
            if m.group(1) == "wb_en":
                cur["wb_tied_off"] = m.group(2).strip() == "1'0"
        elif line.strip() == "end":
            cur = None
    return cells


# Window rows whose payload a design reads, where it is fewer than DEPTH: the dense designs
# use only the front row (dense_pe.v, syn/dense_tile.v), which flattening the queue into them
# would find; the standalone queue run is told so (tdash_stage_queue's WIN parameter).
WINDOW_ROWS_READ = {"dense_pe": 1, "dense_tile": 1}


def queue_run(design: Run, cells: list[dict]) -> Run:
    """The standalone run of the queue a design instantiates, with the parameters it passes
    and, where it ties the write-back off (wb_en = 0) or reads fewer window rows, the
    parameters that remove that hardware."""
    if len(cells) != 1:
        raise RuntimeError(f"{design.tag}: expected one tdash_stage_queue instance, found {len(cells)}")
    p = dict(cells[0]["params"])
    depth, pw = p["DEPTH"], p["PW"]
    wb_w = 0 if cells[0]["wb_tied_off"] else p.get("WB_W", pw)
    win = min(p.get("WIN", depth), WINDOW_ROWS_READ.get(design.top, depth))
    params = (("DEPTH", depth), ("PW", pw), ("WB_W", wb_w), ("WIN", win))
    return Run(f"queue_d{depth}_pw{pw}_wb{wb_w}_win{win}", "tdash_stage_queue", "tdash_stage_queue",
               (RTL / "tdash_stage_queue.v",), params=params, split=())


def digest_of(run: Run, text: str) -> str:
    h = hashlib.sha256(text.encode())
    for f in sorted(set(run.sources + run.blackboxes) | set(RTL.glob("*.vh"))):
        h.update(Path(f).name.encode() + Path(f).read_bytes())
    return h.hexdigest()[:16]


def synthesise(run: Run, yosys: str, lib: Path) -> dict:
    """Run Yosys once per RTL content; returns {"stat", "instances", "netlist", "seconds"}."""
    CACHE.mkdir(parents=True, exist_ok=True)
    abc = CACHE / "abc.script"
    if not abc.exists() or abc.read_text() != L.ABC_SCRIPT:
        abc.write_text(L.ABC_SCRIPT)
    text = script(run, lib, abc, CACHE)
    digest = digest_of(run, text + L.ABC_SCRIPT)
    cached = CACHE / f"{run.tag}.json"
    if cached.exists():
        data = json.loads(cached.read_text())
        if data.get("digest") == digest and Path(data["netlist"]).exists():
            data["cached"] = True
            return data
    (CACHE / f"{run.tag}.ys").write_text(text)
    t0 = time.monotonic()
    proc = subprocess.run([yosys, "-q", "-l", str(CACHE / f"{run.tag}.log"), str(CACHE / f"{run.tag}.ys")],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"yosys failed on {run.tag} (log: {CACHE / (run.tag + '.log')}):\n{proc.stderr[-2000:]}")
    insts = {}
    for m in run.split:
        names = (CACHE / f"{run.tag}.{m}.inst").read_text().split()
        insts[m] = [n.split("/", 1)[1] for n in names]
    data = {"stat": parse_stat_json((CACHE / f"{run.tag}.stat.json").read_text()), "instances": insts,
            "queue_cells": parse_queue_cells((CACHE / f"{run.tag}.queue.il").read_text()),
            "netlist": str(CACHE / f"{run.tag}.v"), "module": run.module, "digest": digest,
            "seconds": time.monotonic() - t0, "cached": False}
    cached.write_text(json.dumps(data))
    return data


def base_name(module: str) -> str:
    """Yosys module name (\\name, $paramod\\name\\P=..., $paramod$hash\\name) -> rtl module name."""
    parts = [p for p in module.split("\\") if p and "=" not in p and not p.startswith("$")]
    if not parts:
        raise ValueError(f"no module name in {module!r}")
    return parts[0]


def module_areas(stat: dict, areas: dict[str, float], blackbox: dict[str, float]):
    """Area of every module of a run, its submodule instances included (black boxes from
    ``blackbox``: rtl module name -> area); returns (module -> area, cell type -> area)."""
    mods = stat["modules"]
    memo: dict[str, float] = {}

    def area(name: str) -> float:
        if name not in memo:
            total = 0.0
            for cell, n in mods[name]["num_cells_by_type"].items():
                total += n * cell_area(cell)
            memo[name] = total
        return memo[name]

    def cell_area(cell: str) -> float:
        if cell in areas:
            return areas[cell]
        for key in (cell, "\\" + cell):
            if key in mods:
                return area(key)
        b = base_name(cell)
        if b in blackbox:
            return blackbox[b]
        raise RuntimeError(f"cell type {cell} is neither a library cell, a module nor a known black box")

    for m in mods:
        area(m)
    return memo, cell_area


def rollup(data: dict, areas: dict[str, float], blackbox: dict[str, float], own: str) -> dict:
    """Table 3 groups of a run's top: its instances by module (and, for SPLIT modules, by
    instance name: A side or B side); its own cells go to ``own``."""
    stat, top = data["stat"], data["module"]
    mods = stat["modules"]
    key = "\\" + top if "\\" + top in mods else top
    cell_area = module_areas(stat, areas, blackbox)[1]
    acc = {g: 0.0 for g in GROUPS}
    count: dict[str, int] = {}
    for cell, n in mods[key]["num_cells_by_type"].items():
        a = cell_area(cell)
        if cell in areas:
            acc[own] += n * a
            continue
        b = base_name(cell)
        count[b] = count.get(b, 0) + n
        if b == "tdash_mac":
            acc["compute"] += n * a
        elif b == "tdash_stage_queue":
            acc["staging"] += n * a
        elif b in SPLIT:
            names = data["instances"][b]
            if len(names) != n:
                raise RuntimeError(f"{top}: {n} {b} cells but {len(names)} instance names")
            n_a = sum(1 for x in names if A_SIDE.search(x))
            acc["a_side"] += n_a * a
            acc["sched_b"] += (n - n_a) * a
        else:
            acc["sched_b"] += n * a
    acc["compute_only"] = acc["compute"] + acc["sched_b"] + acc["a_side"]
    acc["total"] = acc["compute_only"] + acc["staging"]
    acc["instances"] = count
    return acc


DESIGNS = ("pe", "dense_pe", "tile", "dense_tile")


def measure(formats, depth: int, jobs: int, yosys: str, lib: Path) -> dict:
    """Every distinct run once: the MACs and the designs, then the staging queue of each
    design as the design instantiates it (a queue run starts when its design is done)."""
    plan = {}
    for fmt in formats:
        for run in runs_for(fmt, depth).values():
            plan.setdefault(run.tag, run)
    results: dict[str, dict] = {}
    queue_of: dict[str, str] = {}      # design tag -> its queue run's tag
    t0 = time.monotonic()
    print(f"area: {len(plan)} design and MAC runs, then their staging queues ({jobs} in parallel), "
          f"cache {CACHE}/", file=sys.stderr, flush=True)

    def report(tag, data):
        how = "cached" if data["cached"] else f"{data['seconds']:.0f} s"
        print(f"area: {len(results)} done: {tag} ({how}; {time.monotonic() - t0:.0f} s elapsed)",
              file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        # The slow MACs first, so the designs and queues fill in.
        order = sorted(plan.values(), key=lambda r: (not r.tag.startswith("mac_fp32"), r.tag))
        pending = {pool.submit(synthesise, run, yosys, lib): run for run in order}
        queued: set[str] = set()
        while pending:
            done = next(as_completed(pending))
            run = pending.pop(done)
            data = done.result()
            results[run.tag] = data
            report(run.tag, data)
            if run.top != "tdash_mac" and run.top != "tdash_stage_queue" and not run.flatten:
                q = queue_run(run, data["queue_cells"])
                queue_of[run.tag] = q.tag
                if q.tag not in queued:
                    queued.add(q.tag)
                    pending[pool.submit(synthesise, q, yosys, lib)] = q
    areas = L.cell_areas(str(lib))

    def total(tag):
        return module_areas(results[tag]["stat"], areas, {})[0]["\\" + results[tag]["module"]]

    out = {}
    for fmt in formats:
        r = runs_for(fmt, depth)
        mac = total(r["mac"].tag)
        out[fmt] = {"mac": mac}
        for d in DESIGNS:
            tag = r[d].tag
            bb = {"tdash_mac": mac, "tdash_stage_queue": total(queue_of[tag])}
            out[fmt][d] = rollup(results[tag], areas, bb, "sched_b" if d in ("pe", "tile") else "staging")
            out[fmt][d]["queue_run"] = queue_of[tag]
            out[fmt][d]["netlists"] = [results[tag]["netlist"], results[queue_of[tag]]["netlist"],
                                       results[r["mac"].tag]["netlist"]]
        out[fmt]["mac_netlist"] = results[r["mac"].tag]["netlist"]
        out[fmt]["paths_netlists"] = {d: results[r[d + "_paths"].tag]["netlist"] for d in ("pe", "dense_pe")}
    return out


def markdown(area: dict, formats, depth: int) -> str:
    um = "um²"
    lines = [f"Yosys 0.23, hierarchy kept, mapped to {L.LABEL}; areas in {um} (cell areas of the "
             f"library, no wires). N = {N} lanes, DEPTH {depth}, a {ROWS}x{COLS} tile. Each distinct "
             "module synthesised once; instance counts from the synthesised hierarchy.", "",
             "### Table 3 analog: the 4x4 tile", ""]
    for fmt in formats:
        t, d = area[fmt]["tile"], area[fmt]["dense_tile"]
        paper = f" (paper: {PAPER[fmt]:.2f}x)" if fmt in PAPER else ""
        lines += [f"**{fmt.upper()}**", "",
                  f"| component | TensorDash tile ({um}) | dense tile ({um}) |", "|---|---|---|"]
        for g in ("compute", "sched_b", "a_side"):
            lines.append(f"| {GROUP_NAMES[g]} | {t[g]:,.0f} | {d[g]:,.0f} |")
        lines.append(f"| **Total (compute)** | {t['compute_only']:,.0f} | {d['compute_only']:,.0f} |")
        lines.append(f"| **Normalised** | **{t['compute_only'] / d['compute_only']:.3f}x**{paper} | 1 |")
        lines.append(f"| {GROUP_NAMES['staging']} (apart) | {t['staging']:,.0f} | {d['staging']:,.0f} |")
        lines.append(f"| Total with staging buffers | {t['total']:,.0f} ({t['total'] / d['total']:.3f}x) "
                     f"| {d['total']:,.0f} |")
        inst = ", ".join(f"{k} x{v}" for k, v in sorted(t["instances"].items()))
        lines += ["", f"TensorDash tile instances: {inst}.", ""]
    lines += ["### One PE", "",
              f"| format | TensorDash PE ({um}) | dense PE ({um}) | PE / dense PE | "
              "staging buffer TD / dense | without staging buffers |", "|---|---|---|---|---|---|"]
    for fmt in formats:
        t, d = area[fmt]["pe"], area[fmt]["dense_pe"]
        lines.append(f"| {fmt} | {t['total']:,.0f} | {d['total']:,.0f} | **{t['total'] / d['total']:.3f}x** | "
                     f"{t['staging'] / d['staging']:.3f}x | {t['compute_only'] / d['compute_only']:.3f}x |")
    lines += ["", "Staging queue runs: " + ", ".join(sorted({area[f][d]["queue_run"] for f in formats
                                                             for d in DESIGNS})) + "."]
    return "\n".join(lines)


FRONT = ("tdash_window_ctrl", "tdash_scheduler", "tdash_operand_mux")   # the TensorDash step's logic, in order


# The registers the PEs' step paths end in (Q net names of the flattened paths runs).
PATH_GROUPS = {"mac_operands": r"^\\mac\.op_", "queue": r"^\\queue\."}


def timing(area: dict, formats, lib: Path) -> dict:
    """OpenSTA per block, each linked alone: the MAC register to register (clock on clk); the
    window control, scheduler and operand mux of tdash_pe input to output (a virtual clock);
    and each PE flattened with its staging queue and the MAC's port registers
    (syn/mac_stub.v), register to register: every path of the PE but the MAC's datapath."""
    out = {}
    for fmt in formats:
        res = {}
        pe = T.join_netlists(area[fmt]["pe"]["netlists"][:1], CACHE / f"sta_pe_{fmt}.v")
        mac = T.join_netlists([area[fmt]["mac_netlist"]], CACHE / f"sta_mac_{fmt}.v")
        blocks = [(mac, "tdash_mac", False)] + [(pe, m, True) for b in FRONT for m in T.module_names(pe)
                                                 if T.base_of(m) == b]
        for netlist, m, comb in blocks:
            print(f"timing: {fmt} {T.base_of(m)}", file=sys.stderr, flush=True)
            slack = T.run_sta(lib, netlist, m, CACHE / f"sta_{fmt}_{m}.log", virtual=comb)
            res[T.base_of(m)] = T.PERIOD_NS - slack
        for d, path in area[fmt]["paths_netlists"].items():
            print(f"timing: {fmt} {d} step paths (flat, MAC datapath removed)", file=sys.stderr, flush=True)
            netlist = T.join_netlists([path], CACHE / f"sta_paths_{d}_{fmt}.v")
            res[f"{d}_paths"] = T.path_groups(lib, netlist, T.module_names(netlist)[0],
                                              CACHE / f"sta_paths_{d}_{fmt}.log", PATH_GROUPS)
        out[fmt] = res
    return out


def _reg(q: str) -> str:
    """A register's Q net as a reader would write it: \\queue.count [3] -> queue.count[3]."""
    return q.lstrip("\\").replace(" [", "[")


def timing_markdown(tim: dict, formats) -> str:
    lines = ["### Timing", "",
             f"OpenSTA (2019) on the mapped netlists, {L.LABEL}. The MAC: one clock on clk, critical path = "
             f"period ({T.PERIOD_NS:.0f} ns) - worst slack (the snapshot has no report_clock_min_period). "
             "Window control, scheduler, operand mux (combinational): a virtual clock, inputs launched and "
             "outputs captured at 0 delay, so the worst path is input to output; front logic = the three in "
             "series. *Step paths*: each PE synthesised flat with its staging queue (so ABC buffers the "
             "queue's selects across what the area runs keep apart) and the MAC reduced to its port "
             "registers (syn/mac_stub.v), timed register to register: every path of the PE outside the "
             "MAC's datapath, the queue's read through the window included. fmax of a PE = 1 / the longer "
             "of its step paths and the MAC's path.", "",
             "| format | MAC (ns) | MAC fmax (MHz) | window ctrl (ns) | scheduler (ns) | operand mux (ns) "
             "| front logic (ns) | TensorDash PE step paths (ns) | dense PE step paths (ns) "
             "| fmax TensorDash / dense |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for fmt in formats:
        t = tim[fmt]
        front = sum(t[b] for b in FRONT)
        td, dn = t["pe_paths"]["all"]["ns"], t["dense_pe_paths"]["all"]["ns"]
        ratio = max(t["tdash_mac"], dn) / max(t["tdash_mac"], td)
        lines.append(f"| {fmt} | {t['tdash_mac']:.2f} | {1000 / t['tdash_mac']:.1f} | {t['tdash_window_ctrl']:.2f} "
                     f"| {t['tdash_scheduler']:.2f} | {t['tdash_operand_mux']:.2f} | {front:.2f} "
                     f"| {td:.2f} | {dn:.2f} | {ratio:.2f} |")
    lines += ["", "Worst step paths (register to register; the MAC's operand registers are mac.op_*):", "",
              "| format | PE | worst path (ns) | from | to | into the MAC's operands (ns) | into the queue (ns) |",
              "|---|---|---|---|---|---|---|"]
    for fmt in formats:
        for d, name in (("pe", "TensorDash"), ("dense_pe", "dense")):
            g = tim[fmt][f"{d}_paths"]
            lines.append(f"| {fmt} | {name} | {g['all']['ns']:.2f} | {_reg(g['all']['from'])} | {_reg(g['all']['to'])} "
                         f"| {g['mac_operands']['ns']:.2f} | {g['queue']['ns']:.2f} |")
    return "\n".join(lines)


def power(area: dict, formats, lib: Path, tim: dict | None, jobs: int, plot: Path, report_dir: Path,
          tiles=()) -> str:
    """syn/power.py on the PEs: the clock for leakage is the MAC's critical path (timing), or
    PERIOD_NS without timing."""
    if tim is not None:
        periods = {f: tim[f]["tdash_mac"] for f in formats}
        note = "Clock: the MAC's critical path of the timing table (leakage over the busy time; it is < 0.1%)."
    else:
        periods = {f: T.PERIOD_NS for f in formats}
        note = f"Clock: {T.PERIOD_NS:.0f} ns (no timing run; leakage over the busy time is < 0.1%)."
    res = PW.measure(area, formats, lib, periods, CACHE, jobs, tiles)
    png = PW.plot(res, formats, plot)
    return PW.markdown(res, formats, os.path.relpath(png, report_dir), L.LABEL, note) + "\n" + PW.tile_markdown(res, formats)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m syn.area", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", nargs="+", choices=list(OP_TYPES), default=list(OP_TYPES),
                    help="operand types (default: int16 bf16 fp32)")
    ap.add_argument("--depth", type=int, choices=(2, 3), default=3, help="staging depth (default 3)")
    ap.add_argument("--jobs", type=int, choices=(1, 2, 3, 4), default=2, help="parallel Yosys runs (default 2)")
    ap.add_argument("--no-timing", action="store_true", help="area only, no OpenSTA")
    ap.add_argument("--no-power", action="store_true", help="no gate-level power and energy (syn/power.py)")
    ap.add_argument("--tile-power", nargs="*", choices=list(OP_TYPES), metavar="FMT",
                    help="also the 4x4 tiles' gate-level power, zero delay, for these formats (none given: every "
                    "format of --formats); 0.8-3 million cells, 10-30 CPU-minutes per design; make area TILE_POWER=1 "
                    "or TILE_POWER='int16 bf16'")
    ap.add_argument("--plot", default=None, help="energy-efficiency plot (default: energy_efficiency.png beside --out)")
    ap.add_argument("--out", default="reports/area.md", help="Markdown report (default reports/area.md)")
    args = ap.parse_args(argv)
    yosys = shutil.which("yosys")
    try:
        if yosys is None:
            raise UsageError("yosys not found: install Debian's yosys (apt-get install yosys; make area does it as root)")
        lib = L.liberty_path()
        out = Path(args.out)
        if out.exists() and out.is_dir():
            raise UsageError(f"{out} is a directory")
        tile_formats = () if args.tile_power is None else [f for f in args.formats if f in (args.tile_power or args.formats)]
        area = measure(args.formats, args.depth, args.jobs, yosys, lib)
        text = markdown(area, args.formats, args.depth)
        tim = None
        if not args.no_timing:
            tim = timing(area, args.formats, lib)
            text += "\n\n" + timing_markdown(tim, args.formats)
        if not args.no_power:
            text += "\n\n" + power(area, args.formats, lib, tim, args.jobs,
                                     Path(args.plot) if args.plot else out.parent / "energy_efficiency.png", out.parent,
                                     tile_formats)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("# Hardware cost: TensorDash vs dense\n\n" + text + "\n")
    except (UsageError, L.LibertyError, T.TimingError, CL.LibertyParseError, OSError) as err:
        print(f"python -m syn.area: error: {err}", file=sys.stderr)
        return 2
    except (RuntimeError, PW.PowerError, GS.NetlistError) as err:
        print(f"python -m syn.area: {err}", file=sys.stderr)
        return 1
    print(text)
    print(f"\nreport: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
