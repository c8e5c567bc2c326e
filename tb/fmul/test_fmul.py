"""cocotb testbench for rtl/tdash_fmul.v (bfloat16 and binary32 operands, binary32 product)
against model/fp.py: every product compared bit for bit, no tolerance.

Stimulus (tb/common/fpvec.py): the specials crossed with each other, uniform bit patterns,
products at the underflow and overflow edges, short significands (exact rounding ties).
Run with ``make sim MODULE=fmul`` (SEED=n to replay).
"""

import os

import cocotb
import pytest

from model import fp as FP
from tb.common import fpvec
from tb.common.runner import dut_params, run_block, seeded_rng

VECTORS = int(os.environ.get("TDASH_FP_VECTORS", "100000"))
FORMAT_OF_MW = {7: "bf16", 23: "fp32"}


@cocotb.test()
async def products(dut):
    fmt = FORMAT_OF_MW[dut_params()["MW"]]
    a, b = fpvec.operand_pairs(seeded_rng(dut, "products"), fmt, VECTORS, "mul")
    await fpvec.check_unit(dut, dut.p, a, b, FP.fmul(a, b, fmt), f"{fmt} products")


PARAM_SETS = [{"MW": mw} for mw in FORMAT_OF_MW]


@pytest.mark.parametrize("params", PARAM_SETS, ids=lambda p: FORMAT_OF_MW[p["MW"]])
def test_fmul(params):
    run_block("fmul", "tdash_fmul", params, ["tdash_fmul.v"], "tb.fmul.test_fmul")
