"""Shared by the tests that use PyTorch as the oracle for an autograd_core function: run the same
code on both libraries and compare outputs and float64 gradients (``compare_with_torch``), and
gradcheck a function to first and second order (``gradchecks``).

Import it as the other helpers in tests/ are imported (pytest puts a test file's folder on
``sys.path``): ``from torch_compare import compare_with_torch, gradchecks  # tests/autograd_core/``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd_core as ac

RTOL, ATOL = 1e-10, 1e-12


def _listed(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _leaves(module, arrays, grad):
    """Each array as a new leaf of ``module`` (a copy); float ones require grad when ``grad``."""
    leaves = []
    for a in arrays:
        a = np.array(a)
        leaves.append(module.tensor(a, requires_grad=grad and a.dtype.kind == "f"))
    return leaves


def _grads(lib_grad, outs, inputs, gys, tensor):
    """The gradients of ``inputs`` for upstream ``gys`` (by output index) of the ``outs`` that
    require grad; None for each input when no output does."""
    live = [k for k, o in enumerate(outs) if o.requires_grad]
    if not live:
        return [None] * len(inputs)
    return lib_grad(
        [outs[k] for k in live], inputs, [tensor(gys[k]) for k in live], allow_unused=True
    )


def compare_with_torch(
    torch,
    fn: Callable,
    *arrays,
    grad: bool = True,
    rng: np.random.Generator | None = None,
    rtol: float = RTOL,
) -> list:
    """Run ``fn(module, *tensors)`` with ``module`` = autograd_core and then torch, and compare.

    Each array becomes a leaf of either library; float arrays require grad when ``grad`` is
    true. Every output must agree in shape, dtype and value (``rtol``, atol 1e-12), and in
    whether it requires grad, except where an input or the output is empty (torch then returns
    fresh tensors outside the graph). With ``grad``, one random upstream gradient is drawn per
    output that requires grad on either side (from ``rng``, default a generator seeded with 0),
    and the float inputs' gradients must agree in dtype and value; an input that no output
    reaches counts as a zero gradient on either side.

    Returns:
        autograd_core's outputs, as a list.
    """
    xs, ts = _leaves(ac, arrays, grad), _leaves(torch, arrays, grad)
    outs, touts = _listed(fn(ac, *xs)), _listed(fn(torch, *ts))
    assert len(outs) == len(touts), (len(outs), len(touts))
    any_empty = any(x.numel() == 0 for x in xs)
    for k, (o, t) in enumerate(zip(outs, touts, strict=True)):
        assert o.shape == tuple(t.shape), (k, o.shape, tuple(t.shape))
        assert str(o.dtype) == str(t.dtype).removeprefix("torch."), (k, o.dtype, t.dtype)
        if not any_empty and o.numel():
            assert o.requires_grad == t.requires_grad, (k, o.requires_grad, t.requires_grad)
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=rtol, atol=ATOL)
    need = [i for i, x in enumerate(xs) if x.requires_grad]
    if not need:
        return outs
    rng = np.random.default_rng(0) if rng is None else rng
    gys = {
        k: rng.standard_normal(o.shape)
        for k, (o, t) in enumerate(zip(outs, touts))
        if o.requires_grad or t.requires_grad
    }
    got = _grads(ac.grad, outs, [xs[i] for i in need], gys, ac.tensor)
    want = _grads(torch.autograd.grad, touts, [ts[i] for i in need], gys, torch.tensor)
    for i, g, w in zip(need, got, want, strict=True):
        zeros = np.zeros(xs[i].shape, xs[i].numpy().dtype)
        g = zeros if g is None else g.numpy()
        w = zeros if w is None else w.detach().numpy()
        assert g.dtype == w.dtype, (i, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=ATOL)
    return outs


def gradchecks(fn: Callable, *arrays) -> None:
    """First- and second-order gradcheck of ``fn(*tensors)`` at ``arrays``, taken as float64."""
    xs = tuple(ac.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays)
    assert ac.gradcheck(fn, xs)
    assert ac.gradgradcheck(fn, xs)
