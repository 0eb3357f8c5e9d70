"""OpSpecs of the extreme values over axes: max/min, amax/amin, argmax/argmin."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, distinct_values, reduction_cases
from autograd_core.testing.specs.reduce import _np_kwargs, _torch_dims


def _values(fn):
    """``max``/``min`` return (values, indices) with a dim; the spec checks the values."""

    def op(x, **kwargs):
        out = fn(x, **kwargs)
        return out.values if isinstance(out, tuple) else out

    return op


def _torch_max_min(name):
    def fn(x, **kwargs):
        dim, keep, _ = _torch_dims(kwargs)
        return getattr(x, name)() if dim is None else getattr(x, name)(dim, keep).values

    return fn


def _torch_amax_amin(name):
    def fn(x, **kwargs):
        dim, keep, _ = _torch_dims(kwargs)
        return getattr(x, name)(dim=() if dim is None else dim, keepdim=keep)

    return fn


def _no_tuple_dim(cases: list[Case]) -> list[Case]:
    return [c for c in cases if not isinstance(c.kwargs.get("dim"), tuple)]


def _max_min_cases(rng: np.random.Generator) -> list[Case]:
    cases = _no_tuple_dim(reduction_cases(rng, distinct=True))
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
    "Ties split the gradient equally among all tied elements (max([1, 3, 3]) gives "
    "[0, 1/2, 1/2]); PyTorch's max(x, dim) gives it to the returned index instead. Inputs "
    "are drawn distinct so no case sits on a tie."
)

OP_DB += [
    OpSpec(
        "max",
        _values(ac.max),
        _max_min_cases,
        ref=_np_kwargs(np.max),
        torch_fn=_torch_max_min("max"),
        notes=_TIES,
    ),
    OpSpec(
        "min",
        _values(ac.min),
        _max_min_cases,
        ref=_np_kwargs(np.min),
        torch_fn=_torch_max_min("min"),
        notes=_TIES,
    ),
    OpSpec(
        "amax",
        ac.amax,
        lambda rng: reduction_cases(rng, distinct=True),
        ref=_np_kwargs(np.max),
        torch_fn=_torch_amax_amin("amax"),
        notes=_TIES,
    ),
    OpSpec(
        "amin",
        ac.amin,
        lambda rng: reduction_cases(rng, distinct=True),
        ref=_np_kwargs(np.min),
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
