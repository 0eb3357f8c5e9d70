"""take_along_dim, index_put / index_put_ and put / put_ against PyTorch (values and gradients),
NumPy's assignment for repeated positions, gradcheck of order 1 and 2, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 2))


def _grads(lib, fn, arrays):
    ts = [lib.tensor(a, requires_grad=True) for a in arrays]
    y = fn(lib, *ts)
    gy = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (y * lib.tensor(gy)).sum().backward()
    return [y.detach().numpy(), *(t.grad.numpy() for t in ts)]


def _same_as_torch(torch, fn, arrays):
    mine, ref = _grads(ac, fn, arrays), _grads(torch, fn, arrays)
    for a, b in zip(mine, ref, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(
    ("index", "dim"),
    [
        (RNG.integers(0, 4, (3, 5, 2)), 1),
        (RNG.integers(0, 4, (1, 3, 2)), -2),  # broadcasts over dim 0
        (RNG.integers(0, 3, (3, 4, 1)), 0),  # broadcasts over dim 2
        (RNG.integers(0, 24, (2, 5)), None),  # both flattened
    ],
)
def test_take_along_dim_matches_torch(torch, index, dim):
    def fn(lib, x):
        return lib.take_along_dim(x, lib.tensor(index), dim)

    _same_as_torch(torch, fn, [X])
    x, i = ac.tensor(X), ac.tensor(index)
    np.testing.assert_array_equal(x.take_along_dim(i, dim).numpy(), fn(ac, x).numpy())


INDEX_CASES = {
    "ints": ((np.array([0, 2, 1]), np.array([3, 0, 1])), (3, 2)),
    "broadcast_index": ((np.array([[0], [2]]), np.array([1, 3])), (2,)),
    "one_axis": ((np.array([2, 0]),), (1, 2)),
    "bool_mask": ((np.array([True, False, True]),), (2, 4, 2)),
    "mask_2d": ((RNG.random((3, 4)) < 0.5,), ()),
    "negative": ((np.array([-1, 0]), np.array([-4, 2]), np.array([1, -2])), ()),
}


@pytest.mark.parametrize("accumulate", [False, True])
@pytest.mark.parametrize("case", list(INDEX_CASES))
def test_index_put_matches_torch(torch, case, accumulate):
    indices, vshape = INDEX_CASES[case]
    values = RNG.standard_normal(vshape)

    def fn(lib, x, v):
        return lib.index_put(x, tuple(lib.tensor(i) for i in indices), v, accumulate)

    _same_as_torch(torch, fn, [X, values])


def test_index_put_repeated_positions(torch):
    """accumulate adds every value (as PyTorch); assignment keeps the last (as NumPy)."""
    rows, cols = np.array([0, 1, 0, 0]), np.array([2, 3, 2, 2])
    values = np.array([1.0, 2.0, 3.0, 4.0])

    def fn(lib, x, v):
        return lib.index_put(x, (lib.tensor(rows), lib.tensor(cols)), v, accumulate=True)

    base = X[:, :, 0]
    _same_as_torch(torch, fn, [base, values])
    x = ac.tensor(base)
    v = ac.tensor(values, requires_grad=True)
    y = x.index_put((ac.tensor(rows), ac.tensor(cols)), v)
    expected = base.copy()
    expected[rows, cols] = values
    np.testing.assert_array_equal(y.numpy(), expected)
    y.sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), [0.0, 1.0, 0.0, 1.0])  # only the kept ones


@pytest.mark.parametrize("accumulate", [False, True])
def test_put_matches_torch(torch, accumulate):
    index = np.array([[0, 23], [-1, 5]]) if accumulate else np.array([[0, 22], [-1, 5]])
    source = RNG.standard_normal((2, 2))

    def fn(lib, x, s):
        return lib.put(x, lib.tensor(index), s, accumulate)

    _same_as_torch(torch, fn, [X, source])


def test_in_place_forms(torch):
    ours, theirs = ac.tensor(X.copy()), torch.tensor(X.copy())
    index = (np.array([0, 2]), np.array([1, 1]))
    view = ours[0]
    ours.index_put_(tuple(ac.tensor(i) for i in index), ac.tensor(5.0), accumulate=True)
    theirs.index_put_(
        tuple(torch.tensor(i) for i in index),
        torch.tensor(5.0, dtype=torch.float64),
        accumulate=True,
    )
    ours.put_(ac.tensor([0, -1]), ac.tensor([7.0, 8.0]))
    theirs.put_(torch.tensor([0, -1]), torch.tensor([7.0, 8.0], dtype=torch.float64))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    np.testing.assert_array_equal(view.numpy(), theirs[0].numpy())  # written in place
    # recorded: the gradient reaches the values and the input's unwritten entries
    w = ac.tensor(X, requires_grad=True)
    v = ac.tensor([1.0, 2.0], requires_grad=True)
    y = w * 1.0
    y.index_put_((ac.tensor([0, 1]), ac.tensor([0, 0]), ac.tensor([0, 0])), v)
    (y * y).sum().backward()
    np.testing.assert_allclose(v.grad.numpy(), [2.0, 4.0])
    expected = 2 * X
    expected[[0, 1], 0, 0] = 0
    np.testing.assert_allclose(w.grad.numpy(), expected)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, v: ac.take_along_dim(x, ac.tensor([[[0, 1]], [[3, 3]], [[2, 0]]]), 1) * v.sum(),
        lambda x, v: ac.index_put(x, (ac.tensor([0, 2, 0]), ac.tensor([1, 3, 1])), v, True),
        lambda x, v: ac.index_put(x, (ac.tensor([0, 2, 0]), ac.tensor([1, 3, 1])), v),
        lambda x, v: ac.put(x, ac.tensor([[1, -1], [1, 4]]), v.reshape(-1)[:4].reshape(2, 2), True),
        lambda x, v: ac.put(x, ac.tensor([1, -1, 3]), v[:, 0]),
    ],
    ids=["take_along_dim", "index_put_acc", "index_put", "put_acc", "put"],
)
def test_gradcheck_first_and_second_order(fn):
    x = ac.tensor(RNG.standard_normal((3, 4, 2)), requires_grad=True)
    v = ac.tensor(RNG.standard_normal((3, 2)), requires_grad=True)

    def squared(x, v):
        return fn(x, v) ** 2

    assert ac.gradcheck(squared, [x, v])
    assert ac.gradgradcheck(squared, [x, v])


def test_errors():
    x = ac.zeros(2, 3)
    with pytest.raises(TypeError, match="tuple of tensors"):
        x.index_put(ac.tensor([0]), ac.tensor(1.0))
    with pytest.raises(ac.DTypeError, match="index 0 has dtype float"):
        x.index_put((ac.tensor([0.0]),), ac.tensor(1.0))
    with pytest.raises(ac.ShapeError, match="do not index a tensor of shape"):
        x.index_put((ac.tensor([2]),), ac.tensor(1.0))
    with pytest.raises(ac.ShapeError, match="cannot be broadcast"):
        x.index_put((ac.tensor([0, 1]),), ac.ones(2, 2))
    with pytest.raises(ac.ShapeError, match="same number of entries"):
        x.put(ac.tensor([0, 1]), ac.ones(3))
    with pytest.raises(ac.ShapeError, match=r"out of range .* use \[-6, 6\)"):
        x.put(ac.tensor([6]), ac.ones(1))
    with pytest.raises(ac.ShapeError, match="same number of axes"):
        ac.take_along_dim(x, ac.tensor([0]), 1)
    leaf = ac.zeros(2, requires_grad=True)
    with pytest.raises(ac.GraphError, match="index_put_"):
        leaf.index_put_((ac.tensor([0]),), ac.tensor(1.0))
