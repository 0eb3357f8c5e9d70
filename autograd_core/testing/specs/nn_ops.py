"""OpSpecs of the fused neural-network ops (ops/nn_ops.py)."""

from __future__ import annotations

import numpy as np

from autograd_core.ops.nn_ops import linear, softmax_cross_entropy, softmax_cross_entropy_index
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _linear_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((3, 4)), r((2, 4)), r((2,))), {}, "(3,4) with bias"),
        Case((r((3, 4)), r((2, 4))), {}, "no bias"),
        Case((r((2, 3, 4)), r((5, 4)), r((5,))), {}, "batched (2,3,4)"),
        Case((r((4,)), r((3, 4)), r((3,))), {}, "1-D input"),
        Case((r((1, 1)), r((1, 1)), r((1,))), {}, "size-1"),
        Case((r((0, 4)), r((2, 4)), r((2,))), {}, "zero rows"),
        Case((noncontig(r((3, 4))), r((4, 2)).T, r((2,))), {}, "non-contiguous"),
    ]


def _linear_ref(x, w, b=None):
    y = x @ w.T
    return y if b is None else y + b


def _ce_cases(rng):
    def probs(shape):
        p = rng.uniform(0.1, 1.0, shape)
        return p / p.sum(axis=-1, keepdims=True)

    def onehot(n, c):
        a = np.zeros((n, c))
        a[np.arange(n), rng.integers(0, c, n)] = 1.0
        return a

    r = rng.standard_normal
    return [
        Case((r((4, 5)), probs((4, 5))), {}, "soft targets (4,5)"),
        Case((r((3, 2)) * 3, onehot(3, 2)), {}, "one-hot (3,2)"),
        Case((r((1, 1)), np.ones((1, 1))), {}, "one class"),
        Case((r((2, 3)) * 20, probs((2, 3)) * 2.0), {}, "large logits, weighted rows"),
        Case((r((0, 3)), np.zeros((0, 3))), {}, "zero rows"),
        Case((noncontig(r((3, 4))), probs((4, 3)).T), {}, "non-contiguous"),
    ]


def _ce_ref(z, a):
    m = z.max(axis=1, keepdims=True) if z.shape[0] else np.zeros((0, 1), z.dtype)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return -(a * log_p).sum(axis=1)


def _ce_torch(z, a):
    import torch

    return -(a * torch.log_softmax(z, dim=1)).sum(dim=1)


def _ce_index_cases(rng):
    r = rng.standard_normal

    def idx(n, c):
        return rng.integers(0, c, n)

    return [
        Case((r((4, 5)), idx(4, 5), np.ones(4)), {}, "(4,5), unit weights"),
        Case((r((3, 2)) * 3, idx(3, 2), rng.uniform(0.5, 2.0, 3)), {}, "weighted rows"),
        Case((r((1, 1)), np.zeros(1, np.int64), np.ones(1)), {}, "one class"),
        Case((r((3, 4)) * 40, idx(3, 4), np.ones(3)), {}, "spread > 88: float32 max shift"),
        Case(
            (r((4, 3)), np.array([0, 2, 2, 1]), np.array([1.0, 0.0, 1.0, 1.0])), {}, "ignored row"
        ),
        Case((r((0, 3)), np.zeros(0, np.int64), np.zeros(0)), {}, "zero rows"),
        Case((noncontig(r((3, 4))), idx(3, 4), np.ones(3)), {}, "non-contiguous"),
    ]


def _ce_index_ref(z, y, w):
    onehot = np.zeros(z.shape)
    onehot[np.arange(z.shape[0]), y] = 1.0
    return _ce_ref(z, onehot * w[:, None])


def _ce_index_torch(z, y, w):
    import torch

    return w * torch.nn.functional.cross_entropy(z, y, reduction="none")


def _linear_torch(x, w, b=None):
    import torch

    return torch.nn.functional.linear(x, w, b)


OP_DB += [
    OpSpec(
        "linear",
        linear,
        _linear_cases,
        ref=_linear_ref,
        torch_fn=_linear_torch,
        notes="x̄ = ȳW, W̄ = ȳᵀx, b̄ = Σȳ; a 1-D input is treated as one row.",
    ),
    OpSpec(
        "softmax_cross_entropy",
        softmax_cross_entropy,
        _ce_cases,
        ref=_ce_ref,
        torch_fn=_ce_torch,
        notes="Stable through log-sum-exp; the coefficient matrix is differentiable too.",
    ),
    OpSpec(
        "softmax_cross_entropy_index",
        softmax_cross_entropy_index,
        _ce_index_cases,
        ref=_ce_index_ref,
        grad_args=(0,),
        torch_fn=_ce_index_torch,
        notes="Class indices and row weights; only the logits are differentiable.",
    ),
]
