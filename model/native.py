"""The benches' predictor in C: model/pipeline_native.c, compiled once per machine.

:func:`model.pipeline.play` is the predictor every HDL-agent bench calls: per simulated cycle
it runs the staging queue, the window control and the scheduler. In Python that costs
7-10 us per cycle for a PE and far more for a tile (one schedule per PE row and window),
several times the simulator's own cost. pipeline_native.c is the same loop (rules 1-5 of
model/pipeline.py, the scheduler step of model/scheduler.py ``stepper``, on the same tables)
and leaves the results to Python: each job gets an id, its value is the model's own
``finish`` of the job's beats, computed here after the run.

model/tests/test_pipeline.py holds :func:`play` equal to the literal
``outputs()``/``clock()`` loop on every kind of run (bubbles, back-pressure, resets, bad
beats, state carried over from an earlier run). Without a C compiler, or with
``TDASH_NATIVE=0``, :func:`available` is False and model/pipeline.py plays in Python.

The shared object goes to ``sim_build/.native/`` beside the repository (``TDASH_NATIVE_DIR``
overrides), named by the hash of the source, written to a temporary name and renamed, so
parallel test workers never load half a file.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).resolve().with_name("pipeline_native.c")
_lib = None
_failed: str | None = None

MAX_DEPTH, MAX_STREAMS, MAX_OPTS, MAX_LEVELS, MAX_QUEUE = 8, 16, 16, 64, 32


class Plan(ctypes.Structure):
    _fields_ = [("depth", ctypes.c_int32), ("kind", ctypes.c_int32), ("n", ctypes.c_int32),
                ("streams", ctypes.c_int32), ("nlevels", ctypes.c_int32), ("nopt", ctypes.c_int32),
                ("full", ctypes.c_uint64), ("level_mask", ctypes.c_uint64 * MAX_LEVELS),
                ("opt_row", ctypes.c_int32 * MAX_OPTS), ("opt_shift", ctypes.c_int32 * MAX_OPTS)]


class State(ctypes.Structure):
    _fields_ = [("count", ctypes.c_int32), ("pend", ctypes.c_uint64 * (MAX_QUEUE * MAX_STREAMS)),
                ("last", ctypes.c_uint8 * MAX_QUEUE), ("src", ctypes.c_int64 * MAX_QUEUE),
                ("job_len", ctypes.c_int32), ("carry", ctypes.c_int32), ("qlen", ctypes.c_int32),
                ("queue", ctypes.c_int64 * MAX_QUEUE),
                ("op_valid", ctypes.c_int32), ("op_last", ctypes.c_int32), ("out_valid", ctypes.c_int32),
                ("err", ctypes.c_int32), ("op_result", ctypes.c_int64), ("out_data", ctypes.c_int64)]


def _cache_dir() -> Path:
    env = os.environ.get("TDASH_NATIVE_DIR")
    return Path(env) if env else SOURCE.parents[1] / "sim_build" / ".native"


def _compiler() -> str | None:
    for cc in (os.environ.get("CC"), "cc", "gcc", "g++"):
        if cc and shutil.which(cc):
            return cc
    return None


def _load():
    global _lib, _failed
    if _lib is not None or _failed is not None:
        return _lib
    if os.environ.get("TDASH_NATIVE", "1") == "0":
        _failed = "TDASH_NATIVE=0"
        return None
    text = SOURCE.read_bytes()
    so = _cache_dir() / f"pipeline_{hashlib.sha256(text).hexdigest()[:16]}.so"
    try:
        if not so.exists():
            cc = _compiler()
            if cc is None:
                raise OSError("no C compiler (cc, gcc or g++) on PATH")
            so.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(suffix=".so", dir=so.parent)
            os.close(fd)
            run = subprocess.run([cc, "-O2", "-shared", "-fPIC", "-x", "c" if not cc.endswith("++") else "c++",
                                  str(SOURCE), "-o", tmp], capture_output=True, text=True)
            if run.returncode:
                os.unlink(tmp)
                raise OSError(f"{cc} failed: {run.stderr.strip()[:500]}")
            os.replace(tmp, so)
        lib = ctypes.CDLL(str(so))
        limits = tuple(lib.limits(k) for k in range(6))
        if limits != (MAX_DEPTH, MAX_STREAMS, MAX_OPTS, MAX_LEVELS, MAX_QUEUE, ctypes.sizeof(State)):
            raise OSError(f"model/pipeline_native.c and model/native.py disagree on the limits: {limits}")
        lib.play.restype = ctypes.c_int64
        _lib = lib
    except OSError as exc:
        _failed = str(exc)
    return _lib


def available() -> bool:
    """True when the C predictor is built and loaded."""
    return _load() is not None


def why_not() -> str | None:
    """Why :func:`available` is False (None when it is True)."""
    _load()
    return _failed


def plan(depth: int, kind: str, n: int = 0, streams: int = 1, tables=None) -> Plan | None:
    """The C form of a cycle model's scheduler: ``kind`` "dense" (one row per step) or
    "schedule" with ``tables`` = model.scheduler._tables(depth, n, order) and ``streams``
    pending masks per queued row (1 for a PE, ROWS for a tile). None when a limit is exceeded
    (the model then plays in Python)."""
    p = Plan()
    p.depth, p.kind = depth, 1 if kind == "dense" else 0
    if depth > MAX_DEPTH:
        return None
    if kind == "dense":
        return p
    level_masks, opts, full = tables
    if len(level_masks) > MAX_LEVELS or len(opts) > MAX_OPTS or streams > MAX_STREAMS or n > 64:
        return None
    p.n, p.streams, p.nlevels, p.nopt, p.full = n, streams, len(level_masks), len(opts), full
    for k, m in enumerate(level_masks):
        p.level_mask[k] = m
    for k, (row, shift) in enumerate(opts):
        p.opt_row[k], p.opt_shift[k] = row, shift
    return p


def _ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.c_void_p)


def spec_plan(m, beats) -> Plan | None:
    """The :class:`Plan` of StagedPipeline ``m`` (its ``native`` spec: ("dense",) or
    ("schedule", n, tables, per_row)); None if it has none, exceeds a limit, or the C
    predictor is not available. ``per_row`` (a tile): the number of PE rows is read off the
    pending state of the first queued or good row."""
    spec = getattr(m, "native", None)
    if spec is None or not available() or len(m.pend) > MAX_QUEUE or len(m.results) > MAX_QUEUE:
        return None
    if spec[0] == "dense":
        return plan(m.depth, "dense")
    _, n, tables, per_row = spec
    streams = 1
    if per_row:
        row = m.pend[0] if m.pend else next((b.pend[0] for b in beats if 1 <= b.rows <= m.depth), None)
        streams = len(row) if row is not None else 1
    return plan(m.depth, "schedule", n, streams, tables)


def play(m, p: Plan, beats, rst, bubble, ready, tail: int):
    """model.pipeline.play without reset placement, in C: returns the same Played, and
    leaves ``m`` (a StagedPipeline) in the state the Python loop would leave it in."""
    from .pipeline import Played, _too_short

    lib = _load()
    depth, R = m.depth, (p.streams if p.kind == 0 else 0)
    nb = len(beats)
    # Beats: rows field, last flag, and (schedulers) the pending masks of the good rows.
    rows = np.fromiter((b.rows for b in beats), dtype=np.int32, count=nb)
    last = np.fromiter((bool(b.last) for b in beats), dtype=np.uint8, count=nb)
    good = (rows >= 1) & (rows <= depth)
    offs = np.zeros(nb, dtype=np.int64)
    if R:
        per = np.where(good, rows, 0).astype(np.int64) * R
        offs[1:] = np.cumsum(per)[:-1]
        flat = []
        if R == 1:
            for b, g, r in zip(beats, good.tolist(), rows.tolist()):
                if g:
                    flat.extend(b.pend[:r])
        else:
            for b, g, r in zip(beats, good.tolist(), rows.tolist()):
                if g:
                    for row in b.pend[:r]:
                        flat.extend(row)
        pend_flat = np.array(flat, dtype=np.uint64) if flat else np.zeros(1, dtype=np.uint64)
    else:
        pend_flat = np.zeros(1, dtype=np.uint64)
    # State in: ids 0 (the value 0), 1 (out_data), 2 (op_result), 3.. (queued results).
    values = [0, m.out_data, m.op_result, *m.results]
    s = State()
    s.count = len(m.pend)
    for k, row in enumerate(m.pend):
        if R == 1:
            s.pend[k] = row
        elif R:
            for q in range(R):
                s.pend[k * R + q] = row[q]
        s.last[k] = bool(m.last[k])
        s.src[k] = -1 - k
    s.job_len, s.carry, s.qlen = len(m.job), int(bool(m.job)), len(m.results)
    for k in range(len(m.results)):
        s.queue[k] = 3 + k
    s.op_valid, s.op_last, s.out_valid, s.err = int(m.op_valid), int(m.op_last), int(m.out_valid), int(m.err)
    s.op_result, s.out_data = 2, 1
    first_id = len(values)

    cycles = len(rst)
    u8 = [np.ascontiguousarray(x, dtype=np.uint8) for x in (rst, bubble, ready)]
    samples = np.zeros(cycles, dtype=np.uint8)
    out_id = np.zeros(cycles, dtype=np.int64)
    job_beats = np.zeros(max(nb, 1), dtype=np.int64)
    job_off = np.zeros(nb + 2, dtype=np.int64)
    job_cont = np.zeros(max(nb, 1), dtype=np.uint8)
    cur = np.zeros(max(nb, 1), dtype=np.int64)
    njobs, ncur = ctypes.c_int64(0), ctypes.c_int64(0)
    got = lib.play(ctypes.byref(p), ctypes.byref(s), ctypes.c_int64(nb), _ptr(rows), _ptr(last), _ptr(offs),
                   _ptr(pend_flat), ctypes.c_int64(cycles), _ptr(u8[0]), _ptr(u8[1]), _ptr(u8[2]),
                   ctypes.c_int64(tail), _ptr(samples), _ptr(out_id), ctypes.c_int64(first_id),
                   _ptr(job_beats), _ptr(job_off), _ptr(job_cont), ctypes.byref(njobs), _ptr(cur), ctypes.byref(ncur))
    # Values, in the order the Python loop computes them (finish is a pure function).
    offsets = job_off[:njobs.value + 1].tolist()
    members = job_beats[:offsets[-1]].tolist()
    carried = list(m.job)
    jobs = []
    for j in range(njobs.value):
        job = [beats[i] for i in members[offsets[j]:offsets[j + 1]]]
        jobs.append(carried + job if job_cont[j] else job)
    many = getattr(m, "finish_many", None)        # all jobs at once (floating point: one accumulator loop)
    values += many(jobs) if many is not None else [m.finish(job) for job in jobs]
    if got < 0:
        idx = -1 - got
        results = _results(samples, out_id, values, cycles)
        raise _too_short(cycles, idx, nb, results, [])
    end = int(got)
    samples, out_id = samples[:end], out_id[:end]
    # out_data changes: where the id changes and the value with it (cycle 0 always).
    changes = []
    prev = None
    for c in [0, *(np.flatnonzero(out_id[1:] != out_id[:-1]) + 1).tolist()]:
        v = values[out_id[c]]
        if v != prev:
            changes.append((c, v))
            prev = v
    results = _results(samples, out_id, values, end)
    # State out.
    cur_beats = [beats[i] for i in cur[:ncur.value].tolist()]
    m.job = (carried if s.carry else []) + cur_beats
    pend_in = m.pend
    new_pend = []
    for k in range(s.count):
        if R == 0:
            src = s.src[k]
            new_pend.append(pend_in[-1 - src] if src < 0 else beats[src // MAX_DEPTH].pend[src % MAX_DEPTH])
        elif R == 1:
            new_pend.append(int(s.pend[k]))
        else:
            new_pend.append(tuple(int(s.pend[k * R + q]) for q in range(R)))
    m.pend = new_pend
    m.last = [bool(s.last[k]) for k in range(s.count)]
    from collections import deque
    m.results = deque(values[s.queue[k]] for k in range(s.qlen))
    m.op_valid, m.op_last, m.out_valid, m.err = bool(s.op_valid), bool(s.op_last), bool(s.out_valid), bool(s.err)
    m.op_result, m.out_data = values[s.op_result], values[s.out_data]
    return Played(samples, changes, results)


def _results(samples: np.ndarray, out_id: np.ndarray, values: list, end: int) -> list:
    """(cycle, out_data) of every output handshake: out_valid and out_ready, not in reset."""
    s = samples[:end]
    hits = np.flatnonzero(((s >> 3) & 1) & ((s >> 4) & 1) & (1 - (s & 1)))
    return [(int(c), values[out_id[c]]) for c in hits.tolist()]
