"""cocotb tests for tb/compress/codec_loopback.v: dense tensors through the RTL compressor
and the RTL decompressor must come back bit for bit, group ends in place, with and without
stalls on both sides. Run by test_compress.py::test_loopback (make sim MODULE=compress)."""

from __future__ import annotations

import os

import cocotb
import numpy as np

from model import compress as C
from tb.common import codec_bench as CB
from tb.common.runner import dut_params, seeded_rng
from tb.common.stream import start, stream_through
from tb.compress.test_compress import Compressor

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


async def round_trip(dut, x, rng=None, bubble=0.0, stall=0.0, label=""):
    p = dut_params()
    h = Compressor(dut)
    c = C.compress(x, CB.DW, p["N"], p["DEPTH"])

    def read():
        rows = int(dut.out_rows.value)
        vals = np.frombuffer(dut.out_data.value.to_unsigned().to_bytes(p["DEPTH"] * p["N"] * 2, "little"), "<i2")
        return vals.reshape(p["DEPTH"], p["N"])[:rows].astype(np.int64), bool(int(dut.out_last.value))

    expected = int(C.compressor_output_cycles(c.stored_rows, h.iterative, p["N"])[-1]) + 2
    beats, _, _ = await stream_through(dut, h.beats(x), h.apply, read, c.stored_rows, rng, bubble, stall, expected)
    back = np.vstack([b for b, _ in beats]).ravel()[:x.size].reshape(x.shape)
    assert np.array_equal(back, x), f"{label}: compress -> decompress on the RTL changed the tensor"
    ends = [i for i, (_, last) in enumerate(beats) if last]
    assert ends == [i for i in range(c.stored_rows) if c.last[i]], f"{label}: group ends moved"


@cocotb.test()
async def identity(dut):
    await start(dut)
    rng = seeded_rng(dut, "identity")
    tensors = list(CB.directed_tensors(dut_params()["N"], C.GROUP_ROWS).values()) + CB.random_tensors(rng, TENSORS)
    for i, x in enumerate(tensors):
        await round_trip(dut, x, label=f"tensor {i} shape {x.shape}")
    for bubble, stall in ((0.3, 0.5), (0.5, 0.2)):
        for i, x in enumerate(CB.random_tensors(rng, max(3, TENSORS // 4))):
            await round_trip(dut, x, rng, bubble, stall, label=f"stalls {bubble}/{stall} tensor {i}")
    dut._log.info("%d tensors (and stalled runs) come back bit for bit through RTL compress -> decompress",
                  len(tensors))
