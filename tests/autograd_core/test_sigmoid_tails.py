"""sigmoid over its whole range: relative accuracy of σ and σ' in float32 and float64 against
the closed form in Python floats, second derivatives in the tails, the special values, and
PyTorch. (Until issue 13, σ = ½ tanh(x/2) + ½ reached 0 at x ≈ −17 in float32 and −37 in
float64, and the VJP ȳ y (1 − y) was 0 for x > 16.6 in float32.)
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd_core as ac


def _sig(v: float) -> float:
    """σ(v) in float64 by the formula that never cancels (an independent oracle)."""
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


# Where σ(x) is a normal number of the dtype: above −87.3 in float32, −708.3 in float64.
RANGES = {np.float32: (-87.0, 40.0), np.float64: (-708.0, 40.0)}


def _value_and_grad(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = ac.tensor(x, requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        y = ac.sigmoid(t)
        y.sum().backward()
    return y.data, t.grad.data


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_sigmoid_and_its_gradient_keep_relative_accuracy_over_the_whole_range(dtype):
    lo, hi = RANGES[dtype]
    x = np.concatenate([np.linspace(lo, hi, 40001), [-20.0, -50.0, 0.0, -0.0, 20.0]])
    x = x.astype(dtype)
    y, g = _value_and_grad(x)
    assert y.dtype == dtype and g.dtype == dtype
    ref = np.array([_sig(float(v)) for v in x])
    ref_grad = np.array([_sig(float(v)) * _sig(-float(v)) for v in x])
    eps = np.finfo(dtype).eps
    # a few ulps, relative, in both tails (the old ½ tanh(x/2) + ½ had an error of 1 in the
    # negative tail and 0 for the gradient at x > 16.6 in float32)
    assert (np.abs(y - ref) / ref).max() < 4 * eps
    normal = ref_grad > np.finfo(dtype).tiny
    assert (np.abs(g - ref_grad)[normal] / ref_grad[normal]).max() < 6 * eps


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_float32_sigmoid_agrees_with_float64_in_the_tails(dtype):
    # the same inputs in float32 and float64: the float32 result is the float64 one rounded
    x = np.array([-80.0, -50.0, -30.0, -20.0, -17.0, -5.0, 5.0, 17.0, 20.0, 30.0], dtype)
    y, g = _value_and_grad(x)
    y64, g64 = _value_and_grad(x.astype(np.float64))
    rtol = 4 * np.finfo(dtype).eps
    np.testing.assert_allclose(y, y64, rtol=rtol, atol=0)
    np.testing.assert_allclose(g, g64, rtol=rtol, atol=0)


def test_sigmoid_at_20_gives_the_tiny_gradient_not_zero():
    y, g = _value_and_grad(np.array([20.0, -20.0], np.float32))
    assert y[0] == 1.0  # σ(20) = 1 − 2e-9 rounds to 1 in float32 ...
    assert g[0] == pytest.approx(math.exp(-20), rel=1e-6, abs=0)  # ... but σ'(20) = 2.06e-9, not 0
    assert y[1] == pytest.approx(math.exp(-20), rel=1e-6, abs=0)
    assert g[1] == pytest.approx(math.exp(-20), rel=1e-6, abs=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_sigmoid_special_values_without_warnings(dtype):
    x = np.array([-np.inf, -1e4, -1000.0, 1000.0, 1e4, np.inf, np.nan], dtype)
    y, g = _value_and_grad(x)  # raises on any floating-point warning
    np.testing.assert_array_equal(y[:-1], [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(g[:-1], [0, 0, 0, 0, 0, 0])
    assert np.isnan(y[-1]) and np.isnan(g[-1])
    # 0-d inputs go through the same path
    assert ac.sigmoid(ac.tensor(dtype(-30.0))).item() == pytest.approx(
        math.exp(-30), rel=1e-6, abs=0
    )


@pytest.mark.parametrize("v", [-40.0, -3.0, 0.5, 40.0])
def test_sigmoid_second_derivative_is_accurate_in_the_tails(v):
    # σ'' = σ' (1 − 2σ) = σ(x) σ(−x) (σ(−x) − σ(x)), which has no cancellation
    x = ac.tensor(np.array([v]), requires_grad=True)
    (g,) = ac.grad(ac.sigmoid(x).sum(), [x], create_graph=True)
    (gg,) = ac.grad(g.sum(), [x])
    s, c = _sig(v), _sig(-v)
    assert g.item() == pytest.approx(s * c, rel=1e-14, abs=0)
    assert gg.item() == pytest.approx(s * c * (c - s), rel=1e-13, abs=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_value_and_gradient_match_torch(torch, dtype):
    x = np.concatenate([np.linspace(-80, 80, 1601), [-20.0, -50.0, 20.0]]).astype(dtype)
    y, g = _value_and_grad(x)
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.sigmoid(tx)
    ty.sum().backward()
    # torch's own VJP, y (1 − y), cancels where y ≈ 1 (it is 0 in float32 for x > 16.6 and
    # loses digits from x ≈ 5 in float64): compare with σ(x) σ(−x) from torch's float64 σ, and
    # with its autograd where y ≤ ½
    x64 = torch.tensor(x.astype(np.float64))
    ref_grad = (torch.sigmoid(x64) * torch.sigmoid(-x64)).numpy()
    rtol = 1e-5 if dtype == "float32" else 1e-12
    tiny = np.finfo(dtype).tiny
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=rtol, atol=tiny)
    np.testing.assert_allclose(g, ref_grad, rtol=rtol, atol=tiny)
    left = x <= 0
    np.testing.assert_allclose(g[left], tx.grad.numpy()[left], rtol=rtol, atol=tiny)
