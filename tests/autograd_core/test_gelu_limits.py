"""gelu at ±inf and at huge finite inputs: its limits, gelu(+inf) = +inf and gelu(−inf) = −0
with derivatives 1 and 0, for both ``approximate`` modes and every float dtype, and no NumPy
floating-point warning on the way. (It computed −inf · Φ(−inf) = −inf · 0 = NaN, and x · φ(x)
in the VJP was ±inf · 0; the tanh VJP's x² overflowed, so float16 gave NaN gradients from
|x| = 256 on.)

PyTorch 2.13 on the CPU returns NaN at −inf in both modes, NaN for both gradients, and NaN even
at +inf from its vectorised float32 erf (pytorch/pytorch#185770, #187293); the fix under review
there (pytorch/pytorch#192318) gives the limits. So the infinities are checked against the
closed-form limits, and against PyTorch through its values at the largest finite inputs, where
it is right: the limits must continue them, signs of zeros included.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac

DTYPES = [np.float16, np.float32, np.float64]
MODES = ["none", "tanh"]


def _strict():
    """NumPy's overflow, invalid and divide warnings as errors (underflow stays silent)."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


def _gelu_grads(x: np.ndarray, approximate: str, forward_overflows: bool = False):
    """Value, gradient and second derivative of gelu at x (same dtype), with no warning; with
    ``forward_overflows``, an overflow in the forward is allowed (x³, or erfc's x², of a huge
    finite x: the value is still right)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = ac.tensor(x, requires_grad=True)
        with np.errstate(over="ignore") if forward_overflows else _strict():
            y = ac.gelu(t, approximate=approximate)
        with _strict():
            (g,) = ac.grad(y, [t], ac.ones_like(y), create_graph=True)
            (gg,) = ac.grad(g, [t], ac.ones_like(g))
    return y.numpy(), g.numpy(), gg.numpy()


def _same(got: np.ndarray, want: np.ndarray) -> None:
    """Equal values with equal signs of zero (NaN equals NaN), and the same dtype."""
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)
    number = ~np.isnan(want)
    np.testing.assert_array_equal(np.signbit(got[number]), np.signbit(want[number]))


@pytest.mark.parametrize("approximate", MODES)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_gelu_at_the_infinities_is_its_limit_without_warnings(dtype, approximate):
    x = np.array([np.inf, -np.inf, np.nan, 1.0], dtype)
    y, g, gg = _gelu_grads(x, approximate)
    _same(y[:3], np.array([np.inf, -0.0, np.nan], dtype))
    _same(g[:3], np.array([1.0, 0.0, np.nan], dtype))
    np.testing.assert_array_equal(gg[:3], np.array([0.0, 0.0, np.nan], dtype))
    assert np.isfinite(y[3]) and np.isfinite(g[3]) and np.isfinite(gg[3])


@pytest.mark.parametrize("approximate", MODES)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_gelu_at_the_infinities_continues_torch_at_large_finite_inputs(torch, dtype, approximate):
    # 1e4 and 6e4 lie past both saturations in every dtype (and 6e4 is a finite float16);
    # there torch's values and gradients are finite and exact: x or −0, 1 or +0
    far = np.array([1e4, 6e4, -1e4, -6e4], dtype)
    tx = torch.tensor(far, requires_grad=True)
    ty = torch.nn.functional.gelu(tx, approximate=approximate)
    (tg,) = torch.autograd.grad(ty.sum(), [tx])
    ty, tg = ty.detach().numpy(), tg.numpy()
    y, g, _ = _gelu_grads(np.array([np.inf, -np.inf], dtype), approximate)
    assert (ty[:2] == far[:2]).all() and (tg[:2] == 1).all()  # the positive side: x, 1
    _same(y[1:], ty[2:3])  # −0 at −inf as at −1e4
    _same(y[1:], ty[3:4])
    _same(g[1:], tg[2:3])  # +0 at −inf as at −1e4
    _same(g[:1], tg[:1])  # 1 at +inf as at 1e4


# finite inputs whose square overflows the dtype (float16: from 256 on), and the largest one
HUGE = {np.float16: [300.0, 6e4, 65504.0], np.float32: [1e20, 3.4e38], np.float64: [1e155, 1e308]}


@pytest.mark.parametrize("approximate", MODES)
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_gelu_gradient_at_huge_finite_inputs_is_one_or_zero(dtype, approximate):
    x = np.array(HUGE[dtype] + [-v for v in HUGE[dtype]], dtype)
    y, g, gg = _gelu_grads(x, approximate, forward_overflows=True)
    _same(y, np.where(x > 0, x, -0.0).astype(dtype))
    _same(g, np.where(x > 0, 1.0, 0.0).astype(dtype))
    np.testing.assert_array_equal(gg, np.zeros_like(x))


@pytest.mark.parametrize("approximate", MODES)
def test_float16_gelu_gradient_past_256_matches_torch(torch, approximate):
    # torch computes float16 in float32, where x² does not overflow
    x = np.array([100.0, 256.0, 300.0, 1e4, 65504.0], np.float16)
    x = np.concatenate([x, -x])
    tx = torch.tensor(x, requires_grad=True)
    (tg,) = torch.autograd.grad(torch.nn.functional.gelu(tx, approximate=approximate).sum(), [tx])
    _, g, _ = _gelu_grads(x, approximate, forward_overflows=approximate == "tanh")
    _same(g, tg.numpy())
