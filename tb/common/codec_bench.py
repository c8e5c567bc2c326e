"""Shared pieces of the compressor and decompressor testbenches (tb/compress, tb/decompress):
test tensors, DUT start-up and the checks. Expected words, rows and cycles come from
model/compress.py only."""

from __future__ import annotations

import zlib

import numpy as np

from tb.common import fcov
from tb.common.tensors import sparse_ints

DW = 16


def directed_tensors(n: int, group_rows: int) -> dict[str, np.ndarray]:
    """All zero, all dense, one lane dense, a diagonal; sizes on and off the group grid; and
    one tensor per sparsity bin of fcov with a full and a partial (5-row) group whose zero
    counts both fall in that bin, so every group coverage bin closes by construction."""
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
        **{f"groups at {label}": _groups_in_bin(label, n, group_rows) for label in fcov.SPARSITY_BINS},
    }


def _groups_in_bin(label: str, n: int, group_rows: int) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(label.encode()))
    parts = []
    for rows in (group_rows, 5):
        lo, hi = fcov.sparsity_range(label, rows * n)
        x = sparse_ints(rng, rows * n, 0.0, DW)
        x[rng.choice(rows * n, size=(lo + hi) // 2, replace=False)] = 0
        parts.append(x.reshape(rows, n))
    return np.vstack(parts)


def sample_groups(coverage: fcov.GroupCoverage, c) -> None:
    """Functional coverage of a compressed tensor (model.compress.Compressed, checked equal
    to the RTL's words or beats before this is called): one sample per group."""
    bounds = list(c.group_starts) + [c.stored_rows]
    for start, stop in zip(bounds[:-1], bounds[1:]):
        dense = int(c.adv[start:stop].sum())
        coverage.sample(dense, dense * c.n - int(np.count_nonzero(c.values[start:stop])), c.n, c.group_rows)


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
