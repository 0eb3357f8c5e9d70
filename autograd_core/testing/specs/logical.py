"""OpSpecs of the boolean reductions."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec


def _bool_cases(rng: np.random.Generator) -> list[Case]:
    b = rng.random((2, 3, 4)) > 0.3
    return [
        Case((b,), {}, "all axes"),
        Case((b,), {"dim": 1}, "dim=1"),
        Case((b,), {"axis": (0, 2), "keepdims": True}, "tuple axis keepdims"),
        Case((rng.standard_normal((3, 0)),), {"axis": 1}, "empty axis (float input)"),
        Case((np.array(True),), {}, "0-d"),
    ]


def _ref(fn):
    def ref(x, dim=None, axis=None, keepdims=False):
        return fn(x, axis=axis if dim is None else dim, keepdims=keepdims)

    return ref


OP_DB += [
    OpSpec("all", ac.all, _bool_cases, ref=_ref(np.all), differentiable=False),
    OpSpec("any", ac.any, _bool_cases, ref=_ref(np.any), differentiable=False),
]
