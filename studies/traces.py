"""Real training sparsity: a small CNN trained on scikit-learn's bundled digits, its three
training convolutions captured every epoch and laid out as PE row streams (paper §2, §3.4,
§4.1-4.2; the Fig 13 / Fig 14 analog).

Network (numpy, float32, SGD with momentum, softmax cross-entropy)::

    x (N,1,8,8) -> conv1 3x3 pad 1, 1->C1 -> ReLU -> conv2 3x3 pad 1, C1->C2 -> ReLU
                -> flatten (C2*64) -> linear -> 10 logits

The three operations of every layer (§2, Eq. 1-3), with the side whose zeros are skipped
(§2: "we consider exploiting the sparsity of A and G_O in the first and the second
convolutions respectively. For the third convolution we target sparsity in G_O or A whichever
is higher"):

``AxW``  forward, O = A * W; one dot product per output value; target A.
``GxW``  input gradients, G_A = G_O * W_rot; target G_O (the gradient w.r.t. the layer's
         pre-activation output: ReLU's mask makes it sparse). conv1 has none: nothing below it
         needs G_A, so training does not compute it.
``GxA``  weight gradients, G_W = G_O * A; target G_O or A, whichever has more zeros.

Layout (§3.4). A job is one output value's dot product, cut into rows of n = 16 lanes along
its reduction dimension. For AxW and GxW the reduction runs over (kernel position, channel),
channel fastest, so each row holds 16 consecutive channels at one kernel position -- exactly
the paper's blocks of 16 channel-consecutive values when the channel count is a multiple of
16 (conv2, linear); conv1's single input channel gives one 9-value row per output. For GxA the
reduction runs over (sample, y, x), x fastest: the transposers of §3.4 supply 16 consecutive
positions per row. A partial last row is padded with zero pairs, which the dense PE pays for
too. Only the targeted side's zeros are scheduled (the PE's B-only mode, target on B).

Speedup of an operation = dense PE cycles / TensorDash PE cycles = sum of rows / sum of
scheduler steps over all its jobs (outputs that share their targeted operands share a
schedule; they are counted once per output, i.e. weighted by their multiplicity).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model import pe as PE
from model import scheduler as S
from model.params import DEFAULT_DEPTH, LANES

OPS = ("AxW", "GxW", "GxA")
K = 3  # kernel size; padding 1 keeps 8x8 maps


# ----------------------------------------------------------------------------- the network
def im2col(x: np.ndarray) -> np.ndarray:
    """(N,C,H,W) -> (N,H,W,9,C): the 3x3 neighbourhood of every position (zero padding 1),
    kernel position k = ky*3 + kx, channel fastest (the §3.4 row layout)."""
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.empty((n, h, w, K * K, c), dtype=x.dtype)
    for ky in range(K):
        for kx in range(K):
            cols[:, :, :, ky * K + kx, :] = xp[:, :, ky:ky + h, kx:kx + w].transpose(0, 2, 3, 1)
    return cols


def _kernel_rows(wt: np.ndarray) -> np.ndarray:
    """(F,C,3,3) -> (F,9,C) to match im2col's (k, c) order."""
    return wt.transpose(0, 2, 3, 1).reshape(wt.shape[0], K * K, wt.shape[1])


def _rotated(wt: np.ndarray) -> np.ndarray:
    """Input-gradient filters: W_rot[c, k, f] = W[f, c, 2-ky, 2-kx] (channel-wise
    reconstruction rotated by 180 degrees, §2 Eq. 6), shape (C, 9, F)."""
    return wt[:, :, ::-1, ::-1].transpose(1, 2, 3, 0).reshape(wt.shape[1], K * K, wt.shape[0])


@dataclass
class Net:
    c1: int = 16
    c2: int = 16
    seed: int = 0
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        rng = np.random.default_rng(self.seed)
        he = lambda fan_in, shape: (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)  # noqa: E731
        self.params = {"w1": he(9, (self.c1, 1, K, K)), "b1": np.zeros(self.c1, np.float32),
                       "w2": he(9 * self.c1, (self.c2, self.c1, K, K)), "b2": np.zeros(self.c2, np.float32),
                       "w3": he(64 * self.c2, (10, 64 * self.c2)), "b3": np.zeros(10, np.float32)}

    def forward_backward(self, x: np.ndarray, y: np.ndarray | None = None):
        """Forward (and, with labels, backward) pass. Returns (logits, grads, tensors) where
        ``tensors`` holds every operand of the three operations of every layer."""
        p = self.params
        cols1 = im2col(x)
        z1 = np.einsum("nyxkc,fkc->nfyx", cols1, _kernel_rows(p["w1"])) + p["b1"][None, :, None, None]
        a1 = np.maximum(z1, 0)
        cols2 = im2col(a1)
        z2 = np.einsum("nyxkc,fkc->nfyx", cols2, _kernel_rows(p["w2"])) + p["b2"][None, :, None, None]
        a2 = np.maximum(z2, 0)
        flat = a2.reshape(len(x), -1)
        logits = flat @ p["w3"].T + p["b3"]
        tensors = {"conv1": {"A": x, "cols": cols1}, "conv2": {"A": a1, "cols": cols2}, "fc": {"A": flat}}
        if y is None:
            return logits, None, tensors
        prob = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        g3 = prob.copy()
        g3[np.arange(len(y)), y] -= 1.0
        g3 /= len(y)                                           # G_O of the linear layer
        grads = {"w3": g3.T @ flat, "b3": g3.sum(axis=0)}
        g2 = (g3 @ p["w3"]).reshape(a2.shape) * (z2 > 0)       # G_O of conv2 (ReLU mask)
        grads["w2"] = np.einsum("nfyx,nyxkc->fkc", g2, cols2).reshape(
            self.c2, K, K, self.c1).transpose(0, 3, 1, 2)
        grads["b2"] = g2.sum(axis=(0, 2, 3))
        gcols2 = im2col(g2)                                     # GxW as a convolution (§2 Eq. 6)
        ga1 = np.einsum("nyxkf,ckf->ncyx", gcols2, _rotated(p["w2"]))
        g1 = ga1 * (z1 > 0)                                     # G_O of conv1
        grads["w1"] = np.einsum("nfyx,nyxkc->fkc", g1, cols1).reshape(self.c1, K, K, 1).transpose(0, 3, 1, 2)
        grads["b1"] = g1.sum(axis=(0, 2, 3))
        tensors["conv2"].update(G=g2, gcols=gcols2, W=p["w2"])
        tensors["conv1"].update(G=g1, W=p["w1"])
        tensors["fc"].update(G=g3, W=p["w3"])
        return logits, grads, tensors


def load_digits(seed: int = 0, test_fraction: float = 0.2):
    """scikit-learn's bundled 8x8 digits (no download): (x_train, y_train, x_test, y_test),
    x scaled to [0, 1] as (N, 1, 8, 8) float32."""
    from sklearn.datasets import load_digits as _load

    d = _load()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(len(x) * (1 - test_fraction))
    tr, te = order[:cut], order[cut:]
    return x[tr], d.target[tr], x[te], d.target[te]


# ---------------------------------------------------------------------- the PE row streams
def _rows(vectors: np.ndarray, lanes: int) -> np.ndarray:
    """(J, L) reduction vectors -> (J, ceil(L/lanes), lanes), zero-padded last row."""
    j, length = vectors.shape
    pad = (-length) % lanes
    if pad:
        vectors = np.concatenate([vectors, np.zeros((j, pad), vectors.dtype)], axis=1)
    return vectors.reshape(j, -1, lanes)


@dataclass
class OpTrace:
    """One operation of one layer: ``target`` and ``other`` are (J, R, n) row streams of the
    J distinct jobs (the targeted operand goes to the PE's B side), each standing for
    ``multiplicity`` outputs."""

    layer: str
    op: str
    target_name: str
    target: np.ndarray
    other: np.ndarray
    multiplicity: int
    sparsity: float           # fraction of zeros in the targeted tensor (no padding)

    @property
    def macs(self) -> int:
        return int(self.target.shape[0] * self.target.shape[1] * self.target.shape[2] * self.multiplicity)


def capture(net: Net, x: np.ndarray, y: np.ndarray, lanes: int = LANES) -> list[OpTrace]:
    """The three operations of every layer on one batch, as PE row streams."""
    _, _, t = net.forward_backward(x, y)
    out = []
    zeros = lambda a: float(np.mean(a == 0))  # noqa: E731
    for layer in ("conv1", "conv2"):
        d = t[layer]
        cols, w, g = d["cols"], d["W"], d["G"]
        f, c = w.shape[0], w.shape[1]
        # AxW: per output position, the (k, c) neighbourhood; the filter is the other side
        # (filter 0 stands for all F filters: they share the schedule).
        a_vec = cols.reshape(-1, K * K * c)
        out.append(OpTrace(layer, "AxW", "A", _rows(a_vec, lanes),
                           _rows(np.broadcast_to(_kernel_rows(w)[0].ravel(), a_vec.shape), lanes), f, zeros(d["A"])))
        if layer != "conv1":
            g_vec = d["gcols"].reshape(-1, K * K * f)
            out.append(OpTrace(layer, "GxW", "G", _rows(g_vec, lanes),
                               _rows(np.broadcast_to(_rotated(w)[0].ravel(), g_vec.shape), lanes), c, zeros(g)))
        # GxA: per weight (f, k, c), the reduction over (n, y, x).
        g_by_f = g.transpose(1, 0, 2, 3).reshape(f, -1)                     # (F, N*H*W)
        a_by_kc = cols.transpose(3, 4, 0, 1, 2).reshape(K * K * c, -1)      # (9C, N*H*W)
        if zeros(g) >= zeros(d["A"]):
            out.append(OpTrace(layer, "GxA", "G", _rows(g_by_f, lanes),
                               _rows(np.broadcast_to(a_by_kc[0], g_by_f.shape), lanes), K * K * c, zeros(g)))
        else:
            out.append(OpTrace(layer, "GxA", "A", _rows(a_by_kc, lanes),
                               _rows(np.broadcast_to(g_by_f[0], a_by_kc.shape), lanes), f, zeros(d["A"])))
    d = t["fc"]
    a, g, w = d["A"], d["G"], d["W"]
    out.append(OpTrace("fc", "AxW", "A", _rows(a, lanes), _rows(np.broadcast_to(w[0], a.shape), lanes),
                       w.shape[0], zeros(a)))
    out.append(OpTrace("fc", "GxW", "G", _rows(g, lanes), _rows(np.broadcast_to(w[:, 0], g.shape), lanes),
                       w.shape[1], zeros(g)))
    if zeros(g) >= zeros(a):
        out.append(OpTrace("fc", "GxA", "G", _rows(g.T, lanes), _rows(np.broadcast_to(a[:, 0], g.T.shape), lanes),
                           a.shape[1], zeros(g)))
    else:
        out.append(OpTrace("fc", "GxA", "A", _rows(a.T, lanes), _rows(np.broadcast_to(g[:, 0], a.T.shape), lanes),
                           g.shape[1], zeros(a)))
    return out


def op_cycles(trace: OpTrace, depth: int = DEFAULT_DEPTH) -> tuple[int, int]:
    """(dense PE cycles, TensorDash PE cycles) of the whole operation, pipeline fill aside."""
    steps = S.count_steps_batch(trace.target != 0, depth)
    dense = trace.target.shape[0] * trace.target.shape[1]
    return dense * trace.multiplicity, int(steps.sum()) * trace.multiplicity


def quantise(x: np.ndarray, dw: int = PE.DATA_WIDTH) -> np.ndarray:
    """Signed dw-bit integers with exactly x's zero pattern (non-zeros never round to 0), for
    running trace slices through the integer RTL PE."""
    scale = float(np.abs(x).max()) or 1.0
    q = np.rint(np.abs(x) / scale * ((1 << (dw - 1)) - 1)).astype(np.int64)
    q = np.where(x != 0, np.maximum(q, 1), 0) * np.sign(x).astype(np.int64)
    return q


def slice_jobs(trace: OpTrace, count: int, rng: np.random.Generator) -> list[PE.Job]:
    """``count`` random jobs of an operation as integer PE jobs: targeted side on B, B-only
    mode (one-side scheduling), as the cocotb jobs_file test runs them."""
    pick = rng.choice(trace.target.shape[0], size=min(count, trace.target.shape[0]), replace=False)
    return [PE.Job(quantise(trace.other[j]), quantise(trace.target[j]), PE.MODE_B_ONLY) for j in sorted(pick)]


@dataclass
class Trainer:
    """SGD with momentum over the digits training set; ``probe`` is the fixed batch the
    operations are captured on every epoch."""

    epochs: int = 8
    batch: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    probe: int = 64
    seed: int = 0

    def run(self, on_epoch, progress=None):
        """Train; ``on_epoch(epoch, net, probe_x, probe_y, test_accuracy)`` after the initial
        weights (epoch 0) and after every epoch."""
        if self.epochs < 1 or self.batch < 1 or self.probe < 1:
            raise ValueError("epochs, batch and probe must be positive")
        xtr, ytr, xte, yte = load_digits(self.seed)
        net = Net(seed=self.seed)
        vel = {k: np.zeros_like(v) for k, v in net.params.items()}
        rng = np.random.default_rng(self.seed)
        px, py = xtr[:self.probe], ytr[:self.probe]
        accuracy = lambda: float(np.mean(net.forward_backward(xte)[0].argmax(axis=1) == yte))  # noqa: E731
        on_epoch(0, net, px, py, accuracy())
        for epoch in range(1, self.epochs + 1):
            order = rng.permutation(len(xtr))
            for start in range(0, len(order), self.batch):
                idx = order[start:start + self.batch]
                _, grads, _ = net.forward_backward(xtr[idx], ytr[idx])
                for k in net.params:
                    vel[k] = self.momentum * vel[k] - self.lr * grads[k].astype(np.float32)
                    net.params[k] += vel[k]
            on_epoch(epoch, net, px, py, accuracy())
            if progress:
                progress(epoch, self.epochs)
        return net
