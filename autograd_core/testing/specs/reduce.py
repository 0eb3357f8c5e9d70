"""OpSpecs of the reductions."""

from __future__ import annotations

import warnings

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def reduction_cases(
    rng: np.random.Generator, low: float = -2.0, high: float = 2.0, distinct: bool = False
) -> list[Case]:
    """Inputs for a reduction: all axes, one axis, negative and tuple axes, keepdims, a 0-d
    input, a size-1 axis, a zero-size axis kept, and a non-contiguous input.

    ``distinct=True`` draws every array from ``distinct_values`` (no two entries closer than
    a margin), for ops with a kink at ties (max, min, the inf-norm)."""

    def draw(shape: tuple[int, ...]) -> np.ndarray:
        if distinct:
            return distinct_values(rng, shape, low, high)
        return rng.uniform(low, high, shape)

    x3 = draw((2, 3, 4))
    return [
        Case((draw(()),), {}, "0-d"),
        Case((x3,), {}, "all axes"),
        Case((x3,), {"axis": 1}, "axis=1"),
        Case((x3,), {"axis": -1, "keepdims": True}, "axis=-1 keepdims"),
        Case((x3,), {"dim": (0, 2)}, "dim=(0, 2)"),
        Case((draw((3, 1)),), {"axis": 1}, "size-1 axis"),
        Case((draw((0, 3)),), {"axis": 1}, "zero-size axis kept"),
        Case((noncontig(draw((3, 4))),), {"axis": 0}, "non-contiguous"),
    ]


def distinct_values(
    rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float
) -> np.ndarray:
    """A random arrangement of evenly spaced values in [low, high], jittered by at most a
    quarter of the spacing: no two entries are closer than half the spacing, far from any tie
    at the gradcheck step."""
    n = int(np.prod(shape))
    step = (high - low) / max(n, 1)
    grid = low + step * (rng.permutation(n) + 0.5)
    return (grid + rng.uniform(-step / 4, step / 4, n)).reshape(shape)


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
    OpSpec("sum", ac.sum, reduction_cases, ref=_np_kwargs(np.sum), torch_fn=None),
    OpSpec(
        "mean",
        ac.mean,
        lambda rng: [c for c in reduction_cases(rng) if "zero-size" not in c.desc],
        ref=_np_kwargs(np.mean),
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
]


# -- max/min, amax/amin, argmax/argmin, prod, var/std, logsumexp, norm ---------------------


def _torch_dims(kwargs: dict) -> tuple[object, bool, dict]:
    """Split our ``dim``/``axis`` and ``keepdim``/``keepdims`` into torch's dim and keepdim."""
    kw = dict(kwargs)
    dim = kw.pop("dim", None)
    dim = kw.pop("axis", None) if dim is None else dim
    keep = bool(kw.pop("keepdim", False) or kw.pop("keepdims", False))
    return dim, keep, kw


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
    dim, keep, _ = _torch_dims(kwargs)
    if dim is None:
        out = x.prod()
        return out.reshape((1,) * x.ndim) if keep else out
    for d in sorted((dim,) if isinstance(dim, int) else dim, reverse=True):
        x = x.prod(d, keepdim=keep)
    return x


def _var_cases(rng: np.random.Generator) -> list[Case]:
    cases = [c for c in reduction_cases(rng) if c.desc not in ("size-1 axis", "0-d")]
    x = rng.uniform(-2, 2, (3, 5))
    return cases + [
        Case((rng.uniform(-2, 2, ()),), {"correction": 0}, "0-d, correction=0"),
        Case((rng.uniform(-2, 2, (3, 1)),), {"axis": 1, "correction": 0}, "size-1, correction=0"),
        Case((x,), {"correction": 0}, "correction=0"),
        Case((x,), {"dim": -1, "correction": 2, "keepdim": True}, "correction=2 keepdim"),
        Case((x,), {"axis": 0, "unbiased": False}, "unbiased=False"),
        Case((x,), {"axis": (0, 1), "ddof": 1}, "ddof=1"),
    ]


def _np_var(fn):
    def ref(
        x,
        axis=None,
        dim=None,
        keepdims=False,
        keepdim=False,
        correction=None,
        unbiased=None,
        ddof=None,
    ):
        c = ddof if ddof is not None else correction if correction is not None else 1
        c = c if unbiased is None else int(unbiased)
        return fn(x, axis=dim if dim is not None else axis, ddof=c, keepdims=keepdims or keepdim)

    return ref


def _torch_var(name):
    def fn(x, **kwargs):
        dim, keep, kw = _torch_dims(kwargs)
        c = kw.get("ddof", kw.get("correction", 1))
        c = c if kw.get("unbiased") is None else int(kw["unbiased"])
        with warnings.catch_warnings():  # torch warns about "degrees of freedom" on 0 elements
            warnings.simplefilter("ignore", UserWarning)
            return getattr(x, name)(dim=dim, correction=c, keepdim=keep)

    return fn


def _logsumexp_cases(rng: np.random.Generator) -> list[Case]:
    return reduction_cases(rng) + [
        Case((rng.uniform(-60, 60, (3, 4)),), {"axis": 1}, "logits of ±60"),
        Case((rng.uniform(-2, 2, (0, 3)),), {"axis": 0}, "reduce a zero-size axis (-inf)"),
    ]


def _np_logsumexp(x, axis=None, dim=None, keepdims=False, keepdim=False):
    ax = dim if dim is not None else axis
    if x.size == 0:
        with np.errstate(divide="ignore"):
            return np.log(np.sum(np.exp(x), axis=ax, keepdims=keepdims or keepdim))
    m = np.max(x, axis=ax, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return out if keepdims or keepdim else np.squeeze(out, axis=ax)


def _torch_logsumexp(x, **kwargs):
    dim, keep, _ = _torch_dims(kwargs)
    if dim is None:
        dim = tuple(range(x.ndim)) if x.ndim else 0
    return x.logsumexp(dim=dim, keepdim=keep)


def _abs_distinct(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Distinct |x| (no ties for the inf-norm) with random signs, away from 0."""
    return distinct_values(rng, shape, 0.1, 2.0) * rng.choice([-1.0, 1.0], shape)


def _norm_cases(rng: np.random.Generator) -> list[Case]:
    x3 = rng.uniform(-2, 2, (2, 3, 4))
    cases = reduction_cases(rng)  # p = 2 by default
    for p in (1, 3, 0.5):
        cases += [
            Case((x3,), {"p": p}, f"p={p} all axes"),
            Case((x3,), {"p": p, "dim": (0, 2), "keepdim": True}, f"p={p} dim=(0, 2) keepdim"),
        ]
    inf = float("inf")
    cases += [
        Case((_abs_distinct(rng, (2, 3, 4)),), {"ord": inf}, "p=inf all axes"),
        Case((_abs_distinct(rng, (2, 3, 4)),), {"ord": inf, "axis": 1}, "p=inf axis=1"),
        Case((x3,), {"p": "fro", "dim": (1, 2)}, "p='fro' dim=(1, 2)"),
        Case((rng.uniform(-2, 2, (0, 3)),), {"axis": 0}, "reduce a zero-size axis (0)"),
    ]
    return cases


def _np_norm(x, p=None, ord=None, axis=None, dim=None, keepdims=False, keepdim=False):  # noqa: A002
    p = ord if p is None else p
    p = 2.0 if p in (None, "fro") else float(p)
    ax = dim if dim is not None else axis
    keep = keepdims or keepdim
    a = np.abs(x)
    if p == np.inf:
        return np.max(a, axis=ax, keepdims=keep)
    return np.sum(a**p, axis=ax, keepdims=keep) ** (1.0 / p)


def _torch_norm(x, **kwargs):
    import torch

    dim, keep, kw = _torch_dims(kwargs)
    p = kw.get("p", kw.get("ord"))
    p = 2 if p in (None, "fro") else p
    return torch.linalg.vector_norm(x, ord=p, dim=dim, keepdim=keep)


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
    OpSpec(
        "prod",
        ac.prod,
        _prod_cases,
        ref=_np_kwargs(np.prod),
        torch_fn=_torch_prod,
        notes="Inputs with one, two and three zeros per slice are checked to second order; "
        "prod is a polynomial, so finite differences are exact enough at zeros.",
    ),
    OpSpec("var", ac.var, _var_cases, ref=_np_var(np.var), torch_fn=_torch_var("var")),
    OpSpec(
        "std",
        ac.std,
        _var_cases,
        ref=_np_var(np.std),
        torch_fn=_torch_var("std"),
        notes="At std = 0 (a constant or size-1 slice) the gradient is taken as 0.",
    ),
    OpSpec(
        "logsumexp", ac.logsumexp, _logsumexp_cases, ref=_np_logsumexp, torch_fn=_torch_logsumexp
    ),
    OpSpec(
        "norm",
        ac.norm,
        _norm_cases,
        ref=_np_norm,
        torch_fn=_torch_norm,
        kinks=(0.0,),
        notes="x = 0 is a kink for p <= 1 and of the norm itself (gradient 0 declared there); "
        "p=inf inputs have distinct |x| (ties split equally).",
    ),
]
