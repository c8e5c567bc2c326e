"""Re-key the mutation baseline after a change to make lint's Yosys step that can only add
failures, re-linting exactly the mutants whose verdict it can change.

    python -m tb.mutation.relint --since REV [--dry-run]

tb/lint.py is a judge of every rtl/ file (the campaign runs its Yosys step), so any edit to it
stales all 18 baseline entries, hours of campaign on 2 cores. When the edit only widens the
set of fatal warnings, the campaign's verdicts follow from the recorded ones without running a
simulation again, and this tool derives them; it refuses unless each condition below is
checked true:

1. tb/lint.py differs from its text at REV only in the FATAL pattern (the two modules' syntax
   trees are equal once FATAL's value is set alike; comments do not count), and today's
   pattern is a substring of REV's, neither holding a regex metacharacter: every warning line
   the old lint failed on, the new one fails on too.
2. Each file's recorded key is the judge key of today's tree with REV's tb/lint.py in place of
   today's (store.judge_key's judge_texts): nothing else that judges the file changed since
   its campaign, and its recorded mutants are today's.

Then, per mutant (the flow of tb/mutation/__main__.py Campaign._run_mutant): the Yosys lint
runs only after every simulation of a mutant has passed. A mutant killed before that point
(Verilator lint, a refusal or acceptance case, a build, a simulation, a hang), a stillborn one
and one the equivalence table names (returned before any run) are judged exactly as before; one
the Yosys lint killed stays killed. Only survivors and mutants found equivalent by netlist
identity (which comes after the Yosys lint) reach the new lint: each of those is linted here
with today's tb/lint.py, and recorded killed by "yosys lint" if it fails now. The entries are
written for today's keys with the recorded seed; a later full campaign (make mutate) must give
the same statuses.

Not a judge (store.TOOL_FILES): it decides no verdict a campaign would not.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tb.common.runner import ROOT
from tb import lint as LINT
from tb.mutation import sites as S
from tb.mutation import store as ST
from tb.mutation.__main__ import discover, write_tree
from tb.mutation.equivalent import EQUIVALENT

LINT_PY = ROOT / "tb" / "lint.py"
_REGEX_META = re.compile(r"[.^$*+?{}\[\]\\|()]")


class Refused(Exception):
    pass


def _is_fatal(node: ast.AST) -> bool:
    """Is this the `FATAL = ...` assignment?"""
    return isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["FATAL"]


def _fatal_of(tree: ast.Module) -> str:
    for node in tree.body:
        if _is_fatal(node) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node.value.value
    raise Refused("tb/lint.py has no FATAL = '<pattern>' assignment")


def _without_fatal(tree: ast.Module) -> str:
    """The module's syntax tree with FATAL's value and every docstring blanked (comments are
    not in it at all): what must be equal for the lint to be unchanged but for FATAL."""
    for node in ast.walk(tree):
        if _is_fatal(node):
            node.value = ast.Constant("")
        if (isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and ast.get_docstring(node) is not None):
            node.body[0] = ast.Expr(ast.Constant(""))
    return ast.dump(tree)


def check_lint_widened(old_text: str, new_text: str) -> tuple[str, str]:
    """(old pattern, new pattern) if condition 1 of the module docstring holds, else Refused."""
    old_tree, new_tree = ast.parse(old_text), ast.parse(new_text)
    old, new = _fatal_of(old_tree), _fatal_of(new_tree)
    for p in (old, new):
        if _REGEX_META.search(p):
            raise Refused(f"FATAL {p!r} holds a regex metacharacter: substring reasoning does not apply")
    if new not in old:
        raise Refused(f"today's FATAL {new!r} is not a substring of the old {old!r}: the lint is not only widened")
    if _without_fatal(old_tree) != _without_fatal(new_tree):
        raise Refused("tb/lint.py changed in more than its FATAL pattern")
    return old, new


def relint(since: str, dry_run: bool = False) -> int:
    old_lint = subprocess.run(["git", "show", f"{since}:tb/lint.py"], cwd=ROOT, capture_output=True, check=True).stdout
    old, new = check_lint_widened(old_lint.decode(), LINT_PY.read_text())
    print(f"relint: tb/lint.py's FATAL widened from {old!r} to {new!r} since {since}; nothing else in it changed")
    base = ST.load_baseline()
    files = ST.rtl_files()
    all_sites, _ = discover(files)
    entries, changed = {}, []
    for f in files:
        e = base["files"].get(f)
        if e is None:
            raise Refused(f"{f}: no baseline entry to re-key (run its campaign: make mutate FILES={f})")
        if e["key"] != ST.judge_key(f, judge_texts={LINT_PY: old_lint}):
            raise Refused(f"{f}: its entry was not fresh with the old lint (something else changed): "
                          f"run its campaign, make mutate FILES={f}")
        mutants = all_sites[f].mutants
        if sorted(e["status"]) != sorted(m.key for m in mutants):
            raise Refused(f"{f}: the recorded mutants are not today's")
        status, by = dict(e["status"]), dict(e.get("by", {}))
        reach = [m for m in mutants if status[m.key] == "survived"
                 or (status[m.key] == "equivalent" and m.key not in EQUIVALENT)]
        killed_now = 0
        for m in reach:
            with tempfile.TemporaryDirectory() as d:
                rtl = write_tree(Path(d) / "rtl", {f: S.static_mutant(all_sites[f], m)})
                clean, msg = LINT.yosys_lint(rtl)
            if not clean:
                changed.append((m, status[m.key], msg))
                status[m.key], by[m.key] = "killed", "yosys lint"
                killed_now += 1
        print(f"  {f}: {len(reach)} of {len(mutants)} mutants reach the Yosys lint; {killed_now} now killed by it",
              flush=True)
        entries[f] = {"key": ST.judge_key(f), "seed": e["seed"], "mutants": e["mutants"],
                      "status": {m.key: status[m.key] for m in mutants},
                      "by": {m.key: by[m.key] for m in mutants if status[m.key] == "killed" and m.key in by}}
    for m, was, msg in changed:
        print(f"  {m.describe()}: {was} -> killed (yosys lint: {msg})")
    if dry_run:
        print("dry run: baseline.json not written")
    else:
        ST.update_baseline(entries)
        print(f"baseline entries re-keyed for {len(entries)} files ({ST.BASELINE.relative_to(ROOT)}: commit it)")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.mutation.relint", description=__doc__.split("\n\n")[0])
    ap.add_argument("--since", required=True, metavar="REV", help="the commit whose tb/lint.py the baseline was measured with")
    ap.add_argument("--dry-run", action="store_true", help="report, do not write baseline.json")
    args = ap.parse_args(argv)
    try:
        return relint(args.since, args.dry_run)
    except Refused as e:
        print(f"relint: refused: {e}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as e:
        print(f"relint: git show {args.since}:tb/lint.py failed: {e.stderr.decode().strip()}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
