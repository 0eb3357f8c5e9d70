"""OpSpecs of ops/sorting.py: sort and topk, each one op with two outputs (values, indices)."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, distinct_values, noncontig


def _np_order(x, dim, descending):
    if x.ndim == 0:
        return np.zeros((), np.int64)
    return np.argsort(-x if descending else x, axis=dim, kind="stable")


def _np_sort(x, dim=-1, descending=False):
    index = _np_order(x, dim, descending)
    if x.ndim == 0:
        return x.copy(), index
    return np.take_along_axis(x, index, dim), index


def _np_topk(x, k, dim=-1, largest=True):
    index = _np_order(x, dim, largest)
    if x.ndim == 0:
        return x.copy(), index
    index = np.take(index, np.arange(k), axis=dim)
    return np.take_along_axis(x, index, dim), index


def _sort(x, **kwargs):
    return tuple(ac.sort(x, **kwargs))


def _topk(x, k, **kwargs):
    return tuple(ac.topk(x, k, **kwargs))


def _torch_sort(x, dim=-1, descending=False):
    import torch

    return tuple(torch.sort(x, dim=dim, descending=descending, stable=True))


def _torch_topk(x, k, dim=-1, largest=True):
    import torch

    return tuple(torch.topk(x, k, dim=dim, largest=largest, sorted=True))


def _sort_cases(rng):
    d = lambda *shape: distinct_values(rng, shape, -2, 2)  # noqa: E731
    return [
        Case((d(5),), {}, "vector"),
        Case((d(3, 4),), {"dim": 0}, "dim 0"),
        Case((d(3, 4),), {"dim": -1, "descending": True}, "descending"),
        Case((d(2, 3, 4),), {"dim": 1, "descending": True}, "3-d dim 1 descending"),
        Case((d(),), {}, "0-d"),
        Case((d(3, 1),), {"dim": 1}, "size-1 axis"),
        Case((np.zeros((0, 3)),), {"dim": 0}, "zero-size axis"),
        Case((noncontig(d(3, 4)),), {"dim": 0, "descending": True}, "non-contiguous"),
    ]


def _topk_cases(rng):
    d = lambda *shape: distinct_values(rng, shape, -2, 2)  # noqa: E731
    return [
        Case((d(6), 3), {}, "vector k=3"),
        Case((d(3, 4), 2), {"dim": 0}, "dim 0"),
        Case((d(3, 4), 2), {"largest": False}, "smallest"),
        Case((d(2, 3, 4), 3), {"dim": 1}, "3-d dim 1 k=all"),
        Case((d(4), 0), {}, "k=0"),
        Case((d(), 1), {}, "0-d"),
        Case((np.zeros((2, 0)), 0), {"dim": 1}, "zero-size axis"),
        Case((noncontig(d(3, 4)), 1), {"dim": -1}, "non-contiguous"),
    ]


_TIES = (
    "Stable: tied values keep their original order in both directions, as torch.sort(..., "
    "stable=True); topk picks the lower indices first on a tie (tests/autograd_core/"
    "test_sorting.py pins both). Inputs here are drawn distinct, where any tie rule agrees."
)

OP_DB += [
    OpSpec("sort", _sort, _sort_cases, ref=_np_sort, torch_fn=_torch_sort, notes=_TIES),
    OpSpec("topk", _topk, _topk_cases, ref=_np_topk, torch_fn=_torch_topk, notes=_TIES),
]
