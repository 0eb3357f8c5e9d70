"""hstack, vstack, row_stack, dstack, column_stack, tensor_split, hsplit, vsplit, dsplit,
broadcast_tensors, mm, t, ravel, moveaxis, swapdims, select, rot90, fliplr, flipud, addcmul,
addcdiv, vander and combinations against PyTorch (values, dtypes, float64 gradients), against
NumPy without torch, gradcheck and gradgradcheck, and every error path."""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

# id, fn(module, *tensors) (the same code runs on autograd_core and on torch), input shapes
CASES = [
    ("hstack-1d", lambda m, a, b: m.hstack([a, b]), [(3,), (2,)]),
    ("hstack-2d", lambda m, a, b: m.hstack([a, b]), [(2, 1), (2, 3)]),
    ("hstack-0d", lambda m, a, b: m.hstack([a, b]), [(), (2,)]),
    ("hstack-empty", lambda m, a, b: m.hstack([a, b]), [(2, 0), (2, 2)]),
    ("vstack", lambda m, a, b: m.vstack([a, b]), [(3,), (2, 3)]),
    ("vstack-0d", lambda m, a, b: m.vstack([a, b]), [(), ()]),
    ("vstack-empty", lambda m, a, b: m.vstack([a, b]), [(0, 3), (1, 3)]),
    ("row_stack", lambda m, a, b: m.row_stack((a, b)), [(3,), (3,)]),
    ("dstack-1d", lambda m, a, b: m.dstack([a, b]), [(3,), (3,)]),
    ("dstack-2d-3d", lambda m, a, b: m.dstack([a, b]), [(2, 3), (2, 3, 2)]),
    ("dstack-0d", lambda m, a, b: m.dstack([a, b]), [(), ()]),
    ("column_stack", lambda m, a, b: m.column_stack([a, b]), [(3,), (3, 2)]),
    ("column_stack-0d", lambda m, a, b: m.column_stack([a, b]), [(), (1, 2)]),
    ("column_stack-empty", lambda m, a, b: m.column_stack([a, b]), [(0,), (0, 2)]),
    ("tensor_split-int", lambda m, a: m.tensor_split(a, 3), [(5,)]),
    ("tensor_split-more-than-size", lambda m, a: a.tensor_split(4, dim=1), [(2, 3)]),
    ("tensor_split-list", lambda m, a: a.tensor_split([1, 4], dim=1), [(4, 6)]),
    ("tensor_split-unordered", lambda m, a: m.tensor_split(a, [3, 1, 7]), [(5,)]),
    ("tensor_split-negative", lambda m, a: m.tensor_split(a, (-2,), dim=-1), [(2, 5)]),
    ("tensor_split-empty", lambda m, a: m.tensor_split(a, 2), [(0, 3)]),
    ("hsplit-2d", lambda m, a: m.hsplit(a, 2), [(2, 4)]),
    ("hsplit-1d", lambda m, a: a.hsplit([2]), [(6,)]),
    ("vsplit", lambda m, a: m.vsplit(a, [1, 3]), [(4, 2)]),
    ("dsplit", lambda m, a: a.dsplit(2), [(1, 2, 4)]),
    ("broadcast_tensors", lambda m, a, b, c: m.broadcast_tensors(a, b, c), [(2, 1), (3,), ()]),
    ("mm", lambda m, a, b: m.mm(a, b), [(2, 3), (3, 4)]),
    ("mm-method-empty", lambda m, a, b: a.mm(b), [(0, 3), (3, 2)]),
    ("mm-inner-empty", lambda m, a, b: m.mm(a, b), [(2, 0), (0, 3)]),
    ("t-2d", lambda m, a: m.t(a), [(2, 3)]),
    ("t-1d", lambda m, a: a.t(), [(3,)]),
    ("t-0d", lambda m, a: a.t(), [()]),
    ("ravel", lambda m, a: m.ravel(a.t()), [(2, 3)]),
    ("ravel-0d", lambda m, a: a.ravel(), [()]),
    ("moveaxis", lambda m, a: m.moveaxis(a, [0, 1], [2, 0]), [(2, 3, 4)]),
    ("moveaxis-method", lambda m, a: a.moveaxis(-1, 0), [(2, 3, 4)]),
    ("swapdims", lambda m, a: m.swapdims(a, 0, -1), [(2, 3, 4)]),
    ("swapdims-method", lambda m, a: a.swapdims(1, 1), [(2, 3)]),
    ("select", lambda m, a: m.select(a, 1, -1), [(2, 3, 4)]),
    ("select-1d", lambda m, a: a.select(0, 2), [(3,)]),
    ("select-empty-batch", lambda m, a: a.select(1, 0), [(0, 2)]),
    ("rot90", lambda m, a: m.rot90(a), [(2, 3)]),
    ("rot90-k2", lambda m, a: m.rot90(a, 2), [(2, 3)]),
    ("rot90-k3", lambda m, a: a.rot90(3), [(2, 3)]),
    ("rot90-negative-k", lambda m, a: m.rot90(a, -1, [1, 0]), [(2, 3)]),
    ("rot90-k4", lambda m, a: m.rot90(a, 4), [(2, 3)]),
    ("rot90-3d-dims", lambda m, a: m.rot90(a, 1, (2, 0)), [(2, 3, 4)]),
    ("fliplr", lambda m, a: m.fliplr(a), [(2, 3)]),
    ("fliplr-3d", lambda m, a: a.fliplr(), [(2, 3, 2)]),
    ("flipud", lambda m, a: m.flipud(a), [(3,)]),
    ("flipud-2d", lambda m, a: a.flipud(), [(2, 3)]),
    ("addcmul", lambda m, a, b, c: m.addcmul(a, b, c, value=0.5), [(2, 1), (3,), (4, 1, 1)]),
    ("addcmul-method", lambda m, a, b, c: a.addcmul(b, c), [(2, 3), (2, 3), ()]),
    ("addcdiv", lambda m, a, b, c: m.addcdiv(a, b, c + 2.0, value=-2), [(2, 3), (3,), (2, 3)]),
    ("addcdiv-method", lambda m, a, b, c: a.addcdiv(b, c + 2.0), [(3,), (3,), (0, 3)]),
    ("vander", lambda m, a: m.vander(a), [(4,)]),
    ("vander-N", lambda m, a: m.vander(a, N=3, increasing=True), [(4,)]),
    ("vander-N1", lambda m, a: m.vander(a, 1), [(2,)]),
    ("vander-empty", lambda m, a: m.vander(a), [(0,)]),
    ("combinations", lambda m, a: m.combinations(a), [(4,)]),
    ("combinations-r3-repl", lambda m, a: m.combinations(a, 3, True), [(3,)]),
    ("combinations-r1", lambda m, a: m.combinations(a, r=1), [(3,)]),
    ("combinations-r-too-big", lambda m, a: m.combinations(a, r=5), [(3,)]),
]
IDS = [c[0] for c in CASES]


def _arrays(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize(("name", "fn", "shapes"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(name, fn, shapes, torch, rng):
    # torch.vander's own backward fails in 2.13 (an in-place write into a saved tensor), so
    # vander is compared on values here and on gradients by gradcheck and a closed form
    grads = not name.startswith("vander")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch.row_stack is deprecated
        compare_with_torch(torch, fn, *_arrays(rng, shapes), grad=grads, rng=rng)


@pytest.mark.parametrize(("name", "fn", "shapes"), CASES, ids=IDS)
def test_gradcheck_and_gradgradcheck(name, fn, shapes, rng):
    gradchecks(partial(fn, ac), *_arrays(rng, shapes))


@pytest.mark.parametrize(
    ("fn", "shapes"),
    [
        (lambda m, a, b: m.hstack([a, b]), [(3,), (2,)]),
        (lambda m, a: m.tensor_split(a, [1, 3]), [(5,)]),
        (lambda m, a: m.rot90(a, 1), [(2, 3)]),
        (lambda m, a: m.vander(a, 3), [(4,)]),
        (lambda m, a, b: m.addcmul(a, a, b, value=3), [(2,), (2,)]),
    ],
)
def test_integer_inputs_keep_their_dtype(fn, shapes, torch, rng):
    arrays = [rng.integers(-5, 5, s) for s in shapes]
    compare_with_torch(torch, fn, *arrays, grad=False)


def test_vander_of_bools_is_int64_and_has_zero_gradient_at_zero(torch):
    compare_with_torch(torch, lambda m, a: m.vander(a), np.array([True, False]), grad=False)
    x = ac.tensor([0.0, 2.0], dtype=ac.float64, requires_grad=True)
    ac.vander(x, 3).sum().backward()  # d/dx (x² + x + 1) = 2x + 1, finite at 0
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 5.0])
    x.grad = None
    ac.vander(x, 4, increasing=True).sum().backward()  # 1 + 2x + 3x²
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 17.0])


def test_combinations_r0_is_empty(torch):
    assert ac.combinations(ac.tensor([1.0, 2.0]), r=0).shape == (0,)
    assert tuple(torch.combinations(torch.tensor([1.0, 2.0]), r=0).shape) == (0,)


# -- NumPy references (no torch) ---------------------------------------------------------------


def test_stacks_match_numpy(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    for name in ("hstack", "vstack", "dstack", "column_stack"):
        got = getattr(ac, name)([ac.tensor(a), ac.tensor(b)]).numpy()
        np.testing.assert_array_equal(got, getattr(np, name)([a, b]))
    v = rng.standard_normal(4)
    np.testing.assert_array_equal(ac.column_stack([v, v]).numpy(), np.column_stack([v, v]))
    np.testing.assert_array_equal(ac.dstack([v, v]).numpy(), np.dstack([v, v]))


def test_splits_match_numpy(rng):
    x = rng.standard_normal((4, 6, 2))
    for spec in (3, 4, [1, 5], [4, 2, 9], [-1]):
        got = [p.numpy() for p in ac.tensor(x).tensor_split(spec, dim=1)]
        for g, w in zip(got, np.array_split(x, spec, axis=1), strict=True):
            np.testing.assert_array_equal(g, w)
    for name in ("hsplit", "vsplit", "dsplit"):
        got = [p.numpy() for p in getattr(ac, name)(ac.tensor(x), 2)]
        for g, w in zip(got, getattr(np, name)(x, 2), strict=True):
            np.testing.assert_array_equal(g, w)


def test_views_match_numpy(rng):
    x = rng.standard_normal((2, 3, 4))
    X = ac.tensor(x)
    np.testing.assert_array_equal(X.moveaxis(0, -1).numpy(), np.moveaxis(x, 0, -1))
    np.testing.assert_array_equal(X.swapdims(0, 2).numpy(), np.swapaxes(x, 0, 2))
    np.testing.assert_array_equal(X.ravel().numpy(), np.ravel(x))
    np.testing.assert_array_equal(X.select(2, 1).numpy(), x[:, :, 1])
    for k in range(-5, 6):
        np.testing.assert_array_equal(X.rot90(k, (1, 2)).numpy(), np.rot90(x, k, (1, 2)))
    np.testing.assert_array_equal(X.fliplr().numpy(), np.fliplr(x))
    np.testing.assert_array_equal(X.flipud().numpy(), np.flipud(x))
    m = x[0]
    np.testing.assert_array_equal(ac.tensor(m).t().numpy(), m.T)
    np.testing.assert_allclose(ac.mm(ac.tensor(m), ac.tensor(m.T)).numpy(), m @ m.T, rtol=1e-12)


def test_views_share_memory_with_the_input():
    x = ac.zeros(2, 3)
    for view in (x.t(), x.select(0, 1), x.swapdims(0, 1), x.moveaxis(0, 1), x.fliplr()):
        assert np.shares_memory(view.data, x.data)
    assert all(np.shares_memory(p.data, x.data) for p in x.tensor_split(2, dim=1))


def test_products_and_vander_match_numpy(rng):
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.random((3, 4)) + 1
    got = ac.addcmul(ac.tensor(a), ac.tensor(b), ac.tensor(c), value=2).numpy()
    np.testing.assert_allclose(got, a + 2 * b * c, rtol=1e-12)
    got = ac.addcdiv(ac.tensor(a), ac.tensor(b), ac.tensor(c), value=-1).numpy()
    np.testing.assert_allclose(got, a - b / c, rtol=1e-12)
    np.testing.assert_allclose(ac.vander(ac.tensor(b)).numpy(), np.vander(b), rtol=1e-12)
    np.testing.assert_allclose(
        ac.vander(ac.tensor(b), 3, increasing=True).numpy(), np.vander(b, 3, True), rtol=1e-12
    )


def test_combinations_match_itertools():
    import itertools

    x = ac.tensor([3, 5, 7, 9])
    assert ac.combinations(x, 3).tolist() == [
        list(c) for c in itertools.combinations([3, 5, 7, 9], 3)
    ]
    expected = [list(c) for c in itertools.combinations_with_replacement([3, 5, 7, 9], 2)]
    assert ac.combinations(x, 2, with_replacement=True).tolist() == expected


def test_combinations_gradient_counts_each_use():
    x = ac.tensor([1.0, 2.0, 3.0], dtype=ac.float64, requires_grad=True)
    ac.combinations(x, 2).sum().backward()  # each entry is in n - 1 = 2 pairs
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 2.0])


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ac.hstack([]), ShapeError, "hstack: expected a non-empty list"),
        (lambda: ac.vstack(ac.ones(2)), ShapeError, "vstack: expected a non-empty list"),
        (lambda: ac.dstack([ac.ones(2, 2), ac.ones(3, 2)]), ShapeError, "cat: input 1"),
        (lambda: ac.tensor_split(ac.tensor(1.0), 2), ShapeError, "at least a 1-D tensor"),
        (lambda: ac.tensor_split(ac.ones(4), 0), ShapeError, "number of sections must be at"),
        (lambda: ac.tensor_split(ac.ones(4), [1.5]), TypeError, "split indices must be ints"),
        (lambda: ac.tensor_split(ac.ones(4), 2.0), TypeError, "indices_or_sections must be"),
        (lambda: ac.tensor_split(ac.ones(4), ac.ones(2)), TypeError, "integer tensor"),
        (lambda: ac.tensor_split(ac.ones(4), 2, dim=1), ShapeError, "dim 1 is out of range"),
        (lambda: ac.hsplit(ac.ones(2, 4), 3), ShapeError, "hsplit: cannot split dim 1 of size 4"),
        (
            lambda: ac.hsplit(ac.tensor(1.0), 1),
            ShapeError,
            "hsplit: needs a tensor with at least 1",
        ),
        (lambda: ac.vsplit(ac.ones(4), 2), ShapeError, "vsplit: needs a tensor with at least 2"),
        (lambda: ac.dsplit(ac.ones(2, 2), 2), ShapeError, "dsplit: needs a tensor with at least 3"),
        (lambda: ac.broadcast_tensors(ac.ones(2), ac.ones(3)), ShapeError, "broadcast_tensors"),
        (lambda: ac.mm(ac.ones(2), ac.ones(2, 2)), ShapeError, "mm: needs 2-D and 2-D"),
        (lambda: ac.mm(ac.ones(2, 3), ac.ones(2, 2)), ShapeError, r"mm: the contracted sizes"),
        (
            lambda: ac.mm(ac.ones(2, 3), ac.ones(3, 2, dtype=ac.float64)),
            DTypeError,
            "mm: both operands need one dtype",
        ),
        (lambda: ac.ones(2, 2, 2).t(), ShapeError, r"t: expects a tensor with <= 2 dimensions"),
        (lambda: ac.ones(3).select(0, 3), ShapeError, r"select: index 3 is out of range"),
        (lambda: ac.ones(3).select(0, -4), ShapeError, r"select: index -4 is out of range"),
        (lambda: ac.tensor(1.0).select(0, 0), ShapeError, "select: cannot select from a 0-d"),
        (lambda: ac.ones(3).select(1, 0), ShapeError, "select: dim 1 is out of range"),
        (lambda: ac.ones(2, 2).rot90(1, [0]), ShapeError, "rot90: dims must name exactly 2"),
        (lambda: ac.ones(2).rot90(1, [0, 1]), ShapeError, "rot90: needs a tensor with at least 2"),
        (lambda: ac.ones(2, 2).rot90(1, [0, -2]), ShapeError, "rot90: the two dims must differ"),
        (lambda: ac.ones(2, 2).rot90(1, [0, 2]), ShapeError, "rot90: dim 2 is out of range"),
        (lambda: ac.ones(2).fliplr(), ShapeError, "fliplr: input must be >= 2-D"),
        (lambda: ac.tensor(1.0).flipud(), ShapeError, "flipud: input must be >= 1-D"),
        (lambda: ac.ones(2, 2).moveaxis([0, 0], [0, 1]), ShapeError, "movedim: repeated dims"),
        (lambda: ac.ones(2, 2).swapdims(0, 2), ShapeError, "transpose"),
        (
            lambda: ac.addcdiv(ac.ones(2), ac.tensor([1, 2]), ac.tensor([2, 2])),
            DTypeError,
            "addcdiv: integer division is not supported",
        ),
        (lambda: ac.addcmul(ac.ones(2), ac.ones(3), ac.ones(2)), ShapeError, "broadcast"),
        (lambda: ac.vander(ac.ones(2, 2)), ShapeError, "vander: x must be a 1-D tensor"),
        (lambda: ac.vander(ac.tensor(1.0)), ShapeError, "vander: x must be a 1-D tensor"),
        (lambda: ac.vander(ac.ones(2), N=-1), ShapeError, "vander: N must be non-negative"),
        (lambda: ac.combinations(ac.ones(2, 2)), ShapeError, "combinations: expects a 1-D"),
        (lambda: ac.combinations(ac.ones(3), r=-1), ShapeError, "r must be non-negative"),
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


NEW_NAMES = (
    "hstack vstack row_stack dstack column_stack hsplit vsplit dsplit tensor_split mm t ravel "
    "moveaxis swapdims select take repeat_interleave rot90 fliplr flipud masked_select "
    "masked_scatter index_fill index_copy isin broadcast_tensors addcmul addcdiv logspace normal "
    "poisson randint_like bitwise_and bitwise_or bitwise_xor bitwise_not gcd lcm combinations "
    "vander unique_consecutive unravel_index select_scatter slice_scatter scatter_reduce"
).split()


@pytest.mark.parametrize("name", NEW_NAMES)
def test_each_name_is_a_function_and_a_method_exactly_where_torch_has_one(name, torch):
    assert callable(getattr(ac, name)) and hasattr(torch, name)
    assert hasattr(ac.Tensor, name) == hasattr(torch.Tensor, name)
