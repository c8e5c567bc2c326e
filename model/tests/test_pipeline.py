"""The cycle-level pipeline model (model/pipeline.py) against the closed-form timing of
model/pe.py and model/tile.py: with no bubbles and no back-pressure the two must agree on
every result's cycle and value; with stalls, results keep their values and order."""

import numpy as np
import pytest

from model import pe as PE
from model import tile as T


def random_jobs(rng, count, n=16, max_rows=40, fmt="int"):
    jobs = []
    for _ in range(count):
        rows = int(rng.integers(1, max_rows))
        s = rng.uniform(0, 1)
        a = np.where(rng.random((rows, n)) < s, 0, rng.integers(-99, 100, (rows, n)))
        b = np.where(rng.random((rows, n)) < s, 0, rng.integers(-99, 100, (rows, n)))
        jobs.append(PE.Job(a, b, int(rng.integers(0, 3))))
    return jobs


def drive(model, beats, bubble=lambda c: False, ready=lambda c: True, max_cycles=100000):
    """An upstream that offers the next beat unless bubble(c), a sink with ready(c);
    returns [(cycle, value)] of the handshakes, cycles counted from the first acceptance."""
    idx, first, out, holding = 0, None, [], False
    for c in range(max_cycles):
        o = model.outputs()
        valid = idx < len(beats) and (holding or not bubble(c))
        rdy = ready(c)
        if o.out_valid and rdy:
            out.append((c, o.out_data))
        if valid and o.in_ready and first is None:
            first = c
        model.clock(False, valid, beats[idx] if valid else None, rdy)
        holding = valid and not o.in_ready
        idx += int(valid and o.in_ready)
        if idx == len(beats) and model.idle:
            return [(cy - first, v) for cy, v in out]
    raise AssertionError("no progress")


@pytest.mark.parametrize("depth", [2, 3])
@pytest.mark.parametrize("kind", ["tdash", "dense"])
def test_no_stall_is_the_closed_form(kind, depth):
    rng = np.random.default_rng(depth)
    jobs = random_jobs(rng, 60)
    beats = [PE.pipeline_beat(bt) for j in jobs for bt in PE.beats(j, depth)]
    out = drive(PE.cycle_model(kind, depth), beats)
    want = PE.tdash_result_cycles(jobs, depth) if kind == "tdash" else PE.dense_result_cycles(jobs)
    assert [c for c, _ in out] == want.tolist()
    assert [v for _, v in out] == [PE.result(j, kind, depth) for j in jobs]


@pytest.mark.parametrize("kind", ["tdash", "dense"])
def test_stalls_keep_values_and_order(kind):
    rng = np.random.default_rng(7)
    jobs = random_jobs(rng, 40)
    beats = [PE.pipeline_beat(bt) for j in jobs for bt in PE.beats(j, 3)]
    flips = rng.random(100000)
    out = drive(PE.cycle_model(kind, 3), beats, bubble=lambda c: flips[c] < 0.3, ready=lambda c: flips[-c] > 0.4)
    assert [v for _, v in out] == [PE.result(j, kind, 3) for j in jobs]
    ideal = PE.tdash_result_cycles(jobs, 3) if kind == "tdash" else PE.dense_result_cycles(jobs)
    assert all(c >= i for (c, _), i in zip(out, ideal)) and out[-1][0] > ideal[-1]


def test_bad_beat_is_dropped_and_flagged():
    rng = np.random.default_rng(3)
    jobs = random_jobs(rng, 3, max_rows=10)
    beats = [PE.pipeline_beat(bt) for j in jobs for bt in PE.beats(j, 3)]
    bad = PE.pipeline_beat(PE.beats(jobs[0], 3)[0], rows_field=0)
    model = PE.cycle_model("tdash", 3)
    out = drive(model, beats[:1] + [bad] + beats[1:])
    assert [v for _, v in out] == [PE.result(j) for j in jobs]
    assert model.outputs().err




def test_tile_no_stall_is_the_closed_form():
    rng = np.random.default_rng(5)
    jobs = []
    for _ in range(20):
        rows = int(rng.integers(1, 30))
        a = rng.integers(-50, 50, (2, rows, 16))
        b = np.where(rng.random((3, rows, 16)) < rng.uniform(0, 1), 0, rng.integers(-50, 50, (3, rows, 16)))
        jobs.append(T.TileJob(a, b))
    beats = [bt for j in jobs for bt in T.tile_beats(j, 3)]
    out = drive(T.cycle_model(3), beats)
    assert [c for c, _ in out] == T.tile_result_cycles(jobs, 3).tolist()
    assert all((v == T.results(j, 3)).all() for (_, v), j in zip(out, jobs))


def _controls(rng, cycles, style):
    """Per-cycle rst, bubble and ready arrays of one kind of run."""
    bubble = rng.random(cycles) < (0.0 if style == "none" else 0.3)
    ready = rng.random(cycles) >= (0.0 if style == "none" else 0.4)
    if style == "runs":                           # long idle and back-pressure runs
        for start in rng.integers(0, cycles, 40):
            bubble[start:start + int(rng.integers(0, 50))] = True
        for start in rng.integers(0, cycles, 40):
            ready[start:start + int(rng.integers(0, 50))] = False
    rst = np.zeros(cycles, dtype=bool)
    if style == "resets":
        for start in np.flatnonzero(rng.random(cycles) < 0.004):
            rst[start:start + int(rng.integers(1, 4))] = True
    return rst, bubble, ready


def _pe_run(rng, kind, depth, bad):
    beats = []
    for j in random_jobs(rng, 40):
        for bt in PE.beats(j, depth):
            if bad and rng.random() < 0.05:
                beats.append(PE.pipeline_beat(bt, rows_field=int(rng.choice([0, depth + 1]))))
            beats.append(PE.pipeline_beat(bt))
    return lambda: PE.cycle_model(kind, depth), beats


def _tile_run(rng, depth, bad):
    beats = []
    for _ in range(15):
        rows = int(rng.integers(1, 30))
        a = rng.integers(-50, 50, (2, rows, 16))
        b = np.where(rng.random((3, rows, 16)) < rng.uniform(0, 1), 0, rng.integers(-50, 50, (3, rows, 16)))
        beats += T.tile_beats(T.TileJob(a, b), depth)
    return lambda: T.cycle_model(depth, acc_w=40), beats   # out_data as the bus (an int)


@pytest.mark.parametrize("style", ["none", "random", "runs", "resets", "bad"])
@pytest.mark.parametrize("kind,depth", [("tdash", 3), ("tdash", 2), ("dense", 3), ("tile", 3), ("tile", 2)])
def test_fast_play_equals_the_literal_clock(kind, depth, style):
    """model.pipeline.play's inlined loop (the benches' predictor) and the literal
    outputs()/clock() loop agree on every cycle's sample, every out_data change and every
    result, from a fresh model and after a run (state carried over)."""
    from model import pipeline as PL

    from model import native

    rng = np.random.default_rng([depth, len(kind), len(style)])
    make, beats = _tile_run(rng, depth, False) if kind == "tile" else _pe_run(rng, kind, depth, style == "bad")
    fast, python, literal = make(), make(), make()
    assert native.available(), f"the C predictor did not build: {native.why_not()}"
    assert native.spec_plan(fast, beats) is not None
    for rep in range(2):
        rst, bubble, ready = _controls(rng, 40000, style)
        got = PL.play(fast, beats, rst.copy(), bubble, ready, 8)                 # C
        py = PL._play_fast(python, beats, rst.copy(), bubble, ready, 8)          # Python, inlined
        want = PL._play_literal(literal, beats, rst.copy(), bubble, ready, 8)
        for name, run in (("C", got), ("inlined Python", py)):
            assert run.samples.tolist() == want.samples.tolist(), f"run {rep}, {name}: samples"
            assert run.changes == want.changes and run.results == want.results, f"run {rep}, {name}: out_data"
        for name, m in (("C", fast), ("inlined Python", python)):   # the state run 2 starts from
            assert (m.pend, m.last, m.job, list(m.results), m.op_valid, m.op_last, m.op_result, m.out_valid,
                    m.out_data, m.err) == (literal.pend, literal.last, literal.job, list(literal.results),
                                           literal.op_valid, literal.op_last, literal.op_result,
                                           literal.out_valid, literal.out_data, literal.err), f"run {rep}, {name}: state"
        assert got.ncycles < 40000 and len(got.results) > 0
        if style in ("none", "random", "runs"):
            assert len(want.results) == sum(bt.last for bt in beats)
