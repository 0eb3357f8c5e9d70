"""Differential fuzzing of the binary elementwise ops against torch 2.13 over random
broadcasting shape pairs (rank 0-4, size-0 and size-1 axes), with 0-d tensors and Python
numbers on either side: values, result dtype, shape, the gradients of both float operands under
a random upstream gradient, and no spurious forward warning (rules and tolerances:
elementwise_fuzz.py). Values hit 0, −0, ±1, ±∞, NaN, ±1e308 and subnormals often; 'ints'
draws (-3..3) give ties (maximum/minimum) and integer exponents with negative bases (pow)."""

from __future__ import annotations

import numpy as np
import pytest
from elementwise_fuzz import check, fuzz_settings, operand, pair_shapes, slow_settings
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")


def _m(name):
    return lambda L, a, b: getattr(L.m, name)(a, b)


BINARY = {
    "add": _m("add"),
    "sub": _m("sub"),
    "mul": _m("mul"),
    "div": _m("div"),
    "true_divide": _m("true_divide"),
    "remainder": _m("remainder"),
    "fmod": _m("fmod"),
    "pow": _m("pow"),
    "atan2": _m("atan2"),
    "hypot": _m("hypot"),
    "maximum": _m("maximum"),
    "minimum": _m("minimum"),
    "fmax": _m("fmax"),
    "fmin": _m("fmin"),
    "copysign": _m("copysign"),
    "xlogy": _m("xlogy"),
    "logaddexp": _m("logaddexp"),
    "logaddexp2": _m("logaddexp2"),
    "float_power": _m("float_power"),
    # the arithmetic keywords and PyTorch's aliases (autograd_core/ops/arithmetic.py). |alpha|
    # < 1: torch computes a + alpha · b as one fused multiply-add (one rounding), ours rounds
    # alpha · b first, which overflows for |alpha · b| > max float where torch's sum is finite
    # (add(−1e308, 1e308, alpha=2.5): torch 1.5e308, ours inf; add's docstring), and the sign
    # of a zero from an underflowed alpha · b is the rounding's (FUSED: not compared)
    "add_alpha": lambda L, a, b: L.m.add(a, b, alpha=0.5),
    "sub_alpha": lambda L, a, b: L.m.sub(a, b, alpha=-0.75),
    "rsub": lambda L, a, b: L.m.rsub(a, b, alpha=0.5),
    "div_trunc": lambda L, a, b: L.m.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda L, a, b: L.m.div(a, b, rounding_mode="floor"),
    "subtract": _m("subtract"),
    "multiply": _m("multiply"),
    "divide": _m("divide"),
    "clamp_min": _m("clamp_min"),
    "clamp_max": _m("clamp_max"),
}


@st.composite
def pairs(draw):
    """Two operands of broadcasting shapes, not both Python numbers."""
    sa, sb = draw(pair_shapes())
    vkind = draw(st.sampled_from(["mixed", "mixed", "ints"]))
    a = draw(operand(sa, vkind=vkind))
    kinds = ("tensor", "tensor", "0d") if a[0] == "scalar" else ("tensor", "tensor", "0d", "scalar")
    b = draw(operand(sb, kinds=kinds, vkind=vkind))
    return a, b


# the sign of a zero result is each library's accident here: a tie of 0 and −0; remainder(0,
# −1e308), +0 in torch and −0 in ours and Python
SELECTIONS = ("maximum", "minimum", "fmax", "fmin", "remainder", "clamp_min", "clamp_max")
FUSED = ("add_alpha", "sub_alpha", "rsub")


# torch's logaddexp2 is max + log1p(2^−|a−b|) / ln 2, which rounds where the result cancels
# to ~0: logaddexp2(−1, −1) is −4.8e-17 in torch, 0 (exact) in ours and NumPy (pinned); an
# absolute u-sized error is allowed there
OPTIONS = {"logaddexp2": {"atol": 1e-15}}


def _without_overflowing_quotients(ab):
    """ab with each dividend whose quotient a / b overflows (finite a, b ≠ 0, |a / b| > max
    float; with any divisor it meets under broadcasting) replaced by ±1e-20: torch 2.13's
    vectorised float64 fmod and remainder (8 elements and more) compute a − b · trunc(a / b)
    (floor) and give NaN there, where both are exact (fmod(1e308, 0.55) = 0.3467...,
    remainder(−1e308, −5e-324) = −0: ours, math.fmod, Python's % and exact rationals; pinned
    in test_elementwise_fuzz_regressions.py)."""
    (ka, a), (kb, b) = ab
    with np.errstate(all="ignore"):
        q = np.abs(np.asarray(a)) / np.abs(np.asarray(b))
        bad = np.isinf(q) & np.isfinite(a) & (np.asarray(b) != 0)
    if not bad.any():
        return ab
    if ka == "scalar":
        return [(ka, float(np.copysign(1e-20, a))), (kb, b)]
    a = np.asarray(a)
    lead = bad.ndim - a.ndim  # reduce ``bad`` to a's shape: its leading and its size-1 axes
    bad = bad.any(axis=tuple(range(lead))) if lead else bad
    bad = bad.any(axis=tuple(i for i, n in enumerate(a.shape) if n == 1), keepdims=True)
    return [(ka, np.where(bad, np.copysign(1e-20, a), a)), (kb, b)]


def _case(name, ab):
    if name == "atan2":  # torch's gradient is 0 where a² + b² underflows, ours scaled (pinned)
        ab = [(k, np.where(np.abs(x) == 5e-324, 0.5, x) if k != "scalar" else x) for k, x in ab]
    if name in ("fmod", "remainder"):
        ab = _without_overflowing_quotients(ab)
    check(BINARY[name], *ab, signed_zeros=name not in SELECTIONS + FUSED, **OPTIONS.get(name, {}))


@pytest.mark.parametrize("name", sorted(BINARY))
@fuzz_settings(12)
@given(ab=pairs())
def test_binary_matches_torch(name, ab):
    _case(name, ab)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BINARY))
@slow_settings(400)
@given(ab=pairs())
def test_binary_matches_torch_slow(name, ab):
    _case(name, ab)
