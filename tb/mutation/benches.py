"""The bench configurations mutants run against, cheapest first, and the quick stimulus.

Each is one cocotb testbench of the regression with one parameter set, run with the
regression's own tests and checks (values and cycle counts against model/), only with less
random stimulus (QUICK_ENV) so a mutant costs seconds. A mutant of file f runs first on the
cheapest configuration that contains f; if it survives, on every other one that does.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from model import params as P
from tb.common import pe_bench
from tb.common.runner import RTL, param_tag

# Stimulus counts of a mutant run (the regression's defaults in brackets).
QUICK_ENV = {
    "TDASH_JOBS": "40",         # PE / dense PE jobs per random test (300); tile: a fifth
    "TDASH_ROUNDS": "1",        # runs per style of the PE, dense PE and tile benches (4)
    "TDASH_LONG_ROWS": "300",   # rows of the long PE job (2000)
    "TDASH_WINDOWS": "3000",    # random scheduler windows (100000)
    "TDASH_STREAMS": "30",      # scheduler row streams (300)
    "TDASH_TENSORS": "6",       # compressor / decompressor tensors (40)
    "TDASH_FP_VECTORS": "5000", # FP multiplier / adder operand pairs (100000)
}


@dataclass(frozen=True)
class Bench:
    block: str
    toplevel: str
    params: tuple            # sorted (name, value) pairs (hashable)
    sources: tuple
    test_module: str
    testcases: tuple | None = None
    only: tuple = ()         # judges only these rtl/ files (empty: every file it compiles)

    @property
    def name(self) -> str:
        return f"{self.block}.{param_tag(dict(self.params))}"

    def uses(self, rtl_file: str) -> bool:
        """Does this bench compile rtl_file (directly, or through an `include) and judge it?"""
        if self.only and rtl_file not in self.only:
            return False
        return self.compiles(rtl_file)

    def compiles(self, rtl_file: str) -> bool:
        """Does this bench compile rtl_file, whether or not it judges it (``only``)?"""
        return rtl_file in self.sources or any(rtl_file in includes(s) for s in self.sources)

    def dut(self) -> tuple[str, dict, list[str]]:
        """The rtl/ design this bench builds: (top module, parameters, rtl/ sources). A harness
        top (tb/common/*_harness.v) stands for the DUT it wraps, with the parameters it passes
        on: the harnesses compute DW and ACC_W with the DUTs' own default formulas and pass
        the rest through, so the DUT elaborated with these parameters is the harness's DUT."""
        params = dict(self.params)
        top = self.toplevel
        if top == "tdash_pe_harness":
            top = HARNESS_DUT[params.pop("KIND")]
        elif top == "tdash_tile_harness":
            top = "tdash_tile"
        return top, params, [s for s in self.sources if not Path(s).is_absolute()]


HARNESS_DUT = {code: {"tdash": "tdash_pe", "dense": "dense_pe"}[kind] for kind, code in pe_bench.HARNESS_KIND.items()}
"""tdash_pe_harness's KIND parameter -> the module it instantiates."""


def includes(source: str) -> set[str]:
    path = RTL / source
    return set(re.findall(r'`include\s+"([^"]+)"', path.read_text())) if path.exists() else set()


def _b(block, toplevel, params, sources, module, testcases=None, only=()) -> Bench:
    return Bench(block, toplevel, tuple(sorted(params.items())), tuple(sources), module,
                 tuple(testcases) if testcases else None, tuple(only))


def benches() -> list[Bench]:
    from tb.compress import test_compress as TC
    from tb.dense_pe import test_dense_pe as TD
    from tb.pe import test_pe as TP
    from tb.scheduler import test_scheduler as TS
    from tb.tile import test_tile as TT

    from tb.fmul import test_fmul as TM

    out = [_b("fadd", "tdash_fadd", {}, ["tdash_fadd.v"], "tb.fadd.test_fadd")]
    for p in TM.PARAM_SETS:
        out.append(_b("fmul", "tdash_fmul", p, ["tdash_fmul.v"], "tb.fmul.test_fmul"))
    for d in (3, 2):
        out.append(_b("decompress", "tdash_decompress", {"N": P.LANES, "DEPTH": d}, ["tdash_decompress.v"],
                      "tb.decompress.test_decompress"))
    for p in TS.PARAM_SETS:
        out.append(_b("scheduler", "tdash_scheduler", p, TS.SOURCES, "tb.scheduler.test_scheduler"))
    # The PEs run in their HDL-agent harness (tb/common/tdash_pe_harness.v), every parameter
    # set the regression runs: N = 16 first (a runtime mutant starts there), then N 4, 8, 32.
    # A static mutant builds every N (static_benches): the queue's remainder slice elaborates
    # differently at N = 4 and 8 (tdash_stage_queue.v #2005, #2006).
    def pe_order(p):
        return (p["N"] != P.LANES, p["N"], -p["DEPTH"])
    for block, kind, tb in (("dense_pe", "dense", TD), ("pe", "tdash", TP)):
        sets = pe_bench.DENSE_PARAM_SETS if kind == "dense" else pe_bench.PE_PARAM_SETS
        for p in sorted(sets, key=pe_order):
            out.append(_b(block, "tdash_pe_harness", {**p, "KIND": pe_bench.HARNESS_KIND[kind]},
                          pe_bench.HARNESS_SOURCES + tb.SOURCES, tb.__name__, pe_bench.REGRESSION_TESTS))
    for p in sorted(TC.PARAM_SETS, key=lambda p: (-p["DEPTH"], p["ITERATIVE"])):
        out.append(_b("compress", "tdash_compress", p, TC.SOURCES, "tb.compress.test_compress", TC.REGRESSION_TESTS))
    for rows, cols in ((2, 2), (1, 4), (4, 1)):
        out.append(_b("tile", "tdash_tile_harness", {"ROWS": rows, "COLS": cols, "N": P.LANES, "DEPTH": P.DEFAULT_DEPTH},
                      [os.path.normpath(p) for p in TT.HARNESS_SOURCES] + TT.SOURCES, "tb.tile.test_tile",
                      TT.REGRESSION_TESTS))   # the regression's tile tests (hdl/python_driven are make bench's)
    # The tile's own logic that an INT tile at DEPTH 3 never elaborates or never exercises: the
    # bad-beat row check (in_rows > DEPTH fits in_rows' range only at DEPTH 2) and the A side's
    # Inf/NaN detection (floating point only). The regression runs these geometries; they judge
    # tdash_tile.v only, as the files below the tile are judged by the PE benches already
    # (a smaller set of configurations never claims a kill the regression would not make).
    for rows, cols, fmt, depth in ((2, 2, "int", 2), (2, 2, "bf16", 3), (2, 2, "fp32", 3)):
        out.append(_b("tile", "tdash_tile_harness", TT.tile_params(rows, cols, fmt, depth),
                      [os.path.normpath(p) for p in TT.HARNESS_SOURCES] + TT.SOURCES, "tb.tile.test_tile",
                      TT.REGRESSION_TESTS, only=("tdash_tile.v",)))
    return out


@dataclass(frozen=True)
class Refusal:
    """A parameter set the RTL must refuse at elaboration, with the message (a regression
    test_unsupported_parameters_are_refused case). A static mutant of a file it compiles is
    killed when the mutated RTL elaborates that set, or stops with another message: the
    regression's refusal test would fail."""
    toplevel: str
    sources: tuple
    params: tuple            # sorted (name, value) pairs
    message: str

    def uses(self, rtl_file: str) -> bool:
        return rtl_file in self.sources or any(rtl_file in includes(s) for s in self.sources)


def refusals() -> list[Refusal]:
    from tb.compress import test_compress as TC
    from tb.decompress import test_decompress as TDC
    from tb.pe import test_pe as TP
    from tb.scheduler import test_scheduler as TS

    return [Refusal(top, tuple(srcs), tuple(sorted(params.items())), message)
            for tb in (TDC, TS, TC, TP) for top, srcs, params, message in tb.REFUSALS]


def refusals_for(rtl_file: str) -> list[Refusal]:
    return [r for r in refusals() if r.uses(rtl_file)]


@dataclass(frozen=True)
class Acceptance:
    """A parameter set the RTL must elaborate lint-clean (a regression test_elaborates_everywhere
    case) that no bench configuration simulates. A static mutant of a file it compiles is
    killed when the mutated RTL no longer elaborates it cleanly (Verilator -Wall)."""
    toplevel: str
    sources: tuple
    params: tuple            # sorted (name, value) pairs

    uses = Refusal.uses


def acceptances() -> list[Acceptance]:
    from tb.compress import test_compress as TC

    return [Acceptance(top, tuple(srcs), tuple(sorted(params.items())))
            for tb in (TC,) for top, srcs, sets in tb.ACCEPTS for params in sets]


def accepts_for(rtl_file: str) -> list[Acceptance]:
    return [a for a in acceptances() if a.uses(rtl_file)]


def compiling(rtl_file: str) -> list[Bench]:
    """Every configuration that compiles rtl_file, including the ones that judge only another
    file (``only``): the configurations an equivalence claim must hold at."""
    return [b for b in benches() if b.compiles(rtl_file)]


def for_file(rtl_file: str) -> list[Bench]:
    """Configurations that compile rtl_file, cheapest first."""
    return [b for b in benches() if b.uses(rtl_file)]
