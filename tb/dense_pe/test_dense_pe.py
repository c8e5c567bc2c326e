"""cocotb testbench for rtl/dense_pe.v (the baseline PE, Fig 6) against model/pe.py and its
cycle-level pipeline; the same bench, tests and parameter sets as tb/pe (tb/common/pe_bench.py).
Run with ``make sim MODULE=dense_pe``.
"""

import os

import pytest

from model import params as P
from tb.common import pe_bench as B
from tb.common.hdl_agents import harness_params
from tb.common.runner import run_block

KIND = "dense"
JOBS = int(os.environ.get("TDASH_JOBS", "300"))

globals().update(B.cocotb_tests(KIND, __name__, JOBS))

SOURCES = ["dense_pe.v", "tdash_stage_queue.v", "tdash_mac.v", "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v"]


def run_dense(params, testcase=None, extra_env=None, python_driven=False):
    """The HDL-agent build (tdash_pe_harness), or with ``python_driven`` the bare PE."""
    if python_driven:
        return run_block("dense_pe", "dense_pe", params, SOURCES, "tb.dense_pe.test_dense_pe", testcase, extra_env)
    return run_block("dense_pe", "tdash_pe_harness", harness_params({**params, "KIND": B.HARNESS_KIND[KIND]}),
                     B.HARNESS_SOURCES + SOURCES, "tb.dense_pe.test_dense_pe", testcase, extra_env)


@pytest.mark.parametrize("params", B.DENSE_PARAM_SETS, ids=B.param_id)
def test_dense_pe(params):
    run_dense(params, B.REGRESSION_TESTS)


def test_dense_pe_python_driven():
    run_dense({"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH}, B.PYTHON_DRIVEN_TESTS, python_driven=True)
