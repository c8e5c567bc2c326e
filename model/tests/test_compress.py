"""Unit tests of model/compress.py: the bit layout, round trips, groups, footprint, errors."""

import math

import numpy as np
import pytest

from model import compress as C
from model import params as P


def test_word_layout_worked_by_hand():
    # One dense row, value 5 at lane 3: lane 3 takes its dense pair (idx 0); the group's only
    # row is done (adv = 1, AS cut at the group end) and the stored row ends the group.
    x = np.zeros(16, np.int64)
    x[3] = 5
    c = C.compress(x)
    assert c.words() == [(5 << (3 * 19)) | (1 << 304) | (1 << 306)]
    # Two rows, only (+1, lane 3) = -7. Lane 3 could look ahead for it (idx 1), but lane 6
    # reaches it too, with its last option (+1, i-3) = idx 7, and lane 6's level {1,6,11}
    # runs before lane 3's {3,8,13}: the value is stored in lane 6's slot. Both rows done.
    x = np.zeros((2, 16), np.int64)
    x[1, 3] = -7
    c = C.compress(x)
    value = (-7) & 0xFFFF
    assert c.words() == [(((7 << 16) | value) << (6 * 19)) | (2 << 304) | (1 << 306)]
    assert C.word_bits() == 307


@pytest.mark.parametrize("depth", P.DEPTHS)
def test_round_trip_any_shape(depth):
    rng = np.random.default_rng(depth)
    for shape in [(1,), (15,), (16,), (17,), (3, 5), (16, 16), (33, 16), (2, 3, 4, 5), (256, 64)]:
        for s in (0.0, 0.3, 0.8, 1.0):
            x = rng.integers(-(1 << 15), 1 << 15, size=shape)
            x[rng.random(shape) < s] = 0
            c = C.compress(x, depth=depth)
            y = C.decompress(c)
            assert y.shape == x.shape and np.array_equal(y, x)


def test_groups_stand_alone_and_never_cross():
    rng = np.random.default_rng(3)
    x = rng.integers(-9, 9, size=(45, 16))  # 2 full groups + a 13-row one
    c = C.compress(x)
    assert c.group_starts.tolist()[0] == 0 and len(c.group_starts) == 3
    bounds = list(c.group_starts) + [c.stored_rows]
    for g in range(3):
        lo, hi = bounds[g], bounds[g + 1]
        assert c.last[hi - 1] and not c.last[lo:hi - 1].any()
        # The advances of a group add up to its dense rows: no schedule crosses the boundary.
        assert c.adv[lo:hi].sum() == min(16, 45 - 16 * g)
        beats = C.expand_rows(c.values[lo:hi], c.idx[lo:hi], c.adv[lo:hi], c.last[lo:hi])
        assert np.array_equal(np.vstack(beats), x[16 * g:16 * (g + 1)])


def test_all_zero_group_costs_ceil_rows_over_depth():
    for depth in P.DEPTHS:
        c = C.compress(np.zeros((16, 16), np.int64), depth=depth)
        assert c.stored_rows == math.ceil(16 / depth)
        assert not c.values.any()


def test_dense_tensor_costs_one_stored_row_per_row():
    c = C.compress(np.ones((32, 16), np.int64))
    assert c.stored_rows == 32 and (c.idx == 0).all()


def test_footprint_counts_everything():
    c = C.compress(np.ones((32, 16), np.int64))
    assert c.footprint_bits() == 32 * 307 + C.HEADER_BITS + 2 * C.POINTER_BITS
    assert c.dense_bits() == 32 * 16 * 16


def test_cycle_models():
    assert C.compressor_output_cycles(3, iterative=False).tolist() == [2, 3, 4]
    assert C.compressor_output_cycles(3, iterative=True).tolist() == [7, 13, 19]  # 6 levels a step
    assert C.decompressor_output_cycles(3).tolist() == [1, 2, 3]


def test_group_beats_follow_groups():
    beats = C.group_beats(np.ones((20, 16), np.int64))  # groups of 16 and 4 rows
    assert [(b.shape[0], last) for b, last in beats] == [(3, False)] * 5 + [(1, True), (3, False), (1, True)]


@pytest.mark.parametrize("call, match", [
    (lambda: C.compress(np.zeros(4)), "integer tensor"),
    (lambda: C.compress(np.array([1 << 15])), "signed 16-bit"),
    (lambda: C.compress(np.array([], np.int64)), "empty"),
    (lambda: C.compress(np.zeros((1,) * 9, np.int64)), "at most 8"),
    (lambda: C.compress(np.ones(4, np.int64), group_rows=0), "group_rows"),
    (lambda: C.compress(np.ones(4, np.int64), depth=5), "depth must be"),
    (lambda: C.compress(np.ones(4, np.int64), dw=1), "dw must be"),
])
def test_bad_input_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_corrupt_stream_is_rejected():
    c = C.compress(np.ones((4, 16), np.int64))
    c.adv[0] = 0
    with pytest.raises(ValueError, match="adv must be"):
        C.decompress(c)


# ---- cycle models --------------------------------------------------------------------------

def _run_compressor(x, depth, iterative, valid=lambda c: True, ready=lambda c: True, rst=lambda c: False,
                    max_cycles=100000):
    """Drive CompressorCycles like a valid/ready source and sink; returns (words, their
    cycles from the first accepted beat, accepted cycles)."""
    m = C.CompressorCycles(16, depth, 16, iterative)
    beats = C.group_beats(x, 16, depth)
    i, words, when, accepted = 0, [], [], []
    want = C.compress(x, depth=depth).stored_rows
    for cyc in range(max_cycles):
        v = i < len(beats) and valid(cyc)
        r = ready(cyc)
        p = m.cycle(rst(cyc), v, beats[i] if v else None, r)
        if p["out_valid"] and r:
            words.append(p["out_word"])
            when.append(cyc)
        if p["accepted"]:
            accepted.append(cyc)
            i += 1
        if len(words) == want and i == len(beats):
            break
    return words, [c - accepted[0] for c in when], accepted


@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("iterative", [False, True])
def test_cycle_model_no_stalls_is_the_formula(depth, iterative):
    rng = np.random.default_rng(7)
    for s in (0.0, 0.5, 0.9, 1.0):
        x = rng.integers(-50, 50, size=(45, 16))
        x[rng.random(x.shape) < s] = 0
        c = C.compress(x, depth=depth)
        words, cycles, accepted = _run_compressor(x, depth, iterative)
        assert words == c.words()
        assert cycles == C.compressor_output_cycles(c.stored_rows, iterative).tolist()
    d = C.DecompressorCycles(16, depth)
    words = c.words()
    beats, when = [], []
    for cyc in range(len(words) + 3):
        p = d.cycle(False, cyc < len(words), words[cyc] if cyc < len(words) else 0, True)
        if p["out_valid"]:
            beats.append(p["out_data"])
            when.append(cyc)
    assert when == C.decompressor_output_cycles(len(words)).tolist()
    want = C.expand_rows(c.values, c.idx, c.adv, c.last, 16, depth)
    assert beats == [C.pack_rows(b, depth) for b in want]


@pytest.mark.parametrize("iterative", [False, True])
def test_cycle_model_stalls_move_rows_never_change_them(iterative):
    rng = np.random.default_rng(11)
    x = rng.integers(-5, 5, size=(40, 16))
    bubbles = rng.random(5000) < 0.4
    stalls = rng.random(5000) < 0.5
    words, cycles, _ = _run_compressor(x, 3, iterative, lambda c: not bubbles[c], lambda c: not stalls[c])
    assert words == C.compress(x).words()
    ideal = C.compressor_output_cycles(len(words), iterative).tolist()
    assert all(c >= i for c, i in zip(cycles, ideal)) and cycles != ideal


def test_cycle_model_iterative_levels_run_under_back_pressure():
    # The levels go on while a stored row is held; only the last level waits. A 2-cycle
    # back-pressure run right after row 0 appears (cycle 7) delays row 1 by nothing: its
    # levels ran meanwhile and it is ready at cycle 12, after the stall has ended.
    x = np.ones((16, 16), np.int64)
    words, cycles, _ = _run_compressor(x, 3, True, ready=lambda c: c not in (7, 8))
    assert cycles[:3] == [9, 13, 19]
    # Held for 10 cycles: row 1's step waits at its last level until row 0 leaves (cycle 17),
    # so row 1 follows in 18 and row 2's levels start then: 6 cycles later, 24.
    words, cycles, _ = _run_compressor(x, 3, True, ready=lambda c: not 7 <= c < 17)
    assert cycles[:3] == [17, 18, 24]


def test_cycle_model_reset_empties_everything():
    x = np.arange(1, 16 * 16 + 1).reshape(16, 16)
    m = C.CompressorCycles(16, 3, 16, True)
    beats = C.group_beats(x)
    for cyc in range(4):
        m.cycle(False, True, beats[cyc], True)
    assert m.occupancy > 0 and m.lvl > 0
    p = m.cycle(True, True, beats[4], True)
    assert not p["accepted"] and m.occupancy == 0 and m.lvl == 0
    assert m.ports() == {"in_ready": True, "out_valid": False, "out_word": 0, "err": False}


@pytest.mark.parametrize("depth", P.DEPTHS)
def test_compressor_drops_bad_beats(depth):
    x = np.arange(1, 20 * 16 + 1).reshape(20, 16) % 7
    beats = C.group_beats(x, 16, depth)
    bad = [(np.zeros((0, 16), np.int64), True), (np.ones((depth + 1, 16), np.int64), False)]
    stream = beats[:2] + bad + beats[2:]
    m = C.CompressorCycles(16, depth)
    words, i = [], 0
    for _ in range(500):
        p = m.cycle(False, i < len(stream), stream[i] if i < len(stream) else None, True)
        i += p["accepted"]
        if p["out_valid"]:
            words.append(p["out_word"])
    assert words == C.compress(x, depth=depth).words() and m.err
    m.cycle(True, False, None, True)
    assert not m.err


def test_word_errors_defined_for_bad_words():
    c = C.compress(np.ones((4, 16), np.int64), depth=2)
    w = c.words()[0]
    empty = np.zeros((2, 16), np.int64)
    assert C.word_errors(empty, w, depth=2) == 0
    slot = 16 + 3
    # idx 5 on a value at depth 2 (options 0..4), idx 1 on an empty slot.
    assert C.word_errors(empty, (w & ~(7 << 16)) | (5 << 16), depth=2) == C.ERR_SLOT
    z = C.pack_word([0] * 16, [1] + [0] * 15, 1, False)
    assert C.word_errors(empty, z, depth=2) == C.ERR_SLOT
    # adv 0 and adv 3 > depth 2.
    adv_mask = 3 << (16 * slot)
    assert C.word_errors(empty, w & ~adv_mask, depth=2) & C.ERR_ADV
    assert C.word_errors(empty, w | adv_mask, depth=2) == C.ERR_ADV
    # Two lanes aimed at (+1, lane 1): lane 1 with option 1, lane 2 with option 2 (offset -1).
    two = C.pack_word([0, 5, 6] + [0] * 13, [0, 1, 2] + [0] * 13, 2, False)
    assert C.word_errors(empty, two, depth=2) == C.ERR_COLLIDE
    # A position already filled by an earlier row.
    filled = empty.copy()
    filled[1, 1] = 9
    one = C.pack_word([0, 5] + [0] * 14, [0, 1] + [0] * 14, 1, False)
    assert C.word_errors(filled, one, depth=2) == C.ERR_COLLIDE
    # last with a value left in row +1 after adv = 1.
    assert C.word_errors(empty, C.pack_word([0, 5] + [0] * 14, [0, 1] + [0] * 14, 1, True), depth=2) == C.ERR_LEFTOVER


def test_decompressor_drops_bad_words_and_keeps_the_rest():
    rng = np.random.default_rng(5)
    x = rng.integers(-9, 9, size=(20, 16))
    c = C.compress(x, depth=2)
    good = c.words()
    bad = C.pack_word([0] * 16, [0] * 16, 0, False)  # adv 0
    stream = good[:3] + [bad] + good[3:]
    d = C.DecompressorCycles(16, 2)
    beats = []
    for cyc, w in enumerate(stream + [0]):
        p = d.cycle(False, cyc < len(stream), w, True)
        if p["out_valid"]:
            beats.append(p["out_data"])
    want = C.expand_rows(c.values, c.idx, c.adv, c.last, 16, 2)
    assert beats == [C.pack_rows(b, 2) for b in want] and d.err == C.ERR_ADV
    d.cycle(True, False, 0, True)
    assert d.err == 0 and d.ports(True)["out_data"] == 0
