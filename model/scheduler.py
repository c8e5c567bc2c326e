"""Bit-exact reference model of the TensorDash hardware scheduler (paper §3.2, Fig 9, Fig 10).

Terms (``z``, ``ms``, ``as_rows``, option, level) are defined once in :mod:`model.params`.

Three views of the same scheduler live here, and the tests hold them equal:

* :func:`schedule_step` -- the literal reading of the paper, lane by lane: every lane of a
  level runs its priority encoder on the level's input window, then the level's choices are
  removed (AND gates) before the next level. This is the reference outside checks call.
* :func:`schedule_batch` -- the same step, bit-parallel over lanes and vectorised over many
  independent windows (numpy), for sweeps and for computing testbench expectations.
* :func:`count_steps` / :func:`count_steps_batch` -- rows streamed through the window:
  after every step the window advances by AS rows and the freed rows are refilled.

The RTL (``rtl/tdash_scheduler.v``) is the hardware form of :func:`schedule_step`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from .params import DEFAULT_DEPTH, DEFAULT_ORDER, LANES, MAX_LANES, MIN_LANES, OPTION_SETS
from .params import check_options, min_level_spacing

# Movement options per lane i, in priority order, as (rows ahead, lane offset); the lane
# offset wraps mod n (the lanes form a ring, §3.1). The index in the tuple is the MS code.
# The paper's table (§3.2, Fig 9; Fig 19 for depth 2); every named set is in
# model/params.py OPTION_SETS, which rtl/tdash_options.vh is generated from.
OPTIONS = OPTION_SETS["paper"]

# The paper's six levels for n = 16 (§3.2, Fig 10). levels() derives them for any n and
# the unit tests check that it reproduces this table.
PAPER_LEVELS_16 = ((0, 5, 10), (1, 6, 11), (2, 7, 12), (3, 8, 13), (4, 9, 14), (15,))


def resolve_order(order, depth: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """(options, level spacing) of a scheduler variant at ``depth``: see :func:`_resolve_order`.

    Cached: every lane of every step of every predicted job asks (option_source), and
    validating the table each time was 75% of a floating-point PE bench's prediction time.
    The result is immutable tuples; an unhashable ``order`` (a list) is resolved uncached."""
    try:
        return _resolve_cached(order, depth)
    except TypeError:
        return _resolve_order(order, depth)


@lru_cache(maxsize=256, typed=True)
def _resolve_cached(order, depth: int):
    return _resolve_order(order, depth)


def _resolve_order(order, depth: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """(options, level spacing) of a scheduler variant at ``depth``.

    ``order`` is the name of a set in model/params.py OPTION_SETS (the RTL's ORDER
    parameter), a tuple of NOPT[depth] (row, offset) options in priority order (levels at
    their smallest valid spacing, :func:`model.params.min_level_spacing`), or
    ``(options, spacing)`` with a spacing at least that large (another level partition:
    lane i < S*(n//S) in level i mod S, the rest one lane each).
    """
    if isinstance(order, str):
        if order not in OPTION_SETS:
            raise ValueError(f"order must be one of {', '.join(OPTION_SETS)} or an option table, got {order!r}")
        opts = OPTION_SETS[order].get(depth)
        if opts is None:
            raise ValueError(f"order {order!r} has no depth-{depth} table")
        return check_options(opts, depth), min_level_spacing(opts)
    spacing = None
    if (isinstance(order, tuple) and len(order) == 2 and isinstance(order[1], (int, np.integer))
            and not isinstance(order[1], bool)):
        order, spacing = order
    opts = check_options(order, depth)
    low = min_level_spacing(opts)
    if spacing is None:
        spacing = low
    elif spacing < low:
        raise ValueError(f"level spacing {spacing} lets lanes of one level share a pair (at least {low})")
    return opts, int(spacing)


def check_params(depth: int, n: int) -> None:
    """Raise ValueError with a readable message for an unsupported (depth, n)."""
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth not in OPTIONS:
        raise ValueError(f"depth must be one of {sorted(OPTIONS)}, got {depth!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not MIN_LANES <= n <= MAX_LANES:
        raise ValueError(f"n (lanes) must be an integer in [{MIN_LANES}, {MAX_LANES}], got {n!r}")


def options(depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> tuple[tuple[int, int], ...]:
    """The (rows ahead, lane offset) options of one lane, in priority order (index = MS)."""
    check_params(depth, LANES)
    return resolve_order(order, depth)[0]


def option_source(lane: int, option: int, depth: int = DEFAULT_DEPTH, n: int = LANES,
                  order=DEFAULT_ORDER) -> tuple[int, int]:
    """(row, lane) of the window position that ``lane`` reads when its MS is ``option``."""
    row, offset = resolve_order(order, depth)[0][option]
    return row, (lane + offset) % n


def source_table(depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER) -> tuple:
    """:func:`option_source` of every lane and option: ``table[lane][option] = (row, lane)``,
    built once per scheduler variant for the models that look it up per lane and step."""
    try:
        return _source_table(depth, n, order)
    except TypeError:      # an unhashable order (a list)
        return _source_table.__wrapped__(depth, n, order)


@lru_cache(maxsize=256, typed=True)
def _source_table(depth: int, n: int, order) -> tuple:
    return tuple(tuple(option_source(lane, k, depth, n, order) for k in range(len(resolve_order(order, depth)[0])))
                 for lane in range(n))


def live_options(depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER) -> tuple[int, ...]:
    """The MS codes that can occur with ``n`` lanes: an option whose window position (its
    lane offset wraps mod n) equals a higher-priority option's is never chosen. Only small
    rings have such aliases: at n = 4 the paper's (+1,-3) is (+1,+1) and (+2,-2) is (+2,+2)."""
    check_params(depth, n)
    seen, live = set(), []
    for k, (row, off) in enumerate(resolve_order(order, depth)[0]):
        if (row, off % n) not in seen:
            live.append(k)
        seen.add((row, off % n))
    return tuple(live)


@lru_cache(maxsize=None)
def levels(n: int = LANES, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> tuple[tuple[int, ...], ...]:
    """Lane groups that choose concurrently, in the order the levels are chained.

    With the order's level spacing S (5 for the paper's table: its row +1 offsets span
    -3..+1), lanes ``i < S*(n//S)`` go to level ``i mod S`` (members S apart, and the
    wrap-around gap ``n - S*(n//S - 1)`` is at least S too); each remaining lane gets a level
    of its own. For n = 16 and the paper's table this is exactly the paper's
    {0,5,10} {1,6,11} {2,7,12} {3,8,13} {4,9,14} {15}.
    """
    check_params(depth, n)
    spacing = resolve_order(order, depth)[1]
    full = spacing * (n // spacing)
    groups = [tuple(range(start, full, spacing)) for start in range(min(spacing, full))]
    groups += [(lane,) for lane in range(full, n)]
    return tuple(g for g in groups if g)


@lru_cache(maxsize=None)
def _tables(depth: int, n: int, order=DEFAULT_ORDER):
    """Per-(depth, n, order) constants, checked once: level masks and the options as (row, shift)."""
    check_params(depth, n)
    opts_signed = resolve_order(order, depth)[0]
    lvls = levels(n, depth, order)
    # The hierarchical scheme is only valid if lanes of one level can never pick the same
    # pair (§3.2: 'guaranteed by design to not being able to make overlapping choices').
    for group in lvls:
        seen: dict[tuple[int, int], int] = {}
        for lane in group:
            for k in range(len(opts_signed)):
                src = option_source(lane, k, depth, n, order)
                owner = seen.setdefault(src, lane)
                if owner != lane:
                    raise AssertionError(f"lanes {owner} and {lane} of level {group} share {src}")
    level_masks = tuple(sum(1 << lane for lane in group) for group in lvls)
    opts = tuple((row, offset % n) for row, offset in opts_signed)
    return level_masks, opts, (1 << n) - 1


def _check_window(z: Sequence[int], depth: int, n: int) -> list[int]:
    if len(z) != depth:
        raise ValueError(f"z must hold depth={depth} row masks, got {len(z)}")
    rows = [int(r) for r in z]
    for k, r in enumerate(rows):
        if not 0 <= r < (1 << n):
            raise ValueError(f"z[{k}] = {r:#x} does not fit in n={n} lanes")
    return rows


def leading_empty_rows(z_after: Sequence[int]) -> int:
    """AS: how many leading rows of the window are empty."""
    count = 0
    for row in z_after:
        if row:
            break
        count += 1
    return count


def schedule_step(z: Sequence[int], depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER):
    """One scheduler step, read literally off §3.2 / Fig 10 (``order``: the option table and
    level partition, :func:`resolve_order`; the paper's by default).

    Returns ``(ms, z_after, as_rows)``: ``ms[i]`` is the option index lane ``i`` chose, or
    ``None`` when it found nothing (idle lane); ``z_after`` the window with the chosen pairs
    removed; ``as_rows`` the AS signal (leading empty rows of ``z_after``).
    """
    check_params(depth, n)
    window = _check_window(z, depth, n)
    opts = resolve_order(order, depth)[0]
    ms: list[int | None] = [None] * n
    for group in levels(n, depth, order):
        level_in = list(window)  # every lane of a level sees the level's input (Fig 10)
        for lane in group:
            for k, (row, offset) in enumerate(opts):  # 8b-to-3b priority encoder
                src = (lane + offset) % n
                if (level_in[row] >> src) & 1:
                    ms[lane] = k
                    window[row] &= ~(1 << src)  # the AND gates between levels
                    break
    return ms, window, leading_empty_rows(window)


STEP_MEMO_LIMIT = 1 << 16
"""Windows remembered per scheduler variant by :func:`remembered_step` (cleared when full)."""


def remembered_step(z: Sequence[int], depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER):
    """:func:`schedule_step` itself, remembered per window: ``(ms, z_after, as_rows)`` as
    tuples. The models that replay a job's schedule to compute its result (model/pe.py,
    model/tile.py) meet the same few windows again and again (most of a bench's windows
    repeat one already scheduled), and the literal step costs 20-30 us in Python."""
    try:
        memo = _step_memo(depth, n, order)
    except TypeError:      # an unhashable order (a list): not remembered
        ms, z_after, as_rows = schedule_step(z, depth, n, order)
        return tuple(ms), tuple(z_after), as_rows
    key = tuple(int(r) for r in z)
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= STEP_MEMO_LIMIT:
            memo.clear()
        ms, z_after, as_rows = schedule_step(key, depth, n, order)
        hit = memo[key] = (tuple(ms), tuple(z_after), as_rows)
    return hit


@lru_cache(maxsize=64, typed=True)
def _step_memo(depth: int, n: int, order) -> dict:
    return {}


@lru_cache(maxsize=None)
def stepper(depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER):
    """A fast form of :func:`schedule_step` for the cycle-level models, which call it once per
    simulated step: ``step(z) -> (z_after, as_rows)`` on a list of ``depth`` row masks that
    the caller guarantees valid (parameters are checked once, here, not per call).

    Bit-parallel per level like :func:`_step_bitparallel` (Fig 10: all lanes of a level
    choose at once on the level's input, then the AND gates remove their pairs), with the
    loops cut short where nothing is left to choose. model/tests/test_scheduler.py holds it
    equal to :func:`schedule_step`.
    """
    level_masks, opts, full = _tables(depth, n, order)
    plan = tuple((mask, tuple((row, shift, n - shift) for row, shift in opts)) for mask in level_masks)

    def step(z):
        w = list(z)
        for mask, ops in plan:
            pending = mask
            for row, shift, back in ops:
                x = w[row]
                if not x:
                    continue
                take = (((x >> shift) | (x << back)) & full & pending) if shift else x & pending
                if take:
                    pending &= ~take
                    w[row] = x & ~((((take << shift) | (take >> back)) & full) if shift else take)
                    if not pending:
                        break
        as_rows = 0
        for row in w:
            if row:
                break
            as_rows += 1
        return w, as_rows

    return step


def _rot_down(x, shift: int, n: int, full: int):
    """Bit i of the result = bit (i + shift) mod n of x (lane i looks ``shift`` lanes up)."""
    if shift == 0:
        return x
    return ((x >> shift) | (x << (n - shift))) & full


def _rot_up(x, shift: int, n: int, full: int):
    """Inverse of :func:`_rot_down`: bit (i + shift) mod n of the result = bit i of x."""
    if shift == 0:
        return x
    return ((x << shift) | (x >> (n - shift))) & full


def _step_bitparallel(window: list, depth: int, n: int, pending_of=lambda m: m, order=DEFAULT_ORDER):
    """The scheduler step, all lanes of a level at once, on ints or numpy arrays alike.

    ``window`` (a list of ``depth`` row masks) is updated in place to z_after. Returns the
    per-option grant masks: bit i of ``grants[k]`` is set when lane i chose option k. Lanes of
    one level never share a pair, so granting option by option within a level equals every
    lane running its own priority encoder on the level's input.
    """
    level_masks, opts, full = _tables(depth, n, order)
    grants = [None] * len(opts)
    for level_mask in level_masks:
        pending = pending_of(level_mask)  # lanes of this level still looking
        for k, (row, shift) in enumerate(opts):
            take = _rot_down(window[row], shift, n, full) & pending
            pending = pending & ~take
            window[row] = window[row] & ~_rot_up(take, shift, n, full)
            grants[k] = take if grants[k] is None else grants[k] | take
    return grants


def _dtype_for(n: int):
    return np.uint16 if n <= 16 else np.uint32 if n <= 32 else np.uint64


def schedule_batch(z: np.ndarray, depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER):
    """:func:`schedule_step` on many independent windows at once.

    ``z`` is an (S, depth) array of row masks. Returns ``(ms, z_after, as_rows)`` with ``ms``
    an (S, n) int8 array (-1 = idle lane), ``z_after`` (S, depth) and ``as_rows`` (S,).
    """
    check_params(depth, n)
    z = np.asarray(z)
    if z.ndim != 2 or z.shape[1] != depth:
        raise ValueError(f"z must have shape (S, {depth}), got {z.shape}")
    dt = _dtype_for(n)
    if z.size and (z.min() < 0 or int(z.max()) >> n):
        raise ValueError(f"z holds values that do not fit in n={n} lanes")
    window = [z[:, k].astype(dt) for k in range(depth)]
    grants = _step_bitparallel(window, depth, n, lambda m: np.full(z.shape[0], m, dtype=dt), order)
    ms = np.full((z.shape[0], n), -1, dtype=np.int8)
    bit = np.uint64(1)
    for k, g in enumerate(grants):
        g64 = g.astype(np.uint64)
        for lane in range(n):
            ms[(g64 >> np.uint64(lane)) & bit == bit, lane] = k
    z_after = np.stack(window, axis=1)
    return ms, z_after, _leading_empty_batch(z_after)


def _blocked_bitparallel(window: list, depth: int, n: int, pending_of=lambda m: m, order=DEFAULT_ORDER) -> list:
    """Per level, whether a lane of it lost its preferred pair to an earlier level (bool on
    ints, bool arrays on numpy rows). ``window`` is consumed like in _step_bitparallel."""
    level_masks, opts, full = _tables(depth, n, order)
    original = list(window)
    out = []
    for level_mask in level_masks:
        pending = pending_of(level_mask)       # choosing on the level's input
        pending_orig = pending_of(level_mask)  # as if no earlier level existed
        lost = 0
        for row, shift in opts:
            take = _rot_down(window[row], shift, n, full) & pending
            take_orig = _rot_down(original[row], shift, n, full) & pending_orig
            pending = pending & ~take
            pending_orig = pending_orig & ~take_orig
            window[row] = window[row] & ~_rot_up(take, shift, n, full)
            # The level input only ever lost bits, so a lane's choice can only move later:
            # preferring a pair it no longer sees is exactly "blocked by an earlier level".
            lost = lost | (take_orig & ~take)
        out.append(lost != 0)
    return out


def blocked_levels(z, depth: int = DEFAULT_DEPTH, n: int = LANES, order=DEFAULT_ORDER):
    """Which levels did not get a pair they prefer in the step's input window because an
    earlier level took it first (the AND gates of Fig 10 at work). Level 0 sees the whole
    window and is never blocked.

    ``z`` is one window (``depth`` row masks; returns a list of L bools) or an (S, depth)
    array (returns an (S, L) bool array). Observability for the testbenches' functional
    coverage; it changes no scheduling result.
    """
    check_params(depth, n)
    if isinstance(z, np.ndarray) and z.ndim == 2:
        if z.shape[1] != depth:
            raise ValueError(f"z must have shape (S, {depth}), got {z.shape}")
        dt = _dtype_for(n)
        window = [z[:, k].astype(dt) for k in range(depth)]
        lost = _blocked_bitparallel(window, depth, n, lambda m: np.full(z.shape[0], m, dtype=dt), order)
        return np.stack(lost, axis=1)
    return _blocked_bitparallel(_check_window(z, depth, n), depth, n, order=order)


def _leading_empty_batch(z_after: np.ndarray) -> np.ndarray:
    """AS for a (S, depth) stack: count of leading all-zero rows."""
    return _leading_empty_rows([z_after[:, k] for k in range(z_after.shape[1])])


def _leading_empty_rows(rows) -> np.ndarray:
    """AS for a window given as its ``depth`` row arrays (any equal shape)."""
    still_empty = np.ones(np.shape(rows[0]), dtype=bool)
    as_rows = np.zeros(np.shape(rows[0]), dtype=np.int64)
    for row in rows:
        still_empty &= row == 0
        as_rows += still_empty
    return as_rows


def _refill(z_after, as_rows, fresh, depth: int) -> list:
    """The window after the step: new row k is old row k + AS while that is inside the
    window, else ``fresh(k)`` (the stream's row head + k, head already advanced)."""
    out = []
    for k in range(depth):
        row = fresh(k)
        for a in range(1, depth - k):
            row = np.where(as_rows == a, z_after[k + a], row)
        out.append(row)
    return out


def pack_rows(eff: np.ndarray) -> np.ndarray:
    """(..., n) bool effectual-pair flags -> (...) row masks (bit l = lane l)."""
    eff = np.asarray(eff)
    if eff.dtype != bool:
        raise ValueError(f"eff must be a bool array, got dtype {eff.dtype}")
    n = eff.shape[-1]
    if not MIN_LANES <= n <= MAX_LANES:
        raise ValueError(f"the last axis of eff is the lanes and must be in [{MIN_LANES}, {MAX_LANES}], got {n}")
    dt = np.dtype(_dtype_for(n)).newbyteorder("<")
    packed = np.packbits(eff, axis=-1, bitorder="little")  # lane l -> bit l of byte l//8
    pad = dt.itemsize - packed.shape[-1]
    if pad:
        packed = np.concatenate([packed, np.zeros(packed.shape[:-1] + (pad,), np.uint8)], axis=-1)
    return np.ascontiguousarray(packed).view(dt)[..., 0].astype(_dtype_for(n))


class RowStream:
    """A row stream flowing through the scheduler's window (the staging buffer's view).

    ``window`` holds the residual pending bits of rows ``head .. head+depth-1``; rows past the
    end of the stream are empty. After a step, :meth:`advance` drops the ``as_rows`` leading
    (empty) rows and refills as many from the stream, as the banked scratchpads do (§3.2).
    Used by :func:`count_steps` with the model scheduler and by the testbench with the RTL's.
    """

    def __init__(self, rows: Sequence[int], depth: int = DEFAULT_DEPTH):
        check_params(depth, LANES)
        self.rows = [int(r) for r in rows]
        self.depth = depth
        self.head = 0
        self.window = [self._row(k) for k in range(depth)]

    def _row(self, index: int) -> int:
        return self.rows[index] if index < len(self.rows) else 0

    @property
    def done(self) -> bool:
        """True once every row of the stream has left the window."""
        return self.head >= len(self.rows)

    def advance(self, z_after: Sequence[int], as_rows: int) -> None:
        if not 1 <= as_rows <= self.depth:
            raise ValueError(f"as_rows must be in [1, {self.depth}], got {as_rows}")
        if any(z_after[:as_rows]):
            raise ValueError("the rows AS says are drained still hold pending pairs")
        kept = list(z_after[as_rows:])
        fresh = [self._row(self.head + self.depth + k) for k in range(as_rows)]
        self.window = kept + fresh
        self.head += as_rows


def _check_eff(eff, ndim: int, name: str) -> np.ndarray:
    eff = np.asarray(eff)
    if eff.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D bool array, got shape {eff.shape}")
    return eff


def count_steps(eff: np.ndarray, depth: int = DEFAULT_DEPTH, order=DEFAULT_ORDER) -> int:
    """Scheduler steps needed to consume an (R, n) stream of effectual-pair flags.

    Row 0 of the window is always fully drained (lane l is the only reader of (+0, l) and it
    is its first choice), so AS >= 1 and a stream of R rows takes between ceil(R/depth) and R
    steps. An empty stream (R = 0) takes 0 steps.
    """
    eff = _check_eff(eff, 2, "eff")
    n = eff.shape[1]
    check_params(depth, n)
    if eff.shape[0] == 0:
        return 0
    stream = RowStream(pack_rows(eff), depth)
    step = stepper(depth, n, order)       # schedule_step's bit-parallel form (held equal in model/tests)
    steps = 0
    while not stream.done:
        window, as_rows = step(stream.window)
        stream.advance(window, as_rows)
        steps += 1
    return steps


def count_steps_batch(eff: np.ndarray, depth: int = DEFAULT_DEPTH, group: int = 1, step=None,
                      order=DEFAULT_ORDER) -> np.ndarray:
    """:func:`count_steps` for S streams at once: (S, R, n) bool -> (S,) steps.

    ``step`` replaces the paper's scheduler by another one over the same staging window (the
    alternatives of model/schedulers.py): a callable that takes the window (``depth`` arrays
    of S row masks) and removes, in place, the pairs it consumes this step.

    With ``group`` = 1 every stream advances on its own. With ``group`` = g, consecutive runs
    of g streams advance in lockstep -- the PE rows of a tile sharing the A staging buffers
    (§3.3, see model/tile.py): their common window moves by the smallest AS among them.
    ``order`` selects the option table and level partition (:func:`resolve_order`).
    The loop runs until the slowest stream is done (finished streams keep stepping on empty
    windows, which is cheap and not counted).
    """
    eff = _check_eff(eff, 3, "eff")
    n_streams, n_rows, n = eff.shape
    check_params(depth, n)
    if isinstance(group, bool) or not isinstance(group, (int, np.integer)) or group < 1 or n_streams % group:
        raise ValueError(f"group must be a positive integer dividing the {n_streams} streams, got {group!r}")
    if n_rows == 0 or n_streams == 0:
        return np.zeros(n_streams, dtype=np.int64)
    dt = _dtype_for(n)
    # Flat, with 2*depth empty rows after each stream so refills past the end read zeros.
    width = n_rows + 2 * depth
    padded = np.zeros((n_streams, width), dtype=dt)
    padded[:, :n_rows] = pack_rows(eff)
    padded = padded.ravel()
    base = np.arange(n_streams, dtype=np.int64) * width
    head = np.zeros(n_streams, dtype=np.int64)
    window = [padded[base + k] for k in range(depth)]
    steps = np.zeros(n_streams, dtype=np.int64)
    level_pending = {m: np.full(n_streams, m, dtype=dt) for m in _tables(depth, n, order)[0]}
    while True:
        live = head < n_rows
        if not live.any():
            return steps
        steps += live
        if step is None:
            _step_bitparallel(window, depth, n, level_pending.__getitem__, order)
        else:
            step(window)
        z_after = np.stack(window, axis=1)
        as_rows = _leading_empty_batch(z_after)
        if group > 1:  # lockstep: the group waits for its slowest member
            as_rows = np.repeat(as_rows.reshape(-1, group).min(axis=1), group)
        head = np.minimum(head + as_rows, n_rows)  # clamp: finished streams stay finished
        window[:] = _refill([z_after[:, k] for k in range(depth)], as_rows, lambda k: padded[base + head + k], depth)


def count_steps_orders(eff: np.ndarray, depth: int, orders) -> np.ndarray:
    """:func:`count_steps_batch` of the same S streams under C option sets at once:
    (S, R, n) bool and a list of C orders (see :func:`resolve_order`) -> (C, S) steps.

    The design-space search (studies/explore.py) scores thousands of priority orders; one
    numpy pass over a (C, S) grid of windows costs about what a single order's pass costs,
    so candidates sharing a level partition are evaluated together. Same step as
    :func:`_step_bitparallel` (option by option within a level, levels chained), with each
    candidate's (row, shift) per option; n <= 32 (rotations are done in 64-bit words).
    """
    eff = _check_eff(eff, 3, "eff")
    n_streams, n_rows, n = eff.shape
    check_params(depth, n)
    if n > 32:
        raise ValueError(f"count_steps_orders handles up to 32 lanes, got {n}")
    resolved = [resolve_order(o, depth) for o in orders]
    out = np.zeros((len(resolved), n_streams), dtype=np.int64)
    by_spacing: dict = {}
    for c, (_, spacing) in enumerate(resolved):
        by_spacing.setdefault(spacing, []).append(c)
    for spacing, idx in by_spacing.items():
        opts = np.array([resolved[c][0] for c in idx])            # (C, NOPT, 2)
        masks = _tables(depth, n, (tuple(map(tuple, opts[0])), spacing))[0]
        out[idx] = _count_steps_multi(eff, depth, opts[:, :, 0], opts[:, :, 1] % n, masks)
    return out


def _count_steps_multi(eff, depth: int, rows: np.ndarray, shifts: np.ndarray, level_masks) -> np.ndarray:
    n_streams, n_rows, n = eff.shape
    n_cand = rows.shape[0]
    full = np.uint64((1 << n) - 1)
    if n_rows == 0 or n_streams == 0:
        return np.zeros((n_cand, n_streams), dtype=np.int64)
    width = n_rows + 2 * depth
    padded = np.zeros((n_streams, width), dtype=np.uint64)
    padded[:, :n_rows] = pack_rows(eff)
    lanes_idx = np.arange(n_streams)[None, :]
    cand_idx = np.arange(n_cand)
    head = np.zeros((n_cand, n_streams), dtype=np.int64)
    window = np.stack([np.broadcast_to(padded[:, k], (n_cand, n_streams)) for k in range(depth)])  # (depth, C, S)
    steps = np.zeros((n_cand, n_streams), dtype=np.int64)
    nbits = np.uint64(n)
    sh = [shifts[:, k].astype(np.uint64)[:, None] for k in range(rows.shape[1])]
    back = [(nbits - s) % nbits for s in sh]
    rk = [rows[:, k] for k in range(rows.shape[1])]
    while True:
        live = head < n_rows
        if not live.any():
            return steps
        steps += live
        for mask in level_masks:
            pending = np.full((n_cand, n_streams), mask, dtype=np.uint64)
            for k in range(len(rk)):
                cur = window[rk[k], cand_idx]                                   # (C, S)
                take = (((cur | (cur << nbits)) >> sh[k]) & full) & pending      # rotate down by shift
                pending &= ~take
                window[rk[k], cand_idx] = cur & ~(((take | (take << nbits)) >> back[k]) & full)
        as_rows = _leading_empty_rows(window)
        head = np.minimum(head + as_rows, n_rows)
        window = np.stack(_refill(window, as_rows, lambda k: padded[lanes_idx, head + k], depth))


def random_effectual(rng: np.random.Generator, shape, sparsity: float) -> np.ndarray:
    """Uniform random effectual-pair flags: each pair is ineffectual with prob. ``sparsity``."""
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    return rng.random(shape) >= sparsity
