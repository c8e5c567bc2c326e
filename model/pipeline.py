"""Cycle-level model of the staged PEs under any handshake trace: the staging queue
(rtl/tdash_stage_queue.v), the window control (rtl/tdash_window_ctrl.v) and the MAC pipeline
(rtl/tdash_mac.v) that tdash_pe, dense_pe and tdash_tile share (paper §3.2, Fig 8, Fig 11).

Given, for every cycle, the inputs ``rst``, ``in_valid`` with its beat, and ``out_ready``, it
predicts every output of every cycle: ``in_ready``, ``out_valid``, ``out_data``, ``err``, and
the number of rows in the scheduler's window. The timing rules, written once here (the
README and the RTL headers refer to this docstring):

Cycle c is the clock period that ends with rising edge c. Outputs during c depend on the
state after edge c-1 only (every output is a register or a function of registers), so an
upstream can decide ``in_valid`` knowing ``in_ready``.

1. **Staging queue.** Holds up to ``3*depth`` rows in arrival order. ``in_ready`` is high
   while it holds at most ``2*depth`` rows. A beat is accepted at edge c when ``in_valid``
   and ``in_ready`` are high in c; its ``in_rows`` rows (1..depth) join the queue behind the
   rows that stay.
2. **Bad beats.** A beat whose ``in_rows`` is 0 or more than ``depth`` is accepted like any
   other and dropped whole (rows and ``in_last``); ``err`` goes high from the next cycle and
   stays high until reset. Nothing else changes, so if the dropped beat carried ``in_last``,
   its job goes on into the next job's beats (one merged job, one result).
3. **Window.** The window is the first ``depth`` queue rows, cut after the current job's
   last row (``job_rows``). TensorDash PE and tile: a step happens in cycle c when the window
   is complete (``depth`` rows present, or the job's last row present) and the pipeline is
   enabled; the scheduler (model/scheduler.py, per tile row for the tile) takes pairs from
   the window, and the queue drops min(AS, job_rows) rows at edge c (the tile: the smallest
   AS of its rows). The job ends on the step whose AS covers its last row. Dense PE: a step
   happens whenever a row is present and the pipeline is enabled; it takes the front row.
4. **Pipeline.** ``enable`` is low in a cycle where ``out_valid`` is high and ``out_ready``
   low (a result held by back-pressure): no step happens and the operand and result
   registers keep their values; the queue still accepts beats. A step in cycle c fills the
   operand registers at edge c; when enabled, the MAC stage consumes them at the next
   enabled edge; a job's last step puts its result in ``out_data`` with ``out_valid`` high
   one enabled edge after that. ``out_data`` keeps the last result when ``out_valid`` is low.
5. **Reset** (``rst`` high in cycle c, synchronous) empties the queue, drops the job being
   received and every result not yet presented, and clears ``out_valid``, ``out_data``,
   ``err`` and the accumulator at edge c. It wins over every other input.

With ``in_valid`` high in every cycle while beats remain and ``out_ready`` always high, these
rules give the closed forms of model/pe.py and model/tile.py: job j's result is presented in
cycle steps_0 + ... + steps_j + FIXED_LATENCY, counted from the first beat's cycle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

QUEUE_BEATS = 3          # queue capacity in beats of depth rows (tdash_stage_queue: CAP = 3*DEPTH)
ROOM_BEATS = 2           # in_ready while at most ROOM_BEATS*depth rows are queued
SAMPLE_FIELDS = ("rst", "in_valid", "in_ready", "out_valid", "out_ready", "err")
"""Bits 0..5 of a cycle's sample (:meth:`StagedPipeline.play`); bits 6.. hold the window's rows."""
WINDOW_SHIFT = len(SAMPLE_FIELDS)
MEMO_LIMIT = 1 << 18     # scheduler results remembered per model (cleared when full)


@dataclass
class Beat:
    """One input beat as the pipeline sees it: ``rows`` (the raw in_rows field, possibly
    bad), ``last``, per row the scheduler's pending state ``pend`` (a Z mask, a tuple of Z
    masks for a tile, None for the dense PE), and ``data``, what ``finish`` needs to compute
    the job's result."""

    rows: int
    last: bool
    pend: Sequence[Any]
    data: Any


@dataclass(frozen=True)
class Outputs:
    """A cycle's outputs: the DUT's ports and the rows present in the window."""

    in_ready: bool
    out_valid: bool
    out_data: int
    err: bool
    window_rows: int


class StagedPipeline:
    """The cycle-level model. ``step_window(pend)`` is the kind's scheduler: given the
    pending state of the current job's rows in the window (1..depth rows), it returns
    ``(pend_after, as_rows)``; None means the dense PE (one row per step). ``finish(beats)``
    computes the result of a job from its accepted good beats, in order."""

    def __init__(self, depth: int, step_window: Callable | None, finish: Callable[[list[Beat]], int]):
        self.depth = depth
        self.step_window = step_window
        self.finish = finish
        # step_window is a pure function of the window, so its answers are remembered (a dense
        # or a repeated job schedules the same windows again and again).
        self._memo: dict = {}
        # The C predictor's description of step_window (model/native.py): ("dense",) or
        # ("schedule", n, scheduler tables, per_row); set by model/pe.py and model/tile.py.
        self.native = None
        # Optional: finish() of many jobs at once, equal to [finish(j) for j in jobs] (the C
        # predictor computes every value after the run).
        self.finish_many: Callable | None = None
        self.reset()

    def reset(self) -> None:
        self.pend: list = []           # per queued row: its pending state
        self.last: list[bool] = []     # per queued row: last row of its job
        self.job: list[Beat] = []      # good beats of the job being received
        self.results: deque = deque()  # results of the queued jobs whose last row arrived
        self.op_valid = self.op_last = False
        self.op_result = 0
        self.out_valid = False
        self.out_data = 0
        self.err = False

    @property
    def in_ready(self) -> bool:
        return len(self.pend) <= ROOM_BEATS * self.depth

    @property
    def idle(self) -> bool:
        """Nothing queued, in flight or presented: every accepted job has come out."""
        return not (self.pend or self.job or self.op_valid or self.out_valid)

    def outputs(self) -> Outputs:
        return Outputs(self.in_ready, self.out_valid, self.out_data, self.err, min(len(self.pend), self.depth))

    def bad(self, beat: Beat) -> bool:
        return not 1 <= beat.rows <= self.depth

    def clock(self, rst: bool, in_valid: bool, beat: Beat | None, out_ready: bool) -> None:
        """Rising edge at the end of a cycle with these inputs."""
        if rst:
            self.reset()
            return
        push = in_valid and self.in_ready
        enable = not (self.out_valid and not out_ready)
        step, job_end, adv = self._window(enable)
        if enable:
            if self.op_valid and self.op_last:
                self.out_data = self.op_result
            self.out_valid = self.op_valid and self.op_last
            self.op_valid, self.op_last = step, job_end
            if job_end:
                self.op_result = self.results.popleft()
        del self.pend[:adv]
        del self.last[:adv]
        if push:
            self._push(beat)

    def _window(self, enable: bool) -> tuple[bool, bool, int]:
        """(step, job_end, rows popped) of this cycle; writes back the pending state."""
        depth, count = self.depth, len(self.pend)
        if self.step_window is None:                       # dense PE: the front row, if any
            step = count >= 1 and enable
            return step, step and self.last[0], int(step)
        job_rows, has_last = depth, False
        for r in range(min(depth, count)):
            if self.last[r]:
                job_rows, has_last = r + 1, True
                break
        if not ((count >= depth or has_last) and enable):
            return False, False, 0
        after, as_rows = self._schedule(self.pend[:job_rows])
        self.pend[:job_rows] = after
        return True, has_last and as_rows >= job_rows, min(as_rows, job_rows)

    def _schedule(self, window: list):
        key = tuple(window)
        hit = self._memo.get(key)
        if hit is None:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            hit = self._memo[key] = self.step_window(window)
        return hit

    def _push(self, beat: Beat) -> None:
        if self.bad(beat):
            self.err = True
            return
        self.pend.extend(beat.pend[:beat.rows])
        self.last.extend([False] * (beat.rows - 1) + [bool(beat.last)])
        self.job.append(beat)
        if beat.last:
            self.results.append(self.finish(self.job))
            self.job = []


@dataclass
class Played:
    """What :meth:`StagedPipeline.play` saw and did: per cycle a sample (:data:`SAMPLE_FIELDS`
    bits, the window's rows from bit :data:`WINDOW_SHIFT`), ``out_data`` at cycle 0 and at
    every change, every output handshake (cycle, value), and the resets it placed."""

    samples: np.ndarray
    changes: list
    results: list
    resets_placed: list = field(default_factory=list)

    @property
    def ncycles(self) -> int:
        return len(self.samples)


def _sample(o: Outputs, rst: bool, valid: bool, ready: bool) -> int:
    return (rst | valid << 1 | o.in_ready << 2 | o.out_valid << 3 | ready << 4 | o.err << 5
            | o.window_rows << WINDOW_SHIFT)


def play(model: StagedPipeline, beats: Sequence[Beat], rst: np.ndarray, bubble: np.ndarray, ready: np.ndarray,
         tail: int, reset_in: Sequence[tuple[str, Callable]] = (), reset_after: int = 0) -> Played:
    """Drive ``model`` with ``beats`` from an upstream that keeps a beat offered until it is
    taken (valid/ready) and starts offering a new one only in a cycle whose ``bubble`` is low;
    ``rst`` resets in its cycle and withdraws the offer; ``ready`` is the downstream's
    ``out_ready`` per cycle (the stream agents of tb/common/tdash_tb_stream.v).

    The run ends ``tail`` cycles after every beat has been accepted and the pipeline is empty;
    control arrays too short for that are an error. ``reset_in`` is a list of (name,
    predicate(outputs, model, cycle)): once the run is ``reset_after`` cycles old, the first
    cycle whose state matches a predicate not yet used gets a 1..2-cycle reset pulse (written
    into ``rst``, recorded in ``resets_placed``), until each has had one.

    Without ``reset_in`` the run takes model/native.py's C loop when the model describes its
    scheduler (``native``) and a C compiler is there, else :func:`_play_fast`: the same rules
    as :meth:`StagedPipeline.clock` with the state in local variables (model/tests/test_pipeline.py
    holds all three equal, cycle by cycle, on every kind of run).
    """
    if not reset_in:
        from . import native
        p = native.spec_plan(model, beats)
        if p is not None:
            return native.play(model, p, beats, rst, bubble, ready, tail)
        return _play_fast(model, beats, rst, bubble, ready, tail)
    return _play_literal(model, beats, rst, bubble, ready, tail, reset_in, reset_after)


def _play_literal(model: StagedPipeline, beats, rst, bubble, ready, tail: int, reset_in=(), reset_after: int = 0) -> Played:
    """:func:`play` cycle by cycle through :meth:`StagedPipeline.outputs` and :meth:`StagedPipeline.clock`."""
    n, cycles = len(beats), len(rst)
    samples = np.zeros(cycles, dtype=np.uint8)
    changes, results, placed = [], [], []
    todo = list(reset_in)
    idx, holding, prev, end = 0, False, None, None
    for c in range(cycles):
        o = model.outputs()
        if todo and c >= reset_after and not rst[c]:
            hit = next((k for k, (_, pred) in enumerate(todo) if pred(o, model, c)), None)
            if hit is not None:
                placed.append((todo.pop(hit)[0], c))
                rst[c:c + 1 + (c % 2)] = True
        r = bool(rst[c])
        valid = idx < n and not r and (holding or not bubble[c])
        rdy = bool(ready[c])
        samples[c] = _sample(o, r, valid, rdy)
        if o.out_data != prev:
            changes.append((c, o.out_data))
            prev = o.out_data
        if o.out_valid and rdy and not r:
            results.append((c, o.out_data))
        accepted = valid and o.in_ready
        model.clock(r, valid, beats[idx] if valid else None, rdy)
        if accepted:
            idx, holding = idx + 1, False
        else:
            holding = valid
        if end is None and idx == n and model.idle and not todo:
            end = c + tail
        if end is not None and c >= end:
            return Played(samples[:c + 1], changes, results, placed)
    raise _too_short(cycles, idx, n, results, [name for name, _ in todo])


def _too_short(cycles: int, idx: int, n: int, results: list, todo: list) -> RuntimeError:
    return RuntimeError(f"the control pattern ({cycles} cycles) ended before the run did: "
                        f"{idx} of {n} beats accepted, {len(results)} results"
                        + (f", resets still to place: {todo}" if todo else ""))


def _play_fast(m: StagedPipeline, beats: Sequence[Beat], rst, bubble, ready, tail: int) -> Played:
    """:func:`play` without reset placement: rules 1-5 of the module docstring, inlined."""
    depth, room, finish, step_window = m.depth, ROOM_BEATS * m.depth, m.finish, m.step_window
    schedule = m._schedule
    pend, last, job, queued = m.pend, m.last, m.job, m.results
    op_valid, op_last, op_result = m.op_valid, m.op_last, m.op_result
    out_valid, out_data, err = m.out_valid, m.out_data, m.err
    n, cycles = len(beats), len(rst)
    samples = bytearray(cycles)
    changes, results = [], []
    idx, holding, prev, end = 0, False, None, None
    rst_l, bubble_l, ready_l = rst.tolist(), bubble.tolist(), ready.tolist()
    c = -1
    for c in range(cycles):
        count = len(pend)
        in_ready = count <= room
        r = rst_l[c]
        valid = idx < n and not r and (holding or not bubble_l[c])
        rdy = ready_l[c]
        samples[c] = (r | valid << 1 | in_ready << 2 | out_valid << 3 | rdy << 4 | err << 5
                      | (count if count < depth else depth) << WINDOW_SHIFT)
        if out_data != prev:
            changes.append((c, out_data))
            prev = out_data
        if out_valid and rdy and not r:
            results.append((c, out_data))
        accepted = valid and in_ready
        if r:                                                   # rule 5
            pend, last, job, queued = [], [], [], deque()
            op_valid = op_last = out_valid = err = False
            op_result = out_data = 0
        else:
            enable = rdy or not out_valid                        # rule 4
            step = job_end = False
            adv = 0
            if enable and count:                                 # rule 3
                if step_window is None:
                    step, job_end, adv = True, last[0], 1
                else:
                    lim = count if count < depth else depth
                    has_last = True in last[:lim]
                    job_rows = last.index(True, 0, lim) + 1 if has_last else depth
                    if count >= depth or has_last:
                        after, as_rows = schedule(pend[:job_rows])
                        pend[:job_rows] = after
                        step = True
                        job_end = has_last and as_rows >= job_rows
                        adv = as_rows if as_rows < job_rows else job_rows
            if enable:
                if op_valid and op_last:
                    out_data = op_result
                out_valid = op_valid and op_last
                op_valid, op_last = step, job_end
                if job_end:
                    op_result = queued.popleft()
            if adv:
                del pend[:adv]
                del last[:adv]
            if accepted:                                         # rules 1, 2
                beat = beats[idx]
                rows = beat.rows
                if not 1 <= rows <= depth:
                    err = True
                else:
                    pend.extend(beat.pend[:rows])
                    last.extend([False] * (rows - 1) + [bool(beat.last)])
                    job.append(beat)
                    if beat.last:
                        queued.append(finish(job))
                        job = []
        if accepted:
            idx, holding = idx + 1, False
        else:
            holding = valid
        if end is None and idx == n and not (pend or job or op_valid or out_valid):
            end = c + tail
        if end is not None and c >= end:
            break
    else:
        raise _too_short(cycles, idx, n, results, [])
    m.pend, m.last, m.job, m.results = pend, last, job, queued
    m.op_valid, m.op_last, m.op_result = op_valid, op_last, op_result
    m.out_valid, m.out_data, m.err = out_valid, out_data, err
    return Played(np.frombuffer(bytes(samples[:c + 1]), dtype=np.uint8), changes, results)
