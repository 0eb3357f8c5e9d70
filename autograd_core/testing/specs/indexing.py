"""OpSpecs of ops/indexing.py."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _torch():
    import torch

    return torch


def _along(index, dim):
    # PyTorch's gather/scatter addressing: index on `dim`, an arange on every other axis.
    return tuple(
        index if d == dim else np.arange(n).reshape([n if k == d else 1 for k in range(index.ndim)])
        for d, n in enumerate(index.shape)
    )


def _gather_ref(x, dim, index):
    if x.ndim == 0:
        return x[()]
    return x[_along(index, dim % x.ndim)]


def _scatter_add_ref(x, dim, index, src):
    out = x.copy()
    if x.ndim == 0:
        return out + src
    dim %= x.ndim
    np.add.at(out, _along(index, dim), src[tuple(slice(0, n) for n in index.shape)])
    return out


def _index_select_ref(x, dim, index):
    if x.ndim == 0:
        return x.copy()
    return np.take(x, index.reshape(-1), axis=dim)


def _index_add_ref(x, dim, index, source, alpha=1):
    out = x.copy()
    if x.ndim == 0:
        return out + alpha * source
    np.add.at(out, (slice(None),) * (dim % x.ndim) + (index.reshape(-1),), alpha * source)
    return out


def _torch_scatter_add(x, dim, index, src):
    # torch's forward reads only the index-shaped block of a larger src, but its backward
    # returns a gradient of index's shape and fails; slicing first gives the same function.
    return _torch().scatter_add(x, dim, index, src[tuple(slice(0, n) for n in index.shape)])


def _ints(*rows):
    return np.array(rows, dtype=np.int64)


def _gather_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((3, 4)), 1, _ints([0, 0, 3], [2, 1, 2], [3, 3, 3])), {}, "repeated, dim 1"),
        Case((n((3, 4)), -2, _ints([2, 0, 1, 0], [2, 2, 2, 2])), {}, "negative dim"),
        Case((n((4, 5)), 0, _ints([1, 1], [3, 0])), {}, "index smaller than x"),
        Case((n((5,)), 0, np.array([4, 4, 0, 1, 4, 2])), {}, "vector, repeated"),
        Case((n(()), 0, np.array(0)), {}, "0-d"),
        Case((n((2, 1)), 1, np.zeros((2, 3), np.int64)), {}, "size-1 axis picked 3 times"),
        Case((n((3, 4)), 1, np.zeros((3, 0), np.int64)), {}, "zero-size index"),
        Case((noncontig(n((3, 4))), 1, _ints([1, 1], [0, 3], [2, 2])), {}, "non-contiguous"),
    ]


def _scatter_add_cases(rng):
    n = rng.standard_normal
    return [
        Case(
            (n((3, 4)), 1, _ints([0, 0, 3], [2, 1, 2], [3, 3, 3]), n((3, 3))), {}, "repeated, dim 1"
        ),
        Case((n((4, 3)), -2, _ints([1, 1, 1], [0, 3, 1]), n((2, 3))), {}, "negative dim"),
        Case((n((5,)), 0, np.array([4, 4, 0]), n((6,))), {}, "src larger than index"),
        Case((n(()), 0, np.array(0), n(())), {}, "0-d"),
        Case((n((1, 2)), 0, np.zeros((3, 2), np.int64), n((3, 2))), {}, "size-1 axis, 3 adds"),
        Case((n((3, 4)), 1, np.zeros((3, 0), np.int64), n((3, 0))), {}, "zero-size index"),
        Case((noncontig(n((3, 4))), 0, _ints([2, 2, 0, 2]), n((4, 3)).T[:1]), {}, "non-contiguous"),
    ]


def _index_select_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((3, 4)), 1, np.array([3, 0, 3, 3])), {}, "repeated, dim 1"),
        Case((n((3, 4)), -2, np.array([2, 0])), {}, "negative dim"),
        Case((n((5,)), 0, np.array(2)), {}, "0-d index"),
        Case((n(()), 0, np.array([0])), {}, "0-d x"),
        Case((n((1, 3)), 0, np.array([0, 0, 0])), {}, "size-1 axis picked 3 times"),
        Case((n((3, 4)), 0, np.zeros(0, np.int64)), {}, "empty index"),
        Case((noncontig(n((4, 3))), 0, np.array([1, 3, 1])), {}, "non-contiguous"),
    ]


def _index_add_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((3, 4)), 1, np.array([3, 0, 3]), n((3, 3))), {}, "repeated, dim 1"),
        Case((n((3, 4)), -2, np.array([2, 2]), n((2, 4))), {"alpha": 2.5}, "negative dim, alpha"),
        Case((n((5,)), 0, np.array(4), n((1,))), {}, "0-d index"),
        Case((n(()), 0, np.array([0]), n(())), {}, "0-d x"),
        Case((n((1, 3)), 0, np.array([0, 0, 0]), n((3, 3))), {}, "size-1 axis, 3 adds"),
        Case((n((3, 4)), 0, np.zeros(0, np.int64), n((0, 4))), {}, "empty index"),
        Case((noncontig(n((4, 3))), 1, np.array([1, 1]), n((2, 4)).T), {}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec(
        "gather",
        ac.gather,
        _gather_cases,
        ref=_gather_ref,
        torch_fn=lambda x, dim, index: _torch().gather(x, dim, index),
        notes="take_along_axis (NumPy) broadcasts and then calls the same op",
    ),
    OpSpec(
        "scatter_add",
        ac.scatter_add,
        _scatter_add_cases,
        ref=_scatter_add_ref,
        torch_fn=_torch_scatter_add,
    ),
    OpSpec(
        "index_select",
        ac.index_select,
        _index_select_cases,
        ref=_index_select_ref,
        torch_fn=lambda x, dim, index: _torch().index_select(x, dim, index),
    ),
    OpSpec(
        "index_add",
        ac.index_add,
        _index_add_cases,
        ref=_index_add_ref,
        torch_fn=lambda x, dim, index, source, alpha=1: x.index_add(
            dim, index, source, alpha=alpha
        ),
    ),
]
