"""Fixed cases found by the order fuzz tests (test_order_fuzz*.py), each checked against an
oracle: torch where it is right, closed forms where its answer is an accident of its formula."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

torch = pytest.importorskip("torch")

INF, NAN = math.inf, math.nan


def _grad(fn, x, lib):
    if lib is torch:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = fn(t)
        return y.detach().numpy(), torch.autograd.grad(y, t, torch.tensor(2.0, dtype=y.dtype))[0]
    t = ac.tensor(np.array(x, dtype=np.float64), requires_grad=True)
    y = fn(t)
    return y.numpy(), ac.grad(y, [t], ac.tensor(2.0))[0].numpy()


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize(
    "x", [[INF, -INF], [-INF, 5.0], [-INF, -INF, 3.0], [2.0, -INF, -INF, INF, NAN]]
)
def test_global_median_at_minus_inf_sends_the_gradient_to_the_minus_infs_only(name, x):
    # The old code filled the entries off the mask with -∞ under a max, so a -∞ median shared
    # ȳ with them: [∞, -∞].nanmedian() gave the gradient [0, ½] where torch gives [0, 1].
    want_y, want_g = _grad(lambda t: getattr(t, name)(), x, torch)
    got_y, got_g = _grad(lambda t: getattr(t, name)(), x, ac)
    np.testing.assert_array_equal(got_y, want_y)
    np.testing.assert_array_equal(got_g, want_g.numpy())


@pytest.mark.parametrize("name", ["amax", "amin"])
def test_amax_amin_at_nan_split_the_gradient_among_the_nans(name):
    # torch.amax/amin give NaN to the whole slice here (0/0 in their backward); ours follows
    # torch.max()'s rule without dim, which splits ȳ among the NaNs: the oracle.
    x = [[1.0, NAN, 3.0, NAN], [1.0, 4.0, 4.0, -INF]]
    _, got = _grad(lambda t: getattr(ac, name)(t, dim=1).sum(), x, ac)
    row = torch.tensor(x[0], dtype=torch.float64, requires_grad=True)
    (nan_row,) = torch.autograd.grad(getattr(row, name[1:])(), row, torch.tensor(2.0))
    np.testing.assert_array_equal(got[0], nan_row.numpy())
    np.testing.assert_array_equal(got[0], [0.0, 1.0, 0.0, 1.0])
    want = [0.0, 1.0, 1.0, 0.0] if name == "amax" else [0.0, 0.0, 0.0, 2.0]
    np.testing.assert_array_equal(got[1], want)


def test_aminmax_at_nan_splits_both_gradients_among_the_nans():
    t = ac.tensor(np.array([NAN, 2.0, NAN]), requires_grad=True)
    lo, hi = ac.aminmax(t)
    (g,) = ac.grad([lo, hi], [t], [ac.tensor(1.0), ac.tensor(3.0)])
    np.testing.assert_array_equal(g.numpy(), [2.0, 0.0, 2.0])  # (1 + 3)/2 on each NaN


@pytest.mark.parametrize(
    "call",
    [
        lambda m, t: m.argmax(t),
        lambda m, t: m.argmin(t, dim=0),
        lambda m, t: m.median(t),
        lambda m, t: m.median(t, 0),
        lambda m, t: m.nanmedian(t, 0),
        lambda m, t: m.kthvalue(t, 1, 0),
        lambda m, t: m.topk(t, 1),
    ],
)
def test_bool_input_is_refused_as_in_torch(call):
    x = np.array([True, False, True])
    with pytest.raises((RuntimeError, NotImplementedError)):
        call(torch, torch.tensor(x))
    with pytest.raises(DTypeError, match=r"bool input .*shape \(3,\).*x\.long\(\)"):
        call(ac, ac.tensor(x))
    call(ac, ac.tensor(x.astype(np.int64)))  # the fix the message names works


@pytest.mark.parametrize("shape, dim", [((0, 0), 0), ((0, 2), 1), ((2, 0), 0), ((1, 0, 2), 2)])
def test_unique_consecutive_refuses_slices_emptied_by_another_axis(shape, dim):
    # The old code returned values of shape (0, 0) (or (1, 0, 1) ...) where torch refuses.
    with pytest.raises(RuntimeError):
        torch.unique_consecutive(torch.zeros(shape), dim=dim)
    with pytest.raises(ShapeError, match=rf"unique_consecutive: .*{tuple(shape)}.*empty along"):
        ac.unique_consecutive(ac.tensor(np.zeros(shape)), dim=dim)


def test_unique_consecutive_along_an_empty_dim_matches_torch():
    want = torch.unique_consecutive(torch.zeros((2, 0)), dim=1, return_counts=True)
    got = ac.unique_consecutive(ac.tensor(np.zeros((2, 0))), dim=1, return_counts=True)
    for g, w in zip(got, want):
        assert tuple(g.shape) == tuple(w.shape)


def test_mode_with_nan_takes_the_smallest_most_frequent_number():
    # torch.mode sorts each slice with a "<" that NaN breaks, so its answer depends on where
    # the NaNs stand ([nan, 1, nan, 1] gives nan). Ours: NaNs are never equal (each a run of
    # one) and sort last; the most frequent value wins, the smallest on a tie, at its last
    # position (an all-NaN slice: its first NaN): the closed form below.
    x = np.array([[NAN, 1.0, NAN, 1.0], [NAN, 3.0, 2.0, NAN], [NAN, NAN, NAN, NAN]])
    values, indices = ac.mode(ac.tensor(x), 1)
    np.testing.assert_array_equal(values.numpy(), [1.0, 2.0, NAN])
    np.testing.assert_array_equal(indices.numpy(), [3, 2, 0])


def test_unique_dim_with_nan_sorts_rows_lexicographically_with_nan_largest():
    # torch.unique(dim=0) returns these rows unsorted (its "<" breaks on NaN). Ours: rows in
    # lexicographic order, NaN after every number, and rows with a NaN never equal: by hand.
    x = np.array([[NAN, 1.0], [NAN, 1.0], [0.0, 2.0], [0.0, NAN]])
    values, inverse, counts = ac.unique(
        ac.tensor(x), dim=0, return_inverse=True, return_counts=True
    )
    want = [[0.0, 2.0], [0.0, NAN], [NAN, 1.0], [NAN, 1.0]]
    np.testing.assert_array_equal(values.numpy(), want)
    np.testing.assert_array_equal(inverse.numpy(), [2, 3, 0, 1])
    np.testing.assert_array_equal(counts.numpy(), [1, 1, 1, 1])
