"""cocotb testbench for rtl/tdash_pe.v against model/pe.py (shared bench: tb/common/pe_bench.py).

Parameter sets: INT at DEPTH 3 and 2, BF16 and FP32 at DEPTH 3 (results compared bit for
bit with the model's scheduled-order binary32 sum). Tests: random jobs cycle-exact with no stalls; random upstream bubbles and back-pressure;
extreme values (accumulator worst case); reset in the middle of a job; the sparsity sweep
whose cycles feed the TensorDash-vs-dense table (reports/pe_speedup.md).
Run one block with ``make sim MODULE=pe`` (SEED=n to replay, WAVES=1 for FST).
"""

import os

import pytest

from model import params as P
from model import pe as PE
from tb.common import pe_bench as B
from tb.common.runner import ROOT, run_block

KIND = "tdash"
JOBS = int(os.environ.get("TDASH_JOBS", "300"))


globals().update(B.cocotb_tests(KIND, __name__, JOBS))

SOURCES = ["tdash_pe.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v", "tdash_prio_enc.v",
           "tdash_operand_mux.v", "tdash_mac.v", "tdash_nonzero.v", "tdash_as_count.v", "tdash_fmul.v",
           "tdash_fadd.v", "tdash_fadd_tree.v"]
INT_PARAM_SETS = [{"N": P.LANES, "DEPTH": d} for d in P.DEPTHS]
# BF16 and FP32 datapaths (OP_TYPE 1, 2) at the paper's preferred depth: results bit-exact
# against the model's scheduled-order sum, cycles exact.
FP_PARAM_SETS = [{"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH, "OP_TYPE": PE.OP_TYPES[f]} for f in ("bf16", "fp32")]
PARAM_SETS = INT_PARAM_SETS + FP_PARAM_SETS


def run_pe(params, testcase=None, extra_env=None):
    return run_block("pe", "tdash_pe", params, SOURCES, "tb.pe.test_pe", testcase, extra_env)


@pytest.mark.parametrize("params", PARAM_SETS, ids=B.param_id)
def test_pe(params):
    run_pe(params, B.REGRESSION_TESTS)


def test_pe_vs_dense_table():
    """Run the fixed sweep on both RTL PEs; cycles must equal the model's; write the table."""
    from tb.dense_pe.test_dense_pe import run_dense

    run_dense({"N": P.LANES, "DEPTH": B.DENSE_SWEEP_DEPTH}, "sparsity_sweep")
    for params in INT_PARAM_SETS:
        run_pe(params, "sparsity_sweep")
    table = B.speedup_table([p["DEPTH"] for p in INT_PARAM_SETS])
    out = ROOT / "reports" / "pe_speedup.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# TensorDash PE vs dense PE, measured on the RTL\n\n" + table + "\n")
    print(table)
