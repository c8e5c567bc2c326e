"""Cycle-based simulation of the mapped netlists (issue 21, item 5), zero, unit or library delays:
the cells' own Liberty functions (syn/cells.py), 64 independent lanes per run, every net's
toggles counted per group of lanes.

Why not Verilator or Icarus: there are no simulation models of the OSU cells; the Liberty
functions are the cells' definition, and evaluating them directly, levelised and bit-parallel
(one numpy uint64 word per net, bit i = lane i), needs no model generator, no C++ build
per design and simulates 64 stimulus streams at once.

Netlist (:func:`prepare`): the netlists syn/area.py writes (the design, its staging queue,
the MAC) lose the buffers Yosys' ``insbuf`` added after ``stat`` only so OpenSTA could read
wire aliases (they are not in the area either): per module, the netlist's BUFX2 count minus
``stat``'s, which are the module's last cells (checked). Then one Yosys run joins and flattens
them to JSON: cells with their pins' net numbers. ``max_fanout`` adds buffer trees on nets
with more loads (:meth:`GateSim._buffer_fanout`), for the power model's slews and loads.

Semantics. Each cycle: the inputs are set, the combinational cells are evaluated in level
order (zero delay: settled values, no glitches), the outputs are read, then every flip-flop
(DFFPOSX1, the only sequential cell the flows map to; its CLK must be the ``clk`` port)
takes its D. A net toggles in a cycle when its settled value differs from the previous
cycle's; toggles are counted per group of lanes (a workload), only in the cycles the group's
mask marks active. Glitches are not counted (no delays): the energy is a lower bound in
absolute terms, for both designs alike.

Unit delay (:meth:`GateSim.evaluate_timed`): instead of one levelised pass, the cells whose
inputs changed are evaluated step by step, one cell delay per step (transport), from the
previous cycle's settled values, until nothing changes; every transition of every net is
counted, glitches included, per lane in bit-sliced counters. It settles to the zero-delay
values and costs about 7-20x the zero-delay run (the deep floating-point adders take up to
257 steps per cycle).

Library delays (:meth:`GateSim.evaluate_inertial`, after :meth:`GateSim.set_delays`): each op
(one output pin of one cell) has its own delay in integer ticks and inertia: evaluated when an
input changes, its output takes the new value one delay later unless a later evaluation
replaces it first, so a pulse shorter than the cell's delay is swallowed. The step is in C
(syn/gatesim_native.c, compiled once per machine into sim_build/.native/; TDASH_NATIVE=0 or
no C compiler: :meth:`GateSim.evaluate_inertial_py`, the numpy specification it is tested
against, about 12x slower).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from syn import cells as C
from syn import timing as T

LANES = 64
BUF = "BUFX2"
COUNTER_BITS = 24      # unit-delay transition counters per net and lane (bit-sliced)


class NetlistError(Exception):
    pass


# --------------------------------------------------------------------------- netlist prep
_MODULE = re.compile(r"^module (\S+?)\s*\(", re.M)
_INST = re.compile(r"^  ([A-Z][A-Z0-9]*) (\S+) \((.*?)\n  \);\n", re.M | re.S)
_CONN = re.compile(r"\.(\w+)\((.*?)\)(?:,\s*\n|\s*\n|$)", re.S)


def _plain(name: str) -> str:
    return name.replace("\\", "").strip()


def strip_insbuf(text: str, stat: dict, lib_cells) -> tuple[str, int]:
    """``text`` (one Yosys netlist) with, per module, its last (netlist BUFX2 - stat BUFX2)
    buffers turned back into the ``assign`` they replaced; returns (text, buffers removed)."""
    counts = {_plain(k): m["num_cells_by_type"].get(BUF, 0) for k, m in stat["modules"].items()}
    out, removed = [], 0
    starts = [m.start() for m in _MODULE.finditer(text)] + [len(text)]
    out.append(text[:starts[0]])
    for s, e in zip(starts, starts[1:]):
        body = text[s:e]
        name = _plain(_MODULE.match(body).group(1))
        if name not in counts:
            raise NetlistError(f"module {name} is not in the synthesis statistics")
        insts = [m for m in _INST.finditer(body) if m.group(1) in lib_cells]
        excess = sum(1 for m in insts if m.group(1) == BUF) - counts[name]
        if excess < 0:
            raise NetlistError(f"module {name}: fewer {BUF} in the netlist than in its statistics")
        tail = insts[len(insts) - excess:] if excess else []
        if any(m.group(1) != BUF for m in tail):
            raise NetlistError(f"module {name}: the last {excess} cells are not all insbuf buffers")
        pieces, pos = [], 0
        for m in tail:
            conns = dict(_CONN.findall(m.group(3)))
            if set(conns) != {"A", "Y"}:
                raise NetlistError(f"module {name}: buffer {m.group(2)} has pins {sorted(conns)}")
            pieces += [body[pos:m.start()], f"  assign {conns['Y'].strip()} = {conns['A'].strip()} ;\n"]
            pos = m.end()
        pieces.append(body[pos:])
        out.append("".join(pieces))
        removed += excess
    return "".join(out), removed


def prepare(netlists, stats, top: str, lib: Path, out: Path) -> dict:
    """Join, strip the insbuf buffers, flatten with Yosys; returns the flat JSON module and
    the number of buffers removed. ``out`` is the JSON path (the joined Verilog beside it)."""
    cells, _ = C.library(str(lib))
    names: dict[str, str] = {}
    texts, removed = [], 0
    for path, stat in zip(netlists, stats):
        text, n = strip_insbuf(Path(path).read_text(), stat, cells)
        texts.append(T.clean_names(text, names))
        removed += n
    joined = out.with_suffix(".v")
    joined.write_text("\n".join(texts))
    yosys = shutil.which("yosys")
    if yosys is None:
        raise NetlistError("yosys not found (apt-get install yosys)")
    script = (f"read_liberty -lib {lib}\nread_verilog {joined}\nhierarchy -check -top {top}\n"
              f"flatten\nopt_clean\nwrite_json {out}\n")
    ys = out.with_suffix(".ys")
    ys.write_text(script)
    proc = subprocess.run([yosys, "-q", "-l", str(out.with_suffix(".log")), str(ys)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise NetlistError(f"yosys could not flatten {top} (log {out.with_suffix('.log')}):\n{proc.stderr[-2000:]}")
    # A submodule netlist of other parameters than the instance's (a wrong queue run) shows
    # as a resized port: refuse it rather than simulate half a design.
    resized = [ln for ln in out.with_suffix(".log").read_text().splitlines() if "Resizing cell port" in ln]
    if resized:
        raise NetlistError(f"{top}: the joined netlists do not fit together: {resized[0].strip()}")
    return {"json": str(out), "insbuf_removed": removed}


# ------------------------------------------------------------------------------ simulator
@dataclass
class Group:
    """Cells of one type and output pin at one level: evaluated together."""
    fn: object
    ins: list           # per input pin, an int array of net indices
    out: np.ndarray


class GateSim:
    """A flat netlist (Yosys JSON) on ``LANES`` lanes. Net index = Yosys bit number; two extra
    indices hold the constants."""

    def __init__(self, netlist_json: str, lib: Path, clock: str = "clk", max_fanout: int | None = None,
                 fanout_buffer: str = "BUFX4"):
        data = json.loads(Path(netlist_json).read_text())
        tops = [m for m, v in data["modules"].items() if v.get("attributes", {}).get("top")]
        mods = {m: v for m, v in data["modules"].items() if v.get("cells") or v.get("ports")}
        top = tops[0] if tops else next(iter(mods))
        mod = data["modules"][top]
        self.lib, self.units = C.library(str(lib))
        bits = [b for p in mod["ports"].values() for b in p["bits"] if isinstance(b, int)]
        bits += [b for c in mod["cells"].values() for bs in c["connections"].values() for b in bs if isinstance(b, int)]
        nmax = max(bits) + 1
        self.C0, self.C1 = nmax, nmax + 1
        self.n = nmax + 2

        def net(b):
            if isinstance(b, int):
                return b
            return self.C1 if b == "1" else self.C0       # "0", and x/z read as 0

        self.ports = {p: (v["direction"], [net(b) for b in v["bits"]]) for p, v in mod["ports"].items()}
        if clock not in self.ports:
            raise NetlistError(f"{top} has no {clock} port")
        clk_net = self.ports[clock][1][0]
        self.cells = []                 # (name, type, {pin: net})
        driver = {}                     # net -> (cell index, pin)
        self.loads: dict[int, list] = {}
        ff_d, ff_q = [], []
        for name, c in mod["cells"].items():
            typ = c["type"]
            if typ not in self.lib:
                raise NetlistError(f"cell {name}: {typ} is not a library cell (unflattened module?)")
            cell = self.lib[typ]
            if cell.unsupported:
                raise NetlistError(f"cell {name}: {typ} is {cell.unsupported}, which the simulator does not model")
            conn = {p: net(b[0]) for p, b in c["connections"].items()}
            k = len(self.cells)
            self.cells.append((name, typ, conn))
            for p, nt in conn.items():
                if cell.pins[p].direction == "output":
                    if nt in driver:
                        raise NetlistError(f"net {nt} has two drivers")
                    driver[nt] = (k, p)
                else:
                    self.loads.setdefault(nt, []).append((k, p))
            if cell.ff:
                if conn["CLK"] != clk_net:
                    raise NetlistError(f"flip-flop {name} is not clocked by {clock}")
                q = [p for p in cell.outputs if cell.pins[p].function == cell.ff["state"]]
                if len(q) != len(cell.outputs):
                    raise NetlistError(f"{typ}: outputs other than the plain state are not modelled")
                ff_d.append(conn["D"])
                ff_q.append(conn[q[0]])
        self.driver = driver
        self.buffers = self._buffer_fanout(max_fanout, fanout_buffer, {clk_net, self.C0, self.C1}) \
            if max_fanout else {"nets": 0, "cells": 0}
        self.ff_d, self.ff_q = np.array(ff_d, dtype=np.int64), np.array(ff_q, dtype=np.int64)
        inputs = {b for d, bs in self.ports.values() if d == "input" for b in bs}
        self._levelise(inputs | set(ff_q) | {self.C0, self.C1})
        self.V = np.zeros(self.n, dtype=np.uint64)
        self.V[self.C1] = C.ONES
        self.prev = self.V.copy()
        self.counts: list[np.ndarray] = []

    def _buffer_fanout(self, max_fanout: int, buf: str, skip: set) -> dict:
        """Every net with more than ``max_fanout`` loads (the clock and constants aside) gets a
        tree of ``buf`` cells, each driving at most ``max_fanout`` pins, as ABC's ``buffer -N``
        would have built had the hierarchy not hidden the fanout (the queue's selects reach
        hundreds of bit slices; a net's loads in other modules are invisible to ABC). Buffers
        are identities: the simulation is unchanged; they take the name of their first load,
        so their energy goes to the component they feed."""
        if buf not in self.lib or self.lib[buf].inputs != ["A"] or self.lib[buf].outputs != ["Y"]:
            raise NetlistError(f"fanout buffer {buf} is not a one-input, one-output library cell")
        nets = cells = 0
        for nt in [nt for nt, ld in self.loads.items() if len(ld) > max_fanout and nt not in skip]:
            level = self.loads[nt]
            nets += 1
            while len(level) > max_fanout:
                upper = []
                for i in range(0, len(level), max_fanout):
                    chunk = level[i:i + max_fanout]
                    new = self.n
                    self.n += 1
                    for k, p in chunk:
                        self.cells[k][2][p] = new
                    self.loads[new] = list(chunk)
                    kb = len(self.cells)
                    self.cells.append((f"{self.cells[chunk[0][0]][0]}$fanout{new}", buf, {"A": nt, "Y": new}))
                    self.driver[new] = (kb, "Y")
                    upper.append((kb, "A"))
                    cells += 1
                level = upper
            self.loads[nt] = level
        return {"nets": nets, "cells": cells}

    def _levelise(self, sources: set):
        level = np.full(self.n, -1, dtype=np.int64)
        for s in sources:
            level[s] = 0
        undriven = [nt for nt in self.loads if nt not in self.driver and level[nt] < 0]
        for nt in undriven:
            level[nt] = 0
        self.undriven = len(undriven)
        # Kahn over combinational cell outputs.
        comb = [k for k, (_, typ, _) in enumerate(self.cells) if not self.lib[typ].ff]
        waiting = {}
        fanout: dict[int, list] = {}
        ready = []
        for k in comb:
            _, typ, conn = self.cells[k]
            ins = [conn[p] for p in self.lib[typ].inputs]
            w = sum(1 for nt in ins if level[nt] < 0)
            waiting[k] = w
            for nt in ins:
                if level[nt] < 0:
                    fanout.setdefault(nt, []).append(k)
            if w == 0:
                ready.append(k)
        cell_level = {}
        while ready:
            k = ready.pop()
            _, typ, conn = self.cells[k]
            lv = 1 + max([level[conn[p]] for p in self.lib[typ].inputs] or [0])
            cell_level[k] = lv
            for p in self.lib[typ].outputs:
                nt = conn[p]
                level[nt] = lv
                for j in fanout.get(nt, []):
                    waiting[j] -= 1
                    if waiting[j] == 0:
                        ready.append(j)
        if len(cell_level) != len(comb):
            raise NetlistError(f"{len(comb) - len(cell_level)} combinational cells are in a loop")
        self.level = level
        groups: dict[tuple, list] = {}
        for k, lv in cell_level.items():
            _, typ, conn = self.cells[k]
            for p in self.lib[typ].outputs:
                groups.setdefault((lv, typ, p), []).append(k)
        self.groups = []
        fns = {}
        for (lv, typ, p), ks in sorted(groups.items()):
            if (typ, p) not in fns:
                fns[(typ, p)] = C.compile_function(self.lib[typ].pins[p].function)
            fn, pins = fns[(typ, p)]
            ins = [np.array([self.cells[k][2][q] for k in ks], dtype=np.int64) for q in pins]
            out = np.array([self.cells[k][2][p] for k in ks], dtype=np.int64)
            self.groups.append(Group(fn, ins, out))
        self.depth = int(max(cell_level.values(), default=0))

    # ---------------------------------------------------------------------------- running
    def set(self, port: str, words: np.ndarray) -> None:
        """Per bit of ``port`` (LSB first), the word of its 64 lanes."""
        self.V[self.ports[port][1]] = words

    def get(self, port: str) -> np.ndarray:
        return self.V[self.ports[port][1]]

    def evaluate(self) -> None:
        V = self.V
        for g in self.groups:
            V[g.out] = g.fn(*(V[i] for i in g.ins))

    def count(self, masks) -> None:
        """Add this cycle's toggles (settled values against the previous cycle's) to one
        counter per mask (a uint64 word of the lanes to count)."""
        diff = self.V ^ self.prev
        if not self.counts:
            self.counts = [np.zeros(self.n, dtype=np.int64) for _ in masks]
        for acc, m in zip(self.counts, masks):
            if m:
                acc += np.bitwise_count(diff & np.uint64(m))
        self.prev[:] = self.V

    def clock(self) -> None:
        self.V[self.ff_q] = self.V[self.ff_d]

    # ------------------------------------------------------------------- unit-delay runs
    def _timed_tables(self):
        """The combinational outputs as one list of *ops* (one output pin of one cell), sorted
        by function, and for every net the ops that read it (CSR): what a unit-delay step
        needs to evaluate only the cells an input change reaches."""
        fns, ops_fn, ops_out, ops_ins = [], [], [], []
        index = {}
        for g in self.groups:
            key = id(g.fn)
            if key not in index:
                index[key] = len(fns)
                fns.append((g.fn, len(g.ins)))
            f = index[key]
            for j in range(len(g.out)):
                ops_fn.append(f)
                ops_out.append(int(g.out[j]))
                ops_ins.append([int(i[j]) for i in g.ins])
        order = np.argsort(np.array(ops_fn, dtype=np.int64), kind="stable")
        ops_fn = np.array(ops_fn, dtype=np.int64)[order]
        ops_out = np.array(ops_out, dtype=np.int64)[order]
        ops_ins = [ops_ins[k] for k in order]
        width = max((len(x) for x in ops_ins), default=0)
        ins = np.full((len(ops_ins), max(width, 1)), self.C0, dtype=np.int64)
        for k, x in enumerate(ops_ins):
            ins[k, :len(x)] = x
        starts = np.searchsorted(ops_fn, np.arange(len(fns) + 1))
        # net -> reading ops (each op once per net, whatever the pins it reads it on)
        pairs = np.unique(np.stack([ins.ravel(), np.repeat(np.arange(len(ops_ins)), ins.shape[1])], axis=1), axis=0)
        pairs = pairs[pairs[:, 0] != self.C0]
        fan_ptr = np.searchsorted(pairs[:, 0], np.arange(self.n + 1))
        self._timed = (fns, starts, ops_out, ins, pairs[:, 1].copy(), fan_ptr)

    def evaluate_timed(self, active: int) -> int:
        """evaluate() with a unit delay per cell (transport) and every transition counted:
        from the previous cycle's settled values, the changed inputs and flip-flop outputs
        propagate one cell per step, and each net's transitions, glitches included (a net
        that settles where it was still toggles twice), are added per lane to
        ``lane_counts`` (bit-sliced counters per net and lane), for the lanes set in ``active``. The settled values
        are evaluate()'s (a loop-free netlist settles within its depth). Returns the steps."""
        if not hasattr(self, "_timed"):
            self._timed_tables()
        ops_out = self._timed[2]
        V = self.V
        mark = np.zeros(len(ops_out), dtype=bool)
        add = self._counter(active)
        diff = V ^ self.prev
        changed = np.flatnonzero(diff)
        add(changed, diff[changed])
        steps = 0
        while changed.size:
            ops = self._fanout_ops(changed, mark)
            if not ops.size:
                break
            new = self._eval_ops(ops)
            outs = ops_out[ops]
            d = new ^ V[outs]
            hit = np.flatnonzero(d)
            changed = outs[hit]
            V[changed] = new[hit]
            add(changed, d[hit])
            steps += 1
        self.prev[:] = V
        return steps

    def _counter(self, active: int):
        """add(nets, d): +1 per set lane bit of d & active to each net's per-lane transition
        count, a ripple-carry increment of bit-sliced counters (plane k = bit k of every lane's
        count), carried only where a carry is left."""
        planes = self._lane_planes()
        act = np.uint64(active)

        def add(nets, d):
            c = d & act
            for k in range(COUNTER_BITS):
                if not nets.size:
                    return
                p = planes[k, nets]
                planes[k, nets] = p ^ c
                c = p & c
                keep = np.flatnonzero(c)
                nets, c = nets[keep], c[keep]
            if nets.size:
                raise NetlistError(f"a net toggled 2^{COUNTER_BITS} times in one lane")
        return add

    def _lane_planes(self) -> np.ndarray:
        """The bit-sliced per-lane transition counters (COUNTER_BITS x n), created at first use."""
        if getattr(self, "lane_counts", None) is None:
            self.lane_counts = np.zeros((COUNTER_BITS, self.n), dtype=np.uint64)
        return self.lane_counts

    def _fanout_ops(self, changed: np.ndarray, mark: np.ndarray) -> np.ndarray:
        """The ops (sorted) that read any of the nets ``changed``."""
        _, _, _, _, fan_ops, fan_ptr = self._timed
        lo, hi = fan_ptr[changed], fan_ptr[changed + 1]
        cnt = hi - lo
        total = int(cnt.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        idx = np.repeat(lo - np.cumsum(cnt) + cnt, cnt) + np.arange(total)
        mark[fan_ops[idx]] = True
        ops = np.flatnonzero(mark)
        mark[ops] = False
        return ops

    def _eval_ops(self, ops: np.ndarray) -> np.ndarray:
        """The outputs of the sorted ops ``ops`` from the current net values."""
        fns, starts, _, ins, _, _ = self._timed
        V = self.V
        new = np.empty(len(ops), dtype=np.uint64)
        cut = np.searchsorted(ops, starts)
        for f, (fn, nin) in enumerate(fns):
            a, b = cut[f], cut[f + 1]
            if a == b:
                continue
            sel = ins[ops[a:b]]
            new[a:b] = fn(*(V[sel[:, q]] for q in range(nin)))
        return new

    def set_delays(self, net_delay_ns: np.ndarray, tick_ns: float) -> None:
        """Per-cell delays for evaluate_inertial: ``net_delay_ns`` (n,) the delay of the cell
        output driving each net, rounded to ticks of ``tick_ns`` (at least one tick)."""
        if not hasattr(self, "_timed"):
            self._timed_tables()
        ops_out = self._timed[2]
        self.tick_ns = tick_ns
        # int32: what syn/gatesim_native.c reads, as is
        self.op_ticks = np.maximum(1, np.rint(net_delay_ns[ops_out] / tick_ns)).astype(np.int32)

    def _native_tables(self):
        """The arrays syn/gatesim_native.c reads: per op its input count and truth table (bit m =
        the output for minterm m, input j = bit j of m), from the compiled cell functions."""
        fns, starts, ops_out, ins, fan_ops, fan_ptr = self._timed
        max_in = _native().gatesim_max_in()
        nin = np.zeros(len(ops_out), dtype=np.int32)
        tt = np.zeros(len(ops_out), dtype=np.uint32)
        for f, (fn, k) in enumerate(fns):
            if k > max_in:
                raise NetlistError(f"a cell function of {k} inputs (syn/gatesim_native.c takes {max_in})")
            x = [np.uint64(sum(1 << m for m in range(1 << k) if m >> j & 1)) for j in range(k)]
            table = int(np.uint64(fn(*x)) if k else fn()) & ((1 << (1 << k)) - 1)
            nin[starts[f]:starts[f + 1]] = k
            tt[starts[f]:starts[f + 1]] = table
        self._native = (np.ascontiguousarray(ops_out, dtype=np.int64), nin,
                        np.ascontiguousarray(ins, dtype=np.int64), tt,
                        np.ascontiguousarray(fan_ptr, dtype=np.int64), np.ascontiguousarray(fan_ops, dtype=np.int64))

    def evaluate_inertial(self, active: int) -> int:
        """evaluate_inertial_py (the specification) in C (syn/gatesim_native.c) when a C compiler
        is there (TDASH_NATIVE=0: never); the same transitions, counts and return value."""
        lib = _native()
        if lib is None:
            return self.evaluate_inertial_py(active)
        if not hasattr(self, "op_ticks"):
            raise NetlistError("evaluate_inertial needs set_delays() first")
        if not hasattr(self, "_native"):
            self._native_tables()
        planes = self._lane_planes()
        ops_out, nin, ins, tt, fan_ptr, fan_ops = self._native
        ptr = ctypes.c_void_p
        r = lib.gatesim_inertial(ctypes.c_int64(self.n), ctypes.c_int64(len(ops_out)), ptr(ops_out.ctypes.data),
                                 ptr(self.op_ticks.ctypes.data), ptr(nin.ctypes.data), ptr(ins.ctypes.data),
                                 ctypes.c_int32(ins.shape[1]), ptr(tt.ctypes.data), ptr(fan_ptr.ctypes.data),
                                 ptr(fan_ops.ctypes.data), ptr(self.V.ctypes.data), ptr(self.prev.ctypes.data),
                                 ptr(planes.ctypes.data), ctypes.c_int32(COUNTER_BITS),
                                 ctypes.c_uint64(active))
        if r == -1:
            raise NetlistError(f"a net toggled 2^{COUNTER_BITS} times in one lane")
        if r < 0:
            raise MemoryError("syn/gatesim_native.c: out of memory")
        return int(r)

    def evaluate_inertial_py(self, active: int) -> int:
        """evaluate() with each cell's own delay (set_delays) and inertia, every transition
        counted as evaluate_timed does. A cell whose input changes at time t is evaluated
        then, and its output takes the new value at t + its delay, unless it is evaluated
        again before: the later evaluation replaces the pending one (per lane: a pulse that
        its inputs do not hold for the cell's delay never reaches the output; VHDL's inertial
        delay with the rejection limit equal to the delay). The settled values are evaluate()'s
        (each op's last pending value is computed from its final inputs). Returns the time of
        the last transition, in ticks."""
        import heapq
        if not hasattr(self, "op_ticks"):
            raise NetlistError("evaluate_inertial needs set_delays() first")
        ops_out = self._timed[2]
        V = self.V
        nops = len(ops_out)
        mark = np.zeros(nops, dtype=bool)
        add = self._counter(active)
        pend_t = np.full(nops, -1, dtype=np.int64)
        pend_v = np.zeros(nops, dtype=np.uint64)
        buckets: dict[int, list] = {}
        times: list[int] = []
        diff = V ^ self.prev
        changed = np.flatnonzero(diff)
        add(changed, diff[changed])
        t = last = 0
        while True:
            if changed.size:
                ops = self._fanout_ops(changed, mark)
                if ops.size:
                    new = self._eval_ops(ops)
                    quiet = new == V[ops_out[ops]]
                    # Back to the present value in every lane: nothing to schedule, and a
                    # pending transition (a pulse shorter than the delay) is cancelled.
                    pend_t[ops[quiet]] = -1
                    go = ops[~quiet]
                    if go.size:
                        due = t + self.op_ticks[go].astype(np.int64)
                        pend_t[go], pend_v[go] = due, new[~quiet]
                        for d in np.unique(due).tolist():
                            if d not in buckets:
                                buckets[d] = []
                                heapq.heappush(times, d)
                        order = np.argsort(due, kind="stable")
                        due_s, go_s = due[order], go[order]
                        cuts = np.flatnonzero(np.diff(due_s)) + 1
                        for part, d in zip(np.split(go_s, cuts), due_s[np.r_[0, cuts]].tolist()):
                            buckets[d].append(part)
            if not times:
                break
            t = heapq.heappop(times)
            cand = np.concatenate(buckets.pop(t))
            cand = np.unique(cand[pend_t[cand] == t])   # not rescheduled or cancelled since
            if not cand.size:
                changed = cand
                continue
            pend_t[cand] = -1
            outs = ops_out[cand]
            d = pend_v[cand] ^ V[outs]
            hit = np.flatnonzero(d)
            changed = outs[hit]
            V[changed] = pend_v[cand][hit]
            add(changed, d[hit])
            if hit.size:
                last = t
        self.prev[:] = V
        return last

    def lane_totals(self, lane_groups) -> list[np.ndarray]:
        """The unit-delay counts summed over each group of lanes (lane numbers): per group,
        the transitions of every net."""
        out = []
        for g in lane_groups:
            m = np.uint64(sum(1 << i for i in g))
            out.append(sum(np.bitwise_count(self.lane_counts[k] & m).astype(np.int64) << k
                           for k in range(COUNTER_BITS)))
        return out


# --------------------------------------------------------------------- the C inertial step
NATIVE_SOURCE = Path(__file__).resolve().with_name("gatesim_native.c")
_NATIVE: dict = {}


def _native():
    """syn/gatesim_native.c, compiled once per machine into sim_build/.native/ (named by the
    source's hash, written under a temporary name and renamed), or None: no C compiler, or
    TDASH_NATIVE=0 (then evaluate_inertial runs in numpy, several times slower)."""
    if "lib" in _NATIVE:
        return _NATIVE["lib"]
    lib = None
    if os.environ.get("TDASH_NATIVE", "1") != "0":
        text = NATIVE_SOURCE.read_bytes()
        so = NATIVE_SOURCE.parents[1] / "sim_build" / ".native" / f"gatesim_{hashlib.sha256(text).hexdigest()[:16]}.so"
        cc = next((c for c in (os.environ.get("CC"), "cc", "gcc") if c and shutil.which(c)), None)
        if not so.exists() and cc:
            so.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(suffix=".so", dir=so.parent)
            os.close(fd)
            r = subprocess.run([cc, "-O2", "-shared", "-fPIC", str(NATIVE_SOURCE), "-o", tmp], capture_output=True, text=True)
            if r.returncode:
                os.unlink(tmp)
                raise NetlistError(f"{cc} failed on {NATIVE_SOURCE.name}: {r.stderr.strip()[:500]}")
            os.replace(tmp, so)
        if so.exists():
            lib = ctypes.CDLL(str(so))
            lib.gatesim_inertial.restype = ctypes.c_int64
            lib.gatesim_max_in.restype = ctypes.c_int32
    _NATIVE["lib"] = lib
    return lib


# ----------------------------------------------------------------------- lane bit packing
def pack(lanes_bits: np.ndarray) -> np.ndarray:
    """(LANES, nbits) bools -> (nbits,) uint64 words, bit i = lane i."""
    b = np.packbits(np.ascontiguousarray(lanes_bits.T), axis=1, bitorder="little")
    return b.view("<u8").reshape(-1)


def unpack(words: np.ndarray) -> np.ndarray:
    """(nbits,) uint64 words -> (LANES, nbits) bools."""
    b = np.unpackbits(words.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    return b.T.astype(bool)


def to_bits(values, width: int) -> np.ndarray:
    """Integers (two's complement if negative), width <= 62 -> (len, width) bools, LSB first."""
    v = np.asarray(values, dtype=np.int64).ravel() & ((1 << width) - 1)
    return ((v[:, None] >> np.arange(width, dtype=np.int64)) & 1).astype(bool)


def from_bits(bits: np.ndarray, signed: bool) -> list[int]:
    """(lanes, width) bools -> Python ints."""
    w = bits.shape[1]
    weights = [1 << k for k in range(w)]
    out = []
    for row in bits:
        x = sum(wt for wt, b in zip(weights, row) if b)
        if signed and row[-1]:
            x -= 1 << w
        out.append(x)
    return out
