#!/usr/bin/env python3
"""Compiler wrapper that reuses Verilator's runtime objects across builds (Verilator's OBJCACHE).

Every Verilator build compiles the same runtime, verilated.cpp, verilated_vpi.cpp,
verilated_cov.cpp, verilated_threads.cpp, verilated_dpi.cpp: about 28 s of a 34 s build on
this project's 2-core machines, identical for every block and parameter set. Verilator's make
rules put $(OBJCACHE) in front of every compile (it is meant for ccache, which the target
machines do not have; sccache breaks on Verilator's precompiled headers), so tb/common/runner.py
sets OBJCACHE to this script.

Only sources under $VERILATOR_ROOT/include are cached; every other command (the model's own
files, the precompiled header, cocotb's verilator.cpp, which includes Vtop.h) runs unchanged.
A cached object is reused only when the command line and the source are identical and every
file its dependency list (.d) names still has the size and modification time it had when the
object was stored, the same "direct mode" test ccache uses. Entries are written to a temporary
name and renamed, so parallel builds never see half an entry.

Usage (by make): objcache.py <compiler> <args...>
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parents[2] / "sim_build" / ".objcache"


def _arg_after(argv: list[str], flag: str) -> str | None:
    return argv[argv.index(flag) + 1] if flag in argv and argv.index(flag) + 1 < len(argv) else None


def _deps(dfile: Path) -> list[str]:
    """The prerequisites a gcc -MMD dependency file lists (its first rule)."""
    text = dfile.read_text().replace("\\\n", " ")
    first = text.split("\n\n")[0].split(":", 1)[1] if ":" in text else ""
    return sorted({d for d in first.split() if d})


def _stamp(paths: list[str]) -> list:
    out = []
    for p in paths:
        st = os.stat(p)
        out.append([p, st.st_size, st.st_mtime_ns])
    return out


def main(argv: list[str]) -> int:
    runtime = os.path.join(os.environ.get("VERILATOR_ROOT", "/nonexistent"), "include") + os.sep
    src = argv[-1] if argv else ""
    obj = _arg_after(argv, "-o")
    if not (src.startswith(runtime) and src.endswith(".cpp") and obj and "-c" in argv):
        return subprocess.call(argv)

    key_src = json.dumps([argv, os.environ.get("VERILATOR_ROOT")]).encode() + Path(src).read_bytes()
    entry = CACHE / hashlib.sha1(key_src).hexdigest()
    dfile = Path(obj).with_suffix(".d")
    manifest = entry / "manifest.json"
    if manifest.exists():
        try:
            stored = json.loads(manifest.read_text())
            if _stamp([p for p, _, _ in stored]) == stored:
                shutil.copyfile(entry / "obj", obj)
                if (entry / "dep").exists():
                    shutil.copyfile(entry / "dep", dfile)
                return 0
        except (OSError, ValueError):
            pass  # a dependency vanished or the entry is damaged: compile

    rc = subprocess.call(argv)
    if rc != 0:
        return rc
    try:
        tmp = CACHE / f".tmp{os.getpid()}_{entry.name}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        shutil.copyfile(obj, tmp / "obj")
        deps = [src]
        if dfile.exists():
            shutil.copyfile(dfile, tmp / "dep")
            deps = _deps(dfile)
        (tmp / "manifest.json").write_text(json.dumps(_stamp(deps)))
        shutil.rmtree(entry, ignore_errors=True)
        os.replace(tmp, entry)
    except OSError:
        pass  # caching is an optimisation; the object itself was built
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
