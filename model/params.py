"""The one place where the design parameters live.

Everything else (the RTL parameter sets the testbenches build, the model's defaults, the
experiments) reads them from here, so a change of lane count or depth is made once.

Terms used throughout the project (paper §3.2, Fig 9 and Fig 10):

``n`` (RTL ``N``)
    Lanes of the PE: multipliers working on one output per cycle. The paper's PE has 16.
``depth`` (RTL ``DEPTH``)
    Rows of the staging buffer the scheduler can see: +0 (the dense schedule) up to
    +depth-1 (lookahead). 3 is the paper's preferred design, 2 its cheaper variant (Fig 19).
z window (``z``)
    ``depth`` bitmasks; bit ``l`` of ``z[k]`` says an *effectual* (A, B) pair (both values
    non-zero; the paper's Z = AZ & BZ) is still waiting at lane ``l``, row ``+k``.
option / ``ms``
    A movement (rows ahead, lane offset). Lane ``i`` may take the pair at row ``+r``, lane
    ``(i + offset) mod n``. The index of the option a lane chose is its mux select, MS_i.
level
    A group of lanes whose option sets are disjoint, so they can choose at the same time;
    levels run one after the other, each removing what it took from the window (Fig 10).
``as_rows`` (the paper's AS)
    Number of leading window rows left empty by a step: how far the window advances, and
    how many staging rows are refilled from the scratchpads.
"""

LANES = 16
"""The paper's preferred PE: 16 MACs per cycle (§3.2)."""

DEPTHS = (3, 2)
"""Supported staging depths: 3 (preferred, Fig 20) and 2 (the cheaper variant, Fig 19)."""

DEFAULT_DEPTH = 3

MS_BITS = 3
"""Width of one lane's mux select: up to 8 options (§3.2: '3b signals one per input lane')."""

MIN_LANES = 4
"""Smallest lane count the models accept (the Fig 7 example PE has 4 lanes)."""

MAX_LANES = 64
"""Largest lane count the models accept: one row of the window must fit a uint64."""

SCHEDULER_LANES = (4, 5, 8, 16, 20, 32)
"""Lane counts rtl/tdash_scheduler.v supports: the ones tb/scheduler builds and checks, at
every depth and option set (4 and 5: one lane per level and one 5-lane level; 8: levels
{0,5} and singletons; 16: the paper's; 20 and 32: more and longer levels). It refuses any
other N at elaboration."""

# ------------------------------------------------------------------ options and levels
NOPT = {3: 8, 2: 5}
"""Options per lane (mux inputs) at each depth: 8 at depth 3 (§3.2), 5 at depth 2 (Fig 19)."""

OPTION_SETS = {
    # §3.2: dense (+0,i); lookahead (+1,i) (+2,i); lookaside (+1,i-1) (+1,i+1) (+2,i-2)
    # (+2,i+2) (+1,i-3). Fig 9 draws these for lane 8. Depth 2 (Fig 19's 2-deep staging
    # buffer): the options above that stay within rows +0 and +1.
    "paper": {3: ((0, 0), (1, 0), (2, 0), (1, -1), (1, +1), (2, -2), (2, +2), (1, -3)),
              2: ((0, 0), (1, 0), (1, -1), (1, +1), (1, -3))},
    # Found by `python -m studies explore` (README "Exploring schedulers"): the best score over
    # uniform, structured and digits-trace sparsity with no workload more than 1% slower than
    # the paper's order. Row +1 first (it lets the window advance by 2), lookaside to the left
    # in row +1 and to the right in row +2, so neighbouring lanes compete less for one pair.
    # Same constraints as the paper's: 8 / 5 options, 3-bit MS, level spacing 5 (6 levels at 16).
    "explored": {3: ((0, 0), (1, -4), (1, 0), (1, -1), (1, -3), (2, +4), (2, 0), (2, +1)),
                 2: ((0, 0), (1, -3), (1, +1), (1, -2), (1, -1))},
}
"""Named option tables, ``{name: {depth: options}}``: option k (the MS code k) of lane i reads
staging row ``+options[k][0]``, lane ``(i + options[k][1]) mod n``, and the order of the tuple
is the priority order. The RTL's ``ORDER`` parameter selects one by its index in this dict
(ORDER_CODES); rtl/tdash_options.vh is generated from it (:func:`options_vh`)."""

DEFAULT_ORDER = "paper"


def order_codes() -> dict:
    """Option-set name -> the RTL's ORDER parameter value (its index in OPTION_SETS)."""
    return {name: code for code, name in enumerate(OPTION_SETS)}


def min_level_spacing(options) -> int:
    """Smallest lane spacing S at which lanes S or more apart on the ring can never reach a
    common pair: 1 + the largest difference between two lane offsets of one row.

    Levels (the lane groups that choose at the same time, Fig 10) are built from it: lane
    ``i < S*(n//S)`` is in level ``i mod S`` and every other lane has a level of its own. For
    the paper's table S = 5 (row +1 offsets span -3..+1), which gives its six levels at n = 16.
    """
    by_row: dict = {}
    for row, off in options:
        by_row.setdefault(row, []).append(off)
    return 1 + max(max(offs) - min(offs) for offs in by_row.values())


def check_options(options, depth: int) -> tuple:
    """The hardware's constraints on an option table, as a ValueError: NOPT[depth] distinct
    (row, offset) pairs, rows in [0, depth), and option 0 = (0, 0), the dense choice. Option 0
    first is what guarantees AS >= 1: every pair of row +0 is its own lane's first choice."""
    if depth not in NOPT:
        raise ValueError(f"depth must be one of {sorted(NOPT)}, got {depth!r}")
    try:
        opts = tuple((int(r), int(o)) for r, o in options)
    except (TypeError, ValueError):
        raise ValueError(f"options must be (row, lane offset) integer pairs, got {options!r}") from None
    if len(opts) != NOPT[depth]:
        raise ValueError(f"depth {depth} needs {NOPT[depth]} options (MS is {MS_BITS} bits), got {len(opts)}")
    if opts[0] != (0, 0):
        raise ValueError(f"option 0 must be (0, 0), the dense choice, got {opts[0]}")
    if len(set(opts)) != len(opts):
        raise ValueError(f"options must be distinct, got {opts}")
    for row, off in opts:
        if not 0 <= row < depth:
            raise ValueError(f"option row {row} is outside the depth-{depth} window")
        if abs(off) > MIN_LANES * 4:
            raise ValueError(f"lane offset {off} is out of range (|offset| <= {MIN_LANES * 4})")
    return opts


def options_vh() -> str:
    """The text of rtl/tdash_options.vh, generated from OPTION_SETS (``python -m model.params``
    prints it; model/tests/test_scheduler.py fails when the file differs)."""
    codes = order_codes()
    for name in OPTION_SETS:
        for depth in NOPT:
            check_options(OPTION_SETS[name][depth], depth)
    out = ["// GENERATED from model/params.py OPTION_SETS by `python -m model.params > rtl/tdash_options.vh`:",
           "// edit the Python table, not this file (a unit test fails when they differ).",
           "//",
           "// Movement options of one lane (paper §3.2, Fig 9), shared by the scheduler and the operand",
           "// muxes so the two can never disagree. Include inside a module that has parameters N and",
           "// DEPTH. Option k (the MS code) of lane i reads staging row opt_row(k), lane (i + opt_off(k))",
           "// mod N, and k is also the lane's priority (0 first). Option sets (ORDER):"]
    for name, code in codes.items():
        for depth in sorted(NOPT, reverse=True):
            opts = OPTION_SETS[name][depth]
            out.append(f"//   {code} {name:<8} DEPTH {depth}: " + " ".join(f"({r},{o:+d})" if o else f"({r},0)"
                                                                  for r, o in opts)
                       + f"   levels: spacing {min_level_spacing(opts)}")
    out += ["// opt_row(k), opt_off(k), src_pos(i, k) and NOPT are the paper's table (ORDER 0), for modules",
            "// without an ORDER parameter; *_of(order, ...) select any set. Levels of a set with spacing S:",
            "// lane i < S*(N/S) is in level i mod S, every other lane has a level of its own.",
            "",
            f"localparam integer NOPT = (DEPTH == 3) ? {NOPT[3]} : {NOPT[2]};",
            "",
            "// Coverage exclusion: these are constant functions, evaluated only at elaboration (generate",
            "// indices, localparams); no simulation cycle ever executes their lines.",
            "// verilator coverage_off",
            "",
            "// Number of option sets: a module's ORDER parameter must be in [0, order_count(0)).",
            "function integer order_count(input integer unused);",
            "    begin",
            f"        order_count = {len(codes)} + 0 * unused;",
            "    end",
            "endfunction",
            ""]

    def table(fname: str, what: int, default: int) -> list:
        lines = [f"function integer {fname}(input integer order, input integer k);", "    begin",
                 f"        case (order * 100 + DEPTH * 10 + k)"]
        for name, code in codes.items():
            for depth in sorted(NOPT, reverse=True):
                cells = [f"{code * 100 + depth * 10 + k}: {fname} = {opt[what]};"
                         for k, opt in enumerate(OPTION_SETS[name][depth])]
                for i in range(0, len(cells), 4):
                    lines.append("            " + "  ".join(cells[i:i + 4]))
        lines += [f"            default: {fname} = {default};", "        endcase", "    end", "endfunction", ""]
        return lines

    out += table("opt_row_of", 0, 0) + table("opt_off_of", 1, 0)
    out += ["function integer level_spacing_of(input integer order);", "    begin", "        case (order * 10 + DEPTH)"]
    for name, code in codes.items():
        out.append("            " + "  ".join(f"{code * 10 + d}: level_spacing_of = {min_level_spacing(OPTION_SETS[name][d])};"
                                              for d in sorted(NOPT, reverse=True)))
    out += ["            default: level_spacing_of = 1;", "        endcase", "    end", "endfunction", "",
            "// Lane counts tdash_scheduler supports (model/params.py SCHEDULER_LANES: the tested ones).",
            "function integer lanes_supported(input integer n);",
            "    begin",
            "        lanes_supported = (" + " || ".join(f"n == {x}" for x in SCHEDULER_LANES) + ") ? 1 : 0;",
            "    end",
            "endfunction",
            "",
            "// Position (row * N + lane) in the DEPTH x N window that lane `lane_i` reads with option k.",
            "function integer src_pos_of(input integer order, input integer lane_i, input integer k);",
            "    begin",
            "        src_pos_of = opt_row_of(order, k) * N + ((lane_i + opt_off_of(order, k) % N + N) % N);",
            "    end", "endfunction", "",
            "// The paper's table (ORDER 0).",
            "function integer opt_row(input integer k);", "    begin", "        opt_row = opt_row_of(0, k);", "    end",
            "endfunction", "",
            "function integer opt_off(input integer k);", "    begin", "        opt_off = opt_off_of(0, k);", "    end",
            "endfunction", "",
            "function integer src_pos(input integer lane_i, input integer k);", "    begin",
            "        src_pos = src_pos_of(0, lane_i, k);", "    end", "endfunction",
            "// verilator coverage_on", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(options_vh(), end="")
