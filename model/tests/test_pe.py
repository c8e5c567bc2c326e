"""Unit tests of model/pe.py: the job protocol, the scheduled datapath and the cycle model."""

import numpy as np
import pytest

from model import params as P
from model import pe as PE
from model import scheduler as S


def rand_job(rng, rows, sa, sb, mode, n=16, dw=16):
    def side(s):
        v = rng.integers(-(1 << (dw - 1)), 1 << (dw - 1), size=(rows, n))
        v[v == 0] = 1
        v[rng.random((rows, n)) < s] = 0
        return v
    return PE.Job(side(sa), side(sb), mode)


def test_beats_follow_the_protocol():
    job = PE.Job(np.arange(7 * 16).reshape(7, 16), np.ones((7, 16), int), PE.MODE_B_ONLY)
    bs = PE.beats(job, depth=3)
    assert [b.rows for b in bs] == [3, 3, 1] and [b.last for b in bs] == [False, False, True]
    assert all(b.mode == PE.MODE_B_ONLY for b in bs)
    assert np.array_equal(np.vstack([b.a for b in bs]), job.a)
    assert [b.rows for b in PE.beats(job, depth=2)] == [2, 2, 2, 1]


@pytest.mark.parametrize("depth", P.DEPTHS)
@pytest.mark.parametrize("mode", sorted(PE.MODES))
def test_scheduled_datapath_uses_every_effectual_pair_once(depth, mode):
    rng = np.random.default_rng(depth * 10 + mode)
    for _ in range(40):
        job = rand_job(rng, int(rng.integers(1, 60)), rng.random(), rng.random(), mode)
        result, steps = PE.scheduled_result(job, depth)
        assert result == PE.dot(job)
        assert steps == PE.job_steps(job, depth)


def test_modes_set_what_the_scheduler_sees():
    a = np.array([[0, 1, 2, 0] * 4])
    b = np.array([[3, 0, 4, 0] * 4])
    assert PE.effectual(PE.Job(a, b, PE.MODE_BOTH)).tolist() == [[False, False, True, False] * 4]
    assert PE.effectual(PE.Job(a, b, PE.MODE_B_ONLY)).tolist() == [[True, False, True, False] * 4]
    assert PE.effectual(PE.Job(a, b, PE.MODE_DENSE)).all()


@pytest.mark.parametrize("depth", P.DEPTHS)
def test_bypass_is_the_dense_schedule(depth):
    job = PE.Job(np.zeros((37, 16), int), np.zeros((37, 16), int), PE.MODE_DENSE)
    assert PE.job_steps(job, depth) == 37


def test_cycle_model_worked_example():
    # Two all-zero 4-row jobs at depth 3: ceil(4/3) = 2 steps each. With the first beat
    # accepted in cycle 0, steps run in cycles 1, 2 (job 0) and 3, 4 (job 1); each result is
    # presented FIXED_LATENCY = 2 cycles after its job's last step: cycles 4 and 6.
    z = np.zeros((4, 16), int)
    jobs = [PE.Job(z, z), PE.Job(z, z)]
    assert PE.tdash_result_cycles(jobs, 3).tolist() == [4, 6]
    assert PE.dense_result_cycles(jobs).tolist() == [6, 10]
    # Bypass makes the TensorDash PE exactly as fast as the dense one.
    dense_jobs = [PE.Job(z, z, PE.MODE_DENSE)] * 3
    assert PE.tdash_result_cycles(dense_jobs, 3).tolist() == PE.dense_result_cycles(dense_jobs).tolist()


def test_tensordash_never_slower_than_dense():
    rng = np.random.default_rng(5)
    jobs = [rand_job(rng, int(rng.integers(1, 100)), rng.random(), rng.random(), int(rng.integers(0, 3)))
            for _ in range(50)]
    for depth in P.DEPTHS:
        assert (PE.tdash_result_cycles(jobs, depth) <= PE.dense_result_cycles(jobs)).all()


def test_accumulator_width_never_overflows():
    assert PE.acc_width() == 52  # 16-bit operands, 16 lanes, jobs up to 65536 rows
    for dw, n, rl in [(16, 16, 16), (8, 16, 10), (16, 32, 20), (32, 16, 8)]:
        worst = (1 << (dw - 1)) ** 2 * n * (1 << rl)   # (-2**(dw-1))**2 in every pair
        assert worst <= (1 << (PE.acc_width(dw, n, rl) - 1)) - 1


@pytest.mark.parametrize("make, match", [
    (lambda: PE.Job(np.zeros((0, 16), int), np.zeros((0, 16), int)), "at least one row"),
    (lambda: PE.Job(np.zeros((2, 16), int), np.zeros((3, 16), int)), "one shape"),
    (lambda: PE.Job(np.zeros((2, 16)), np.zeros((2, 16))), "integer operands"),
    (lambda: PE.Job(np.zeros((2, 16), int), np.zeros((2, 16), int), mode=7), "mode must be"),
    (lambda: PE.Job(np.full((1, 16), 1 << 15), np.zeros((1, 16), int)).check_width(16), "signed 16-bit"),
])
def test_bad_jobs_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_count_steps_is_the_schedulers():
    rng = np.random.default_rng(3)
    job = rand_job(rng, 50, 0.5, 0.5, PE.MODE_BOTH)
    assert PE.job_steps(job, 3) == S.count_steps((job.a != 0) & (job.b != 0), 3)


@pytest.mark.parametrize("fmt", ["bf16", "fp32"])
@pytest.mark.parametrize("kind", ["tdash", "dense"])
def test_results_of_many_jobs_are_each_jobs_result(fmt, kind):
    """rows_results (the C predictor's batch of floating-point sums, padded to the longest
    job) equals rows_result job by job, bit for bit: sparse jobs of very different lengths,
    with Inf and NaN operands and values that cancel."""
    from model import fp as FP

    rng = np.random.default_rng([len(fmt), len(kind)])
    parts = []
    for k in range(60):
        rows = int(rng.integers(1, 80)) if k else 1
        x = rng.standard_normal((2, rows, 16)).astype(np.float32) * np.float32(2.0 ** int(rng.integers(-30, 30)))
        x[rng.random(x.shape) < rng.uniform(0, 1)] = 0
        if k % 7 == 3:
            x[0, int(rng.integers(0, rows)), int(rng.integers(0, 16))] = rng.choice([np.inf, -np.inf, np.nan])
        a, b = FP.from_float(x[0], fmt), FP.from_float(x[1], fmt)
        job = PE.Job(a, b, int(rng.integers(0, 3)), fmt)
        parts.append((a, b, PE.effectual(job)))
    batch = PE.rows_results(parts, fmt, kind, 3)
    assert batch == [PE.rows_result(a, b, z, fmt, kind, 3) for a, b, z in parts]
    assert len(set(batch)) > 40     # the jobs' results are not all alike
    jobs = [PE.Job(a, b, PE.MODE_BOTH, fmt) for a, b, _ in parts] + [PE.Job(np.ones((3, 16), int), np.ones((3, 16), int), 0)]
    assert PE.results(jobs, kind, 3) == [PE.result(j, kind, 3) for j in jobs]
