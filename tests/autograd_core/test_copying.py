"""clone, contiguous and masked_fill as a PyTorch user calls them, with torch as the oracle."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError


def test_clone_is_a_recorded_copy():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y.grad_fn is not None and y.grad_fn.name == "clone"
    assert not np.shares_memory(y.data, x.data)
    with ac.no_grad():
        y[0] = 100.0
    assert x.tolist() == [1.0, 2.0]
    (y * ac.tensor([3.0, 4.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_clone_double_backward():
    x = ac.tensor([1.5, -2.0], requires_grad=True)
    assert ac.gradgradcheck(lambda t: t.clone() ** 3, (x.to(ac.float64).detach().requires_grad_(),))


def test_contiguous_returns_self_when_contiguous_else_a_recorded_copy():
    x = ac.ones(2, 3, requires_grad=True)
    assert x.contiguous() is x
    t = x.T
    assert not t.is_contiguous()
    c = t.contiguous()
    assert c.is_contiguous() and c.data.flags.c_contiguous and c.shape == (3, 2)
    (c * ac.arange(6.0).reshape(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(6.0).reshape(3, 2).T)


def test_masked_fill_matches_torch_values_and_gradients(torch):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    m = a > 0.2
    x = ac.tensor(a, requires_grad=True)
    v = ac.tensor(0.7, dtype=ac.float64, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    tv = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y = x.masked_fill(ac.tensor(m), v)
    ty = tx.masked_fill(torch.tensor(m), tv)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = rng.standard_normal((3, 4))
    (y * ac.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy())


def test_masked_fill_broadcasts_the_mask_like_torch(torch):
    a = np.arange(3.0)
    m = np.array([[True, False, False], [False, True, True]])
    y = ac.tensor(a).masked_fill(ac.tensor(m), -1.0)
    ty = torch.tensor(a).masked_fill(torch.tensor(m), -1.0)
    assert y.shape == tuple(ty.shape) == (2, 3)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_masked_fill_keeps_the_input_dtype(torch):
    y = ac.tensor([1, 2, 3]).masked_fill(ac.tensor([True, False, True]), 1.7)
    ty = torch.tensor([1, 2, 3]).masked_fill(torch.tensor([True, False, True]), 1.7)
    assert y.dtype == np.int64 and y.tolist() == ty.tolist()
    f32 = ac.ones(2).masked_fill(ac.tensor([True, False]), ac.tensor(2.0, dtype=ac.float64))
    assert f32.dtype == np.float32


def test_masked_fill_is_twice_differentiable():
    x = ac.tensor([0.5, -1.0, 2.0], dtype=ac.float64, requires_grad=True)
    v = ac.tensor(0.3, dtype=ac.float64, requires_grad=True)
    mask = ac.tensor([True, False, True])
    assert ac.gradcheck(lambda a, b: a.masked_fill(mask, b) * a, (x, v))
    assert ac.gradgradcheck(lambda a, b: a.masked_fill(mask, b * b) * a, (x, v))


def test_masked_fill_refuses_a_non_boolean_mask():
    with pytest.raises(
        DTypeError, match="masked_fill: the mask must be boolean, got dtype float32"
    ):
        ac.zeros(3).masked_fill(ac.ones(3), 1.0)


def test_masked_fill_refuses_a_value_with_dimensions():
    with pytest.raises(ShapeError, match=r"value must be a number or a 0-d tensor.*\(3,\)"):
        ac.zeros(3).masked_fill(ac.tensor([True, False, True]), ac.ones(3))


def test_writing_the_input_after_clone_is_allowed():
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone() * 3  # clone's VJP never reads x (saves_inputs=False)
    with ac.no_grad():
        x.mul_(10)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
