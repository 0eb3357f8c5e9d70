"""nonzero/argwhere/where(cond), roll and scatter: values against PyTorch and NumPy, gradients of
order 1 and 2, edge cases and error paths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from f64_values import randn64  # tests/autograd_core/f64_values.py

import autograd_core as ac
from autograd_core.errors import DTypeError, GraphError, ShapeError

INF, NAN = float("inf"), float("nan")


# -- nonzero, argwhere, where(cond) -----------------------------------------------------------


@pytest.mark.parametrize(
    "x",
    [
        np.array([[0.0, 1.0], [2.0, 0.0]]),
        np.array([[[0, 3], [0, 0]], [[1, 0], [0, 2]]]),
        np.array(3.0),
        np.array(0.0),
        np.zeros((0, 3)),
        np.array([NAN, 0.0, -0.0, INF]),
        np.array([True, False, True]),
    ],
    ids=["matrix", "3-D ints", "0-d nonzero", "0-d zero", "empty", "nan inf -0", "bool"],
)
def test_nonzero_argwhere_where_match_torch(torch, x):
    t = torch.tensor(x)
    ours = ac.nonzero(ac.tensor(x))
    assert ours.dtype == ac.int64 and not ours.requires_grad
    np.testing.assert_array_equal(ours.numpy(), torch.nonzero(t).numpy())
    assert ours.shape == tuple(torch.nonzero(t).shape)
    np.testing.assert_array_equal(ac.argwhere(ac.tensor(x)).numpy(), torch.argwhere(t).numpy())
    for ours_t, theirs_t in [
        (ac.tensor(x).nonzero(as_tuple=True), torch.nonzero(t, as_tuple=True)),
        (ac.where(ac.tensor(x)), torch.where(t)),
    ]:
        assert len(ours_t) == len(theirs_t)
        for a, b in zip(ours_t, theirs_t, strict=True):
            assert a.dtype == ac.int64 and a.shape == tuple(b.shape)
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_nonzero_matches_numpy_and_indexes_back():
    x = np.array([[0.0, 1.5, 0.0], [-2.0, 0.0, 3.0]])
    rows = ac.tensor(x).nonzero()
    np.testing.assert_array_equal(rows.numpy(), np.argwhere(x))
    picked = ac.tensor(x)[ac.tensor(x).nonzero(as_tuple=True)]
    np.testing.assert_array_equal(picked.numpy(), x[np.nonzero(x)])


def test_nonzero_of_a_tensor_that_requires_grad_records_nothing():
    x = ac.tensor([0.0, 2.0], requires_grad=True)
    assert not x.nonzero().requires_grad
    assert not any(t.requires_grad for t in ac.where(x > 1))


def test_where_with_two_of_three_arguments_raises():
    with pytest.raises(TypeError, match="cond alone"):
        ac.where(ac.tensor([True]), ac.tensor([1.0]))


# -- roll -------------------------------------------------------------------------------------

ROLLS = [
    ((2, 3), 1, None),
    ((2, 3), -7, None),
    ((2, 3), 1, 1),
    ((2, 3), (1, 2), (0, 1)),
    ((2, 3, 4), (5, -1), (-1, 0)),
    ((3, 4), (1, 1), (1, 1)),
    ((), 3, None),
    ((0, 3), 2, 0),
    ((0, 3), 2, None),
    ((4, 1), 3, 1),
]


@pytest.mark.parametrize(("shape", "shifts", "dims"), ROLLS)
def test_roll_matches_torch_values_and_gradients(torch, rng, shape, shifts, dims):
    x = rng.standard_normal(shape)
    ours = ac.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y, ty = ac.roll(ours, shifts, dims), torch.roll(theirs, shifts, dims)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    g = rng.standard_normal(shape)
    (gx,) = ac.grad(y, ours, ac.tensor(g))
    (tgx,) = torch.autograd.grad(ty, theirs, torch.tensor(g))
    np.testing.assert_allclose(gx.numpy(), tgx.numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize(("shape", "shifts", "dims"), ROLLS)
def test_roll_matches_numpy(rng, shape, shifts, dims):
    x = rng.standard_normal(shape)
    np.testing.assert_array_equal(
        ac.roll(ac.tensor(x), shifts, dims).numpy(), np.roll(x, shifts, dims)
    )


@pytest.mark.parametrize(("shape", "shifts", "dims"), [r for r in ROLLS if 0 not in r[0]])
def test_roll_gradcheck_first_and_second_order(rng, shape, shifts, dims):
    x = randn64(rng, *shape)

    def f(t):
        return ac.roll(t, shifts, dims) * ac.roll(t, 1)  # nonlinear, so order 2 is not 0

    assert ac.gradcheck(f, (x,)) and ac.gradgradcheck(f, (x,))


def test_roll_is_a_method_and_keeps_ints(torch):
    x = ac.arange(6).reshape(2, 3)
    assert x.roll(1, 0).tolist() == torch.arange(6).view(2, 3).roll(1, 0).tolist()
    assert x.roll(1, 0).dtype == ac.int64


@pytest.mark.parametrize(
    ("shifts", "dims", "error", "match"),
    [
        ((1, 2), 0, ValueError, "must pair up"),
        ((1, 2), None, ValueError, "must pair up"),
        (1, (0, 1), ValueError, "must pair up"),
        ((), (), ValueError, "shifts is empty"),
        (1.5, None, TypeError, "shifts must be an int"),
        (True, None, TypeError, "shifts must be an int"),
        (1, 2, ShapeError, "out of range"),
        (1, 0.5, TypeError, "dims must be an int"),
    ],
)
def test_roll_errors(shifts, dims, error, match):
    with pytest.raises(error, match=match):
        ac.roll(ac.zeros(2, 3), shifts, dims)


def test_roll_of_0d_with_a_dim_raises():
    with pytest.raises(ShapeError, match="0-d tensor has no dims"):
        ac.roll(ac.tensor(1.0), 1, 0)


# -- scatter ----------------------------------------------------------------------------------


def test_scatter_matches_torch_for_src_and_value(torch):
    x = np.arange(1.0, 7.0).reshape(2, 3)
    index = np.array([[2, 0]])
    src = np.array([[9.0, 8.0]])
    t, ti = torch.tensor(x), torch.tensor(index)
    cases = [
        (ac.tensor(x).scatter(1, index, ac.tensor(src)), t.scatter(1, ti, torch.tensor(src))),
        (ac.tensor(x).scatter(1, index, 7.0), t.scatter(1, ti, 7.0)),
        (ac.scatter(ac.tensor(x), 1, index, value=3), torch.scatter(t, 1, ti, value=3)),
        (ac.tensor(x).long().scatter(1, index, 2.5), t.long().scatter(1, ti, 2.5)),
        (
            ac.tensor(3.0).scatter(0, np.array(0), 5.0),
            torch.tensor(3.0).scatter(0, 0 * ti[0, 0], 5.0),
        ),
    ]
    for ours, theirs in cases:
        assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_reduce_matches_torch(torch, reduce):
    x = np.arange(1.0, 7.0).reshape(2, 3)
    index, src = np.array([[1, 1, 0]]), np.array([[2.0, 3.0, 4.0]])
    ours = ac.tensor(x).scatter(0, index, ac.tensor(src), reduce=reduce)
    with warnings.catch_warnings():  # (PyTorch deprecates reduce= with a tensor src)
        warnings.simplefilter("ignore", UserWarning)
        theirs = torch.tensor(x).scatter(0, torch.tensor(index), torch.tensor(src), reduce=reduce)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    value = ac.tensor(x).scatter(1, np.array([[2, 2]]), 2.0, reduce=reduce)
    tvalue = torch.tensor(x).scatter(1, torch.tensor([[2, 2]]), 2.0, reduce=reduce)
    np.testing.assert_array_equal(value.numpy(), tvalue.numpy())


def test_scatter_gradients_match_torch(torch, rng):
    x, src = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    index = np.array([[0, 2, 1, 2], [1, 0, 2, 0]])
    ours = [ac.tensor(a, requires_grad=True) for a in (x, src)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, src)]
    y = ours[0].scatter(0, index, ours[1])
    ty = theirs[0].scatter(0, torch.tensor(index), theirs[1])
    g = rng.standard_normal((3, 4))
    grads = ac.grad(y, ours, ac.tensor(g), retain_graph=True)
    for a, b in zip(grads, torch.autograd.grad(ty, theirs, torch.tensor(g)), strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=0)
    # NumPy: x̄ is ȳ with the written entries zeroed, src̄ picks ȳ where src was written
    written = np.zeros((3, 4), bool)
    written[index, np.arange(4)] = True
    np.testing.assert_array_equal(grads[0].numpy(), np.where(written, 0, g))


def test_scatter_gradcheck_first_and_second_order(rng):
    xs = [randn64(rng, 3, 4), randn64(rng, 3, 2)]
    index = np.array([[0, 3], [2, 1], [3, 0]])

    def f(x, src):
        return ac.scatter(x * x, 1, index, src * src) * x

    assert ac.gradcheck(f, xs) and ac.gradgradcheck(f, xs)


def test_scatter_in_place(torch):
    x = ac.zeros(2, 3)
    out = x.scatter_(1, np.array([[2, 0]]), 4.0)
    assert out is x and x.tolist() == [[4.0, 0.0, 4.0], [0.0, 0.0, 0.0]]
    leaf = ac.zeros(2, 3, requires_grad=True)
    with pytest.raises(GraphError, match="in-place"):
        leaf.scatter_(1, np.array([[0]]), 1.0)
    y = leaf * 2  # recorded: the gradient skips the overwritten entry
    y.scatter_(1, np.array([[0]]), ac.tensor([[5.0]]))
    y.sum().backward()
    assert leaf.grad.tolist() == [[0.0, 2.0, 2.0], [2.0, 2.0, 2.0]]


def test_scatter_errors():
    x = ac.zeros(2, 3)
    with pytest.raises(DTypeError, match="index must hold integers"):
        x.scatter(1, np.array([[1.0]]), 1.0)
    with pytest.raises(DTypeError, match="src has dtype"):
        x.scatter(1, np.array([[1]]), ac.tensor([[1.0]], dtype=ac.float64))
    with pytest.raises(ShapeError, match="out of range"):
        x.scatter(1, np.array([[3]]), 1.0)
    with pytest.raises(ShapeError, match="does not fit"):
        x.scatter(1, np.array([2, 0]), 1.0)
    with pytest.raises(ShapeError, match="larger than src"):
        x.scatter(1, np.array([[2, 0]]), ac.zeros(1, 1))
    with pytest.raises(ValueError, match="reduce must be"):
        x.scatter(1, np.array([[0]]), 1.0, reduce="mean")
    with pytest.raises(TypeError, match="pass src"):
        ac.scatter(x, 1, np.array([[0]]))
    with pytest.raises(TypeError, match="not both"):
        ac.scatter(x, 1, np.array([[0]]), ac.zeros(1, 1), value=1.0)
    with pytest.raises(GraphError, match="no gradient"):
        ac.zeros(2, 3, requires_grad=True).scatter(1, np.array([[0]]), 2.0, reduce="multiply")


# -- NumPy references (no torch) ----------------------------------------------------------------


def test_scatter_matches_numpy(rng):
    x, src = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    index = np.array([[3, 0, 1], [1, 2, 0]])
    expected = x.copy()
    expected[index, np.arange(3)] = src
    np.testing.assert_array_equal(ac.tensor(x).scatter(0, index, ac.tensor(src)).numpy(), expected)
