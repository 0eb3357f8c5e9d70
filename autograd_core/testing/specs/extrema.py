"""OpSpecs of the extreme values over axes: max/min, amax/amin, argmax/argmin."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, distinct_values, reduction_cases
from autograd_core.testing.specs.reduce import np_kwargs, torch_dims


def _values_indices(fn):
    """The ``max``/``min`` op: (values, indices) along one dim, from one op with two outputs."""

    def op(x, **kwargs):
        return tuple(fn(x, **kwargs))

    return op


def _np_values_indices(values, indices):
    def ref(x, axis=None, dim=None, keepdims=False, keepdim=False):
        ax, keep = (dim if dim is not None else axis), keepdims or keepdim
        return values(x, axis=ax, keepdims=keep), indices(x, axis=ax, keepdims=keep)

    return ref


def _torch_max_min(name):
    def fn(x, **kwargs):
        dim, keep, _ = torch_dims(kwargs)
        return tuple(getattr(x, name)(dim, keep))

    return fn


def _torch_amax_amin(name):
    def fn(x, **kwargs):
        dim, keep, _ = torch_dims(kwargs)
        return getattr(x, name)(dim=() if dim is None else dim, keepdim=keep)

    return fn


def _no_tuple_dim(cases: list[Case]) -> list[Case]:
    return [c for c in cases if not isinstance(c.kwargs.get("dim"), tuple)]


def _max_min_cases(rng: np.random.Generator) -> list[Case]:
    """One int dim (without a dim, max and min are the amax and amin ops)."""
    cases = [
        c
        for c in reduction_cases(rng, distinct=True)
        if isinstance(c.kwargs.get("dim", c.kwargs.get("axis")), int) and c.args[0].size
    ]
    cases.append(Case((distinct_values(rng, (), -2, 2),), {"dim": 0}, "0-d dim=0"))
    return cases


def _arg_cases(rng: np.random.Generator) -> list[Case]:
    cases = _no_tuple_dim(reduction_cases(rng))
    cases.append(Case((rng.uniform(-2, 2, (2, 3, 4)),), {"keepdims": True}, "all keepdims"))
    return cases


def _np_arg(fn):
    def ref(x, axis=None, dim=None, keepdims=False, keepdim=False):
        ax = dim if dim is not None else axis
        return fn(x, axis=ax, keepdims=keepdims or keepdim)

    return ref


_TIES = (
    "Ties split the gradient equally among all tied elements (amax([1, 3, 3]) gives "
    "[0, 1/2, 1/2]), as torch.amax. Inputs are drawn distinct so no case sits on a tie."
)
_TIES_DIM = (
    "One op with two outputs (values, indices). The gradient goes to the returned index, the "
    "first extremum on a tie, as torch.max(x, dim) (tests/autograd_core/test_multi_output.py pins "
    "that); inputs here are drawn distinct."
)

OP_DB += [
    OpSpec(
        "max",
        _values_indices(ac.max),
        _max_min_cases,
        ref=_np_values_indices(np.max, np.argmax),
        torch_fn=_torch_max_min("max"),
        notes=_TIES_DIM,
    ),
    OpSpec(
        "min",
        _values_indices(ac.min),
        _max_min_cases,
        ref=_np_values_indices(np.min, np.argmin),
        torch_fn=_torch_max_min("min"),
        notes=_TIES_DIM,
    ),
    OpSpec(
        "amax",
        ac.amax,
        lambda rng: reduction_cases(rng, distinct=True),
        ref=np_kwargs(np.max),
        torch_fn=_torch_amax_amin("amax"),
        notes=_TIES,
    ),
    OpSpec(
        "amin",
        ac.amin,
        lambda rng: reduction_cases(rng, distinct=True),
        ref=np_kwargs(np.min),
        torch_fn=_torch_amax_amin("amin"),
        notes=_TIES,
    ),
    OpSpec(
        "argmax",
        ac.argmax,
        _arg_cases,
        ref=_np_arg(np.argmax),
        differentiable=False,
        notes="Ties give the first index (NumPy and PyTorch).",
    ),
    OpSpec(
        "argmin",
        ac.argmin,
        _arg_cases,
        ref=_np_arg(np.argmin),
        differentiable=False,
        notes="Ties give the first index (NumPy and PyTorch).",
    ),
]
