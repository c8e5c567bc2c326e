"""cocotb testbench for rtl/dense_pe.v (the Fig 6 baseline) against model/pe.py.

The same bench as tb/pe (tb/common/pe_bench.py); cycles come from the dense model: one row
per cycle. Run with ``make sim MODULE=dense_pe``.
"""

import os

import cocotb
import pytest

from model import params as P
from tb.common import pe_bench as B
from tb.common.runner import run_block, seeded_rng

KIND = "dense"
JOBS = int(os.environ.get("TDASH_JOBS", "300"))


@cocotb.test()
async def random_jobs_exact(dut):
    await B.random_jobs_exact(dut, KIND, seeded_rng(dut, "random_jobs_exact"), JOBS)


@cocotb.test()
async def random_jobs_stalls(dut):
    await B.random_jobs_stalls(dut, KIND, seeded_rng(dut, "random_jobs_stalls"), JOBS // 3)


@cocotb.test()
async def extremes(dut):
    await B.extremes(dut, KIND, seeded_rng(dut, "extremes"))


@cocotb.test()
async def reset_mid_job(dut):
    await B.reset_mid_job(dut, KIND, seeded_rng(dut, "reset_mid_job"))


@cocotb.test()
async def sparsity_sweep(dut):
    await B.sparsity_sweep(dut, KIND)


SOURCES = ["dense_pe.v", "tdash_stage_queue.v", "tdash_mac.v"]
PARAM_SETS = [{"N": P.LANES, "DEPTH": d} for d in P.DEPTHS]


def run_dense(params, testcase=None):
    run_block("dense_pe", "dense_pe", params, SOURCES, "tb.dense_pe.test_dense_pe", testcase)


@pytest.mark.parametrize("params", PARAM_SETS, ids=lambda p: f"N{p['N']}_DEPTH{p['DEPTH']}")
def test_dense_pe(params):
    run_dense(params, ["random_jobs_exact", "random_jobs_stalls", "extremes", "reset_mid_job"])
