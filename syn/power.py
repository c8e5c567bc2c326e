"""Power and energy of the TensorDash PE against the dense PE from simulation activity
(issue 21, items 5-6; paper §4.3 Table 3 / Fig 15, §4.4): ``make area`` runs it after the
synthesis (``python -m syn.area``; ``--no-power`` skips it).

Method (OpenSTA's 2019 snapshot reads no VCD or SAIF, so the activity is measured here):

1. **Netlists.** The mapped netlists syn/area.py leaves in sim_build/area/ -- the PE's (or
   dense PE's) own cells, its staging queue as it instantiates it, the MAC -- joined,
   without the buffers ``insbuf`` added only for OpenSTA's reader, and flattened by Yosys
   (syn/gatesim.py).
2. **Activity.** syn/gatesim.py simulates that netlist gate by gate from the cells' Liberty
   functions, 64 lanes at once, on the workloads of the speedup report: random sparsity 0.0 -
   0.9 on one side (B, B-only mode, A dense) and on both sides (mode both), and jobs sampled
   from the digits CNN's training operations (studies/traces.py, last epoch, B-only, the
   targeted operand on B). Stimulus: model/pe.py ``beats`` of the jobs, an upstream that
   always has the next beat and a consumer always ready. Every result value and every
   result cycle must equal model/pe.py's (``result``, ``tdash_result_cycles`` /
   ``dense_result_cycles``) and ``err`` must stay 0, or the run fails: an energy from a
   netlist that does not compute the right thing means nothing. Toggles of every net are
   counted per workload over the cycles its lanes are busy (first beat accepted to last
   result presented), in three runs: zero delay (settled values, no glitches: a lower bound),
   unit delay (one delay per cell, transport: every transition, glitches included; an upper
   bound, since a real cell's inertia swallows pulses shorter than its delay) and library
   delays (:func:`net_delays`: each cell output's cell_rise / cell_fall at its load and input
   slew, inertial, in TICK_NS steps; GateSim.evaluate_inertial, in C: the best estimate). The
   tiles get no unit-delay run (numpy: 10-40 minutes a design).
3. **Energy** from the OSU 0.18 um Liberty (syn/cells.py), as OpenSTA's report_power counts
   power, per net toggle: the driving cell's internal energy (rise_power/fall_power of its
   output pin, averaged over rise and fall and over the related input pins, at the net's load
   and its related pins' slews) + 0.5 C V^2 (C = the input capacitance of the pins it drives;
   nets driven by the PE's input ports are charged to whatever drives them, as in OpenSTA) +
   the passive input-pin energy of the pins it drives (flip-flop D); per cycle, every
   flip-flop's CLK pin energy (rise + fall); leakage (cell_leakage_power) over the busy time.
   Rise and fall slews are propagated from the inputs (0.1 ns) through the transition tables
   in level order (per arc the input transition its timing_sense makes it, the worst arc), as
   OpenSTA's graph does. Nets of more than MAX_FANOUT loads get buffer trees first
   (syn/gatesim.py): the kept hierarchy hid them from ABC's ``buffer -N 8``, and unbuffered
   they have microsecond slews that the extrapolated tables turn into nonsense. No wires (the
   library has no wire-load model), no clock tree: absolute energies are low, both designs
   alike; the ratios compare.
4. **Cross-check against OpenSTA** (:func:`sta_check`): one flat netlist written from the same
   cells, OpenSTA's report_power with one global activity on every net against this model at
   that activity.

Energy efficiency = E(dense PE) / E(TensorDash PE) on the same jobs; power ratio =
[E(TD) / cycles(TD)] / [E(dense) / cycles(dense)] at one clock. The clock period for
leakage is the MAC's critical path (syn/timing.py) when timing ran, else PERIOD_NS.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model import fp as FP
from model import pe as PE
from model.params import DEFAULT_DEPTH, LANES as N_LANES
from syn import cells as C
from syn import gatesim as G

ROOT = Path(__file__).resolve().parents[1]
SPARSITIES = tuple(round(0.1 * k, 1) for k in range(10))
SIDES = ("B", "both")                    # one side (B-only mode, A dense), both sides (mode both)
SWEEP_LANES = 2                          # lanes per sweep point
TRACE_LANES = 3                          # lanes per training operation
JOB_ROWS = 64                            # rows of a sweep job
LANE_ROWS = 192                          # rows per lane (sweep: 3 jobs; traces: jobs until reached)
INPUT_SLEW_NS = 0.1
MAX_FANOUT = 8                           # buffer trees on higher fanouts, as the synthesis' ABC buffer -N 8
TRACE_EPOCHS = 2
SEED = 2021
PAPER_EFFICIENCY = {"fp32": 1.89, "bf16": 1.84}     # §4.3 Table 3 / Fig 15, §4.4
PAPER_POWER = {"fp32": 1.02, "bf16": 1.05}
VERSION = "power-4"                       # part of the cache key: bump when the method changes


class PowerError(Exception):
    pass


def progress(msg: str) -> None:
    print(f"power: {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ workloads
@dataclass
class Workload:
    name: str               # "B 0.3", "both 0.5", "conv2 GxW"
    kind: str               # "sweep" or "trace"
    sparsity: float         # requested (sweep) or the targeted tensor's (trace)
    lanes: list             # per lane, its list of PE.Job
    weight: float = 0.0     # trace: the operation's MACs (for the training-step aggregate)


def _fp_sparse(rng, shape, sparsity: float, fmt: str) -> np.ndarray:
    """Normal values (tb/common/tensors.fp_nonzeros), each +0 with probability ``sparsity``:
    the zeros training produces (ReLU, masked gradients), not the bench's subnormal zeros."""
    from tb.common.tensors import fp_nonzeros
    x = fp_nonzeros(rng, shape, fmt)
    x[rng.random(shape) < sparsity] = 0
    return x


def _values(rng, shape, sparsity: float, fmt: str) -> np.ndarray:
    from tb.common.tensors import sparse_ints
    if fmt == "int":
        return sparse_ints(rng, shape, sparsity, PE.DATA_WIDTH)
    return _fp_sparse(rng, shape, sparsity, fmt)


def sweep_workloads(fmt: str, rng) -> list[Workload]:
    out = []
    for side in SIDES:
        for s in SPARSITIES:
            lanes = []
            for _ in range(SWEEP_LANES):
                jobs = []
                for _ in range(LANE_ROWS // JOB_ROWS):
                    shape = (JOB_ROWS, N_LANES)
                    a = _values(rng, shape, 0.0 if side == "B" else s, fmt)
                    b = _values(rng, shape, s, fmt)
                    jobs.append(PE.Job(a, b, PE.MODE_B_ONLY if side == "B" else PE.MODE_BOTH, fmt))
                lanes.append(jobs)
            out.append(Workload(f"{side} {s:.1f}", "sweep", s, lanes))
    return out


def capture_traces(epochs: int = TRACE_EPOCHS, seed: int = 0):
    """The digits CNN's operations after ``epochs`` of training (studies/traces.py)."""
    from studies import traces as T
    last = {}

    def on_epoch(epoch, net, px, py, acc):
        if epoch == epochs:
            last["ops"] = T.capture(net, px, py)
    T.Trainer(epochs=epochs, seed=seed).run(on_epoch)
    return last["ops"]


def trace_workloads(ops, fmt: str, rng) -> list[Workload]:
    """Per operation, ``TRACE_LANES`` lanes of its jobs in a random order, each lane up to
    ``LANE_ROWS`` rows: integers quantised as studies/traces.slice_jobs does (zero pattern
    kept), floating point the captured float32 values in ``fmt``. B-only, target on B."""
    from studies import traces as T
    out = []
    for op in ops:
        order = rng.permutation(op.target.shape[0])
        lanes, pos = [], 0
        for _ in range(TRACE_LANES):
            jobs, rows = [], 0
            while rows < LANE_ROWS and pos < len(order):
                j = order[pos]
                pos += 1
                if fmt == "int":
                    a, b = T.quantise(op.other[j]), T.quantise(op.target[j])
                else:
                    a, b = FP.from_float(op.other[j], fmt), FP.from_float(op.target[j], fmt)
                jobs.append(PE.Job(a, b, PE.MODE_B_ONLY, fmt))
                rows += op.target.shape[1]
            if jobs:
                lanes.append(jobs)
        out.append(Workload(f"{op.layer} {op.op}", "trace", float(op.sparsity), lanes, float(op.macs)))
    return out


TILE_ROWS = TILE_COLS = 4                 # the 4x4 tile of syn/area.py
TILE_SWEEP_LANES = 2                     # lanes per sweep point (one side: B, A dense)
TILE_TRACE_LANES = 2                     # lanes per training operation


def tile_workloads(fmt: str, ops, rng) -> list[Workload]:
    """The tile's workloads: random B sparsity 0.0-0.9 with A dense (the tile schedules B
    only), and each training operation's jobs, TILE_ROWS targeted operands on the PE rows'
    B streams and TILE_COLS of the other operand on the columns' A streams (the jobs of an
    operation share its row count R). Per lane about LANE_ROWS rows."""
    from model import tile as MT
    from studies import traces as T
    out = []
    for s in SPARSITIES:
        lanes = []
        for _ in range(TILE_SWEEP_LANES):
            jobs = [MT.TileJob(_values(rng, (TILE_COLS, JOB_ROWS, N_LANES), 0.0, fmt),
                               _values(rng, (TILE_ROWS, JOB_ROWS, N_LANES), s, fmt), fmt)
                    for _ in range(LANE_ROWS // JOB_ROWS)]
            lanes.append(jobs)
        out.append(Workload(f"B {s:.1f}", "sweep", s, lanes))

    def enc(x):
        return T.quantise(x) if fmt == "int" else FP.from_float(x, fmt)

    for op in ops:
        lanes = []
        for _ in range(TILE_TRACE_LANES):
            jobs, rows = [], 0
            while rows < LANE_ROWS:
                pick = rng.choice(op.target.shape[0], TILE_ROWS + TILE_COLS, replace=op.target.shape[0] < 8)
                jobs.append(MT.TileJob(np.stack([enc(op.other[j]) for j in pick[TILE_ROWS:]]),
                                       np.stack([enc(op.target[j]) for j in pick[:TILE_ROWS]]), fmt))
                rows += op.target.shape[1]
            lanes.append(jobs)
        out.append(Workload(f"{op.layer} {op.op}", "trace", float(op.sparsity), lanes, float(op.macs)))
    return out


# ------------------------------------------------------------------------------ simulation
def fmt_of(fmt: str) -> str:
    """syn/area's format names -> model/pe's."""
    return "int" if fmt == "int16" else fmt


def lane_beats(jobs, depth: int, dw: int, rw: int) -> np.ndarray:
    """(beats, bits) bools of a lane's input stream, bits in the order of :data:`IN_PORTS`
    (in_valid set; rows beyond a beat's ``rows`` are zero)."""
    rows = []
    for job in jobs:
        for bt in PE.beats(job, depth):
            a = np.zeros((depth, N_LANES), dtype=np.int64)
            b = np.zeros((depth, N_LANES), dtype=np.int64)
            a[:bt.rows], b[:bt.rows] = bt.a, bt.b
            rows.append(np.concatenate([[True], G.to_bits(a.ravel(), dw).ravel(), G.to_bits(b.ravel(), dw).ravel(),
                                        G.to_bits([bt.rows], rw).ravel(), [bt.last], G.to_bits([bt.mode], 2).ravel()]))
    return np.array(rows, dtype=bool)


IN_PORTS = ("in_valid", "in_a", "in_b", "in_rows", "in_last", "in_mode")
TILE_IN_PORTS = ("in_valid", "in_a", "in_b", "in_rows", "in_last")


def tile_lane_beats(jobs, depth: int, dw: int, rw: int) -> np.ndarray:
    """(beats, bits) of a tile lane's input stream in the order of :data:`TILE_IN_PORTS`:
    per beat DEPTH rows of every column's A stream, then of every PE row's B stream, each laid
    out as tdash_pe's in_a (rtl/tdash_tile.v)."""
    out = []
    for job in jobs:
        for start in range(0, job.rows, depth):
            stop = min(start + depth, job.rows)

            def block(x):
                pad = np.zeros((x.shape[0], depth, N_LANES), dtype=np.int64)
                pad[:, :stop - start] = x[:, start:stop]
                return G.to_bits(pad.ravel(), dw).ravel()
            out.append(np.concatenate([[True], block(job.a), block(job.b), G.to_bits([stop - start], rw).ravel(),
                                       [stop == job.rows]]))
    return np.array(out, dtype=bool)


@dataclass
class Stimulus:
    """What one gate-level run plays and expects, per simulator lane."""
    ports: tuple            # input ports, in the order of a stream's bits
    streams: list           # per lane (beats, bits) bools
    cycles: list            # per lane, the expected result cycles
    values: list            # per lane, per job, the expected out_data as a list of PE results
    slots: int              # PE results per out_data word (1, or ROWS x COLS for a tile)


def pe_stimulus(kind: str, fmt: str, lanes, depth: int) -> Stimulus:
    mf = fmt_of(fmt)
    dw, rw = PE.data_width(mf), depth.bit_length()
    return Stimulus(IN_PORTS, [lane_beats(jobs, depth, dw, rw) for jobs in lanes],
                    [list(PE.tdash_result_cycles(jobs, depth) if kind == "tdash" else PE.dense_result_cycles(jobs))
                     for jobs in lanes],
                    [[[PE.result(j, kind, depth)] for j in jobs] for jobs in lanes], 1)


def tile_stimulus(kind: str, fmt: str, lanes, depth: int) -> Stimulus:
    """The tile (kind "tdash": model/tile.py) or the dense tile (syn/dense_tile.v, "dense":
    PE (r, c) is a dense PE on A column c and B row r, one row per cycle, as dense_pe)."""
    from model import tile as MT
    mf = fmt_of(fmt)
    dw, rw = PE.data_width(mf), depth.bit_length()

    def values(j):
        if kind == "tdash":
            return [int(v) for v in MT.results(j, depth).ravel()]
        return [PE.result(PE.Job(j.a[c], j.b[r], PE.MODE_B_ONLY, mf), "dense", depth)
                for r in range(j.b.shape[0]) for c in range(j.a.shape[0])]
    cycles = [list(MT.tile_result_cycles(jobs, depth)) if kind == "tdash"
              else list(PE.dense_result_cycles(jobs)) for jobs in lanes]
    return Stimulus(TILE_IN_PORTS, [tile_lane_beats(jobs, depth, dw, rw) for jobs in lanes], cycles,
                    [[values(j) for j in jobs] for jobs in lanes], TILE_ROWS * TILE_COLS)


def simulate(sim: G.GateSim, kind: str, fmt: str, workloads: list[Workload], depth: int = DEFAULT_DEPTH,
             delay: str = "zero", tile: bool = False) -> dict:
    """Run every workload's lanes through ``sim`` (kind "tdash" or "dense"; a PE, or with
    ``tile`` a 4x4 tile); check every result and result cycle against model/pe.py (model/tile.py);
    per workload: toggles of every net, busy cycles summed over its lanes, jobs, rows.
    ``delay`` (DELAYS): "zero" (settled values), "unit" (a unit delay per cell, transport,
    glitches counted: GateSim.evaluate_timed) or "nldm" (each cell's library delay, inertial:
    GateSim.evaluate_inertial, after set_delays)."""
    if delay not in DELAYS:
        raise PowerError(f"unknown delay model {delay!r} (one of {', '.join(DELAYS)})")
    timed = delay != "zero"
    mf = fmt_of(fmt)
    lanes = [(w, jobs) for w, wl in enumerate(workloads) for jobs in wl.lanes]
    if len(lanes) > G.LANES:
        raise PowerError(f"{len(lanes)} lanes, the simulator has {G.LANES}")
    stim = (tile_stimulus if tile else pe_stimulus)(kind, fmt, [jobs for _, jobs in lanes], depth)
    widths = [len(sim.ports[p][1]) for p in stim.ports]
    nbits = sum(widths)
    streams = stim.streams
    for s in streams:
        if s.shape[1] != nbits:
            raise PowerError(f"beat width {s.shape[1]} != the netlist's input bits {nbits}")
    expect_cycles, expect_values = stim.cycles, stim.values
    acc_w = len(sim.ports["out_data"][1]) // stim.slots
    n = len(lanes)
    # Every run starts from the same state (all nets 0), so both delay models see one history.
    sim.V[:] = 0
    sim.V[sim.C1] = C.ONES
    sim.prev[:] = sim.V
    # Reset: two cycles, no beats.
    for p in stim.ports:
        sim.set(p, np.zeros(len(sim.ports[p][1]), dtype=np.uint64))
    sim.set("out_ready", np.array([C.ONES], dtype=np.uint64))
    sim.set("rst", np.array([C.ONES], dtype=np.uint64))
    for _ in range(2):
        sim.evaluate()
        sim.clock()
    sim.set("rst", np.zeros(1, dtype=np.uint64))
    sim.evaluate()
    sim.prev[:] = sim.V
    sim.counts = []
    sim.lane_counts = None
    pos = [0] * n
    got_cycles = [[] for _ in range(n)]
    got_values = [[] for _ in range(n)]
    done_at = [None] * n
    limit = max(c[-1] for c in expect_cycles) + 8
    cur = np.zeros((G.LANES, nbits), dtype=bool)
    masks_of = [[i for i, (w, _) in enumerate(lanes) if w == k] for k in range(len(workloads))]
    cycle = steps = 0
    while any(d is None for d in done_at):
        if cycle > limit:
            raise PowerError(f"{kind} {fmt}: lanes {[i for i in range(n) if done_at[i] is None]} not done by cycle "
                             f"{limit} (the model's last result + 8)")
        for i in range(n):
            if pos[i] < len(streams[i]):
                cur[i] = streams[i][pos[i]]
            else:
                cur[i, 0] = False          # no beat: data held, in_valid low
        words = G.pack(cur)
        k = 0
        for p, w in zip(stim.ports, widths):
            sim.set(p, words[k:k + w])
            k += w
        # Lanes busy this cycle: not done before it (a lane whose last result comes now is).
        masks = [sum(1 << i for i in m if done_at[i] is None) for m in masks_of]
        if delay == "unit":
            steps = max(steps, sim.evaluate_timed(sum(masks)))
        elif delay == "nldm":
            steps = max(steps, sim.evaluate_inertial(sum(masks)))
        else:
            sim.evaluate()
        ready = G.unpack(sim.get("in_ready"))[:, 0]
        valid = G.unpack(sim.get("out_valid"))[:, 0]
        if valid[:n].any():
            data = G.unpack(sim.get("out_data"))[:n]
            per_slot = [G.from_bits(data[:, k * acc_w:(k + 1) * acc_w], signed=(mf == "int"))
                        for k in range(stim.slots)]
            vals = [[per_slot[k][i] for k in range(stim.slots)] for i in range(n)]
        for i in range(n):
            if cur[i, 0] and ready[i]:
                pos[i] += 1
            if valid[i] and done_at[i] is None:
                got_cycles[i].append(cycle)
                got_values[i].append(vals[i])
                if len(got_cycles[i]) == len(expect_cycles[i]):
                    done_at[i] = cycle
            elif valid[i]:
                raise PowerError(f"{kind} {fmt} gate-level run, {workloads[lanes[i][0]].name}: a result in cycle "
                                 f"{cycle}, after the lane's last job ({done_at[i]})")
        if not timed:
            sim.count(masks)
        sim.clock()
        cycle += 1
    # syn/dense_tile.v, a synthesis reference, has no err port.
    err = G.unpack(sim.get("err"))[:n, 0] if "err" in sim.ports else np.zeros(n, dtype=bool)
    for i in range(n):
        w = workloads[lanes[i][0]].name
        if got_cycles[i] != expect_cycles[i]:
            raise PowerError(f"{kind} {fmt} gate-level run, {w}: result cycles {got_cycles[i][:6]}... != model "
                             f"{expect_cycles[i][:6]}...")
        if got_values[i] != expect_values[i]:
            bad = next(j for j, (g, e) in enumerate(zip(got_values[i], expect_values[i])) if g != e)
            raise PowerError(f"{kind} {fmt} gate-level run, {w}: job {bad} result {got_values[i][bad]} != model "
                             f"{expect_values[i][bad]}")
        if err[i]:
            raise PowerError(f"{kind} {fmt} gate-level run, {w}: err set")
    out = []
    counts = sim.lane_totals(masks_of) if timed else sim.counts
    for k, wl in enumerate(workloads):
        lanes_k = masks_of[k]
        out.append({"name": wl.name, "toggles": counts[k],
                    "cycles": int(sum(done_at[i] + 1 for i in lanes_k)),
                    "jobs": sum(len(lanes[i][1]) for i in lanes_k),
                    "rows": int(sum(j.rows for i in lanes_k for j in lanes[i][1]))})
    return {"workloads": out, "simulated": cycle, "steps": steps}


# ------------------------------------------------------------------------------ power model
def _interp_many(tab: C.Table, points: dict) -> np.ndarray:
    """Vectorised Table.at (bilinear, linear extrapolation), points: var -> array."""
    vals = np.array(tab.values).reshape([len(ix) for ix in tab.index])
    xs = [np.asarray(points[v], dtype=float) for v in tab.vars]
    if len(xs) == 1:
        return _lin1(tab.index[0], vals, xs[0])
    i0 = np.asarray(tab.index[0])
    i1 = np.asarray(tab.index[1])
    k0 = np.clip(np.searchsorted(i0, xs[0]) - 1, 0, len(i0) - 2)
    k1 = np.clip(np.searchsorted(i1, xs[1]) - 1, 0, len(i1) - 2)
    w0 = (xs[0] - i0[k0]) / (i0[k0 + 1] - i0[k0])
    w1 = (xs[1] - i1[k1]) / (i1[k1 + 1] - i1[k1])
    v00, v01 = vals[k0, k1], vals[k0, k1 + 1]
    v10, v11 = vals[k0 + 1, k1], vals[k0 + 1, k1 + 1]
    lo = v00 + w1 * (v01 - v00)
    hi = v10 + w1 * (v11 - v10)
    return lo + w0 * (hi - lo)


def _lin1(ix, vals, x):
    ix = np.asarray(ix)
    k = np.clip(np.searchsorted(ix, x) - 1, 0, len(ix) - 2)
    w = (x - ix[k]) / (ix[k + 1] - ix[k])
    return vals[k] + w * (vals[k + 1] - vals[k])


def _at(tab: C.Table, cap, slew) -> np.ndarray:
    pts = {}
    for v in tab.vars:
        pts[v] = cap if "capacitance" in v else slew
    return _interp_many(tab, pts)


GROUPS = ("compute", "sched_b", "a_side", "staging")


def component_of(name: str, a_side, own: str) -> str:
    """Flat cell name (Yosys flatten: the instance path joined by '.') -> Table 3 group, as
    syn/area.py's rollup groups area: the MAC, the staging queue, the A side (A_SIDE on the
    instance path), the rest; the top's own cells go to ``own``."""
    head = name.lstrip("\\")
    # tdash_pe / dense_pe: mac.*, queue.*; the tiles: pe_r[r].pe_c[c].mac.*, queue.*
    if head.startswith("mac.") or ".mac." in head:
        return "compute"
    if head.startswith("queue."):
        return "staging"
    if "." not in head:
        return own
    return "a_side" if a_side.search(head.rsplit(".", 1)[0]) else "sched_b"


CONVENTIONS = ("model", "sta")


@dataclass
class NetEnergy:
    """Per convention, per component, per net: the energy (pJ) one toggle of the net costs;
    per cycle the flip-flops' clock-pin energy (pJ); leakage (nW); the switching part apart
    (for the cross-check). Conventions: "model", one toggle of an output costs the mean of its
    rise and fall energies, averaged over the related input pins (one input causes it);
    "sta", OpenSTA 2019's report_power (power/Power.cc findInternalPower): every related pin's
    rise + fall energy, weighted by 0.5 (1 for a clock or a single-input cell's pin), summed,
    per toggle of the output, and a clock pin's rise + fall at 2 transitions per period."""
    per_toggle: dict         # convention -> group -> (n,) float
    clock_per_cycle: dict    # convention -> group -> pJ
    leakage_nw: dict         # group -> nW
    switching: np.ndarray    # (n,) 0.5 C V^2 of the cell-driven nets (pJ)
    voltage: float
    slew: np.ndarray = None  # (n,) the worse of the rise and fall slews (ns)
    load: np.ndarray = None  # (n,) the pin capacitance each net drives (pF)


def cells_by_output(sim: G.GateSim) -> dict:
    """(cell type, output pin) -> the indices of the cells of that type, to vectorise per pin."""
    out: dict = {}
    for k, (_, typ, _) in enumerate(sim.cells):
        for p in sim.lib[typ].outputs:
            out.setdefault((typ, p), []).append(k)
    return out


def net_energy(sim: G.GateSim, a_side, own: str, input_slew: float = INPUT_SLEW_NS) -> NetEnergy:
    lib, v = sim.lib, sim.units["voltage"]
    n = sim.n
    cap = np.zeros(n)
    group_of = np.array([GROUPS.index(component_of(name, a_side, own)) for name, _, _ in sim.cells], dtype=np.int64)
    load_pins = []            # (cell index, pin, net)
    for k, (_, typ, conn) in enumerate(sim.cells):
        for p, nt in conn.items():
            pin = lib[typ].pins[p]
            if pin.direction == "input":
                cap[nt] += pin.capacitance
                load_pins.append((k, p, nt))
    per_cell_pin = cells_by_output(sim)

    def out_slews(typ, p, ks, slew_r, slew_f):
        """(rise, fall) output slews of cells ``ks``: per transition the worst over the timing
        arcs, each arc at the slew of the input transition that causes it (its timing_sense;
        the worse of both for a non-unate arc), as OpenSTA's max-slew graph."""
        load = cap[[sim.cells[k][2][p] for k in ks]]
        out_r, out_f = np.zeros(len(ks)), np.zeros(len(ks))
        for rel, (rise, fall, sense) in lib[typ].pins[p].transition.items():
            nets = np.array([sim.cells[k][2][rel] for k in ks])
            r, f = slew_r[nets], slew_f[nets]
            if sense == "negative_unate":
                r, f = f, r
            elif sense != "positive_unate":
                r = f = np.maximum(r, f)
            out_r = np.maximum(out_r, _at(rise, load, r))
            out_f = np.maximum(out_f, _at(fall, load, f))
        return out_r, out_f

    # Slews (rise, fall): ports and constants INPUT_SLEW (the clock too); flip-flop outputs from
    # the clock's; combinational outputs level by level.
    slew_r, slew_f = np.full(n, input_slew), np.full(n, input_slew)
    for (typ, p), ks in per_cell_pin.items():
        if lib[typ].ff:
            nets = [sim.cells[k][2][p] for k in ks]
            slew_r[nets], slew_f[nets] = out_slews(typ, p, ks, slew_r, slew_f)
    comb = sorted((int(sim.level[sim.cells[k][2][p]]), typ, p, k) for (typ, p), ks in per_cell_pin.items()
                  if not lib[typ].ff for k in ks)
    i = 0
    while i < len(comb):
        j = i
        while j < len(comb) and comb[j][:3] == comb[i][:3]:
            j += 1
        _, typ, p = comb[i][:3]
        ks = [c[3] for c in comb[i:j]]
        nets = [sim.cells[k][2][p] for k in ks]
        slew_r[nets], slew_f[nets] = out_slews(typ, p, ks, slew_r, slew_f)
        i = j
    per_toggle = {c: {g: np.zeros(n) for g in GROUPS} for c in CONVENTIONS}
    switching = np.zeros(n)
    for (typ, p), ks in per_cell_pin.items():
        cell = lib[typ]
        pin = cell.pins[p]
        nets = np.array([sim.cells[k][2][p] for k in ks])
        load = cap[nets]
        e_model, e_sta = np.zeros(len(ks)), np.zeros(len(ks))
        for rel, (rise, fall) in pin.internal.items():
            rel_nets = np.array([sim.cells[k][2][rel] for k in ks])
            # OpenSTA: the rise energy at the related pin's rise slew, the fall at its fall slew.
            both = _at(rise, load, slew_r[rel_nets]) + _at(fall, load, slew_f[rel_nets])
            e_model += 0.5 * both
            duty = 1.0 if (cell.ff and rel == "CLK") or len(cell.inputs) == 1 else 0.5
            e_sta += duty * both
        e_model /= max(1, len(pin.internal))
        sw = 0.5 * load * v * v
        switching[nets] += sw
        for gi, g in enumerate(GROUPS):
            sel = group_of[ks] == gi
            np.add.at(per_toggle["model"][g], nets[sel], e_model[sel] + sw[sel])
            np.add.at(per_toggle["sta"][g], nets[sel], e_sta[sel] + sw[sel])
    # Passive input-pin energy: flip-flop D per toggle of its net (both conventions: the mean of
    # rise and fall); CLK per cycle (model: one rise + one fall; sta: that, twice).
    clock = {c: {g: 0.0 for g in GROUPS} for c in CONVENTIONS}
    for k, p, nt in load_pins:
        typ = sim.cells[k][1]
        pin = lib[typ].pins[p]
        if pin.passive is None:
            continue
        rise, fall = pin.passive
        both = float(_at(rise, np.array([0.0]), np.array([slew_r[nt]]))[0] +
                     _at(fall, np.array([0.0]), np.array([slew_f[nt]]))[0])
        g = GROUPS[group_of[k]]
        if lib[typ].ff and p == "CLK":
            clock["model"][g] += both
            clock["sta"][g] += 2 * both
        else:
            for c in CONVENTIONS:
                per_toggle[c][g][nt] += 0.5 * both
    leak = {g: 0.0 for g in GROUPS}
    for k, (_, typ, _) in enumerate(sim.cells):
        leak[GROUPS[group_of[k]]] += lib[typ].leakage_nw
    return NetEnergy(per_toggle, clock, leak, switching, v, np.maximum(slew_r, slew_f), cap)


# The library-delay run's time step. The dense BF16 PE's compute energy on 4 sweep workloads
# moves by 0.3% from 5 ps to 2 ps (0.2% from 10 ps to 5 ps); the C step costs the same at each.
TICK_NS = 0.002


def net_delays(sim: G.GateSim, ne: NetEnergy) -> np.ndarray:
    """(n,) per net, the delay (ns) of the combinational cell output that drives it: the mean,
    over its timing arcs and over rise and fall, of the library's cell_rise / cell_fall at the
    net's load and the related input's slew (ne, as for the energy). One delay per output: an
    inertial model with a delay per arc and transition would need events per lane."""
    lib = sim.lib
    out = np.zeros(sim.n)
    for (typ, p), ks in cells_by_output(sim).items():
        if lib[typ].ff:
            continue
        arcs = lib[typ].pins[p].delay
        if not arcs:
            raise PowerError(f"{typ}.{p}: no cell_rise / cell_fall in the library")
        nets = np.array([sim.cells[k][2][p] for k in ks])
        load = ne.load[nets]
        tot = np.zeros(len(ks))
        for rel, (rise, fall) in arcs.items():
            slew = ne.slew[np.array([sim.cells[k][2][rel] for k in ks])]
            tot += 0.5 * (_at(rise, load, slew) + _at(fall, load, slew))
        out[nets] = tot / len(arcs)
    return out


def energy(ne: NetEnergy, toggles: np.ndarray, cycles: int, period_ns: float, conv: str = "model") -> dict:
    """pJ per component of a run: ``toggles`` (n,) over ``cycles`` clock cycles."""
    out = {}
    for g in GROUPS:
        out[g] = float(toggles @ ne.per_toggle[conv][g]) + cycles * ne.clock_per_cycle[conv][g] + \
            cycles * period_ns * ne.leakage_nw[g] * 1e-6
    out["total"] = sum(out[g] for g in GROUPS)
    return out


def uniform_power_mw(ne: NetEnergy, activity: float, period_ns: float, conv: str) -> dict:
    """The power at one activity (transitions per clock period) on every net, the constants'
    too, as OpenSTA's set_power_activity -global sets it: total and switching (mW)."""
    tog = np.full(ne.switching.shape, activity)
    e = energy(ne, tog, 1, period_ns, conv)["total"]       # pJ per cycle; pJ/ns = mW
    return {"total": e / period_ns, "switching": float(tog @ ne.switching) / period_ns,
            "leakage": sum(ne.leakage_nw.values()) * 1e-6}


# ---------------------------------------------------------------------- OpenSTA cross-check
def flat_verilog(sim: G.GateSim, path: Path, clock: str = "clk") -> Path:
    """The simulated netlist as flat Verilog for OpenSTA: cell k is c<k>, net i is n<i>; every
    input-port bit and each constant is a scalar input port (the clock keeps its name)."""
    clk = sim.ports[clock][1][0]
    ins = sorted({b for d, bs in sim.ports.values() if d == "input" for b in bs} | {sim.C0, sim.C1})

    def nm(i):
        return clock if i == clk else f"n{i}"
    lines = [f"module flat ({', '.join(nm(i) for i in ins)});"]
    lines += [f"  input {nm(i)};" for i in ins]
    used = {nt for _, _, conn in sim.cells for nt in conn.values()} - set(ins)
    lines += [f"  wire n{i};" for i in sorted(used)]
    for k, (_, typ, conn) in enumerate(sim.cells):
        pins = ", ".join(f".{p}({nm(nt)})" for p, nt in conn.items())
        lines.append(f"  {typ} c{k} ({pins});")
    lines.append("endmodule")
    path.write_text("\n".join(lines) + "\n")
    return path


_TOTAL = re.compile(r"^Total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", re.M)


def sta_power_mw(lib: Path, netlist: Path, activity: float, period_ns: float, log: Path) -> dict:
    """OpenSTA report_power with one activity (transitions per clock period, duty 0.5) on
    every non-clock pin: internal, switching, leakage, total (mW)."""
    sta = shutil.which("sta")
    if sta is None:
        raise PowerError("sta not found (apt-get install opensta)")
    tcl = log.with_suffix(".tcl")
    tcl.write_text("\n".join([
        f"read_liberty {lib}", f"read_verilog {netlist}", "link_design flat",
        f"create_clock -name clk -period {period_ns} [get_ports clk]",
        f"set_input_transition {INPUT_SLEW_NS} [all_inputs]",
        f"set_power_activity -global -activity {activity} -duty 0.5",
        "report_power -digits 6", "exit"]) + "\n")
    proc = subprocess.run([sta, "-no_splash", "-exit", str(tcl)], capture_output=True, text=True, cwd=log.parent)
    log.write_text(proc.stdout + proc.stderr)
    m = _TOTAL.search(proc.stdout)
    if proc.returncode != 0 or m is None:
        raise PowerError(f"sta report_power failed (log {log}):\n{(proc.stdout + proc.stderr)[-1500:]}")
    # report_power prints watts.
    return {k: float(v) * 1e3 for k, v in zip(("internal", "switching", "leakage", "total"), m.groups())}


# ------------------------------------------------------------------------------ the runs
SOURCES = ("syn/power.py", "syn/gatesim.py", "syn/gatesim_native.c", "syn/cells.py", "syn/timing.py",
           "tb/common/tensors.py", "studies/traces.py")
CROSS_ACTIVITY = 0.1
DESIGN_KINDS = {"pe": "tdash", "dense_pe": "dense"}
TILE_KINDS = {"tile": "tdash", "dense_tile": "dense"}   # the 4x4 tiles: zero and library delays (below)
KINDS = {**DESIGN_KINDS, **TILE_KINDS}
OWN_GROUP = {"pe": "sched_b", "dense_pe": "staging", "tile": "sched_b", "dense_tile": "staging"}  # as area's rollup
TOPS = {"pe": "top_tdash_pe", "dense_pe": "top_dense_pe", "tile": "top_tdash_tile", "dense_tile": "top_dense_tile"}


def cache_key(netlists, lib: Path, period_ns: float) -> str:
    h = hashlib.sha256(f"{VERSION} {period_ns:.6f}".encode())
    for f in list(netlists) + [lib] + [ROOT / s for s in SOURCES] + sorted((ROOT / "model").glob("*.py")):
        h.update(Path(f).name.encode() + hashlib.sha256(Path(f).read_bytes()).digest())
    return h.hexdigest()[:16]


_OPS = {}


def workloads_for(fmt: str, tile: bool = False) -> list[Workload]:
    """The same jobs for both designs of a format (both PEs, or both tiles): the sweeps, then
    the training operations."""
    if "ops" not in _OPS:
        progress(f"training the digits CNN ({TRACE_EPOCHS} epochs) for the trace workloads")
        _OPS["ops"] = capture_traces()
    mf = fmt_of(fmt)
    if tile:
        return tile_workloads(mf, _OPS["ops"], np.random.default_rng(SEED + 2))
    return sweep_workloads(mf, np.random.default_rng(SEED)) + trace_workloads(_OPS["ops"], mf, np.random.default_rng(SEED + 1))


def run_design(fmt: str, design: str, area_fmt: dict, lib: Path, period_ns: float, cache: Path,
               cross_check: bool) -> dict:
    """Gate-level run of one design on every workload of its format, cached per netlist,
    library, period and source content."""
    from syn.area import A_SIDE, parse_stat_json
    netlists = [Path(p) for p in area_fmt[design]["netlists"]]
    key = cache_key(netlists, lib, period_ns)
    out = cache / f"power_{design}_{fmt}.json"
    if out.exists():
        data = json.loads(out.read_text())
        if data.get("key") == key and (data.get("cross") is not None or not cross_check):
            data["cached"] = True
            return data
    t0 = time.monotonic()
    stats = [parse_stat_json(p.with_suffix(".stat.json").read_text()) for p in netlists]
    top = TOPS[design]
    tile = design in TILE_KINDS
    prep = G.prepare(netlists, stats, top, lib, cache / f"power_{design}_{fmt}.flat.json")
    sim = G.GateSim(prep["json"], lib, max_fanout=MAX_FANOUT)
    # The flat JSON and the joined Verilog (up to 250 MB) are only inputs: not kept.
    for f in (Path(prep["json"]), Path(prep["json"]).with_suffix(".v")):
        f.unlink()
    progress(f"{fmt} {design}: {len(sim.cells)} cells ({sim.buffers['cells']} fanout buffers on "
             f"{sim.buffers['nets']} nets), {sim.depth} levels ({prep['insbuf_removed']} insbuf buffers removed); "
             "simulating")
    wls = workloads_for(fmt, tile)
    t_zero = time.monotonic()
    res = simulate(sim, KINDS[design], fmt, wls, tile=tile)
    t_zero = time.monotonic() - t_zero
    # The tiles (0.9-3 million cells) get no unit-delay run: in numpy it would take 10-40 minutes
    # per design, and the PEs' runs bound what glitches add. The library-delay step runs in C
    # (syn/gatesim_native.c) and gets every design.
    ne = net_energy(sim, A_SIDE, OWN_GROUP[design])
    t_unit = t_nldm = 0.0
    res_unit = None
    if not tile:
        progress(f"{fmt} {design}: zero delay done ({t_zero:.0f} s); unit delay (glitches)")
        t_unit = time.monotonic()
        res_unit = simulate(sim, KINDS[design], fmt, wls, delay="unit")
        t_unit = time.monotonic() - t_unit
    done, secs = ("zero", t_zero) if tile else ("unit", t_unit)
    progress(f"{fmt} {design}: {done} delay done ({secs:.0f} s); library delays, inertial")
    sim.set_delays(net_delays(sim, ne), TICK_NS)
    t_nldm = time.monotonic()
    res_nldm = simulate(sim, KINDS[design], fmt, wls, delay="nldm", tile=tile)
    t_nldm = time.monotonic() - t_nldm
    rows = []
    for k, (wl, r) in enumerate(zip(wls, res["workloads"])):
        row = {"name": wl.name, "kind": wl.kind, "sparsity": wl.sparsity, "weight": wl.weight,
               "cycles": r["cycles"], "jobs": r["jobs"], "rows": r["rows"],
               "energy": {c: energy(ne, r["toggles"], r["cycles"], period_ns, c) for c in CONVENTIONS}}
        for d, res_d in (("unit", res_unit), ("nldm", res_nldm)):
            u = res_d["workloads"][k] if res_d else None
            if u is not None and (r["cycles"], r["jobs"]) != (u["cycles"], u["jobs"]):
                raise PowerError(f"{fmt} {design} {wl.name}: the {d}-delay run took other cycles than the zero-delay one")
            row[DELAYS[d]] = ({c: energy(ne, u["toggles"], u["cycles"], period_ns, c) for c in CONVENTIONS}
                              if u is not None else None)
        rows.append(row)
    data = {"key": key, "cells": len(sim.cells), "levels": sim.depth, "insbuf_removed": prep["insbuf_removed"],
            "fanout_buffers": sim.buffers, "max_slew_ns": float(ne.slew.max()),
            "simulated": res["simulated"], "unit_steps": res_unit["steps"] if res_unit else None,
            # the latest transition of any cycle in the library-delay run (ns): at most the
            # critical path's delay, since each cell's delay is its arcs' mean
            "nldm_settle_ns": res_nldm["steps"] * TICK_NS,
            "sim_seconds": [t_zero, t_unit, t_nldm],
            "period_ns": period_ns, "workloads": rows, "cross": None}
    if cross_check:
        flat = flat_verilog(sim, cache / f"power_{design}_{fmt}.sta.v")
        progress(f"{fmt} {design}: OpenSTA report_power at activity {CROSS_ACTIVITY} (cross-check)")
        data["cross"] = {"activity": CROSS_ACTIVITY,
                         "sta": sta_power_mw(lib, flat, CROSS_ACTIVITY, period_ns, cache / f"power_{design}_{fmt}.sta.log"),
                         "model_sta": uniform_power_mw(ne, CROSS_ACTIVITY, period_ns, "sta"),
                         "model": uniform_power_mw(ne, CROSS_ACTIVITY, period_ns, "model")}
        flat.unlink()
    data["seconds"] = time.monotonic() - t0
    out.write_text(json.dumps(data))
    data["cached"] = False
    return data


CROSS_CHECK_ON = ("bf16", "dense_pe")      # the smallest design: one OpenSTA report_power


def measure(area: dict, formats, lib: Path, periods: dict, cache: Path, jobs: int = 1, tiles=()) -> dict:
    """Both PEs of every format, and both 4x4 tiles of the formats in ``tiles`` (``jobs``
    processes; each run is cached on its own)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    plan = [(fmt, d) for fmt in formats for d in (KINDS if fmt in tiles else DESIGN_KINDS)]
    plan.sort(key=lambda k: k[1] not in TILE_KINDS)     # the long tile runs first
    out = {fmt: {} for fmt in formats}
    t0 = time.monotonic()
    progress(f"{len(plan)} gate-level runs ({jobs} in parallel), cache {cache}/")

    def done(fmt, d, data):
        out[fmt][d] = data
        how = "cached" if data["cached"] else f"{data['seconds']:.0f} s"
        progress(f"{sum(len(v) for v in out.values())}/{len(plan)} done: {fmt} {d} ({how}; "
                 f"{time.monotonic() - t0:.0f} s elapsed)")

    args = {(fmt, d): (fmt, d, area[fmt], lib, periods[fmt], cache, (fmt, d) == CROSS_CHECK_ON) for fmt, d in plan}
    if jobs <= 1:
        for k in plan:
            done(*k, run_design(*args[k]))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = {pool.submit(run_design, *args[k]): k for k in plan}
            for f in as_completed(futs):
                done(*futs[f], f.result())
    return out


# ---------------------------------------------------------------------------- the report
COMPUTE = ("compute", "sched_b", "a_side")     # Table 3's scope: no staging buffers


DELAYS = {"zero": "energy", "unit": "energy_unit", "nldm": "energy_nldm"}
"""The three activity models: zero delay (settled values only: no glitches, a lower bound);
unit delay (one delay per cell, transport: every hazard glitches, an upper bound for real
cells, whose inertia swallows pulses shorter than their delay); library delays (each cell's
NLDM delay at its load and input slew, inertial: a pulse shorter than the cell's delay is
swallowed; the best estimate of the three, still without wires)."""


def _e(w: dict, scope: str, conv: str = "model", delay: str = "zero") -> float:
    e = w[DELAYS[delay]][conv]
    return sum(e[g] for g in COMPUTE) if scope == "compute" else e["total"]


def rows_of(res: dict, fmt: str, pair=("pe", "dense_pe")) -> list[dict]:
    """Per workload, both designs side by side (the PEs, or the tiles: ``pair``): cycles,
    energy per job, ratios (the unit-delay ones where the designs had a unit-delay run)."""
    td, dn = res[fmt][pair[0]], res[fmt][pair[1]]
    out = []
    for a, b in zip(td["workloads"], dn["workloads"]):
        if a["name"] != b["name"] or a["jobs"] != b["jobs"]:
            raise PowerError(f"{fmt}: the designs ran different workloads ({a['name']} / {b['name']})")
        r = {"name": a["name"], "kind": a["kind"], "sparsity": a["sparsity"], "weight": a["weight"], "jobs": a["jobs"],
             "rows": a["rows"], "td_cycles": a["cycles"], "dense_cycles": b["cycles"],
             "speedup": b["cycles"] / a["cycles"]}
        for scope in ("compute", "total"):
            r[f"eff_{scope}"] = _e(b, scope) / _e(a, scope)
            r[f"power_{scope}"] = (_e(a, scope) / a["cycles"]) / (_e(b, scope) / b["cycles"])
        r["eff_sta"] = _e(b, "compute", "sta") / _e(a, "compute", "sta")
        for dl in ("unit", "nldm"):
            if a.get(DELAYS[dl]) is not None and b.get(DELAYS[dl]) is not None:
                r[f"eff_{dl}"] = _e(b, "compute", delay=dl) / _e(a, "compute", delay=dl)
                r[f"eff_total_{dl}"] = _e(b, "total", delay=dl) / _e(a, "total", delay=dl)
                r[f"power_{dl}"] = ((_e(a, "compute", delay=dl) / a["cycles"])
                                    / (_e(b, "compute", delay=dl) / b["cycles"]))
        r["td_nj_job"] = _e(a, "compute") / a["jobs"] * 1e-3
        r["dense_nj_job"] = _e(b, "compute") / b["jobs"] * 1e-3
        r["td"], r["dense"] = a, b
        out.append(r)
    return out


def training_aggregate(rows: list[dict]) -> dict:
    """The training operations together, each weighted by its MACs (energy per MAC of the
    sampled jobs x the operation's MACs), as one training step of the digits CNN."""
    tr = [r for r in rows if r["kind"] == "trace"]

    def per_mac(key, fn):
        return sum(fn(r[key]) / (r["rows"] * N_LANES) * r["weight"] for r in tr)

    c_td = sum(r["td_cycles"] / (r["rows"] * N_LANES) * r["weight"] for r in tr)
    c_dn = sum(r["dense_cycles"] / (r["rows"] * N_LANES) * r["weight"] for r in tr)
    agg = {"speedup": c_dn / c_td}
    timed = {dl for dl in ("unit", "nldm") if all(r["td"].get(DELAYS[dl]) is not None
                                                  and r["dense"].get(DELAYS[dl]) is not None for r in tr)}
    for name, scope, conv, delay in (("compute", "compute", "model", "zero"), ("total", "total", "model", "zero"),
                                     ("sta", "compute", "sta", "zero"), ("unit", "compute", "model", "unit"),
                                     ("total_unit", "total", "model", "unit"), ("nldm", "compute", "model", "nldm"),
                                     ("total_nldm", "total", "model", "nldm")):
        if delay != "zero" and delay not in timed:
            continue
        e_td = per_mac("td", lambda w: _e(w, scope, conv, delay))
        e_dn = per_mac("dense", lambda w: _e(w, scope, conv, delay))
        agg[f"eff_{name}"] = e_dn / e_td
        if conv == "model":
            agg[f"power_{name}"] = (e_td / c_td) / (e_dn / c_dn)
    return agg


def breakdown_mw(w: dict, delay: str = "zero") -> dict:
    """Average power (mW) per component of one run: pJ / (cycles x period ns)."""
    return {g: w[DELAYS[delay]]["model"][g] / (w["cycles"] * w["period_ns"]) for g in GROUPS}


def markdown(res: dict, formats, plot_link: str | None, lib_label: str, period_note: str) -> str:
    L = ["### Power and energy from gate-level activity", "",
         f"The mapped netlists ({lib_label}) of the TensorDash PE and the dense PE (N = {N_LANES}, DEPTH "
         f"{DEFAULT_DEPTH}: own cells, staging queue, MAC; the buffers `insbuf` adds for OpenSTA removed), "
         "flattened and simulated gate by gate from the cells' Liberty functions (syn/gatesim.py, 64 lanes at "
         "once), three times: zero delay (settled values: no glitches), unit delay (one delay per cell, transport: "
         "every transition counted, glitches included) and library delays (each cell output's NLDM delay, "
         "cell_rise / cell_fall at its load and input slew averaged over its arcs and transitions, inertial: a "
         f"pulse shorter than the cell's delay is swallowed; {TICK_NS * 1000:.0f} ps steps). Every result value and result cycle equals model/pe.py's, or the run fails. "
         f"Workloads, the same jobs for both PEs: random sparsity {SPARSITIES[0]}-{SPARSITIES[-1]} on one side "
         f"(B, B-only mode, A dense) and on both sides (mode both), {SWEEP_LANES * LANE_ROWS} rows per point in "
         f"jobs of {JOB_ROWS} rows; and {TRACE_LANES} x {LANE_ROWS} rows of jobs of each training operation of the "
         f"digits CNN after {TRACE_EPOCHS} epochs (studies/traces.py; B-only, the targeted operand on B; integers "
         "quantised with their zero patterns, floating point the captured values). Toggles of every net over the "
         "cycles each PE is busy (first beat to last result).", "",
         f"Fanout: every net with more than {MAX_FANOUT} loads (the clock aside) gets a tree of BUFX4 cells of at "
         f"most {MAX_FANOUT} loads each, as the synthesis' ABC `buffer -N {MAX_FANOUT}` would have built had the kept "
         "hierarchy not hidden those loads from it (the staging queue's selects drive over 2,000 pins in its bit "
         "slices, the scheduler's MS the operand muxes). Unbuffered, such nets get slews of 100 ns to microseconds "
         "and the extrapolated energy tables then make 90% of the energy out of them; the buffers' own energy "
         "counts, in the component they feed.", "",
         "Energy per net toggle from the Liberty tables (syn/power.py): the driving cell's internal energy "
         "(mean of rise and fall, mean over its related input pins, at the net's load and the propagated slews) "
         "+ 0.5 C V² of the driven pin capacitance, + flip-flop D pin energy; every flip-flop's clock pin energy "
         "each cycle; leakage. No wires, no clock tree. *Zero delay* counts no glitch: a lower bound. *Unit "
         "delay* lets every hazard of the netlist glitch (transport delay; a real cell's inertia swallows pulses "
         "shorter than its delay, and real delays differ per cell): an upper bound for glitches, which real "
         "designs have mostly in multipliers and adders, i.e. in the MAC both PEs share. *Library delays* give "
         "each cell its own delay and inertia, which swallows the hazards shorter than a cell's delay and keeps "
         "the longer ones: the best estimate of the three (no wires, one delay per output rather than per arc "
         "and transition). The paper captured its activity with ModelSim for Innovus (§4.1) and does not say "
         "whether with delays. "
         f"{period_note} Energy efficiency = E(dense PE) / E(TensorDash PE) on the same jobs; "
         "power ratio = average power TensorDash / dense at one clock. *Compute* = Table 3's scope (MAC, "
         "schedulers and B-side muxes, A-side muxes); *with staging* adds the staging buffers, which the paper "
         "leaves out. *OpenSTA weighting* = the same activity costed as OpenSTA 2019's report_power costs it "
         "(every related pin's rise + fall energy, weighted by 0.5, summed per output toggle; clock pins twice): "
         "about 2x the absolute energy, nearly the same ratios.", ""]
    cross = [(fmt, d, res[fmt][d]) for fmt in formats for d in DESIGN_KINDS if res[fmt][d].get("cross")]
    if cross:
        L += ["Cross-check against OpenSTA (`set_power_activity -global -activity "
              f"{CROSS_ACTIVITY} -duty 0.5`, `report_power`, the same flat netlist written out):", "",
              "| design | cells | OpenSTA internal / switching / total (mW) | this model, OpenSTA weighting: "
              "internal / switching / total (mW) | total, model / OpenSTA | this model's own weighting, total (mW) |",
              "|---|---|---|---|---|---|"]
        for fmt, d, r in cross:
            c = r["cross"]
            s, m = c["sta"], c["model_sta"]
            m_int = m["total"] - m["switching"] - m["leakage"]
            L.append(f"| {d} {fmt} | {r['cells']:,} | {s['internal']:.2f} / {s['switching']:.2f} / {s['total']:.2f} | "
                     f"{m_int:.2f} / {m['switching']:.2f} / {m['total']:.2f} | {m['total'] / s['total']:.4f} | "
                     f"{c['model']['total']:.2f} |")
        L.append("")
    L += ["Summary. *Power at sparsity 0*: both PEs do the same work per cycle (Table 3's power row). *Training "
          "step*: the digits CNN's operations weighted by their MACs. *Paper's arithmetic*: speedup / power ratio "
          "at sparsity 0, i.e. the compute power per cycle taken as independent of the data, as Table 3 charges "
          "both designs the same compute-core power.", "",
          "| format | delay model | power TD/dense, sparsity 0 (compute) | training step: speedup | power TD/dense | "
          "**energy efficiency** | with staging | OpenSTA weighting | paper's arithmetic on these numbers | paper |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for fmt in formats:
        rows = rows_of(res, fmt)
        agg = training_aggregate(rows)
        z = next(r for r in rows if r["name"] == "B 0.0")
        paper = f"{PAPER_EFFICIENCY[fmt]:.2f}x efficiency, {PAPER_POWER[fmt]:.2f}x power" if fmt in PAPER_EFFICIENCY else "-"
        L.append(f"| {fmt} | zero | {z['power_compute']:.3f}x | {agg['speedup']:.3f}x | {agg['power_compute']:.3f}x | "
                 f"**{agg['eff_compute']:.3f}x** | {agg['eff_total']:.3f}x | {agg['eff_sta']:.3f}x | "
                 f"{agg['speedup'] / z['power_compute']:.3f}x | {paper} |")
        L.append(f"| {fmt} | unit | {z['power_unit']:.3f}x | {agg['speedup']:.3f}x | {agg['power_unit']:.3f}x | "
                 f"**{agg['eff_unit']:.3f}x** | {agg['eff_total_unit']:.3f}x | - | "
                 f"{agg['speedup'] / z['power_unit']:.3f}x | {paper} |")
        L.append(f"| {fmt} | **library, inertial** | **{z['power_nldm']:.3f}x** | {agg['speedup']:.3f}x | "
                 f"{agg['power_nldm']:.3f}x | **{agg['eff_nldm']:.3f}x** | {agg['eff_total_nldm']:.3f}x | - | "
                 f"{agg['speedup'] / z['power_nldm']:.3f}x | {paper} |")
    L.append("")
    L += ["Glitches: energy of the unit-delay run and of the library-delay run / the zero-delay run at sparsity 0 "
          "(B 0.0), per component (unit / library):", "",
          "| format | design | MAC | schedulers + B-side muxes | A-side muxes | staging buffer | unit-delay steps "
          "per cycle (max) | library delays: latest transition (ns) | clock (ns) | simulation s, zero / unit / library |",
          "|---|---|---|---|---|---|---|---|---|---|"]
    for fmt in formats:
        for d in DESIGN_KINDS:
            r = res[fmt][d]
            w = next(x for x in r["workloads"] if x["name"] == "B 0.0")

            def ratio(key, g):
                return w[key]["model"][g] / w["energy"]["model"][g] if w["energy"]["model"][g] else None
            f = [(ratio("energy_unit", g), ratio("energy_nldm", g)) for g in ("compute", "sched_b", "a_side", "staging")]
            secs = r["sim_seconds"]
            L.append(f"| {fmt} | {d} | " + " | ".join("-" if u is None else f"{u:.2f}x / {nl:.2f}x" for u, nl in f)
                     + f" | {r['unit_steps']} | {r['nldm_settle_ns']:.2f} | {r['period_ns']:.2f} | "
                     + " / ".join(f"{x:.0f}" for x in secs) + " |")
    L.append("")
    for fmt in formats:
        rows = rows_of(res, fmt)
        agg = training_aggregate(rows)
        paper = f" (paper: {PAPER_EFFICIENCY[fmt]:.2f}x energy efficiency, {PAPER_POWER[fmt]:.2f}x power)" \
            if fmt in PAPER_EFFICIENCY else ""
        td, dn = res[fmt]["pe"], res[fmt]["dense_pe"]
        L += [f"**{fmt.upper()}**{paper}: gate-level runs of {td['cells']:,} / {dn['cells']:,} cells "
              f"(TensorDash / dense; {td['fanout_buffers']['cells']:,} / {dn['fanout_buffers']['cells']:,} of them "
              f"fanout buffers; worst slew {td['max_slew_ns']:.2f} / {dn['max_slew_ns']:.2f} ns), {td['simulated']} / "
              f"{dn['simulated']} cycles of 64 lanes, clock {td['period_ns']:.2f} ns.", "",
              "| workload | sparsity | speedup (cycles) | dense nJ/job (compute) | TensorDash nJ/job (compute) | power TD/dense | "
              "**energy efficiency** | with staging | OpenSTA weighting | unit delay: power TD/dense | unit delay: "
              "**energy efficiency** | library delays: power TD/dense | library delays: **energy efficiency** |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            L.append(f"| {r['name']} | {r['sparsity']:.2f} | {r['speedup']:.3f}x | {r['dense_nj_job']:.1f} | "
                     f"{r['td_nj_job']:.1f} | {r['power_compute']:.3f}x | **{r['eff_compute']:.3f}x** | "
                     f"{r['eff_total']:.3f}x | {r['eff_sta']:.3f}x | {r['power_unit']:.3f}x | **{r['eff_unit']:.3f}x** | "
                     f"{r['power_nldm']:.3f}x | **{r['eff_nldm']:.3f}x** |")
        L.append(f"| **digits training step** (ops weighted by MACs) | | {agg['speedup']:.3f}x | | | "
                 f"{agg['power_compute']:.3f}x | **{agg['eff_compute']:.3f}x** | {agg['eff_total']:.3f}x | "
                 f"{agg['eff_sta']:.3f}x | {agg['power_unit']:.3f}x | **{agg['eff_unit']:.3f}x** | "
                 f"{agg['power_nldm']:.3f}x | **{agg['eff_nldm']:.3f}x** |")
        # Table 3's power rows: the no-sparsity point, where both PEs do the same work per cycle.
        z = next(r for r in rows if r["name"] == "B 0.0")
        for w in (z["td"], z["dense"]):
            w["period_ns"] = td["period_ns"]
        bt, bd = breakdown_mw(z["td"]), breakdown_mw(z["dense"])
        pairs = [(breakdown_mw(z["td"], dl), breakdown_mw(z["dense"], dl)) for dl in ("zero", "unit", "nldm")]
        paper = f" (paper: {PAPER_POWER[fmt]:.2f}x)" if fmt in PAPER_POWER else ""
        L += ["", "Average power (mW) at sparsity 0 (both PEs the same work per cycle), Table 3's rows:", "",
              "| component | TensorDash PE, zero delay | dense PE, zero delay | TensorDash PE, unit delay | "
              "dense PE, unit delay | TensorDash PE, library delays | dense PE, library delays |",
              "|---|---|---|---|---|---|---|"]
        names = {"compute": "Compute core (MAC)", "sched_b": "Scheduler + B-side muxes", "a_side": "A-side muxes"}
        for g in COMPUTE:
            L.append(f"| {names[g]} | " + " | ".join(f"{t[g]:.2f} | {d[g]:.2f}" for t, d in pairs) + " |")
        tot = [(sum(t[g] for g in COMPUTE), sum(d[g] for g in COMPUTE)) for t, d in pairs]
        L.append("| **Total (compute)** | " + " | ".join(f"{t:.2f} | {d:.2f}" for t, d in tot) + " |")
        L.append("| **Normalised** | " + " | ".join(f"**{t / d:.3f}x**{paper} | 1" for t, d in tot) + " |")
        L.append("| Staging buffers (apart) | " + " | ".join(f"{t['staging']:.2f} | {d['staging']:.2f}" for t, d in pairs)
                 + " |")
        L.append("")
    if plot_link is not None:
        L += [f"![energy efficiency vs sparsity]({plot_link})", ""]
    return "\n".join(L)


def tile_markdown(res: dict, formats) -> str:
    """The 4x4 tiles' section: Table 3's own scope (one scheduler and one B-side mux per PE
    row serve its 4 PEs), zero delay."""
    fmts = [f for f in formats if "tile" in res[f]]
    if not fmts:
        return ""
    L = ["### Power and energy of the 4x4 tiles (zero delay and library delays)", "",
         f"`tdash_tile` and the dense tile (`syn/dense_tile.v`), {TILE_ROWS}x{TILE_COLS} PEs, N = {N_LANES}, DEPTH "
         f"{DEFAULT_DEPTH}, their mapped netlists joined and flattened as for the PEs and simulated at zero delay "
         "and with library delays (inertial, as for the PEs; no unit-delay run: in numpy it would take 10-40 "
         "minutes per design, and the PEs' runs bound what glitches add). Every result value and cycle equals model/tile.py's (the dense tile: each PE a dense PE on its "
         "column's A and its row's B, one row per cycle, as dense_pe), or the run fails. Workloads: random B "
         f"sparsity {SPARSITIES[0]}-{SPARSITIES[-1]} with A dense ({TILE_SWEEP_LANES} lanes of "
         f"{LANE_ROWS // JOB_ROWS} jobs of {JOB_ROWS} rows per point), and per training operation "
         f"{TILE_TRACE_LANES} lanes of about {LANE_ROWS} rows of tile jobs, each job {TILE_ROWS} of the "
         f"operation's targeted operands on the PE rows' B streams and {TILE_COLS} of the other operand on the "
         "columns' A streams.", "",
         "| format | cells TD / dense | power TD/dense, sparsity 0 (compute) | with staging | training step: "
         "speedup | power TD/dense | **energy efficiency** (compute) | with staging | library delays: power "
         "TD/dense, sparsity 0 (compute) | library delays: training step **energy efficiency** | paper |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
    for fmt in fmts:
        rows = rows_of(res, fmt, ("tile", "dense_tile"))
        agg = training_aggregate(rows)
        z = next(r for r in rows if r["name"] == "B 0.0")
        paper = f"{PAPER_EFFICIENCY[fmt]:.2f}x efficiency, {PAPER_POWER[fmt]:.2f}x power" if fmt in PAPER_EFFICIENCY else "-"
        t, d = res[fmt]["tile"], res[fmt]["dense_tile"]
        L.append(f"| {fmt} | {t['cells']:,} / {d['cells']:,} | **{z['power_compute']:.3f}x** | {z['power_total']:.3f}x "
                 f"| {agg['speedup']:.3f}x | {agg['power_compute']:.3f}x | **{agg['eff_compute']:.3f}x** | "
                 f"{agg['eff_total']:.3f}x | **{z['power_nldm']:.3f}x** | **{agg['eff_nldm']:.3f}x** | {paper} |")
    for fmt in fmts:
        rows = rows_of(res, fmt, ("tile", "dense_tile"))
        z = next(r for r in rows if r["name"] == "B 0.0")
        for w in (z["td"], z["dense"]):
            w["period_ns"] = res[fmt]["tile"]["period_ns"]
        pairs = [(breakdown_mw(z["td"], dl), breakdown_mw(z["dense"], dl)) for dl in ("zero", "nldm")]
        names = {"compute": "Compute cores (16 MACs)", "sched_b": "Schedulers + B-side muxes",
                 "a_side": "A-side muxes", "staging": "Staging buffers (apart)"}
        L += ["", f"**{fmt.upper()} tile**: average power (mW) at sparsity 0, and energy efficiency per workload "
              "(compute):", "", "| component | TensorDash tile, zero delay | dense tile, zero delay | TensorDash tile, "
              "library delays | dense tile, library delays |", "|---|---|---|---|---|"]
        for g in COMPUTE:
            L.append(f"| {names[g]} | " + " | ".join(f"{t_[g]:.2f} | {d_[g]:.2f}" for t_, d_ in pairs) + " |")
        tot = [(sum(t_[g] for g in COMPUTE), sum(d_[g] for g in COMPUTE)) for t_, d_ in pairs]
        L.append("| **Total (compute)** | " + " | ".join(f"{a_:.2f} | {b_:.2f}" for a_, b_ in tot) + " |")
        L.append("| **Normalised** | " + " | ".join(f"**{a_ / b_:.3f}x** | 1" for a_, b_ in tot) + " |")
        L.append(f"| {names['staging']} | " + " | ".join(f"{t_['staging']:.2f} | {d_['staging']:.2f}" for t_, d_ in pairs)
                 + " |")
        L += ["", "| workload | sparsity | speedup | power TD/dense | **energy efficiency** | with staging | library "
              "delays: power TD/dense | library delays: **energy efficiency** |", "|---|---|---|---|---|---|---|---|"]
        for r in rows:
            L.append(f"| {r['name']} | {r['sparsity']:.2f} | {r['speedup']:.3f}x | {r['power_compute']:.3f}x | "
                     f"**{r['eff_compute']:.3f}x** | {r['eff_total']:.3f}x | {r['power_nldm']:.3f}x | "
                     f"**{r['eff_nldm']:.3f}x** |")
    return "\n".join(L) + "\n"


def plot(res: dict, formats, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(formats), figsize=(4.6 * len(formats), 4.4), sharey=True, squeeze=False)
    for ax, fmt in zip(axes[0], formats):
        rows = rows_of(res, fmt)
        for side, color in (("B", "tab:blue"), ("both", "tab:orange")):
            sw = [r for r in rows if r["kind"] == "sweep" and r["name"].startswith(side + " ")]
            label = "one side (B)" if side == "B" else "both sides"
            ax.plot([r["sparsity"] for r in sw], [r["eff_compute"] for r in sw], "o-", color=color,
                    label=f"energy efficiency, {label}")
            ax.plot([r["sparsity"] for r in sw], [r["speedup"] for r in sw], ":", color=color,
                    label=f"speedup, {label}")
        tr = [r for r in rows if r["kind"] == "trace"]
        ax.plot([r["sparsity"] for r in tr], [r["eff_compute"] for r in tr], "x", color="k", ms=8, mew=2,
                label="digits training ops (targeted tensor's sparsity)")
        agg = training_aggregate(rows)
        ax.axhline(agg["eff_compute"], color="k", ls="-.", lw=1,
                   label="digits training step (ops weighted by MACs)")
        for side, color in (("B", "tab:blue"), ("both", "tab:orange")):
            sw = [r for r in rows if r["kind"] == "sweep" and r["name"].startswith(side + " ")]
            ax.plot([r["sparsity"] for r in sw], [r["eff_unit"] for r in sw], "s--", color=color, ms=3, lw=0.8,
                    label=f"energy efficiency, {'one side (B)' if side == 'B' else 'both sides'}, unit delay")
        ax.axhline(agg["eff_unit"], color="k", ls=":", lw=1, label="digits training step, unit delay")
        for side, color in (("B", "tab:blue"), ("both", "tab:orange")):
            sw = [r for r in rows if r["kind"] == "sweep" and r["name"].startswith(side + " ")]
            ax.plot([r["sparsity"] for r in sw], [r["eff_nldm"] for r in sw], "^-", color=color, ms=4, lw=1.6,
                    alpha=0.6, label=f"energy efficiency, {'one side (B)' if side == 'B' else 'both sides'}, "
                                     "library delays")
        ax.axhline(agg["eff_nldm"], color="tab:red", ls="-", lw=1, label="digits training step, library delays")
        if fmt in PAPER_EFFICIENCY:
            ax.axhline(PAPER_EFFICIENCY[fmt], color="tab:green", ls="--",
                       label=f"paper {PAPER_EFFICIENCY[fmt]:.2f}x (average over its models)")
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.set(title=f"{fmt.upper()}", xlabel="sparsity of each sparse side (traces: the targeted tensor's)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("E(dense PE) / E(TensorDash PE), compute")
    axes[0][-1].legend(fontsize=7, loc="upper left")
    fig.suptitle("TensorDash PE energy efficiency from gate-level activity (OSU 0.18 um)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
