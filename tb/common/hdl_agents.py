"""Python side of the HDL-side stream agents (tb/common/tdash_tb_stream.v, issue 19).

A run is prepared here, played in the simulator with no Python code per cycle, and checked
in one pass:

1. :func:`controls` draws the per-cycle control pattern (upstream bubbles, back-pressure,
   reset pulses) in one of the :data:`STYLES`.
2. :func:`predict` plays the beats through the model's cycle-level pipeline
   (model/pipeline.py) under that pattern, replaying the HDL source's rule (a beat, once
   offered, stays until taken; a reset withdraws it), and returns every cycle's expected
   trace and every change of ``out_data``. It can place reset pulses where the model says the
   DUT is in a given state (a full queue, a result held by back-pressure, ...), so that
   reset is tried in every state, not only where chance puts it.
3. :func:`play` writes the files, pulses ``go``, waits for ``done`` and reads back what the
   DUT did; :func:`compare` demands equality, cycle by cycle: every ``in_ready`` and
   ``out_valid`` sample (so every accepted beat's cycle and every result's cycle), every
   result value, ``err``, the rows in the window, and the ports during and after reset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from cocotb.triggers import RisingEdge

from model import pipeline as PL

TRACE_FIELDS = PL.SAMPLE_FIELDS
"""Bits 0..5 of a trace entry (tdash_tb_stream.v captures the model's sample layout); bits 6..7
hold the rows present in the window."""
TAIL = 8
"""Cycles a run goes on after the last result: a duplicated result would show there."""
STYLES = ("none", "random", "idle_runs", "backpressure_runs", "both", "alternate")
"""Control patterns: no stalls; per-cycle random bubbles and back-pressure; idle runs of 0 to
50 cycles that drain the queue mid-job; back-pressure runs of 0 to 50 cycles that fill every
queue; idle runs, back-pressure runs and random stalls at once; back-pressure in every other
cycle (it stalls every job, which spans at least 3 cycles)."""
MAX_RUN = 50


@dataclass
class Controls:
    """Per-cycle inputs the HDL agents apply: reset, source bubble, sink ready."""

    rst: np.ndarray
    bubble: np.ndarray
    ready: np.ndarray

    def __len__(self) -> int:
        return len(self.rst)

    def words(self) -> np.ndarray:
        return (self.rst.astype(np.uint8) | self.bubble.astype(np.uint8) << 1 | self.ready.astype(np.uint8) << 2)


def _runs(rng, cycles: int, mean_gap: int) -> np.ndarray:
    """True in runs of 0..MAX_RUN cycles, separated by gaps of mean ``mean_gap`` cycles."""
    out = np.zeros(cycles, dtype=bool)
    c = int(rng.integers(0, mean_gap + 1))
    while c < cycles:
        length = int(rng.integers(0, MAX_RUN + 1))
        out[c:c + length] = True
        c += length + 1 + int(rng.geometric(1.0 / mean_gap))
    return out


def controls(rng, style: str, cycles: int, reset_rate: float = 0.0) -> Controls:
    """A control pattern of ``cycles`` cycles in ``style`` (:data:`STYLES`), with random reset
    pulses of 1 to 3 cycles at ``reset_rate`` per cycle."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    bubble = np.zeros(cycles, dtype=bool)
    stall = np.zeros(cycles, dtype=bool)
    if style in ("random", "both"):
        pb, ps = rng.uniform(0.05, 0.5), rng.uniform(0.05, 0.6)
        if style == "both":
            pb, ps = pb / 3, ps / 3
        bubble |= rng.random(cycles) < pb
        stall |= rng.random(cycles) < ps
    if style in ("idle_runs", "both"):
        bubble |= _runs(rng, cycles, 40)
    if style in ("backpressure_runs", "both"):
        stall |= _runs(rng, cycles, 40)
    if style == "alternate":
        stall[1::2] = True
    rst = np.zeros(cycles, dtype=bool)
    if reset_rate:
        for c in np.flatnonzero(rng.random(cycles) < reset_rate):
            rst[c:c + int(rng.integers(1, 4))] = True
    return Controls(rst, bubble, ~stall)


@dataclass
class Expected:
    """What a run must show: per-cycle trace entries, out_data changes (cycle, value), the
    control pattern actually applied (with the resets :func:`predict` placed) and summary
    counts for the log and the coverage."""

    trace: np.ndarray
    changes: list
    ctl: Controls
    results: list = field(default_factory=list)      # (cycle, value) of every handshake
    resets_placed: list = field(default_factory=list)

    @property
    def ncycles(self) -> int:
        return len(self.trace)


def predict(model, beats: Sequence, ctl: Controls, reset_in: Sequence[tuple[str, Callable]] = (),
            reset_after: int = 0) -> Expected:
    """Play ``beats`` through ``model`` (a model.pipeline.StagedPipeline) under ``ctl``, with
    the HDL source's rule (model.pipeline.play: a beat, once offered, stays until taken; a
    reset withdraws it) and reset pulses placed by ``reset_in`` once the run is
    ``reset_after`` cycles old (see model.pipeline.play). The run ends TAIL cycles after every
    beat has been accepted and the pipeline is empty; a pattern too short for that is an error.
    """
    rst = ctl.rst.copy()
    got = PL.play(model, beats, rst, ctl.bubble, ctl.ready, TAIL, reset_in, reset_after)
    end = got.ncycles
    applied = Controls(rst[:end], ctl.bubble[:end].copy(), ctl.ready[:end].copy())
    return Expected(got.samples, got.changes, applied, got.results, got.resets_placed)


def _hex_words(path: Path) -> list[int]:
    """A $writememh file: one word per line; Icarus adds `// 0x<address>` comment lines."""
    text = path.read_bytes()
    if b"/" not in text and b"@" not in text:      # Verilator: one bare word per line
        return [int(w, 16) for w in text.split()]
    words = []
    for line in text.decode().splitlines():
        line = line.split("//", 1)[0].strip()
        if line and not line.startswith("@"):
            words.extend(int(w, 16) for w in line.split())
    return words


async def play(dut, words: Sequence[int], in_width: int, ctl: Controls) -> tuple[np.ndarray, list, float]:
    """Run the HDL agents once: beats ``words`` (``in_width`` bits each) under ``ctl``.
    Returns the captured trace, the out_data changes and the seconds spent loading files."""
    t0 = time.perf_counter()
    nbytes = (in_width + 7) // 8      # tdash_tb_stream's $fread layout: big-endian bytes per word
    Path("tb_beats.bin").write_bytes(b"".join(w.to_bytes(nbytes, "big") for w in words))
    Path("tb_ctl.bin").write_bytes(ctl.words().tobytes())
    load = time.perf_counter() - t0
    dut.ncycles.value = len(ctl)
    dut.nbeats.value = len(words)
    dut.go.value = 1
    await RisingEdge(dut.clk)
    dut.go.value = 0
    await RisingEdge(dut.done)
    assert not dut.overflow.value, "more out_data changes than the capture memory holds (CHG_AW)"
    trace = np.array(_hex_words(Path("tb_trace.hex")), dtype=np.uint8)
    changes = _hex_words(Path("tb_chg.hex"))
    assert len(changes) == int(dut.nchg.value), f"{len(changes)} changes read, nchg = {int(dut.nchg.value)}"
    return trace, changes, load


def decode_changes(words: list[int], out_width: int, signed: bool) -> list[tuple[int, int]]:
    mask = (1 << out_width) - 1
    out = []
    for w in words:
        value = w & mask
        if signed and value >> (out_width - 1):
            value -= 1 << out_width
        out.append((w >> out_width, value))
    return out


def describe_trace(entry: int) -> str:
    bits = [f"{name}={(entry >> k) & 1}" for k, name in enumerate(TRACE_FIELDS)]
    return " ".join(bits + [f"window_rows={entry >> 6}"])


def compare(exp: Expected, trace: np.ndarray, changes: list, label: str, show=str) -> None:
    """Every cycle of the DUT equal to the model's, with the first difference named."""
    assert len(trace) == exp.ncycles, f"{label}: {len(trace)} cycles captured, {exp.ncycles} run"
    diff = np.flatnonzero(trace != exp.trace)
    if diff.size:
        c = int(diff[0])
        t = exp.trace[:c].astype(np.int64)
        accepted = int((((t >> 1) & (t >> 2) & 1) * (1 - (t & 1))).sum())
        raise AssertionError(
            f"{label}: cycle {c} (after {accepted} accepted beats): DUT {describe_trace(int(trace[c]))}, "
            f"model {describe_trace(int(exp.trace[c]))}; {diff.size} cycles differ")
    for k, (got, want) in enumerate(zip(changes, exp.changes)):
        if got != want:
            raise AssertionError(f"{label}: out_data change {k}: DUT cycle {got[0]} value {show(got[1])}, "
                                 f"model cycle {want[0]} value {show(want[1])}")
    assert len(changes) == len(exp.changes), (
        f"{label}: out_data changed {len(changes)} times, the model says {len(exp.changes)}")


def runs_of(flags: np.ndarray) -> np.ndarray:
    """Lengths of the runs of True in a bool array."""
    padded = np.concatenate([[False], flags, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return edges[1::2] - edges[::2]


def mix_bad_beats(rng, beats: Sequence, words: Sequence[int], rate: float,
                  bad: Callable[[], tuple[object, int]]) -> tuple[list, list[int]]:
    """A stream with bad beats mixed in: before each good beat, with probability ``rate``, one
    ``bad()`` = (model beat, harness word). At least one bad beat goes in (a bad-beat run
    whose checks, e.g. a reset placed while ``err`` is high, need one must not pass or fail by
    the luck of a short stream); it goes before a random good beat."""
    hits = rng.random(len(beats)) < rate
    if len(beats) and not hits.any():
        hits[int(rng.integers(0, len(beats)))] = True
    out_beats, out_words = [], []
    for hit, beat, word in zip(hits, beats, words):
        if hit:
            b, w = bad()
            out_beats.append(b)
            out_words.append(w)
        out_beats.append(beat)
        out_words.append(word)
    return out_beats, out_words


HARNESS_SIZES = {"verilator": {"BEAT_AW": 14, "CYC_AW": 20},   # the harnesses' defaults
                 "icarus": {"BEAT_AW": 11, "CYC_AW": 15}}      # Icarus initialises memories slowly
"""Capture memory sizes (log2 of beats and cycles per run) per simulator."""


def harness_params(params: dict) -> dict:
    """A harness's parameters for the simulator in use (SIM): smaller memories for Icarus."""
    from tb.common.runner import simulator

    sim = simulator()
    return params if sim == "verilator" else {**params, **HARNESS_SIZES[sim]}


class HdlBench:
    """The shared half of a bench on the HDL agents: a subclass says how to build the
    model (:meth:`model`) and how a result reads (``signed``, :meth:`show`); :meth:`play_run`
    plays one run and compares every cycle."""

    def __init__(self, dut, depth: int, in_width: int, out_width: int, signed: bool, handshake=None):
        from cocotb.clock import Clock

        from tb.common.runner import dut_params, simulator

        p = dut_params()
        self.max_beats = 1 << p.get("BEAT_AW", HARNESS_SIZES["verilator"]["BEAT_AW"])
        self.max_cycles = 1 << p.get("CYC_AW", HARNESS_SIZES["verilator"]["CYC_AW"])
        self.dut, self.depth = dut, depth
        self.in_width, self.out_width, self.signed = in_width, out_width, signed
        self.handshake = handshake
        self.simulated = 0
        self.hdl_wall = 0.0
        # Verilator: the C++ (GPI) clock. Python writes no signal while a run plays, so the
        # inertial-write caveat of impl="gpi" does not apply, and the Python coroutine clock
        # costs a Python callback per edge. Icarus: the coroutine clock (under Icarus 11 the
        # GPI clock made no progress in 10 minutes).
        Clock(dut.clk, 10, unit="ns", impl="gpi" if simulator() == "verilator" else "py").start()
        dut.go.value = 0

    def model(self):
        raise NotImplementedError

    def show(self, value: int) -> str:
        return str(value)

    async def play_run(self, model_beats, words, rows: int, rng, style: str, label: str,
                       reset_rate: float = 0.0, reset_in=()) -> Expected:
        assert len(words) <= self.max_beats, f"{len(words)} beats: split the run"
        budget = min(self.max_cycles, 8 * (rows + len(words)) + 4000)
        ctl = controls(rng, style, budget, reset_rate)
        exp = predict(self.model(), model_beats, ctl, reset_in(ctl) if callable(reset_in) else reset_in,
                      reset_after=int(rng.integers(0, 200)) if reset_in else 0)
        t0 = time.perf_counter()
        trace, got, _ = await play(self.dut, words, self.in_width, exp.ctl)
        self.hdl_wall += time.perf_counter() - t0
        compare(exp, trace, decode_changes(got, self.out_width, self.signed), label, self.show)
        self.simulated += exp.ncycles
        if self.handshake is not None:
            self.handshake.sample_trace(trace)
        return exp


def accepted_cycles(trace: np.ndarray) -> np.ndarray:
    """Cycles with a beat handshake (in_valid and in_ready, not in reset)."""
    t = trace.astype(np.int64)
    return np.flatnonzero((((t >> 1) & (t >> 2) & 1) * (1 - (t & 1))) == 1)
