"""cocotb testbench for rtl/tdash_decompress.v against model/compress.py: fed the model's
stored rows, the RTL must give back every dense beat of the model (rows, count and group end),
and the tensor must come back bit for bit; with no stalls every beat in the model's cycle;
with random bubbles and back-pressure nothing lost or duplicated.
Run with ``make sim MODULE=decompress``."""

from __future__ import annotations

import os

import cocotb
import numpy as np
import pytest

from model import compress as C
from model import params as P
from tb.common import codec_bench as CB
from tb.common.fcov import GroupCoverage
from tb.common.runner import dut_params, run_block, seeded_rng
from tb.common.stream import start, stream_through

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


class Decompressor:
    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.n, self.depth = p["N"], p["DEPTH"]
        self.coverage = GroupCoverage("decompress", f"N{self.n}_DEPTH{self.depth}")

    def apply(self, word):
        self.dut.in_word.value = word

    def read(self):
        rows = int(self.dut.out_rows.value)
        data = self.dut.out_data.value.to_unsigned()
        vals = np.frombuffer(data.to_bytes(self.depth * self.n * 2, "little"), dtype="<i2").reshape(self.depth, self.n)
        # Interface contract (rtl/tdash_decompress.v): rows at and beyond out_rows are zero, so
        # a consumer that does not mask by out_rows still sees nothing there.
        assert not vals[rows:].any(), f"out_data rows {rows}..{self.depth - 1} (beyond out_rows = {rows}) are not zero"
        return vals[:rows].astype(np.int64), int(self.dut.out_last.value)

    async def run(self, x, rng=None, bubble=0.0, stall=0.0, label=""):
        c = C.compress(x, CB.DW, self.n, self.depth)
        beats, cycles, _ = await stream_through(self.dut, c.words(), self.apply, self.read,
                                                c.stored_rows, rng, bubble, stall)
        want = C.expand_rows(c.values, c.idx, c.adv, c.last, self.n, self.depth)
        CB.check_equal([(b.tolist(), last) for b, last in beats],
                       [(w.tolist(), bool(lst)) for w, lst in zip(want, c.last)], "dense beat", label)
        # The whole tensor, bit for bit, from what the RTL produced.
        size = int(np.prod(x.shape))
        back = np.vstack([b for b, _ in beats]).ravel()[:size].reshape(x.shape)
        assert np.array_equal(back, x), f"{label}: the expanded tensor differs from the original"
        CB.sample_groups(self.coverage, c)
        if bubble == 0 and stall == 0:
            CB.check_equal(cycles, C.decompressor_output_cycles(c.stored_rows).tolist(), "beat's cycle", label)
        return c, cycles


@cocotb.test()
async def directed(dut):
    h = Decompressor(dut)
    await start(dut)
    for name, x in CB.directed_tensors(h.n, C.GROUP_ROWS).items():
        c, _ = await h.run(x, label=name)
        dut._log.info("%-15s %4d stored rows -> %4d dense rows, bit-exact, cycles match", name, c.stored_rows,
                      c.dense_rows)


@cocotb.test()
async def random_tensors(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "random_tensors")
    rows = 0
    for i, x in enumerate(CB.random_tensors(rng, TENSORS)):
        c, cycles = await h.run(x, label=f"tensor {i} shape {x.shape}")
        rows += c.dense_rows
    dut._log.info("%d random tensors (%d dense rows) restored bit for bit, cycles equal the model", TENSORS, rows)


@cocotb.test()
async def stalls(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "stalls")
    for bubble, stall in ((0.3, 0.0), (0.0, 0.5), (0.4, 0.6)):
        for i, x in enumerate(CB.random_tensors(rng, max(3, TENSORS // 4))):
            await h.run(x, rng, bubble, stall, label=f"bubbles {bubble} back-pressure {stall} tensor {i}")
        dut._log.info("bubbles %.1f, back-pressure %.1f: tensors exact, none lost or duplicated", bubble, stall)


PARAM_SETS = [{"N": P.LANES, "DEPTH": d} for d in P.DEPTHS]


@pytest.mark.parametrize("params", PARAM_SETS, ids=lambda p: f"DEPTH{p['DEPTH']}")
def test_decompress(params):
    run_block("decompress", "tdash_decompress", params, ["tdash_decompress.v"], "tb.decompress.test_decompress")
