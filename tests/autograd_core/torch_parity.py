"""Helpers shared by the tests of PyTorch's shape and index shorthands: run one function on
autograd_core and on torch (the same code, given either module), compare values, dtypes and
float64 gradients, and run gradcheck / gradgradcheck."""

from __future__ import annotations

import numpy as np

import autograd_core as ac


def outputs(y):
    return list(y) if isinstance(y, (tuple, list)) else [y]


def leaves(arrays, make, float_grad=True):
    """The arrays as leaves of ``make`` (ac.tensor or torch.tensor); float ones need grad."""
    return [make(a.copy(), requires_grad=float_grad and a.dtype.kind == "f") for a in arrays]


def compare_with_torch(torch, fn, arrays, rng, grads=True):
    """``fn(module, *tensors)`` on both libraries: equal shapes, dtypes and values (1e-10),
    and, with ``grads``, equal float64 gradients of a random weighting of the outputs."""
    xs = leaves(arrays, ac.tensor, grads)
    ts = leaves(arrays, torch.tensor, grads)
    ys, tys = outputs(fn(ac, *xs)), outputs(fn(torch, *ts))
    assert len(ys) == len(tys)
    for y, ty in zip(ys, tys):
        assert y.shape == tuple(ty.shape)
        assert str(y.dtype) == str(ty.dtype).removeprefix("torch.")
        np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    if not grads:
        return
    weights = [rng.standard_normal(y.shape) for y in ys]
    loss = sum((y * ac.tensor(w)).sum() for y, w in zip(ys, weights) if y.requires_grad)
    tloss = sum((t * torch.tensor(w)).sum() for t, w in zip(tys, weights) if t.requires_grad)
    need = [x for x in xs if x.requires_grad]
    tneed = [t for t in ts if t.requires_grad]
    got = ac.grad(loss, need, allow_unused=True)
    want = torch.autograd.grad(tloss, tneed, allow_unused=True)
    for g, tg, x in zip(got, want, need):
        g = np.zeros(x.shape) if g is None else g.numpy()
        tg = np.zeros(x.shape) if tg is None else tg.numpy()
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)


def check_gradients(fn, arrays):
    """gradcheck and gradgradcheck of ``fn(ac, *tensors)`` in float64."""
    xs = [ac.tensor(a, dtype=ac.float64, requires_grad=True) for a in arrays]

    def f(*ts):
        return fn(ac, *ts)

    assert ac.gradcheck(f, xs)
    assert ac.gradgradcheck(f, xs)
