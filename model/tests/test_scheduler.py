"""Unit tests of model/scheduler.py: hand-worked paper examples, invariants, error handling."""

import math

import numpy as np
import pytest

from model import params as P
from model import scheduler as S


def bits(*lanes):
    return sum(1 << lane for lane in lanes)


# --- the paper's tables -----------------------------------------------------------------

def test_levels_are_the_papers_for_16_lanes():
    assert S.levels(16) == S.PAPER_LEVELS_16


def test_fig9_lane8_connectivity():
    # Fig 9 / §3.2: lane 8 reads (+0,8) (+1,8) (+2,8) (+1,7) (+1,9) (+2,6) (+2,10) (+1,5).
    srcs = [S.option_source(8, k, 3, 16) for k in range(8)]
    assert srcs == [(0, 8), (1, 8), (2, 8), (1, 7), (1, 9), (2, 6), (2, 10), (1, 5)]
    # Depth 2 keeps the options within rows +0 and +1, in the same relative order.
    srcs2 = [S.option_source(8, k, 2, 16) for k in range(5)]
    assert srcs2 == [(0, 8), (1, 8), (1, 7), (1, 9), (1, 5)]


def test_lanes_wrap_around_the_ring():
    # Lane 0's (+1,-3) is lane 13; lane 15's (+2,+2) is lane 1.
    assert S.option_source(0, 7, 3, 16) == (1, 13)
    assert S.option_source(15, 6, 3, 16) == (2, 1)


@pytest.mark.parametrize("n", range(P.MIN_LANES, P.MAX_LANES + 1))
def test_levels_partition_lanes_without_conflicts(n):
    lanes = sorted(lane for group in S.levels(n) for lane in group)
    assert lanes == list(range(n))
    for depth in P.DEPTHS:
        S._tables(depth, n)  # raises if two lanes of a level share an option target


# --- hand-worked examples ---------------------------------------------------------------

def test_fig7_style_example_4_lanes_depth2():
    """A 4-lane PE with 2-deep staging (the Fig 7 setting): 7 effectual pairs in 4 rows.

    Rows (lanes with an effectual pair): r0 {1}, r1 {0,1,3}, r2 {2}, r3 {0,3}. n = 4 puts each
    lane in its own level, lanes 0, 1, 2, 3 in that order.
    Step 1, window [r0, r1]:
      lane 0: (+0,0) empty, (+1,0) pending -> MS 1 (lookahead)
      lane 1: (+0,1) pending -> MS 0 (dense)
      lane 2: (+0,2), (+1,2) empty, (+1,1) pending -> MS 2 (lookaside from lane 1)
      lane 3: (+0,3) empty, (+1,3) pending -> MS 1
      both rows drained -> AS = 2.
    Step 2, window [r2, r3]:
      lane 0: (+1,0) -> MS 1; lane 1: (+0,1) (+1,1) empty, (+1,0) taken, (+1,2) empty,
      (+1,-3)=(+1,2) empty -> idle; lane 2: (+0,2) -> MS 0; lane 3: (+1,3) -> MS 1; AS = 2.
    Two steps instead of four dense ones: the minimum, as in Fig 7d/7e.
    """
    rows = [bits(1), bits(0, 1, 3), bits(2), bits(0, 3)]
    ms, z_after, as_rows = S.schedule_step(rows[0:2], depth=2, n=4)
    assert ms == [1, 0, 2, 1] and z_after == [0, 0] and as_rows == 2
    ms, z_after, as_rows = S.schedule_step(rows[2:4], depth=2, n=4)
    assert ms == [1, None, 0, 1] and z_after == [0, 0] and as_rows == 2
    eff = np.array([[(r >> lane) & 1 for lane in range(4)] for r in rows], dtype=bool)
    assert S.count_steps(eff, depth=2) == 2


def test_fig9_single_pair_goes_to_earliest_level():
    # Only (+2,6) pending. Readers: lane 6 (option 2, level 1), lane 8 (option 5, level 3),
    # lane 4 (option 6, level 4). Level 1 comes first: lane 6 takes it as lookahead 2.
    ms, z_after, as_rows = S.schedule_step([0, 0, bits(6)])
    assert ms[6] == 2 and sum(m is not None for m in ms) == 1
    assert z_after == [0, 0, 0] and as_rows == 3


def test_fig9_lane8_steals_from_lane6_two_ahead():
    # (+0,6) and (+2,6): lane 6 takes its dense pair (MS 0) at level 1, so (+2,6) is left for
    # level 3, where lane 8 reaches it with option 5 (+2, i-2): 'the value from lane 6 that
    # is 2 time steps ahead' (§3.2).
    ms, z_after, as_rows = S.schedule_step([bits(6), 0, bits(6)])
    assert ms[6] == 0 and ms[8] == 5 and sum(m is not None for m in ms) == 2
    assert z_after == [0, 0, 0] and as_rows == 3


def test_levels_beat_option_priority():
    # (+1,5) alone: lane 5 (level 0) takes it as lookahead 1.
    ms, _, _ = S.schedule_step([0, bits(5), 0])
    assert ms[5] == 1
    # With (+0,5) pending too, lane 5 is busy; lane 6 (level 1) takes (+1,5) via (+1,i-1).
    ms, _, _ = S.schedule_step([bits(5), bits(5), 0])
    assert ms[5] == 0 and ms[6] == 3
    # With (+0,6) as well, lane 6 is busy too; level 2 (lanes 2,7,12) cannot reach (+1,5);
    # level 3's lane 8 takes it with its last option (+1,i-3), although lane 4 would have
    # had it with its 5th option: lane 4 is in level 4, which comes later.
    ms, z_after, as_rows = S.schedule_step([bits(5, 6), bits(5), 0])
    assert ms[5] == 0 and ms[6] == 0 and ms[8] == 7 and ms[4] is None
    assert z_after == [0, 0, 0] and as_rows == 3


def test_as_counts_leading_empty_rows():
    full = (1 << 16) - 1
    # Everything pending: every lane takes its dense pair; rows +1, +2 stay -> AS = 1.
    ms, z_after, as_rows = S.schedule_step([full, full, full])
    assert ms == [0] * 16 and z_after == [0, full, full] and as_rows == 1
    # Rows +1 and +2 full: every lane looks ahead one row -> AS = 2.
    ms, z_after, as_rows = S.schedule_step([0, full, full])
    assert ms == [1] * 16 and z_after == [0, 0, full] and as_rows == 2
    # Only row +2: every lane looks ahead two rows -> AS = 3, the window's maximum.
    ms, z_after, as_rows = S.schedule_step([0, 0, full])
    assert ms == [2] * 16 and as_rows == 3
    # Empty window: idle lanes, AS = depth.
    ms, z_after, as_rows = S.schedule_step([0, 0], depth=2)
    assert ms == [None] * 16 and as_rows == 2


# --- invariants on random windows -------------------------------------------------------

@pytest.mark.parametrize("order", list(P.OPTION_SETS))
@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("n", [P.LANES, 4, 5, 18, 20, 32, 33])
def test_fast_stepper_equals_the_literal_step(order, depth, n):
    """The cycle models' stepper (model/scheduler.py stepper) is schedule_step, window by
    window, from empty to full and at every density."""
    rng = np.random.default_rng(4321 + depth * 100 + n)
    density = rng.random(2000)[:, None, None]
    windows = S.pack_rows(rng.random((2000, depth, n)) < density).astype(np.int64).tolist()
    windows += [[0] * depth, [(1 << n) - 1] * depth]
    step = S.stepper(depth, n, order)
    for z in windows:
        _, z_after, as_rows = S.schedule_step(z, depth, n, order)
        assert step(z) == (z_after, as_rows), z


@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("n", [P.LANES, 4, 18, 33])
def test_literal_and_vectorised_agree_and_schedule_is_valid(depth, n):
    rng = np.random.default_rng(1234 + depth * 100 + n)
    density = rng.random(3000)[:, None, None]
    windows = S.pack_rows(rng.random((3000, depth, n)) < density).astype(np.int64)
    ms_b, za_b, as_b = S.schedule_batch(windows, depth, n)
    for s, z in enumerate(windows.tolist()):
        ms, z_after, as_rows = S.schedule_step(z, depth, n)
        assert [-1 if m is None else m for m in ms] == ms_b[s].tolist()
        assert z_after == za_b[s].tolist() and as_rows == as_b[s]
        # Every chosen pair was pending and is gone; nothing else changed; no pair twice.
        taken = [0] * depth
        for lane, k in enumerate(ms):
            if k is None:
                continue
            row, src = S.option_source(lane, k, depth, n)
            assert (z[row] >> src) & 1 and not (taken[row] >> src) & 1
            taken[row] |= 1 << src
        assert [a | t for a, t in zip(z_after, taken)] == z
        assert all(a & t == 0 for a, t in zip(z_after, taken))
        # Row +0 always drains, so the window always advances.
        assert z_after[0] == 0 and as_rows >= 1


def test_an_idle_lane_had_nothing_to_take():
    # Priority-encoder semantics: a lane is idle only if none of its options was pending
    # at its level's input; a busy lane took its first pending option.
    rng = np.random.default_rng(7)
    for _ in range(2000):
        z = [int(x) for x in rng.integers(0, 1 << 16, size=3) & rng.integers(0, 1 << 16, size=3)]
        ms, _, _ = S.schedule_step(z)
        window = list(z)
        for group in S.levels(16):
            level_in = list(window)
            for lane in group:
                avail = [(level_in[r] >> s) & 1 for r, s in (S.option_source(lane, k) for k in range(8))]
                expect = avail.index(1) if any(avail) else None
                assert ms[lane] == expect
                if expect is not None:
                    r, s = S.option_source(lane, expect)
                    window[r] &= ~(1 << s)


# --- streams ----------------------------------------------------------------------------

@pytest.mark.parametrize("depth", P.DEPTHS)
def test_count_steps_bounds(depth):
    n_rows = 101
    assert S.count_steps(np.zeros((n_rows, 16), bool), depth) == math.ceil(n_rows / depth)
    assert S.count_steps(np.ones((n_rows, 16), bool), depth) == n_rows
    assert S.count_steps(np.zeros((0, 16), bool), depth) == 0
    assert S.count_steps(np.ones((1, 16), bool), depth) == 1


@pytest.mark.parametrize("depth", P.DEPTHS)
def test_count_steps_batch_equals_scalar(depth):
    rng = np.random.default_rng(99 + depth)
    eff = rng.random((40, 173, 16)) < rng.random((40, 1, 1))
    assert S.count_steps_batch(eff, depth).tolist() == [S.count_steps(e, depth) for e in eff]


def test_row_stream_follows_as():
    stream = S.RowStream([1, 2, 3, 4, 5], depth=3)
    assert stream.window == [1, 2, 3]
    stream.advance([0, 0, 3], 2)
    assert stream.window == [3, 4, 5] and stream.head == 2 and not stream.done
    stream.advance([0, 0, 0], 3)
    assert stream.window == [0, 0, 0] and stream.done
    with pytest.raises(ValueError, match="as_rows"):
        stream.advance([0, 0, 0], 0)
    with pytest.raises(ValueError, match="drained"):
        S.RowStream([1, 2], depth=2).advance([1, 0], 1)


def test_speedup_tracks_the_paper_fig20():
    # Fig 20: ~1.1x at 10% sparsity (ideal 1.11x) and 2.95x at 90% (ideal capped at 3x).
    rng = np.random.default_rng(2020)
    low = S.count_steps_batch(S.random_effectual(rng, (8, 4000, 16), 0.1), 3)
    high = S.count_steps_batch(S.random_effectual(rng, (8, 4000, 16), 0.9), 3)
    speed_low, speed_high = 4000 / low.mean(), 4000 / high.mean()
    assert 1.07 <= speed_low <= 1 / 0.9
    assert 2.9 <= speed_high <= 3.0


# --- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: S.schedule_step([0, 0, 0], depth=4), "depth must be one of"),
    (lambda: S.schedule_step([0, 0, 0], n=3), "n \\(lanes\\)"),
    (lambda: S.schedule_step([0, 0]), "depth=3 row masks"),
    (lambda: S.schedule_step([1 << 16, 0, 0]), "does not fit"),
    (lambda: S.schedule_batch(np.zeros((4, 2), np.int64)), "shape"),
    (lambda: S.count_steps(np.zeros((4, 16), np.int64)), "bool"),
    (lambda: S.count_steps(np.zeros(16, bool)), "2-D"),
    (lambda: S.count_steps_batch(np.zeros((2, 4, 2), bool)), "lanes"),
    (lambda: S.random_effectual(np.random.default_rng(), (2, 2), 1.5), "sparsity"),
])
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("depth,n", [(3, 16), (2, 16), (3, 18)])
def test_blocked_levels_match_a_lane_by_lane_reading(depth, n):
    """blocked_levels against a literal reading: a lane of level l is blocked when its first
    pending option in the original window differs from its first one in the level's input."""
    rng = np.random.default_rng(7)
    z = rng.integers(0, 1 << n, size=(400, depth)) & rng.integers(0, 1 << n, size=(400, depth))
    got = S.blocked_levels(z, depth, n)
    hits = np.zeros(len(S.levels(n)), dtype=int)
    for s, rows in enumerate(z.tolist()):
        window = list(rows)
        for lv, group in enumerate(S.levels(n)):
            level_in = list(window)
            blocked = False
            for lane in group:
                first = lambda w: next((k for k in range(len(S.OPTIONS[depth]))
                                        if (w[S.option_source(lane, k, depth, n)[0]]
                                            >> S.option_source(lane, k, depth, n)[1]) & 1), None)
                k_orig, k_now = first(rows), first(level_in)
                blocked |= k_orig != k_now
                if k_now is not None:
                    r, src = S.option_source(lane, k_now, depth, n)
                    window[r] &= ~(1 << src)
            assert got[s, lv] == blocked, f"window {s} level {lv}"
            hits[lv] += blocked
        assert S.blocked_levels(rows, depth, n) == got[s].tolist()
    assert not got[:, 0].any() and (hits[1:] > 0).all()


def test_model_imports_nothing_outside_model():
    """Layering (DEVELOPERS.md): the reference model imports neither the testbenches, the
    studies nor synthesis; they import it."""
    import ast
    from pathlib import Path

    for path in sorted(Path(S.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for name in names:
                assert name.split(".")[0] not in ("tb", "studies", "syn"), f"{path.name} imports {name}"


def test_options_vh_is_generated_from_params():
    """rtl/tdash_options.vh is model/params.py's OPTION_SETS, printed by options_vh(): one
    source of truth for the model, the scheduler, the operand muxes and the codec."""
    from pathlib import Path

    vh = Path(P.__file__).resolve().parents[1] / "rtl" / "tdash_options.vh"
    assert vh.read_text() == P.options_vh(), "regenerate: python -m model.params > rtl/tdash_options.vh"


def test_paper_set_is_the_default_and_unchanged():
    assert P.DEFAULT_ORDER == "paper" and P.order_codes()["paper"] == 0
    assert S.OPTIONS == P.OPTION_SETS["paper"]
    assert S.OPTIONS[3] == ((0, 0), (1, 0), (2, 0), (1, -1), (1, 1), (2, -2), (2, 2), (1, -3))
    assert S.OPTIONS[2] == ((0, 0), (1, 0), (1, -1), (1, 1), (1, -3))
    for depth in P.DEPTHS:
        assert P.min_level_spacing(S.OPTIONS[depth]) == 5
        assert S.levels(16, depth, "paper") == S.PAPER_LEVELS_16


@pytest.mark.parametrize("name", list(P.OPTION_SETS))
@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("n", [4, 5, 8, 16, 20, 32])
def test_every_named_set_keeps_levels_disjoint(name, depth, n):
    S._tables(depth, n, name)  # raises if two lanes of a level share a pair
    lanes = sorted(lane for group in S.levels(n, depth, name) for lane in group)
    assert lanes == list(range(n))


def test_custom_order_and_partition():
    """Another priority order (older rows first) and a wider level spacing: the literal
    step, the batch form and the stream counts agree, and the order changes results."""
    older_first = ((0, 0), (1, 0), (1, -1), (1, 1), (1, -3), (2, 0), (2, -2), (2, 2))
    rng = np.random.default_rng(9)
    z = S.pack_rows(S.random_effectual(rng, (300, 3, 16), 0.5)).astype(np.int64)
    for order in (older_first, (older_first, 7)):
        ms, z_after, as_rows = S.schedule_batch(z, 3, 16, order)
        for s in range(0, 300, 7):
            ms1, za1, as1 = S.schedule_step(z[s].tolist(), 3, 16, order)
            assert [m if m is not None else -1 for m in ms1] == ms[s].tolist()
            assert za1 == z_after[s].tolist() and as1 == as_rows[s]
    assert S.levels(16, 3, (older_first, 7)) == ((0, 7), (1, 8), (2, 9), (3, 10), (4, 11), (5, 12), (6, 13),
                                                 (14,), (15,))
    eff = S.random_effectual(rng, (6, 120, 16), 0.6)
    batch = S.count_steps_batch(eff, 3, order=older_first)
    assert batch.tolist() == [S.count_steps(e, 3, older_first) for e in eff]
    assert (S.schedule_batch(z, 3, 16, older_first)[0] != S.schedule_batch(z, 3, 16)[0]).any()


@pytest.mark.parametrize("order, message", [
    ("best-ever", "order must be one of"),
    (((1, 0),) * 8, "option 0 must be"),
    (((0, 0), (1, 0)), "needs 8 options"),
    (((0, 0), (1, 0), (1, 0), (2, 0), (1, 1), (1, -1), (2, 1), (2, -1)), "distinct"),
    (((0, 0), (3, 0), (1, 0), (2, 0), (1, 1), (1, -1), (2, 1), (2, -1)), "outside the depth-3 window"),
    ((S.OPTIONS[3], 4), "level spacing 4 lets lanes"),
])
def test_bad_orders_are_clear_errors(order, message):
    with pytest.raises(ValueError, match=message):
        S.schedule_step([0, 0, 0], 3, 16, order)


def test_aliased_options_never_occur():
    """At n = 4 the paper's (+1,-3) is (+1,+1) and (+2,-2) is (+2,+2): those MS codes are
    never chosen, on any window; at n >= 5 every code is live."""
    assert S.live_options(3, 4) == (0, 1, 2, 3, 4, 5) and S.live_options(2, 4) == (0, 1, 2, 3)
    assert S.live_options(3, 5) == tuple(range(8)) and S.live_options(2, 16) == tuple(range(5))
    z = np.array([[a, b, c] for a in range(16) for b in range(16) for c in range(16)], dtype=np.int64)
    ms = S.schedule_batch(z, 3, 4)[0]
    assert set(np.unique(ms).tolist()) == {-1, *S.live_options(3, 4)}


@pytest.mark.parametrize("depth", P.DEPTHS)
def test_count_steps_orders_equals_count_steps_batch(depth):
    """The many-orders form (for the design-space search) gives every order's own steps,
    whatever the level spacing of the orders mixed in one call."""
    rng = np.random.default_rng(21)
    eff = S.random_effectual(rng, (12, 40, 16), 0.55)
    paper = S.OPTIONS[depth]
    orders = ["paper", paper[:1] + paper[:0:-1], (paper, 7),
              ((0, 0),) + tuple((1, o) for o in (2, 3, -1, 4)) + (((2, 0), (2, 1), (2, -1)) if depth == 3 else ())]
    got = S.count_steps_orders(eff, depth, orders)
    for c, order in enumerate(orders):
        assert got[c].tolist() == S.count_steps_batch(eff, depth, order=order).tolist(), order
    with pytest.raises(ValueError, match="up to 32 lanes"):
        S.count_steps_orders(np.zeros((1, 3, 40), bool), depth, ["paper"])
