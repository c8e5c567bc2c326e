"""Random floating-point operands (raw bit patterns) for the FP unit and PE testbenches.

:func:`operand_pairs` mixes classes that exercise every path of rtl/tdash_fmul.v and
rtl/tdash_fadd.v: the specials crossed with each other, uniform bit patterns (NaN, Inf and
subnormals included), operands whose product or sum lands at the edges of the exponent range,
near-cancelling sums over every alignment distance, and significands with few set bits, whose
products and sums hit exact rounding ties.
"""

from __future__ import annotations

import numpy as np

from model import fp as FP



def pack(sign, exp, frac, fmt: str) -> np.ndarray:
    """(sign, biased exponent, fraction) arrays -> raw ``fmt`` operands."""
    mw = FP.FORMATS[fmt] - 9   # fraction bits: width - sign - 8 exponent bits
    dtype = FP.FORMAT_DTYPES[fmt]
    return ((np.asarray(sign, np.uint64) << (mw + 8)) | (np.asarray(exp, np.uint64) << mw)
            | np.asarray(frac, np.uint64)).astype(dtype)


def specials(fmt: str) -> np.ndarray:
    """Both signs of: 0, smallest and largest subnormal, smallest normal, 1, 1.5, largest
    normal, Inf, quiet NaN, signalling NaN."""
    mw = FP.FORMATS[fmt] - 9   # fraction bits: width - sign - 8 exponent bits
    top = (1 << mw) - 1
    mags = [(0, 0), (0, 1), (0, top), (1, 0), (127, 0), (127, 1 << (mw - 1)), (254, top), (255, 0),
            (255, 1 << (mw - 1)), (255, 1)]
    out = [pack(s, e, f, fmt) for s in (0, 1) for e, f in mags]
    return np.array(out, dtype=out[0].dtype)


def _normals(rng, size, fmt, exp_lo=1, exp_hi=254, sparse_frac=False):
    mw = FP.FORMATS[fmt] - 9   # fraction bits: width - sign - 8 exponent bits
    frac = rng.integers(0, 1 << mw, size=size, dtype=np.uint64)
    if sparse_frac:   # only the top 1..3 fraction bits random: short significands, exact ties
        keep = rng.integers(1, 4, size=size).astype(np.uint64)
        frac = (frac >> (np.uint64(mw) - keep)) << (np.uint64(mw) - keep)
    return pack(rng.integers(0, 2, size=size), rng.integers(exp_lo, exp_hi + 1, size=size), frac, fmt)


def operand_pairs(rng: np.random.Generator, fmt: str, count: int, op: str) -> tuple[np.ndarray, np.ndarray]:
    """``count`` random (a, b) operand pairs (plus the specials crossed, always) for ``op``
    ('mul' or 'add'; 'add' is binary32 only)."""
    sp = specials(fmt)
    a_sp, b_sp = np.repeat(sp, sp.size), np.tile(sp, sp.size)
    part = max(count // 5, 1)
    mw = FP.FORMATS[fmt] - 9   # fraction bits: width - sign - 8 exponent bits
    blocks_a, blocks_b = [a_sp], [b_sp]
    # Uniform bit patterns.
    dtype = FP.FORMAT_DTYPES[fmt]
    blocks_a.append(rng.integers(0, 1 << (mw + 9), size=part, dtype=np.uint64).astype(dtype))
    blocks_b.append(rng.integers(0, 1 << (mw + 9), size=part, dtype=np.uint64).astype(dtype))
    # A full significand against a short one (1..3 fraction bits): the exact product or sum
    # needs only a few bits more than 24, so rounding ties (guard set, sticky clear) are common.
    blocks_a.append(_normals(rng, part, fmt, 100, 154))
    blocks_b.append(_normals(rng, part, fmt, 100, 154, sparse_frac=True))
    if op == "mul" and fmt == "fp32":
        # Exact products (2**25 - 1) * 2**-151 (a tie that rounds up to 2**-126) and
        # (2**26 - 3) * 2**-152 (flushed, where IEEE subnormal rounding would give 2**-126).
        edge = np.array([18631 * 2.0 ** -75, 1801 * 2.0 ** -76, 12913 * 2.0 ** -76, 5197 * 2.0 ** -76],
                        dtype=np.float32).view(np.uint32)
        blocks_a.append(edge[0::2])
        blocks_b.append(edge[1::2])
    if op == "mul":
        # Products at the edges of the range: ea + eb - 127 near 0 (underflow) and 254 (overflow).
        for target in (0, 254):
            ea = rng.integers(1, 255, size=part)
            eb = np.clip(target + 127 - ea + rng.integers(-2, 3, size=part), 1, 254)
            blocks_a.append(pack(rng.integers(0, 2, part), ea, rng.integers(0, 1 << mw, part, dtype=np.uint64), fmt))
            blocks_b.append(pack(rng.integers(0, 2, part), eb, rng.integers(0, 1 << mw, part, dtype=np.uint64), fmt))
    else:
        # Alignment distances 0..30 with both signs (cancellation when close), and sums near
        # 2**-126 (flush) and 2**128 (overflow).
        x = _normals(rng, part, fmt, 2, 253)
        dist = rng.integers(0, 31, size=part)
        ey = np.clip(((x.astype(np.int64) >> 23) & 0xFF) - dist, 1, 254)
        y = pack(rng.integers(0, 2, part), ey, rng.integers(0, 1 << 23, part, dtype=np.uint64), fmt)
        blocks_a += [x, _normals(rng, part, fmt, 1, 3), _normals(rng, part, fmt, 252, 254)]
        blocks_b += [y, _normals(rng, part, fmt, 1, 3), _normals(rng, part, fmt, 252, 254)]
    return np.concatenate(blocks_a), np.concatenate(blocks_b)


async def check_unit(dut, out, a: np.ndarray, b: np.ndarray, want: np.ndarray, label: str) -> None:
    """Apply every (a, b) to the combinational unit's ``a``/``b`` inputs and compare ``out``
    bit for bit with ``want`` (the model); reports the first mismatches with their operands."""
    from cocotb.triggers import Timer

    bad = []
    for x, y, w in zip(a.tolist(), b.tolist(), want.tolist()):
        dut.a.value = x
        dut.b.value = y
        await Timer(1, unit="ns")
        got = out.value.to_unsigned()
        if got != w:
            bad.append(f"a={x:#x} b={y:#x}: RTL {got:#010x}, model {w:#010x}")
    assert not bad, f"{label}: {len(bad)} of {len(want)} results differ from model/fp.py:\n  " + "\n  ".join(bad[:8])
    dut._log.info("%s: %d results equal to model/fp.py bit for bit", label, len(want))
