"""Margin and embedding losses against torch: values and gradients in float64 (1e-10) for every
reduction, broadcasting, empty and non-contiguous inputs, float32 values, gradcheck and
gradgradcheck on both devices, the modules, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

REDUCTIONS = ["mean", "sum", "none"]


def _compare(torch, name, inputs, target, rng, transpose=False, **kw):
    """F.<name>(*inputs, target, **kw) vs torch's, values and input gradients."""
    leaves = [ac.tensor(a, requires_grad=True) for a in inputs]
    tleaves = [torch.tensor(a, requires_grad=True) for a in inputs]
    ins = [t.T if transpose else t for t in leaves]
    tins = [t.T if transpose else t for t in tleaves]
    out = getattr(F, name)(*ins, ac.tensor(target), **kw)
    tout = getattr(torch.nn.functional, name)(*tins, torch.tensor(target), **kw)
    assert out.shape == tuple(tout.shape) and out.dtype == ac.float64
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-14)
    if tout.numel() == 0 or not np.isfinite(tout.detach().numpy()).all():
        return
    w = rng.standard_normal(tuple(tout.shape))
    (out * ac.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for leaf, tleaf in zip(leaves, tleaves):
        np.testing.assert_allclose(leaf.grad.numpy(), tleaf.grad.numpy(), rtol=1e-10, atol=1e-14)


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.7])
def test_margin_ranking_loss(reduction, margin, torch, rng):
    x1, x2 = rng.standard_normal(8), rng.standard_normal(8)
    kw = dict(margin=margin, reduction=reduction)
    _compare(torch, "margin_ranking_loss", [x1, x2], _signs(rng, 8), rng, **kw)
    _compare(torch, "margin_ranking_loss", [x1, x2[:1]], _signs(rng, 8), rng, **kw)  # broadcast
    m1, m2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    _compare(torch, "margin_ranking_loss", [m1, m2], _signs(rng, (3, 4)), rng, True, **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [1.0, 0.3])
def test_hinge_embedding_loss(reduction, margin, torch, rng):
    x = np.abs(rng.standard_normal((3, 5)))
    y = _signs(rng, (3, 5))
    y[0, :2] = 0.0  # neither +1 nor -1: torch adds both terms
    kw = dict(margin=margin, reduction=reduction)
    _compare(torch, "hinge_embedding_loss", [x], y, rng, **kw)
    _compare(torch, "hinge_embedding_loss", [x.T.copy()], y, rng, True, **kw)
    if reduction != "mean":  # the mean of nothing is NaN with a warning, as for every loss
        _compare(torch, "hinge_embedding_loss", [np.zeros((0, 2))], np.ones((0, 2)), rng, **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_loss(reduction, torch, rng):
    x = 3 * rng.standard_normal((4, 6))
    _compare(torch, "soft_margin_loss", [x], _signs(rng, (4, 6)), rng, reduction=reduction)
    _compare(torch, "soft_margin_loss", [x.T.copy()], _signs(rng, (4, 6)), rng, True)
    _compare(torch, "soft_margin_loss", [np.array(0.5)], np.array(-1.0), rng, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, -0.2, 0.5])
def test_cosine_embedding_loss(reduction, margin, torch, rng):
    x1, x2 = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    x1[0] = 0.0  # a zero vector: the 1e-12 terms keep the cosine finite
    y = _signs(rng, 6)
    y[1] = 0.0
    kw = dict(margin=margin, reduction=reduction)
    _compare(torch, "cosine_embedding_loss", [x1, x2], y, rng, **kw)
    _compare(torch, "cosine_embedding_loss", [x1[1], x2[1]], np.array(-1.0), rng, **kw)
    _compare(torch, "cosine_embedding_loss", [x1.T.copy(), x2.T.copy()], y, rng, True, **kw)


def test_float32_values(torch, rng):
    x1, x2 = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 3))
    x2 = x2.astype(np.float32)
    y = _signs(rng, 5).astype(np.float32)
    t = torch.nn.functional
    cases = [
        (F.cosine_embedding_loss(ac.tensor(x1), ac.tensor(x2), y),
         t.cosine_embedding_loss(torch.tensor(x1), torch.tensor(x2), torch.tensor(y))),
        (F.margin_ranking_loss(ac.tensor(x1[:, 0]), ac.tensor(x2[:, 0]), y),
         t.margin_ranking_loss(torch.tensor(x1[:, 0]), torch.tensor(x2[:, 0]), torch.tensor(y))),
        (F.soft_margin_loss(ac.tensor(x1), ac.tensor(np.sign(x2))),
         t.soft_margin_loss(torch.tensor(x1), torch.tensor(np.sign(x2)))),
        (F.hinge_embedding_loss(ac.tensor(x1), ac.tensor(np.sign(x2))),
         t.hinge_embedding_loss(torch.tensor(x1), torch.tensor(np.sign(x2)))),
    ]  # fmt: skip
    for ours, ref in cases:
        assert ours.dtype == ac.float32
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=2e-6)


def test_gradcheck_twice(rng, device):
    def leaf(shape):
        return ac.tensor(rng.standard_normal(shape), requires_grad=True, device=device)

    def const(a):
        return ac.tensor(a, device=device)

    a, b, v, w = leaf((5,)), leaf((5,)), leaf((3, 4)), leaf((3, 4))
    y5, y3 = const(_signs(rng, 5)), const(np.array([1.0, -1.0, 1.0]))
    for fn, args in [
        (lambda p, q: F.margin_ranking_loss(p, q, y5, margin=0.1), (a, b)),
        (lambda p: F.hinge_embedding_loss(p, y5, margin=5.0), (a,)),
        (lambda p: F.soft_margin_loss(p, y5, reduction="sum"), (a,)),
        (lambda p, q: F.cosine_embedding_loss(p, q, y3, margin=-2.0), (v, w)),
        (lambda p, q: F.cosine_embedding_loss(p, q, y3, reduction="none"), (v, w)),
    ]:
        assert ac.gradcheck(fn, args)
        assert ac.gradgradcheck(fn, args)


def test_modules_match_torch(torch, rng):
    x1, x2 = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    y = _signs(rng, 4)
    T = torch.nn
    pairs = [
        (nn.MarginRankingLoss(0.5, reduction="sum"), T.MarginRankingLoss(0.5, reduction="sum"), 3),
        (nn.HingeEmbeddingLoss(2.0), T.HingeEmbeddingLoss(2.0), 2),
        (nn.SoftMarginLoss(reduction="none"), T.SoftMarginLoss(reduction="none"), 2),
        (nn.CosineEmbeddingLoss(0.1), T.CosineEmbeddingLoss(0.1), 3),
    ]
    for ours, theirs, arity in pairs:
        ins = [x1[:, 0], x2[:, 0], y] if arity == 3 else [x1[:, 0], y]
        if isinstance(ours, nn.CosineEmbeddingLoss):
            ins = [x1, x2, y]
        got = ours(*[ac.tensor(a) for a in ins]).numpy()
        ref = theirs(*[torch.tensor(a) for a in ins]).numpy()
        np.testing.assert_allclose(got, ref, rtol=1e-12)
        assert repr(ours).startswith(type(ours).__name__)
    with pytest.raises(ValueError, match="SoftMarginLoss: reduction must be"):
        nn.SoftMarginLoss(reduction="avg")


def test_errors_name_the_loss_shapes_and_a_fix():
    v = ac.ones((3,))
    with pytest.raises(ShapeError, match=r"margin_ranking_loss: .*same number of axes.*\(3,\)"):
        F.margin_ranking_loss(v, v, ac.ones((3, 1)))
    with pytest.raises(ShapeError, match=r"cosine_embedding_loss: target must be 0-d or 1-d"):
        F.cosine_embedding_loss(ac.ones((3, 2)), ac.ones((3, 2)), ac.ones((3, 1)))
    with pytest.raises(ShapeError, match=r"cosine_embedding_loss: a 1-d target needs 2-d inputs"):
        F.cosine_embedding_loss(v, v, v)
    with pytest.raises(ShapeError, match=r"cosine_embedding_loss: a 0-d target needs 1-d inputs"):
        F.cosine_embedding_loss(ac.ones((3, 2)), ac.ones((3, 2)), ac.tensor(1.0))
    with pytest.raises(ValueError, match=r"soft_margin_loss: reduction must be one of"):
        F.soft_margin_loss(v, v, reduction="avg")
    with pytest.raises(ValueError, match=r"hinge_embedding_loss: reduction must be one of"):
        F.hinge_embedding_loss(v, v, reduction="batchmean")
