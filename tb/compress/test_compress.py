"""cocotb testbench for rtl/tdash_compress.v (single-cycle and iterative) against
model/compress.py: every stored word equal to the model's, bit for bit; with no stalls every
word in the model's cycle; with random bubbles and back-pressure nothing lost or duplicated.
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
from tb.common.bus import pack_values
from tb.common.fcov import GroupCoverage
from tb.common.runner import ROOT, SIM_BUILD, dut_params, run_block, seeded_rng
from tb.common.stream import start, stream_through

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


class Compressor:
    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.n, self.depth, self.iterative = p["N"], p["DEPTH"], bool(p["ITERATIVE"])
        self.coverage = GroupCoverage("compress", f"N{self.n}_DEPTH{self.depth}_ITER{int(self.iterative)}")

    def beats(self, x):
        out = []
        for rows, last in C.group_beats(x, self.n, self.depth):
            pad = np.zeros((self.depth - rows.shape[0], self.n), np.int64)
            out.append((pack_values(np.vstack([rows, pad]), CB.DW), rows.shape[0], int(last)))
        return out

    def apply(self, beat):
        self.dut.in_data.value, self.dut.in_rows.value, self.dut.in_last.value = beat

    async def run(self, x, rng=None, bubble=0.0, stall=0.0, label=""):
        c = C.compress(x, CB.DW, self.n, self.depth)
        want_cycles = C.compressor_output_cycles(c.stored_rows, self.iterative, self.n).tolist()
        words, cycles, _ = await stream_through(self.dut, self.beats(x), self.apply,
                                                lambda: self.dut.out_word.value.to_unsigned(),
                                                c.stored_rows, rng, bubble, stall, want_cycles[-1])
        CB.check_equal(words, c.words(), "stored row", label)
        CB.sample_groups(self.coverage, c)
        if bubble == 0 and stall == 0:
            CB.check_equal(cycles, want_cycles, "stored row's cycle", label)
        return c, cycles


@cocotb.test()
async def directed(dut):
    h = Compressor(dut)
    await start(dut)
    for name, x in CB.directed_tensors(h.n, C.GROUP_ROWS).items():
        c, _ = await h.run(x, label=name)
        dut._log.info("%-15s %4d dense rows -> %4d stored rows, words and cycles match",
                      name, c.dense_rows, c.stored_rows)


@cocotb.test()
async def random_tensors(dut):
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "random_tensors")
    stored = 0
    for i, x in enumerate(CB.random_tensors(rng, TENSORS)):
        c, _ = await h.run(x, label=f"tensor {i} shape {x.shape}")
        stored += c.stored_rows
    dut._log.info("%d random tensors, %d stored rows: every word and cycle equals the model", TENSORS, stored)


@cocotb.test()
async def stalls(dut):
    h = Compressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "stalls")
    for bubble, stall in ((0.3, 0.0), (0.0, 0.5), (0.4, 0.6)):
        for i, x in enumerate(CB.random_tensors(rng, max(3, TENSORS // 4))):
            await h.run(x, rng, bubble, stall, label=f"bubbles {bubble} back-pressure {stall} tensor {i}")
        dut._log.info("bubbles %.1f, back-pressure %.1f: words exact, none lost or duplicated", bubble, stall)


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
        c, cycles = await h.run(x, label=f"sweep s={s}")
        out[str(s)] = {"dense_rows": c.dense_rows, "stored_rows": c.stored_rows, "cycles": cycles[-1] + 1,
                       "footprint": c.footprint_bits(), "dense_bits": c.dense_bits()}
    path = SIM_BUILD / "reports" / f"compress_ITER{int(h.iterative)}_DEPTH{h.depth}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))


SOURCES = ["tdash_compress.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v",
           "tdash_scheduler_iter.v", "tdash_prio_enc.v", "tdash_operand_mux.v", "tdash_nonzero.v",
           "tdash_as_count.v"]
PARAM_SETS = [{"N": P.LANES, "DEPTH": d, "ITERATIVE": it} for it in (0, 1) for d in P.DEPTHS]
REGRESSION_TESTS = ["directed", "random_tensors", "stalls"]


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
