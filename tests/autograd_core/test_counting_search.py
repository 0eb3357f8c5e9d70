"""unique, bincount, histc, searchsorted and bucketize: values, dtypes and shapes against
PyTorch and NumPy, edge cases (empty, 0-d, ties, NaN) and every error path."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

NAN = float("nan")


def _same(ours, theirs):
    """Same dtype, shape and values (NaN equal to NaN)."""
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


# -- unique -----------------------------------------------------------------------------------

UNIQUE_INPUTS = [
    (np.array([3, 1, 2, 3, 1, 5]), [None, 0, -1]),
    (np.array([[1, 2], [1, 2], [0, 9]]), [None, 0, 1, -1]),
    (np.array([[2.5, -1.0, 2.5], [0.0, -1.0, 7.0]]), [None, 0, 1]),
    (np.array(2.0), [None]),
    (np.array([NAN, 1.0, NAN, 1.0]), [None]),
    (np.array([True, False, True]), [None, 0]),
    (np.zeros((0, 3)), [None, 0]),
]
UNIQUE_CASES = [(x, d) for x, dims in UNIQUE_INPUTS for d in dims]


@pytest.mark.parametrize(("x", "dim"), UNIQUE_CASES)
@pytest.mark.parametrize(("inverse", "counts"), [(False, False), (True, False), (True, True)])
def test_unique_matches_torch(torch, x, dim, inverse, counts):
    kw = {"return_inverse": inverse, "return_counts": counts, "dim": dim}
    ours = ac.unique(ac.tensor(x), **kw)
    theirs = torch.unique(torch.tensor(x), **kw)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        _same(a, b)
        assert not a.requires_grad


def test_unique_matches_numpy_and_rebuilds_the_input():
    x = np.array([[4, 1, 4], [0, 1, 1]])
    values, inverse, counts = ac.tensor(x).unique(return_inverse=True, return_counts=True)
    ref_values, ref_counts = np.unique(x, return_counts=True)
    np.testing.assert_array_equal(values.numpy(), ref_values)
    np.testing.assert_array_equal(counts.numpy(), ref_counts)
    np.testing.assert_array_equal(values.numpy()[inverse.numpy()], x)
    rows, inverse = ac.unique(ac.tensor(x.T), dim=0, return_inverse=True)
    np.testing.assert_array_equal(rows.numpy()[inverse.numpy()], x.T)


def test_unique_sorted_false_still_sorts_like_pytorchs_cpu(torch):
    x = [5, 3, 5, 1]
    assert ac.unique(ac.tensor(x), sorted=False).tolist() == [1, 3, 5]
    assert torch.unique(torch.tensor(x), sorted=False).tolist() == [1, 3, 5]


def test_unique_errors():
    with pytest.raises(ShapeError, match="out of range"):
        ac.unique(ac.zeros(2, 2), dim=2)
    with pytest.raises(ShapeError, match="0-d tensor"):
        ac.unique(ac.tensor(1.0), dim=0)
    with pytest.raises(ShapeError, match="empty along dim 0"):
        ac.unique(ac.zeros(0, 3), dim=1)


# -- bincount ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "weights", "minlength"),
    [
        ([1, 1, 3], None, 0),
        ([1, 1, 3], None, 6),
        ([], None, 0),
        ([], None, 3),
        ([0, 4, 4, 2], [0.5, 1.0, 2.0, -1.5], 0),
        ([0, 4, 4, 2], np.array([0.5, 1.0, 2.0, -1.5], np.float32), 7),
        ([0, 4, 4, 2], [1, 2, 3, 4], 0),
        ([0, 4, 4, 2], np.array([1, 2, 3, 4], np.float16), 0),
        ([0, 4, 4, 2], [True, False, True, True], 0),
    ],
)
def test_bincount_matches_torch_and_numpy(torch, x, weights, minlength):
    x = np.array(x, np.int64)
    w = None if weights is None else np.asarray(weights)
    ours = ac.bincount(ac.tensor(x), None if w is None else ac.tensor(w), minlength=minlength)
    theirs = torch.bincount(torch.tensor(x), None if w is None else torch.tensor(w), minlength)
    _same(ours, theirs)
    np.testing.assert_allclose(ours.numpy(), np.bincount(x, w, minlength), rtol=1e-6)


def test_bincount_of_uint8_and_as_a_method():
    x = ac.tensor(np.array([1, 2, 2], np.uint8))
    assert x.bincount().tolist() == [0, 1, 2] and x.bincount().dtype == ac.int64


@pytest.mark.parametrize(
    ("x", "kw", "error", "match"),
    [
        (ac.tensor([1, -1]), {}, ValueError, "negative values"),
        (ac.tensor([1.0, 2.0]), {}, DTypeError, "must hold integers"),
        (ac.tensor([True, False]), {}, DTypeError, "must hold integers"),
        (ac.tensor([[1, 2]]), {}, ShapeError, "must be 1-D"),
        (ac.tensor(2), {}, ShapeError, "must be 1-D"),
        (ac.tensor([1, 2]), {"minlength": -1}, ValueError, "minlength must be >= 0"),
        (ac.tensor([1, 2]), {"weights": ac.tensor([1.0])}, ShapeError, "one weight per entry"),
    ],
)
def test_bincount_errors(x, kw, error, match):
    with pytest.raises(error, match=match):
        ac.bincount(x, **kw)


# -- histc ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    ("bins", "lo", "hi"), [(10, -2.0, 2.5), (7, 0.0, 0.0), (1, -1.0, 1.0), (100, -3.0, 3.0)]
)
def test_histc_matches_torch_on_random_data(torch, rng, dtype, bins, lo, hi):
    x = rng.uniform(-3, 3, (5, 40)).astype(dtype)
    _same(ac.histc(ac.tensor(x), bins, lo, hi), torch.histc(torch.tensor(x), bins, lo, hi))


@pytest.mark.parametrize(
    ("x", "kw"),
    [
        ([1.0, 2.0, 1.0], {"bins": 4, "min": 0, "max": 3}),
        ([1.0, 2.0, 1.0, 7.0, -1.0], {"bins": 4, "min": 0, "max": 3}),
        ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], {"bins": 5, "min": 0, "max": 5}),
        ([2.0, 2.0], {"bins": 4}),
        ([2.0, 2.0], {"bins": 4, "min": 2, "max": 2}),
        ([], {"bins": 4}),
        ([1.0, NAN], {"bins": 3, "min": 0, "max": 2}),
        ([[1.0, 2.0], [0.0, 3.0]], {"bins": 3}),
    ],
)
def test_histc_edges_and_ranges_match_torch(torch, x, kw):
    x = np.array(x, np.float32)
    _same(ac.tensor(x).histc(**kw), torch.histc(torch.tensor(x), **kw))


def test_histc_matches_numpy_histogram(rng):
    x = rng.standard_normal(500)
    np.testing.assert_array_equal(
        ac.histc(ac.tensor(x), bins=12, min=-2, max=2).numpy(),
        np.histogram(x, 12, range=(-2, 2))[0].astype(float),
    )


@pytest.mark.parametrize(
    ("x", "kw", "error", "match"),
    [
        (ac.tensor([1, 2]), {}, DTypeError, "must be floating"),
        (ac.tensor([1.0, 2.0]), {"bins": 0}, ValueError, "bins must be >= 1"),
        (ac.tensor([1.0, 2.0]), {"min": 3, "max": 1}, ValueError, "larger than max"),
        (ac.tensor([1.0, NAN]), {}, ValueError, "not finite"),
        (ac.tensor([1.0, float("inf")]), {}, ValueError, "not finite"),
        (ac.tensor([1.0]), {"min": NAN, "max": 3}, ValueError, "not finite"),
    ],
)
def test_histc_errors(x, kw, error, match):
    with pytest.raises(error, match=match):
        ac.histc(x, **kw)


# -- searchsorted and bucketize ----------------------------------------------------------------

SEQ = np.array([1.0, 3.0, 3.0, 5.0])


@pytest.mark.parametrize(
    ("seq", "values", "kw"),
    [
        (SEQ, np.array([[3.0, 0.0], [6.0, 4.0]]), {}),
        (SEQ, np.array([[3.0, 0.0], [6.0, 4.0]]), {"right": True}),
        (SEQ, np.array([1.0, 3.0, 5.0]), {"side": "right"}),
        (SEQ, np.array([1.0, 3.0, 5.0]), {"side": "left", "out_int32": True}),
        (SEQ, np.array([1, 3]), {}),
        (SEQ, np.array(3.0), {}),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[2.5], [3.5]]), {}),
        (np.array([[[1.0, 2.0, 2.0]]]), np.array([[[2.0, 0.0, 9.0]]]), {"right": True}),
        (np.zeros(0), np.array([2.0]), {}),
        (SEQ, np.zeros((0, 2)), {}),
        (np.zeros((2, 0)), np.zeros((2, 3)), {}),
    ],
)
def test_searchsorted_matches_torch(torch, seq, values, kw):
    ours = ac.searchsorted(ac.tensor(seq), ac.tensor(values), **kw)
    _same(ours, torch.searchsorted(torch.tensor(seq), torch.tensor(values), **kw))
    assert not ours.requires_grad


def test_searchsorted_with_a_number_and_a_sorter_matches_torch(torch):
    _same(ac.searchsorted(ac.tensor(SEQ), 3), torch.searchsorted(torch.tensor(SEQ), 3))
    seq, values, order = np.array([5.0, 1.0, 3.0]), np.array([2.0, 6.0]), np.array([1, 2, 0])
    _same(
        ac.searchsorted(ac.tensor(seq), ac.tensor(values), sorter=ac.tensor(order)),
        torch.searchsorted(torch.tensor(seq), torch.tensor(values), sorter=torch.tensor(order)),
    )


def test_searchsorted_matches_numpy(rng):
    seq = np.sort(rng.integers(0, 10, 30).astype(float))
    values = rng.integers(-1, 11, (4, 6)).astype(float)
    for side in ("left", "right"):
        np.testing.assert_array_equal(
            ac.searchsorted(ac.tensor(seq), ac.tensor(values), side=side).numpy(),
            np.searchsorted(seq, values, side=side),
        )


@pytest.mark.parametrize(
    ("seq", "values", "kw", "error", "match"),
    [
        (SEQ, [1.0], {"side": "middle"}, ValueError, "side must be 'left' or 'right'"),
        (SEQ, [1.0], {"side": "left", "right": True}, ValueError, "opposite"),
        (1.0, [1.0], {}, ShapeError, "at least one dimension"),
        ([[1.0, 2.0], [3.0, 4.0]], [2.5, 3.5], {}, ShapeError, "same leading dims"),
        ([5.0, 1.0, 3.0], [2.0], {"sorter": [1, 2]}, ShapeError, "must match"),
        ([5.0, 1.0, 3.0], [2.0], {"sorter": [1, 2, 5]}, ShapeError, "permutation"),
        ([5.0, 1.0, 3.0], [2.0], {"sorter": [1.0, 2.0, 0.0]}, DTypeError, "int64"),
    ],
)
def test_searchsorted_errors(seq, values, kw, error, match):
    if "sorter" in kw:
        kw = {"sorter": ac.tensor(kw["sorter"])}
    with pytest.raises(error, match=match):
        ac.searchsorted(ac.tensor(seq), ac.tensor(values), **kw)


@pytest.mark.parametrize("kw", [{}, {"right": True}, {"out_int32": True}])
def test_bucketize_matches_torch(torch, kw):
    values = np.array([[3.0, 0.0], [6.0, 4.0]])
    _same(
        ac.bucketize(ac.tensor(values), ac.tensor(SEQ), **kw),
        torch.bucketize(torch.tensor(values), torch.tensor(SEQ), **kw),
    )
    _same(ac.bucketize(3.0, ac.tensor(SEQ), **kw), torch.bucketize(3.0, torch.tensor(SEQ), **kw))


def test_bucketize_matches_numpy_digitize():
    values = np.array([-1.0, 1.0, 2.0, 3.0, 5.0, 9.0])
    # digitize(right=True) is PyTorch's default side: bounds[i-1] < x <= bounds[i]
    expected = np.digitize(values, SEQ, right=True)
    np.testing.assert_array_equal(ac.bucketize(ac.tensor(values), ac.tensor(SEQ)).numpy(), expected)


def test_bucketize_needs_1d_boundaries():
    with pytest.raises(ShapeError, match="boundaries must be 1-D"):
        ac.bucketize(ac.tensor([1.0]), ac.tensor([[1.0]]))


def test_search_functions_are_not_tensor_methods(torch):
    for name in ("searchsorted", "bucketize"):
        assert hasattr(ac.Tensor, name) == hasattr(torch.Tensor, name)
