"""diff, trapezoid and cumulative_trapezoid against torch (values and gradients in float64) and
NumPy (np.diff, np.trapezoid), gradchecks of order 1 and 2, edge cases and each error."""

from __future__ import annotations

import numpy as np
import pytest
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac

Y = np.array([[1.0, 2.5, 4.0, 3.0], [0.0, -1.0, 3.0, 2.0], [0.5, 0.25, -2.0, 1.0]])


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"n": 2}, {"n": 0}, {"dim": 0}, {"n": 5}, {"n": 3, "dim": -2}],
    ids=str,
)
def test_diff_matches_torch_and_numpy(torch, kwargs):
    outs = compare_with_torch(torch, lambda m, x: m.diff(x, **kwargs), Y)
    np.testing.assert_array_equal(
        outs[0].numpy(), np.diff(Y, n=kwargs.get("n", 1), axis=kwargs.get("dim", -1))
    )


def test_diff_prepend_append_bool_and_method(torch):
    before, after = np.array([[9.0], [8.0], [7.0]]), np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    compare_with_torch(
        torch, lambda m, x, p, a: x.diff(2, 1, prepend=p, append=a), Y, before, after
    )
    flags = np.array([True, False, False, True])
    compare_with_torch(torch, lambda m, x: m.diff(x), flags)
    gradchecks(lambda x, p: ac.diff(x, 2, 0, prepend=p), Y, Y[:1] * 0.5)


@pytest.mark.parametrize("dim", [-1, 0])
def test_trapezoid_matches_torch_and_numpy(torch, dim):
    x1 = np.array([0.0, 0.5, 1.5, 3.0])[: Y.shape[dim]]
    compare_with_torch(torch, lambda m, y: m.trapezoid(y, dim=dim), Y)
    compare_with_torch(torch, lambda m, y: m.trapezoid(y, dx=0.3, dim=dim), Y)
    outs = compare_with_torch(torch, lambda m, y, x: m.trapezoid(y, x, dim=dim), Y, x1)
    np.testing.assert_allclose(outs[0].numpy(), np.trapezoid(Y, x1, axis=dim), rtol=1e-14)
    xs = np.cumsum(np.abs(Y) + 0.1, axis=dim)  # sample points of y's shape
    compare_with_torch(torch, lambda m, y, x: m.cumulative_trapezoid(y, x, dim=dim), Y, xs)
    gradchecks(lambda y, x: ac.cumulative_trapezoid(y, x, dim=dim), Y, xs)
    gradchecks(lambda y, x: ac.trapezoid(y, x, dim=dim), Y, x1)


@pytest.mark.parametrize("shape", [(2, 0), (2, 1), (0, 3)])
def test_trapezoid_of_fewer_than_two_points(torch, shape):
    y = np.ones(shape)
    for name in ("trapezoid", "cumulative_trapezoid"):
        compare_with_torch(torch, lambda m, y, n=name: getattr(m, n)(y), y)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: ac.diff(ac.tensor(1.0)), ac.ShapeError, "diff: expects a tensor of at least 1"),
        (lambda: ac.diff(ac.ones(3), n=-1), ValueError, "diff: order n must be non-negative"),
        (lambda: ac.diff(ac.ones(3), n=1.0), TypeError, "diff: n must be an int"),
        (lambda: ac.diff(ac.ones(3), dim=1), ac.ShapeError, "diff: dim 1 is out of range"),
        (
            lambda: ac.diff(ac.ones(2, 3), prepend=ac.ones(3, 1)),
            ac.ShapeError,
            r"diff: prepend of shape \(3, 1\) does not match input of shape \(2, 3\)",
        ),
        (
            lambda: ac.diff(ac.ones(2, 3), append=ac.ones(3)),
            ac.ShapeError,
            r"diff: append of shape \(3,\)",
        ),
        (lambda: ac.trapezoid(ac.tensor(1.0)), ac.ShapeError, "trapezoid: expects a tensor"),
        (
            lambda: ac.trapezoid(ac.ones(3), ac.ones(3), dx=1.0),
            TypeError,
            "trapezoid: pass x or dx, not both",
        ),
        (
            lambda: ac.trapezoid(ac.ones(2, 3), ac.ones(2)),
            ac.ShapeError,
            "trapezoid: a 1-D x needs one point per entry of y along dim 1",
        ),
        (
            lambda: ac.cumulative_trapezoid(ac.ones(2, 3), ac.ones(1, 2, 3)),
            ac.ShapeError,
            r"cumulative_trapezoid: x of shape \(1, 2, 3\) must be 1-D",
        ),
    ],
)
def test_difference_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
