"""OpSpecs of the statistics over axes: var/std, logsumexp and the vector p-norms."""

from __future__ import annotations

import warnings

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, distinct_values, reduction_cases
from autograd_core.testing.specs.reduce import torch_dims


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
        dim, keep, kw = torch_dims(kwargs)
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
    dim, keep, _ = torch_dims(kwargs)
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

    dim, keep, kw = torch_dims(kwargs)
    p = kw.get("p", kw.get("ord"))
    p = 2 if p in (None, "fro") else p
    return torch.linalg.vector_norm(x, ord=p, dim=dim, keepdim=keep)


OP_DB += [
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
