"""A helper shared by the value tests of the order statistics, scans and quantiles: run one
function in autograd_core and in PyTorch (float64), and compare every output (values, dtype,
shape) and the gradients of all float inputs for one random upstream gradient."""

from __future__ import annotations

import numpy as np

import autograd_core as ac


def _listed(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def compare_with_torch(torch, ours, theirs, *arrays, grad=True, seed=0, rtol=1e-10):
    """``ours(*Tensors)`` against ``theirs(*torch tensors)``; returns our outputs."""
    needs = [grad and np.asarray(a).dtype.kind == "f" for a in arrays]
    xs = [ac.tensor(np.asarray(a), requires_grad=r) for a, r in zip(arrays, needs, strict=True)]
    ts = [torch.tensor(np.asarray(a), requires_grad=r) for a, r in zip(arrays, needs, strict=True)]
    outs, touts = _listed(ours(*xs)), _listed(theirs(*ts))
    assert len(outs) == len(touts)
    for o, t in zip(outs, touts, strict=True):
        assert o.shape == tuple(t.shape), (o.shape, tuple(t.shape))
        assert str(o.dtype) == str(t.dtype).removeprefix("torch."), (o.dtype, t.dtype)
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=rtol, atol=1e-12)
    live = [k for k, t in enumerate(touts) if t.requires_grad and t.numel()]
    diff = [i for i, r in enumerate(needs) if r]
    if not live or not diff:
        return outs
    rng = np.random.default_rng(seed)
    gys = [rng.standard_normal(tuple(touts[k].shape)) for k in live]
    got = ac.grad([outs[k] for k in live], [xs[i] for i in diff], [ac.tensor(g) for g in gys])
    want = torch.autograd.grad(
        [touts[k] for k in live], [ts[i] for i in diff], [torch.tensor(g) for g in gys]
    )
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=rtol, atol=1e-12)
    return outs


def gradchecks(fn, *arrays):
    """First- and second-order gradcheck of ``fn`` in float64 at ``arrays``."""
    xs = tuple(ac.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays)
    assert ac.gradcheck(fn, xs)
    assert ac.gradgradcheck(fn, xs)
