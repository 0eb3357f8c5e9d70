"""a ** b at the edges of its real domain against PyTorch in float64: a < 0, a = 0 with
b < 0, = 0 and > 0, ±∞ and NaN on either side. The value and both gradients, NaN where
PyTorch gives NaN, and no NumPy warning (pyproject turns autograd_core's RuntimeWarnings into
errors)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")

VALUES = [-np.inf, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, np.inf, np.nan]
EXPONENTS = [-np.inf, -2.0, -1.0, -0.5, 0.0, 1 / 3, 0.5, 1.0, 2.0, 3.0, np.inf, np.nan]


def _grid():
    a, b = np.array(list(itertools.product(VALUES, EXPONENTS))).T
    return a.copy(), b.copy()


def test_pow_and_its_gradients_match_torch_everywhere():
    a, b = _grid()
    g = np.random.default_rng(0).standard_normal(a.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
        z = x**y
        z.backward(ac.tensor(g))
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    tz = tx**ty
    tz.backward(torch.tensor(g))
    for name, got, want in (
        ("value", z.numpy(), tz.detach().numpy()),
        ("grad of a", x.grad.numpy(), tx.grad.numpy()),
        ("grad of b", y.grad.numpy(), ty.grad.numpy()),
    ):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=0, equal_nan=True, err_msg=name)


def test_pow_gradient_of_a_constant_exponent_zero_is_zero():
    x = ac.tensor([0.0, -1.0, 2.0], requires_grad=True)
    (x**0.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])


def test_pow_second_derivative_matches_torch_on_the_real_domain():
    a = np.array([0.5, 1.5, 2.0, 3.0])
    b = np.array([-1.5, 0.5, 2.0, 3.0])
    x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    gx, gy = ac.grad((x**y).sum(), [x, y], create_graph=True)
    tgx, tgy = torch.autograd.grad((tx**ty).sum(), [tx, ty], create_graph=True)
    ours = ac.grad((gx * gy).sum(), [x, y])
    theirs = torch.autograd.grad((tgx * tgy).sum(), [tx, ty])
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12)
