"""Fixed cases for the bugs the loss fuzz tests (test_loss_fuzz*.py) found, each against torch
2.13 or a closed form, and the pinned value where torch's is NaN and ours is not."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import ShapeError

torch = pytest.importorskip("torch")


def _grad_of(fn, x):
    leaf = ac.tensor(x, requires_grad=True)
    y = fn(leaf)
    y.backward()
    return y.numpy(), leaf.grad.numpy()


def test_probability_targets_empty_batch_mean_is_nan():
    # was 0 (the count was clamped to 1); torch: 0/0
    got = F.cross_entropy(ac.zeros((0, 3)), ac.zeros((0, 3)))
    assert np.isnan(got.item())
    assert torch.isnan(torch.nn.functional.cross_entropy(torch.zeros(0, 3), torch.zeros(0, 3)))


@pytest.mark.parametrize(
    ("name", "smoothing"), [("cross_entropy", 0.0), ("cross_entropy", 0.3), ("nll_loss", 0.0)]
)
def test_zero_total_weight_mean_is_torch_nan_without_warnings(name, smoothing):
    # zero class weights: the loss was inf with label smoothing (torch NaN), and the backward
    # raised NumPy's "invalid value" warning (an error in the tests) from inf · 0
    x = np.random.default_rng(0).standard_normal((3, 3))
    target, weight = [1, 2, 1], [1.0, 0.0, 0.0]
    kw = {"label_smoothing": smoothing} if smoothing else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = _grad_of(
            lambda v: getattr(F, name)(v, ac.tensor(target), weight=ac.tensor(weight), **kw), x
        )
    tx = torch.tensor(x, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(
        tx, torch.tensor(target), weight=torch.tensor(weight, dtype=torch.float64), **kw
    )
    ty.backward()
    assert np.isnan(value) and torch.isnan(ty)
    np.testing.assert_array_equal(np.isnan(grad), torch.isnan(tx.grad).numpy())
    if name == "cross_entropy":  # nll_loss's gradient lives on the picked entries only
        assert np.isnan(grad).all()


@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_all_ignored_mean_is_nan_with_zero_gradient(name):
    x = np.random.default_rng(1).standard_normal((2, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = _grad_of(lambda v: getattr(F, name)(v, ac.tensor([-100, -100])), x)
    assert np.isnan(value)
    np.testing.assert_array_equal(grad, np.zeros((2, 4)))  # torch's: the ignored rows get 0


def test_mean_of_empty_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = _grad_of(lambda v: F.mse_loss(v, ac.zeros(0)), np.zeros(0))
        half = ac.zeros((0, 2), dtype=ac.float16).mean(axis=0)
    assert np.isnan(value) and grad.shape == (0,)
    assert half.dtype == ac.float16 and np.isnan(half.numpy()).all()


@pytest.mark.parametrize("var_shape", [(1, 1, 2), (1, 3, 1), (2, 1, 1), (1, 1), ()])
def test_gaussian_nll_var_shapes_torch_refuses(var_shape):
    # was accepted (only the last axis was checked; any single value passed)
    x = np.zeros((2, 3, 2))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        torch.nn.functional.gaussian_nll_loss(
            torch.tensor(x), torch.tensor(x), torch.ones(var_shape, dtype=torch.float64)
        )
    with pytest.raises(ShapeError, match="gaussian_nll_loss: var of shape"):
        F.gaussian_nll_loss(ac.tensor(x), ac.tensor(x), ac.ones(var_shape))


def test_gaussian_nll_var_shapes_torch_accepts():
    x = np.random.default_rng(2).standard_normal((2, 3, 2))
    for var in [np.ones((2, 1, 2)), np.ones((2, 3)), np.ones((2, 3, 1)), 0.5]:
        ours_var = var if np.isscalar(var) else ac.tensor(var)
        got = F.gaussian_nll_loss(ac.tensor(x), ac.zeros((2, 3, 2), dtype=ac.float64), ours_var)
        want = torch.nn.functional.gaussian_nll_loss(
            torch.tensor(x),
            torch.zeros(2, 3, 2, dtype=torch.float64),
            var if np.isscalar(var) else torch.tensor(var),
        )
        np.testing.assert_allclose(got.item(), want.item(), rtol=1e-12)


def test_kl_div_target_gradient_at_zero_is_finite():
    # torch's is NaN at p = 0 (the gradient of xlogy(p, p)); ours takes 0 · log 0 = 0 as a
    # constant there, so ∂ℓ/∂p = −log q (the cross term's) — the fuzz tests skip that region
    x = np.array([-0.5, -1.5, -0.2])
    p = ac.tensor([0.0, 0.3, 0.7], dtype=ac.float64, requires_grad=True)
    F.kl_div(ac.tensor(x), p, reduction="sum").backward()
    expected = np.array([0.5, np.log(0.3) + 1 + 1.5, np.log(0.7) + 1 + 0.2])
    np.testing.assert_allclose(p.grad.numpy(), expected, rtol=1e-12)
