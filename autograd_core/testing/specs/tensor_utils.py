"""OpSpecs of roll, scatter, nan_to_num and lerp (differentiable) and of the ops without
gradient that find, count and compare values: nonzero, searchsorted, isclose, unique,
bincount, histc."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _torch():
    import torch

    return torch


def _ints(*rows):
    return np.array(rows, dtype=np.int64)


# -- roll ------------------------------------------------------------------------------------


def _roll_ref(x, shifts, dims=None):
    return np.roll(x, shifts, axis=dims)


def _roll_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((3, 4)), 1, 1), {}, "one dim"),
        Case((n((3, 4)), (1, -5), (0, -1)), {}, "two dims, negative shift and dim"),
        Case((n((2, 3, 4)), 7), {}, "flattened (no dims), shift > size"),
        Case((n((3, 4)), (1, 2), (1, 1)), {}, "the same dim twice"),
        Case((n(()), 3), {}, "0-d"),
        Case((n((0, 3)), 2, 0), {}, "empty axis"),
        Case((noncontig(n((3, 4))), -1, 0), {}, "non-contiguous"),
    ]


# -- scatter ---------------------------------------------------------------------------------


def _along(index, dim):
    return tuple(
        index if d == dim else np.arange(n).reshape([n if k == d else 1 for k in range(index.ndim)])
        for d, n in enumerate(index.shape)
    )


def _scatter_ref(x, dim, index, src):
    out = x.copy()
    if x.ndim == 0:
        return np.asarray(src, x.dtype).copy()
    dim %= x.ndim
    out[_along(index, dim)] = src[tuple(slice(0, n) for n in index.shape)]
    return out


def _torch_scatter(x, dim, index, src):
    # like scatter_add's spec: torch's backward wants src of index's shape
    return _torch().scatter(x, dim, index, src[tuple(slice(0, n) for n in index.shape)])


def _scatter_cases(rng):
    # distinct indices along dim: where an index repeats, PyTorch leaves the value unspecified
    n = rng.standard_normal
    return [
        Case((n((3, 4)), 1, _ints([0, 3], [2, 1], [3, 0]), n((3, 2))), {}, "dim 1"),
        Case((n((4, 3)), -2, _ints([1, 3, 0], [0, 2, 2]), n((2, 3))), {}, "negative dim"),
        Case((n((5,)), 0, np.array([4, 0]), n((6,))), {}, "src larger than index"),
        Case((n(()), 0, np.array(0), n(())), {}, "0-d"),
        Case((n((3, 4)), 1, np.zeros((3, 0), np.int64), n((3, 0))), {}, "zero-size index"),
        Case((noncontig(n((3, 4))), 0, _ints([2, 0, 1, 2]), n((4, 3)).T[:1]), {}, "non-contig"),
    ]


# -- nan_to_num, lerp -------------------------------------------------------------------------


def _nan_to_num_cases(rng):
    # finite inputs only: gradcheck cannot step NaN or inf (test_tensor_utils.py checks the
    # replaced entries' values and zero gradients against torch)
    n = rng.standard_normal
    return [
        Case((n((3, 4)),), {}, "finite"),
        Case((n((3, 4)),), {"nan": 1.5, "posinf": 2.0, "neginf": -3.0}, "given replacements"),
        Case((n(()),), {}, "0-d"),
        Case((n((0, 3)),), {}, "empty"),
        Case((noncontig(n((3, 4))),), {}, "non-contiguous"),
    ]


def _nan_to_num_ref(x, nan=0.0, posinf=None, neginf=None):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _lerp_ref(a, b, w):
    return np.where(np.abs(w) < 0.5, a + w * (b - a), b - (b - a) * (1 - w))


def _lerp_cases(rng):
    n = rng.standard_normal

    def w(*shape):
        return rng.uniform(-1, 2, shape)  # both branches (|w| < 0.5 and not)

    return [
        Case((n((3, 4)), n((3, 4)), w(3, 4)), {}, "same shapes"),
        Case((n((3, 1)), n((4,)), w(1, 4)), {}, "broadcast all three"),
        Case((n(()), n((2, 3)), w()), {}, "0-d input and weight"),
        Case((n((2, 3)), n((2, 3)), np.array([[0.5, -0.5, 1.0]])), {}, "weights at ±0.5 and 1"),
        Case((n((0, 3)), n((1, 3)), w(0, 1)), {}, "empty"),
        Case((noncontig(n((3, 4))), n((3, 4)), noncontig(w(3, 4))), {}, "non-contiguous"),
    ]


# -- no gradient: nonzero, searchsorted, isclose, unique, bincount, histc --------------------


def _nonzero_cases(rng):
    def sparse(shape):
        return np.where(rng.random(shape) < 0.5, 0.0, rng.standard_normal(shape))

    return [
        Case((sparse((3, 4)),), {}, "matrix"),
        Case((sparse((2, 3, 2)),), {}, "3-D"),
        Case((np.array(2.0),), {}, "0-d nonzero"),
        Case((np.array(0.0),), {}, "0-d zero"),
        Case((np.zeros((0, 3)),), {}, "empty"),
        Case((np.array([np.nan, 0.0, -1.0]),), {}, "NaN is nonzero"),
    ]


def _searchsorted_ref(seq, values, right=False, side=None, sorter=None):
    side = side or ("right" if right else "left")
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter, -1)
    if seq.ndim == 1:
        return np.searchsorted(seq, values, side=side)
    rows = [
        np.searchsorted(s, v, side=side)
        for s, v in zip(seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1]))
    ]
    return np.array(rows, np.int64).reshape(values.shape)


def _searchsorted_cases(rng):
    seq = np.sort(rng.integers(0, 6, 8).astype(float))  # ties
    rows = np.sort(rng.standard_normal((2, 3, 5)), axis=-1)
    unsorted = rng.standard_normal(6)
    return [
        Case((seq, rng.integers(-1, 7, (3, 4)).astype(float)), {}, "ties, left"),
        Case((seq, rng.integers(-1, 7, (3, 4)).astype(float)), {"right": True}, "right"),
        Case((seq, rng.integers(-1, 7, (5,)).astype(float)), {"side": "right"}, "side='right'"),
        Case((rows, rng.standard_normal((2, 3, 4))), {}, "a batch of rows"),
        Case((unsorted, rng.standard_normal(4)), {"sorter": np.argsort(unsorted)}, "sorter"),
        Case((seq, np.zeros((0, 2))), {}, "no values"),
        Case((np.zeros(0), rng.standard_normal(3)), {}, "empty sequence"),
    ]


def _isclose_cases(rng):
    a = rng.standard_normal((3, 4))
    b = a + rng.choice([0.0, 1e-9, 1e-6, 1e-3], (3, 4)) * rng.choice([-1, 1], (3, 4))
    special = np.array([np.nan, np.inf, -np.inf, 1.0, np.nan])
    other = np.array([np.nan, np.inf, np.inf, 1.0, 1.0])
    return [
        Case((a, b), {}, "defaults"),
        Case((a, b), {"rtol": 1e-4, "atol": 0.0}, "rtol only"),
        Case((a, b[:1]), {"atol": 1e-2}, "broadcast"),
        Case((special, other), {}, "nan and inf"),
        Case((special, other), {"equal_nan": True}, "equal_nan"),
        Case((np.zeros((0, 2)), np.zeros((0, 2))), {}, "empty"),
    ]


def _unique(x, **kwargs):
    return ac.unique(x, return_inverse=True, return_counts=True, **kwargs)


def _unique_ref(x, dim=None):
    values, inverse, counts = np.unique(
        x, return_inverse=True, return_counts=True, axis=dim, equal_nan=False
    )
    shape = x.shape if dim is None else (x.shape[dim],)
    return values, inverse.reshape(shape), counts


def _unique_cases(rng):
    small = rng.integers(0, 4, (3, 5)).astype(float)
    rows = rng.integers(0, 2, (6, 2)).astype(float)
    return [
        Case((small,), {}, "matrix, flattened"),
        Case((np.array(2.0),), {}, "0-d"),
        Case((rows,), {"dim": 0}, "rows"),
        Case((rows.T.copy(),), {"dim": -1}, "columns, negative dim"),
        Case((np.array([np.nan, 1.0, np.nan]),), {}, "each NaN distinct"),
        Case((np.zeros((0, 3)),), {}, "empty"),
        Case((np.zeros((0, 3)),), {"dim": 0}, "empty along dim"),
    ]


def _bincount_ref(x, weights=None, minlength=0):
    return np.bincount(x, weights=weights, minlength=minlength)


def _bincount_cases(rng):
    x = rng.integers(0, 5, 12)
    return [
        Case((x,), {}, "counts"),
        Case((x,), {"minlength": 9}, "minlength"),
        Case((x, rng.standard_normal(12)), {}, "weights"),
        Case((np.zeros(0, np.int64),), {"minlength": 3}, "empty"),
    ]


def _histc_ref(x, bins=100, min=0, max=0):  # noqa: A002
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return np.histogram(x, bins, range=(lo, hi))[0].astype(x.dtype)


def _histc_cases(rng):
    x = rng.uniform(-3, 3, (4, 25))
    return [
        Case((x,), {"bins": 7, "min": -2, "max": 2.5}, "range, outside ignored"),
        Case((x,), {"bins": 5}, "the data's range"),
        Case((np.array([1.0, 1.0]),), {"bins": 4}, "one value: widened by 1"),
        Case((np.zeros(0),), {"bins": 3}, "empty"),
    ]


OP_DB += [
    OpSpec(
        "roll",
        ac.roll,
        _roll_cases,
        ref=_roll_ref,
        torch_fn=lambda x, shifts, dims=None: _torch().roll(x, shifts, dims),
        notes="the VJP is the opposite roll",
    ),
    OpSpec(
        "scatter",
        ac.scatter,
        _scatter_cases,
        ref=_scatter_ref,
        torch_fn=_torch_scatter,
        notes="indices distinct along dim (a repeated one keeps an unspecified value)",
    ),
    OpSpec(
        "nan_to_num",
        ac.nan_to_num,
        _nan_to_num_cases,
        ref=_nan_to_num_ref,
        torch_fn=lambda x, **kw: _torch().nan_to_num(x, **kw),
        notes="x̄ = ȳ where x is finite, 0 where replaced (the numeric gradient there is 0 too)",
    ),
    OpSpec(
        "lerp",
        ac.lerp,
        _lerp_cases,
        ref=_lerp_ref,
        torch_fn=lambda a, b, w: _torch().lerp(a, b, w),
        notes="a number weight takes the composite path (add, mul), tested in test_tensor_utils",
    ),
    OpSpec("nonzero", ac.nonzero, _nonzero_cases, ref=np.argwhere, differentiable=False),
    OpSpec(
        "searchsorted",
        ac.searchsorted,
        _searchsorted_cases,
        ref=_searchsorted_ref,
        differentiable=False,
    ),
    OpSpec("isclose", ac.isclose, _isclose_cases, ref=np.isclose, differentiable=False),
    OpSpec("unique", _unique, _unique_cases, ref=_unique_ref, differentiable=False),
    OpSpec("bincount", ac.bincount, _bincount_cases, ref=_bincount_ref, differentiable=False),
    OpSpec("histc", ac.histc, _histc_cases, ref=_histc_ref, differentiable=False),
]
