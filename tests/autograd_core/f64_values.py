"""Helpers shared by the value tests of reductions, einsum and the tensor utilities: float64
tensors on a device or drawn from a generator, a gradient brought back to the host."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.device import to_device


def t64(data, device="cpu", requires_grad=True):
    return ac.tensor(
        np.asarray(data, dtype=np.float64),
        dtype=ac.float64,
        device=device,
        requires_grad=requires_grad,
    )


def randn64(rng, *shape, requires_grad=True):
    """A float64 tensor of standard normal draws from ``rng``."""
    return ac.tensor(rng.standard_normal(shape), requires_grad=requires_grad)


def host(t):
    return np.asarray(to_device(t.data, "cpu"))


def grad_of(fn, x, gy=None):
    out = fn(x)
    gy = np.ones(out.shape) if gy is None else gy
    (g,) = ac.grad(out, [x], ac.tensor(gy, dtype=ac.float64, device=x.device))
    return host(g)
