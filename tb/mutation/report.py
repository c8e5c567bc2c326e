"""The campaign's report, the per-file baseline, freshness and the make test guard's pool.

Kept apart from the campaign runner (tb/mutation/__main__.py) on purpose: the runner is one of
the judges of every file's results (tb/mutation/store.py), this module is not, so the report
can be fixed without invalidating hours of measured results.

* ``merge``: the report (reports/mutation/summary.md, results.json) from the result files of
  today's mutants, and the baseline entry of every file whose mutants all have results for
  today's judge key with one stimulus seed (``make mutate-merge``; a campaign ends with it).
* ``status``: the files whose baseline entry is stale (``make mutate-status``).
* ``guard_pool``: the mutants the make test guard may sample: those a *fresh* baseline entry
  records as killed.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections import Counter, defaultdict
from pathlib import Path

from tb.common.runner import ROOT
from tb.mutation import sites as S
from tb.mutation import store as ST
from tb.mutation.equivalent import EQUIVALENT
from tb.mutation.survivors import SURVIVORS

REPORT = ROOT / "reports" / "mutation"
COLS = ["killed", "survived", "equivalent", "stillborn", "error"]


def report(results: dict[int, dict], seed: int, files: list[str], walls: dict, mutants: list[S.Mutant],
           dead: list[str]) -> str:
    total = len(mutants)
    per = defaultdict(Counter)
    for r in results.values():
        per[r["file"]][r["status"]] += 1
    cols = COLS
    lines = ["# Mutation testing of rtl/", "",
             f"{len(results)} of the {total} mutants of {len(files)} rtl/ files have a result for today's RTL "
             f"and benches" + (" (the rest: Not measured yet, at the end)" if len(results) < total else "")
             + f"; stimulus seed {seed}; merged from the result files (`make mutate`, `make mutate-merge`; "
             "operators and exclusions: tb/mutation/sites.py).", "",
             "Kill rate = killed / (killed + survived): stillborn mutants (Verilator lint *errors*) "
             "are not designs, equivalent ones are proven (a miter, or a miter under a named contract: "
             "tb/mutation/equivalent.py, make mutate-equiv, reports/mutation/equivalence.md; or, for a "
             "survivor, by the campaign: its netlist is the original's at every configuration that compiles "
             "the file).", ""]
    lines += ["*complete* = every mutant of the file has a result for today's judge key (its baseline "
              "entry is fresh); *time* = the sum of its mutants' lint, build and simulation wall times as "
              "the campaign recorded them (one mutant per job slot; builds of the shared metamutant count "
              "for the mutant that needed them first).", ""]
    generated = Counter(m.file for m in mutants)
    lines += ["| file | mutants | measured | " + " | ".join(cols) + " | kill rate | complete | time |",
              "|---|---|---" + "|---" * len(cols) + "|---|---|---|"]
    tot = Counter()
    for f in sorted(generated):
        c = per[f]
        tot.update(c)
        done, secs = walls.get(f, (False, 0.0))
        lines.append(f"| {f} | {generated[f]} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in cols)
                     + f" | {rate(c)} | {'yes' if done else 'no'} | {secs / 60:.1f} min |")
    n_done = sum(1 for f in generated if walls.get(f, (False,))[0])
    lines.append(f"| **all** | {total} | {sum(tot.values())} | " + " | ".join(str(tot[k]) for k in cols)
                 + f" | **{rate(tot)}** | {n_done} of {len(generated)} | "
                 f"{sum(walls.get(f, (False, 0.0))[1] for f in generated) / 60:.1f} min |")
    by = Counter(r.get("by", "").split(" ")[0] for r in results.values() if r["status"] == "killed")
    lines += ["", "Killed by: " + ", ".join(f"{k} {v}" for k, v in by.most_common()) +
              " (lint = a -Wall warning the regression's build would stop on; hang = timeout).", ""]
    kinds = Counter((r["kind"], r["status"]) for r in results.values())
    per_kind = Counter(m.kind for m in mutants)
    lines += ["| operator | mutants | measured | " + " | ".join(cols) + " | kill rate |",
              "|---|---|---" + "|---" * len(cols) + "|---|"]
    for k in S.OPERATORS:
        c = Counter({s: kinds[(k, s)] for s in cols})
        lines.append(f"| {k} | {per_kind[k]} | {sum(c.values())} | " + " | ".join(str(c[s]) for s in cols)
                     + f" | {rate(c)} |")
    lines += ["", "Operators: tb/mutation/sites.py (op, const, negate, swap, stuck0/1; issue 20's classes: index = a "
              "lane or bit index +-1, lanes = two lanes swapped, noreset = a reset branch removed, rstdrop = one "
              "reset assignment dropped, hs0/hs1 = a handshake output stuck, flag0 = a last/valid flag dropped "
              "where it is read, guard1 = an && term of a flag's condition forced)."]
    surv = [r for r in results.values() if r["status"] in ("survived", "error")]
    unexplained = [r for r in surv if r["key"] not in SURVIVORS]
    lines += ["", f"## Survivors ({len(surv)})", "",
              f"Why each is acceptable: tb/mutation/survivors.py. {len(unexplained)} have no reason recorded "
              "(a gap in the regression until one is)" + (": " + ", ".join(f"#{r['id']}" for r in unexplained)
                                                           if unexplained else "") + ".", ""]
    for r in sorted(surv, key=lambda r: r["id"]):
        lines += [f"### {r['describe']}", "", f"key `{r['key']}`; ran on " +
                  ", ".join(f"{x['bench']} ({x['verdict']})" for x in r["runs"]) + (f"; {r.get('detail')}" if r.get("detail") else ""),
                  "", "**Why acceptable:** " + SURVIVORS.get(r["key"], "**no reason recorded**"),
                  "", "```diff", r["diff"].rstrip(), "```", ""]
    measured, surviving = {r["key"] for r in results.values()}, {r["key"] for r in surv}
    gone = sorted(k for k in SURVIVORS if k in measured and k not in surviving)
    if gone:
        lines += ["Reasons in tb/mutation/survivors.py whose mutant no longer survives (remove them): "
                  + ", ".join(f"`{k}`" for k in gone), ""]
    eq = [r for r in results.values() if r["status"] == "equivalent"]
    lines += [f"## Equivalent mutants ({len(eq)})", ""]
    for r in sorted(eq, key=lambda r: r["id"]):
        lines += [f"- {r['describe']}: {EQUIVALENT.get(r['key']) or r['proof']}"]
    if dead:
        lines += ["", "Equivalence keys that match no mutant any more (rtl/ changed; make mutate-equiv fails on "
                  "them):", ""]
        lines += [f"- `{k}`" for k in sorted(dead)]
    lines += ["", "## Not mutated, by design", "", S.__doc__.split("Deliberately not mutated (the report repeats this list):")[1].strip()]
    return "\n".join(lines) + "\n"


def rate(c: Counter) -> str:
    n = c["killed"] + c["survived"] + c["error"]
    return f"{100.0 * c['killed'] / n:.1f}%" if n else "-"


def _cpu_seconds(r: dict) -> float:
    return float(r.get("seconds") or sum(x.get("seconds", 0.0) for x in r.get("runs", [])))


def with_equivalence(r: dict) -> dict:
    """A recorded result with today's equivalence table applied (store.py docstring)."""
    if r["key"] in EQUIVALENT and r["status"] != "equivalent":
        return dict(r, status="equivalent", measured=r["status"])
    return r


def merge(all_sites, mutants, files: list[str], results_dir: Path) -> int:
    """The report, and the baseline entry of every complete file, from the result files of today's
    mutants. Returns 0 when every file asked for is complete."""
    keys = {f: ST.judge_key(f) for f in files}
    first = {f: fs.mutants[0].id for f, fs in all_sites.items() if fs.mutants}
    results, missing = {}, defaultdict(list)
    for m in mutants:
        r = ST.load(results_dir, m.file, keys[m.file], m.id - first[m.file], m.key)
        if r is not None and r["status"] == "equivalent" and m.key not in EQUIVALENT and not r.get("proof"):
            r = None   # recorded as equivalent under a key since removed: must be run
        if r is None:
            missing[m.file].append(m)
        else:
            results[m.id] = dict(with_equivalence(r), id=m.id)
    seeds = sorted({r.get("seed") for r in results.values()} - {None})
    n_missing = sum(len(v) for v in missing.values())
    print(f"merge: {len(results)} of {len(mutants)} mutants have results for today's RTL and benches "
          f"(seeds {seeds}); {n_missing} missing")
    entries, walls = {}, {}
    for f in files:
        mine = [r for r in results.values() if r["file"] == f]
        fseeds = {r.get("seed") for r in mine}
        done = f not in missing and len(fseeds) == 1 and None not in fseeds
        walls[f] = (done, sum(_cpu_seconds(r) for r in mine))
        if done and all_sites[f].mutants:
            entries[f] = {"key": keys[f], "seed": fseeds.pop(), "mutants": len(mine),
                          "status": {r["key"]: r["status"] for r in sorted(mine, key=lambda r: r["id"])},
                          # what killed each killed mutant: the guard replays it there
                          "by": {r["key"]: r["by"] for r in sorted(mine, key=lambda r: r["id"])
                                 if r["status"] == "killed" and r.get("by")}}
    if not results:
        return 1
    REPORT.mkdir(parents=True, exist_ok=True)
    every_key = {m.key for fs in all_sites.values() for m in fs.mutants}
    text = report(results, seeds[0] if len(seeds) == 1 else -1, files, walls, mutants,
                  sorted(k for k in EQUIVALENT if k not in every_key))
    if missing:
        text += ("\n## Not measured yet\n\n" + f"{n_missing} mutants have no result for today's judge key "
                 "(run them: make mutate FILES=..., or the missing shards: make mutate SHARD=i/N):\n\n")
        text += "".join(f"- {f}: {len(ms)} of {len(all_sites[f].mutants)} mutants\n" for f, ms in sorted(missing.items()))
    (REPORT / "summary.md").write_text(text)
    (REPORT / "results.json").write_text(json.dumps(sorted(results.values(), key=lambda r: r["id"]), indent=1))
    if entries:
        ST.update_baseline(entries)
        print(f"baseline entries written for {len(entries)} complete files: {', '.join(sorted(entries))} "
              f"({ST.BASELINE.relative_to(ROOT)}: commit it)")
    print(text.split("## Survivors")[0])
    print(f"report: {REPORT / 'summary.md'}")
    return 0 if not missing else 1


def status() -> int:
    """make mutate-status: which rtl/ files' baseline entry is stale; exit 1 if any."""
    base = ST.load_baseline()
    files = ST.rtl_files()
    stale = ST.stale_files(base, files)
    for f in files:
        e = base["files"].get(f)
        what = ""
        if e and f not in stale:
            c = Counter(e["status"].values())
            what = f"  {c['killed']} killed, {c['survived']} survived, {c['equivalent']} equivalent, {rate(c)}"
        print(f"{'STALE' if f in stale else 'fresh'}  {f}" + (f"  ({stale[f]})" if f in stale else what))
    # The score of the fresh entries (the committed baseline: reports/ is not committed), overall
    # and per operator class (the class is a field of the mutant key).
    tot, kinds = Counter(), defaultdict(Counter)
    for f in files:
        if f in base["files"] and f not in stale:
            for key, st in base["files"][f]["status"].items():
                tot[st] += 1
                kinds[key.split(":")[3]][st] += 1
    if tot:
        print(f"fresh files: {sum(tot.values())} mutants, {tot['killed']} killed, {tot['survived']} survived, "
              f"{tot['equivalent']} equivalent, {tot['stillborn']} stillborn: kill rate {rate(tot)}")
        print("  per operator: " + ", ".join(f"{k} {rate(kinds[k])} ({kinds[k]['killed']}/"
                                             f"{kinds[k]['killed'] + kinds[k]['survived'] + kinds[k]['error']})"
                                             for k in S.OPERATORS if k in kinds))
    print(f"mutation baseline: {len(stale)} of {len(files)} rtl/ files stale"
          + ("; re-run their campaign (make mutate FILES=..., or shards + make mutate-merge)" if stale else ""))
    return 1 if stale else 0


def guard_pool(all_sites, files: list[str]) -> tuple[dict[str, list[S.Mutant]], dict[str, str], dict[str, int]]:
    """The make test guard's candidates: per file, the current mutants that the file's *fresh*
    baseline entry records as killed (not equivalent, and compiled by some bench); the stale
    files with why; each fresh file's stimulus seed."""
    from tb.mutation import benches as BN
    base = ST.load_baseline()
    stale = ST.stale_files(base, files)
    pool, seeds = {}, {}
    for f in files:
        if f in stale or not BN.for_file(f):
            continue
        status = base["files"][f]["status"]
        pool[f] = [m for m in all_sites[f].mutants if status.get(m.key) == "killed" and m.key not in EQUIVALENT]
        seeds[f] = base["files"][f]["seed"]
    return {f: ms for f, ms in pool.items() if ms}, stale, seeds


GUARD_FILES = 3   # files one guard run samples from (a fresh build of each bench is minutes)


def killers() -> dict[str, dict[str, str]]:
    """Per file, the judge its baseline entry records as having killed each mutant (by key)."""
    return {f: e.get("by", {}) for f, e in ST.load_baseline()["files"].items()}


def replay_build(m: S.Mutant, by: dict[str, str]):
    """The simulation build that replaying ``m`` on its recorded killer costs: run-time mutants
    of a file killed on the same configuration share one (the metamutant), a static mutant has
    its own, and a lint, a refusal or an accept builds nothing (None). A mutant with no recorded
    killer runs every configuration in order: a build of its own."""
    how = by.get(m.key)
    if how is None:
        return ("every configuration", m.id)
    if not how.startswith("sim "):
        return None
    return (how, m.id if m.static else None)


def pick_guard(all_sites, files: list[str], k: int, pick_seed: int) -> tuple[list[S.Mutant], dict, dict]:
    """K mutants for the make test guard: GUARD_FILES files with a fresh baseline entry, drawn at
    random, and killed mutants of theirs drawn in turn, so that over successive runs every
    rtl/ file, FP units included, is guarded, while one run builds few benches.

    A file's first mutant is drawn uniformly from its killed ones (every killed mutant is a
    file's first pick as often as any other); its next ones come from the same replay build
    (:func:`replay_build`) while that build has any left, and only then from a new uniform
    draw. So a run usually builds one configuration per file at most, where drawing each mutant
    independently built up to one per mutant (README, "Regression cost", has the counts)."""
    pool, stale, seeds = guard_pool(all_sites, files)
    return draw_guard(pool, killers(), k, pick_seed), stale, seeds


def draw_guard(pool: dict[str, list[S.Mutant]], by: dict[str, dict[str, str]], k: int,
               pick_seed: int) -> list[S.Mutant]:
    """:func:`pick_guard`'s draw from a :func:`guard_pool` with the files' :func:`killers`
    (apart, so a test can check many draws on one pool: the pool costs a judge key per file)."""
    rnd = random.Random(pick_seed)
    order = sorted(pool)
    rnd.shuffle(order)
    order = order[:GUARD_FILES]
    picked: list[S.Mutant] = []
    current: dict[str, object] = {}     # a file's replay build, from its first pick on
    while order and len(picked) < k:
        progress = False
        for f in order:
            left = [m for m in pool[f] if m not in picked]
            if not left or len(picked) >= k:
                continue
            same = [m for m in left if replay_build(m, by[f]) == current[f]] if f in current else []
            m = rnd.choice(same or left)
            current[f] = replay_build(m, by[f])
            picked.append(m)
            progress = True
        if not progress:
            break
    return picked


def guard(campaign_cls, all_sites, files: list[str], args) -> int:
    """--sample K: the make test guard. It samples mutants that a fresh baseline entry records as
    killed, so it checks that the regression has not lost the power it was measured to have (a
    known survivor is reported by make mutate, not re-found at random by make test), with the
    file's campaign seed, so a sampled mutant sees exactly the stimulus that killed it (the
    regression itself runs with fresh seeds every time). Exit 1 if one survives (or, with
    --require-fresh, if a file is stale), 2 if nothing is fresh."""
    pick_seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    picked, stale, seeds = pick_guard(all_sites, files, args.sample, pick_seed)
    if stale:
        print(f"mutation guard: {len(stale)} rtl/ files have a stale baseline entry and are not guarded: "
              + ", ".join(f"{f} ({why})" for f, why in sorted(stale.items())), flush=True)
    if args.require_fresh and stale:
        print("mutation guard: FAIL, stale baseline (re-run the campaign of these files: make mutate FILES=...)")
        return 1
    if not picked:
        print("mutation guard: no rtl/ file has a fresh baseline entry: nothing to sample")
        return 2
    t0 = time.monotonic()
    by_seed: dict[int, list] = {}
    for m in picked:
        by_seed.setdefault(seeds[m.file], []).append(m)
    print(f"mutation guard: {len(picked)} mutants of {', '.join(sorted({m.file for m in picked}))}, stimulus seeds "
          f"{sorted(by_seed)} (replay: python -m tb.mutation --sample {args.sample} --seed {pick_seed})", flush=True)
    results = {}
    work = campaign_cls.WORK / "guard"   # its own builds: make test may run beside a make mutate
    by = killers()
    replay = {m.id: by[m.file].get(m.key) for m in picked}
    for m in picked:
        print(f"  {m.describe()}: killed by {replay[m.id] or '(not recorded: every configuration in order)'}")
    for s, ms in sorted(by_seed.items()):
        results.update(campaign_cls(all_sites, ms, args.jobs, s, work=work, identity=False,
                                    replay={m.id: replay[m.id] for m in ms if replay[m.id]}).run())
    bad = [r for r in results.values() if r["status"] in ("survived", "error")]
    for r in bad:
        print(f"SURVIVED {r['describe']}\n{r['diff']}")
    killed = sum(r["status"] == "killed" for r in results.values())
    print(f"mutation guard: {killed} killed, {sum(r['status'] == 'stillborn' for r in results.values())} stillborn, "
          f"{len(bad)} survived, of {len(results)} sampled, {time.monotonic() - t0:.0f} s")
    return 1 if bad else 0
