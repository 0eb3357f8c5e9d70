"""OpSpecs of the diagonal ops."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.ops.diagonals import DiagonalGrad
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _diagonal_cases(rng):
    return [
        Case((rng.standard_normal((3, 4)),), {}, "(3,4) main"),
        Case((rng.standard_normal((3, 4)),), {"offset": 2}, "(3,4) offset 2"),
        Case((rng.standard_normal((4, 3)),), {"offset": -1}, "(4,3) offset -1"),
        Case((rng.standard_normal((2, 3, 4)),), {"dim1": 2, "dim2": 0}, "batch, dims (2, 0)"),
        Case((rng.standard_normal((2, 3, 3)),), {"offset": 1, "dim1": -2, "dim2": -1}, "last two"),
        Case((rng.standard_normal((2, 3)),), {"offset": 5}, "offset past the end: empty"),
        Case((rng.standard_normal((0, 3)),), {}, "empty"),
        Case((noncontig(rng.standard_normal((4, 4))),), {"offset": -2}, "non-contiguous"),
    ]


def _diagonal_grad_cases(rng):
    return [
        Case(
            (rng.standard_normal((3,)),),
            {"shape": (3, 4), "offset": 0, "dim1": 0, "dim2": 1},
            "(3,) -> (3,4)",
        ),
        Case(
            (rng.standard_normal((4, 2)),),
            {"shape": (3, 4, 2), "offset": -1, "dim1": 0, "dim2": 2},
            "batch, offset -1",
        ),
    ]


OP_DB += [
    OpSpec(
        "diagonal",
        ac.diagonal,
        _diagonal_cases,
        ref=lambda x, offset=0, dim1=0, dim2=1: np.diagonal(x, offset, dim1, dim2),
        torch_fn=lambda x, offset=0, dim1=0, dim2=1: x.diagonal(offset, dim1, dim2),
    ),
    OpSpec(
        "diagonal_grad",
        lambda g, **kw: DiagonalGrad.apply(g, **kw),
        _diagonal_grad_cases,
        notes="diagonal's adjoint; checked here and through diagonal's VJP",
    ),
]
