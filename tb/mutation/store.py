"""Campaign results on disk, keyed by content: shards, resumption, merge and freshness.

* The *judge key* of an rtl/ file is a SHA-256 over the file's text and the text of everything
  that decides whether its mutants are killed: the bench folders of every block that compiles it
  (tb/<block>/), every project module they import, transitively (tb/common/..., model/...), and
  the mutation tool's bench table, site finder and runner, and the HDL harnesses (tb/common/*.v)
  those benches compile. The other rtl/ files are not in it (a change there does not change this
  file's mutants).
* One result file per mutant: <results>/<file>/<judge key[:16]>/<n>.json, n = the mutant's
  index within its file (stable for the same file text, unlike the global id). A run skips a
  mutant whose file exists for today's key: a campaign is resumable, and shards that write into
  one directory (a shared file system) need no coordination.
* A shard i/N is the mutants whose SHA-1 of the key is i-1 mod N: deterministic, and balanced
  across files and operator classes without knowing their cost.
* baseline.json holds one entry per rtl/ file: the judge key its campaign was measured for, the
  stimulus seed and every mutant's status. Entries are written per file (a file's entry as soon
  as all its mutants have results for today's key), so a campaign that covers some files makes
  those fresh and leaves the others stale; `stale_files` lists the files whose recorded key is
  not today's. The make test guard samples only fresh entries' killed mutants.
* The mutation package's own modules are judges only where they decide a verdict (TOOL_FILES:
  the campaign runner, the bench table, the site finder, the one-run driver, the netlist
  identity check). The store, the report / merge code, the equivalence table and its proofs
  (miter.py) are not: a fix to the report must not throw
  away hours of results. (A key added to the equivalence table overrides the recorded verdict
  when results are merged; a recorded "equivalent" whose key was removed counts as missing.)
"""

from __future__ import annotations

import ast
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from tb.common.runner import ROOT, RTL, SIM_BUILD

RESULTS = SIM_BUILD / "mutation" / "results"
BASELINE = Path(__file__).with_name("baseline.json")
BASELINE_FORMAT = 2    # {"format": 2, "files": {rtl file: {"key", "seed", "status": {mutant key: status},
#                        "by": {mutant key of a killed mutant: its judge, e.g. "sim pe.DEPTH3_KIND0_N16"}}}}
# ("by" is absent from entries merged before it was recorded: the guard then runs every configuration)
TOOL_FILES = ("tb/mutation/__main__.py", "tb/mutation/sites.py", "tb/mutation/run_one.py",
              "tb/mutation/identity.py")
# The bench table (tb/mutation/benches.py) judges a file through what it decides for that file:
# the quick stimulus and the configurations that compile the file (block, top, parameters,
# sources, test module, test cases). Those are hashed instead of the table's text, so a change
# to one block's row stales only the files that block compiles.


def _files_under(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix in (".py", ".v", ".sv", ".vh", ".vlt", ".json"))


@lru_cache(maxsize=None)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _imports(path: Path) -> set[Path]:
    """The project's Python modules (tb.*, model.*) that a file imports."""
    out = set()
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError):
        return out
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for n in names:
            if n.startswith("tb.mutation"):
                continue   # the tool's own judges are TOOL_FILES (module docstring)
            if n.split(".")[0] in ("tb", "model"):
                for cand in (ROOT / (n.replace(".", "/") + ".py"), ROOT / n.replace(".", "/") / "__init__.py"):
                    if cand.is_file():
                        out.add(cand)
    return out


def judges(rtl_file: str) -> list[Path]:
    """The files whose text decides whether rtl_file's mutants are killed (besides itself): the
    bench folders of the blocks that compile it (tb/<block>/: tests, HDL harnesses), the HDL
    harnesses outside rtl/ those benches compile (tb/common/*.v), every project module the
    benches import, transitively (tb/common/..., model/...), and the tool's TOOL_FILES with
    their imports. The bench table's own imports (every block's test module, for its
    parameter sets) are not followed: what they decide for this file is which blocks and
    configurations compile it, and those blocks' folders are in the list already."""
    from tb.mutation import benches as BN
    bench_list = BN.for_file(rtl_file)
    blocks = sorted({b.block for b in bench_list})
    harnesses = sorted({Path(s) for b in bench_list for s in b.sources if Path(s).is_absolute()})
    todo = [p for b in blocks for p in _files_under(ROOT / "tb" / b)] + harnesses + [ROOT / f for f in TOOL_FILES]
    seen: set[Path] = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p.suffix == ".py":
            todo += sorted(_imports(p) - seen)
    return sorted(seen)


def bench_rows(rtl_file: str) -> str:
    """What the bench table decides for rtl_file (see TOOL_FILES)."""
    from tb.mutation import benches as BN
    return json.dumps({"quick": BN.QUICK_ENV, "benches": [
        [b.block, b.toplevel, list(b.params), [str(Path(s).relative_to(ROOT)) if Path(s).is_absolute() else s
                                              for s in b.sources], b.test_module, b.testcases]
        for b in BN.for_file(rtl_file)],
        "refusals": [[r.toplevel, list(r.sources), list(r.params), r.message] for r in BN.refusals_for(rtl_file)],
        "accepts": [[a.toplevel, list(a.sources), list(a.params)] for a in BN.accepts_for(rtl_file)]},
        sort_keys=True, default=list)


def judge_key(rtl_file: str, text: bytes | None = None, judge_texts: dict[Path, bytes] | None = None) -> str:
    """The key of rtl_file (with `text` in place of its content: what an edit would make it;
    with judge_texts, those judges' texts in place of theirs: what the key was before an edit)."""
    h = hashlib.sha256()
    h.update(b"bench table\0" + hashlib.sha256(bench_rows(rtl_file).encode()).hexdigest().encode() + b"\0")
    for p in [RTL / rtl_file] + judges(rtl_file):
        if text is not None and p == RTL / rtl_file:
            digest = hashlib.sha256(text).hexdigest()
        elif judge_texts and p in judge_texts:
            digest = hashlib.sha256(judge_texts[p]).hexdigest()
        else:
            digest = _digest(p)
        h.update(str(p.relative_to(ROOT)).encode() + b"\0" + digest.encode() + b"\0")
    return h.hexdigest()


def rtl_files() -> list[str]:
    return sorted(p.name for p in RTL.iterdir() if p.suffix in (".v", ".vh"))


def load_baseline() -> dict:
    """baseline.json in today's format (an older file, which recorded no keys, is empty)."""
    if not BASELINE.exists():
        return {"format": BASELINE_FORMAT, "files": {}}
    base = json.loads(BASELINE.read_text())
    if base.get("format") != BASELINE_FORMAT:
        return {"format": BASELINE_FORMAT, "files": {}}
    return base


def update_baseline(entries: dict[str, dict]) -> None:
    """Replace (or add) the baseline entries of some files; the others stand."""
    base = load_baseline()
    base["files"].update(entries)
    base["files"] = dict(sorted(base["files"].items()))
    BASELINE.write_text(json.dumps(base, indent=1) + "\n")


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    if shard is None:
        return True
    i, n = shard
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % n == i - 1


def parse_shard(text: str) -> tuple[int, int]:
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"SHARD must be i/N with integers, got {text!r}") from None
    if not (n >= 1 and 1 <= i <= n):
        raise ValueError(f"SHARD i/N needs 1 <= i <= N, got {text!r}")
    return i, n


def result_path(results: Path, file: str, key: str, index: int) -> Path:
    return results / file / key[:16] / f"{index}.json"


def load(results: Path, file: str, key: str, index: int, mutant_key: str) -> dict | None:
    p = result_path(results, file, key, index)
    if not p.exists():
        return None
    r = json.loads(p.read_text())
    return r if r.get("key") == mutant_key else None


def save(results: Path, file: str, key: str, index: int, result: dict) -> None:
    p = result_path(results, file, key, index)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(result))
    tmp.replace(p)   # atomic: a killed shard never leaves half a file


def stale_files(baseline: dict, files: list[str], keys: dict[str, str] | None = None) -> dict[str, str]:
    """File -> why it is stale (never measured for a recorded key, or measured for another key
    than today's: the file, its benches or the mutation tool changed since)."""
    recorded = baseline.get("files", {})
    out = {}
    for f in files:
        key = keys[f] if keys else judge_key(f)
        if f not in recorded:
            out[f] = "no campaign result recorded for it"
        elif recorded[f]["key"] != key:
            out[f] = "changed since its campaign (the file, its benches or the mutation tool)"
    return out
