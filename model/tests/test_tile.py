"""Unit tests of model/tile.py: lockstep advance, reuse of the scheduler, results."""

import numpy as np
import pytest

from model import params as P
from model import pe as PE
from model import scheduler as S
from model import tile as T


def bits_rows(*rows, n=16):
    """Rows given as lists of effectual lanes -> (R, n) bool."""
    out = np.zeros((len(rows), n), bool)
    for r, lanes in enumerate(rows):
        out[r, list(lanes)] = True
    return out


def test_slowest_row_holds_the_window():
    # Row 0: four dense rows (every step takes one row, AS = 1). Row 1: all zero (AS = 3).
    # Alone, row 1 would finish in ceil(4/3) = 2 steps; in the tile it waits for row 0.
    b0 = np.ones((4, 16), int)
    b1 = np.zeros((4, 16), int)
    job = T.TileJob(np.ones((1, 4, 16), int), np.stack([b0, b1]))
    assert T.tile_steps(job) == 4
    assert S.count_steps(b1 != 0) == 2 and S.count_steps(b0 != 0) == 4


def test_fast_row_keeps_working_inside_the_window():
    # Row 0: (+0) lane 0 only, then rows 1 and 2 full: it drains one row per step from the
    # second step on. Row 1: only lane 0 in each of rows 0..2 -- lane 0 takes (+0,0), lane 1
    # steals (+1,0) via (+1,-1), lane 2 steals (+2,0) via (+2,-2): one step drains it all.
    # The tile needs row 0's 3 steps; row 1 is idle in steps 2 and 3, not blocked.
    b0 = bits_rows([0], range(16), range(16)).astype(int)
    b1 = bits_rows([0], [0], [0]).astype(int)
    assert S.count_steps(b1 != 0) == 1
    assert T.tile_steps(T.TileJob(np.ones((2, 3, 16), int), np.stack([b0, b1]))) == S.count_steps(b0 != 0) == 3


@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("rows", [1, 2, 4, 7])
def test_batch_equals_literal_and_bounds(depth, rows):
    rng = np.random.default_rng(rows * 10 + depth)
    b = rng.integers(-5, 5, size=(12, rows, 60, 16))
    b[rng.random(b.shape) < rng.random((12, rows, 1, 1))] = 0
    batch = T.tile_steps_batch(b != 0, depth)
    for t in range(12):
        job = T.TileJob(np.ones((3, 60, 16), int), b[t])
        steps = T.tile_steps(job, depth)
        assert batch[t] == steps
        alone = [S.count_steps(b[t, r] != 0, depth) for r in range(rows)]
        assert max(alone) <= steps <= 60  # never faster than the slowest row, never slower than dense


def test_one_row_tile_is_a_pe_in_b_only_mode():
    rng = np.random.default_rng(1)
    b = rng.integers(-3, 3, size=(1, 90, 16))
    a = rng.integers(-3, 3, size=(4, 90, 16))
    job = T.TileJob(a, b)
    assert T.tile_steps(job) == PE.job_steps(PE.Job(a[0], b[0], PE.MODE_B_ONLY))


def test_results_and_cycles():
    rng = np.random.default_rng(2)
    a = rng.integers(-100, 100, size=(3, 5, 16))
    b = rng.integers(-100, 100, size=(2, 5, 16))
    res = T.results(T.TileJob(a, b))
    assert res.shape == (2, 3)
    assert all(res[r, c] == int((a[c].astype(object) * b[r]).sum()) for r in range(2) for c in range(3))
    z = np.zeros((2, 4, 16), int)
    jobs = [T.TileJob(np.ones((1, 4, 16), int), z)] * 2
    assert T.tile_result_cycles(jobs, 3).tolist() == [4, 6]  # 2 steps per job, latency 2


@pytest.mark.parametrize("make, match", [
    (lambda: T.TileJob(np.zeros((2, 3, 16), int), np.zeros((2, 4, 16), int)), "one R and n"),
    (lambda: T.TileJob(np.zeros((2, 0, 16), int), np.zeros((2, 0, 16), int)), "at least one row"),
    (lambda: T.TileJob(np.zeros((1, 3, 16)), np.zeros((1, 3, 16))), "integer"),
    (lambda: T.tile_steps_batch(np.zeros((2, 3, 16), bool)), "T, ROWS, R, n"),
    (lambda: S.count_steps_batch(np.zeros((3, 4, 16), bool), group=2), "group must be"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
