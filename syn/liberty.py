"""The standard-cell library of the synthesis flows (syn/area.py, syn/timing.py).

Debian's ``qflow-tech-osu018`` ships the OSU 0.18 um library ``osu018_stdcells.lib``: 32 cells,
NLDM timing and power tables, one typical corner (1.8 V, 25 C). It is not the paper's 65 nm
library; area, delay and power ratios are what compare. ``TDASH_LIBERTY`` overrides the path.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

DEBIAN_LIB = Path("/usr/share/qflow/tech/osu018/osu018_stdcells.lib")
LABEL = "OSU 0.18 um (qflow-tech-osu018, typical corner)"

# ABC after technology mapping: without buffering, a net such as a window-row select that
# drives hundreds of mux inputs gets a single X1 driver and absurd delays (the note);
# buffer trees of fanout <= 8, then gate sizing.
ABC_SCRIPT = "\n".join([
    "strash", "dc2", "map", "topo",
    "buffer -N 8", "upsize", "dnsize", "stime -p",
]) + "\n"


class LibertyError(Exception):
    pass


def liberty_path() -> Path:
    p = Path(os.environ.get("TDASH_LIBERTY", DEBIAN_LIB))
    if not p.is_file():
        raise LibertyError(f"{p} not found: install Debian's qflow-tech-osu018 "
                           "(apt-get install qflow-tech-osu018; make area-tools does it as root) "
                           "or set TDASH_LIBERTY")
    return p


_CELL = re.compile(r"\bcell\s*\(\s*\"?([A-Za-z0-9_]+)\"?\s*\)\s*\{")
_AREA = re.compile(r"\barea\s*:\s*([0-9.eE+-]+)\s*;")


def parse_cell_areas(text: str) -> dict[str, float]:
    """cell name -> area (um^2) of every cell in a liberty text (the first ``area`` after each
    ``cell (...) {``)."""
    areas: dict[str, float] = {}
    cells = list(_CELL.finditer(text))
    for i, m in enumerate(cells):
        end = cells[i + 1].start() if i + 1 < len(cells) else len(text)
        a = _AREA.search(text, m.end(), end)
        if a is None:
            raise LibertyError(f"cell {m.group(1)} has no area in the liberty file")
        areas[m.group(1)] = float(a.group(1))
    if not areas:
        raise LibertyError("no cells in the liberty file")
    return areas


@lru_cache(maxsize=None)
def cell_areas(path: str) -> dict[str, float]:
    return parse_cell_areas(Path(path).read_text())


def map_commands(lib: Path, abc_script: Path) -> str:
    """Yosys commands after ``synth``: flip-flops and logic to the library's cells."""
    return (f"dfflibmap -liberty {lib}\n"
            f"abc -liberty {lib} -script {abc_script}\n"
            "opt_clean\n")
