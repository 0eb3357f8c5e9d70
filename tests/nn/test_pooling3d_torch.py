"""The 3-D pools added after the 1-D/2-D ones (lp_pool3d, adaptive_avg_pool3d,
adaptive_max_pool3d and their modules) against PyTorch in float64 at 1e-10: values, indices,
input gradients and second derivatives; numeric gradient checks of the composites; lp_pool's
p = ±∞, zero windows and NaN windows, silent as in torch (pyproject turns autograd_core's
RuntimeWarnings into errors)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from test_pooling_torch import TOL  # tests/nn/
from test_pooling_torch import _check as _check_pool

import autograd_core as ac
import nn
import nn.functional as F


def _check(torch, ours, theirs, x, rng, second=True):
    """test_pooling_torch's check (every output, the input gradient under a random ȳ), here
    with the second derivatives by default."""
    _check_pool(torch, ours, theirs, x, rng, second)


ADAPTIVE_CASES = [
    ((2, 3, 5, 7, 6), (2, 3, 4)),  # odd sizes, overlapping windows
    ((1, 2, 8, 6, 4), 2),  # tiling: a reshape and one mean
    ((2, 3, 2, 3), (5, 4, 7)),  # unbatched, output larger than the input
    ((1, 2, 5, 4, 3), (None, 3, None)),  # None keeps those input sizes
    ((1, 1, 3, 5, 4), 1),  # global pooling
    ((0, 2, 3, 3, 3), (2, 2, 2)),  # empty batch
]


@pytest.mark.parametrize(("shape", "size"), ADAPTIVE_CASES, ids=str)
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_adaptive_pool3d_matches_torch(torch, rng, kind, shape, size):
    x = rng.standard_normal(shape)
    name = f"adaptive_{kind}_pool3d"
    extra = {"return_indices": True} if kind == "max" else {}
    ours, theirs = getattr(F, name), getattr(torch.nn.functional, name)
    _check(torch, lambda t: ours(t, size, **extra), lambda t: theirs(t, size, **extra), x, rng)


def test_adaptive_max_pool3d_ties_and_nan_follow_torch(torch):
    x = np.ones((1, 2, 5, 3, 4))  # every window a tie: the first entry of each wins
    x[0, 1, 2, 1, 1] = x[0, 1, 3, 0, 2] = np.nan
    y, i = F.adaptive_max_pool3d(ac.tensor(x), (3, 2, 3), return_indices=True)
    ty, ti = torch.nn.functional.adaptive_max_pool3d(torch.tensor(x), (3, 2, 3), True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


LP_CASES = [
    (2, (2, 3, 5, 6, 7), {"kernel_size": 2}),
    (1, (1, 2, 5, 6, 7), {"kernel_size": (3, 2, 2), "stride": (2, 1, 3)}),
    (3, (2, 5, 5, 6), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),  # unbatched
    (2.5, (1, 2, 4, 7, 5), {"kernel_size": (2, 3, 2), "stride": 2, "ceil_mode": True}),
    (2, (1, 1, 3, 3, 3), {"kernel_size": 3}),  # one window
]


@pytest.mark.parametrize(("p", "shape", "kwargs"), LP_CASES, ids=str)
def test_lp_pool3d_matches_torch(torch, rng, p, shape, kwargs):
    x = rng.uniform(0.2, 2.0, shape)  # away from zero window sums (no kink)
    _check(
        torch,
        lambda t: F.lp_pool3d(t, p, **kwargs),
        lambda t: torch.nn.functional.lp_pool3d(t, p, **kwargs),
        x,
        rng,
    )


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("p", [math.inf, -math.inf])
def test_lp_pool_with_infinite_norm_is_max_pooling_of_abs(torch, rng, dims, p):
    # torch 2.13: max_pool(|x|), or −max_pool(−|x|) for p = −∞ (ours gave 1s before)
    x = rng.standard_normal((2, 3) + (5,) * dims)
    kw = {"kernel_size": 2, "stride": 2 if dims == 1 else None, "ceil_mode": True}
    name = f"lp_pool{dims}d"
    ours, theirs = getattr(F, name), getattr(torch.nn.functional, name)
    _check(torch, lambda t: ours(t, p, **kw), lambda t: theirs(t, p, **kw), x, rng)


def _silently(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn()


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_lp_pool_odd_p_negative_window_is_nan_silently_as_torch(torch, rng, dims, p=3):
    # a window with Σx³ < 0 has no real cube root: NaN in value and gradient, as torch, and
    # no "invalid value" warning from NumPy (forward, backward or double backward)
    x = rng.uniform(0.2, 1.0, (1, 2) + (4,) * dims)
    x[(0, 0) + (slice(0, 2),) * dims] *= -1  # the first window of channel 0: negative sum
    x[(0, 1) + (slice(0, 2),) * dims] = 0.0  # the first window of channel 1: zero sum
    name = f"lp_pool{dims}d"
    xa = ac.tensor(x, requires_grad=True)
    y = _silently(lambda: getattr(F, name)(xa, p, 2))
    xt = torch.tensor(x, requires_grad=True)
    t = getattr(torch.nn.functional, name)(xt, p, 2)
    assert np.isnan(y.numpy()[(0, 0) + (0,) * dims])
    assert y.numpy()[(0, 1) + (0,) * dims] == 0.0
    np.testing.assert_allclose(y.numpy(), t.detach().numpy(), **TOL)  # NaN where torch's
    gy = rng.standard_normal(y.shape)
    (gx,) = _silently(lambda: ac.grad(y, xa, ac.tensor(gy), create_graph=True))
    (tg,) = torch.autograd.grad(t, xt, torch.tensor(gy), create_graph=True)
    np.testing.assert_allclose(gx.numpy(), tg.detach().numpy(), **TOL)
    assert np.isnan(gx.numpy()[(0, 0) + (0,) * dims]).all()
    assert not gx.numpy()[(0, 1) + (slice(0, 2),) * dims].any()  # the zero window: gradient 0
    v = rng.standard_normal(x.shape)
    (g2,) = _silently(lambda: ac.grad((gx * ac.tensor(v)).sum(), xa))
    (t2,) = torch.autograd.grad((tg * torch.tensor(v)).sum(), xt)
    np.testing.assert_allclose(g2.numpy(), t2.numpy(), **TOL)


def test_lp_pool_fractional_p_on_negative_entries_is_nan_silently_as_torch(torch, rng):
    x = rng.standard_normal((2, 3, 6))  # x^2.5 of a negative entry: NaN in torch.pow
    xa = ac.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    y = _silently(lambda: F.lp_pool1d(xa, 2.5, 3, ceil_mode=True))
    t = torch.nn.functional.lp_pool1d(xt, 2.5, 3, ceil_mode=True)
    np.testing.assert_allclose(y.numpy(), t.detach().numpy(), **TOL)
    assert np.isnan(y.numpy()).any()
    gy = rng.standard_normal(y.shape)
    _silently(lambda: y.backward(ac.tensor(gy)))
    t.backward(torch.tensor(gy))
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), **TOL)


def test_composite_3d_pools_pass_gradcheck_and_gradgradcheck(rng):
    x = ac.tensor(rng.uniform(0.3, 1.5, (1, 2, 3, 4, 5)), requires_grad=True)
    for f in (
        lambda t: F.adaptive_avg_pool3d(t, (2, 3, 4)),
        lambda t: F.adaptive_avg_pool3d(t, (4, None, 7)),
        lambda t: F.lp_pool3d(t, 2, (2, 2, 3), stride=(1, 2, 2), ceil_mode=True),
        lambda t: F.lp_pool3d(t, 3, 2),
        lambda t: F.lp_pool3d(t - 0.9, math.inf, 2, ceil_mode=True),
    ):
        assert ac.gradcheck(f, (x,))
        assert ac.gradgradcheck(f, (x,))


MODULES = [
    ("LPPool3d", (2, 2), {}, (2, 3, 4, 5, 6)),
    ("LPPool3d", (1.5, (2, 3, 2)), {"stride": (1, 2, 2), "ceil_mode": True}, (3, 5, 6, 5)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (2, 3, 5, 4, 7)),
    ("AdaptiveAvgPool3d", (4,), {}, (2, 3, 3, 5)),
    ("AdaptiveMaxPool3d", ((3, 2, 5),), {}, (2, 3, 5, 4, 7)),
    ("AdaptiveMaxPool3d", (2,), {"return_indices": True}, (3, 5, 4, 3)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), MODULES, ids=str)
def test_3d_pooling_modules_match_torch(torch, rng, name, args, kwargs, shape):
    ours = getattr(nn, name)(*args, **kwargs)
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    for attr in ("norm_type", "kernel_size", "stride", "ceil_mode", "output_size"):
        assert getattr(ours, attr, None) == getattr(theirs, attr, None), attr
    if "Max" in name:
        assert ours.return_indices == theirs.return_indices
    _check(torch, ours, theirs, rng.uniform(0.1, 2.0, shape), rng, second=False)


def test_3d_pool_errors_name_the_op_and_the_argument():
    with pytest.raises(ac.ShapeError, match=r"adaptive_avg_pool3d: expected a 4-D .* or 5-D"):
        F.adaptive_avg_pool3d(ac.ones(2, 4, 4), 2)
    with pytest.raises(ac.ShapeError, match=r"adaptive_max_pool3d: output_size must be an int"):
        F.adaptive_max_pool3d(ac.ones(1, 1, 4, 4, 4), (2, 2))
    with pytest.raises(ac.ShapeError, match=r"adaptive_max_pool3d: output_size \(-1, 2, 2\)"):
        F.adaptive_max_pool3d(ac.ones(1, 1, 4, 4, 4), (-1, 2, 2))  # 0: empty, as torch
    with pytest.raises(ac.ShapeError, match=r"lp_pool3d: kernel_size must be an int or 3 ints"):
        F.lp_pool3d(ac.ones(1, 1, 4, 4, 4), 2, (2, 2))
    with pytest.raises(ac.ShapeError, match=r"lp_pool3d: the computed output size"):
        F.lp_pool3d(ac.ones(1, 1, 4, 4, 1), 2, 2)
    with pytest.raises(ac.ShapeError, match=r"lp_pool3d: expected a 4-D"):
        nn.LPPool3d(2, 2)(ac.ones(4, 4, 4))
    with pytest.raises(ValueError, match=r"lp_pool3d: norm_type must be non-zero"):
        F.lp_pool3d(ac.ones(1, 1, 4, 4, 4), 0, 2)
