"""median, nanmedian, kthvalue, mode, msort, aminmax and count_nonzero against torch in float64
(values, int64 indices, keepdim, negative dims, 0-d, NaN, ties) and NumPy, gradients (to the
returned index, or split among ties without dim), gradchecks of order 1 and 2, and each error.
Index tests with a dim avoid ties at the selected value: PyTorch leaves that index unspecified."""

from __future__ import annotations

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac

NAN = np.nan
A = np.array([[4.0, 1.0, 3.0, 2.0, 9.0], [0.5, 5.0, -6.0, 7.0, 8.0], [2.0, -1.0, 0.0, 3.5, 1.5]])
WITH_NAN = np.array([[1.0, NAN, 3.0, 2.0], [4.0, 1.0, 0.5, 2.0], [NAN, NAN, NAN, NAN]])


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("dim, keepdim", [(1, False), (0, True), (-1, True), (-2, False)])
def test_median_along_dim_matches_torch(torch, name, dim, keepdim):
    outs = compare_with_torch(torch, lambda m, x: getattr(m, name)(x, dim, keepdim), A)
    lower = np.sort(A, axis=dim)[(slice(None),) * (dim % 2) + ((A.shape[dim] - 1) // 2,)]
    np.testing.assert_array_equal(outs[0].numpy().squeeze(dim) if keepdim else outs[0], lower)
    gradchecks(lambda x: getattr(ac, name)(x, dim, keepdim).values, A)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("dim", [0, 1])
def test_median_with_nan_matches_torch(torch, name, dim):
    rows = WITH_NAN if name == "median" or dim == 0 else WITH_NAN[:2]
    compare_with_torch(torch, lambda m, x: getattr(m, name)(x, dim), rows)
    compare_with_torch(torch, lambda m, x: getattr(m, name)(x), WITH_NAN[:2], grad=False)
    # an all-NaN row: NaN, index 0 (torch's index there depends on its partial sort)
    values, indices = getattr(ac, name)(ac.tensor(WITH_NAN), 1)
    assert np.isnan(values.numpy()[2]) and indices.numpy()[2] == 0


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize(
    "a",
    [
        np.array([3.0, 1.0, 3.0, 1.0]),  # ties: the gradient is split among equal entries
        np.array([[2.0, 2.0, 5.0], [2.0, 1.0, 0.0]]),
        np.array([1.0, NAN, 2.0, 0.5, 0.75]),
        np.array(2.5),
        np.zeros((2, 0)),
    ],
)
def test_global_median_matches_torch(torch, name, a):
    grad = not np.isnan(a).any() or name == "nanmedian"
    compare_with_torch(torch, lambda m, x: getattr(m, name)(x), a, grad=grad)


def test_global_median_gradgradcheck_and_numpy():
    a = np.array([[0.3, -1.2, 2.0], [1.1, 0.7, -0.4]])
    gradchecks(ac.median, a)
    assert ac.median(ac.tensor(a)).item() == np.sort(a.ravel())[2]
    assert ac.nanmedian(ac.tensor([1.0, NAN, 3.0, 2.0])).item() == 2.0


def test_median_of_0d_and_int_input(torch):
    for name in ("median", "nanmedian", "mode"):
        compare_with_torch(torch, lambda m, x, n=name: getattr(m, n)(x, 0), 2.5)
    ints = np.array([[3, 1, 2, 2], [5, 5, 4, 9]])
    compare_with_torch(torch, lambda m, x: m.median(x, 1), ints)
    compare_with_torch(torch, lambda m, x: m.median(x), ints)


@pytest.mark.parametrize("k, dim, keepdim", [(1, -1, False), (3, 1, True), (2, 0, False)])
def test_kthvalue_matches_torch_and_numpy(torch, k, dim, keepdim):
    outs = compare_with_torch(torch, lambda m, x: x.kthvalue(k, dim, keepdim), A)
    want = np.take(np.sort(A, axis=dim), k - 1, axis=dim)
    np.testing.assert_array_equal(outs[0].numpy().reshape(want.shape), want)
    gradchecks(lambda x: ac.kthvalue(x, k, dim, keepdim).values, A)
    compare_with_torch(torch, lambda m, x: x.kthvalue(3), WITH_NAN[:2])


@pytest.mark.parametrize(
    "a, dim",
    [
        (np.array([1.0, 2.0, 2.0, 1.0, 3.0]), -1),  # equal counts: the smaller, last position
        (np.array([[3.0, 3.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0], [7.0, 2.0, 7.0, 2.0]]), 1),
        (np.array([[3.0, 3.0, 1.0], [1.0, 2.0, 1.0]]), 0),
    ],
)
def test_mode_matches_torch(torch, a, dim):
    compare_with_torch(torch, lambda m, x: x.mode(dim), a)
    compare_with_torch(torch, lambda m, x: x.mode(dim, True), a)


def test_mode_without_torch_and_gradient_to_the_index():
    x = ac.tensor([4.0, 2.0, 4.0, 2.0, 2.0], requires_grad=True)
    values, indices = ac.mode(x)
    assert (values.item(), indices.item()) == (2.0, 4)
    (g,) = ac.grad(values, x)
    assert g.tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_msort_and_aminmax_match_torch(torch):
    compare_with_torch(torch, lambda m, x: m.msort(x), A)
    compare_with_torch(torch, lambda m, x: x.msort(), np.array(1.5))
    ties = np.array([[1.0, 3.0, 3.0], [0.0, 0.0, 2.0]])  # ties split the gradient, as torch
    for kwargs in ({}, {"dim": 1}, {"dim": -2, "keepdim": True}, {"keepdim": True}):
        outs = compare_with_torch(torch, lambda m, x, k=kwargs: m.aminmax(x, **k), ties)
        assert outs[0].shape == outs[1].shape
    result = ac.tensor(A).aminmax()
    assert (result.min.item(), result.max.item()) == (A.min(), A.max())
    gradchecks(lambda x: ac.aminmax(x, dim=0).max, A)


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1), (1,)])
def test_count_nonzero_matches_torch(torch, dim):
    a = np.array([[0.0, 1.0, NAN], [0.0, 0.0, -2.0]])
    outs = compare_with_torch(torch, lambda m, x: x.count_nonzero(dim), a, grad=False)
    np.testing.assert_array_equal(outs[0].numpy(), np.count_nonzero(a, axis=dim))
    assert ac.count_nonzero(ac.tensor(0.0)).item() == 0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ac.median(ac.ones(2, 0), 1), ac.ShapeError, "median: cannot select from dim 1"),
        (lambda: ac.nanmedian(ac.ones(2), 1), ac.ShapeError, "nanmedian: dim 1 is out of range"),
        (lambda: ac.mode(ac.ones(0)), ac.ShapeError, "mode: cannot select from dim 0 of size 0"),
        (lambda: ac.kthvalue(ac.ones(3), 0), ac.ShapeError, "kthvalue: k=0 is out of range"),
        (lambda: ac.kthvalue(ac.ones(3), 4), ac.ShapeError, "Pass k from 1 to 3"),
        (lambda: ac.kthvalue(ac.ones(3), 1.0), TypeError, "kthvalue: k must be an int"),
        (lambda: ac.aminmax(ac.ones(0)), ac.ShapeError, "aminmax"),
        (lambda: ac.aminmax(ac.ones(2, 2), dim=(0, 1)), TypeError, "aminmax: dim must be an int"),
        (lambda: ac.count_nonzero(ac.ones(2), 1), ac.ShapeError, "count_nonzero: dim 1 is out"),
    ],
)
def test_order_stat_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
