"""OpSpecs of the fused neural-network ops (ops/nn_ops.py)."""

from __future__ import annotations

import numpy as np

from autograd_core.ops.nn_ops import linear, softmax_cross_entropy
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
]
