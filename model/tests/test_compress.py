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
