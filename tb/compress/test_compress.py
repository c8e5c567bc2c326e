"""cocotb testbench for rtl/tdash_compress.v (single-cycle and iterative) against
model/compress.py. Every cycle, every output port (in_ready, out_valid, out_word) must equal
the cycle model's (CompressorCycles), under no stalls, random bubbles and back-pressure, long
idle runs that drain the queue mid-group, long back-pressure runs that fill it, both at once,
and random reset pulses (aimed, too, at every state: mid-group, between levels of the
iterative scheduler, a held result, in_ready low). Without resets the stored words must also
be compress()'s, and with no stalls in the no-stall formula's cycles.
Run with ``make sim MODULE=compress``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
import numpy as np
import pytest

from model import compress as C
from model import params as P
from tb.common import codec_bench as CB
from tb.common.fcov import CodecFlowCoverage, GroupCoverage
from tb.common.runner import ROOT, SIM_BUILD, dut_params, run_block, seeded_rng
from tb.common.stream import start

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


class Compressor:
    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.n, self.depth, self.iterative = p["N"], p["DEPTH"], bool(p["ITERATIVE"])
        tag = f"N{self.n}_DEPTH{self.depth}_ITER{int(self.iterative)}"
        self.coverage = GroupCoverage("compress", tag)
        self.model = C.CompressorCycles(self.n, self.depth, CB.DW, self.iterative)
        states = CB.CompressorObserver.STATES + (CB.CompressorObserver.ITER_STATES if self.iterative else ())
        self.flow = CodecFlowCoverage("compress", tag, states, occupancy=3 * self.depth, errors=("bad beat",))
        self.obs = CB.CompressorObserver(self.flow, self.n, self.depth, self.model.levels)

    def beats(self, x):
        return C.group_beats(x, self.n, self.depth)

    def apply(self, beat):
        rows, last = beat
        self.dut.in_data.value = C.pack_rows(rows[:self.depth], self.depth, CB.DW)
        self.dut.in_rows.value = len(rows)   # a bad beat carries 0 or more than DEPTH rows
        self.dut.in_last.value = int(last)

    def read(self):
        d = self.dut
        return {"in_ready": bool(d.in_ready.value), "out_valid": bool(d.out_valid.value),
                "out_word": d.out_word.value.to_unsigned(), "err": bool(d.err.value)}

    def state(self, ready):
        m = self.model
        return CB.CompressorObserver.states_of([e[2] for e in m.queue], self.depth, m.out_valid, ready,
                                               m.ports()["in_ready"], m.lvl, m.levels)

    def observe(self, rst, beat, ready, got):
        self.obs.update(rst, beat is not None, beat, got["in_ready"], got["out_valid"], got["out_word"], ready)

    def busy(self):
        return bool(self.model.queue) or self.model.out_valid

    def flush_coverage(self):
        self.obs.flush()

    async def run(self, tensors, kind="none", rng=None, resets=None, bad_rate=0.0, label=""):
        """Stream ``tensors`` back to back (with bad beats -- 0 or more than DEPTH rows --
        before a fraction ``bad_rate`` of the beats); every port, every cycle, equals the model.
        Without resets the words are compress()'s (bad beats are dropped whole) and err is set
        exactly when a bad beat went in; with kind "none" the words come in the formula's cycles."""
        beats = [b for x in tensors for b in self.beats(x)]
        if bad_rate:
            beats = CB.mix_bad_beats(rng, beats, self.n, self.depth, bad_rate)
        results, accepted, cycles = await CB.run_trace(self, beats, CB.Pattern(rng, kind), resets, label)
        words = [p["out_word"] for _, p in results]
        when = [c - accepted[0] for c, _ in results] if accepted else []
        if resets is None:
            cs = [C.compress(x, CB.DW, self.n, self.depth) for x in tensors]
            CB.check_equal(words, [w for c in cs for w in c.words()], "stored row", label)
            for c in cs:
                CB.sample_groups(self.coverage, c)
            bad = any(not 1 <= len(rows) <= self.depth for rows, _ in beats)
            assert self.model.err == bad, f"{label}: err {self.model.err}, bad beats streamed: {bad}"
            if kind == "none" and not bad:
                want = C.compressor_output_cycles(len(words), self.iterative, self.n).tolist()
                CB.check_equal(when, want, "stored row's cycle", label)
        return words, when, cycles


@cocotb.test()
async def directed(dut):
    h = Compressor(dut)
    await start(dut)
    for name, x in CB.directed_tensors(h.n, C.GROUP_ROWS).items():
        words, _, _ = await h.run([x], label=name)
        dut._log.info("%-15s -> %4d stored rows, every port in every cycle equals the model", name, len(words))


@cocotb.test()
async def random_tensors(dut):
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "random_tensors")
    tensors = CB.random_tensors(rng, TENSORS // 2)   # large ones; the stall and reset runs add many small
    words, _, cycles = await h.run(tensors, label="random tensors")
    dut._log.info("%d random tensors, %d stored rows, %d cycles: ports equal the model, words and cycles the "
                  "no-stall formula", len(tensors), len(words), cycles)


@cocotb.test()
async def stalls(dut):
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "stalls")
    for kind in CB.Pattern.KINDS[1:]:
        tensors = CB.small_tensors(rng, max(4, TENSORS // 3))
        words, _, cycles = await h.run(tensors, kind, rng, label=f"stalls {kind}")
        dut._log.info("%-12s %3d tensors, %4d stored rows in %5d cycles: every port in every cycle equals the model",
                      kind, len(tensors), len(words), cycles)


@cocotb.test()
async def bad_beats(dut):
    """Beats of 0 or more than DEPTH rows mixed into good streams: dropped, err set, the
    stored rows exactly the good stream's."""
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "bad_beats")
    for kind in ("none", "both"):
        await CB.pulse_reset(h)   # err is sticky: each run starts clean
        words, _, cycles = await h.run(CB.small_tensors(rng, max(3, TENSORS // 8)), kind, rng, bad_rate=0.15,
                                       label=f"bad beats {kind}")
        dut._log.info("bad beats under %-4s: dropped, err set, %d stored rows exact in %d cycles", kind,
                      len(words), cycles)


@cocotb.test()
async def resets(dut):
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "resets")
    await CB.reset_runs(h, rng, max(4, TENSORS // 3), bad_rate=0.03)


SWEEP = [round(0.1 * i, 1) for i in range(10)]


@cocotb.test()
async def sparsity_sweep(dut):
    """Throughput (dense rows per cycle) on a 256 x 64 tensor per sparsity, for the table."""
    h = Compressor(dut)
    await start(dut)
    rng = np.random.default_rng(2021)
    out = {}
    for s in SWEEP:
        x = CB.sparse_ints(rng, (256, 64), s, CB.DW)
        c = C.compress(x, CB.DW, h.n, h.depth)
        _, when, _ = await h.run([x], label=f"sweep s={s}")
        out[str(s)] = {"dense_rows": c.dense_rows, "stored_rows": c.stored_rows, "cycles": when[-1] + 1,
                       "footprint": c.footprint_bits(), "dense_bits": c.dense_bits()}
    path = SIM_BUILD / "reports" / f"compress_ITER{int(h.iterative)}_DEPTH{h.depth}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))


SOURCES = ["tdash_compress.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v",
           "tdash_scheduler_iter.v", "tdash_prio_enc.v", "tdash_operand_mux.v", "tdash_nonzero.v",
           "tdash_as_count.v"]
ITER_SOURCES = ["tdash_scheduler_iter.v", "tdash_prio_enc.v", "tdash_as_count.v"]
PARAM_SETS = [{"N": P.LANES, "DEPTH": d, "ITERATIVE": it} for it in (0, 1) for d in P.DEPTHS]
REGRESSION_TESTS = ["directed", "random_tensors", "stalls", "bad_beats", "resets"]
# The iterative scheduler's supported lane counts: those of tdash_scheduler from 5 up (its
# header: N >= 5), as tb/mutation/equivalent.py proves it at.
ITER_SETS = [{"N": n, "DEPTH": d} for n in P.SCHEDULER_LANES if n >= 5 for d in P.DEPTHS]
ACCEPTS = [("tdash_compress", SOURCES, PARAM_SETS), ("tdash_scheduler_iter", ITER_SOURCES, ITER_SETS)]
"""(top, sources, parameter sets): what the RTL must elaborate lint-clean (also a judge of the
mutation campaign, tb/mutation/benches.py: a static mutant that refuses a supported set is
killed, as this test would fail)."""


@pytest.mark.parametrize("tool", CB.elab_tools())
def test_elaborates_everywhere(tool):
    """Plain Verilog-2005: every supported set elaborates on Icarus, Yosys and Verilator
    -Wall (lint clean), and so does tdash_scheduler_iter alone at every lane count it
    supports (N >= 5), although the compressor instantiates it only at N = 16."""
    for top, sources, sets in ACCEPTS:
        done = CB.elaborate(tool, top, sources, sets)
        assert done.returncode == 0, f"{tool} {' '.join(map(str, done.args))}:\n{done.stdout}{done.stderr}"


COMPRESS_REFUSAL = "tdash_error_tdash_compress_supports_N_16_DW_16_DEPTH_2_or_3_ITERATIVE_0_or_1"
ITER_REFUSAL = "tdash_error_tdash_scheduler_iter_needs_N_at_least_5_and_DEPTH_2_or_3"


REFUSALS = ([("tdash_compress", SOURCES, params, COMPRESS_REFUSAL)
             for params in ({"N": 8}, {"DEPTH": 4}, {"DW": 8}, {"ITERATIVE": 2})]
            + [("tdash_scheduler_iter", ITER_SOURCES, params, ITER_REFUSAL) for params in ({"N": 4}, {"DEPTH": 4})])
"""(top, sources, parameters, message): what the RTL must refuse at elaboration (also a judge
of the mutation campaign, tb/mutation/benches.py)."""


@pytest.mark.parametrize("tool, top, sources, params, message", CB.refusal_cases(REFUSALS),
                         ids=CB.refusal_id)
def test_unsupported_parameters_are_refused(tool, top, sources, params, message):
    """What tb/compress does not test, the RTL refuses at elaboration, by name."""
    CB.assert_refused(tool, top, sources, params, message)


def run_compress(params, testcase=None):
    run_block("compress", "tdash_compress", params, SOURCES, "tb.compress.test_compress", testcase)


@pytest.mark.parametrize("params", PARAM_SETS, ids=lambda p: f"DEPTH{p['DEPTH']}_ITER{p['ITERATIVE']}")
def test_compress(params):
    run_compress(params, REGRESSION_TESTS)


@pytest.mark.parametrize("iterative", [0, 1], ids=lambda i: f"ITER{i}")
def test_loopback(iterative):
    """RTL compress -> RTL decompress is the identity."""
    run_block("codec_loopback", "codec_loopback",
              {"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH, "ITERATIVE": iterative},
              SOURCES + ["tdash_decompress.v", str(Path(__file__).with_name("codec_loopback.v"))],
              "tb.compress.loopback")


def test_compress_table():
    """Footprint and stored rows (model), throughput of both compressors (RTL = model)."""
    for it in (0, 1):
        run_compress({"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH, "ITERATIVE": it}, "sparsity_sweep")
    runs = {it: json.loads((SIM_BUILD / "reports" / f"compress_ITER{it}_DEPTH3.json").read_text()) for it in (0, 1)}
    lines = ["# Scheduled storage: footprint and compressor throughput", "",
             "256 x 64 int16 tensor (1024 dense rows of 16 lanes, 64 groups of 16 rows), depth 3. Footprint "
             "includes idx, adv/last, header and group pointers. Throughput = dense rows per cycle, "
             "measured on the RTL (equal to the model's cycle count).", "",
             "| sparsity | footprint / dense | stored rows / dense rows | single-cycle: dense rows/cycle "
             "| iterative: dense rows/cycle | single / iterative |", "|---|---|---|---|---|---|"]
    for s in SWEEP:
        a, b = runs[0][str(s)], runs[1][str(s)]
        ta, tb = a["dense_rows"] / a["cycles"], b["dense_rows"] / b["cycles"]
        lines.append(f"| {s:.1f} | {a['footprint'] / a['dense_bits']:.3f} | {a['stored_rows'] / a['dense_rows']:.3f} "
                     f"| {ta:.3f} | {tb:.3f} | {ta / tb:.2f}x |")
    text = "\n".join(lines) + "\n"
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "compress.md").write_text(text)
    print(text)
