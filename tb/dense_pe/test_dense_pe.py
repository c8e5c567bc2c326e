"""cocotb testbench for rtl/dense_pe.v (the Fig 6 baseline) against model/pe.py.

The same bench as tb/pe (tb/common/pe_bench.py); cycles come from the dense model: one row
per cycle. Run with ``make sim MODULE=dense_pe``.
"""

import os

import pytest

from model import params as P
from model import pe as PE
from tb.common import pe_bench as B
from tb.common.runner import run_block

KIND = "dense"
JOBS = int(os.environ.get("TDASH_JOBS", "300"))


globals().update(B.cocotb_tests(KIND, __name__, JOBS))

SOURCES = ["dense_pe.v", "tdash_stage_queue.v", "tdash_mac.v", "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v"]
PARAM_SETS = [{"N": P.LANES, "DEPTH": d} for d in P.DEPTHS] + [
    {"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH, "OP_TYPE": PE.OP_TYPES[f]} for f in ("bf16", "fp32")]


def run_dense(params, testcase=None, extra_env=None):
    return run_block("dense_pe", "dense_pe", params, SOURCES, "tb.dense_pe.test_dense_pe", testcase, extra_env)


@pytest.mark.parametrize("params", PARAM_SETS, ids=B.param_id)
def test_dense_pe(params):
    run_dense(params, B.REGRESSION_TESTS)
