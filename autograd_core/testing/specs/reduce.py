"""OpSpecs of the sums and products over axes (sum, mean, sum_to, prod), and the oracle
adapters that the extrema and statistics specs share."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, reduction_cases


def np_kwargs(fn):
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


def torch_dims(kwargs: dict) -> tuple[object, bool, dict]:
    """Split our ``dim``/``axis`` and ``keepdim``/``keepdims`` into torch's dim and keepdim."""
    kw = dict(kwargs)
    dim = kw.pop("dim", None)
    dim = kw.pop("axis", None) if dim is None else dim
    keep = bool(kw.pop("keepdim", False) or kw.pop("keepdims", False))
    return dim, keep, kw


def _prod_cases(rng: np.random.Generator) -> list[Case]:
    rows = rng.uniform(0.5, 2.0, (4, 4)) * rng.choice([-1.0, 1.0], (4, 4))
    rows[0, 1] = 0.0  # one zero in the slice
    rows[1, [0, 2]] = 0.0  # two zeros
    rows[2, [0, 1, 3]] = 0.0  # three zeros; row 3 has none
    return reduction_cases(rng) + [
        Case((rows,), {"axis": 1}, "zeros: 1, 2, 3 and none per row"),
        Case((rows.T.copy(),), {"axis": 0, "keepdims": True}, "zeros along axis 0 keepdims"),
        Case((np.array([1.5, 0.0, -2.0]),), {}, "one zero, all axes"),
        Case((np.array([[0.0, 1.5], [-2.0, 0.0]]),), {}, "two zeros, all axes"),
        Case((rng.uniform(-2, 2, (0, 3)),), {"axis": 0}, "reduce a zero-size axis"),
    ]


def _torch_prod(x, **kwargs):
    dim, keep, _ = torch_dims(kwargs)
    if dim is None:
        out = x.prod()
        return out.reshape((1,) * x.ndim) if keep else out
    for d in sorted((dim,) if isinstance(dim, int) else dim, reverse=True):
        x = x.prod(d, keepdim=keep)
    return x


OP_DB += [
    OpSpec("sum", ac.sum, reduction_cases, ref=np_kwargs(np.sum), torch_fn=None),
    OpSpec(
        "mean",
        ac.mean,
        lambda rng: [c for c in reduction_cases(rng) if "zero-size" not in c.desc],
        ref=np_kwargs(np.mean),
    ),
    OpSpec(
        "sum_to",
        ac.ops.sum_to,
        _sum_to_cases,
        ref=lambda x, shape: (
            np.broadcast_to(
                x.sum(axis=tuple(range(x.ndim - len(shape)))) if len(shape) < x.ndim else x,
                x.shape[x.ndim - len(shape) :],
            )
            .sum(
                axis=tuple(
                    i
                    for i, d in enumerate(shape)
                    if d == 1 and x.shape[x.ndim - len(shape) + i] != 1
                ),
                keepdims=True,
            )
            .reshape(shape)
        ),
    ),
    OpSpec(
        "prod",
        ac.prod,
        _prod_cases,
        ref=np_kwargs(np.prod),
        torch_fn=_torch_prod,
        notes="Inputs with one, two and three zeros per slice are checked to second order; "
        "prod is a polynomial, so finite differences are exact enough at zeros.",
    ),
]
