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
from dataclasses import dataclass
from typing import Any, Callable, Sequence

QUEUE_BEATS = 3          # queue capacity in beats of depth rows (tdash_stage_queue: CAP = 3*DEPTH)
ROOM_BEATS = 2           # in_ready while at most ROOM_BEATS*depth rows are queued


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
        after, as_rows = self.step_window(self.pend[:job_rows])
        self.pend[:job_rows] = after
        return True, has_last and as_rows >= job_rows, min(as_rows, job_rows)

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
