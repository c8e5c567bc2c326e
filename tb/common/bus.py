"""Packing between the model's per-row / per-lane values and the RTL's flat buses.

Conventions (all RTL blocks): a window of ``depth`` rows of ``n`` lanes is one bus with row
``k`` at bits ``[k*n +: n]``; per-lane fields of width ``w`` sit at ``[i*w +: w]``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def pack_rows_bus(rows: Sequence[int], n: int) -> int:
    """[row0, row1, ...] masks -> one bus integer (row k at bits k*n)."""
    bus = 0
    for k, row in enumerate(rows):
        bus |= int(row) << (k * n)
    return bus


def unpack_rows_bus(bus: int, depth: int, n: int) -> list[int]:
    """Inverse of :func:`pack_rows_bus`."""
    mask = (1 << n) - 1
    return [(bus >> (k * n)) & mask for k in range(depth)]


def pack_lanes_bus(values: Sequence[int], width: int) -> int:
    """Per-lane unsigned fields -> one bus integer (lane i at bits i*width)."""
    bus = 0
    for i, v in enumerate(values):
        bus |= int(v) << (i * width)
    return bus


def pack_lanes_batch(values: np.ndarray, width: int) -> list[int]:
    """(S, n) non-negative fields -> S bus integers; vectorised over S where it is cheap."""
    values = np.asarray(values, dtype=object)
    shifts = np.array([1 << (i * width) for i in range(values.shape[1])], dtype=object)
    return list((values * shifts).sum(axis=1))


def pack_values_rows(values: np.ndarray, width: int) -> list[int]:
    """:func:`pack_values` of each row of a 2-D array (one bus per row), vectorised."""
    values = np.asarray(values, dtype=np.int64)
    if width in (8, 16, 32, 64):
        raw = values.astype(f"<i{width // 8}")
        size = raw.shape[1] * (width // 8)
        blob = raw.tobytes()
        return [int.from_bytes(blob[k:k + size], "little") for k in range(0, len(blob), size)]
    return [pack_values(row, width) for row in values]


def pack_values(values: np.ndarray, width: int) -> int:
    """Signed integers (any shape, row-major) -> one bus integer, element e at [e*width +: width].

    Two's complement; whole-byte widths take a fast bytes path.
    """
    flat = np.asarray(values, dtype=np.int64).ravel()
    if width in (8, 16, 32, 64):
        return int.from_bytes(flat.astype(f"<i{width // 8}").tobytes(), "little")
    mask = (1 << width) - 1
    bus = 0
    for e, v in enumerate(flat.tolist()):
        bus |= (v & mask) << (e * width)
    return bus
