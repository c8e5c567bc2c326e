"""Testbench for the two PEs (tdash_pe and dense_pe share their ports), used by tb/pe and
tb/dense_pe. Expected values and cycles come from model/pe.py only.

Scoreboard rules: results must come out in job order, one per job, each equal to the model's
bit for bit (model.pe.result: the exact integer dot product, or for BF16 / FP32 the binary32
bits of the sum in the DUT's own order, the scheduled one for tdash_pe, row by row for
dense_pe); with no upstream bubbles and no back-pressure each result's cycle (counted from
the cycle the first beat is accepted) must equal the model's exactly.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

import cocotb

from model import fp as FP
from model import pe as PE
from tb.common.bus import pack_values
from tb.common.fcov import PeCoverage
from tb.common.runner import SIM_BUILD, dut_params, seeded_rng
from tb.common.stream import Sink, Source, reset, run_cycles, start, stream_through
from tb.common.tensors import extreme_jobs, fp_extreme_jobs, random_jobs, sparse_ints, sparse_values

KINDS = {"tdash": "pe", "dense": "dense_pe"}  # DUT kind -> block name
SWEEP_SPARSITIES = [round(0.1 * i, 1) for i in range(10)]
SWEEP_SIDES = {"one side (B)": PE.MODE_B_ONLY, "both sides": PE.MODE_BOTH}
SWEEP_SEED = 2020          # fixed, so both PEs see the very same jobs
SWEEP_JOBS, SWEEP_ROWS = 4, 256
DENSE_SWEEP_DEPTH = 3      # dense cycles do not depend on the beat size; one dense run serves all
FORMAT_OF_OP_TYPE = {code: fmt for fmt, code in PE.OP_TYPES.items()}


def param_id(p: dict) -> str:
    """pytest id of a PE parameter set, e.g. N16_DEPTH3 or N16_DEPTH3_fp32."""
    fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
    return f"N{p['N']}_DEPTH{p['DEPTH']}" + ("" if fmt == "int" else f"_{fmt}")


class PeHarness:
    def __init__(self, dut, kind: str):
        assert kind in KINDS, kind
        self.dut, self.kind = dut, kind
        p = dut_params()
        self.n, self.depth = p["N"], p["DEPTH"]
        self.fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
        self.dw = p.get("DW", PE.data_width(self.fmt))
        self.acc_w = PE.acc_width(self.dw, self.n, p.get("ROWS_LOG2", PE.ROWS_LOG2), self.fmt)
        width = len(dut.out_data)
        assert width == self.acc_w, f"out_data is {width} bits, the model sizes it {self.acc_w}"
        self.coverage = PeCoverage(KINDS[kind], self.n, self.depth, self.fmt)

    def read_result(self) -> int:
        """out_data: a signed integer, or a binary32 bit pattern."""
        value = self.dut.out_data.value
        return value.to_signed() if self.fmt == "int" else value.to_unsigned()

    def random_jobs(self, rng, count: int):
        return random_jobs(rng, count, self.n, self.dw, self.depth, fmt=self.fmt)

    def expected(self, job) -> int:
        return PE.result(job, self.kind, self.depth)

    def show(self, value: int) -> str:
        return str(value) if self.fmt == "int" else f"{value:#010x} ({FP.bits_to_float(value)!r})"

    async def start(self) -> None:
        await start(self.dut)

    def expected_cycles(self, jobs) -> np.ndarray:
        if self.kind == "tdash":
            return PE.tdash_result_cycles(jobs, self.depth)
        return PE.dense_result_cycles(jobs)

    def encode(self, jobs):
        """Pre-pack every beat's bus values, so the cycle loop only assigns integers."""
        encoded = []
        for job in jobs:
            job.check_width(self.dw)
            for beat in PE.beats(job, self.depth):
                pad = np.zeros((self.depth - beat.rows, self.n), dtype=np.int64)
                encoded.append((pack_values(np.vstack([beat.a, pad]), self.dw),
                                pack_values(np.vstack([beat.b, pad]), self.dw),
                                beat.rows, int(beat.last), beat.mode))
        return encoded

    def _apply(self, fields) -> None:
        a, b, rows, last, mode = fields
        self.dut.in_a.value = a
        self.dut.in_b.value = b
        self.dut.in_rows.value = rows
        self.dut.in_last.value = last
        self.dut.in_mode.value = mode

    async def run(self, jobs, rng=None, bubble=0.0, stall=0.0):
        """Stream ``jobs`` through the DUT; returns (results, result cycles relative to the
        first accepted beat, cycles simulated). Every job that came back is sampled into the
        functional coverage, as stalled if a bubble or back-pressure hit a cycle between
        its first beat's handshake and its result's."""
        trace: dict = {}
        out = await stream_through(self.dut, self.encode(jobs), self._apply,
                                   self.read_result, len(jobs), rng, bubble, stall, trace=trace)
        stalls = np.array(trace["stalls"], dtype=np.int64)
        first_beat = np.cumsum([0] + [-(-j.rows // self.depth) for j in jobs])
        for job, beat, done, result in zip(jobs, first_beat, trace["results"], out[0]):
            begin = trace["accepted"][beat]
            self.coverage.sample(job, bool(((stalls >= begin) & (stalls <= done)).any()), result)
        return out

    def check(self, jobs, results, cycles, exact_cycles: bool, label: str) -> None:
        assert len(results) == len(jobs), (
            f"{label}: {len(results)} results for {len(jobs)} jobs (lost or duplicated)")
        for j, (job, got) in enumerate(zip(jobs, results)):
            want = self.expected(job)
            assert got == want, (f"{label}: job {j} ({job.rows} rows, mode {PE.MODES[job.mode]}, {job.fmt}) "
                                 f"result {self.show(got)} != model {self.show(want)}")
        if exact_cycles:
            want_cycles = self.expected_cycles(jobs).tolist()
            for j, (got, want) in enumerate(zip(cycles, want_cycles)):
                assert got == want, (f"{label}: job {j} ({jobs[j].rows} rows, mode {PE.MODES[jobs[j].mode]}) "
                                     f"result in cycle {got}, model says {want}")


async def random_jobs_exact(dut, kind, rng, count: int):
    h = PeHarness(dut, kind)
    await h.start()
    jobs = h.random_jobs(rng, count)
    results, cycles, sim = await h.run(jobs)
    h.check(jobs, results, cycles, exact_cycles=True, label="no stalls")
    rows = sum(j.rows for j in jobs)
    dut._log.info("%d jobs, %d rows: values exact, every result cycle equals the model "
                  "(last at %d, %d cycles simulated)", count, rows, cycles[-1], sim)


async def random_jobs_stalls(dut, kind, rng, count: int):
    h = PeHarness(dut, kind)
    await h.start()
    # Random bubbles and back-pressure, then back-pressure every other cycle: that one stalls
    # every job (each spans >= 3 cycles), so the "stalled" coverage bins close by construction.
    every_other = lambda cycle: cycle % 2 == 1  # noqa: E731
    for bubble, stall in ((0.3, 0.0), (0.0, 0.5), (0.4, 0.6), (0.0, every_other)):
        jobs = h.random_jobs(rng, count)
        results, cycles, _ = await h.run(jobs, rng, bubble, stall)
        label = f"bubbles {bubble}, back-pressure {'every other cycle' if callable(stall) else stall}"
        h.check(jobs, results, cycles, exact_cycles=False, label=label)
        # Stalls can only delay a result, never bring it forward.
        ideal = h.expected_cycles(jobs)
        assert all(c >= i for c, i in zip(cycles, ideal)), f"{label}: a result came before the model's earliest cycle"
        dut._log.info("%s: %d jobs exact, none lost or duplicated", label, count)


async def extremes(dut, kind, rng):
    h = PeHarness(dut, kind)
    await h.start()
    long_rows = int(os.environ.get("TDASH_LONG_ROWS", "2000"))
    if h.fmt == "int":
        jobs = extreme_jobs(rng, h.n, h.dw, long_rows, h.depth)
    else:
        jobs = fp_extreme_jobs(rng, h.n, h.fmt, long_rows, h.depth)
    results, cycles, _ = await h.run(jobs)
    h.check(jobs, results, cycles, exact_cycles=True, label="extremes")
    if h.fmt == "int":
        dut._log.info("extreme jobs exact (largest |result| %d, %d bits of %d)", max(abs(r) for r in results),
                      max(abs(r) for r in results).bit_length() + 1, h.acc_w)
    else:
        dut._log.info("%d %s corner jobs bit-exact: %s", len(jobs), h.fmt,
                      ", ".join(sorted({FP.classify(r) for r in results})))


async def reset_mid_job(dut, kind, rng):
    """Reset in the middle of a long job, then check the next jobs are exact and on time."""
    h = PeHarness(dut, kind)
    await h.start()
    long_job = PE.Job(sparse_values(rng, (200, h.n), 0.3, h.dw, h.fmt), sparse_values(rng, (200, h.n), 0.3, h.dw, h.fmt),
                      PE.MODE_BOTH, h.fmt)
    src = Source(dut, dut.in_valid, dut.in_ready, h.encode([long_job]), h._apply)
    sink = Sink(dut, dut.out_valid, dut.out_ready, h.read_result)
    await run_cycles(dut, [src, sink], lambda: src.index >= 20, 1000)  # ~60 rows in
    assert not sink.items, "no result may come out of a job cut short"
    await reset(dut)
    assert not dut.out_valid.value, "out_valid must be low after reset"
    jobs = h.random_jobs(rng, 30)
    results, cycles, _ = await h.run(jobs)
    h.check(jobs, results, cycles, exact_cycles=True, label="after reset")
    dut._log.info("reset after %d beats of a 200-row job; the next 30 jobs exact and cycle-exact", 20)


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


async def sparsity_sweep(dut, kind):
    """Cycles for the fixed sweep job set, exact against the model; saved for the table."""
    h = PeHarness(dut, kind)
    await h.start()
    out = {}
    for (side, s), jobs in sweep_jobs(h.n, h.dw).items():
        await reset(dut)
        results, cycles, _ = await h.run(jobs)
        h.check(jobs, results, cycles, exact_cycles=True, label=f"sweep {side} s={s}")
        out[f"{side}|{s}"] = {"rtl": cycles[-1], "model": int(h.expected_cycles(jobs)[-1])}
    path = sweep_file(kind, h.depth)
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
    ``python -m model`` commands), checked like every other test -- values exact, every
    result cycle equal to the model's -- and the measured cycles written to TDASH_JOBS_OUT."""
    h = PeHarness(dut, kind)
    await h.start()
    jobs = load_jobs(Path(os.environ["TDASH_JOBS_IN"]))
    t0 = time.perf_counter()
    results, cycles, sim = await h.run(jobs)
    run_wall = time.perf_counter() - t0
    h.check(jobs, results, cycles, exact_cycles=True, label="jobs file")
    Path(os.environ["TDASH_JOBS_OUT"]).write_text(json.dumps(
        {"cycles": [int(c) for c in cycles], "model_cycles": h.expected_cycles(jobs).tolist(),
         "results": [str(r) for r in results], "simulated": int(sim), "run_wall": run_wall}))
    dut._log.info("%d jobs from %s: values exact, cycles equal the model's", len(jobs), os.environ["TDASH_JOBS_IN"])


def cocotb_tests(kind: str, module: str, jobs: int) -> dict:
    """The PE cocotb tests for one DUT kind, named as if defined in ``module``:
    ``globals().update(cocotb_tests(KIND, __name__, JOBS))`` in the testbench file."""

    async def random_jobs_exact_test(dut):
        await random_jobs_exact(dut, kind, seeded_rng(dut, "random_jobs_exact"), jobs)

    async def random_jobs_stalls_test(dut):
        await random_jobs_stalls(dut, kind, seeded_rng(dut, "random_jobs_stalls"), jobs // 3)

    async def extremes_test(dut):
        await extremes(dut, kind, seeded_rng(dut, "extremes"))

    async def reset_mid_job_test(dut):
        await reset_mid_job(dut, kind, seeded_rng(dut, "reset_mid_job"))

    async def sparsity_sweep_test(dut):
        await sparsity_sweep(dut, kind)

    async def jobs_file_test(dut):
        await jobs_file(dut, kind)

    tests = {}
    for func in (random_jobs_exact_test, random_jobs_stalls_test, extremes_test, reset_mid_job_test,
                 sparsity_sweep_test, jobs_file_test):
        name = func.__name__.removesuffix("_test")
        func.__name__ = func.__qualname__ = name
        func.__module__ = module
        tests[name] = cocotb.test()(func)
    return tests


REGRESSION_TESTS = ["random_jobs_exact", "random_jobs_stalls", "extremes", "reset_mid_job"]
"""What make test runs per parameter set; sparsity_sweep runs once, in test_pe_vs_dense_table;
jobs_file is run by the python -m model commands (tb/common/pe_jobs.py)."""
