"""model/fp.py against independent references: numpy's IEEE float32 arithmetic where the
hardware's flush-to-zero rules cannot matter, exact float64 arithmetic, and hand-worked cases."""

import numpy as np
import pytest

from model import fp as FP


def f32(x):
    return FP.float_to_bits(np.float32(x))


def test_fmul_equals_ieee_float32_in_the_normal_range():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(100_000).astype(np.float32) * np.float32(1e3)
    b = rng.standard_normal(100_000).astype(np.float32)
    want = FP.float_to_bits(a * b)              # IEEE binary32, round to nearest even
    got = FP.fmul(FP.float_to_bits(a), FP.float_to_bits(b), "fp32")
    assert np.array_equal(got, want)


def test_bf16_products_are_exact_unless_out_of_range():
    rng = np.random.default_rng(2)
    a = FP.from_float(rng.standard_normal(50_000).astype(np.float32), "bf16")
    b = FP.from_float(rng.standard_normal(50_000).astype(np.float32), "bf16")
    exact = (FP.bits_to_float(FP.to_f32_bits(a, "bf16")).astype(np.float64)
             * FP.bits_to_float(FP.to_f32_bits(b, "bf16")).astype(np.float64))
    assert np.array_equal(FP.bits_to_float(FP.fmul(a, b, "bf16")).astype(np.float64), exact)


@pytest.mark.parametrize("a, b, want", [
    (0x7F800000, 0x00000000, 0x7FC00000),   # Inf x 0 = NaN
    (0x7F800000, 0xBF800000, 0xFF800000),   # Inf x -1 = -Inf
    (0x7FA00001, 0x3F800000, 0x7FC00000),   # signalling NaN -> canonical quiet NaN
    (0x80000000, 0x3F800000, 0x80000000),   # -0 x 1 = -0
    (0x00000001, 0x7F000000, 0x00000000),   # subnormal operand is zero (DAZ)
    (0x7F7FFFFF, 0x40000000, 0x7F800000),   # overflow -> Inf
    (0x00800000, 0x3F000000, 0x00000000),   # 2**-127: below the normal range -> +0 (FTZ)
    (0x80800000, 0x3F000000, 0x80000000),   # ... with its sign
    (0x3F800001, 0x3FC00000, 0x3FC00002),   # (1 + 2**-23) * 1.5: a tie, to even (up)
    (0x3F800003, 0x3FC00000, 0x3FC00004),   # (1 + 3*2**-23) * 1.5 = 1.5 + 4.5*2**-23: tie, to even (up)
])
def test_fmul_cases(a, b, want):
    assert int(FP.fmul(np.uint32(a), np.uint32(b), "fp32")) == want


def test_fmul_tiny_product_rounding_threshold():
    """Exact products just below 2**-126. The hardware rounds to 24 bits in [2**-127, 2**-126)
    (half an ulp = 2**-151) and flushes what stays below 2**-126; numpy's subnormal rounding
    (half an ulp = 2**-150) would give 2**-126 from 2**-126 - 2**-150 up."""
    def mul(x, y):
        return int(FP.fmul(f32(x), f32(y), "fp32"))

    # (2**25 - 1) * 2**-151 = 2**-126 - 2**-151: a tie in the 24-bit binade, to even: 2**-126.
    assert mul(18631 * 2.0 ** -75, 1801 * 2.0 ** -76) == 0x00800000
    # (2**26 - 3) * 2**-152: numpy's subnormal rounding says 2**-126, the hardware says +0.
    assert mul(12913 * 2.0 ** -76, 5197 * 2.0 ** -76) == 0x00000000
    assert float(np.float32(np.float64(12913 * 2.0 ** -76) * np.float64(5197 * 2.0 ** -76))) == 2.0 ** -126
    # (2 - 2**-23) * 2**-127 is exact in 24 bits, below 2**-126: +0.
    assert int(FP.fmul(np.uint32(0x00FFFFFF), np.uint32(0x3F000000), "fp32")) == 0


@pytest.mark.parametrize("a, b, want", [
    (0x3F800000, 0xBF800000, 0x00000000),   # 1 + -1 = +0
    (0x80000000, 0x80000000, 0x80000000),   # -0 + -0 = -0
    (0x80000000, 0x00000000, 0x00000000),   # -0 + +0 = +0
    (0x7F800000, 0xFF800000, 0x7FC00000),   # Inf - Inf = NaN
    (0xFF800000, 0x3F800000, 0xFF800000),   # -Inf + 1 = -Inf
    (0x00800001, 0x80800000, 0x00000000),   # difference 2**-149: flushed
    (0x7F7FFFFF, 0x73800000, 0x7F800000),   # max + half an ulp of max: tie to even -> Inf
    (0x4B800000, 0x3F800000, 0x4B800000),   # 2**24 + 1: tie, to even (down)
    (0x4B800001, 0x3F800000, 0x4B800002),   # (2**24 + 2) + 1: tie, to even (up)
])
def test_fadd_cases(a, b, want):
    assert int(FP.fadd(np.uint32(a), np.uint32(b))) == want


def test_tree_order_is_the_documented_balanced_tree():
    rng = np.random.default_rng(3)
    p = FP.float_to_bits(rng.standard_normal((200, 16)).astype(np.float32) * np.float32(1e4))
    add = FP.fadd
    pair = [add(p[:, 2 * i], p[:, 2 * i + 1]) for i in range(8)]
    quad = [add(pair[2 * i], pair[2 * i + 1]) for i in range(4)]
    want = add(add(quad[0], quad[1]), add(quad[2], quad[3]))
    assert np.array_equal(FP.tree_sum(p), want)
    # Non power of two: ((l0+l1)+(l2+l3)) + (l4+l5); ((l0+l1)+(l2+l3)) + l4.
    assert np.array_equal(FP.tree_sum(p[:, :6]), add(add(pair[0], pair[1]), add(p[:, 4], p[:, 5])))
    assert np.array_equal(FP.tree_sum(p[:, :5]), add(add(pair[0], pair[1]), p[:, 4]))


def test_accumulate_in_order_and_masked():
    s = FP.float_to_bits(np.array([[1e8, 1.0, -1e8, 1.0]], dtype=np.float32))
    # ((0 + 1e8) + 1) - 1e8 + 1: the first 1 is absorbed by 1e8 in binary32.
    assert FP.bits_to_float(FP.accumulate(s))[0] == np.float32(1.0)
    valid = np.array([[True, False, True, True]])
    assert FP.bits_to_float(FP.accumulate(s, valid))[0] == np.float32(1.0)


def test_ulp_distance():
    one = f32(1.0)
    assert FP.ulp_distance(one, one + 1) == 1
    assert FP.ulp_distance(f32(0.0), f32(-0.0)) == 0
    assert FP.ulp_distance(f32(2 ** -149), f32(-(2 ** -149))) == 2
    assert FP.ulp_distance(FP.CANONICAL_NAN, one) == -1


def test_bf16_from_float_rounds_to_nearest_even():
    x = np.array([1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, np.nan, -2.5], dtype=np.float32)
    assert FP.from_float(x, "bf16").tolist() == [0x3F80, 0x3F82, 0x7FC0, 0xC020]
