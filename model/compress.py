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

Timing of the RTL under any handshake trace: :class:`CompressorCycles` and
:class:`DecompressorCycles` (their docstrings hold the rules, README "Scheduled storage"
repeats them). With no stalls (cycle 0 = the cycle the first dense beat is accepted) they
reduce to: the single-cycle compressor presents stored row s in cycle ``s + 2``; the
iterative one, which spends ``levels`` cycles per step, in cycle ``(s + 1) * levels + 1``; the
decompressor presents the dense beat of stored row s in cycle ``s + 1`` (cycle 0 = the first
stored row's) -- :func:`compressor_output_cycles`, :func:`decompressor_output_cycles`.

Bad stored rows (:func:`word_errors`): the decompressor flags them in a sticky error mask
and drops them whole, so the words around them expand as if they were not there.
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
        return [pack_word(self.values[s], self.idx[s], int(self.adv[s]), bool(self.last[s]), self.dw)
                for s in range(self.stored_rows)]


def pack_word(values, idx, adv: int, last: bool, dw: int = 16) -> int:
    """One stored row as an integer: lane slots {idx, value}, then adv, then last."""
    slot = dw + MS_BITS
    vmask = (1 << dw) - 1
    w = 0
    for lane, (v, k) in enumerate(zip(values, idx)):
        w |= ((int(k) << dw) | (int(v) & vmask)) << (lane * slot)
    n = len(values)
    return w | (int(adv) << (n * slot)) | (int(last) << (n * slot + ADV_BITS))


def unpack_word(word: int, n: int = LANES, dw: int = 16):
    """(values (signed), idx, adv, last) of a stored row; any integer of word_bits bits."""
    slot = dw + MS_BITS
    values, idx = [], []
    for lane in range(n):
        s = (word >> (lane * slot)) & ((1 << slot) - 1)
        v = s & ((1 << dw) - 1)
        values.append(v - (1 << dw) if v >> (dw - 1) else v)
        idx.append(s >> dw)
    return values, idx, (word >> (n * slot)) & ((1 << ADV_BITS) - 1), bool((word >> (n * slot + ADV_BITS)) & 1)


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


# ---- bad stored rows --------------------------------------------------------------------
ERR_SLOT = 1      # a slot that is empty (value 0) with idx != 0, or holds a value with idx >= options
ERR_ADV = 2       # adv outside 1..depth
ERR_COLLIDE = 4   # two values aimed at one window position, or at one an earlier row filled
ERR_LEFTOVER = 8  # last set, but values are left in the window past the group's end
ERR_BITS = 4
ERRORS = {ERR_SLOT: "bad slot", ERR_ADV: "bad adv", ERR_COLLIDE: "collision", ERR_LEFTOVER: "leftover"}


def scatter_word(window: np.ndarray, word: int, n: int = LANES, depth: int = DEFAULT_DEPTH, dw: int = 16):
    """Fig 12 for one stored row: returns (errors, done_rows, rest, adv, last).

    ``window`` is the (depth, n) dense window before the word; ``done_rows`` the first adv
    rows after the word's values went in (the output beat), ``rest`` the window after the
    shift (zero-filled). ``errors`` is the mask of ERR_* the word violates (0 for a word
    :func:`compress` can produce): such a word must be dropped, ``done_rows``/``rest`` are then
    meaningless. The checks are exactly rtl/tdash_decompress.v's.
    """
    values, idx, adv, last = unpack_word(word, n, dw)
    nopt = len(S.OPTIONS[depth])
    err = 0
    filled = window.copy()
    for lane in range(n):
        v, k = values[lane], idx[lane]
        if v == 0 or k >= nopt:
            if k != 0:
                err |= ERR_SLOT
            continue
        row, src = S.option_source(lane, k, depth, n)
        if filled[row, src] != 0:
            err |= ERR_COLLIDE
        filled[row, src] |= v
    if not 1 <= adv <= depth:
        err |= ERR_ADV
    a = min(adv, depth)
    rest = np.zeros_like(filled)
    rest[:depth - a] = filled[a:]
    if last and rest.any():
        err |= ERR_LEFTOVER
    return err, filled[:a], rest, adv, last


def word_errors(window: np.ndarray, word: int, n: int = LANES, depth: int = DEFAULT_DEPTH, dw: int = 16) -> int:
    """The ERR_* mask of ``word`` arriving on ``window`` (see :func:`scatter_word`)."""
    return scatter_word(window, word, n, depth, dw)[0]


def pack_rows(rows, depth: int, dw: int = 16) -> int:
    """(k <= depth, n) signed rows as the RTL's DEPTH*N*DW-bit bus (row k, lane l at
    [(k*n + l)*dw +: dw]); rows past k are 0."""
    vmask = (1 << dw) - 1
    out = 0
    for pos, v in enumerate(np.asarray(rows, dtype=np.int64).ravel().tolist()):
        if v:
            out |= (v & vmask) << (pos * dw)
    return out


# ---- cycle models -----------------------------------------------------------------------
class DecompressorCycles:
    """Cycle model of rtl/tdash_decompress.v under any handshake trace.

    Call :meth:`cycle` once per clock cycle with that cycle's inputs; it returns the ports as
    the RTL shows them in that cycle (before the rising edge that ends it) and then takes the
    edge. State: the dense window (depth rows), the output register (``out_valid``,
    ``out_data``, ``out_rows``, ``out_last``) and the sticky error mask ``err``. Rules:

    * ``in_ready = !out_valid || out_ready``, combinational: a beat leaves as the next word
      enters, so the decompressor never loses throughput to back-pressure it did not see.
    * A word is accepted in a cycle with ``in_valid && in_ready && !rst``.
    * ``rst`` (synchronous) clears window, output register and ``err`` at the edge: every
      output reads 0 from the next cycle. A word presented in a reset cycle is lost (reset
      wins), even though ``in_ready`` may read 1 in that cycle.
    * An accepted good word scatters its values into the window (Fig 12); from the next cycle
      the output register holds the window's first ``adv`` rows (rows past ``adv`` are 0),
      ``out_rows = adv``, ``out_last = last`` and ``out_valid = 1``; the window shifts by adv.
    * An accepted bad word (:func:`word_errors` != 0) ORs its mask into ``err`` and is dropped:
      window and output payload unchanged, ``out_valid = 0`` from the next cycle.
    * Otherwise the beat stays until taken: ``out_valid`` falls after a cycle with
      ``out_ready``.

    No stalls: the beat of the word accepted in cycle c is presented in cycle c + 1.
    """

    def __init__(self, n: int = LANES, depth: int = DEFAULT_DEPTH, dw: int = 16):
        S.check_params(depth, n)
        self.n, self.depth, self.dw = n, depth, dw
        self.reset()

    def reset(self) -> None:
        self.window = np.zeros((self.depth, self.n), np.int64)
        self.out_valid, self.out_data, self.out_rows, self.out_last, self.err = False, 0, 0, False, 0

    def ports(self, out_ready: bool) -> dict:
        return {"in_ready": (not self.out_valid) or bool(out_ready), "out_valid": self.out_valid,
                "out_data": self.out_data, "out_rows": self.out_rows, "out_last": self.out_last,
                "err": self.err}

    def cycle(self, rst: bool, in_valid: bool, word: int, out_ready: bool) -> dict:
        """One cycle; the returned ports carry ``accepted`` (the word went in at this edge)
        and ``errors`` (its ERR_* mask)."""
        now = self.ports(out_ready)
        now["accepted"], now["errors"] = False, 0
        if rst:
            self.reset()
            return now
        if in_valid and now["in_ready"]:
            err, done, rest, adv, last = scatter_word(self.window, word, self.n, self.depth, self.dw)
            now["accepted"], now["errors"] = True, err
            if err:
                self.err |= err
                self.out_valid = False
            else:
                self.window = rest
                self.out_valid, self.out_data, self.out_rows, self.out_last = True, pack_rows(done, self.depth, self.dw), adv, last
        elif out_ready:
            self.out_valid = False
        return now


class CompressorCycles:
    """Cycle model of rtl/tdash_compress.v (``iterative`` False: ITERATIVE=0, True: 1) under
    any handshake trace; :meth:`cycle` as in :class:`DecompressorCycles`.

    State: the staging queue (up to 3*depth dense rows, each with its values, its pending
    non-zero mask and its last-of-group flag), the output register (``out_valid``,
    ``out_word``) and, iterative only, the level counter ``lvl`` of tdash_scheduler_iter.
    Rules, per cycle:

    * ``in_ready = (queued rows <= 2*depth)``, a registered condition: it does not depend on
      this cycle's inputs. A beat (1..depth rows, ``in_last`` on its last row) is accepted with
      ``in_valid && in_ready && !rst`` and joins the queue at the edge.
    * ``enable = !(out_valid && !out_ready)``: a stored row held by back-pressure freezes the
      steps (not the queue's input side).
    * The *window* is the queue's first depth rows, cut after the first last-of-group row;
      it is *complete* when it holds depth rows or that last row.
    * Single-cycle: a step happens in every cycle with a complete window and ``enable``.
      Iterative: a complete window runs one level per cycle, lvl = 0 .. levels-1 (6 for
      n = 16), whatever ``enable`` says, except that it waits at the last level while
      ``enable`` is low; the step happens in the cycle with lvl = levels-1 and ``enable``,
      and lvl returns to 0. lvl holds while the window is incomplete.
    * A step schedules the window (model.scheduler.schedule_step on the pending masks of the
      group's rows), writes the remaining masks back, pops adv = min(AS, the group's rows in
      the window) rows, and its stored row (``last`` = the step drained the group's last
      row) is presented from the next cycle with ``out_valid = 1``. In a cycle with
      ``enable`` and no step ``out_valid`` falls to 0 at the edge.
    * ``rst`` (synchronous) empties the queue and clears lvl, ``out_valid``, ``out_word`` and
      ``err``; outputs read 0 from the next cycle. A beat presented in a reset cycle is lost.
    * A bad beat (``in_rows`` 0 or more than depth) is accepted as any beat, dropped whole and
      sets the sticky ``err``; nothing else changes.

    So a step never depends on when rows arrived, only on the group's rows: stalls move
    stored rows in time, never change them. No stalls: stored row s in cycle s + 2
    (single-cycle) or (s + 1) * levels + 1 (iterative) after the first beat's.
    """

    def __init__(self, n: int = LANES, depth: int = DEFAULT_DEPTH, dw: int = 16, iterative: bool = False):
        S.check_params(depth, n)
        self.n, self.depth, self.dw = n, depth, dw
        self.levels = len(S.levels(n, depth)) if iterative else 1
        self.reset()

    def reset(self) -> None:
        self.queue: list[list] = []  # [values (n,), pending mask, last]
        self.out_valid, self.out_word, self.lvl, self.err = False, 0, 0, False

    @property
    def occupancy(self) -> int:
        return len(self.queue)

    def window(self) -> tuple[int, bool]:
        """(the group's rows in the window, the window holds the group's last row)."""
        for k, (_, _, last) in enumerate(self.queue[:self.depth]):
            if last:
                return k + 1, True
        return self.depth, False

    def complete(self) -> bool:
        rows, has_last = self.window()
        return has_last or len(self.queue) >= self.depth

    def ports(self) -> dict:
        return {"in_ready": len(self.queue) <= 2 * self.depth, "out_valid": self.out_valid,
                "out_word": self.out_word, "err": self.err}

    def _step(self, rows: int, has_last: bool) -> int:
        win = self.queue[:rows]
        z = [e[1] for e in win] + [0] * (self.depth - rows)
        ms, z_after, as_rows = S.schedule_step(z, self.depth, self.n)
        values = [0] * self.n
        idx = [0] * self.n
        for lane, k in enumerate(ms):
            if k is not None:
                row, src = S.option_source(lane, k, self.depth, self.n)
                values[lane], idx[lane] = int(win[row][0][src]), k
        for e, pend in zip(win, z_after):
            e[1] = pend
        adv = min(as_rows, rows)
        del self.queue[:adv]
        return pack_word(values, idx, adv, has_last and as_rows >= rows, self.dw)

    def cycle(self, rst: bool, in_valid: bool, beat, out_ready: bool) -> dict:
        """One cycle. ``beat`` = (rows (in_rows, n) ints, last); the returned ports carry
        ``accepted`` and ``step`` (a stored row was scheduled at this edge); a bad beat
        (in_rows 0 or > depth) is accepted and dropped."""
        now = self.ports()
        now["accepted"], now["step"] = False, False
        if rst:
            self.reset()
            return now
        enable = not (self.out_valid and not out_ready)
        complete = self.complete()
        last_level = complete and self.lvl == self.levels - 1
        step = last_level and enable
        if complete and not (last_level and not enable):
            self.lvl = 0 if last_level else self.lvl + 1
        word = self._step(*self.window()) if step else None
        if in_valid and now["in_ready"]:
            rows, last = beat
            rows = np.asarray(rows, dtype=np.int64).reshape(-1, self.n)
            if not 1 <= rows.shape[0] <= self.depth:
                self.err = True
                rows = rows[:0]
            for k, r in enumerate(rows):
                self.queue.append([r, sum(1 << lane for lane in range(self.n) if r[lane]),
                                   bool(last) and k == rows.shape[0] - 1])
            now["accepted"] = True
        if enable:
            self.out_valid = step
            if step:
                self.out_word = word
        now["step"] = step
        return now
