"""Cycle-stepped valid/ready drivers for cocotb testbenches.

One coroutine, :func:`run_cycles`, owns the clock. Every cycle, at the falling edge, each
agent *drives* its inputs (valid and data, or ready); then, in the ReadOnly phase of the same
time step -- after cocotb has applied every write (it queues them until the ReadWrite phase)
and the DUT's combinational logic has settled -- each agent *samples* the handshake. A
handshake seen in cycle c completes at the rising edge that ends c. Sampling after all
drives is what makes combinational ready paths (e.g. in_ready = !out_valid || out_ready) safe.
"""

from __future__ import annotations

from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge
from cocotb_bus.bus import Bus


def stream_bus(dut, prefix: str, fields, optional=()) -> Bus:
    """One valid/ready interface of ``dut`` bound by name with cocotb-bus's ``Bus`` (as
    cocotbext-axi binds its interfaces): ``<prefix>_valid``, ``<prefix>_ready`` and the payload
    ``<prefix>_<field>`` for each of ``fields`` (and ``optional`` ones where the DUT has them).
    Only the binding comes from cocotb-bus (unmaintained, cocotb-bus issue #117); the
    per-cycle work is this module's."""
    return Bus(dut, prefix, ["valid", "ready", *fields], optional_signals=list(optional))


def bus_writer(bus: Bus, fields):
    """An ``apply`` for :class:`Source`: item = the payload values in ``fields`` order."""
    handles = [getattr(bus, name) for name in fields]

    def apply(item) -> None:
        for handle, value in zip(handles, item):
            handle.value = value
    return apply


def _stalls(rate, rng, cycle: int) -> bool:
    """A stall pattern is a probability per cycle (drawn from ``rng``) or a function of the
    cycle number (a deterministic pattern, e.g. every other cycle)."""
    if callable(rate):
        return bool(rate(cycle))
    return bool(rate) and rng.random() < rate


class Source:
    """Drives items on a valid/ready input: ``apply(item)`` puts an item's fields on the bus.

    ``bubble`` is the probability that the source is idle in a cycle in which it could
    present a new item (upstream bubbles), or a function cycle -> idle; 0 gives a source
    that always has data. ``idle_cycles`` records the cycles it held data back.
    """

    def __init__(self, dut, valid, ready, items, apply, rng=None, bubble: float = 0.0):
        self.valid, self.ready = valid, ready
        self.items = list(items)
        self.apply = apply
        self.rng, self.bubble = rng, bubble
        self.index = 0          # next item to present
        self.presenting = False
        self.accepted_cycles: list[int] = []
        self.idle_cycles: list[int] = []

    @property
    def done(self) -> bool:
        return self.index >= len(self.items) and not self.presenting

    def drive(self, cycle: int) -> None:
        if not self.presenting:
            if self.index < len(self.items) and not _stalls(self.bubble, self.rng, cycle):
                self.apply(self.items[self.index])
                self.valid.value = 1
                self.presenting = True
            else:
                self.valid.value = 0
                if self.index < len(self.items):
                    self.idle_cycles.append(cycle)

    def sample(self, cycle: int) -> None:
        if self.presenting and self.ready.value:
            self.accepted_cycles.append(cycle)  # handshake at the end of this cycle
            self.index += 1
            self.presenting = False


class Sink:
    """Accepts items from a valid/ready output; ``read()`` samples the data fields.

    ``stall`` is the probability that ready is low in a cycle (downstream back-pressure), or
    a function cycle -> ready low. ``blocked_cycles`` records the cycles ready was low.
    """

    def __init__(self, dut, valid, ready, read, rng=None, stall: float = 0.0):
        self.valid, self.ready, self.read = valid, ready, read
        self.rng, self.stall = rng, stall
        self.items: list = []
        self.cycles: list[int] = []
        self.ready_now = True
        self.blocked_cycles: list[int] = []

    def drive(self, cycle: int) -> None:
        self.ready_now = not _stalls(self.stall, self.rng, cycle)
        self.ready.value = int(self.ready_now)
        if not self.ready_now:
            self.blocked_cycles.append(cycle)

    def sample(self, cycle: int) -> None:
        if self.ready_now and self.valid.value:
            self.items.append(self.read())
            self.cycles.append(cycle)


async def start(dut, period_ns: int = 10) -> None:
    """Start dut.clk, hold the stream inputs idle and reset the DUT."""
    Clock(dut.clk, period_ns, unit="ns").start()
    dut.in_valid.value = 0
    dut.out_ready.value = 0
    await reset(dut)


OUTPUT_PORTS = ("out_valid", "out_data", "out_rows", "out_last", "out_word")


async def reset(dut, cycles: int = 3) -> None:
    """Synchronous active-high reset on dut.rst for a few cycles; returns at a falling edge.
    Starts at a falling edge, so it may follow a cycle loop that ended in ReadOnly.

    Checks the blocks' reset contract on the way: after every reset edge each output port
    (out_valid and its payload) reads 0 -- no result can appear out of a reset, and
    downstream logic sees a defined payload.
    """
    await FallingEdge(dut.clk)
    dut.in_valid.value = 0
    dut.rst.value = 1
    outputs = [name for name in OUTPUT_PORTS if hasattr(dut, name)]
    for k in range(cycles):
        await RisingEdge(dut.clk)
        await ReadOnly()
        for name in outputs:
            value = str(getattr(dut, name).value)   # a bit or a vector; X/Z are not 0
            assert set(value) == {"0"}, (
                f"{name} = {value} after reset edge {k + 1}: every output must read 0 while rst is high")
    await FallingEdge(dut.clk)
    dut.rst.value = 0


async def run_cycles(dut, agents, until, max_cycles: int, status=lambda: "") -> int:
    """Tick ``agents`` once per cycle until ``until()`` holds; returns the cycles simulated.

    Fails (AssertionError, with ``status()`` in the message) after ``max_cycles`` so a hung
    DUT cannot hang the regression.
    """
    cycle = 0
    while not until():
        assert cycle < max_cycles, f"timeout after {max_cycles} cycles: {status()}"
        await tick(dut, agents, cycle)
        cycle += 1
    return cycle


async def tick(dut, agents, cycle: int) -> None:
    """One cycle: every agent drives at the falling edge, then samples once values settle."""
    await FallingEdge(dut.clk)
    for agent in agents:
        agent.drive(cycle)
    await ReadOnly()
    for agent in agents:
        agent.sample(cycle)


async def stream_through(dut, beats, apply, read, n_results: int, rng=None, bubble=0.0, stall=0.0,
                         expected_cycles: int | None = None, trace: dict | None = None):
    """Drive pre-encoded ``beats`` into dut.in_valid/in_ready with ``apply`` and collect
    ``n_results`` items from dut.out_valid/out_ready with ``read``; then keep accepting for a
    few cycles so that an extra (duplicated) result would be caught.

    Returns (results, result cycles counted from the cycle the first beat was accepted,
    cycles simulated). The cycle budget is ``expected_cycles`` (the no-stall cycle count, by
    default 4 per beat) scaled up for the stall probabilities; running out of it fails with
    what was received so far. ``bubble`` and ``stall`` are probabilities or patterns (see
    :class:`Source`, :class:`Sink`). If ``trace`` is a dict it receives, in absolute cycles,
    ``accepted`` (each beat's handshake), ``results`` (each result's) and ``stalls`` (every
    cycle with an upstream bubble or back-pressure), for per-job coverage.
    """
    src = Source(dut, dut.in_valid, dut.in_ready, beats, apply, rng, bubble)
    sink = Sink(dut, dut.out_valid, dut.out_ready, read, rng, stall)
    base = expected_cycles if expected_cycles is not None else 4 * len(src.items)
    rate = lambda r: 0.5 if callable(r) else r  # noqa: E731 -- patterns: budget as for 50%
    budget = int(base * (1 + 4 * rate(bubble)) / max(1e-3, 1 - rate(stall))) + 1000
    cycles = await run_cycles(
        dut, [src, sink], lambda: len(sink.items) >= n_results and src.done, budget,
        lambda: f"{len(sink.items)} of {n_results} results out, {src.index} of {len(src.items)} beats accepted")
    for _ in range(8):  # the source, out of items, now holds valid low
        await tick(dut, [src, sink], -1)
    first = src.accepted_cycles[0]
    if trace is not None:
        trace.update(accepted=list(src.accepted_cycles), results=list(sink.cycles),
                     stalls=sorted(set(src.idle_cycles) | set(sink.blocked_cycles)))
    return sink.items, [c - first for c in sink.cycles], cycles
