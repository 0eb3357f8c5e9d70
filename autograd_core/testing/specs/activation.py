"""OpSpecs of ops/activation.py."""

from __future__ import annotations

import math

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig, unary_cases


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_softplus(x, beta=1.0, threshold=20.0):
    z = x * beta
    return np.where(z > threshold, x, np.logaddexp(0, z) / beta)


_vec_erf = np.vectorize(math.erf, otypes=[np.float64])


def _np_gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * (1 + _vec_erf(x / math.sqrt(2)))


def _np_softmax(x, dim=None, axis=None):
    ax = -1 if dim is None and axis is None else (axis if dim is None else dim)
    if x.ndim == 0:
        return np.ones_like(x)
    e = np.exp(x - x.max(axis=ax, keepdims=True)) if x.size else x
    return e / e.sum(axis=ax, keepdims=True) if x.size else e


def _np_log_softmax(x, dim=None, axis=None):
    ax = -1 if dim is None and axis is None else (axis if dim is None else dim)
    if x.ndim == 0:
        return np.zeros_like(x)
    if x.size == 0:
        return x
    z = x - x.max(axis=ax, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=ax, keepdims=True))


def _torch_softmax(name):
    def fn(x, dim=None, axis=None):
        ax = -1 if dim is None and axis is None else (axis if dim is None else dim)
        return getattr(x, name)(0 if x.ndim == 0 else ax)

    return fn


def _softmax_cases(rng: np.random.Generator) -> list[Case]:
    x3 = rng.uniform(-3, 3, (2, 3, 4))
    return [
        Case((x3,), {}, "(2,3,4) default dim"),
        Case((x3,), {"dim": -1}, "dim=-1"),
        Case((x3,), {"dim": 0}, "dim=0"),
        Case((x3,), {"axis": 1}, "axis=1"),
        Case((rng.uniform(-3, 3, ()),), {}, "0-d"),
        Case((rng.uniform(-3, 3, (5,)),), {"dim": 0}, "vector"),
        Case((rng.uniform(-3, 3, (3, 1)),), {"dim": 1}, "size-1 axis"),
        Case((rng.uniform(-3, 3, (0, 3)),), {"dim": 1}, "zero-size axis kept"),
        Case((rng.uniform(-3, 3, (3, 0)),), {"dim": 1}, "zero-size softmax axis"),
        Case((noncontig(rng.uniform(-3, 3, (3, 4))),), {"dim": 0}, "non-contiguous"),
        Case((rng.uniform(-3, 3, (4, 3)).T,), {"dim": -1}, "transposed"),
    ]


def _hardtanh_cases(rng: np.random.Generator) -> list[Case]:
    return unary_cases(rng, -2.0, 2.0) + [
        Case((rng.uniform(-1, 1, (3, 4)),), {"min_val": -0.5, "max_val": 0.5}, "bounds ±0.5")
    ]


def _torch_nn(name):
    def fn(x, **kwargs):
        import torch.nn.functional as F  # noqa: N812

        return getattr(F, name)(x, **kwargs)

    return fn


OP_DB += [
    OpSpec(
        "sigmoid",
        ac.sigmoid,
        lambda rng: (
            unary_cases(rng, -6.0, 6.0)
            + [Case((rng.uniform(-40, 40, (3, 4)),), {}, "tails ±40 (y ≈ 1 and y ≈ 1e-17)")]
        ),
        ref=_np_sigmoid,
        torch_fn=lambda x: x.sigmoid(),
        notes="σ(−x) is saved for the VJP: 1 − y would cancel where y ≈ 1",
    ),
    OpSpec(
        "logsigmoid",
        ac.logsigmoid,
        lambda rng: unary_cases(rng, -6.0, 6.0),
        ref=lambda x: -np.logaddexp(0, -x),
        torch_fn=_torch_nn("logsigmoid"),
    ),
    OpSpec(
        "softplus",
        ac.softplus,
        lambda rng: (
            unary_cases(rng, -4.0, 4.0)
            + [
                Case(
                    (rng.uniform(-4, 4, (3, 4)),),
                    {"beta": 2.0, "threshold": 5.0},
                    "beta=2, threshold=5 (both branches)",
                )
            ]
        ),
        ref=_np_softplus,
        torch_fn=_torch_nn("softplus"),
        kinks=(2.5,),
        notes="identity where βx > threshold (PyTorch); the switch at βx = threshold is a "
        "kink of size σ(threshold) − 1",
    ),
    OpSpec(
        "silu",
        ac.silu,
        lambda rng: unary_cases(rng, -4.0, 4.0),
        ref=lambda x: x * _np_sigmoid(x),
        torch_fn=_torch_nn("silu"),
    ),
    OpSpec(
        "gelu",
        ac.gelu,
        lambda rng: unary_cases(rng, -4.0, 4.0) + unary_cases(rng, -4.0, 4.0, approximate="tanh"),
        ref=_np_gelu,
        torch_fn=_torch_nn("gelu"),
    ),
    OpSpec(
        "elu",
        ac.elu,
        lambda rng: (
            unary_cases(rng) + [Case((rng.uniform(-2, 2, (3, 4)),), {"alpha": 0.5}, "alpha=0.5")]
        ),
        ref=lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
        torch_fn=_torch_nn("elu"),
        kinks=(0.0,),
        notes="elu'(0) = α (the left derivative)",
    ),
    OpSpec(
        "leaky_relu",
        ac.leaky_relu,
        lambda rng: (
            unary_cases(rng)
            + [Case((rng.uniform(-2, 2, (3, 4)),), {"negative_slope": 0.2}, "slope 0.2")]
        ),
        ref=lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x),
        torch_fn=_torch_nn("leaky_relu"),
        kinks=(0.0,),
        notes="leaky_relu'(0) = negative_slope",
    ),
    OpSpec(
        "hardtanh",
        ac.hardtanh,
        _hardtanh_cases,
        ref=lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
        torch_fn=_torch_nn("hardtanh"),
        kinks=(-1.0, 1.0, -0.5, 0.5),
        notes="gradient 0 at the bounds (torch.nn.functional.hardtanh)",
    ),
    OpSpec(
        "softmax", ac.softmax, _softmax_cases, ref=_np_softmax, torch_fn=_torch_softmax("softmax")
    ),
    OpSpec(
        "log_softmax",
        ac.log_softmax,
        _softmax_cases,
        ref=_np_log_softmax,
        torch_fn=_torch_softmax("log_softmax"),
    ),
]
