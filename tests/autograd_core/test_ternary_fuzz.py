"""Differential fuzzing of the ternary elementwise ops against torch 2.13: addcmul and addcdiv
(with ``value``), lerp (tensor and number weights), where (tensor and number branches), clamp
with tensor bounds (min > max included: max wins, as torch) and masked_fill with a 0-d tensor
value, over three random broadcasting shapes (rank 0-4, size-0 and size-1 axes), float32 and
float64, values with 0, ±0, ±1, ±∞, NaN, ±1e308 and subnormals (elementwise_fuzz.py). Compared:
whether both raise, result dtype, shape and values, and the gradients of every float operand
under a random upstream gradient (``check``). addmm, addmv, baddbmm and addbmm, with alpha and
beta, are fuzzed in test_linalg_fuzz_products.py."""

from __future__ import annotations

import numpy as np
import pytest
from elementwise_fuzz import check, fuzz_settings, operand, pair_shapes, seeds, slow_settings
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

TENSORS = ("tensor", "tensor", "0d")
ANY = ("tensor", "tensor", "0d", "scalar")
VALUES = [1, 0.5, -2.0]
WEIGHTS = [0.0, 0.25, 0.5, 0.75, 1.0, -1.5, 2.0]


def _mask(seed, shape):
    return np.random.default_rng(seed).random(shape) < 0.5


def _bounded(x, limit=1e150):
    """``x`` with its entries of magnitude above ``limit`` (±1e308) replaced by ±1: see the
    products below."""
    kind, v = x
    if kind == "scalar":
        return x if abs(v) <= limit or v != v else (kind, float(np.sign(v)))
    v = np.asarray(v)
    return kind, np.where(np.isfinite(v) & (np.abs(v) > limit), np.sign(v), v)


def _normal(x):
    """``x`` with ±5e-324 replaced by ±0.5."""
    kind, v = x
    v = np.where(np.abs(v) == 5e-324, np.copysign(0.5, v), v)
    return kind, (float(v) if kind == "scalar" else v)


def _finite(x):
    """``x`` with ±inf replaced by ±2.5."""
    kind, v = x
    v = np.where(np.isinf(v), np.copysign(2.5, v), v)
    return kind, (float(v) if kind == "scalar" else v)


@st.composite
def ternary(draw, kinds=(TENSORS, TENSORS, TENSORS)):
    shapes = draw(pair_shapes(3))
    vkind = draw(st.sampled_from(["mixed", "mixed", "ints"]))
    return [draw(operand(s, kinds=k, vkind=vkind)) for s, k in zip(shapes, kinds)]


def _addcmul(value):
    return lambda L, a, b, c: L.m.addcmul(a, b, c, value=value)


def _addcdiv(value):
    return lambda L, a, b, c: L.m.addcdiv(a, b, c, value=value)


def _lerp_number(w):
    return lambda L, a, b: L.m.lerp(a, b, w)


def _where(mask):
    return lambda L, a, b: L.m.where(L.m.tensor(mask), a, b)


def _masked_fill(mask):
    return lambda L, x, v: L.m.masked_fill(x, L.m.tensor(mask), v)


def _clamp_both(L, x, lo, hi):
    """clamp with tensor min and max. torch 2.13's backward fails where a bound has a larger
    shape than x or than the other bound ("output with shape [] doesn't match the broadcast
    shape [2]": clamp(x of shape (), min of shape (), max of shape (2,))), so torch's call
    gets its operands expanded to the result's shape (its expand sums the gradients back);
    ours broadcasts them itself."""
    if L.name == "torch":
        shape = torch.broadcast_shapes(*(t.shape for t in (x, lo, hi)))
        x, lo, hi = (t.expand(shape) for t in (x, lo, hi))
    return L.m.clamp(x, min=lo, max=hi)


CASES = ["addcmul", "addcdiv", "lerp", "lerp (number weight)", "where", "clamp", "masked_fill"]


@st.composite
def cases(draw, name):
    """(fn, operands, options) for ``check``."""
    dtype = draw(st.sampled_from(["float64", "float32"]))
    seed = draw(seeds)
    if name in ("addcmul", "addcdiv"):
        value = draw(st.sampled_from(VALUES))
        ops = draw(ternary())
        # torch multiplies value · t1 first and then by t2 (or divides by t2), ours value ·
        # (t1 · t2); with ±1e308 entries one order overflows where the other does not, so the
        # magnitudes stay below 1e150 here (products of them are finite in float64)
        ops = [_bounded(o) for o in ops]
        # an infinite factor that broadcasts: its gradient is value · (other factor) · Σ ȳ,
        # ±inf in ours; torch sums the infinite terms value · ȳᵢ · inf one by one, and ȳ of
        # both signs gives inf − inf = NaN (test_infinite_broadcast_factor_gradient pins
        # ours): only factors of the result's full shape are drawn infinite
        full = np.broadcast_shapes(*(np.shape(v) for _, v in ops))
        ops[1:] = [_finite(o) if np.shape(o[1]) != full else o for o in ops[1:]]
        if name == "addcdiv" and np.shape(ops[2][1]) != full:  # (1 / ±0 alike)
            kind, v = ops[2]
            v = np.where(v == 0, np.copysign(0.5, v), v)
            ops[2] = (kind, float(v) if kind == "scalar" else v)
        # subnormal factors (±5e-324) are not drawn: torch multiplies value · tensor1 first,
        # which underflows to 0 (0.5 · 5e-324), so 0 / 0 and 0 · inf give NaN where ours,
        # value · (tensor1 / tensor2), gives ±inf; and torch's gradient to tensor2,
        # −value · ȳ · tensor1 / tensor2², squares a subnormal tensor2 to 0 (NaN where
        # tensor1 = 0 and the derivative is 0; test_addcdiv_gradient_at_a_subnormal_divisor)
        ops[1:] = [_normal(o) for o in ops[1:]]
        fn = _addcmul(value) if name == "addcmul" else _addcdiv(value)
        return fn, ops, dtype
    # lerp: torch's vectorised kernel computes end − (end − input)·(1 − w) as one fused
    # multiply-add, ours rounds the product first, which overflows for |entries| near 1e308
    # where torch's result is finite (lerp(1, 1e308, -1.5): torch -1.5e308, ours -inf; the
    # same as add's alpha, test_elementwise_fuzz_binary.py): magnitudes stay below 1e150
    if name == "lerp":
        ops = [_bounded(o) for o in draw(ternary())]
        return (lambda L, a, b, w: L.m.lerp(a, b, w)), ops, dtype
    if name == "lerp (number weight)":
        a, b, _ = (_bounded(o) for o in draw(ternary()))
        return _lerp_number(draw(st.sampled_from(WEIGHTS))), [a, b], dtype
    if name == "where":
        shape, sa, sb = draw(pair_shapes(3))
        a = draw(operand(sa, kinds=ANY))
        b = draw(operand(sb, kinds=ANY if a[0] != "scalar" else TENSORS))
        if dtype == "float32":
            # torch refuses a Python float beyond float32's range in where ("value cannot be
            # converted to type float without overflow"), ours rounds it to ±inf, as its
            # arithmetic (x + 1e308) and torch's do: such numbers are not drawn
            a, b = (_bounded(o, 1e38) if o[0] == "scalar" else o for o in (a, b))
        return _where(_mask(seed, shape)), [a, b], dtype
    if name == "clamp":
        x, lo, hi = draw(ternary())
        both = draw(st.integers(0, 2))  # min and max, min only, max only
        if both == 1:
            return (lambda L, x, lo: L.m.clamp(x, min=lo)), [x, lo], dtype
        if both == 2:
            return (lambda L, x, hi: L.m.clamp(x, max=hi)), [x, hi], dtype
        hi = _untied(lo, hi, dtype)
        return _clamp_both, [x, lo, hi], dtype
    sx, sm = draw(pair_shapes(2))  # masked_fill: the value is a 0-d tensor
    x = draw(operand(sx, kinds=("tensor",)))
    v = draw(operand((), kinds=("0d",)))
    return _masked_fill(_mask(seed, sm)), [x, v], dtype


def _untied(lo, hi, dtype):
    """``hi`` with each value that some entry of ``lo`` equals moved off it (finite:
    + 0.375 + |hi|/1000, ±inf: ±1e30). At min == max with x outside, torch 2.13 sends the
    gradient to neither bound (clamp(1, 2, 2): 0 to min and max; ours: to min, a one-sided
    derivative, so that the gradients still sum to dy/d(min = max) = 1; test_clamp_tied_bounds
    in test_ternary_fuzz_regressions.py pins it)."""
    (_, lv), (kh, hv) = lo, hi
    hv = np.asarray(hv, dtype=np.float64)
    tied = np.isin(hv.astype(dtype), np.asarray(lv).astype(dtype))  # (ties after rounding too)
    rounded = hv.astype(dtype)  # (1e308 is inf in float32)
    moved = np.where(np.isinf(rounded), np.copysign(1e30, hv), hv + 0.375 + np.abs(hv) * 1e-3)
    hv = np.where(tied, moved, hv)
    return kh, (float(hv) if kh == "scalar" else hv)


def _case(name, case):
    fn, ops, dtype = case
    # float32: a broadcast operand's gradient is a float32 sum, whose rounding error is
    # relative to the sum of its terms' magnitudes (ȳ · w, about 1), not to the result
    tol = {"grad_rtol": 1e-5, "grad_atol": 1e-5} if dtype == "float32" else {}
    if dtype == "float32" and name.startswith(("addc", "lerp")):
        # a + v · t1 · t2 rounds its product in another order than torch's (or fused): an
        # error relative to the terms (up to ~200 here), not to a result that cancels
        tol["atol"] = 1e-4
    check(fn, *ops, dtypes=[dtype] * len(ops), signed_zeros=name not in ("clamp", "lerp"), **tol)


@pytest.mark.parametrize("name", CASES)
@fuzz_settings(25)
@given(data=st.data())
def test_ternary_matches_torch(name, data):
    _case(name, data.draw(cases(name)))


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
@slow_settings(500)
@given(data=st.data())
def test_ternary_matches_torch_slow(name, data):
    _case(name, data.draw(cases(name)))
