"""OpSpecs of the scans along an axis: cumsum."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _cases(rng: np.random.Generator) -> list[Case]:
    x = rng.uniform(-2, 2, (2, 3, 4))
    return [
        Case((rng.uniform(-2, 2, ()),), {"dim": 0}, "0-d"),
        Case((rng.uniform(-2, 2, (5,)),), {"dim": 0}, "vector"),
        Case((x,), {"dim": 1}, "dim=1"),
        Case((x,), {"dim": -1}, "dim=-1"),
        Case((x,), {"axis": 0}, "axis=0"),
        Case((rng.uniform(-2, 2, (3, 4)),), {}, "flattened (no dim)"),
        Case((rng.uniform(-2, 2, (0, 3)),), {"dim": 1}, "zero-size"),
        Case((noncontig(rng.uniform(-2, 2, (3, 4))),), {"dim": 0}, "non-contiguous"),
    ]


def _ref(x, dim=None, axis=None):
    d = dim if dim is not None else axis
    if x.ndim == 0:
        return x.copy()
    return np.cumsum(x, axis=d)


def _torch(x, dim=None, axis=None):
    d = dim if dim is not None else axis
    return x.reshape(-1).cumsum(0) if d is None else x.cumsum(d)


OP_DB += [OpSpec("cumsum", ac.cumsum, _cases, ref=_ref, torch_fn=_torch)]
