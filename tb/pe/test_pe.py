"""cocotb testbench for rtl/tdash_pe.v against model/pe.py and its cycle-level pipeline
(shared bench: tb/common/pe_bench.py; HDL-side agents: tb/common/tdash_pe_harness.v).

Parameter sets (tb/common/pe_bench.PE_PARAM_SETS): INT at N 4, 8, 16, 32 x DEPTH 2, 3; BF16
and FP32 at N 16, DEPTH 3. Tests per set, every cycle compared with the model: random jobs
with no stalls (result cycles also equal the closed form); five stall patterns (random
bubbles and back-pressure, idle runs of 0..50 cycles, back-pressure runs of 0..50 cycles,
both, back-pressure every other cycle); reset placed in every state and at random; bad
beats (in_rows 0 or > DEPTH); extreme values. On the bare PE (Python-driven agents): a
reactive reset after exactly 20 accepted beats. test_pe_vs_dense_table runs the sparsity
sweep whose cycles feed reports/pe_speedup.md.
Run one block with ``make sim MODULE=pe`` (SEED=n to replay, WAVES=1 for FST).
"""

import json
import os

import numpy as np
import pytest

from model import params as P
from model import pe as PE
from tb.common import codec_bench as CB
from tb.common import pe_bench as B
from tb.common.hdl_agents import harness_params
from tb.common.runner import ROOT, run_block

KIND = "tdash"
JOBS = int(os.environ.get("TDASH_JOBS", "300"))

globals().update(B.cocotb_tests(KIND, __name__, JOBS))

SOURCES = ["tdash_pe.v", "tdash_stage_queue.v", "tdash_window_ctrl.v", "tdash_scheduler.v", "tdash_prio_enc.v",
           "tdash_operand_mux.v", "tdash_mac.v", "tdash_nonzero.v", "tdash_as_count.v", "tdash_fmul.v",
           "tdash_fadd.v", "tdash_fadd_tree.v"]


MAC_SOURCES = ["tdash_mac.v", "tdash_fmul.v", "tdash_fadd.v", "tdash_fadd_tree.v"]
MAC_REFUSAL = "tdash_error_OP_TYPE_1_needs_DW_16_OP_TYPE_2_needs_DW_32_ACC_W_32"
REFUSALS = [("tdash_mac", MAC_SOURCES, params, MAC_REFUSAL) for params in (
    {"OP_TYPE": 1, "DW": 32, "ACC_W": 32}, {"OP_TYPE": 2, "DW": 16, "ACC_W": 32}, {"OP_TYPE": 1, "DW": 16, "ACC_W": 40},
    {"OP_TYPE": 2, "DW": 32, "ACC_W": 16}, {"OP_TYPE": 3, "DW": 16, "ACC_W": 32})]
"""(top, sources, parameters, message): the floating-point MAC exists for bfloat16 (DW 16) and
FP32 (DW 32) with a 32-bit FP32 accumulator only; anything else is refused at elaboration
(also a judge of the mutation campaign, tb/mutation/benches.py)."""


def run_pe(params, testcase=None, extra_env=None, python_driven=False):
    """The HDL-agent build (tdash_pe_harness), or with ``python_driven`` the bare PE."""
    if python_driven:
        return run_block("pe", "tdash_pe", params, SOURCES, "tb.pe.test_pe", testcase, extra_env)
    return run_block("pe", "tdash_pe_harness", harness_params({**params, "KIND": B.HARNESS_KIND[KIND]}), B.HARNESS_SOURCES + SOURCES,
                     "tb.pe.test_pe", testcase, extra_env)


@pytest.mark.parametrize("params", B.PE_PARAM_SETS, ids=B.param_id)
def test_pe(params):
    run_pe(params, B.REGRESSION_TESTS)


@pytest.mark.parametrize("params", [{"N": 4, "DEPTH": 2}, {"N": 16, "DEPTH": 3}, {"N": 16, "DEPTH": 3, "OP_TYPE": 2}],
                         ids=B.param_id)
def test_job_words_are_the_per_beat_words(monkeypatch, params):
    """The harness words of a job packed at once (PeConfig.job_words, what the regression
    plays) equal the per-beat words (PeConfig.word, what bad beats and the Python-driven
    path use) of model.pe.beats, job by job."""
    monkeypatch.setenv("TDASH_PARAMS", json.dumps(params))
    cfg = B.PeConfig(KIND)
    rng = np.random.default_rng(3)
    jobs = cfg.random_jobs(rng, 60)     # every mode, lengths around and across the beat size
    assert {j.mode for j in jobs} == set(PE.MODES)
    for job in jobs:
        assert cfg.job_words(job) == [cfg.word(beat) for beat in PE.beats(job, cfg.depth)], job


@pytest.mark.parametrize("tool, top, sources, params, message", CB.refusal_cases(REFUSALS),
                         ids=CB.refusal_id)
def test_unsupported_mac_parameters_are_refused(tool, top, sources, params, message):
    CB.assert_refused(tool, top, sources, params, message)


def test_pe_python_driven():
    run_pe({"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH}, B.PYTHON_DRIVEN_TESTS, python_driven=True)


def test_pe_vs_dense_table():
    """Run the fixed sweep on both RTL PEs; cycles must equal the model's; write the table."""
    from tb.dense_pe.test_dense_pe import run_dense

    run_dense({"N": P.LANES, "DEPTH": B.DENSE_SWEEP_DEPTH}, "sparsity_sweep")
    for depth in P.DEPTHS:
        run_pe({"N": P.LANES, "DEPTH": depth}, "sparsity_sweep")
    table = B.speedup_table(P.DEPTHS)
    out = ROOT / "reports" / "pe_speedup.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# TensorDash PE vs dense PE, measured on the RTL\n\n" + table + "\n")
    print(table)


ICARUS_ENV = {"TDASH_JOBS": "6"}
"""Icarus is far slower than Verilator: the same tests on a small stimulus."""
ICARUS_PARAMS = {"N": 4, "DEPTH": P.DEFAULT_DEPTH}
"""Icarus 11 runs the N = 16 PE at about 20 cycles/s and the N = 4 one at about 140 (measured,
no_stalls, the harness included); the Verilog it must accept is the same at every N."""


def test_pe_icarus(monkeypatch):
    """The same bench, simulator-independent, on Icarus Verilog built as Verilog-2005."""
    monkeypatch.setenv("SIM", "icarus")
    run_pe(ICARUS_PARAMS, ["no_stalls", "stalls", "resets"], ICARUS_ENV)


def test_sparsity_ranges_are_the_bins():
    """tb/common/fcov.py sparsity_range (vectorised, used for every generated job) is exactly
    the smallest and largest zero count whose fraction sparsity_bin puts in the bin."""
    from tb.common import fcov

    for cells in range(1, 700):
        for label in fcov.SPARSITY_BINS:
            counts = [k for k in range(cells + 1) if fcov.sparsity_bin(k / cells) == label]
            if counts:
                assert fcov.sparsity_range(label, cells) == (counts[0], counts[-1]), (label, cells)
            else:
                with pytest.raises(ValueError):
                    fcov.sparsity_range(label, cells)
