"""floor_divide, remainder and fmod (and ``//``, ``%``): values against PyTorch and Python's own
operators, gradients of order 1 and 2, division by zero, and the refused inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

FUNCS = ["floor_divide", "remainder", "fmod"]
SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((), (2, 3)), ((0, 3), (3,))]


def _off_integer(rng, sa, sb):
    """a, b with a / b at least 0.06 away from every integer (where remainder and fmod jump)."""
    a = rng.integers(-4, 4, sa) + 0.25 + rng.uniform(-0.02, 0.02, sa)
    b = rng.choice([-1.0, 1.0], sb) * 2.0 ** rng.integers(0, 3, sb)
    return np.asarray(a), np.asarray(b * (1 + rng.uniform(-0.01, 0.01, sb)))


def _python(name):
    """The scalar reference: Python's ``//`` and ``%``, C's fmod."""
    return {
        "floor_divide": lambda x, y: x // y,
        "remainder": lambda x, y: x % y,
        "fmod": math.fmod,
    }[name]


# -- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_values_match_torch_float64(torch, rng, name, sa, sb):
    a, b = rng.uniform(-5, 5, sa), rng.uniform(-3, 3, sb)
    ours = getattr(ac, name)(ac.tensor(a), ac.tensor(b))
    theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float64
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", FUNCS)
def test_integer_values_match_torch_and_python(torch, name):
    a = np.array([7, -7, 7, -7, 0, 9, -9, 1])
    b = np.array([2, 2, -2, -2, 3, 3, -4, 5])
    ours = getattr(ac, name)(ac.tensor(a), ac.tensor(b))
    assert ours.dtype == np.int64
    assert ours.tolist() == getattr(torch, name)(torch.tensor(a), torch.tensor(b)).tolist()
    assert ours.tolist() == [int(_python(name)(int(x), int(y))) for x, y in zip(a, b)]


@pytest.mark.parametrize("name", FUNCS)
def test_float_values_match_python_scalars(rng, name):
    # the torch-free reference: Python's operators element by element
    a, b = rng.uniform(-5, 5, 20), rng.uniform(-3, 3, 20)
    ours = getattr(ac, name)(ac.tensor(a), ac.tensor(b))
    expected = [_python(name)(float(x), float(y)) for x, y in zip(a, b)]
    np.testing.assert_allclose(ours.data, expected, rtol=1e-12, atol=1e-12)


def test_floor_divide_and_remainder_rebuild_the_dividend(rng):
    a, b = ac.tensor(rng.uniform(-9, 9, 50)), ac.tensor(rng.uniform(-3, 3, 50))
    np.testing.assert_allclose((b * (a // b) + a % b).data, a.data, rtol=0, atol=1e-12)
    q = ac.tensor(np.trunc(a.data / b.data))
    np.testing.assert_allclose((b * q + ac.fmod(a, b)).data, a.data, rtol=0, atol=1e-12)


def test_signs_remainder_follows_the_divisor_fmod_the_dividend():
    a = ac.tensor([5.0, -5.0, 5.0, -5.0])
    b = ac.tensor([3.0, 3.0, -3.0, -3.0])
    assert (a % b).tolist() == [2.0, 1.0, -1.0, -2.0]
    assert ac.fmod(a, b).tolist() == [2.0, -2.0, 2.0, -2.0]
    assert (a // b).tolist() == [1.0, -2.0, -2.0, 1.0]


def test_operators_methods_and_python_scalars(torch):
    x = ac.tensor([7.5, -7.5])
    t = torch.tensor([7.5, -7.5], dtype=torch.float64)
    assert (x // 2).tolist() == (t // 2).tolist()
    assert (x % 2).tolist() == (t % 2).tolist()
    assert (20 // x).tolist() == (20 // t).tolist()
    assert (20 % x).tolist() == (20 % t).tolist()
    assert x.remainder(2).tolist() == t.remainder(2).tolist()
    assert x.fmod(2).tolist() == t.fmod(2).tolist()
    assert x.floor_divide(2).tolist() == t.floor_divide(2).tolist()
    assert ac.fmod(7, ac.tensor([-2, 3])).tolist() == [1, 1]


@pytest.mark.parametrize("name", FUNCS)
def test_dtype_promotion_follows_the_other_binary_ops(name):
    fn = getattr(ac, name)
    i = ac.tensor([7, -7])
    f32 = ac.tensor([2.0, 2.0], dtype=ac.float32)
    assert fn(i, ac.tensor([2, 2])).dtype == ac.int64
    assert fn(f32, 2).dtype == ac.float32  # a Python number does not widen a tensor
    assert fn(i, f32).dtype == (i / f32).dtype
    f64 = ac.tensor([2.0, 2.0], dtype=ac.float64)
    assert fn(f32, f64).dtype == (f32 / f64).dtype == ac.float64


# -- division by zero -------------------------------------------------------------------------


@pytest.mark.parametrize("name", FUNCS)
def test_float_division_by_zero_and_inf_match_torch(torch, name):
    a = np.array([1.0, -1.0, 0.0, 5.0, -2.5])
    for divisor in (0.0, -0.0, np.inf, -np.inf):
        b = np.full(5, divisor)
        ours = getattr(ac, name)(ac.tensor(a), ac.tensor(b))  # no RuntimeWarning (an error here)
        theirs = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
        np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("name", FUNCS)
def test_integer_division_by_zero_raises_like_torch(torch, name):
    # PyTorch raises RuntimeError("ZeroDivisionError"); here it is Python's own exception
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        getattr(torch, name)(torch.tensor([3, 4]), torch.tensor([1, 0]))
    with pytest.raises(ZeroDivisionError, match=rf"{name}: integer division by zero.*a\.double"):
        getattr(ac, name)(ac.tensor([3, 4]), ac.tensor([1, 0]))
    with pytest.raises(ZeroDivisionError, match=name):
        getattr(ac, name)(ac.tensor([3, 4]), 0)


@pytest.mark.parametrize("name", FUNCS)
def test_two_bool_tensors_are_refused(name):
    t = ac.tensor([True, False])
    with pytest.raises(DTypeError, match=rf"{name}: not defined for two bool tensors.*a\.long"):
        getattr(ac, name)(t, ac.tensor([True, True]))


# -- gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["remainder", "fmod"])
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_gradients_match_torch(torch, rng, name, sa, sb):
    a, b = _off_integer(rng, sa, sb)
    x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    ty = torch.tensor(b, requires_grad=True)
    gz = rng.standard_normal(np.broadcast_shapes(sa, sb))
    ours = ac.grad(getattr(ac, name)(x, y), [x, y], ac.tensor(gz))
    theirs = torch.autograd.grad(getattr(torch, name)(tx, ty), [tx, ty], torch.tensor(gz))
    for g, tg in zip(ours, theirs):
        np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
def test_gradient_closed_form(rng, name):
    a, b = _off_integer(rng, (3, 4), (4,))
    x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    gx, gy = ac.grad(getattr(ac, name)(x, y).sum(), [x, y])
    quotient = np.floor(a / b) if name == "remainder" else np.trunc(a / b)
    np.testing.assert_array_equal(gx.data, np.ones_like(a))
    np.testing.assert_allclose(gy.data, -quotient.sum(axis=0), rtol=1e-14)


@pytest.mark.parametrize("name", ["remainder", "fmod"])
@pytest.mark.parametrize(("sa", "sb"), SHAPES)
def test_gradcheck_first_and_second_order(rng, name, sa, sb):
    a, b = _off_integer(rng, sa, sb)
    inputs = (ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True))
    fn = getattr(ac, name)
    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs)


def test_second_derivative_matches_torch(torch, rng):
    # d/dz̄ of b̄ = −z̄ ⌊a/b⌋ is −⌊a/b⌋: a double backward through the recorded VJP
    a, b = _off_integer(rng, (5,), (5,))
    x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    gz = ac.tensor(np.ones(5), requires_grad=True)
    (gy,) = ac.grad(ac.remainder(x, y), [y], gz, create_graph=True)
    (ggz,) = ac.grad((gy * gy).sum(), [gz])
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    tgz = torch.ones(5, dtype=torch.float64, requires_grad=True)
    (tgy,) = torch.autograd.grad(torch.remainder(tx, ty), [ty], tgz, create_graph=True)
    (tggz,) = torch.autograd.grad((tgy * tgy).sum(), [tgz])
    np.testing.assert_allclose(ggz.data, tggz.numpy(), rtol=1e-12)


def test_a_scalar_divisor_gets_no_gradient_and_the_dividend_one(rng):
    x = ac.tensor(rng.uniform(1, 3, 4), requires_grad=True)
    (g,) = ac.grad((x % 0.75).sum(), [x])
    np.testing.assert_array_equal(g.data, np.ones(4))


def test_floor_divide_has_no_gradient(torch):
    # PyTorch records a node and raises on backward; here, as floor and round, nothing is
    # recorded, so the result does not require grad (and backward through it alone raises).
    x = ac.tensor([5.5, -5.5], requires_grad=True)
    assert not (x // 2).requires_grad
    assert not ac.floor_divide(x, x).requires_grad
    tx = torch.tensor([5.5, -5.5], requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        (tx // 2).sum().backward()
    with pytest.raises(ac.BackwardError):
        (x // 2).sum().backward()
