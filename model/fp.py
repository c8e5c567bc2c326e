"""Bit-exact model of the floating-point arithmetic of the BF16 and FP32 datapaths
(rtl/tdash_fmul.v, rtl/tdash_fadd.v, rtl/tdash_fadd_tree.v; issue 10).

Values travel as raw bit patterns in unsigned integer arrays (uint16 for bfloat16, uint32 for
binary32), never as Python floats, so NaN payloads and signed zeros are compared exactly.
Everything is vectorised over arrays of any shape.

Numerics (the same sentences head the RTL files):

* subnormal inputs are zero (DAZ); results below 2**-126 become zeros of their sign (FTZ);
* round to nearest, ties to even;
* any NaN result is the canonical quiet NaN 0x7fc00000; Inf x 0 and Inf - Inf are NaN;
* a product is rounded to 24 significant bits with an unbounded exponent, and flushed if that
  rounded value is below 2**-126 ("tininess after rounding" without subnormals);
* a sum is IEEE's (numpy float32, which rounds to nearest even), then flushed: a sum of normal
  numbers below 2**-126 is exact, so "flush after" equals the hardware's FTZ.

Products are exact in float64 (24 x 24 significant bits < 53), which is how :func:`fmul` gets
the exact value before the one rounding.
"""

from __future__ import annotations

import numpy as np

FORMATS = {"bf16": 16, "fp32": 32}
"""Floating-point operand formats and their widths (bits)."""
FORMAT_DTYPES = {"bf16": np.uint16, "fp32": np.uint32}

CANONICAL_NAN = np.uint32(0x7FC00000)
MIN_NORMAL = np.float32(2.0 ** -126)
_SIGN, _EXP, _FRAC = np.uint32(0x80000000), np.uint32(0x7F800000), np.uint32(0x007FFFFF)


def to_f32_bits(x, fmt: str) -> np.ndarray:
    """Raw operands of ``fmt`` -> binary32 bit patterns (bfloat16 is binary32's top half)."""
    x = np.asarray(x)
    if fmt == "bf16":
        return x.astype(np.uint32) << np.uint32(16)
    if fmt == "fp32":
        return x.astype(np.uint32)
    raise ValueError(f"unknown floating-point format {fmt!r} (known: {', '.join(FORMATS)})")


def bits_to_float(bits) -> np.ndarray:
    return np.asarray(bits, dtype=np.uint32).view(np.float32)


def float_to_bits(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def from_float(x, fmt: str) -> np.ndarray:
    """float32 values -> raw ``fmt`` operands (bfloat16: round to nearest even; NaN stays NaN)."""
    bits = float_to_bits(np.asarray(x, dtype=np.float32))
    if fmt == "fp32":
        return bits.copy()
    if fmt != "bf16":
        raise ValueError(f"unknown floating-point format {fmt!r} (known: {', '.join(FORMATS)})")
    nan = (bits & ~_SIGN) > _EXP
    rounded = (bits.astype(np.uint64) + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return np.where(nan, (bits >> 16) | 0x40, rounded).astype(np.uint16)


def is_zero(x, fmt: str) -> np.ndarray:
    """Zero or subnormal (read as zero, DAZ): exponent field 0. Same as rtl/tdash_nonzero.v."""
    return (to_f32_bits(x, fmt) & _EXP) == 0


def is_special(x, fmt: str) -> np.ndarray:
    """Inf or NaN: exponent field all ones."""
    return (to_f32_bits(x, fmt) & _EXP) == _EXP


def to_float64(x, fmt: str) -> np.ndarray:
    """Raw ``fmt`` operands -> the float64 values the multiplier sees (subnormals read as zero):
    exact, so products of two of them are exact too."""
    with np.errstate(invalid="ignore"):   # signalling NaNs
        return bits_to_float(_daz(to_f32_bits(x, fmt))).astype(np.float64)


def _daz(bits: np.ndarray) -> np.ndarray:
    """Subnormals -> zeros of their sign."""
    return np.where((bits & _EXP) == 0, bits & _SIGN, bits)


def _finish(f: np.ndarray) -> np.ndarray:
    """float32 results -> bits, flushed (FTZ) and with NaNs made canonical."""
    bits = float_to_bits(f)
    bits = np.where((bits & _EXP) == 0, bits & _SIGN, bits)
    return np.where(np.isnan(f), CANONICAL_NAN, bits).astype(np.uint32)


def fmul(a, b, fmt: str) -> np.ndarray:
    """rtl/tdash_fmul.v: raw ``fmt`` operands -> binary32 product bits."""
    fa, fb = to_float64(a, fmt), to_float64(b, fmt)
    with np.errstate(invalid="ignore", over="ignore"):   # overflow to Inf
        exact = fa * fb                                   # exact, or Inf/NaN from Inf/NaN inputs
        rounded = exact.astype(np.float32)                # RNE; overflow -> Inf
    # Below 2**-126 numpy rounds into the subnormal grid; the hardware rounds to 24 bits in the
    # binade [2**-127, 2**-126) (half an ulp = 2**-151) and flushes whatever stays below 2**-126.
    tiny = np.abs(exact) < 2.0 ** -126
    up = tiny & (np.abs(exact) >= 2.0 ** -126 - 2.0 ** -151)
    rounded = np.where(up, np.copysign(np.float32(MIN_NORMAL), exact).astype(np.float32), rounded)
    rounded = np.where(tiny & ~up, np.copysign(np.float32(0), exact).astype(np.float32), rounded)
    return _finish(rounded)


def fadd(x, y) -> np.ndarray:
    """rtl/tdash_fadd.v: binary32 bits + binary32 bits -> binary32 bits."""
    fx = bits_to_float(_daz(np.asarray(x, dtype=np.uint32)))
    fy = bits_to_float(_daz(np.asarray(y, dtype=np.uint32)))
    with np.errstate(invalid="ignore", over="ignore"):
        return _finish(fx + fy)


def tree_sum(products) -> np.ndarray:
    """rtl/tdash_fadd_tree.v: the adder tree over the last axis (the N lanes).

    Order: node i of a level is node 2i + node 2i+1 of the level below (2i as the adder's
    first operand), or node 2i passed through when it has no partner, until one node is left.
    For n = 16: ((((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7)))+...), a balanced tree.
    """
    p = np.asarray(products, dtype=np.uint32)
    while p.shape[-1] > 1:
        pairs = p.shape[-1] // 2
        s = fadd(p[..., 0:2 * pairs:2], p[..., 1:2 * pairs:2])
        p = np.concatenate([s, p[..., 2 * pairs:]], axis=-1)
    return p[..., 0]


def accumulate(step_sums, valid=None) -> np.ndarray:
    """The accumulator over the last axis (the steps): ``acc = +0``, then ``acc = acc +
    step_sum`` per step, in order (rtl/tdash_mac.v). ``valid`` (same shape)
    marks the steps that exist, so jobs of different step counts can share one array."""
    s = np.asarray(step_sums, dtype=np.uint32)
    acc = np.zeros(s.shape[:-1], dtype=np.uint32)
    for t in range(s.shape[-1]):
        nxt = fadd(acc, s[..., t])
        acc = nxt if valid is None else np.where(valid[..., t], nxt, acc)
    return acc


def classify(bits) -> str:
    """'nan', 'inf', 'zero' or 'normal' (results are never subnormal: FTZ)."""
    b = int(bits) & 0x7FFFFFFF
    if b > 0x7F800000:
        return "nan"
    if b == 0x7F800000:
        return "inf"
    return "zero" if b < 0x00800000 else "normal"


def ulp_distance(x, y) -> np.ndarray:
    """Representable binary32 values between x and y (bits): 0 when equal, +0 and -0 equal.
    NaN against anything is -1 (the caller decides what that means)."""
    x, y = np.asarray(x, dtype=np.uint32), np.asarray(y, dtype=np.uint32)

    def ordered(b):
        v = (b & ~_SIGN).astype(np.int64)
        return np.where(b & _SIGN, -v, v)

    d = np.abs(ordered(x) - ordered(y))
    nan = np.isnan(bits_to_float(x)) | np.isnan(bits_to_float(y))
    return np.where(nan, -1, d)
