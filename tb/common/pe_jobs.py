"""Run a list of PE jobs through the RTL (tdash_pe or dense_pe) from outside pytest.

Used by the ``python -m studies`` commands that put RTL numbers next to the model's (speedup,
traces, bench). The jobs go to the cocotb test ``jobs_file`` of tb/common/pe_bench.py, which
checks them like the regression does (values exact, every result cycle equal to the model's)
and writes the measured cycles back; a failed check raises here.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from model import params as P
from tb.common.runner import SIM_BUILD

KINDS = ("tdash", "dense")


@dataclass
class RtlRun:
    cycles: list[int]          # cycle of each job's result, from the first accepted beat
    model_cycles: list[int]    # what model/pe.py says (equal, or the run raised)
    simulated: int             # clock cycles simulated
    wall: float                # seconds, build (if any) + simulator start-up + simulation
    run_wall: float            # seconds of the cycle loop alone (inside the cocotb test)

    @property
    def total(self) -> int:
        """Cycles from the first accepted beat to the last result."""
        return self.cycles[-1]


class RtlError(RuntimeError):
    pass


@contextlib.contextmanager
def _output_to(log: Path):
    """Send this process's and its children's stdout/stderr (Verilator, make, the simulator)
    to ``log``: the commands print their own progress and results instead."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "w") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run_jobs(kind: str, depth: int, jobs, tag: str, quiet: bool = True) -> RtlRun:
    """Simulate ``jobs`` (model.pe.Job list) on the ``kind`` PE built with DEPTH=``depth``.

    The first call per (kind, depth) builds the model (or reuses make test's build). With
    ``quiet`` the build and simulator output goes to a log file, kept only on failure."""
    from cocotb_tools.runner import get_results

    from tb.common.pe_bench import save_jobs

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if depth not in P.DEPTHS:
        raise ValueError(f"depth must be one of {P.DEPTHS}, got {depth!r}")
    if not jobs:
        raise ValueError("no jobs to run")
    work = SIM_BUILD / "model_cli"
    work.mkdir(parents=True, exist_ok=True)
    stem = f"{tag}_{kind}_DEPTH{depth}_{os.getpid()}"
    jobs_in, jobs_out = work / f"{stem}.npz", work / f"{stem}.json"
    jobs_out.unlink(missing_ok=True)
    save_jobs(jobs_in, jobs)
    env = {"TDASH_JOBS_IN": str(jobs_in), "TDASH_JOBS_OUT": str(jobs_out)}
    log = work / f"{stem}.log"
    params = {"N": P.LANES, "DEPTH": depth}
    t0 = time.monotonic()
    if kind == "tdash":
        from tb.pe.test_pe import run_pe as run
    else:
        from tb.dense_pe.test_dense_pe import run_dense as run
    try:
        with _output_to(log) if quiet else contextlib.nullcontext():
            results_xml = run(params, "jobs_file", env)
        failed = get_results(Path(results_xml))[1]
    except (Exception, SystemExit) as err:  # a build error ends in SystemExit / CalledProcessError
        raise RtlError(f"the {kind} PE (DEPTH {depth}) did not build or run: {err!r}; log: {log}") from None
    wall = time.monotonic() - t0
    if failed or not jobs_out.exists():
        raise RtlError(f"the {kind} PE (DEPTH {depth}) failed its checks on {len(jobs)} jobs: log {log}")
    out = json.loads(jobs_out.read_text())
    for f in (jobs_in, jobs_out, log):
        f.unlink()
    return RtlRun(out["cycles"], out["model_cycles"], out["simulated"], wall, out["run_wall"])
