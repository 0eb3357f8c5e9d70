"""take, masked_select, masked_scatter, index_fill, index_copy, select_scatter, slice_scatter,
repeat_interleave, unravel_index and scatter_reduce against PyTorch (values, dtypes, float64
gradients), against NumPy without torch, gradcheck and gradgradcheck, and every error path
(more of scatter_reduce in test_scatter_reduce.py)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from scatter_calls import scatter_reduce_fn  # tests/autograd_core/
from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError

MASK = [True, False, True]
IDX2 = [[0, 1, 0], [1, 1, 1]]


def _reduce(reduce, include_self, dim=0, index=IDX2):
    return scatter_reduce_fn(reduce, include_self, dim, index)


CASES = [
    ("take", lambda m, a: m.take(a, m.tensor([[0, -1], [4, 4]])), [(2, 3)]),
    ("take-0d", lambda m, a: a.take(m.tensor([0, 0])), [()]),
    ("take-empty-index", lambda m, a: a.take(m.tensor([], dtype=m.int64)), [(2, 3)]),
    ("masked_select", lambda m, a: m.masked_select(a, m.tensor(MASK)), [(2, 3)]),
    ("masked_select-bcast", lambda m, a: a.masked_select(m.tensor([[True], [False]])), [(3,)]),
    ("masked_select-0d", lambda m, a: a.masked_select(m.tensor([[True, False]])), [()]),
    ("masked_scatter", lambda m, a, s: a.masked_scatter(m.tensor(MASK), s), [(2, 3), (7,)]),
    (
        "masked_scatter-bcast",
        lambda m, a, s: a.masked_scatter(m.tensor([[True], [False]]), s),
        [(3,), (2, 3)],
    ),  # noqa: E501
    ("masked_scatter-none", lambda m, a, s: a.masked_scatter(m.tensor(False), s), [(2,), (0,)]),
    ("index_fill", lambda m, a: a.index_fill(1, m.tensor([0, 2]), -1.5), [(2, 3)]),
    ("index_fill-negative", lambda m, a: a.index_fill(-1, m.tensor([-1, 0, 0]), 2.0), [(2, 3)]),
    ("index_fill-tensor-value", lambda m, a, v: a.index_fill(0, m.tensor([1]), v), [(2, 3), ()]),
    ("index_fill-0d", lambda m, a: a.index_fill(0, m.tensor([0]), 5.0), [()]),
    ("index_copy", lambda m, a, s: a.index_copy(1, m.tensor([2, 0]), s), [(2, 3), (2, 2)]),
    ("index_copy-dim0", lambda m, a, s: m.index_copy(a, 0, m.tensor([1]), s), [(3, 2), (1, 2)]),
    (
        "index_copy-empty",
        lambda m, a, s: a.index_copy(0, m.tensor([], dtype=m.int64), s),
        [(2,), (0,)],
    ),  # noqa: E501
    ("select_scatter", lambda m, a, s: a.select_scatter(s, 0, 1), [(2, 3), (3,)]),
    ("select_scatter-neg", lambda m, a, s: m.select_scatter(a, s, -1, -2), [(2, 3, 4), (2, 3)]),
    ("slice_scatter", lambda m, a, s: a.slice_scatter(s, 1, 0, None, 2), [(2, 4), (2, 2)]),
    ("slice_scatter-default", lambda m, a, s: m.slice_scatter(a, s), [(2, 3), (2, 3)]),
    ("slice_scatter-negative", lambda m, a, s: a.slice_scatter(s, 1, -1), [(2, 3), (2, 1)]),
    ("slice_scatter-empty", lambda m, a, s: a.slice_scatter(s, 1, 5, 7), [(2, 3), (2, 0)]),
    ("repeat_interleave-int", lambda m, a: a.repeat_interleave(2), [(2, 3)]),
    (
        "repeat_interleave-dim",
        lambda m, a: a.repeat_interleave(m.tensor([1, 0, 2]), dim=1),
        [(2, 3)],
    ),  # noqa: E501
    ("repeat_interleave-one", lambda m, a: m.repeat_interleave(a, m.tensor([2]), dim=-1), [(2, 3)]),  # noqa: E501
    ("repeat_interleave-0d-repeats", lambda m, a: a.repeat_interleave(m.tensor(3), 0), [(2,)]),
    (
        "repeat_interleave-size",
        lambda m, a: a.repeat_interleave(m.tensor([1, 2]), 0, output_size=3),
        [(2, 2)],
    ),  # noqa: E501
    (
        "repeat_interleave-flat",
        lambda m, a: a.repeat_interleave(m.tensor([1, 2, 0, 1, 1, 3])),
        [(2, 3)],
    ),  # noqa: E501
    ("repeat_interleave-0d", lambda m, a: a.repeat_interleave(3), [()]),
    ("repeat_interleave-zero", lambda m, a: a.repeat_interleave(0, dim=0), [(2, 2)]),
]
for _reduce_name in ("sum", "prod", "mean", "amax", "amin"):
    for _incl in (True, False):
        CASES.append(
            (
                f"scatter_reduce-{_reduce_name}-{_incl}",
                _reduce(_reduce_name, _incl),
                [(2, 3), (2, 3)],
            )  # noqa: E501
        )
    CASES += [
        (
            f"scatter_reduce-{_reduce_name}-dim1-bigsrc",
            _reduce(_reduce_name, False, 1, [[2, 2], [0, 2]]),
            [(2, 3), (3, 4)],
        ),  # noqa: E501
        (
            f"scatter_reduce-{_reduce_name}-3d-negdim",
            _reduce(_reduce_name, True, -2, [[[1], [1], [0]]]),
            [(2, 2, 2), (1, 3, 1)],
        ),  # noqa: E501
        (f"scatter_reduce-{_reduce_name}-0d", _reduce(_reduce_name, False, 0, 0), [(), ()]),
        (
            f"scatter_reduce-{_reduce_name}-empty",
            _reduce(_reduce_name, True, 0, np.zeros((0, 3), np.int64)),
            [(2, 3), (0, 3)],
        ),  # noqa: E501
    ]
IDS = [c[0] for c in CASES]


def _arrays(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize(("name", "fn", "shapes"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(name, fn, shapes, torch, rng):
    # torch 2.13's scatter_reduce backward fails when src is larger than index ("invalid
    # gradient ... got [2, 2] but expected [3, 4]"): those cases compare values only, and
    # their gradients are checked by gradcheck below
    compare_with_torch(torch, fn, *_arrays(rng, shapes), grad="bigsrc" not in name, rng=rng)


@pytest.mark.parametrize(("name", "fn", "shapes"), CASES, ids=IDS)
def test_gradcheck_and_gradgradcheck(name, fn, shapes, rng):
    gradchecks(partial(fn, ac), *_arrays(rng, shapes))


@pytest.mark.parametrize(
    ("fn", "shapes"),
    [
        (lambda m, a: a.take(m.tensor([1, 1])), [(3,)]),
        (lambda m, a: a.index_fill(0, m.tensor([1]), 2.7), [(3,)]),
        (lambda m, a, s: a.index_copy(0, m.tensor([1]), s), [(3,), (1,)]),
        (lambda m, a: a.repeat_interleave(2), [(3,)]),
        (lambda m, a, s: a.select_scatter(s, 0, 0), [(2, 2), (2,)]),
    ],
)
def test_integer_inputs_match_torch(fn, shapes, torch, rng):
    compare_with_torch(torch, fn, *[rng.integers(-5, 5, s) for s in shapes], grad=False)


def test_scatters_cast_src_to_the_input_dtype(torch, rng):
    fn = lambda m, a, s: a.select_scatter(s.double(), 0, 1)  # noqa: E731
    arrays = [rng.standard_normal((2, 2)).astype(np.float32), rng.standard_normal(2)]
    compare_with_torch(torch, fn, *arrays, grad=False)


def test_repeat_interleave_of_repeats_alone_matches_torch(torch):
    for reps in ([1, 0, 2], [3], []):
        got = ac.repeat_interleave(ac.tensor(reps, dtype=ac.int64))
        assert (
            got.tolist() == torch.repeat_interleave(torch.tensor(reps, dtype=torch.int64)).tolist()
        )


@pytest.mark.parametrize(
    ("indices", "shape"),
    [([4, 1], (2, 3)), (4, (2, 3)), ([[0, 5]], (2, 3)), ([6, -1], (2, 3)), ([0], ()), ([3], 6)],
)
def test_unravel_index_matches_torch(indices, shape, torch):
    got = ac.unravel_index(ac.tensor(indices), shape)
    want = torch.unravel_index(torch.tensor(indices), shape)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == ac.int64 and g.shape == tuple(w.shape) and g.tolist() == w.tolist()


# -- NumPy references (no torch) ---------------------------------------------------------------


def test_index_utils_match_numpy(rng):
    x = rng.standard_normal((3, 4))
    X = ac.tensor(x)
    np.testing.assert_array_equal(X.take(ac.tensor([5, -1])).numpy(), np.take(x, [5, -1]))
    mask = x > 0
    np.testing.assert_array_equal(X.masked_select(ac.tensor(mask)).numpy(), x[mask])
    want = x.copy()
    want[mask] = np.arange(100.0)[: mask.sum()]
    got = X.masked_scatter(ac.tensor(mask), ac.arange(100.0, dtype=ac.float64)).numpy()
    np.testing.assert_array_equal(got, want)
    want = x.copy()
    want[:, [1, 3]] = 7.0
    np.testing.assert_array_equal(X.index_fill(1, ac.tensor([1, 3]), 7.0).numpy(), want)
    want = x.copy()
    want[[2, 0]] = x[:2] * 10
    np.testing.assert_array_equal(X.index_copy(0, ac.tensor([2, 0]), X[:2] * 10).numpy(), want)
    want = x.copy()
    want[:, 1::2] = -1.0
    got = X.slice_scatter(ac.full((3, 2), -1.0, dtype=ac.float64), 1, 1, None, 2).numpy()
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        X.repeat_interleave(ac.tensor([2, 0, 1]), dim=0).numpy(), np.repeat(x, [2, 0, 1], axis=0)
    )
    coords = ac.unravel_index(ac.tensor([0, 7, 11]), (3, 4))
    np.testing.assert_array_equal([c.numpy() for c in coords], np.unravel_index([0, 7, 11], (3, 4)))


def test_index_copy_with_a_repeated_index_keeps_the_last_slice():
    got = ac.zeros(3).index_copy(0, ac.tensor([1, 1]), ac.tensor([4.0, 5.0]))
    assert got.tolist() == [0.0, 5.0, 0.0]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ac.ones(2, 3).take(ac.tensor([6])), ShapeError, "take: index values from 6"),
        (lambda: ac.ones(2).take(ac.tensor([1.0])), DTypeError, "take: index must hold integers"),
        (
            lambda: ac.ones(3).masked_select(ac.tensor([1, 0, 1])),
            DTypeError,
            "masked_select: the mask must be boolean",
        ),  # noqa: E501
        (lambda: ac.ones(3).masked_select(ac.tensor([True, False])), ShapeError, "masked_select"),
        (
            lambda: ac.ones(3).masked_scatter(ac.tensor([1, 0, 1]), ac.ones(3)),
            DTypeError,
            "mask must be boolean",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).masked_scatter(ac.ones(3) > 0, ac.ones(2)),
            ShapeError,
            "has 3 true entries but source",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).masked_scatter(ac.ones(3) > 0, ac.ones(3, dtype=ac.float64)),
            DTypeError,
            "masked_scatter: source has dtype float64",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_fill(1, ac.tensor([3]), 1.0),
            ShapeError,
            "index_fill: index values from 3",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_fill(1, ac.tensor([[0]]), 1.0),
            ShapeError,
            "index must be 0-d or 1-D",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_fill(1, ac.tensor([0]), ac.ones(2)),
            ShapeError,
            "value must be a number or a 0-d",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_fill(2, ac.tensor([0]), 1.0),
            ShapeError,
            "dim 2 is out of range",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_copy(1, ac.tensor([-1]), ac.ones(2, 1)),
            ShapeError,
            r"index_copy takes indices in \[0, 3\)",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_copy(1, ac.tensor([2, 0]), ac.ones(2, 3)),
            ShapeError,
            r"needs \(2, 2\)",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).index_copy(1, ac.tensor([2]), ac.ones(2, 1, dtype=ac.float64)),
            DTypeError,
            "index_copy: source has dtype",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).select_scatter(ac.ones(2), 0, 1),
            ShapeError,
            r"select_scatter: src has shape \(2,\)",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).select_scatter(ac.ones(3), 0, -3),
            ShapeError,
            "select: index -3 is out of range",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).slice_scatter(ac.ones(2, 2), 1, 0, 1),
            ShapeError,
            "slice_scatter: src has shape",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).slice_scatter(ac.ones(2, 2), 1, 0, None, 0),
            ShapeError,
            "step must be positive",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).repeat_interleave(ac.tensor([1, 2]), dim=1),
            ShapeError,
            "2 repeats for a dim of size 3",
        ),  # noqa: E501
        (
            lambda: ac.ones(2, 3).repeat_interleave(ac.tensor([1, -2]), dim=0),
            ShapeError,
            "repeats must be non-negative",
        ),  # noqa: E501
        (lambda: ac.ones(2).repeat_interleave(-1), ShapeError, "repeats must be non-negative"),
        (
            lambda: ac.ones(2).repeat_interleave(ac.tensor([1.0, 2.0]), dim=0),
            DTypeError,
            "repeats must hold integers",
        ),  # noqa: E501
        (
            lambda: ac.ones(2).repeat_interleave(ac.tensor([[1, 2]]), dim=0),
            ShapeError,
            "repeats must be 0-d or 1-D",
        ),  # noqa: E501
        (lambda: ac.repeat_interleave(ac.tensor([[1, 2]])), ShapeError, "repeats must be 1-D"),
        (
            lambda: ac.ones(2).repeat_interleave(2, 0, output_size=5),
            ShapeError,
            "output_size=5 but the repeats sum to 4",
        ),  # noqa: E501
        (
            lambda: ac.unravel_index(ac.tensor([1.0]), (2, 3)),
            DTypeError,
            "unravel_index: indices must be an integer",
        ),  # noqa: E501
        (
            lambda: ac.unravel_index(ac.tensor([0]), (2, -3)),
            ShapeError,
            "cannot have negative sizes",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).scatter_reduce(0, ac.tensor([0]), ac.ones(1), "max"),
            ValueError,
            "reduce must be one of",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).scatter_reduce(
                0, ac.tensor([0]), ac.ones(1, dtype=ac.float64), "sum"
            ),
            DTypeError,
            "scatter_reduce: src has dtype",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).scatter_reduce(0, ac.tensor([3]), ac.ones(1), "prod"),
            ShapeError,
            "scatter_reduce: index values from 3",
        ),  # noqa: E501
        (
            lambda: ac.ones(3).scatter_reduce(0, ac.tensor([0, 1]), ac.ones(1), "sum"),
            ShapeError,
            "larger than src",
        ),  # noqa: E501
        (
            lambda: ac.tensor(1.0).scatter_reduce(0, ac.tensor([0]), ac.ones(1), "sum"),
            ShapeError,
            "a 0-d input needs a 0-d index",
        ),  # noqa: E501
    ],
)
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
