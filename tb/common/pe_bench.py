"""Testbench for the two PEs (tdash_pe and dense_pe share their ports), used by tb/pe and
tb/dense_pe. Expected values and cycles come from model/pe.py and its cycle-level pipeline
(model/pipeline.py) only.

Two ways to drive the DUT, on the same interface definition (the PE's ports):

* **HDL-side agents** (the regression): the DUT sits in tb/common/tdash_pe_harness.v, whose
  source, sink and capture memories play a whole run in the simulator; Python prepares
  stimulus and control patterns, predicts every cycle with the model and compares the
  captured trace once (tb/common/hdl_agents.py). Every cycle's ``in_ready``, ``out_valid``,
  ``err`` and window occupancy, every accepted beat's cycle, every result's value and cycle,
  and the ports during and after every reset must equal the model's.
* **Python-driven agents** (tb/common/stream.py): a cocotb coroutine per cycle on the bare
  PE, for the reactive directed test (reset after a given number of accepted beats) and as
  the reference point of ``make bench``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

import cocotb

from model import fp as FP
from model import params as P
from model import pe as PE
from tb.common import hdl_agents as H
from tb.common.bus import pack_values, pack_values_rows
from tb.common.fcov import HandshakeCoverage, PeCoverage
from tb.common.runner import SIM_BUILD, dut_params, seeded_rng
from tb.common.stream import Sink, Source, bus_writer, reset, run_cycles, start, stream_bus, stream_through
from tb.common.tensors import extreme_jobs, fp_extreme_jobs, random_jobs, sparse_ints, sparse_values

KINDS = {"tdash": "pe", "dense": "dense_pe"}  # DUT kind -> block name
HARNESS_KIND = {"tdash": 0, "dense": 1}       # tdash_pe_harness's KIND parameter
SWEEP_SPARSITIES = [round(0.1 * i, 1) for i in range(10)]
SWEEP_SIDES = {"one side (B)": PE.MODE_B_ONLY, "both sides": PE.MODE_BOTH}
SWEEP_SEED = 2020          # fixed, so both PEs see the very same jobs
SWEEP_JOBS, SWEEP_ROWS = 4, 256
DENSE_SWEEP_DEPTH = 3      # dense cycles do not depend on the beat size; one dense run serves all
FORMAT_OF_OP_TYPE = {code: fmt for fmt, code in PE.OP_TYPES.items()}


ORDER_NAMES = {code: name for name, code in P.order_codes().items()}
"""The RTL's ORDER parameter -> the model's option-set name (model/params.py OPTION_SETS)."""


def param_id(p: dict) -> str:
    """pytest id of a PE parameter set, e.g. N16_DEPTH3, N16_DEPTH3_fp32, N16_DEPTH3_explored."""
    fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
    order = p.get("ORDER", 0)
    return (f"N{p['N']}_DEPTH{p['DEPTH']}" + ("" if fmt == "int" else f"_{fmt}")
            + ("" if order == 0 else f"_{ORDER_NAMES[order]}"))


class PeConfig:
    """What a PE bench needs to know of the DUT's parameters (as built)."""

    def __init__(self, kind: str):
        assert kind in KINDS, kind
        p = dut_params()
        self.kind = kind
        self.n, self.depth = p["N"], p["DEPTH"]
        self.fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
        self.dw = p.get("DW", PE.data_width(self.fmt))
        self.acc_w = PE.acc_width(self.dw, self.n, p.get("ROWS_LOG2", PE.ROWS_LOG2), self.fmt)
        self.order = ORDER_NAMES[p.get("ORDER", 0)]
        self.tag = param_id(p)
        self.coverage = PeCoverage(KINDS[kind], self.n, self.depth, self.fmt)
        self.rw = self.depth.bit_length()               # $clog2(DEPTH + 1): in_rows' width
        self.bw = self.depth * self.n * self.dw         # one operand bus

    def random_jobs(self, rng, count: int, max_rows: int = 300):
        return random_jobs(rng, count, self.n, self.dw, self.depth, max_rows=max_rows, fmt=self.fmt)

    def expected(self, job) -> int:
        return PE.result(job, self.kind, self.depth, self.order)

    def expected_all(self, jobs) -> list[int]:
        """:meth:`expected` of every job (floating point: summed together, model.pe.results)."""
        return PE.results(jobs, self.kind, self.depth, self.order)

    def expected_cycles(self, jobs) -> np.ndarray:
        if self.kind == "tdash":
            return PE.tdash_result_cycles(jobs, self.depth, self.order)
        return PE.dense_result_cycles(jobs)

    def show(self, value: int) -> str:
        return str(value) if self.fmt == "int" else f"{value:#010x} ({FP.bits_to_float(value)!r})"

    def word(self, beat: PE.Beat, rows_field: int | None = None) -> int:
        """One beat as tdash_pe_harness's word: in_a, in_b, in_rows, in_last, in_mode."""
        pad = np.zeros((self.depth - beat.a.shape[0], self.n), dtype=np.int64)
        a = pack_values(np.vstack([beat.a, pad]), self.dw)
        b = pack_values(np.vstack([beat.b, pad]), self.dw)
        rows = beat.rows if rows_field is None else rows_field
        return a | b << self.bw | rows << 2 * self.bw | int(beat.last) << (2 * self.bw + self.rw) \
            | beat.mode << (2 * self.bw + self.rw + 1)

    def bad_rows_fields(self) -> list[int]:
        """in_rows values that are not 1..DEPTH and fit the port."""
        return [0] + list(range(self.depth + 1, 1 << self.rw))

    def bad_beat(self, rng) -> tuple[PE.Beat, int]:
        """A beat with random values, a random last flag and an illegal in_rows."""
        values = sparse_values(rng, (2, self.depth, self.n), 0.5, self.dw, self.fmt)
        beat = PE.Beat(values[0], values[1], self.depth, bool(rng.integers(0, 2)), int(rng.integers(0, 3)))
        return beat, int(rng.choice(self.bad_rows_fields()))

    def job_words(self, job) -> list[int]:
        """:meth:`word` of every beat of ``job``, packed a whole job at a time."""
        depth, n = self.depth, self.n
        nbeats = -(-job.rows // depth)
        pad = np.zeros((nbeats * depth - job.rows, n), dtype=np.int64)
        a = pack_values_rows(np.vstack([job.a, pad]).reshape(nbeats, depth * n), self.dw)
        b = pack_values_rows(np.vstack([job.b, pad]).reshape(nbeats, depth * n), self.dw)
        bw, rw = self.bw, self.rw
        tail = job.mode << (2 * bw + rw + 1)
        rows = [depth] * (nbeats - 1) + [job.rows - depth * (nbeats - 1)]
        return [ak | bk << bw | r << 2 * bw | (k == nbeats - 1) << (2 * bw + rw) | tail
                for k, (ak, bk, r) in enumerate(zip(a, b, rows))]


class PeHdlBench(PeConfig, H.HdlBench):
    """The regression's bench: tdash_pe_harness (the DUT and the HDL-side agents)."""

    def __init__(self, dut, kind: str):
        PeConfig.__init__(self, kind)
        H.HdlBench.__init__(self, dut, self.depth, 2 * self.bw + self.rw + 3, self.acc_w, self.fmt == "int",
                            HandshakeCoverage(KINDS[kind], self.tag, self.depth, with_err=True))

    def model(self):
        return PE.cycle_model(self.kind, self.depth, self.n, self.fmt, self.order)

    def streams(self, jobs, rng=None, bad_rate: float = 0.0):
        """(model beats, harness words) of the jobs, with bad beats mixed in at ``bad_rate``."""
        model_beats, words = [], []
        for job in jobs:
            job.check_width(self.dw)
            if job.fmt != self.fmt:          # the DUT reads every job in its own format
                job = PE.Job(job.a, job.b, job.mode, self.fmt)
            beats, job_words = PE.pipeline_beats(job, self.depth), self.job_words(job)
            model_beats += beats
            words += job_words
        if not bad_rate:
            return model_beats, words

        def bad():
            beat, field = self.bad_beat(rng)
            return PE.pipeline_beat(beat, self.fmt, rows_field=field), self.word(beat, field)
        return H.mix_bad_beats(rng, model_beats, words, bad_rate, bad)

    async def run(self, jobs, rng, style: str = "none", label: str = "", reset_rate: float = 0.0,
                  reset_in=(), bad_rate: float = 0.0) -> H.Expected:
        """One run of the HDL agents; every cycle compared with the model. Returns the
        model's expectation (equal to what the DUT did)."""
        model_beats, words = self.streams(jobs, rng, bad_rate)
        exp = await self.play_run(model_beats, words, sum(j.rows for j in jobs), rng, style,
                                  f"{label or style} ({len(jobs)} jobs)", reset_rate, reset_in)
        if not exp.ctl.rst.any() and not bad_rate:
            self._sample_jobs(jobs, exp)
        return exp

    def _sample_jobs(self, jobs, exp: H.Expected) -> None:
        """Job-level coverage: a job counts as stalled when a bubble or back-pressure hit a
        cycle between its first beat's handshake and its result's."""
        accepted = H.accepted_cycles(exp.trace)
        stall = np.flatnonzero(exp.ctl.bubble | ~exp.ctl.ready)
        first_beat = np.cumsum([0] + [-(-j.rows // self.depth) for j in jobs])
        for job, beat, (done, value) in zip(jobs, first_beat, exp.results):
            begin = accepted[beat]
            hit = bool(((stall >= begin) & (stall <= done)).any())
            self.coverage.sample(job, hit, value)

    def check_closed_form(self, jobs, exp: H.Expected, label: str) -> None:
        """No stalls: the result cycles are the closed form of model/pe.py (the special case
        of the pipeline's rules), and the values are model.pe.result's."""
        first = int(H.accepted_cycles(exp.trace)[0])
        cycles = [c - first for c, _ in exp.results]
        assert cycles == self.expected_cycles(jobs).tolist(), f"{label}: result cycles are not the closed form"
        assert [v for _, v in exp.results] == self.expected_all(jobs), f"{label}: values"


MIN_RESET_JOBS = 24
"""Jobs in a run with targeted resets: enough traffic to meet every state after each reset."""


def reset_states(depth: int):
    """Targeted resets, one in each state the DUT can be seen in at its ports (the window
    states of fcov.HandshakeCoverage) and mid-job; tb/common/hdl_agents.predict places them."""
    def states(ctl):
        return [("queue full (in_ready low)", lambda o, m, c: not o.in_ready),
                ("result held", lambda o, m, c: o.out_valid and not ctl.ready[c]),
                ("window partial", lambda o, m, c: o.in_ready and 0 < o.window_rows < depth),
                ("window full", lambda o, m, c: o.in_ready and o.window_rows == depth and bool(m.job)),
                ("window empty", lambda o, m, c: o.window_rows == 0 and not m.idle),
                ("idle", lambda o, m, c: m.idle)]
    return states


ROUNDS = int(os.environ.get("TDASH_ROUNDS", "10"))
"""Runs of ``count`` fresh random jobs per style in no_stalls and stalls (each run its own
harness run: the beat memory holds about 800 jobs of the default N = 16, DEPTH 3); the tile
bench uses it too."""


async def no_stalls(dut, kind, rng, count: int):
    b = PeHdlBench(dut, kind)
    cycles = 0
    for k in range(ROUNDS):
        jobs = b.random_jobs(rng, count)
        exp = await b.run(jobs, rng, "none", f"no stalls, run {k + 1}")
        b.check_closed_form(jobs, exp, f"no stalls, run {k + 1}")
        cycles += exp.ncycles
    dut._log.info("%d runs of %d jobs, no stalls: every cycle equals the model, result cycles equal the "
                  "closed form (%d cycles)", ROUNDS, count, cycles)


async def stalls(dut, kind, rng, count: int):
    b = PeHdlBench(dut, kind)
    for style in ("random", "idle_runs", "backpressure_runs", "both", "alternate"):
        cycles = stalled = bubbles = 0
        for k in range(ROUNDS):
            jobs = b.random_jobs(rng, count)
            exp = await b.run(jobs, rng, style, f"{style}, run {k + 1}")
            assert [v for _, v in exp.results] == b.expected_all(jobs), f"{style}, run {k + 1}: values"
            cycles += exp.ncycles
            stalled += int((~exp.ctl.ready).sum())
            bubbles += int(exp.ctl.bubble.sum())
        dut._log.info("%s: %d runs of %d jobs, every cycle equals the model (%d cycles, %d with back-pressure, "
                      "%d bubbles)", style, ROUNDS, count, cycles, stalled, bubbles)


async def resets(dut, kind, rng, count: int):
    """Reset in every state (targeted), then random reset pulses, under bubbles and
    back-pressure; every cycle, during and after each reset, equals the model."""
    b = PeHdlBench(dut, kind)
    count = max(count, MIN_RESET_JOBS)
    exp = await b.run(b.random_jobs(rng, count), rng, "both", "targeted resets", reset_in=reset_states(b.depth))
    dut._log.info("resets placed in: %s", ", ".join(f"{name} (cycle {c})" for name, c in exp.resets_placed))
    exp = await b.run(b.random_jobs(rng, count), rng, "both", "random resets", reset_rate=0.002)
    dut._log.info("random resets: %d reset cycles in %d, every cycle equals the model", int(exp.ctl.rst.sum()), exp.ncycles)


async def bad_beats(dut, kind, rng, count: int):
    """Beats with in_rows of 0 or > DEPTH mixed into good streams: dropped, err sticky until
    reset, every other job's result and cycle as the model says."""
    b = PeHdlBench(dut, kind)
    exp = await b.run(b.random_jobs(rng, max(count, MIN_RESET_JOBS)), rng, "random", "bad beats", bad_rate=0.05,
                      reset_in=lambda ctl: [("err high", lambda o, m, c: o.err)], reset_rate=0.001)
    assert ((exp.trace >> 5) & 1).any(), "no bad beat reached the PE"
    dut._log.info("bad beats (in_rows in %s) dropped and flagged, reset clears err; every cycle equals the model",
                  b.bad_rows_fields())


async def extremes(dut, kind, rng):
    b = PeHdlBench(dut, kind)
    long_rows = int(os.environ.get("TDASH_LONG_ROWS", "2000"))
    if b.fmt == "int":
        jobs = extreme_jobs(rng, b.n, b.dw, long_rows, b.depth)
    else:
        jobs = fp_extreme_jobs(rng, b.n, b.fmt, long_rows, b.depth)
    exp = await b.run(jobs, rng, "none", "extremes")
    b.check_closed_form(jobs, exp, "extremes")
    values = [v for _, v in exp.results]
    if b.fmt == "int":
        top = max(abs(v) for v in values)
        dut._log.info("extreme jobs exact (largest |result| %d, %d bits of %d)", top, top.bit_length() + 1, b.acc_w)
    else:
        dut._log.info("%d %s corner jobs bit-exact: %s", len(jobs), b.fmt, ", ".join(sorted({FP.classify(v) for v in values})))


async def reset_after_beats(dut, kind, rng):
    """Python-driven, reactive: reset once exactly 20 beats of a long job were accepted, then
    30 jobs cycle-exact (tb/common/stream.py checks every output port during reset)."""
    h = PeConfig(kind)
    await start(dut)
    long_job = PE.Job(sparse_values(rng, (200, h.n), 0.3, h.dw, h.fmt), sparse_values(rng, (200, h.n), 0.3, h.dw, h.fmt),
                      PE.MODE_BOTH, h.fmt)
    bus_in, bus_out = stream_bus(dut, "in", IN_FIELDS), stream_bus(dut, "out", ["data"])
    src = Source(dut, bus_in.valid, bus_in.ready, encode_py(h, [long_job]), bus_writer(bus_in, IN_FIELDS))
    sink = Sink(dut, bus_out.valid, bus_out.ready, read_py(bus_out, h))
    await run_cycles(dut, [src, sink], lambda: src.index >= 20, 1000)
    assert not sink.items, "no result may come out of a job cut short"
    await reset(dut)
    assert not dut.out_valid.value and not dut.err.value, "out_valid and err must be low after reset"
    jobs = h.random_jobs(rng, 30)
    results, cycles, _ = await stream_through(dut, encode_py(h, jobs), bus_writer(bus_in, IN_FIELDS), read_py(bus_out, h),
                                              len(jobs))
    assert results == [h.expected(j) for j in jobs], "values after reset"
    assert cycles == h.expected_cycles(jobs).tolist(), "result cycles after reset"
    dut._log.info("reset after 20 beats of a 200-row job; the next 30 jobs exact and cycle-exact")


def encode_py(h: PeConfig, jobs):
    """Python-driven path: every beat's bus values packed up front."""
    out = []
    for job in jobs:
        for beat in PE.beats(job, h.depth):
            pad = np.zeros((h.depth - beat.rows, h.n), dtype=np.int64)
            out.append((pack_values(np.vstack([beat.a, pad]), h.dw), pack_values(np.vstack([beat.b, pad]), h.dw),
                        beat.rows, int(beat.last), beat.mode))
    return out


IN_FIELDS = ("a", "b", "rows", "last", "mode")
"""The PE's input payload, in encode_py's order (in_a, in_b, in_rows, in_last, in_mode)."""


def read_py(bus_out, h: PeConfig):
    return (lambda: bus_out.data.value.to_signed()) if h.fmt == "int" else (lambda: bus_out.data.value.to_unsigned())


async def python_driven(dut, kind, rng, count: int):
    """The Python-driven path on random jobs with no stalls (values and result cycles
    checked); its speed is ``make bench``'s reference point."""
    h = PeConfig(kind)
    await start(dut)
    jobs = h.random_jobs(rng, count)
    t0 = time.perf_counter()
    bus_in, bus_out = stream_bus(dut, "in", IN_FIELDS), stream_bus(dut, "out", ["data"])
    results, cycles, sim = await stream_through(dut, encode_py(h, jobs), bus_writer(bus_in, IN_FIELDS),
                                                read_py(bus_out, h), len(jobs))
    wall = time.perf_counter() - t0
    assert results == [h.expected(j) for j in jobs], "values"
    assert cycles == h.expected_cycles(jobs).tolist(), "result cycles"
    write_speed(sim, wall)
    dut._log.info("Python-driven: %d jobs exact and cycle-exact, %d cycles in %.2f s (%.0f cycles/s)",
                  count, sim, wall, sim / wall)


async def hdl_driven(dut, kind, rng, count: int):
    """The HDL-agent path on the same jobs (same seed) as :func:`python_driven`, for make bench."""
    b = PeHdlBench(dut, kind)
    jobs = b.random_jobs(rng, count)
    t0 = time.perf_counter()
    exp = await b.run(jobs, rng, "none", "bench")
    wall = time.perf_counter() - t0
    b.check_closed_form(jobs, exp, "bench")
    write_speed(exp.ncycles, wall, b.hdl_wall)
    dut._log.info("HDL agents: %d jobs, %d cycles in %.2f s end to end (%.0f cycles/s; simulator alone %.2f s)",
                  count, exp.ncycles, wall, exp.ncycles / wall, b.hdl_wall)


def write_speed(cycles: int, wall: float, sim_wall: float | None = None) -> None:
    out = os.environ.get("TDASH_SPEED_OUT")
    if out:
        Path(out).write_text(json.dumps({"cycles": int(cycles), "wall": wall, "sim_wall": sim_wall}))


def sweep_jobs(n: int, dw: int):
    """The fixed job set of the speedup table: per (side, sparsity), SWEEP_JOBS jobs of
    SWEEP_ROWS rows. One side: A dense, B sparse, mode B-only. Both: A and B sparse."""
    rng = np.random.default_rng(SWEEP_SEED)
    points = {}
    for side, mode in SWEEP_SIDES.items():
        for s in SWEEP_SPARSITIES:
            sa = s if mode == PE.MODE_BOTH else 0.0
            points[(side, s)] = [PE.Job(sparse_ints(rng, (SWEEP_ROWS, n), sa, dw),
                                        sparse_ints(rng, (SWEEP_ROWS, n), s, dw), mode)
                                 for _ in range(SWEEP_JOBS)]
    return points


def sweep_file(kind: str, depth: int) -> Path:
    return SIM_BUILD / "reports" / f"sweep_{kind}_DEPTH{depth}.json"


def span(exp: H.Expected) -> int:
    """Cycles from the first accepted beat to the last result."""
    return exp.results[-1][0] - int(H.accepted_cycles(exp.trace)[0])


async def sparsity_sweep(dut, kind):
    """Cycles for the fixed sweep job set, exact against the model; saved for the table."""
    b = PeHdlBench(dut, kind)
    rng = np.random.default_rng(SWEEP_SEED)
    out = {}
    for (side, s), jobs in sweep_jobs(b.n, b.dw).items():
        exp = await b.run(jobs, rng, "none", f"sweep {side} s={s}")
        b.check_closed_form(jobs, exp, f"sweep {side} s={s}")
        out[f"{side}|{s}"] = {"rtl": span(exp), "model": int(b.expected_cycles(jobs)[-1])}
    path = sweep_file(kind, b.depth)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1))
    dut._log.info("sweep of %d points exact; cycles written to %s", len(out), path)


def speedup_table(depths) -> str:
    """Markdown table from the sweep files: cycles(TensorDash PE) / cycles(dense PE), RTL
    next to the model, for every (side, sparsity); fails if RTL and model differ anywhere."""
    dense = json.loads(sweep_file("dense", DENSE_SWEEP_DEPTH).read_text())
    lines = [f"Sweep: per point {SWEEP_JOBS} jobs x {SWEEP_ROWS} rows x 16 lanes, 16-bit ints, seed {SWEEP_SEED}. "
             "Cycles = first beat accepted to last result presented, no bubbles, no back-pressure.", ""]
    for depth in depths:
        tdash = json.loads(sweep_file("tdash", depth).read_text())
        lines += [f"DEPTH {depth}:", "",
                  "| sparsity | side | TensorDash cycles (RTL) | dense cycles (RTL) | TD/dense (RTL) "
                  "| TD/dense (model) | speedup |", "|---|---|---|---|---|---|---|"]
        for side in SWEEP_SIDES:
            for s in SWEEP_SPARSITIES:
                key = f"{side}|{s}"
                t, d = tdash[key], dense[key]
                assert t["rtl"] == t["model"] and d["rtl"] == d["model"], f"DEPTH {depth} {key}: RTL != model"
                lines.append(f"| {s:.1f} | {side} | {t['rtl']} | {d['rtl']} | {t['rtl'] / d['rtl']:.4f} "
                             f"| {t['model'] / d['model']:.4f} | {d['rtl'] / t['rtl']:.3f}x |")
        lines.append("")
    return "\n".join(lines)


def save_jobs(path: Path, jobs) -> None:
    """Jobs of any lengths as one .npz: rows stacked, with each job's length and mode."""
    np.savez(path, a=np.concatenate([j.a for j in jobs]), b=np.concatenate([j.b for j in jobs]),
             rows=np.array([j.rows for j in jobs]), mode=np.array([j.mode for j in jobs]))


def load_jobs(path: Path):
    data = np.load(path)
    cuts = np.cumsum(data["rows"])[:-1]
    return [PE.Job(a, b, int(m)) for a, b, m in
            zip(np.split(data["a"], cuts), np.split(data["b"], cuts), data["mode"])]


async def jobs_file(dut, kind):
    """The jobs in the .npz named by TDASH_JOBS_IN (written by tb/common/pe_jobs.py for the
    ``python -m studies`` commands), checked like every other run -- every cycle equal to the
    model's -- and the measured cycles written to TDASH_JOBS_OUT."""
    b = PeHdlBench(dut, kind)
    jobs = load_jobs(Path(os.environ["TDASH_JOBS_IN"]))
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    cycles, simulated = [], 0
    for start_job in range(0, len(jobs), 1000):   # runs within the harness memories
        part = jobs[start_job:start_job + 1000]
        exp = await b.run(part, rng, "none", "jobs file")
        b.check_closed_form(part, exp, "jobs file")
        base = cycles[-1] - PE.FIXED_LATENCY if cycles else 0
        first = int(H.accepted_cycles(exp.trace)[0])
        cycles += [base + c - first for c, _ in exp.results]
        simulated += exp.ncycles
    run_wall = time.perf_counter() - t0
    model_cycles = b.expected_cycles(jobs).tolist()
    assert cycles == model_cycles, "jobs file: result cycles differ from the model's"
    Path(os.environ["TDASH_JOBS_OUT"]).write_text(json.dumps(
        {"cycles": [int(c) for c in cycles], "model_cycles": model_cycles,
         "results": [str(b.expected(j)) for j in jobs], "simulated": int(simulated), "run_wall": run_wall}))
    dut._log.info("%d jobs from %s: every cycle equals the model", len(jobs), os.environ["TDASH_JOBS_IN"])


def cocotb_tests(kind: str, module: str, jobs: int) -> dict:
    """The PE cocotb tests for one DUT kind, named as if defined in ``module``:
    ``globals().update(cocotb_tests(KIND, __name__, JOBS))`` in the testbench file."""
    bench_jobs = int(os.environ.get("TDASH_BENCH_JOBS", "300"))

    tests = {
        "no_stalls": lambda dut: no_stalls(dut, kind, seeded_rng(dut, "no_stalls"), jobs),
        "stalls": lambda dut: stalls(dut, kind, seeded_rng(dut, "stalls"), jobs // 2),
        "resets": lambda dut: resets(dut, kind, seeded_rng(dut, "resets"), jobs // 2),
        "bad_beats": lambda dut: bad_beats(dut, kind, seeded_rng(dut, "bad_beats"), jobs // 2),
        "extremes": lambda dut: extremes(dut, kind, seeded_rng(dut, "extremes")),
        "sparsity_sweep": lambda dut: sparsity_sweep(dut, kind),
        "jobs_file": lambda dut: jobs_file(dut, kind),
        "hdl_driven": lambda dut: hdl_driven(dut, kind, np.random.default_rng(SWEEP_SEED), bench_jobs),
        # Python-driven (bare PE top level)
        "reset_after_beats": lambda dut: reset_after_beats(dut, kind, seeded_rng(dut, "reset_after_beats")),
        "python_driven": lambda dut: python_driven(dut, kind, np.random.default_rng(SWEEP_SEED), bench_jobs),
    }
    out = {}
    for name, body in tests.items():
        async def test(dut, body=body):
            await body(dut)
        test.__name__ = test.__qualname__ = name
        test.__module__ = module
        out[name] = cocotb.test()(test)
    return out


REGRESSION_TESTS = ["no_stalls", "stalls", "resets", "bad_beats", "extremes"]
"""What make test runs per parameter set on the HDL-agent build; sparsity_sweep runs once,
in test_pe_vs_dense_table; jobs_file is run by the python -m studies commands
(tb/common/pe_jobs.py); hdl_driven / python_driven by make bench."""
PYTHON_DRIVEN_TESTS = ["reset_after_beats"]
"""What make test runs on the bare-PE build (Python-driven agents), one parameter set."""

PE_LANES = (4, 8, 16, 32)
"""Lane counts the PEs are built and tested at (INT, both depths); README lists them as the
supported set. Floating point is tested at the paper's N = 16, DEPTH 3."""
DENSE_PARAM_SETS = ([{"N": n, "DEPTH": d} for n in PE_LANES for d in (3, 2)]
                    + [{"N": 16, "DEPTH": 3, "OP_TYPE": PE.OP_TYPES[f]} for f in ("bf16", "fp32")])
PE_PARAM_SETS = DENSE_PARAM_SETS + [{"N": 16, "DEPTH": d, "ORDER": code}
                                    for name, code in P.order_codes().items() if code for d in (3, 2)]
"""The TensorDash PE also runs every other option set of model/params.py (ORDER), at N = 16."""
_TB = Path(__file__).resolve().parent
HARNESS_SOURCES = [str(_TB / "tdash_pe_harness.v"), str(_TB / "tdash_tb_stream.v")]
"""The HDL-agent top level (with the DUT's own sources: only the KIND it builds is elaborated)."""
