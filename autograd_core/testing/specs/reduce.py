"""OpSpecs of the reductions."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def reduction_cases(rng: np.random.Generator, low: float = -2.0, high: float = 2.0) -> list[Case]:
    """Inputs for a reduction: all axes, one axis, negative and tuple axes, keepdims, a 0-d
    input, a size-1 axis, a zero-size axis kept, and a non-contiguous input."""
    x3 = rng.uniform(low, high, (2, 3, 4))
    return [
        Case((rng.uniform(low, high, ()),), {}, "0-d"),
        Case((x3,), {}, "all axes"),
        Case((x3,), {"axis": 1}, "axis=1"),
        Case((x3,), {"axis": -1, "keepdims": True}, "axis=-1 keepdims"),
        Case((x3,), {"dim": (0, 2)}, "dim=(0, 2)"),
        Case((rng.uniform(low, high, (3, 1)),), {"axis": 1}, "size-1 axis"),
        Case((rng.uniform(low, high, (0, 3)),), {"axis": 1}, "zero-size axis kept"),
        Case((noncontig(rng.uniform(low, high, (3, 4))),), {"axis": 0}, "non-contiguous"),
    ]


def _np_kwargs(fn):
    def ref(x, axis=None, dim=None, keepdims=False, keepdim=False):
        ax = dim if dim is not None else axis
        return fn(x, axis=ax, keepdims=keepdims or keepdim)

    return ref


def _sum_to_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case((rng.standard_normal((2, 3, 4)),), {"shape": (3, 1)}, "(2,3,4) -> (3,1)"),
        Case((rng.standard_normal((3, 4)),), {"shape": (4,)}, "(3,4) -> (4,)"),
        Case((rng.standard_normal((3, 4)),), {"shape": ()}, "(3,4) -> ()"),
        Case((rng.standard_normal((3, 4)),), {"shape": (3, 4)}, "no-op"),
    ]


OP_DB += [
    OpSpec("sum", ac.sum, reduction_cases, ref=_np_kwargs(np.sum),
           torch_fn=None),
    OpSpec("mean", ac.mean, lambda rng: [c for c in reduction_cases(rng)
                                         if "zero-size" not in c.desc],
           ref=_np_kwargs(np.mean)),
    OpSpec("sum_to", ac.ops.sum_to, _sum_to_cases,
           ref=lambda x, shape: np.broadcast_to(x.sum(axis=tuple(range(x.ndim - len(shape))))
                                                if len(shape) < x.ndim else x,
                                                x.shape[x.ndim - len(shape):])
           .sum(axis=tuple(i for i, d in enumerate(shape) if d == 1
                           and x.shape[x.ndim - len(shape) + i] != 1), keepdims=True)
           .reshape(shape)),
]
