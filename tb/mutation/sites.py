"""Where and how rtl/ can be mutated, found with pyslang (a complete SystemVerilog parser).

Why pyslang: mutating Verilog text with regular expressions cannot tell ``<=`` the operator
from ``<=`` the non-blocking assignment, a bit-select from a part-select, or an expression
that must be an elaboration-time constant from one that can change every cycle. pyslang
gives the syntax tree with exact source offsets, so every mutation is an edit of one
operator token or one expression, and the edit's context decides how it is built.
(Yosys ``mutate``, the engine of mcy, works on the synthesised netlist: its mutants cannot be
shown as a source diff a designer can read and map back to a missing test.)

Mutation operators (issue 9):

* ``op``      operator replacement: ``&``/``|``, ``+``/``-``, ``==``/``!=``, ``<``/``<=``,
              ``>``/``>=``, ``&&``/``||``, ``<<``/``>>``.
* ``const``   integer literal ``+1`` and ``-1`` (sized literals keep their size and wrap), so
              the option offsets, rows and level tables are all perturbed.
* ``negate``  ``if`` condition negated.
* ``swap``    the two inputs of a ``?:`` mux swapped (which is also its condition negated).
* ``stuck0`` / ``stuck1``  the right-hand side of an assignment replaced by all zeros / all ones
              (``(x) ^ (x)`` and ``~((x) ^ (x))``: exactly the width the assignment gives x).

Structural operators (issue 20), the bug classes of a datapath with lanes, resets and handshakes:

* ``index``   a bus lane or bit-slice index +-1: a bit-select ``x[i]`` becomes ``x[(i) + 1]`` /
              ``x[(i) - 1]``, an indexed part-select ``x[b +: W]`` (or ``-:``) becomes
              ``x[(b) + (W) +: W]`` / ``x[(b) - (W) +: W]`` (the neighbouring lane). A literal
              bit index is left to ``const`` (the same edit), as is ``i +- literal`` (``const`` moves
              the literal). Out of range: where the index is an elaboration-time constant
              (genvar, parameter) Verilator's -Wall reports SELRANGE, which the regression's build
              stops on, so the mutant is killed by lint (and counted so: "Killed by: lint");
              where it varies at run time the read is out of range only for some values, which
              Verilator returns as zero with no warning: a test must see it.
* ``lanes``   two lanes swapped: two adjacent elements of a concatenation exchanged
              (``{a, b, c}`` -> ``{b, a, c}``); identical or all-constant pairs are not swapped.
* ``noreset`` a reset branch removed: ``if (rst) A else B`` behaves as ``B``, ``if (rst) A``
              as nothing (the condition becomes ``(rst) && 1'b0``: rst is still read, so a module
              whose only use of rst this is does not turn into a lint UNUSED warning). A reset
              condition is an ``if`` whose predicate is a reset signal (RESET_NAME).
* ``rstdrop`` one register's reset assignment dropped: ``x <= 0`` inside a reset branch becomes
              ``x <= x`` (x keeps its value through reset); not made for a branch with a single
              assignment and no ``else`` (that is ``noreset``).
* ``hs0`` / ``hs1``  a handshake output stuck at 0 / 1: every procedural assignment of an
              output port named like a valid/ready flag (HANDSHAKE_NAME) in the module gets an
              all-zeros / all-ones right-hand side (one mutant, all its assignments: the port
              is stuck from the first clock edge, reset included). Continuously assigned
              outputs are already ``stuck0`` / ``stuck1`` of their single assignment, and so is
              an output with a single non-constant assignment.
* ``flag0``   a ``last``/valid flag dropped where one expression reads it: a read of a signal
              named like a flag (FLAG_NAME) inside a larger expression (an operand, a
              concatenation element, an ``if`` condition, an input port connection) becomes all
              zeros of its width; a read that is a whole right-hand side is ``stuck0`` already.
* ``guard1``  an ``&&`` term forced: each term of an ``&&`` chain that decides a flag (the
              right-hand side of an assignment to a flag, or the condition of an ``if`` whose
              branch assigns one) becomes ``((t) || 1'b1)``: the flag no longer waits for that
              term (t is still read, so a term read nowhere else is not a lint UNUSED warning).

Each mutation site is either

* *runtime*: an expression evaluated while the design runs (continuous assignments, always
  blocks, net initialisers). All runtime mutants of all files go into one "metamutant" copy
  of rtl/, each behind ``(tdash_mut == <id>) ? <mutant> : <original>`` (the idea of mcy's
  mutant-select input), so one Verilator build per bench configuration serves hundreds of
  mutants, selected at run time with the plusarg ``+TDASH_MUT=<id>``; or
* *static*: an elaboration-time constant (constant functions such as the option table in
  tdash_options.vh, localparams, generate conditions, instance parameters, part-select
  bounds, replication counts, assignment targets). These are built one by one from a plain
  text copy with only that edit.

Deliberately not mutated (the report repeats this list):

* declarations (port and net ranges, parameter defaults in module headers -- every
  instantiation overrides them, and a changed width is a different interface, not a bug a
  test of the function can see), case labels (a value mutation of the same table entry
  covers the entry), string literals and system-task arguments;
* ``for`` loop headers, procedural and generate: they only replicate structure; their
  mutants are either infinite loops or out-of-range indices Verilator ignores;
* ``initial`` blocks: they hold only the elaboration-time parameter checks ($fatal on an
  unsupported N/DEPTH), which no valid configuration exercises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyslang
from pyslang import syntax

OPERATORS = ("op", "const", "negate", "swap", "stuck0", "stuck1",
             "index", "lanes", "noreset", "rstdrop", "hs0", "hs1", "flag0", "guard1")
SWAPS = {"&": "|", "|": "&", "+": "-", "-": "+", "==": "!=", "!=": "==", "<": "<=", "<=": "<",
         ">": ">=", ">=": ">", "&&": "||", "||": "&&", "<<": ">>", ">>": "<<"}
BINARY_KINDS = {"BinaryAndExpression", "BinaryOrExpression", "AddExpression", "SubtractExpression",
                "EqualityExpression", "InequalityExpression", "LessThanExpression",
                "LessThanEqualExpression", "GreaterThanExpression", "GreaterThanEqualExpression",
                "LogicalAndExpression", "LogicalOrExpression", "LogicalShiftLeftExpression",
                "LogicalShiftRightExpression"}
# Ancestors below which nothing is mutated (see the module docstring).
# Names: a reset signal (noreset, rstdrop), a handshake output (hs0/hs1), a last/valid flag
# (flag0, guard1).
RESET_NAME = re.compile(r"^!?\s*\(?\s*~?\s*(rst|reset|rst_n|resetn|arst|srst)\s*\)?$")
HANDSHAKE_NAME = re.compile(r"(^|_)(valid|ready)$")
FLAG_NAME = re.compile(r"(^|_)(last|valid|ready|end)(_|$)")
SKIP_KINDS = {"ParameterPortList", "DataDeclaration", "NetPortHeader", "VariablePortHeader",
              "ImplicitType", "RegType", "IntegerType", "VariableDimension", "GenvarDeclaration",
              "InitialBlock", "FunctionPortList", "StandardCaseItem_labels", "SystemName",
              "StringLiteralExpression"}
# Ancestors that make an expression an elaboration-time constant.
# (Generate blocks: only a generate-if's condition and a generate-for's header are constant;
# their bodies are ordinary run-time logic, one copy per iteration, so they are runtime sites
# and share the metamutant build. The `for` header is not mutated at all, see below.)
STATIC_KINDS = {"FunctionDeclaration", "ParameterDeclarationStatement",
                "NamedParamAssignment", "OrderedParamAssignment", "SimpleRangeSelect"}
LITERAL = re.compile(r"^(?:(?P<size>\d+)?'(?P<signed>[sS]?)(?P<base>[bBoOdDhH]))?(?P<digits>[0-9a-fA-F_]+)$")
BASES = {"b": 2, "o": 8, "d": 10, "h": 16}


@dataclass
class Mutant:
    id: int
    file: str            # file name in rtl/
    line: int
    col: int
    kind: str            # OPERATORS
    static: bool
    site: tuple[int, int]                      # source range of the mutated expression
    edits: list[tuple[int, int, object]]       # (start, end, text | ("range", s, e))
    original: str = ""
    mutated: str = ""
    # A mutant that edits several separate expressions (hs0/hs1: every assignment of one
    # port) lists their ranges; each is one select in the metamutant, all on the same id.
    parts: list[tuple[int, int]] = field(default_factory=list)

    def sites(self) -> list[tuple[int, int]]:
        return self.parts or [self.site]

    def edits_in(self, s: int, e: int) -> list:
        return [ed for ed in self.edits if s <= ed[0] and ed[1] <= e]

    @property
    def key(self) -> str:
        """Stable identity across runs: file, position, operator and what it becomes."""
        return f"{self.file}:{self.line}:{self.col}:{self.kind}:{self.mutated}"

    def describe(self) -> str:
        return f"#{self.id} {self.file}:{self.line}:{self.col} {self.kind}: {self.original!r} -> {self.mutated!r}"


@dataclass
class FileSites:
    name: str
    data: bytes          # pyslang's source offsets are byte offsets (the sources hold UTF-8 comments)
    mutants: list[Mutant] = field(default_factory=list)
    module_bodies: list[int] = field(default_factory=list)   # offsets just after each module header


def _kind(node) -> str:
    return str(node.kind).split(".")[-1]


def _children(node):
    for c in node:
        if c is not None and not isinstance(c, pyslang.parsing.Token):
            yield c


def _is_within(node, container) -> bool:
    """True when node's source range lies inside container's."""
    r, c = node.sourceRange, container.sourceRange
    return c.start.offset <= r.start.offset and r.end.offset <= c.end.offset


def _context(node) -> str | None:
    """'skip', 'static' or 'runtime' for an expression node, from its ancestors."""
    child, p = node, node.parent
    static = False
    while p is not None:
        k = _kind(p)
        if k in SKIP_KINDS:
            return "skip"
        if k == "StandardCaseItem" and any(_is_within(child, e) for e in p.expressions):
            return "skip"
        if k == "ForLoopStatement" and not _is_within(child, p.statement):
            return "skip"
        if k == "LoopGenerate" and not _is_within(child, p.block):
            return "skip"
        if k == "IfGenerate" and _is_within(child, p.condition):
            static = True
        if k == "MultipleConcatenationExpression" and _is_within(child, p.expression):
            static = True
        if k in ("AscendingRangeSelect", "DescendingRangeSelect") and _is_within(child, p.right):
            static = True
        if k in ("AssignmentExpression", "NonblockingAssignmentExpression") and _is_within(child, p.left):
            static = True   # target selects must be constant (Verilator)
        if k in STATIC_KINDS or k == "ScopedName":   # generate-scope selects (level[lv-1].z_out)
            static = True
        if k == "ModuleDeclaration":
            break
        child, p = p, p.parent
    return "static" if static else "runtime"


def _is_constant(node) -> bool:
    """A literal, or a replication / concatenation of literals ({(N*SL+3){1'b0}})."""
    k = _kind(node)
    if k in ("IntegerLiteralExpression", "IntegerVectorExpression"):
        return True
    if k == "ParenthesizedExpression":
        return _is_constant(node.expression)
    if k == "MultipleConcatenationExpression":
        return _is_constant(node.concatenation)
    if k == "ConcatenationExpression":
        return all(_is_constant(e) for e in _children(node))
    return False


def _literal_variants(text: str) -> list[str]:
    m = LITERAL.match(text.strip())
    if not m or "x" in text.lower() or "z" in text.lower():
        return []
    base = BASES[(m.group("base") or "d").lower()]
    try:
        value = int(m.group("digits").replace("_", ""), base)
    except ValueError:
        return []
    size = int(m.group("size")) if m.group("size") else None
    out = []
    for v in (value + 1, value - 1):
        if size is None:
            if v < 0:
                continue
            new = str(v)
        else:
            v %= 1 << size
            b = (m.group("base") or "d")
            digits = {2: "b", 8: "o", 10: "d", 16: "x"}[base]  # Python format codes
            body = format(v, digits) if base != 10 else str(v)
            new = f"{size}'{m.group('signed')}{b}{body}"
        if new != text.strip() and new not in out:
            out.append(new)
    return out


def _ports(tree_root, data: bytes) -> dict[str, dict[str, str]]:
    """module name -> {port name: 'input' | 'output' | 'inout'} (ANSI headers)."""
    out = {}

    def visit(n):
        if _kind(n) == "ModuleHeader":
            ports, direction = {}, "input"
            for port in _walk(n):
                if _kind(port) == "ImplicitAnsiPort":
                    text = data[port.sourceRange.start.offset:port.sourceRange.end.offset].decode()
                    m = re.match(r"\s*(input|output|inout)\b", text)
                    direction = m.group(1) if m else direction   # `input a, b` shares one
                    ports[port.declarator.name.valueText] = direction
            out[n.name.valueText] = ports
            return
        for c in _children(n):
            visit(c)
    visit(tree_root)
    return out


def _walk(node):
    yield node
    for c in _children(node):
        yield from _walk(c)


_PORTS: dict[Path, dict] = {}


def port_directions(rtl_dir: Path) -> dict[str, dict[str, str]]:
    """Port directions of every module in rtl_dir (flag0 must not zero an output connection)."""
    if rtl_dir not in _PORTS:
        out = {}
        for f in sorted(rtl_dir.glob("*.v")):
            data = f.read_bytes()
            out.update(_ports(syntax.SyntaxTree.fromText(data.decode(), f.name).root, data))
        _PORTS[rtl_dir] = out
    return _PORTS[rtl_dir]


def _base_name(node) -> str | None:
    """The identifier a plain or selected name reads (x for x, x[3], x[i +: W])."""
    k = _kind(node)
    if k in ("IdentifierName", "IdentifierSelectName"):
        return node.identifier.valueText
    return None


def _and_terms(node) -> list:
    """The terms of a (parenthesised) && chain, or [] when node is not one."""
    k = _kind(node)
    if k == "ParenthesizedExpression":
        return _and_terms(node.expression)
    if k != "LogicalAndExpression":
        return []
    out = []
    for side in (node.left, node.right):
        out += _and_terms(side) or [side]
    return out


def _in_lvalue(node) -> bool:
    """Is node inside the target of an assignment?"""
    child, p = node, node.parent
    while p is not None and _kind(p) != "ModuleDeclaration":
        if _kind(p) in ("AssignmentExpression", "NonblockingAssignmentExpression"):
            return _is_within(child, p.left)
        child, p = p, p.parent
    return False


def _assignments(node):
    """Assignment expressions in a statement (any depth)."""
    for n in _walk(node):
        if _kind(n) in ("AssignmentExpression", "NonblockingAssignmentExpression"):
            yield n


def find_sites(path: Path, first_id: int = 0) -> FileSites:
    """Every mutant of one rtl/ file, numbered from first_id."""
    data = path.read_bytes()
    tree = syntax.SyntaxTree.fromText(data.decode(), path.name)
    fs = FileSites(path.name, data)
    line_starts = [0] + [i + 1 for i, ch in enumerate(data) if ch == 0x0A]

    def pos(offset: int) -> tuple[int, int]:
        import bisect
        ln = bisect.bisect_right(line_starts, offset)
        return ln, len(data[line_starts[ln - 1]:offset].decode()) + 1

    def add(node_range, kind, static, edits, original, mutated, at=None, parts=None):
        s, e = node_range
        line, col = pos(at if at is not None else s)
        fs.mutants.append(Mutant(first_id + len(fs.mutants), path.name, line, col, kind, static, (s, e),
                                 edits, original, mutated, parts or []))

    ports = port_directions(path.parent)
    module_ports: dict[str, str] = {}
    # Procedural assignments per target name (hs0/hs1, after the walk): (assignment, static).
    procedural: dict[str, list] = {}
    # Expressions that are a whole right-hand side (flag0 leaves them to stuck0).
    whole_rhs: set[tuple[int, int]] = set()
    # && nodes already mutated as a flag's guard (an if condition and a right-hand side can
    # hold the same chain only once).
    guarded: set[tuple[int, int]] = set()

    def is_flag(n) -> bool:
        name = _base_name(n)
        return bool(name and FLAG_NAME.search(name))

    def zeros(node) -> tuple:
        s, e = rng(node)
        return ("concat", "((", ("range", s, e), ") ^ (", ("range", s, e), "))")

    def guard_terms(chain, why: str):
        """guard1: each term of the && chain forced to 1'b1."""
        if rng(chain) in guarded:
            return
        guarded.add(rng(chain))
        for t in _and_terms(chain):
            c = _context(t)
            if c == "skip" or _is_constant(t):
                continue
            s, e = rng(t)
            # (t || 1'b1): forced, and t still read (a term read nowhere else is not turned
            # into a lint UNUSED warning: a test has to see the missing guard).
            add((s, e), "guard1", c == "static", [(s, e, ("concat", "((", ("range", s, e), ") || 1'b1)"))],
                f"{src(t)} ({why})", "1'b1")

    def structural(node, k):
        """The structural operators (index, lanes, noreset, rstdrop, flag0, guard1) at node."""
        if k in ("BitSelect", "AscendingRangeSelect", "DescendingRangeSelect") and _in_lvalue(node):
            # A target lane +-1 leaves one lane undriven and drives another twice (or out of
            # range): Verilator -Wall reports each, so only reads are mutated.
            pass
        elif k == "BitSelect" and _kind(node.parent) == "ElementSelect":
            ix = node.expr
            c = _context(ix)
            lit = _kind(ix) in ("IntegerLiteralExpression", "IntegerVectorExpression") or (
                _kind(ix) in ("AddExpression", "SubtractExpression")
                and any(_kind(x) == "IntegerLiteralExpression" for x in (ix.left, ix.right)))
            if c != "skip" and not lit:
                s, e = rng(ix)
                for sign in ("+", "-"):
                    add((s, e), "index", c == "static", [(s, e, ("concat", "(", ("range", s, e), f") {sign} 1"))],
                        src(node.parent.parent), f"[({src(ix)}) {sign} 1]")
        elif k in ("AscendingRangeSelect", "DescendingRangeSelect"):
            base, width = node.left, node.right
            c = _context(base)
            if c != "skip":
                s, e = rng(base)
                ws, we = rng(width)
                for sign in ("+", "-"):
                    add((s, e), "index", c == "static",
                        [(s, e, ("concat", "(", ("range", s, e), f") {sign} (", ("range", ws, we), ")"))],
                        src(node.parent.parent), f"[({src(base)}) {sign} ({src(width)}) {data[rng(node)[0]:rng(node)[1]].decode().split(src(base), 1)[1].strip()}]")
        if k == "ConcatenationExpression":
            elems = list(node.expressions)
            elems = [x for x in elems if not isinstance(x, pyslang.parsing.Token)]
            c = _context(node)
            if c != "skip":
                for a, b in zip(elems, elems[1:]):
                    if src(a) == src(b) or (_is_constant(a) and _is_constant(b)):
                        continue
                    add(rng(node), "lanes", c == "static",
                        [(*rng(a), ("range", *rng(b))), (*rng(b), ("range", *rng(a)))],
                        f"{{... {src(a)}, {src(b)} ...}}", f"{{... {src(b)}, {src(a)} ...}}", at=rng(a)[0])
        if k == "ConditionalStatement":
            pred = node.predicate
            text = src(pred).strip()
            c = _context(pred)
            if RESET_NAME.match(text) and c == "runtime":
                s, e = rng(pred)
                # (rst) && 1'b0: the branch is never taken, and rst is still read, so the mutant
                # is not a lint UNUSED warning in a module whose only use of rst this is: a
                # test has to see the missing reset.
                add((s, e), "noreset", False, [(s, e, ("concat", "(", ("range", s, e), ") && 1'b0"))],
                    f"if ({text})", "reset branch removed")
                assigns = [a for a in _assignments(node.statement) if _context(a.right) == "runtime"]
                if len(assigns) > 1 or node.elseClause is not None:
                    for a in assigns:
                        rs, re_ = rng(a.right)
                        add((rs, re_), "rstdrop", False, [(rs, re_, ("range", *rng(a.left)))],
                            f"{src(a.left)} <= {src(a.right)} (reset)", f"{src(a.left)} <= {src(a.left)}")
            elif c != "skip" and not RESET_NAME.match(text):
                # guard1 on the condition of an if whose branch assigns a flag
                if any(is_flag(a.left) for a in _assignments(node.statement)):
                    for cp in _walk(pred):
                        if _kind(cp) == "LogicalAndExpression":
                            guard_terms(cp, "guards a flag")
                            break
        if k in ("AssignmentExpression", "NonblockingAssignmentExpression"):
            if is_flag(node.left) and _kind(node.right) in ("LogicalAndExpression", "ParenthesizedExpression"):
                if _and_terms(node.right):
                    guard_terms(node.right if _kind(node.right) == "LogicalAndExpression"
                                else node.right.expression, f"{src(node.left)}'s")
        if k in ("IdentifierName", "IdentifierSelectName") and is_flag(node):
            par = node.parent
            while _kind(par) in ("SimpleSequenceExpr", "SimplePropertyExpr"):   # a port connection's
                par = par.parent
            pk = _kind(par)
            c = _context(node)
            if c == "skip" or rng(node) in whole_rhs:
                return
            if pk in ("AssignmentExpression", "NonblockingAssignmentExpression") and _is_within(node, par.left):
                return
            if pk in ("ElementSelect", "BitSelect", "AscendingRangeSelect", "DescendingRangeSelect",
                      "SimpleRangeSelect", "ScopedName", "SignalEventExpression"):
                return   # an index, or a scope name: not a flag's value
            if pk == "NamedPortConnection":
                inst = par.parent
                while inst is not None and _kind(inst) != "HierarchyInstantiation":
                    inst = inst.parent
                mod = inst.type.valueText if inst is not None else ""
                if ports.get(mod, {}).get(par.name.valueText, "output") != "input":
                    return   # an output connection is a target, not a read
            if pk == "ContinuousAssign":
                return
            s, e = rng(node)
            add((s, e), "flag0", c == "static", [(s, e, zeros(node))], src(node), "all zeros")

    def rng(node) -> tuple[int, int]:
        return node.sourceRange.start.offset, node.sourceRange.end.offset

    def src(node) -> str:
        s, e = rng(node)
        return data[s:e].decode()

    def visit(node):
        k = _kind(node)
        if k == "ModuleHeader":
            fs.module_bodies.append(rng(node)[1])
            module_ports.clear()
            module_ports.update(ports.get(node.name.valueText, {}))
        if k in ("AssignmentExpression", "NonblockingAssignmentExpression"):
            whole_rhs.add(rng(node.right))
            p = node.parent
            while p is not None and _kind(p) not in ("AlwaysBlock", "ContinuousAssign", "ModuleDeclaration"):
                p = p.parent
            name = _base_name(node.left) if _kind(node.left) == "IdentifierName" else None
            if (p is not None and _kind(p) == "AlwaysBlock" and name and HANDSHAKE_NAME.search(name)
                    and module_ports.get(name) == "output"):
                procedural.setdefault(name, []).append(node)
        structural(node, k)
        ctx = None
        if k in BINARY_KINDS or k in ("IntegerLiteralExpression", "IntegerVectorExpression",
                                      "ConditionalExpression") or k == "ConditionalPredicate":
            ctx = _context(node)
        if ctx and ctx != "skip":
            static = ctx == "static"
            if k in BINARY_KINDS:
                op = node.operatorToken
                o_s, o_e = op.range.start.offset, op.range.end.offset
                sym = data[o_s:o_e].decode()
                if sym in SWAPS:
                    add(rng(node), "op", static, [(o_s, o_e, SWAPS[sym])], sym, SWAPS[sym], at=o_s)
            elif k in ("IntegerLiteralExpression", "IntegerVectorExpression"):
                for new in _literal_variants(src(node)):
                    s, e = rng(node)
                    add((s, e), "const", static, [(s, e, new)], src(node), new)
            elif k == "ConditionalExpression":
                p, a, b = node.predicate, node.left, node.right
                add(rng(node), "swap", static, [(*rng(a), ("range", *rng(b))), (*rng(b), ("range", *rng(a)))],
                    f"? {src(a)} : {src(b)}", f"? {src(b)} : {src(a)}")
            elif k == "ConditionalPredicate" and _kind(node.parent) == "ConditionalStatement":
                s, e = rng(node)
                add((s, e), "negate", static, [(s, s, "!("), (e, e, ")")], src(node), f"!({src(node)})")
        if k in ("AssignmentExpression", "NonblockingAssignmentExpression"):
            rhs = node.right
            c = _context(rhs)
            # A constant right-hand side ({W{1'b0}}, 0, 1'b1) is already covered by the const
            # mutants; stuck-at applies to signals.
            if c == "runtime" and not _is_constant(rhs):
                s, e = rng(rhs)
                add((s, e), "stuck0", False, [], src(rhs), "all zeros")
                add((s, e), "stuck1", False, [], src(rhs), "all ones")
        for c in _children(node):
            visit(c)

    visit(tree.root)
    # hs0 / hs1: a handshake output stuck, every one of its procedural assignments at once.
    for name, assigns in procedural.items():
        if len(assigns) == 1 and not _is_constant(assigns[0].right):
            continue   # the same text as that assignment's stuck0 / stuck1
        if any(_context(a.right) != "runtime" for a in assigns):
            continue
        parts = [rng(a.right) for a in assigns]
        lhs = rng(assigns[0].left)
        for kind, pre in (("hs0", "(("), ("hs1", "~((")):
            edits = [(s, e, ("concat", pre, ("range", *lhs), ") ^ (", ("range", *lhs), "))")) for s, e in parts]
            add(parts[0], kind, False, edits, f"{name} ({len(parts)} assignments)",
                f"{name} stuck at {kind[-1]}", at=lhs[0], parts=parts)
    # stuck1 needs the rendered original twice: expand the placeholder into two range refs.
    for m in fs.mutants:
        # x ^ x and ~(x ^ x): all zeros / all ones at exactly the width the assignment gives
        # x, so the mutant is as lint-clean as the original (a bare 0 would be a -Wall WIDTH
        # warning, killed by lint rather than by a test).
        s, e = m.site
        if m.kind == "stuck0":
            m.edits = [(s, e, ("concat", "((", ("range", s, e), ") ^ (", ("range", s, e), "))"))]
        if m.kind == "stuck1":
            m.edits = [(s, e, ("concat", "~((", ("range", s, e), ") ^ (", ("range", s, e), "))"))]
    return fs


# --- rendering -----------------------------------------------------------------------------

class Renderer:
    """Text of a file with runtime mutants wrapped in tdash_mut selects (nesting allowed)."""

    def __init__(self, fs: FileSites, runtime: list[Mutant]):
        self.text = fs.data
        self.by_site: dict[tuple[int, int], list[Mutant]] = {}
        for m in runtime:
            for site in m.sites():
                self.by_site.setdefault(site, []).append(m)
        self.sites = sorted(self.by_site, key=lambda r: (r[0], -r[1]))

    def _children(self, s: int, e: int, exclude: tuple[int, int] | None):
        """Maximal sites strictly inside [s, e) (the site itself excluded)."""
        out, end = [], -1
        for r in self.sites:
            if r[0] < s or r[1] > e or r == (s, e):
                continue
            if r[0] >= end:
                out.append(r)
                end = r[1]
        return out

    def payload(self, p) -> bytes:
        """Text of one edit of a mutant: always plain source (see render)."""
        if isinstance(p, str):
            return p.encode()
        if p[0] == "range":
            return self.text[p[1]:p[2]]
        if p[0] == "concat":
            return b"".join(self.payload(x) for x in p[1:])
        raise ValueError(p)

    @staticmethod
    def apply(text: bytes, s: int, e: int, edits, payload) -> bytes:
        """Plain text of [s, e) with one mutant's edits."""
        out, cur = [], s
        for es, ee, p in sorted(edits, key=lambda x: (x[0], x[1])):
            out += [text[cur:es], payload(p)]
            cur = ee
        return b"".join(out) + text[cur:e]

    def render(self, s: int, e: int, edits=None, wrap_self: bool = True) -> bytes:
        """Text of [s, e): sites inside it wrapped (and the site [s, e) itself when wrap_self),
        with ``edits`` (one mutant's) applied instead of whatever they cover."""
        if wrap_self and edits is None and (s, e) in self.by_site:
            original = self.render(s, e, wrap_self=False)
            # A mutant's arm holds plain source: when it is live no other mutant is, so the
            # sites inside it need no selects of their own (this keeps the text linear in the
            # nesting depth instead of exponential).
            arms = [b"(tdash_mut == %d) ? (%s)" % (m.id, Renderer.apply(self.text, s, e, m.edits_in(s, e), self.payload))
                    for m in self.by_site[(s, e)]]
            return b"(" + b" : ".join(arms) + b" : (%s))" % original
        edits = sorted(edits or [], key=lambda x: (x[0], x[1]))
        pieces, cur = [], s
        kids = [r for r in self._children(s, e, (s, e))
                if not any(es <= r[0] and r[1] <= ee and es < ee for es, ee, _ in edits)]
        events = [(es, ee, "edit", p) for es, ee, p in edits] + [(ks, ke, "site", None) for ks, ke in kids]
        events.sort(key=lambda x: (x[0], 0 if x[2] == "edit" else 1))
        for es, ee, what, p in events:
            if es < cur:
                continue  # overlaps something already emitted (a site inside a swapped arm)
            pieces.append(self.text[cur:es])
            pieces.append(self.payload(p) if what == "edit" else self.render(es, ee))
            cur = ee
        pieces.append(self.text[cur:e])
        return b"".join(pieces)


MUT_DECL = ('\n    // mutation testing: which mutant is live (+TDASH_MUT=<id>, 0 = none), see tb/mutation\n'
            '    integer tdash_mut;\n'
            '    initial if (!$value$plusargs("TDASH_MUT=%d", tdash_mut)) tdash_mut = 0;\n')


def metamutant(fs: FileSites) -> str:
    """The file with every runtime mutant behind its select, and tdash_mut declared in each module."""
    r = Renderer(fs, [m for m in fs.mutants if not m.static])
    if not fs.module_bodies or not any(not m.static for m in fs.mutants):
        return r.render(0, len(fs.data), wrap_self=False).decode()
    # Insert the declarations: offsets shift by what wrapping added before them, so re-render
    # the file in module-sized pieces instead.
    pieces, cur = [], 0
    for b in fs.module_bodies:
        pieces.append(r.render(cur, b, wrap_self=False))
        pieces.append(MUT_DECL.encode())
        cur = b
    pieces.append(r.render(cur, len(fs.data), wrap_self=False))
    return b"".join(pieces).decode()


def static_mutant(fs: FileSites, m: Mutant) -> str:
    """The original file with only mutant m applied."""
    r = Renderer(fs, [])
    return r.render(0, len(fs.data), m.edits, wrap_self=False).decode()
