"""OpSpecs of ops/join.py."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _torch():
    import torch

    return torch


def _cat_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((2, 3)), n((1, 3)), n((4, 3))), {"dim": 0}, "three along 0"),
        Case((n((2, 3)), n((2, 0)), n((2, 4))), {"dim": -1}, "zero-size piece, negative dim"),
        Case((n((5,)),), {"dim": 0}, "single input"),
        Case((n((1, 1)), n((1, 1))), {"dim": 1}, "size-1 axes"),
        Case((n((0, 3)), n((0, 2))), {"dim": 1}, "all empty"),
        Case((noncontig(n((2, 3))), n((3, 4)).T), {"dim": 0}, "non-contiguous"),
    ]


def _stack_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((2, 3)), n((2, 3)), n((2, 3))), {"dim": 0}, "three along 0"),
        Case((n((2, 3)), n((2, 3))), {"dim": -1}, "new last axis"),
        Case((n(()), n(()), n(())), {"dim": 0}, "0-d inputs"),
        Case((n((0, 3)), n((0, 3))), {"dim": 1}, "zero-size"),
        Case((n((1, 1)),), {"dim": -3}, "single input, size-1 axes"),
        Case((noncontig(n((2, 3))), n((3, 2)).T), {"dim": 1}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec(
        "cat",
        lambda *xs, dim: ac.cat(xs, dim=dim),
        _cat_cases,
        ref=lambda *xs, dim: np.concatenate(xs, axis=dim),
        torch_fn=lambda *xs, dim: _torch().cat(xs, dim=dim),
    ),
    OpSpec(
        "stack",
        lambda *xs, dim: ac.stack(xs, dim=dim),
        _stack_cases,
        ref=lambda *xs, dim: np.stack(xs, axis=dim),
        torch_fn=lambda *xs, dim: _torch().stack(xs, dim=dim),
    ),
]


def _split_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((5, 3)),), {"sizes": [2, 3], "dim": 0}, "sections along 0"),
        Case((n((2, 7)),), {"sizes": 3, "dim": -1}, "int size, ragged last piece"),
        Case((n((4,)),), {"sizes": [1, 1, 1, 1], "dim": 0}, "size-1 pieces"),
        Case((n((2, 3)),), {"sizes": [0, 3], "dim": 1}, "zero-size piece"),
        Case((n((3,)),), {"sizes": [3], "dim": 0}, "single piece"),
        Case((noncontig(n((4, 3))),), {"sizes": [1, 3], "dim": 0}, "non-contiguous"),
    ]


def _split_ref(x, sizes, dim):
    if not isinstance(sizes, list):
        sizes = [sizes] * (x.shape[dim] // sizes) + (
            [x.shape[dim] % sizes] if x.shape[dim] % sizes else []
        )
    return tuple(np.split(x, np.cumsum(sizes)[:-1], axis=dim))


def _unbind_cases(rng):
    n = rng.standard_normal
    return [
        Case((n((3, 4)),), {"dim": 0}, "rows"),
        Case((n((2, 3, 4)),), {"dim": -1}, "last axis"),
        Case((n((1, 5)),), {"dim": 0}, "one entry"),
        Case((n((4,)),), {"dim": 0}, "vector to scalars"),
        Case((noncontig(n((3, 2))),), {"dim": 1}, "non-contiguous"),
    ]


OP_DB += [
    OpSpec(
        "split",
        lambda x, sizes, dim: ac.split(x, sizes, dim),
        _split_cases,
        ref=_split_ref,
        torch_fn=lambda x, sizes, dim: _torch().split(x, sizes, dim),
        notes="One op with one output per piece; its VJP is one cat (zeros for pieces that "
        "received no gradient).",
    ),
    OpSpec(
        "unbind",
        lambda x, dim: ac.unbind(x, dim),
        _unbind_cases,
        ref=lambda x, dim: tuple(np.moveaxis(x, dim, 0)),
        torch_fn=lambda x, dim: _torch().unbind(x, dim),
        notes="One op with one output per entry; its VJP is one stack.",
    ),
]
