"""cocotb testbench for rtl/tdash_tile.v against model/tile.py and its cycle-level pipeline
(model/pipeline.py), on the HDL-side agents (tb/common/tdash_tile_harness.v).

Geometries 1x1, 1x4, 4x1, 2x2 and 4x4 with integers at DEPTH 3, 2x2 at DEPTH 2, 2x2 with BF16
and FP32 (pytest parameters). Every cycle's in_ready, out_valid, err and window occupancy and
every out_data value must equal the model's: the exact integer dot(A_c, B_r), or the binary32
sum in row r's scheduled order (with Inf/NaN injected into some floating-point jobs). Tests:
random jobs with no stalls (result cycles also equal model.tile's closed form; 4x4 runs
thousands of jobs), every stall style of tb/common/hdl_agents.py, resets in every state and at
random, bad beats (in_rows 0 or > DEPTH), B at 50% sparsity, each row the slowest in turn.
Run with ``make sim MODULE=tile``.
"""

from __future__ import annotations

import json
import os

import cocotb
import numpy as np
import pytest

from model import fp as FP
from model import params as P
from model import pe as PE
from model import scheduler as S
from model import tile as T
from model.pipeline import Beat
from tb.common import hdl_agents as H
from tb.common.bus import pack_values, pack_values_rows
from tb.common.fcov import HandshakeCoverage, TileCoverage
from tb.common.pe_bench import FORMAT_OF_OP_TYPE, ORDER_NAMES, ROUNDS, reset_states
from tb.common.hdl_agents import harness_params
from tb.common.runner import dut_params, run_block, seeded_rng
from tb.common.tensors import random_job_length, sparse_values

JOBS = int(os.environ.get("TDASH_JOBS", "300")) // 5
BIG_TILE_JOBS = int(os.environ.get("TDASH_TILE_JOBS", "2000"))  # no-stall jobs of the 4x4 tile
RUN_JOBS = 400    # jobs per harness run (random jobs average about 20 beats)
_HERE = os.path.dirname(os.path.abspath(__file__))


class TileConfig:
    """The tile's parameters as built, and its job generator."""

    def __init__(self):
        p = dut_params()
        self.rows, self.cols, self.n, self.depth = p["ROWS"], p["COLS"], p["N"], p["DEPTH"]
        self.fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
        self.dw = PE.data_width(self.fmt)
        self.acc_w = PE.acc_width(self.dw, self.n, fmt=self.fmt)
        self.rw = self.depth.bit_length()
        self.bw = self.depth * self.n * self.dw
        self.order = ORDER_NAMES[p.get("ORDER", 0)]
        self.tag = f"R{self.rows}xC{self.cols}" + ("" if self.depth == P.DEFAULT_DEPTH else f"_DEPTH{self.depth}") + (
            "" if self.fmt == "int" else f"_{self.fmt}") + ("" if self.order == P.DEFAULT_ORDER else f"_{self.order}")

    def values(self, rng, shape, sparsity):
        return sparse_values(rng, shape, sparsity, self.dw, self.fmt)

    def job(self, a, b):
        return T.TileJob(a, b, self.fmt)

    def random_jobs(self, rng, count):
        """B rows with independent (often very different) sparsity; A dense or sparse."""
        jobs = []
        for _ in range(count):
            rows = random_job_length(rng, 200)
            b_sparsity = rng.choice([0.0, 1.0, *rng.random(4)], size=self.rows)
            a_sparsity = float(rng.choice([0.0, rng.random()]))
            b = np.stack([self.values(rng, (rows, self.n), s) for s in b_sparsity])
            a = self.values(rng, (self.cols, rows, self.n), a_sparsity)
            if self.fmt != "int" and rng.random() < 0.15:
                # An Inf or NaN somewhere in A or B: it must reach exactly the PEs it feeds.
                x = a if rng.random() < 0.5 else b
                x[tuple(int(rng.integers(0, d)) for d in x.shape)] = FP.from_float(
                    np.float32(rng.choice([np.inf, -np.inf, np.nan])), self.fmt)
            jobs.append(self.job(a, b))
        return jobs

    def buses(self, a, b) -> tuple[int, int]:
        """(COLS, k, N) and (ROWS, k, N) rows of one beat -> the in_a and in_b buses."""
        pad = ((0, 0), (0, self.depth - a.shape[1]), (0, 0))
        # (streams, DEPTH, N) row-major = stream-major, then row, then lane: the bus layout.
        return pack_values(np.pad(a, pad), self.dw), pack_values(np.pad(b, pad), self.dw)

    def word(self, a, b, rows_field: int, last: bool) -> int:
        """One beat of every stream as tdash_tile_harness's word."""
        a_bus, b_bus = self.buses(a, b)
        off = (self.cols + self.rows) * self.bw
        return a_bus | b_bus << (self.cols * self.bw) | rows_field << off | int(last) << (off + self.rw)

    def job_words(self, job) -> list[int]:
        """:meth:`word` of every beat of ``job``, packed a whole job at a time."""
        depth, n = self.depth, self.n
        nbeats = -(-job.rows // depth)
        pad = ((0, 0), (0, nbeats * depth - job.rows), (0, 0))

        def per_beat(x):   # (streams, R, N) -> per beat the (streams, DEPTH, N) bus
            x = np.pad(x, pad).reshape(x.shape[0], nbeats, depth, n).transpose(1, 0, 2, 3)
            return pack_values_rows(x.reshape(nbeats, -1), self.dw)

        off = (self.cols + self.rows) * self.bw
        rows = [depth] * (nbeats - 1) + [job.rows - depth * (nbeats - 1)]
        return [a | b << (self.cols * self.bw) | r << off | (k == nbeats - 1) << (off + self.rw)
                for k, (a, b, r) in enumerate(zip(per_beat(job.a), per_beat(job.b), rows))]


class TileBench(TileConfig, H.HdlBench):
    def __init__(self, dut):
        TileConfig.__init__(self)
        self.coverage = TileCoverage(self.rows, self.cols, self.tag)
        H.HdlBench.__init__(self, dut, self.depth, (self.rows + self.cols) * self.bw + self.rw + 1,
                            self.rows * self.cols * self.acc_w, False,
                            HandshakeCoverage("tile", self.tag, self.depth, with_err=True))

    def model(self):
        return T.cycle_model(self.depth, self.n, self.fmt, self.acc_w, self.order)

    def show(self, bus: int) -> str:
        return f"{bus:#x}"

    def streams(self, jobs, rng=None, bad_rate: float = 0.0):
        """(model beats, harness words) of the jobs, with bad beats (in_rows 0 or > DEPTH)
        mixed in at ``bad_rate``."""
        model_beats, words = [], []
        for job in jobs:
            model_beats += T.tile_beats(job, self.depth)
            words += self.job_words(job)
        if not bad_rate:
            return model_beats, words
        bad_fields = [0] + list(range(self.depth + 1, 1 << self.rw))

        def bad():
            field, last = int(rng.choice(bad_fields)), bool(rng.integers(0, 2))
            a = self.values(rng, (self.cols, self.depth, self.n), 0.5)
            b = self.values(rng, (self.rows, self.depth, self.n), 0.5)
            return Beat(field, last, [], None), self.word(a, b, field, last)
        return H.mix_bad_beats(rng, model_beats, words, bad_rate, bad)

    async def run(self, jobs, rng, style="none", label="", reset_rate=0.0, reset_in=(), bad_rate=0.0):
        model_beats, words = self.streams(jobs, rng, bad_rate)
        exp = await self.play_run(model_beats, words, sum(j.rows for j in jobs), rng, style,
                                  f"{label or style} ({len(jobs)} jobs)", reset_rate, reset_in)
        if not exp.ctl.rst.any() and not bad_rate:
            for job in jobs:  # coverage: the row that set the pace of each job
                self.coverage.sample([S.count_steps(z, self.depth, self.order) for z in T.effectual(job)])
        return exp

    def check_closed_form(self, jobs, exp, label):
        first = int(H.accepted_cycles(exp.trace)[0])
        assert [c - first for c, _ in exp.results] == T.tile_result_cycles(jobs, self.depth, self.order).tolist(), (
            f"{label}: result cycles are not model.tile's closed form")
        assert [v for _, v in exp.results] == [T.pack_results(T.results(j, self.depth, self.order), self.acc_w) for j in jobs], (
            f"{label}: values")


@cocotb.test()
async def no_stalls(dut):
    b = TileBench(dut)
    count = BIG_TILE_JOBS if (b.rows, b.cols) == (4, 4) else JOBS * ROUNDS
    jobs = b.random_jobs(seeded_rng(dut, "no_stalls"), count)
    ctl_rng = seeded_rng(dut, "no_stalls_ctl")
    for start_job in range(0, count, RUN_JOBS):   # runs that fit the harness's beat memory
        part = jobs[start_job:start_job + RUN_JOBS]
        exp = await b.run(part, ctl_rng, "none", "no stalls")
        b.check_closed_form(part, exp, "no stalls")
    dut._log.info("%dx%d tile: %d jobs, every cycle equals the model and the closed form (%d cycles)",
                  b.rows, b.cols, count, b.simulated)


@cocotb.test()
async def stalls(dut):
    b = TileBench(dut)
    rng = seeded_rng(dut, "stalls")
    for style in ("random", "idle_runs", "backpressure_runs", "both", "alternate"):
        cycles = 0
        for k in range(ROUNDS):
            exp = await b.run(b.random_jobs(rng, max(5, JOBS // 3)), rng, style, f"{style}, run {k + 1}")
            cycles += exp.ncycles
        dut._log.info("%s: %d runs, every cycle equals the model (%d cycles)", style, ROUNDS, cycles)


@cocotb.test()
async def resets(dut):
    b = TileBench(dut)
    rng = seeded_rng(dut, "resets")
    exp = await b.run(b.random_jobs(rng, max(10, JOBS // 2)), rng, "both", "targeted resets",
                      reset_in=reset_states(b.depth))
    dut._log.info("resets placed in: %s", ", ".join(f"{name} (cycle {c})" for name, c in exp.resets_placed))
    await b.run(b.random_jobs(rng, max(10, JOBS // 2)), rng, "both", "random resets", reset_rate=0.003)
    await b.run(b.random_jobs(rng, max(10, JOBS // 2)), rng, "random", "bad beats", bad_rate=0.05, reset_rate=0.001,
                reset_in=lambda ctl: [("err high", lambda o, m, c: o.err)])


@cocotb.test()
async def sparsity_half(dut):
    """B at 50% sparsity, A dense: RTL cycles next to the model's (and each row alone)."""
    b = TileBench(dut)
    rng = np.random.default_rng(50)
    jobs = [b.job(b.values(rng, (b.cols, 256, b.n), 0.0), b.values(rng, (b.rows, 256, b.n), 0.5)) for _ in range(4)]
    exp = await b.run(jobs, rng, "none", "sparsity 0.5")
    b.check_closed_form(jobs, exp, "sparsity 0.5")
    alone = max(PE.job_steps(PE.Job(j.a[0], j.b[r], PE.MODE_B_ONLY, b.fmt), b.depth) for j in jobs for r in range(b.rows))
    last = exp.results[-1][0] - int(H.accepted_cycles(exp.trace)[0])
    dut._log.info("%dx%d tile, B sparsity 0.5, 4 jobs x 256 rows: RTL %d cycles, model %d, dense %d "
                  "(slowest single row alone needs %d steps per job)", b.rows, b.cols, last,
                  int(T.tile_result_cycles(jobs, b.depth, b.order)[-1]), 4 * 256 + PE.FIXED_LATENCY, alone)


@cocotb.test()
async def slowest_row_each(dut):
    """Each PE row in turn has a dense B stream while the others are 90% sparse (so that row
    sets the pace), then all rows alike (a tie): every cycle equals the model."""
    b = TileBench(dut)
    rng = seeded_rng(dut, "slowest_row_each")
    jobs = []
    for slow in [*range(b.rows), None]:
        sparsity = [0.0 if slow in (None, r) else 0.9 for r in range(b.rows)]
        bs = np.stack([b.values(rng, (32, b.n), s) for s in sparsity])
        jobs.append(b.job(b.values(rng, (b.cols, 32, b.n), 0.0), bs))
    exp = await b.run(jobs, rng, "none", "slowest row")
    b.check_closed_form(jobs, exp, "slowest row")
    dut._log.info("%d jobs, each row the slowest once and one tie: every cycle equals the model", len(jobs))


BENCH_JOBS = int(os.environ.get("TDASH_BENCH_JOBS", "300"))


@cocotb.test()
async def hdl_driven(dut):
    """make bench: the HDL-agent path on a fixed job set (values and cycles checked)."""
    import time

    from tb.common.pe_bench import write_speed

    b = TileBench(dut)
    jobs = b.random_jobs(np.random.default_rng(2020), BENCH_JOBS)
    t0 = time.perf_counter()
    exp = await b.run(jobs, np.random.default_rng(0), "none", "bench")
    wall = time.perf_counter() - t0
    b.check_closed_form(jobs, exp, "bench")
    write_speed(exp.ncycles, wall, b.hdl_wall)


@cocotb.test()
async def python_driven(dut):
    """make bench: the Python-driven path (a coroutine per cycle, tb/common/stream.py) on the
    bare tile with the same jobs as hdl_driven; values and result cycles checked."""
    import time

    from tb.common.pe_bench import write_speed
    from tb.common.stream import bus_writer, start, stream_bus, stream_through

    cfg = TileConfig()
    jobs = cfg.random_jobs(np.random.default_rng(2020), BENCH_JOBS)
    beats = [(*cfg.buses(*bt.data), bt.rows, int(bt.last)) for job in jobs for bt in T.tile_beats(job, cfg.depth)]

    fields = ("a", "b", "rows", "last")
    bus_in, bus_out = stream_bus(dut, "in", fields), stream_bus(dut, "out", ["data"])
    await start(dut)
    t0 = time.perf_counter()
    results, cycles, sim = await stream_through(dut, beats, bus_writer(bus_in, fields),
                                                lambda: bus_out.data.value.to_unsigned(), len(jobs))
    wall = time.perf_counter() - t0
    assert results == [T.pack_results(T.results(j, cfg.depth), cfg.acc_w) for j in jobs], "values"
    assert cycles == T.tile_result_cycles(jobs, cfg.depth).tolist(), "result cycles"
    write_speed(sim, wall)


GEOMETRIES = [(1, 1, "int", 3), (1, 4, "int", 3), (4, 1, "int", 3), (2, 2, "int", 3), (4, 4, "int", 3),
              (2, 2, "int", 2), (2, 2, "bf16", 3), (2, 2, "fp32", 3)] + [
    (2, 2, "int", d, name) for name in P.order_codes() if name != P.DEFAULT_ORDER for d in (3, 2)]
"""(ROWS, COLS, format, DEPTH[, option set]): every other option set of model/params.py at 2x2."""
SOURCES = ["tdash_tile.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v",
           "tdash_prio_enc.v", "tdash_operand_mux.v", "tdash_mac.v", "tdash_nonzero.v", "tdash_as_count.v",
           "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v"]
HARNESS_SOURCES = [os.path.join(_HERE, "..", "common", "tdash_tile_harness.v"),
                   os.path.join(_HERE, "..", "common", "tdash_tb_stream.v")]


def tile_params(rows: int, cols: int, fmt: str = "int", depth: int = P.DEFAULT_DEPTH, order: str = P.DEFAULT_ORDER) -> dict:
    p = {"ROWS": rows, "COLS": cols, "N": P.LANES, "DEPTH": depth}
    if order != P.DEFAULT_ORDER:
        p["ORDER"] = P.order_codes()[order]
    return p if fmt == "int" else {**p, "OP_TYPE": PE.OP_TYPES[fmt]}


def geometry_id(g) -> str:
    return (f"{g[0]}x{g[1]}" + ("" if g[3] == P.DEFAULT_DEPTH else f"_DEPTH{g[3]}") + ("" if g[2] == "int" else f"_{g[2]}")
            + ("" if len(g) < 5 else f"_{g[4]}"))


@pytest.mark.parametrize("geometry", [(1, 1, "int", 2), (2, 3, "int", 3), (4, 4, "bf16", 3)], ids=geometry_id)
def test_job_words_are_the_per_beat_words(monkeypatch, geometry):
    """The harness words of a job packed at once (TileConfig.job_words, what the regression
    plays) equal the per-beat words (TileConfig.word of model.tile's beats), job by job."""
    monkeypatch.setenv("TDASH_PARAMS", json.dumps(tile_params(*geometry)))
    cfg = TileConfig()
    rng = np.random.default_rng(4)
    for job in cfg.random_jobs(rng, 30):
        nbeats = -(-job.rows // cfg.depth)
        per_beat = [cfg.word(job.a[:, k * cfg.depth:(k + 1) * cfg.depth], job.b[:, k * cfg.depth:(k + 1) * cfg.depth],
                             min(cfg.depth, job.rows - k * cfg.depth), k == nbeats - 1) for k in range(nbeats)]
        assert cfg.job_words(job) == per_beat


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=geometry_id)
def test_tile(geometry):
    run_block("tile", "tdash_tile_harness", harness_params(tile_params(*geometry)), [os.path.normpath(p) for p in HARNESS_SOURCES] + SOURCES,
              "tb.tile.test_tile", REGRESSION_TESTS)


REGRESSION_TESTS = ["no_stalls", "stalls", "resets", "sparsity_half", "slowest_row_each"]
"""make test's tile tests; hdl_driven and python_driven are make bench's (tb/bench.py)."""
