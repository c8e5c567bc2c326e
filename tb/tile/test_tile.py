"""cocotb testbench for rtl/tdash_tile.v against model/tile.py.

Geometries 1x1, 1x4, 4x1, 2x2 and 4x4 with integers, 2x2 with BF16 and FP32 (pytest
parameters). Every output of every job must equal model/tile.py's bit for bit: the exact
integer dot(A_c, B_r), or the binary32 sum in row r's scheduled order (with Inf/NaN injected
into some floating-point jobs); with no stalls every job's results must appear in the cycle
model.tile predicts; with random upstream bubbles and back-pressure nothing may be lost or
duplicated. Run with ``make sim MODULE=tile``.
"""

from __future__ import annotations

import os

import cocotb
import numpy as np
import pytest

from model import pe as PE
from model import params as P
from model import tile as T
from model import scheduler as S
from tb.common.bus import pack_values
from tb.common.fcov import TileCoverage
from tb.common.runner import dut_params, run_block, seeded_rng
from tb.common.stream import start, stream_through
from model import fp as FP
from tb.common.pe_bench import FORMAT_OF_OP_TYPE
from tb.common.tensors import random_job_length, sparse_values

JOBS = int(os.environ.get("TDASH_JOBS", "300")) // 5


class TileHarness:
    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.rows, self.cols, self.n, self.depth = p["ROWS"], p["COLS"], p["N"], p["DEPTH"]
        self.fmt = FORMAT_OF_OP_TYPE[p.get("OP_TYPE", 0)]
        self.dw = PE.data_width(self.fmt)
        self.acc_w = PE.acc_width(self.dw, self.n, fmt=self.fmt)
        assert len(dut.out_data) == self.rows * self.cols * self.acc_w
        tag = f"R{self.rows}xC{self.cols}" + ("" if self.fmt == "int" else f"_{self.fmt}")
        self.coverage = TileCoverage(self.rows, self.cols, tag)

    def values(self, rng, shape, sparsity):
        return sparse_values(rng, shape, sparsity, self.dw, self.fmt)

    def job(self, a, b):
        return T.TileJob(a, b, self.fmt)

    async def start(self):
        await start(self.dut)

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

    def encode(self, jobs):
        beats = []
        for job in jobs:
            for start in range(0, job.rows, self.depth):
                stop = min(start + self.depth, job.rows)
                pad = ((0, 0), (0, self.depth - (stop - start)), (0, 0))
                # (streams, DEPTH, N) row-major = stream-major, then row, then lane: the bus layout.
                beats.append((pack_values(np.pad(job.a[:, start:stop], pad), self.dw),
                              pack_values(np.pad(job.b[:, start:stop], pad), self.dw),
                              stop - start, int(stop == job.rows)))
        return beats

    def apply(self, beat):
        a, b, rows, last = beat
        self.dut.in_a.value, self.dut.in_b.value = a, b
        self.dut.in_rows.value, self.dut.in_last.value = rows, last

    def read(self):
        """(ROWS, COLS) results: signed integers, or binary32 bit patterns."""
        bus = self.dut.out_data.value.to_unsigned()
        mask, sign = (1 << self.acc_w) - 1, 1 << (self.acc_w - 1)
        fields = [(bus >> (i * self.acc_w)) & mask for i in range(self.rows * self.cols)]
        if self.fmt == "int":
            fields = [f - (1 << self.acc_w) if f & sign else f for f in fields]
        return np.array(fields, dtype=object).reshape(self.rows, self.cols)

    async def run(self, jobs, rng=None, bubble=0.0, stall=0.0):
        out = await stream_through(self.dut, self.encode(jobs), self.apply, self.read, len(jobs),
                                   rng, bubble, stall)
        for job in jobs[:len(out[0])]:  # coverage: the row that set the pace of each job
            self.coverage.sample([S.count_steps(z, self.depth) for z in T.effectual(job)])
        return out

    def check(self, jobs, results, cycles, exact_cycles, label):
        assert len(results) == len(jobs), f"{label}: {len(results)} results for {len(jobs)} jobs"
        for j, (job, got) in enumerate(zip(jobs, results)):
            want = T.results(job, self.depth)
            bad = [tuple(int(i) for i in rc) for rc in np.argwhere(got != want)]
            assert not bad, (f"{label}: job {j} ({job.rows} rows, {job.fmt}) PE (row, col) {bad[0]}: "
                             f"{got[bad[0]]:#x} != model {want[bad[0]]:#x} ({len(bad)} PEs wrong)")
        if exact_cycles:
            want_cycles = T.tile_result_cycles(jobs, self.depth).tolist()
            for j, (got, want) in enumerate(zip(cycles, want_cycles)):
                assert got == want, f"{label}: job {j} ({jobs[j].rows} rows) results in cycle {got}, model says {want}"


@cocotb.test()
async def random_jobs_exact(dut):
    h = TileHarness(dut)
    await h.start()
    jobs = h.random_jobs(seeded_rng(dut, "random_jobs_exact"), JOBS)
    results, cycles, _ = await h.run(jobs)
    h.check(jobs, results, cycles, True, "no stalls")
    dut._log.info("%dx%d tile: %d jobs exact, all result cycles equal the model (last at %d)",
                  h.rows, h.cols, len(jobs), cycles[-1])


@cocotb.test()
async def random_jobs_stalls(dut):
    h = TileHarness(dut)
    await h.start()
    rng = seeded_rng(dut, "random_jobs_stalls")
    for bubble, stall in ((0.3, 0.0), (0.0, 0.5), (0.4, 0.6)):
        jobs = h.random_jobs(rng, max(5, JOBS // 3))
        results, cycles, _ = await h.run(jobs, rng, bubble, stall)
        h.check(jobs, results, cycles, False, f"bubbles {bubble}, back-pressure {stall}")
        dut._log.info("bubbles %.1f, back-pressure %.1f: %d jobs exact, none lost or duplicated",
                      bubble, stall, len(jobs))


@cocotb.test()
async def sparsity_half(dut):
    """B at 50% sparsity, A dense: RTL cycles next to the model's (and each row alone)."""
    h = TileHarness(dut)
    await h.start()
    rng = np.random.default_rng(50)
    jobs = [h.job(h.values(rng, (h.cols, 256, h.n), 0.0), h.values(rng, (h.rows, 256, h.n), 0.5)) for _ in range(4)]
    results, cycles, _ = await h.run(jobs)
    h.check(jobs, results, cycles, True, "sparsity 0.5")
    alone = max(PE.job_steps(PE.Job(j.a[0], j.b[r], PE.MODE_B_ONLY, h.fmt), h.depth) for j in jobs for r in range(h.rows))
    dut._log.info("%dx%d tile, B sparsity 0.5, 4 jobs x 256 rows: RTL %d cycles, model %d, dense %d "
                  "(slowest single row alone needs %d steps per job)", h.rows, h.cols, cycles[-1],
                  int(T.tile_result_cycles(jobs, h.depth)[-1]), 4 * 256 + PE.FIXED_LATENCY, alone)


@cocotb.test()
async def slowest_row_each(dut):
    """Each PE row in turn has a dense B stream while the others are 90% sparse (so that row
    sets the pace), then all rows alike (a tie): exact and cycle-exact."""
    h = TileHarness(dut)
    await h.start()
    rng = seeded_rng(dut, "slowest_row_each")
    jobs = []
    for slow in [*range(h.rows), None]:
        sparsity = [0.0 if slow in (None, r) else 0.9 for r in range(h.rows)]
        b = np.stack([h.values(rng, (32, h.n), s) for s in sparsity])
        jobs.append(h.job(h.values(rng, (h.cols, 32, h.n), 0.0), b))
    results, cycles, _ = await h.run(jobs)
    h.check(jobs, results, cycles, True, "slowest row")
    dut._log.info("%d jobs, each row the slowest once and one tie: exact, cycles equal the model", len(jobs))


GEOMETRIES = [(1, 1, "int"), (1, 4, "int"), (4, 1, "int"), (2, 2, "int"), (4, 4, "int"),
              (2, 2, "bf16"), (2, 2, "fp32")]
SOURCES = ["tdash_tile.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v",
           "tdash_prio_enc.v", "tdash_operand_mux.v", "tdash_mac.v", "tdash_nonzero.v", "tdash_as_count.v",
           "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v"]


def tile_params(rows: int, cols: int, fmt: str = "int") -> dict:
    p = {"ROWS": rows, "COLS": cols, "N": P.LANES, "DEPTH": P.DEFAULT_DEPTH}
    return p if fmt == "int" else {**p, "OP_TYPE": PE.OP_TYPES[fmt]}


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: f"{g[0]}x{g[1]}" + ("" if g[2] == "int" else f"_{g[2]}"))
def test_tile(geometry):
    run_block("tile", "tdash_tile", tile_params(*geometry), SOURCES, "tb.tile.test_tile")
