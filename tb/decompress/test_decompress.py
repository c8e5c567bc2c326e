"""cocotb testbench for rtl/tdash_decompress.v against model/compress.py. Every cycle, every
output port (in_ready, out_valid, out_data, out_rows, out_last, err) must equal the cycle
model's (DecompressorCycles), under no stalls, random bubbles and back-pressure, long idle
runs mid-group, long back-pressure runs, both at once, random reset pulses (aimed, too, at
every state: mid-group, values waiting in the window for later rows, a held result, err
set), and with bad stored rows mixed into good streams. Fed compress()'s words, the beats
must be expand_rows()'s and the tensor must come back bit for bit; with no stalls every beat
in the formula's cycle. A bad word must only raise its err bit: the good words around it
still give exactly the good stream's beats.
Run with ``make sim MODULE=decompress``."""

from __future__ import annotations

import os

import cocotb
import numpy as np
import pytest

from model import compress as C
from model import params as P
from model import scheduler as S
from tb.common import codec_bench as CB
from tb.common.fcov import CodecFlowCoverage, GroupCoverage
from tb.common.runner import dut_params, run_block, seeded_rng
from tb.common.stream import start

TENSORS = int(os.environ.get("TDASH_TENSORS", "40"))


class Decompressor:
    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.n, self.depth = p["N"], p["DEPTH"]
        tag = f"N{self.n}_DEPTH{self.depth}"
        self.coverage = GroupCoverage("decompress", tag)
        self.model = C.DecompressorCycles(self.n, self.depth, CB.DW)
        self.flow = CodecFlowCoverage("decompress", tag, CB.DecompressorObserver.STATES,
                                      errors=tuple(C.ERRORS.values()))
        self.obs = CB.DecompressorObserver(self.flow, self.n, self.depth)

    def apply(self, word):
        self.dut.in_word.value = word

    def read(self):
        d = self.dut
        return {"in_ready": bool(d.in_ready.value), "out_valid": bool(d.out_valid.value),
                "out_data": d.out_data.value.to_unsigned(), "out_rows": int(d.out_rows.value),
                "out_last": bool(d.out_last.value), "err": int(d.err.value)}

    def state(self, ready):
        """The states for aimed resets: the observer's (DUT-side) view, with the model's
        out_valid and err (equal to the DUT's, checked every cycle)."""
        return self.obs.states(self.model.out_valid, ready, self.model.err)

    def observe(self, rst, word, ready, got):
        self.obs.update(rst, word is not None, word, got["in_ready"], got["out_valid"], ready, got["err"])

    def busy(self):
        return self.model.out_valid

    def flush_coverage(self):
        self.obs.flush()

    def beats_of(self, results):
        """(rows, last) of every beat the DUT gave, rows cut at out_rows."""
        out = []
        for _, p in results:
            vals = np.frombuffer(p["out_data"].to_bytes(self.depth * self.n * 2, "little"), "<i2")
            out.append((vals.reshape(self.depth, self.n)[:p["out_rows"]].astype(np.int64), p["out_last"]))
        return out

    async def run(self, tensors, kind="none", rng=None, resets=None, bad_rate=0.0, label=""):
        """Stream the tensors' stored rows back to back (with bad words mixed in at
        ``bad_rate``); every port, every cycle, equals the model. Without resets the good beats
        must be expand_rows()'s, the tensors must come back, and err must hold exactly the
        causes of the bad words; with kind "none" the beats come in the formula's cycles."""
        cs = [C.compress(x, CB.DW, self.n, self.depth) for x in tensors]
        good = [w for c in cs for w in c.words()]
        words, causes = mix_bad_words(rng, good, self.n, self.depth, bad_rate) if bad_rate else (good, 0)
        results, accepted, cycles = await CB.run_trace(self, words, CB.Pattern(rng, kind), resets, label)
        if resets is None:
            beats = self.beats_of(results)
            want = [b for c in cs for b in zip(C.expand_rows(c.values, c.idx, c.adv, c.last, self.n, self.depth),
                                                c.last.tolist())]
            CB.check_equal([(b.tolist(), last) for b, last in beats], [(b.tolist(), last) for b, last in want],
                           "dense beat", label)
            k = 0
            for x, c in zip(tensors, cs):
                rows = np.vstack([b for b, _ in beats[k:k + c.stored_rows]])
                k += c.stored_rows
                assert np.array_equal(rows.ravel()[:x.size].reshape(x.shape), x), f"{label}: a tensor came back changed"
                CB.sample_groups(self.coverage, c)
            assert self.model.err == causes, f"{label}: err {self.model.err:#x}, the bad words' causes {causes:#x}"
            if kind == "none" and not bad_rate:
                want_c = C.decompressor_output_cycles(len(words)).tolist()
                CB.check_equal([c - accepted[0] for c, _ in results], want_c, "beat's cycle", label)
        return results, accepted, cycles


def mix_bad_words(rng, good: list[int], n: int, depth: int, rate: float):
    """``good`` with bad words inserted before a fraction ``rate`` of its words, each made to
    break one rule of model.compress.word_errors on the window the good words before it
    leave; returns (words, OR of the causes)."""
    window = np.zeros((depth, n), np.int64)
    out, causes = [], 0
    for w in good:
        if rng.random() < rate:
            bad = bad_word(rng, window, w, n, depth)
            causes |= C.word_errors(window, bad, n, depth, CB.DW)
            out.append(bad)
        out.append(w)
        err, _, window, _, _ = C.scatter_word(window, w, n, depth, CB.DW)
        assert not err
    return out, causes


def bad_word(rng, window, w, n: int, depth: int) -> int:
    """A word breaking one randomly chosen rule (bad slot, bad adv, collision, leftover)."""
    nopt = len(S.OPTIONS[depth])
    slot = CB.DW + 3
    values, idx, adv, last = C.unpack_word(w, n, CB.DW)
    cause = rng.choice(["slot", "adv", "collision", "leftover"])
    lane = int(rng.integers(0, n))
    if cause == "slot":
        if depth == 2 and rng.random() < 0.5:   # a value with a code past the options
            values[lane], idx[lane] = values[lane] or 1, int(rng.integers(nopt, 8))
        else:                                     # an empty slot with a code
            values[lane], idx[lane] = 0, int(rng.integers(1, 8))
        return C.pack_word(values, idx, adv, last, CB.DW)
    if cause == "adv":
        bad_adv = [a for a in range(4) if not 1 <= a <= depth]
        return (w & ~(3 << (n * slot))) | (int(rng.choice(bad_adv)) << (n * slot))
    if cause == "collision":
        held = np.argwhere(window != 0)
        values, idx = [0] * n, [0] * n
        if len(held) and rng.random() < 0.5:      # aimed at a position an earlier word filled
            r, col = held[int(rng.integers(0, len(held)))]
            k = next(k for k in range(nopt) if S.option_source(0, k, depth, n)[0] == r)
            off = S.options(depth)[k][1]
            lane = (int(col) - off) % n
            values[lane], idx[lane] = 5, k
        else:                                     # two lanes aimed at (+1, lane): options 1 and (+1, -1)
            k2 = S.options(depth).index((1, -1))
            values[lane], idx[lane] = 5, 1
            values[(lane + 1) % n], idx[(lane + 1) % n] = 6, k2
        return C.pack_word(values, idx, 1, False, CB.DW)
    values, idx = [0] * n, [0] * n               # leftover: ends a group, leaves row +1 behind
    values[lane], idx[lane] = 7, 1
    return C.pack_word(values, idx, 1, True, CB.DW)


@cocotb.test()
async def directed(dut):
    h = Decompressor(dut)
    await start(dut)
    for name, x in CB.directed_tensors(h.n, C.GROUP_ROWS).items():
        results, _, _ = await h.run([x], label=name)
        dut._log.info("%-15s %4d beats, bit-exact, every port in every cycle equals the model", name, len(results))


@cocotb.test()
async def random_tensors(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "random_tensors")
    tensors = CB.random_tensors(rng, TENSORS // 2)   # large ones; the stall and reset runs add many small
    results, _, cycles = await h.run(tensors, label="random tensors")
    dut._log.info("%d random tensors, %d beats in %d cycles: restored bit for bit, ports equal the model",
                  len(tensors), len(results), cycles)


@cocotb.test()
async def stalls(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "stalls")
    for kind in CB.Pattern.KINDS[1:]:
        results, _, cycles = await h.run(CB.small_tensors(rng, max(4, TENSORS // 3)), kind, rng,
                                         label=f"stalls {kind}")
        dut._log.info("%-12s %4d beats in %5d cycles: every port in every cycle equals the model", kind,
                      len(results), cycles)


@cocotb.test()
async def bad_words(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "bad_words")
    for kind in ("none", "both"):
        for i in range(3):
            await CB.pulse_reset(h)   # err is sticky: each run starts clean
            await h.run(CB.small_tensors(rng, max(2, TENSORS // 10)), kind, rng, bad_rate=0.15,
                        label=f"bad words {kind} {i}")
        dut._log.info("bad words under %-4s: dropped, err holds their causes, the good beats are exact", kind)
    # Garbage: random words; the model says which are bad and what the good ones give.
    words = [int.from_bytes(rng.bytes(40), "little") & ((1 << C.word_bits(h.n, CB.DW)) - 1) for _ in range(200)]
    await CB.run_trace(h, words, CB.Pattern(rng, "random"), label="garbage")
    dut._log.info("200 random words: every port in every cycle equals the model (err %#x)", h.model.err)


@cocotb.test()
async def resets(dut):
    h = Decompressor(dut)
    await start(dut)
    rng = seeded_rng(dut, "resets")
    await CB.reset_runs(h, rng, max(4, TENSORS // 3), bad_rate=0.05)


PARAM_SETS = [{"N": P.LANES, "DEPTH": d} for d in P.DEPTHS]


@pytest.mark.parametrize("params", PARAM_SETS, ids=lambda p: f"DEPTH{p['DEPTH']}")
def test_decompress(params):
    run_block("decompress", "tdash_decompress", params, ["tdash_decompress.v"], "tb.decompress.test_decompress")


@pytest.mark.parametrize("tool", CB.elab_tools())
def test_elaborates_everywhere(tool):
    """Plain Verilog-2005: both supported sets elaborate on Icarus, Yosys and Verilator -Wall."""
    done = CB.elaborate(tool, "tdash_decompress", ["tdash_decompress.v"], PARAM_SETS)
    assert done.returncode == 0, f"{tool} {' '.join(map(str, done.args))}:\n{done.stdout}{done.stderr}"


DECOMPRESS_REFUSAL = "tdash_error_tdash_decompress_supports_N_16_DW_16_DEPTH_2_or_3"
REFUSALS = [("tdash_decompress", ["tdash_decompress.v"], params, DECOMPRESS_REFUSAL)
            for params in ({"N": 8}, {"DEPTH": 4}, {"DEPTH": 1}, {"DW": 32})]
"""(top, sources, parameters, message): what the RTL must refuse at elaboration (also a judge
of the mutation campaign, tb/mutation/benches.py)."""


@pytest.mark.parametrize("tool, top, sources, params, message", CB.refusal_cases(REFUSALS),
                         ids=CB.refusal_id)
def test_unsupported_parameters_are_refused(tool, top, sources, params, message):
    """What tb/decompress does not test, the RTL refuses at elaboration, by name."""
    CB.assert_refused(tool, top, sources, params, message)


ICARUS_ENV = {"TDASH_TENSORS": "3"}
"""Icarus is far slower than Verilator: the same tests on a small stimulus."""


def test_decompress_icarus(monkeypatch):
    """The same bench, simulator-independent, on Icarus Verilog built as Verilog-2005."""
    monkeypatch.setenv("SIM", "icarus")
    run_block("decompress", "tdash_decompress", {"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH}, ["tdash_decompress.v"],
              "tb.decompress.test_decompress", extra_env=ICARUS_ENV)
