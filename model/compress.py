"""Scheduled tensors in memory: the back-side scheduler's storage format (paper §3.6, §3.7,
Fig 12), compression and decompression, bit-exact with rtl/tdash_compress.v and
rtl/tdash_decompress.v.

Layout of a tensor
------------------
The tensor is flattened in C order and cut into dense rows of ``n`` lanes (16): element e goes
to row e // n, lane e % n; the last row is padded with zeros. Rows are cut into *groups* of
``group_rows`` rows (16: the §3.4 16x16 group); the last group may be shorter (no padding
rows are added). Each group is scheduled on its own -- one-side, Z = "value is non-zero",
with the front-end scheduler's options and levels (model/scheduler.py) -- so a schedule never
crosses a group boundary, and every group can be found and expanded alone.

One stored row = one scheduler step = one word of ``word_bits(n, dw)`` bits:

=================================  =========  ==============================================
field                              bits       meaning
=================================  =========  ==============================================
lane i slot, i = 0..n-1            dw + 3     at [i*(dw+3) +: dw+3]: {idx[2:0], value[dw-1:0]}
  value                            dw         the value lane i picked (two's complement);
                                              0 = empty slot (only non-zeros are stored)
  idx                              3          the MS option that moved it (0 when empty)
adv                                2          at [n*(dw+3) +: 2]: dense rows this step
                                              completes, 1..depth (AS, cut at the group end)
last                               1          at [n*(dw+3) + 2]: last stored row of its group
=================================  =========  ==============================================

For n = 16, dw = 16: 307 bits per stored row, against 256 bits per dense row.

Besides the rows, a compressed tensor carries a header -- shape (``HEADER_BITS``: rank and
up to 8 dimensions of 32 bits, dw, n, depth, group_rows) -- and one ``POINTER_BITS`` start
pointer per group (the index of its first stored row), counted in :meth:`footprint_bits`.

Timing of the RTL (cycle 0 = the cycle the first dense beat is accepted, no stalls): the
single-cycle compressor presents stored row s in cycle ``s + 2``; the iterative one, which
spends ``levels`` cycles per step, in cycle ``(s + 1) * levels + 1``. The decompressor
presents the dense beat of stored row s in cycle ``s + 1`` (cycle 0 = the first stored row's).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import scheduler as S
from .params import DEFAULT_DEPTH, LANES, MS_BITS

GROUP_ROWS = 16
ADV_BITS = 2
HEADER_BITS = 8 + 8 * 32 + 8 + 8 + 8 + 8
POINTER_BITS = 32


def word_bits(n: int = LANES, dw: int = 16) -> int:
    """Bits of one stored row."""
    return n * (dw + MS_BITS) + ADV_BITS + 1


@dataclass
class Compressed:
    """A scheduled tensor: the stored rows as arrays plus the header fields.

    ``values`` and ``idx`` are (S, n); ``adv`` and ``last`` are (S,); ``group_starts`` holds
    the first stored row of every group.
    """

    shape: tuple
    dw: int
    n: int
    depth: int
    group_rows: int
    values: np.ndarray
    idx: np.ndarray
    adv: np.ndarray
    last: np.ndarray
    group_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def stored_rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def dense_rows(self) -> int:
        return -(-int(np.prod(self.shape, dtype=np.int64)) // self.n)

    def footprint_bits(self) -> int:
        """Stored rows + header + group pointers, in bits."""
        groups = len(self.group_starts)
        return self.stored_rows * word_bits(self.n, self.dw) + HEADER_BITS + groups * POINTER_BITS

    def dense_bits(self) -> int:
        """Footprint of the dense tensor (every element, dw bits each)."""
        return int(np.prod(self.shape, dtype=np.int64)) * self.dw

    def words(self) -> list[int]:
        """The stored rows as integers with the documented bit layout."""
        slot = self.dw + MS_BITS
        vmask = (1 << self.dw) - 1
        out = []
        for s in range(self.stored_rows):
            w = 0
            for lane in range(self.n):
                w |= (((int(self.idx[s, lane]) << self.dw) | (int(self.values[s, lane]) & vmask)) << (lane * slot))
            w |= int(self.adv[s]) << (self.n * slot)
            w |= int(self.last[s]) << (self.n * slot + ADV_BITS)
            out.append(w)
        return out


def _check_tensor(x, dw: int) -> np.ndarray:
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"compress takes an integer tensor, got dtype {x.dtype}")
    if x.ndim > 8:
        raise ValueError(f"at most 8 dimensions are supported, got {x.ndim}")
    if x.size == 0:
        raise ValueError("cannot compress an empty tensor")
    if not 2 <= dw <= 32:
        raise ValueError(f"dw must be in [2, 32], got {dw}")
    lo, hi = -(1 << (dw - 1)), (1 << (dw - 1)) - 1
    if x.min() < lo or x.max() > hi:
        raise ValueError(f"values must fit in signed {dw}-bit [{lo}, {hi}], got [{x.min()}, {x.max()}]")
    return x


def dense_rows(x: np.ndarray, n: int = LANES) -> np.ndarray:
    """The (R, n) dense rows of a tensor: C-order flattening, last row zero-padded."""
    flat = np.asarray(x).ravel().astype(np.int64)
    rows = -(-flat.size // n)
    out = np.zeros(rows * n, dtype=np.int64)
    out[:flat.size] = flat
    return out.reshape(rows, n)


def groups(rows: np.ndarray, group_rows: int) -> list[np.ndarray]:
    return [rows[g:g + group_rows] for g in range(0, rows.shape[0], group_rows)]


def compress(x, dw: int = 16, n: int = LANES, depth: int = DEFAULT_DEPTH, group_rows: int = GROUP_ROWS) -> Compressed:
    """Schedule every group of ``x`` and store it in the format above."""
    x = _check_tensor(x, dw)
    S.check_params(depth, n)
    if isinstance(group_rows, bool) or not isinstance(group_rows, (int, np.integer)) or group_rows < 1:
        raise ValueError(f"group_rows must be a positive integer, got {group_rows!r}")
    values, idx, adv, last, starts = [], [], [], [], []
    for grp in groups(dense_rows(x, n), group_rows):
        starts.append(len(values))
        stream = S.RowStream(S.pack_rows(grp != 0), depth)
        while not stream.done:
            ms, z_after, as_rows = S.schedule_step(stream.window, depth, n)
            vrow = np.zeros(n, dtype=np.int64)
            irow = np.zeros(n, dtype=np.int64)
            for lane, k in enumerate(ms):
                if k is not None:
                    row, src = S.option_source(lane, k, depth, n)
                    vrow[lane] = grp[stream.head + row, src]
                    irow[lane] = k
            step_adv = min(as_rows, grp.shape[0] - stream.head)  # cut at the group end
            stream.advance(z_after, as_rows)
            values.append(vrow)
            idx.append(irow)
            adv.append(step_adv)
            last.append(stream.done)
    return Compressed(tuple(x.shape), dw, n, depth, group_rows, np.array(values).reshape(-1, n),
                      np.array(idx).reshape(-1, n), np.array(adv, dtype=np.int64),
                      np.array(last, dtype=bool), np.array(starts, dtype=np.int64))


def expand_rows(values, idx, adv, last, n: int = LANES, depth: int = DEFAULT_DEPTH) -> list[np.ndarray]:
    """Fig 12: the mirror of the operand muxes. Each stored row scatters its values into a
    depth-row window at the positions their idx came from; the first ``adv`` window rows are
    then complete and leave (one output beat per stored row); the window shifts by ``adv``."""
    window = np.zeros((depth, n), dtype=np.int64)
    beats = []
    for s in range(len(adv)):
        for lane in range(n):
            if values[s][lane] != 0:
                row, src = S.option_source(lane, int(idx[s][lane]), depth, n)
                if window[row, src] != 0:
                    raise ValueError(f"stored row {s}: two values land on window ({row}, {src})")
                window[row, src] = values[s][lane]
        a = int(adv[s])
        if not 1 <= a <= depth:
            raise ValueError(f"stored row {s}: adv must be in [1, {depth}], got {a}")
        beats.append(window[:a].copy())
        window = np.vstack([window[a:], np.zeros((a, n), dtype=np.int64)])
        if last[s] and window.any():
            raise ValueError(f"stored row {s} ends a group but values are left past its end")
    return beats


def decompress(c: Compressed) -> np.ndarray:
    """Expand a :class:`Compressed` back to the original tensor (int64, original shape)."""
    beats = expand_rows(c.values, c.idx, c.adv, c.last, c.n, c.depth)
    rows = np.vstack(beats) if beats else np.zeros((0, c.n), np.int64)
    size = int(np.prod(c.shape, dtype=np.int64))
    if rows.shape[0] != c.dense_rows:
        raise ValueError(f"the stored rows expand to {rows.shape[0]} dense rows, the header says {c.dense_rows}")
    return rows.ravel()[:size].reshape(c.shape)


def compressor_output_cycles(stored_rows: int, iterative: bool, n: int = LANES) -> np.ndarray:
    """Cycle in which the RTL compressor presents each stored row (no stalls)."""
    s = np.arange(stored_rows)
    if iterative:
        return (s + 1) * len(S.levels(n)) + 1
    return s + 2


def decompressor_output_cycles(stored_rows: int) -> np.ndarray:
    """Cycle in which the RTL decompressor presents each dense beat (no stalls)."""
    return np.arange(stored_rows) + 1


def group_beats(x, n: int = LANES, depth: int = DEFAULT_DEPTH, group_rows: int = GROUP_ROWS):
    """The compressor's input stream for tensor ``x``: (rows (<= depth, n), last-of-group)
    beats, every group cut into beats of ``depth`` rows, its last beat possibly shorter."""
    out = []
    for grp in groups(dense_rows(x, n), group_rows):
        for start in range(0, grp.shape[0], depth):
            out.append((grp[start:start + depth], start + depth >= grp.shape[0]))
    return out
