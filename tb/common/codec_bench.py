"""Shared pieces of the compressor and decompressor testbenches (tb/compress, tb/decompress):
test tensors, DUT start-up and the checks. Expected words, rows and cycles come from
model/compress.py only."""

from __future__ import annotations

import numpy as np

from tb.common.tensors import sparse_ints

DW = 16


def directed_tensors(n: int, group_rows: int) -> dict[str, np.ndarray]:
    """All zero, all dense, one lane dense, a diagonal; sizes on and off the group grid."""
    rows = 2 * group_rows + 5
    one_lane = np.zeros((rows, n), np.int64)
    one_lane[:, 3] = np.arange(1, rows + 1)
    diag = np.zeros((rows, n), np.int64)
    for r in range(rows):
        diag[r, r % n] = -(r + 1)
    return {
        "all zero": np.zeros((group_rows, n), np.int64),
        "all dense": np.arange(1, 3 * group_rows * n + 1).reshape(3 * group_rows, n) % 30001 + 1,
        "one lane dense": one_lane,
        "diagonal": diag,
        "extremes": np.where(np.arange(group_rows * n).reshape(group_rows, n) % 3 == 0,
                             -(1 << (DW - 1)), (1 << (DW - 1)) - 1),
        "single value": np.array([7]),
    }


def random_tensors(rng, count: int):
    """Random shapes (1 to 4 dimensions, multiples of the 16x16 group and not) at random
    sparsity from 0% to 100%."""
    out = []
    for _ in range(count):
        ndim = int(rng.integers(1, 5))
        shape = tuple(int(d) for d in rng.integers(1, 24, size=ndim))
        if rng.random() < 0.3:
            shape = (16 * int(rng.integers(1, 4)), 16)
        s = float(rng.choice([0.0, 1.0, *rng.random(4)]))
        out.append(sparse_ints(rng, shape, s, DW))
    return out


def check_equal(got: list, want: list, what: str, label: str) -> None:
    assert len(got) == len(want), f"{label}: {len(got)} {what} out, model says {len(want)} (lost or duplicated)"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{label}: {what} {i} differs: rtl={g!r} model={w!r}"
