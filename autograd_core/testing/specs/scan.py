"""OpSpecs of the scans along an axis: cumsum, cumprod and logcumsumexp."""

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


def _along_dim_cases(rng: np.random.Generator, zeros: bool) -> list[Case]:
    x = rng.uniform(-2, 2, (2, 3, 4))
    cases = [
        Case((rng.uniform(-2, 2, ()), 0), {}, "0-d"),
        Case((rng.uniform(-2, 2, (5,)), 0), {}, "vector"),
        Case((x, 1), {}, "dim=1"),
        Case((x, -1), {}, "dim=-1"),
        Case((rng.uniform(-2, 2, (0, 3)), 1), {}, "zero-size"),
        Case((noncontig(rng.uniform(-2, 2, (3, 4))), 0), {}, "non-contiguous"),
    ]
    if zeros:  # exact zeros: the gradient's special cases (one, several, at the ends)
        one = np.array([[1.5, 0.0, -2.0, 0.7], [0.0, 1.2, 0.8, -1.1], [0.9, -1.3, 1.4, 0.0]])
        several = np.array([[0.5, 0.0, 1.3, 0.0, -1.7], [0.0, 0.0, 1.1, 2.0, -0.6]])
        cases += [Case((one, 1), {}, "one zero per row"), Case((several, -1), {}, "zeros")]
    else:  # entries far apart, where a naive exp would under- or overflow
        far = np.array([[3.0, -40.0, 45.0, 1.0], [-50.0, 2.0, 0.5, 60.0]])
        cases.append(Case((far, 1), {}, "far apart"))
    return cases


def _cumprod_ref(x, dim):
    return x.copy() if x.ndim == 0 else np.cumprod(x, axis=dim)


def _logcumsumexp_ref(x, dim):
    return x.copy() if x.ndim == 0 else np.logaddexp.accumulate(x, axis=dim)


OP_DB += [
    OpSpec("cumsum", ac.cumsum, _cases, ref=_ref, torch_fn=_torch),
    OpSpec(
        "cumprod",
        ac.cumprod,
        lambda rng: _along_dim_cases(rng, zeros=True),
        ref=_cumprod_ref,
        torch_fn=lambda x, dim: x.cumprod(dim),
        notes="Inputs with one and several exact zeros per slice: the VJP is exact there, to "
        "second order, as PyTorch's.",
    ),
    OpSpec(
        "logcumsumexp",
        ac.logcumsumexp,
        lambda rng: _along_dim_cases(rng, zeros=False),
        ref=_logcumsumexp_ref,
        torch_fn=lambda x, dim: x.logcumsumexp(dim),
    ),
]
