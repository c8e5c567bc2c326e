"""syn/cells.py, syn/gatesim.py and syn/power.py without Yosys or OpenSTA: Liberty reading,
the cells' Boolean functions, the bit-parallel simulator and its toggle counts, the insbuf
strip, and the energy arithmetic on a hand-made netlist and library."""

import itertools
import json

import numpy as np
import pytest

from syn import cells as C
from syn import gatesim as G
from syn import power as P

# A tiny library: exact binary fractions, so the energies below are exact.
LIB = """library (tiny) {
  time_unit : "1ns"; leakage_power_unit : "1nW"; capacitive_load_unit (1,pf); nom_voltage : 2.0;
  lu_table_template (t2) { variable_1 : total_output_net_capacitance; variable_2 : input_net_transition;
    index_1 ("0, 1"); index_2 ("0, 1"); }
  power_lut_template (e2) { variable_1 : total_output_net_capacitance; variable_2 : input_transition_time;
    index_1 ("0, 1"); index_2 ("0, 1"); }
  power_lut_template (p1) { variable_1 : input_transition_time; index_1 ("0, 1"); }
  cell (INVX1) { area : 16; cell_leakage_power : 2;
    pin (A) { direction : input; capacitance : 0.5; }
    pin (Y) { direction : output; function : "(!A)";
      timing () { related_pin : "A"; timing_sense : negative_unate;
        cell_rise (t2) { values ("0.5, 0.5", "0.5, 0.5"); } cell_fall (t2) { values ("1, 1", "1, 1"); }
        rise_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); }
        fall_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); } }
      internal_power () { related_pin : "A";
        rise_power (e2) { values ("0.25, 0.25", "0.25, 0.25"); }
        fall_power (e2) { values ("0.75, 0.75", "0.75, 0.75"); } } } }
  cell (XOR2X1) { area : 56; cell_leakage_power : 4;
    pin (A) { direction : input; capacitance : 0.25; }
    pin (B) { direction : input; capacitance : 0.25; }
    pin (Y) { direction : output; function : "(A^B)";
      timing () { related_pin : "A"; timing_sense : non_unate;
        cell_rise (t2) { values ("0, 2", "0, 2"); } cell_fall (t2) { values ("1, 1", "1, 1"); }
        rise_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); }
        fall_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); } }
      timing () { related_pin : "B"; timing_sense : non_unate;
        cell_rise (t2) { values ("2, 2", "2, 2"); } cell_fall (t2) { values ("2, 2", "2, 2"); }
        rise_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); }
        fall_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); } }
      internal_power () { related_pin : "A";
        rise_power (e2) { values ("1, 1", "1, 1"); } fall_power (e2) { values ("1, 1", "1, 1"); } }
      internal_power () { related_pin : "B";
        rise_power (e2) { values ("3, 3", "3, 3"); } fall_power (e2) { values ("3, 3", "3, 3"); } } } }
  cell (DFFPOSX1) { area : 96; cell_leakage_power : 8;
    ff (DS0000,P0002) { next_state : "D"; clocked_on : "CLK"; }
    pin (CLK) { direction : input; capacitance : 0.125; clock : true;
      internal_power () { rise_power (p1) { values ("0.125, 0.125"); } fall_power (p1) { values ("0.375, 0.375"); } } }
    pin (D) { direction : input; capacitance : 0.25;
      internal_power () { rise_power (p1) { values ("0.5, 0.5"); } fall_power (p1) { values ("1.5, 1.5"); } } }
    pin (Q) { direction : output; function : "DS0000";
      timing () { related_pin : "CLK"; timing_sense : non_unate; timing_type : rising_edge;
        rise_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); }
        fall_transition (t2) { values ("0.5, 0.5", "0.5, 0.5"); } }
      internal_power () { related_pin : "CLK";
        rise_power (e2) { values ("2, 2", "2, 2"); } fall_power (e2) { values ("4, 4", "4, 4"); } } } }
  cell (LATCH) { area : 0; latch (DS0000,P0000) { data_in : "D"; enable : "CLK"; }
    pin (CLK) { direction : input; } pin (D) { direction : input; }
    pin (Q) { direction : output; function : "DS0000"; } }
}
"""


@pytest.fixture
def lib(tmp_path):
    p = tmp_path / "tiny.lib"
    p.write_text(LIB)
    return p


def test_liberty_cells_pins_tables(lib):
    cells, units = C.library(str(lib))
    assert sorted(cells) == ["DFFPOSX1", "INVX1", "LATCH", "XOR2X1"]
    assert units["voltage"] == 2.0
    inv = cells["INVX1"]
    assert (inv.area, inv.leakage_nw, inv.inputs, inv.outputs) == (16.0, 2.0, ["A"], ["Y"])
    assert inv.pins["A"].capacitance == 0.5 and inv.pins["Y"].function == "(!A)"
    assert inv.pins["Y"].transition["A"][2] == "negative_unate"
    assert cells["DFFPOSX1"].ff == {"state": "DS0000", "next_state": "D", "clocked_on": "CLK"}
    assert cells["DFFPOSX1"].pins["CLK"].passive is not None and cells["DFFPOSX1"].unsupported is None
    assert cells["LATCH"].unsupported == "a latch"
    rise = cells["XOR2X1"].pins["Y"].internal["B"][0]
    assert rise.vars == ("total_output_net_capacitance", "input_transition_time")
    assert rise.at(total_output_net_capacitance=0.5, input_transition_time=0.25) == 3.0


def test_table_interpolation_and_extrapolation():
    t = C.Table(("x", "y"), ((0.0, 1.0), (0.0, 2.0)), (0.0, 4.0, 8.0, 12.0))
    assert t.at(x=0.0, y=0.0) == 0.0
    assert t.at(x=1.0, y=2.0) == 12.0
    assert t.at(x=0.5, y=1.0) == 6.0          # bilinear: (0 + 4 + 8 + 12) / 4
    assert t.at(x=2.0, y=0.0) == 16.0         # linear past the last index
    v = P._interp_many(t, {"x": np.array([0.5, 2.0]), "y": np.array([1.0, 0.0])})
    assert v.tolist() == [6.0, 16.0]


@pytest.mark.parametrize("func,truth", [
    ("(!((S A) + (!S B)))", lambda S, A, B: 1 - ((S & A) | ((1 - S) & B))),    # OSU MUX2X1
    ("(((A B)+(B C))+(C A))", lambda A, B, C: (A & B) | (B & C) | (C & A)),      # FAX1 carry
    ("((A^B)^C)", lambda A, B, C: A ^ B ^ C),                                     # FAX1 sum
    ("(!((A+B) (C+D)))", lambda A, B, C, D: 1 - ((A | B) & (C | D))),              # OAI22
    ("A' & B | 0", lambda A, B: (1 - A) & B),
])
def test_functions_bit_parallel_truth_tables(func, truth):
    fn, pins = C.compile_function(func)
    combos = list(itertools.product((0, 1), repeat=len(pins)))
    # Lane i of each pin's word carries combination i: one call evaluates them all.
    words = [np.array([sum(c[k] << i for i, c in enumerate(combos))], dtype=np.uint64) for k in range(len(pins))]
    got = int(fn(*words)[0])
    want = sum(truth(**dict(zip(pins, c))) << i for i, c in enumerate(combos))
    mask = (1 << len(combos)) - 1
    assert got & mask == want


def test_pack_unpack_bits():
    rng = np.random.default_rng(3)
    bits = rng.random((G.LANES, 37)) < 0.5
    assert (G.unpack(G.pack(bits)) == bits).all()
    assert G.to_bits([-1, 5], 4).tolist() == [[True] * 4, [True, False, True, False]]
    assert G.from_bits(np.array([[True] * 4, [True, False, True, False]]), signed=True) == [-1, 5]


def _counter_json(path):
    """q (2 bits) counts up: q0' = !q0 (INVX1), q1' = q1 ^ q0 (XOR2X1); out = !q1."""
    cells = {
        "ff0": {"type": "DFFPOSX1", "connections": {"CLK": [2], "D": [5], "Q": [3]}},
        "ff1": {"type": "DFFPOSX1", "connections": {"CLK": [2], "D": [6], "Q": [4]}},
        "inv": {"type": "INVX1", "connections": {"A": [3], "Y": [5]}},
        "xor": {"type": "XOR2X1", "connections": {"A": [4], "B": [3], "Y": [6]}},
        "out": {"type": "INVX1", "connections": {"A": [4], "Y": [7]}},
    }
    ports = {"clk": {"direction": "input", "bits": [2]}, "q": {"direction": "output", "bits": [3, 4]},
             "nq1": {"direction": "output", "bits": [7]}}
    path.write_text(json.dumps({"modules": {"cnt": {"attributes": {"top": 1}, "ports": ports, "cells": cells}}}))
    return path


def test_gate_simulation_and_toggle_counts(lib, tmp_path):
    sim = G.GateSim(str(_counter_json(tmp_path / "cnt.json")), lib)
    assert sim.depth == 1 and len(sim.ff_d) == 2
    seen = []
    masks = [1, 0b110, 0]
    sim.evaluate()
    sim.prev[:] = sim.V
    for cycle in range(5):
        sim.clock()
        sim.evaluate()
        seen.append(G.from_bits(G.unpack(sim.get("q"))[:1], signed=False)[0])
        # lane 0 counted every cycle; lanes 1, 2 only in the first two; mask 0 never
        sim.count([masks[0], masks[1] if cycle < 2 else 0, masks[2]])
    assert seen == [1, 2, 3, 0, 1]
    q0, q1, d0, d1, nq1 = 3, 4, 5, 6, 7
    c = sim.counts
    # q0 toggles every cycle, q1 in cycles 1 and 3 (1->2, 3->0); d1 = q1 ^ q0 is 1, 1, 0, 0, 1
    # after a 0: toggles in cycles 0, 2, 4; nq1 with q1.
    assert [int(c[0][i]) for i in (q0, q1, d0, d1, nq1)] == [5, 2, 5, 3, 2]
    assert [int(c[1][i]) for i in (q0, q1, d0, d1, nq1)] == [4, 2, 4, 2, 2]   # 2 lanes x 2 cycles
    assert not c[2].any()


@pytest.mark.parametrize("step", ["evaluate_timed", "evaluate_inertial_py", "evaluate_inertial"])
def test_timed_runs_settle_as_zero_delay_and_count_the_same_without_hazards(lib, tmp_path, step):
    """The counter has no reconvergent paths: the unit-delay run, and the library-delay run with
    unequal delays (numpy and C), make exactly the zero-delay run's toggles and end in the same
    values."""
    if step == "evaluate_inertial" and G._native() is None:
        pytest.skip("no C compiler: evaluate_inertial falls back to evaluate_inertial_py")
    runs = []
    for timed in (False, True):
        sim = G.GateSim(str(_counter_json(tmp_path / "cnt.json")), lib)
        if timed and step != "evaluate_timed":
            sim.set_delays(np.arange(sim.n) % 3 * 0.3 + 0.1, 0.1)
        sim.evaluate()
        sim.prev[:] = sim.V
        values = []
        for _ in range(6):
            sim.clock()
            if timed:
                getattr(sim, step)(0b111)
            else:
                sim.evaluate()
                sim.count([1, 0b110])
            values.append(sim.V.copy())
        runs.append((values, sim.lane_totals([[0], [1, 2]]) if timed else [c.copy() for c in sim.counts]))
    (v0, c0), (v1, c1) = runs
    assert all((a == b).all() for a, b in zip(v0, v1))
    assert all((a == b).all() for a, b in zip(c0, c1))


def _hazard_json(path):
    """y = a ^ !a: 1 in every settled state, but for one cell delay after a changes the XOR
    still sees the old !a (a static hazard: a glitch of y per change of a)."""
    cells = {"inv": {"type": "INVX1", "connections": {"A": [2], "Y": [3]}},
             "xor": {"type": "XOR2X1", "connections": {"A": [2], "B": [3], "Y": [4]}}}
    ports = {"clk": {"direction": "input", "bits": [5]}, "a": {"direction": "input", "bits": [2]},
             "y": {"direction": "output", "bits": [4]}}
    path.write_text(json.dumps({"modules": {"hz": {"attributes": {"top": 1}, "ports": ports, "cells": cells}}}))
    return path


def test_unit_delay_run_counts_a_glitch_the_zero_delay_run_cannot_see(lib, tmp_path):
    a, n, y = 2, 3, 4
    counts = {}
    for timed in (False, True):
        sim = G.GateSim(str(_hazard_json(tmp_path / "hz.json")), lib)
        sim.evaluate()
        sim.prev[:] = sim.V
        for cycle in range(4):                  # a = 1, 0, 1, 0 on lane 0; lane 1 holds 0
            sim.set("a", np.array([np.uint64((cycle + 1) % 2)]))
            if timed:
                steps = sim.evaluate_timed(0b11)
                assert steps == 2
            else:
                sim.evaluate()
                sim.count([0b1, 0b10])
            assert int(sim.get("y")[0]) & 0b11 == 0b11          # settled: y = 1 on both lanes
        c = sim.lane_totals([[0], [1]]) if timed else sim.counts
        counts[timed] = [int(c[0][i]) for i in (a, n, y)], int(c[1].sum())
    assert counts[False] == ([4, 4, 0], 0)
    assert counts[True] == ([4, 4, 8], 0)      # y: 1 -> 0 -> 1 on each of the 4 changes of a


ENGINES = ("evaluate_inertial_py", "evaluate_inertial")     # numpy (the specification), C


@pytest.fixture(params=ENGINES)
def engine(request):
    if request.param == "evaluate_inertial" and G._native() is None:
        pytest.skip("no C compiler: evaluate_inertial falls back to evaluate_inertial_py")
    return request.param


@pytest.mark.parametrize("inv_ticks, xor_ticks, glitches", [(3, 2, 8), (2, 2, 8), (1, 2, 0), (2, 3, 0)])
def test_inertial_run_swallows_a_pulse_shorter_than_the_cell_delay(lib, tmp_path, engine, inv_ticks, xor_ticks,
                                                                   glitches):
    """The hazard of _hazard_json with library-style delays: the XOR's inputs disagree for the
    inverter's delay after each change of a. A pulse that long reaches y (1 -> 0 -> 1) only if
    the XOR's own delay is no longer than it; else the XOR's inertia swallows it."""
    a, n, y = 2, 3, 4
    sim = G.GateSim(str(_hazard_json(tmp_path / "hz.json")), lib)
    delay = np.zeros(sim.n)
    delay[n], delay[y] = inv_ticks * 0.5, xor_ticks * 0.5
    sim.set_delays(delay, 0.5)
    sim.evaluate()
    sim.prev[:] = sim.V
    for cycle in range(4):
        sim.set("a", np.array([np.uint64((cycle + 1) % 2)]))
        last = getattr(sim, engine)(0b11)
        assert int(sim.get("y")[0]) & 0b11 == 0b11
        assert last == (inv_ticks + xor_ticks if glitches else inv_ticks)
    c = sim.lane_totals([[0], [1]])
    assert [int(c[0][i]) for i in (a, n, y)] == [4, 4, glitches]
    assert int(c[1].sum()) == 0


def test_net_delays_from_the_library_tables(lib, tmp_path):
    """One delay per cell output: the mean over its arcs and over cell_rise / cell_fall, at the
    net's load and its input's slew. The hazard netlist, input slew 0.5: the inverter 0.75; the
    XOR's A arc rises 0 + 2 x 0.5 = 1 (its slew index) and falls 1, its B arc 2 and 2: 1.5."""
    sim = G.GateSim(str(_hazard_json(tmp_path / "hz.json")), lib)
    ne = P.net_energy(sim, P.re.compile("never"), "sched_b", input_slew=0.5)
    d = P.net_delays(sim, ne)
    assert d[3] == pytest.approx(0.75, abs=1e-12) and d[4] == pytest.approx(1.5, abs=1e-12)
    assert d[2] == 0.0                     # a port: no cell drives it


def _random_json(path, rng, n_in=6, n_cells=60, n_ff=4):
    """A random netlist of INVX1 / XOR2X1 cells over earlier nets (reconvergent everywhere,
    so full of hazards) and a few flip-flops fed back from it."""
    nets = list(range(3, 3 + n_in + n_ff))                 # 2 = clk; inputs; flip-flop outputs
    cells, nxt = {}, 3 + n_in + n_ff
    for k in range(n_cells):
        if rng.random() < 0.3:
            cells[f"c{k}"] = {"type": "INVX1", "connections": {"A": [int(rng.choice(nets))], "Y": [nxt]}}
        else:
            a, b = rng.choice(nets, 2, replace=False)
            cells[f"c{k}"] = {"type": "XOR2X1", "connections": {"A": [int(a)], "B": [int(b)], "Y": [nxt]}}
        nets.append(nxt)
        nxt += 1
    for k in range(n_ff):
        cells[f"ff{k}"] = {"type": "DFFPOSX1", "connections": {"CLK": [2], "D": [nxt - 1 - 3 * k], "Q": [3 + n_in + k]}}
    ports = {"clk": {"direction": "input", "bits": [2]}, "a": {"direction": "input", "bits": list(range(3, 3 + n_in))},
             "y": {"direction": "output", "bits": [nxt - 1, nxt - 2]}}
    path.write_text(json.dumps({"modules": {"rnd": {"attributes": {"top": 1}, "ports": ports, "cells": cells}}}))
    return path


@pytest.mark.parametrize("seed", range(4))
def test_inertial_step_in_c_equals_the_numpy_specification(lib, tmp_path, seed):
    """A random hazard-rich netlist, random per-cell delays, 12 cycles of random inputs on 64
    lanes: the C step leaves the same values, the same per-lane transition counts and returns
    the same last-transition time as evaluate_inertial_py, cycle for cycle."""
    if G._native() is None:
        pytest.skip("no C compiler")
    rng = np.random.default_rng(seed)
    path = _random_json(tmp_path / "rnd.json", rng)
    delays = None
    sims = []
    for engine in ENGINES:
        sim = G.GateSim(str(path), lib)
        if delays is None:
            delays = rng.integers(1, 6, sim.n) * 0.25
        sim.set_delays(delays, 0.25)
        sim.evaluate()
        sim.prev[:] = sim.V
        sims.append((engine, sim))
    stim = np.random.default_rng(seed + 100).integers(0, 2**63, (12, 6), dtype=np.uint64)
    for cycle in range(12):
        lasts = []
        for engine, sim in sims:
            sim.clock()
            sim.set("a", stim[cycle])
            lasts.append(getattr(sim, engine)(0xFFFF_FFFF_FFFF_FFF0))
        (_, s0), (_, s1) = sims
        assert lasts[0] == lasts[1]
        assert (s0.V == s1.V).all()
        assert (s0.lane_counts == s1.lane_counts).all()
    assert sims[0][1].lane_counts.any()


def test_energy_arithmetic(lib, tmp_path):
    sim = G.GateSim(str(_counter_json(tmp_path / "cnt.json")), lib)
    ne = P.net_energy(sim, P.re.compile("never"), "sched_b", input_slew=0.5)
    e = ne.per_toggle["model"]["sched_b"]
    v2 = 4.0
    # q0 (DFF Q): Q internal (2 + 4) / 2 + 0.5 * C * V^2, C = INV A 0.5 + XOR B 0.25.
    assert e[3] == 3.0 + 0.5 * 0.75 * v2
    # q1: loads XOR A 0.25 + INV A 0.5.
    assert e[4] == 3.0 + 0.5 * 0.75 * v2
    # d0 (INV Y): (0.25 + 0.75) / 2 + 0.5 * 0.25 (DFF D) * V^2 + D pin (0.5 + 1.5) / 2.
    assert e[5] == 0.5 + 0.5 * 0.25 * v2 + 1.0
    # d1 (XOR Y): mean over A and B of (rise + fall) / 2 = (1 + 3) / 2, + the same D load.
    assert e[6] == 2.0 + 0.5 * 0.25 * v2 + 1.0
    # nq1: an INV with no load.
    assert e[7] == 0.5
    assert ne.clock_per_cycle["model"]["sched_b"] == 2 * (0.125 + 0.375)
    assert ne.leakage_nw["sched_b"] == 2 * 8 + 2 * 2 + 4
    # OpenSTA's weighting: every related pin, rise + fall, x 0.5 (x 1 for a clock or a
    # single-input cell); clock pins twice per cycle.
    s = ne.per_toggle["sta"]["sched_b"]
    assert s[3] == 6.0 + 0.5 * 0.75 * v2
    assert s[5] == 1.0 + 0.5 * 0.25 * v2 + 1.0
    assert s[6] == 0.5 * 2 + 0.5 * 6 + 0.5 * 0.25 * v2 + 1.0
    assert ne.clock_per_cycle["sta"]["sched_b"] == 4 * (0.125 + 0.375)
    tog = np.zeros(sim.n)
    tog[[3, 6]] = [10, 4]
    got = P.energy(ne, tog, cycles=10, period_ns=100.0)
    want = 10 * e[3] + 4 * e[6] + 10 * 1.0 + 10 * 100.0 * 24 * 1e-6
    assert got["sched_b"] == want and got["total"] == want and got["compute"] == 0.0


def test_simulator_refuses_what_it_cannot_model(lib, tmp_path):
    p = tmp_path / "latch.json"
    p.write_text(json.dumps({"modules": {"m": {"attributes": {"top": 1},
                 "ports": {"clk": {"direction": "input", "bits": [2]}},
                 "cells": {"l": {"type": "LATCH", "connections": {"CLK": [2], "D": [2], "Q": [3]}}}}}}))
    with pytest.raises(G.NetlistError, match="a latch"):
        G.GateSim(str(p), lib)


def test_strip_insbuf_turns_the_tail_buffers_into_assigns():
    cells = {"BUFX2": None, "INVX1": None}
    text = ("module m(a, y, z);\n  INVX1 _1_ (\n    .A(a),\n    .Y(w)\n  );\n"
            "  BUFX2 _2_ (\n    .A(w),\n    .Y(y)\n  );\n  BUFX2 _3_ (\n    .A(\\x.y [3]),\n    .Y(z)\n  );\nendmodule\n")
    out, n = G.strip_insbuf(text, {"modules": {"\\m": {"num_cells_by_type": {"INVX1": 1}}}}, cells)
    assert n == 2
    assert "  assign y = w ;\n" in out and "  assign z = \\x.y [3] ;\n" in out and "BUFX2" not in out
    # One buffer is ABC's (in the statistics): only the last is insbuf's.
    out, n = G.strip_insbuf(text, {"modules": {"\\m": {"num_cells_by_type": {"INVX1": 1, "BUFX2": 1}}}}, cells)
    assert n == 1 and out.count("BUFX2") == 1 and "assign z = \\x.y [3] ;" in out
    with pytest.raises(G.NetlistError, match="not all insbuf"):
        G.strip_insbuf(text.replace("BUFX2 _2_", "INVX1 _2_").replace("INVX1 _1_", "BUFX2 _1_"),
                       {"modules": {"\\m": {"num_cells_by_type": {"INVX1": 1}}}}, cells)


def _fanout_json(path, loads: int):
    """One INV driving ``loads`` INVs; each load's output is a port bit."""
    cells = {"drv": {"type": "INVX1", "connections": {"A": [3], "Y": [4]}}}
    for i in range(loads):
        cells[f"l{i}"] = {"type": "INVX1", "connections": {"A": [4], "Y": [5 + i]}}
    ports = {"clk": {"direction": "input", "bits": [2]}, "a": {"direction": "input", "bits": [3]},
             "y": {"direction": "output", "bits": list(range(5, 5 + loads))}}
    path.write_text(json.dumps({"modules": {"f": {"attributes": {"top": 1}, "ports": ports, "cells": cells}}}))
    return path


@pytest.mark.parametrize("loads,buffers", [(8, 0), (9, 2), (20, 3), (100, 13 + 2)])
def test_fanout_buffer_trees(lib, tmp_path, loads, buffers):
    """More than 8 loads: a tree of buffers of at most 8 pins each (ceil(100/8) = 13 leaves,
    then 2 above them); the simulation is unchanged."""
    text = LIB.replace("cell (LATCH)", 'cell (BUFX4) { area : 32; cell_leakage_power : 1; '
                       'pin (A) { direction : input; capacitance : 0.5; } '
                       'pin (Y) { direction : output; function : "A"; } }\n  cell (LATCH)')
    p = tmp_path / "buf.lib"
    p.write_text(text)
    sim = G.GateSim(str(_fanout_json(tmp_path / "f.json", loads)), p, max_fanout=8)
    assert sim.buffers == {"nets": 1 if buffers else 0, "cells": buffers}
    assert max(len(v) for v in sim.loads.values()) <= 8
    assert all(typ == "BUFX4" for _, typ, _ in sim.cells[loads + 1:])
    sim.set("a", np.array([0b1010], dtype=np.uint64))
    sim.evaluate()
    assert (sim.get("y") == np.uint64(0b1010)).all()      # y = !!a on every load


def test_components_of_flat_cell_names():
    from syn.area import A_SIDE
    cases = {"mac.fmul[3]._12_": "compute", "queue.slice[9].bits._1489_": "staging",
             "\\in_row[0].zd_a._5_": "a_side", "mux_a._7_$fanout99": "a_side", "mux_b._7_": "sched_b",
             "sched.level[1].enc._3_": "sched_b", "ctrl._2_": "sched_b", "_07_": "own"}
    assert {name: P.component_of(name, A_SIDE, "own") for name in cases} == cases


def test_tile_beats_follow_the_tile_port_layout():
    """rtl/tdash_tile.v: column c's DEPTH rows at in_a[c*DEPTH*N*DW +: DEPTH*N*DW], PE row r's at
    in_b[r*DEPTH*N*DW ...], each laid out as tdash_pe's (row k, lane l at [(k*N + l)*DW +: DW])."""
    from model import tile as MT
    depth, dw, n = 3, 16, P.N_LANES
    a = np.zeros((4, 4, n), dtype=np.int64)
    b = np.zeros((4, 4, n), dtype=np.int64)
    a[2, 1, 5] = 0x1234          # column 2, row 1, lane 5
    b[3, 3, 0] = 7               # PE row 3, row 3 = the second beat's row 0
    beats = P.tile_lane_beats([MT.TileJob(a, b)], depth, dw, 2)
    assert beats.shape == (2, 1 + 2 * 4 * depth * n * dw + 2 + 1)
    in_a = beats[0, 1:1 + 4 * depth * n * dw]
    at = 2 * depth * n * dw + (1 * n + 5) * dw
    assert G.from_bits(in_a[None, at:at + dw], signed=False) == [0x1234] and in_a.sum() == bin(0x1234).count("1")
    in_b = beats[1, 1 + 4 * depth * n * dw:1 + 8 * depth * n * dw]
    at = 3 * depth * n * dw
    assert G.from_bits(in_b[None, at:at + dw], signed=False) == [7] and in_b.sum() == 3
    rows = beats[:, -3:-1]
    assert [G.from_bits(r[None], signed=False)[0] for r in rows] == [3, 1] and list(beats[:, -1]) == [False, True]
