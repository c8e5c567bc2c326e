"""The alternative schedulers (model/schedulers.py) and the training traces (studies/traces.py)."""

import numpy as np
import pytest

from model import scheduler as S
from model import schedulers as X
from studies import traces as T


def consumed(window_before, window_after):
    return sum(bin(int(b) & ~int(a)).count("1") for b, a in zip(window_before, window_after))


@pytest.mark.parametrize("depth", [3, 2])
def test_matching_consumes_at_least_as_many_pairs_as_greedy(depth):
    rng = np.random.default_rng(5)
    z = S.pack_rows(S.random_effectual(rng, (500, depth, 16), 0.5))
    greedy_after = S.schedule_batch(z, depth)[1]
    window = [z[:, k].copy() for k in range(depth)]
    X._matching_step(depth, 16)(window)
    for s in range(len(z)):
        g = consumed(z[s], greedy_after[s])
        m = consumed(z[s], [w[s] for w in window])
        assert m >= g
        # Every lane takes at most one pair, and only pairs that were pending.
        assert m <= 16 and all(int(w[s]) & ~int(z[s][k]) == 0 for k, w in enumerate(window))
        # Row +0 is reachable only by its own lane, first choice: a max matching still
        # empties it (the tie-break toward older rows), so the window always advances.
        assert window[0][s] == 0


def test_matching_beats_greedy_where_greedy_is_myopic():
    """The greedy levels commit lane by lane in a fixed order; somewhere in 2000 random windows
    an earlier level's first choice is a pair a later lane needed, and the matching does
    strictly better in that step."""
    rng = np.random.default_rng(11)
    z = S.pack_rows(S.random_effectual(rng, (2000, 3, 16), 0.6))
    greedy_after = S.schedule_batch(z, 3)[1]
    window = [z[:, k].copy() for k in range(3)]
    X._matching_step(3, 16)(window)
    better = [s for s in range(len(z)) if consumed(z[s], [w[s] for w in window]) > consumed(z[s], greedy_after[s])]
    assert better, "on 2000 random windows the per-step optimum should beat the greedy one somewhere"


@pytest.mark.parametrize("depth", [3, 2])
def test_lookahead_only_moves_in_time_only(depth):
    rng = np.random.default_rng(2)
    eff = S.random_effectual(rng, (40, 60, 16), 0.5)
    steps = X.count_steps_batch(eff, "lookahead", depth)
    # Each lane drains its own column: per step a lane takes its oldest pending pair, so a
    # stream takes at least max over lanes of (pairs in that lane) steps, and the schedulers
    # order lookahead <= greedy <= (usually) matching in speed.
    assert (steps >= eff.sum(axis=1).max(axis=1)).all()
    assert (steps >= X.count_steps_batch(eff, "greedy", depth)).all()
    assert (X.count_steps_batch(eff, "greedy", depth) == S.count_steps_batch(eff, depth)).all()


def test_unknown_scheduler_is_a_clear_error():
    with pytest.raises(ValueError, match="scheduler must be one of"):
        X.count_steps_batch(np.zeros((1, 3, 16), bool), "optimal")


def test_cnn_gradients_match_finite_differences():
    net = T.Net(seed=3)
    for k in net.params:
        net.params[k] = net.params[k].astype(np.float64) + 0.01  # biases off zero: no ReLU kinks at 0
    xtr, ytr, _, _ = T.load_digits()
    x, y = xtr[:3].astype(np.float64), ytr[:3]

    def loss():
        logits = net.forward_backward(x)[0]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return -np.mean(np.log(p[np.arange(len(y)), y]))

    grads = net.forward_backward(x, y)[1]
    rng = np.random.default_rng(0)
    for name in ("w1", "w2", "w3", "b1", "b2", "b3"):
        for _ in range(3):
            idx = tuple(int(rng.integers(0, n)) for n in net.params[name].shape)
            old = net.params[name][idx]
            net.params[name][idx] = old + 1e-6
            up = loss()
            net.params[name][idx] = old - 1e-6
            down = loss()
            net.params[name][idx] = old
            assert (up - down) / 2e-6 == pytest.approx(grads[name][idx], rel=1e-4, abs=1e-8), name


def test_capture_layouts_and_cycles():
    net = T.Net(seed=0)
    xtr, ytr, _, _ = T.load_digits()
    ops = {(o.layer, o.op): o for o in T.capture(net, xtr[:8], ytr[:8])}
    # conv1 has no input-gradient convolution; 8 operations in all.
    assert len(ops) == 8 and ("conv1", "GxW") not in ops
    a = ops[("conv2", "AxW")]
    assert a.target.shape == (8 * 64, 9, 16) and a.multiplicity == 16       # 16 channels per row, 9 kernel rows
    assert ops[("conv1", "AxW")].target.shape == (8 * 64, 1, 16)             # 9 values + 7 padding lanes
    g = ops[("conv2", "GxA")]
    assert g.target.shape[1:] == (8 * 64 // 16, 16)                          # reduction over (n, y, x)
    for op in ops.values():
        dense, td = T.op_cycles(op, 3)
        assert dense == op.macs // 16 and dense / 3 <= td <= dense


def test_quantise_keeps_the_zero_pattern():
    x = np.array([0.0, 1e-9, -1e-9, 0.5, -1.0, 0.0], dtype=np.float32)
    q = T.quantise(x)
    assert ((q != 0) == (x != 0)).all() and q[3] == np.rint(0.5 * 32767) and q[4] == -32767
    assert q[1] == 1 and q[2] == -1  # tiny values never round to zero
