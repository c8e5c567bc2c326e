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
