"""cocotb testbench for rtl/tdash_fadd.v (binary32) against model/fp.py: every sum compared
bit for bit, no tolerance.

Stimulus (tb/common/fpvec.py): the specials crossed with each other, uniform bit patterns,
every alignment distance 0..30 with both signs (cancellation), sums at the flush and overflow
edges, short significands (exact rounding ties). Run with ``make sim MODULE=fadd``.
"""

import os

import cocotb
import pytest

from model import fp as FP
from tb.common import fpvec
from tb.common.runner import run_block, seeded_rng

VECTORS = int(os.environ.get("TDASH_FP_VECTORS", "100000"))


@cocotb.test()
async def sums(dut):
    a, b = fpvec.operand_pairs(seeded_rng(dut, "sums"), "fp32", VECTORS, "add")
    await fpvec.check_unit(dut, dut.s, a, b, FP.fadd(a, b), "binary32 sums")


@pytest.mark.parametrize("params", [{}], ids=["fp32"])
def test_fadd(params):
    run_block("fadd", "tdash_fadd", params, ["tdash_fadd.v"], "tb.fadd.test_fadd")
