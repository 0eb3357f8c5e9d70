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
