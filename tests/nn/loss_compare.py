"""Shared by the loss tests of test_losses_triplet.py, test_losses_multi_margin.py and
test_losses_more.py: one ``nn.functional`` loss against torch's (values, then the gradients of
the ``Leaf`` arguments) and the check that sample points lie away from the hinges' kinks.

Import it as the other helpers in tests/ are imported (pytest puts a test file's folder on
``sys.path``): ``from loss_compare import REDUCTIONS, Leaf, compare_loss  # tests/nn/``.
"""

from __future__ import annotations

import numpy as np

import autograd_core as ac
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


class Leaf:
    """A float64 array that enters both calls as a leaf whose gradient is compared."""

    def __init__(self, array):
        self.array = np.asarray(array, dtype=np.float64)


def compare_loss(torch, name, args, ours=None, theirs=None, **kw):
    """F.<name>(*args, **ours, **kw) vs torch's F.<name>(*args, **theirs, **kw): the values,
    then the gradients of a random projection for the ``Leaf`` arguments (others are
    constants)."""
    leaves = [ac.tensor(a.array, requires_grad=True) if isinstance(a, Leaf) else None for a in args]
    tleaves = [
        torch.tensor(a.array, requires_grad=True) if isinstance(a, Leaf) else None for a in args
    ]
    ins = [leaf if leaf is not None else ac.tensor(a) for leaf, a in zip(leaves, args)]
    tins = [leaf if leaf is not None else torch.tensor(a) for leaf, a in zip(tleaves, args)]
    out = getattr(F, name)(*ins, **(ours or {}), **kw)
    tout = getattr(torch.nn.functional, name)(*tins, **(theirs or {}), **kw)
    assert out.shape == tuple(tout.shape)
    assert out.dtype == ac.float64
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-14)
    if tout.numel() == 0 or not np.isfinite(tout.detach().numpy()).all():
        return
    w = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    (out * ac.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for leaf, tleaf in zip(leaves, tleaves):
        if leaf is not None:
            np.testing.assert_allclose(
                leaf.grad.numpy(), tleaf.grad.numpy(), rtol=1e-10, atol=1e-13
            )


def away_from_kinks(z, gap=0.05):
    """True when no hinge argument lies within ``gap`` of its kink at 0."""
    return bool(np.all(np.abs(np.asarray(z)) > gap))
