"""PyTorch's arithmetic signatures (autograd_core/ops/arithmetic.py): add/sub/rsub with alpha,
div with rounding_mode, the aliases subtract/multiply/divide/negative/positive, clamp_min and
clamp_max, Tensor.where, and their in-place forms. The compositions are gradient-checked in
float64 (first and second order) and compared with torch on values, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

torch = pytest.importorskip("torch")


def _pair(seed=0, shape=(3, 4)):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape[-1:]) + 2.0  # broadcasting, kept off 0
    return a, b


COMPOSITES = {
    "add_alpha": lambda m, a, b: m.add(a, b, alpha=2.5),
    "sub_alpha": lambda m, a, b: m.sub(a, b, alpha=-3),
    "rsub": lambda m, a, b: m.rsub(a, b, alpha=0.5),
    "subtract": lambda m, a, b: m.subtract(a, b, alpha=2),
    "multiply": lambda m, a, b: m.multiply(a, b),
    "divide": lambda m, a, b: m.divide(a, b),
    "clamp_min": lambda m, a, b: m.clamp_min(a, b),
    "clamp_max": lambda m, a, b: m.clamp_max(a, b),
    "where_method": lambda m, a, b: a.where(a > 0.3, b),
    "negative": lambda m, a, b: m.negative(a) * b,
    "positive": lambda m, a, b: m.positive(a) * b,
}


@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composites_gradcheck_and_match_torch(name):
    fn = COMPOSITES[name]
    a, b = _pair()
    x = ac.tensor(a, requires_grad=True)
    y = ac.tensor(b, requires_grad=True)
    assert ac.gradcheck(lambda p, q: fn(ac, p, q), (x, y))
    assert ac.gradgradcheck(lambda p, q: fn(ac, p, q), (x, y))
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.tensor(b, requires_grad=True)
    ours, theirs = fn(ac, x, y), fn(torch, tx, ty)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-14)
    gy = np.random.default_rng(1).standard_normal(ours.shape)
    ours.backward(ac.tensor(gy))
    theirs.backward(torch.tensor(gy))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), rtol=1e-14)


CALLS = [
    ("add int alpha", lambda m, i, f: m.add(i, i, alpha=3)),
    ("add number alpha", lambda m, i, f: m.add(i, 2, alpha=-2)),
    ("add float number to int", lambda m, i, f: m.add(i, 2.5, alpha=2)),
    ("add int and float", lambda m, i, f: m.add(i, f, alpha=2.5)),
    ("add bool", lambda m, i, f: m.add(i > 0, i < 0, alpha=2)),
    ("add bool alpha 0", lambda m, i, f: m.add(i > 0, i < 0, alpha=0)),
    ("sub alpha", lambda m, i, f: m.sub(f, i, alpha=3)),
    ("rsub int", lambda m, i, f: m.rsub(i, 3, alpha=2)),
    ("rsub tensors", lambda m, i, f: m.rsub(f, i)),
    ("trunc int", lambda m, i, f: m.div(i, 2, rounding_mode="trunc")),
    ("trunc int negative", lambda m, i, f: m.div(i, -3, rounding_mode="trunc")),
    ("trunc int tensors", lambda m, i, f: m.div(i, i.flip(0) + 10, rounding_mode="trunc")),
    ("floor int", lambda m, i, f: m.div(i, -2, rounding_mode="floor")),
    ("trunc float", lambda m, i, f: m.div(f, 0.3, rounding_mode="trunc")),
    ("floor float", lambda m, i, f: m.div(f, -0.3, rounding_mode="floor")),
    ("trunc int by float", lambda m, i, f: m.div(i, 2.0, rounding_mode="trunc")),
    ("true division of ints", lambda m, i, f: m.divide(i, 2, rounding_mode=None)),
    ("trunc int by 0", lambda m, i, f: m.div(i, 0, rounding_mode="trunc")),
    ("floor int by 0", lambda m, i, f: m.div(i, 0, rounding_mode="floor")),
    ("bad rounding mode", lambda m, i, f: m.div(f, 2.0, rounding_mode="round")),
    ("float alpha for ints", lambda m, i, f: m.add(i, i, alpha=2.5)),
    ("float alpha for int sub", lambda m, i, f: m.sub(i, 1, alpha=1.0)),
    ("positive bool", lambda m, i, f: m.positive(i > 0)),
    ("positive int", lambda m, i, f: m.positive(i)),
    ("negative int", lambda m, i, f: m.negative(i)),
    ("multiply", lambda m, i, f: m.multiply(i, f)),
    ("clamp_min int by float", lambda m, i, f: m.clamp_min(i, 0.5)),
    ("clamp_max int", lambda m, i, f: m.clamp_max(i, 0)),
    ("clamp_min tensor bound", lambda m, i, f: m.clamp_min(f, f.flip(0))),
    ("where method", lambda m, i, f: f.where(i > 0, i)),
]


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_values_dtypes_and_errors_match_torch(name, call):
    i = np.array([7, -7, 5, -5, 0, 3])
    f = np.array([1.5, -2.25, 0.7, -0.7, 3.0, -0.0])
    try:
        want = call(torch, torch.tensor(i), torch.tensor(f, dtype=torch.float32))
    except (RuntimeError, NotImplementedError, TypeError):  # ours must refuse too
        with pytest.raises((DTypeError, ValueError, ZeroDivisionError, TypeError)):
            call(ac, ac.tensor(i), ac.tensor(f, dtype=ac.float32))
        return
    got = call(ac, ac.tensor(i), ac.tensor(f, dtype=ac.float32))
    assert str(got.dtype) == str(want.dtype).replace("torch.", ""), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


IN_PLACE = [
    ("add_", lambda x, y: x.add_(y, alpha=2)),
    ("sub_", lambda x, y: x.sub_(y, alpha=-0.5)),
    ("subtract_", lambda x, y: x.subtract_(y, alpha=3)),
    ("multiply_", lambda x, y: x.multiply_(y)),
    ("divide_", lambda x, y: x.divide_(y)),
    ("div_ trunc", lambda x, y: x.div_(y, rounding_mode="trunc")),
    ("div_ floor", lambda x, y: x.div_(y, rounding_mode="floor")),
    ("divide_ floor", lambda x, y: x.divide_(y, rounding_mode="floor")),
    ("neg_", lambda x, y: x.neg_()),
    ("negative_", lambda x, y: x.negative_()),
    ("clamp_min_", lambda x, y: x.clamp_min_(0.25)),
    ("clamp_max_", lambda x, y: x.clamp_max_(y)),
]


@pytest.mark.parametrize("name,call", IN_PLACE, ids=[c[0] for c in IN_PLACE])
def test_in_place_forms_match_torch(name, call):
    a, b = _pair(2, (2, 3))
    x, tx = ac.tensor(a), torch.tensor(a)
    out = call(x, ac.tensor(b))
    call(tx, torch.tensor(b))
    assert out is x
    np.testing.assert_allclose(x.numpy(), tx.numpy(), rtol=1e-15)


def test_in_place_alpha_is_recorded_on_a_non_leaf():
    a, b = _pair(3, (2, 3))
    w, tw = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ac.tensor(b, requires_grad=True), torch.tensor(b, requires_grad=True)
    z, tz = w * 1.0, tw * 1.0
    z.add_(y, alpha=-2.0)
    tz.add_(ty, alpha=-2.0)
    z.sum().backward()
    tz.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.numpy())


def test_rounded_division_has_no_gradient():
    # PyTorch's result requires grad and back-propagates zeros; ours is a constant (as
    # floor_divide and trunc): the gradient is zero either way
    x = ac.tensor([1.5, -2.5], dtype=ac.float64, requires_grad=True)
    for mode in ("trunc", "floor"):
        assert not ac.div(x, 2.0, rounding_mode=mode).requires_grad


def test_alpha_must_be_a_number():
    x = ac.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="alpha must be a Python number"):
        ac.add(x, x, alpha=ac.tensor(2.0))
