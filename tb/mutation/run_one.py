"""One simulation of one bench (run by tb/mutation/__main__.py in its own process group, so a
hanging mutant can be killed with everything it started).

    python -m tb.mutation.run_one <build_dir> <bench json> <mutant id> <seed>

Prints one JSON line: {"tests": n, "failed": k} (failed = -1 when the simulator crashed
before writing results).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path


def main() -> int:
    build_dir, bench_json, mut, seed = sys.argv[1:5]
    spec = json.loads(bench_json)
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    from tb.common.runner import prepare_toolchain
    from tb.mutation.benches import QUICK_ENV

    prepare_toolchain()
    build_dir = Path(build_dir).resolve()
    # A run directory of its own: the HDL stream agents (tb/common/tdash_tb_stream.v) read their
    # stimulus from and write their capture to fixed file names in the simulator's working
    # directory, and parallel workers run mutants on the same metamutant build. Sharing
    # build_dir as the working directory let one run read another's stimulus or trace (false
    # kills and false survivals in every JOBS > 1 campaign).
    run_dir = build_dir / f"run_{mut}_{os.getpid()}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    results = run_dir / "results.xml"
    runner = get_runner("verilator")
    env = {"TDASH_PARAMS": json.dumps(spec["params"]), "TDASH_SEED": seed, "TDASH_BLOCK": spec["block"],
           **QUICK_ENV}
    os.environ.update(QUICK_ENV)
    try:
        runner.test(hdl_toplevel=spec["toplevel"], hdl_toplevel_lang="verilog", test_module=spec["test_module"], testcase=spec["testcases"],
                    build_dir=build_dir, test_dir=run_dir, seed=int(seed), results_xml=str(results),
                    plusargs=[f"+TDASH_MUT={mut}"], extra_env=env)
    except SystemExit:
        pass  # the simulator exited non-zero: the results file says what ran
    try:
        tests, failed = get_results(results)
    except (RuntimeError, OSError):
        tests, failed = 0, -1
    shutil.rmtree(run_dir, ignore_errors=True)
    print(json.dumps({"tests": tests, "failed": failed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
