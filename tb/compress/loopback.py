"""cocotb tests for tb/compress/codec_loopback.v: dense tensors through the RTL compressor
and the RTL decompressor must come back bit for bit, group ends in place, and every port of
the pair in every cycle must equal the two cycle models chained (the compressor's out_ready
is the decompressor's in_ready), with and without stalls and resets.
Run by test_compress.py::test_loopback (make sim MODULE=compress)."""

from __future__ import annotations

import os

import cocotb
import numpy as np

from model import compress as C
from tb.common import codec_bench as CB
from tb.common.runner import dut_params, seeded_rng
from tb.common.stream import start
from tb.compress.test_compress import Compressor

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


class LoopbackCycles:
    """model.compress.CompressorCycles feeding DecompressorCycles, as codec_loopback.v wires them."""

    def __init__(self, n, depth, iterative):
        self.comp = C.CompressorCycles(n, depth, CB.DW, iterative)
        self.dec = C.DecompressorCycles(n, depth, CB.DW)

    def cycle(self, rst, in_valid, beat, out_ready):
        mid_ready = self.dec.ports(out_ready)["in_ready"]
        c = self.comp.cycle(rst, in_valid, beat, mid_ready)
        d = self.dec.cycle(rst, c["out_valid"], c["out_word"], out_ready)
        return {**d, "in_ready": c["in_ready"], "accepted": c["accepted"], "comp_err": c["err"]}


class Loopback(Compressor):
    def __init__(self, dut):   # the compressor's stimulus and apply(); no coverage of its own
        self.dut = dut
        p = dut_params()
        self.n, self.depth, self.iterative = p["N"], p["DEPTH"], bool(p["ITERATIVE"])
        self.model = LoopbackCycles(self.n, self.depth, self.iterative)

    def flush_coverage(self):
        pass

    def read(self):
        d = self.dut
        return {"in_ready": bool(d.in_ready.value), "out_valid": bool(d.out_valid.value),
                "out_data": d.out_data.value.to_unsigned(), "out_rows": int(d.out_rows.value),
                "out_last": bool(d.out_last.value), "err": int(d.err.value), "comp_err": bool(d.comp_err.value)}

    def state(self, ready):
        return set()

    def observe(self, *args):
        pass

    def busy(self):
        m = self.model
        return bool(m.comp.queue) or m.comp.out_valid or m.dec.out_valid

    async def round_trip(self, tensors, kind="none", rng=None, resets=None, label=""):
        beats = [b for x in tensors for b in self.beats(x)]
        results, _, cycles = await CB.run_trace(self, beats, CB.Pattern(rng, kind), resets, label)
        if resets is None:
            rows, ends = [], []
            for i, (_, p) in enumerate(results):
                vals = np.frombuffer(p["out_data"].to_bytes(self.depth * self.n * 2, "little"), "<i2")
                rows.append(vals.reshape(self.depth, self.n)[:p["out_rows"]].astype(np.int64))
                if p["out_last"]:
                    ends.append(i)
            k = 0
            want_ends, base = [], 0
            for x in tensors:
                c = C.compress(x, CB.DW, self.n, self.depth)
                back = np.vstack(rows[k:k + c.stored_rows]).ravel()[:x.size].reshape(x.shape)
                assert np.array_equal(back, x), f"{label}: compress -> decompress on the RTL changed a tensor"
                want_ends += [base + i for i in range(c.stored_rows) if c.last[i]]
                k += c.stored_rows
                base += c.stored_rows
            assert ends == want_ends, f"{label}: group ends moved"
            assert results[-1][1]["err"] == 0, f"{label}: the decompressor flagged compress()'s own words"
        return cycles


@cocotb.test()
async def identity(dut):
    h = Loopback(dut)
    await start(dut)
    rng = seeded_rng(dut, "identity")
    # The blocks alone get the long runs (tb/compress, tb/decompress); the chain gets the
    # directed tensors, a few random ones and the two stall patterns that stress the
    # compressor -> decompressor handshake most (both at once, a drain mid-group).
    tensors = list(CB.directed_tensors(dut_params()["N"], C.GROUP_ROWS).values()) + CB.random_tensors(rng, TENSORS // 8)
    await h.round_trip(tensors, label="directed and random tensors")
    for kind in ("both", "drain"):
        await h.round_trip(CB.small_tensors(rng, max(3, TENSORS // 8)), kind, rng, label=f"stalls {kind}")
    r = CB.Resets(rng, rate=0.01)
    await h.round_trip(CB.small_tensors(rng, max(3, TENSORS // 8)), "both", rng, r, label="resets")
    await CB.pulse_reset(h)
    await h.round_trip(CB.small_tensors(rng, 2), label="after resets")
    dut._log.info("%d tensors and the stalled and reset runs: bit for bit through RTL compress -> decompress, "
                  "every port in every cycle equals the chained models", len(tensors))
