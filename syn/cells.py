"""The standard cells as a simulator and a power model need them (issue 21, item 5): a
Liberty reader for the OSU 0.18 um library (syn/liberty.py finds it) that keeps, per cell,

* its pins: direction, input capacitance (pF), the output's Boolean ``function``;
* its flip-flop (``ff``: next state, clock), the only sequential cell the flows map to;
* its NLDM tables: output ``rise/fall_transition`` and the ``internal_power`` energies
  (``rise/fall_power``, per transition, in pF * V^2 = pJ) of every output pin per related
  input pin, and the passive energies of input pins (a flip-flop's CLK and D);
* ``cell_leakage_power`` (nW).

Liberty Boolean functions (``!A``, ``A'``, ``A B`` or ``A&B`` or ``A*B``, ``A+B`` or ``A|B``,
``A^B``, 0, 1) become Python expressions on bit-parallel integers (numpy uint64 words, one
bit per simulated lane: syn/gatesim.py), so one evaluation of a cell computes 64 lanes.
Tables are interpolated bilinearly and extrapolated linearly past their last index, as
OpenSTA does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np


class LibertyParseError(Exception):
    pass


# ----------------------------------------------------------------------------- Liberty syntax
_TOKEN = re.compile(r'\s*(?:(/\*.*?\*/)|("(?:[^"\\]|\\.)*")|([{}();:,])|(\\\n)|([^\s{}();:,"]+))', re.S)


@dataclass
class Group:
    """``kind (args) { attrs; groups }``: ``attrs`` maps a simple attribute to its value and a
    complex one (``index_1 ("...")``) to its argument list."""
    kind: str
    args: list
    attrs: dict = field(default_factory=dict)
    groups: list = field(default_factory=list)

    def sub(self, kind: str) -> list["Group"]:
        return [g for g in self.groups if g.kind == kind]


def _tokens(text: str):
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                return
            raise LibertyParseError(f"cannot read the liberty text at offset {pos}: {text[pos:pos + 40]!r}")
        pos = m.end()
        if m.group(1) or m.group(4):
            continue
        if m.group(2):
            yield ("str", m.group(2)[1:-1])
        elif m.group(3):
            yield ("punct", m.group(3))
        elif m.group(5):
            yield ("word", m.group(5))


def parse_liberty(text: str) -> Group:
    """The library group of a Liberty text."""
    toks = list(_tokens(text))
    pos = 0

    def value_list():
        nonlocal pos
        vals = []
        while toks[pos] != ("punct", ")"):
            if toks[pos] != ("punct", ","):
                vals.append(toks[pos][1])
            pos += 1
        pos += 1
        return vals

    def group_body(g: Group):
        nonlocal pos
        while True:
            kind, val = toks[pos]
            if (kind, val) == ("punct", "}"):
                pos += 1
                return g
            name = val
            pos += 1
            t = toks[pos]
            if t == ("punct", ":"):
                pos += 1
                g.attrs[name] = toks[pos][1]
                pos += 1
                if toks[pos] == ("punct", ";"):
                    pos += 1
            elif t == ("punct", "("):
                pos += 1
                args = value_list()
                if toks[pos] == ("punct", "{"):
                    pos += 1
                    g.groups.append(group_body(Group(name, args)))
                else:
                    g.attrs[name] = args
                    if toks[pos] == ("punct", ";"):
                        pos += 1
            else:
                raise LibertyParseError(f"unexpected {t[1]!r} after {name!r}")

    try:
        if toks[0][1] != "library" or toks[1] != ("punct", "("):
            raise LibertyParseError("the text does not start with library (...)")
        pos = 2
        args = value_list()
        if toks[pos] != ("punct", "{"):
            raise LibertyParseError("library (...) has no body")
        pos += 1
        return group_body(Group("library", args))
    except IndexError:
        raise LibertyParseError("the liberty text ends inside a group") from None


# ------------------------------------------------------------------------ Boolean functions
_FTOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|[01]|[!'&*|+^()])")


def function_expr(func: str) -> tuple[str, tuple[str, ...]]:
    """A Liberty Boolean function -> (Python expression on ints/uint64 words, the pins it
    reads). Precedence, loosest first: OR (+ |), XOR (^), AND (& * or juxtaposition), NOT
    (prefix !, postfix ')."""
    toks, pos = [], 0
    while pos < len(func):
        m = _FTOKEN.match(func, pos)
        if m is None:
            if func[pos:].strip() == "":
                break
            raise LibertyParseError(f"cannot read the function {func!r} at {func[pos:]!r}")
        toks.append(m.group(1))
        pos = m.end()
    i = 0
    pins: list[str] = []

    def peek():
        return toks[i] if i < len(toks) else None

    def take():
        nonlocal i
        i += 1
        return toks[i - 1]

    def p_or():
        left = p_xor()
        while peek() in ("+", "|"):
            take()
            left = f"({left} | {p_xor()})"
        return left

    def p_xor():
        left = p_and()
        while peek() == "^":
            take()
            left = f"({left} ^ {p_and()})"
        return left

    def p_and():
        left = p_not()
        while peek() is not None and (peek() in ("&", "*", "!", "(") or re.match(r"[A-Za-z_01]", peek())):
            if peek() in ("&", "*"):
                take()
            left = f"({left} & {p_not()})"
        return left

    def p_not():
        if peek() == "!":
            take()
            return f"(~{p_not()})"
        t = take()
        if t == "(":
            e = p_or()
            if take() != ")":
                raise LibertyParseError(f"unbalanced parentheses in {func!r}")
        elif t == "0":
            e = "ZERO"
        elif t == "1":
            e = "ONES"
        elif t is not None and re.match(r"[A-Za-z_]", t):
            if t not in pins:
                pins.append(t)
            e = t
        else:
            raise LibertyParseError(f"unexpected {t!r} in {func!r}")
        while peek() == "'":
            take()
            e = f"(~{e})"
        return e

    expr = p_or()
    if i != len(toks):
        raise LibertyParseError(f"trailing {toks[i:]} in {func!r}")
    return expr, tuple(pins)


ZERO = np.uint64(0)
ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


def compile_function(func: str):
    """(callable of the pins' words, the pins in argument order)."""
    expr, pins = function_expr(func)
    fn = eval(f"lambda {', '.join(pins)}: {expr}", {"ZERO": ZERO, "ONES": ONES})  # noqa: S307 (own parser's output)
    return fn, pins


# ------------------------------------------------------------------------------- NLDM tables
@dataclass(frozen=True)
class Table:
    """A 1-D or 2-D lookup table; ``vars`` the template's variable names in index order."""
    vars: tuple
    index: tuple            # one tuple of floats per variable
    values: tuple           # flat, row-major

    def at(self, **point: float) -> float:
        return float(_interp(self.index, np.array(self.values).reshape([len(ix) for ix in self.index]),
                             [point[v] for v in self.vars]))


def _interp1(ix, x):
    """Segment and weight of x on ix, extrapolating past either end."""
    ix = np.asarray(ix)
    if len(ix) == 1:
        return 0, 0, 0.0
    k = int(np.clip(np.searchsorted(ix, x) - 1, 0, len(ix) - 2))
    return k, k + 1, (x - ix[k]) / (ix[k + 1] - ix[k])


def _interp(index, values, point):
    if not index:
        return values
    k0, k1, w = _interp1(index[0], point[0])
    lo = _interp(index[1:], values[k0], point[1:])
    hi = _interp(index[1:], values[k1], point[1:])
    return lo + w * (hi - lo)


def _floats(s) -> tuple:
    items = s if isinstance(s, list) else [s]
    return tuple(float(v) for item in items for v in str(item).replace("\\", " ").split(",") if v.strip())


# ------------------------------------------------------------------------------------- cells
@dataclass
class Pin:
    name: str
    direction: str
    capacitance: float = 0.0
    function: str | None = None
    # Output pins: related input pin -> (rise_power, fall_power) tables, and -> its timing
    # arc's (rise_transition, fall_transition, timing_sense) and (cell_rise, cell_fall) delays.
    # Input pins: passive (rise, fall) energy tables.
    internal: dict = field(default_factory=dict)
    transition: dict = field(default_factory=dict)
    delay: dict = field(default_factory=dict)
    passive: tuple | None = None


@dataclass
class Cell:
    name: str
    area: float
    leakage_nw: float
    pins: dict
    ff: dict | None = None          # {"state", "next_state", "clocked_on"}
    unsupported: str | None = None  # why the simulator cannot model it (latch, tristate, set/reset)

    @property
    def inputs(self) -> list[str]:
        return [p for p, v in self.pins.items() if v.direction == "input"]

    @property
    def outputs(self) -> list[str]:
        return [p for p, v in self.pins.items() if v.direction == "output"]


def _table(g: Group, templates: dict) -> Table:
    """A table group; its indices default to its template's."""
    names, t_idx = templates.get(g.args[0] if g.args else None, ((), {}))
    idx = [_floats(g.attrs[f"index_{k}"]) if f"index_{k}" in g.attrs else t_idx[k]
           for k in (1, 2, 3) if f"index_{k}" in g.attrs or k in t_idx]
    if len(idx) > len(names):
        raise LibertyParseError(f"table of template {g.args} has more indices than variables")
    return Table(tuple(names[:len(idx)]), tuple(idx), _floats(g.attrs["values"]))


def read_cells(text: str) -> tuple[dict[str, Cell], dict]:
    """Every cell of a Liberty text, and the library's units and nominal voltage."""
    lib = parse_liberty(text)
    templates = {}
    for kind in ("lu_table_template", "power_lut_template"):
        for t in lib.sub(kind):
            templates[t.args[0]] = (tuple(t.attrs[f"variable_{k}"] for k in (1, 2, 3) if f"variable_{k}" in t.attrs),
                                    {k: _floats(t.attrs[f"index_{k}"]) for k in (1, 2, 3) if f"index_{k}" in t.attrs})
    cells = {}
    for c in lib.sub("cell"):
        pins = {}
        for p in c.sub("pin"):
            pin = Pin(p.args[0], p.attrs.get("direction", ""), float(p.attrs.get("capacitance", 0.0)),
                      p.attrs.get("function"))
            for ip in p.sub("internal_power"):
                tabs = tuple(_table(ip.sub(k)[0], templates) if ip.sub(k) else None for k in ("rise_power", "fall_power"))
                rel = ip.attrs.get("related_pin")
                if rel is None:
                    pin.passive = tabs
                else:
                    pin.internal[rel] = tabs
            for t in p.sub("timing"):
                if t.sub("rise_transition") and t.sub("fall_transition"):
                    pin.transition[t.attrs["related_pin"]] = (_table(t.sub("rise_transition")[0], templates),
                                                              _table(t.sub("fall_transition")[0], templates),
                                                              t.attrs.get("timing_sense", "non_unate"))
                if t.sub("cell_rise") and t.sub("cell_fall"):
                    pin.delay[t.attrs["related_pin"]] = (_table(t.sub("cell_rise")[0], templates),
                                                         _table(t.sub("cell_fall")[0], templates))
            pins[pin.name] = pin
        cell = Cell(c.args[0], float(c.attrs.get("area", 0.0)), float(c.attrs.get("cell_leakage_power", 0.0)), pins)
        for ff in c.sub("ff"):
            if "clear" in ff.attrs or "preset" in ff.attrs:
                cell.unsupported = "a flip-flop with asynchronous set/reset"
            elif ff.attrs.get("clocked_on", "").strip() != "CLK":
                cell.unsupported = f"a flip-flop clocked on {ff.attrs.get('clocked_on')!r} (not the rising edge of CLK)"
            cell.ff = {"state": ff.args[0], "next_state": ff.attrs["next_state"], "clocked_on": ff.attrs["clocked_on"]}
        if c.sub("latch"):
            cell.unsupported = "a latch"
        if any("three_state" in p.attrs for p in c.sub("pin")):
            cell.unsupported = "a tristate output"
        cells[cell.name] = cell
    units = {"voltage": float(lib.attrs.get("nom_voltage", 0.0)), "time_unit": lib.attrs.get("time_unit"),
             "leakage_power_unit": lib.attrs.get("leakage_power_unit"),
             "capacitive_load_unit": lib.attrs.get("capacitive_load_unit")}
    return cells, units


@lru_cache(maxsize=None)
def library(path: str) -> tuple[dict[str, Cell], dict]:
    cells, units = read_cells(Path(path).read_text())
    # The energy arithmetic (syn/power.py) assumes these units: say so instead of mis-scaling.
    expect = {"time_unit": "1ns", "leakage_power_unit": "1nW", "capacitive_load_unit": ["1", "pf"]}
    for k, v in expect.items():
        if units[k] != v:
            raise LibertyParseError(f"{path}: {k} is {units[k]!r}, the power model expects {v!r}")
    if units["voltage"] <= 0:
        raise LibertyParseError(f"{path}: no nom_voltage")
    return cells, units
