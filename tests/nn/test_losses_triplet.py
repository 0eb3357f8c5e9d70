"""triplet_margin_loss and triplet_margin_with_distance_loss: against torch in float64 (values
and input gradients, 1e-10) for every reduction and the edge cases torch allows (empty batch,
1-D and 0-d inputs, swap, p, eps inside the difference, a distance function), against NumPy
without torch, the kink convention, gradcheck and gradgradcheck (sample points away from the
hinge's kink) on both devices, and the errors (the modules: test_losses_more.py)."""

from __future__ import annotations

import numpy as np
import pytest
from loss_compare import REDUCTIONS, Leaf, away_from_kinks, compare_loss  # tests/nn/

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

# -- triplet_margin_loss --------------------------------------------------------------------


def _np_dist(x, y, norm=2.0, eps=1e-6):
    d = np.abs(x - y + eps)
    return d.max(-1) if norm == np.inf else (d**norm).sum(-1) ** (1 / norm)


def _np_triplet_argument(a, p, n, margin=1.0, norm=2.0, eps=1e-6, swap=False):
    """The hinge's argument margin + d(a, p) − d(a, n), in NumPy."""
    d_neg = _np_dist(a, n, norm, eps)
    if swap:
        d_neg = np.minimum(d_neg, _np_dist(p, n, norm, eps))
    return margin + _np_dist(a, p, norm, eps) - d_neg


def _np_triplet(*args, **kw):
    return np.maximum(_np_triplet_argument(*args, **kw), 0.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", [1, 2, 3.5, np.inf])
def test_triplet_margin_loss_matches_torch(reduction, swap, p, torch, rng):
    kw = dict(margin=0.8, p=p, swap=swap, reduction=reduction)
    for shapes in [[(6, 4)] * 3, [(4,)] * 3, [(2, 3, 4)] * 3, [(6, 4), (1, 4), (6, 1)]]:
        arrays = [Leaf(rng.standard_normal(s)) for s in shapes]
        compare_loss(torch, "triplet_margin_loss", arrays, **kw)
    # eps inside the difference: a positive equal to the anchor is at distance eps·D^(1/p)
    a = rng.standard_normal((5, 3))
    arrays = [Leaf(a), Leaf(a.copy()), Leaf(rng.standard_normal((5, 3)))]
    compare_loss(torch, "triplet_margin_loss", arrays, eps=0.3, **kw)


@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_triplet_margin_loss_empty_batch_and_points(reduction, torch):
    compare_loss(torch, "triplet_margin_loss", [Leaf(np.zeros((0, 4)))] * 3, reduction=reduction)
    points = [Leaf(0.2), Leaf(1.5), Leaf(-0.4)]  # 0-d: |x1 − x2 + eps|
    for swap in (False, True):
        compare_loss(torch, "triplet_margin_loss", points, swap=swap, reduction=reduction)


def test_triplet_margin_loss_matches_numpy(rng):
    a, p, n = (rng.standard_normal((7, 5)) for _ in range(3))
    for norm, swap in [(2.0, False), (1.0, True), (np.inf, True)]:
        ref = _np_triplet(a, p, n, 0.5, norm, 1e-6, swap)
        got = F.triplet_margin_loss(a, p, n, margin=0.5, p=norm, swap=swap, reduction="none")
        np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
        got = F.triplet_margin_loss(ac.tensor(a), ac.tensor(p), ac.tensor(n), 0.5, norm, swap=swap)
        np.testing.assert_allclose(got.item(), ref.mean(), rtol=1e-12)


def test_triplet_margin_loss_at_the_kink_takes_the_linear_side():
    # d(a, p) = 1, d(a, n) = 2, margin 1: the hinge is exactly 0 and, as torch's clamp_min,
    # passes the gradient (∂/∂p = (p − a)/|p − a| = 1)
    a = ac.tensor([[0.0]], requires_grad=True)
    p = ac.tensor([[1.0]], requires_grad=True)
    n = ac.tensor([[2.0]], requires_grad=True)
    loss = F.triplet_margin_loss(a, p, n, eps=0.0, reduction="sum")
    loss.backward()
    assert loss.item() == 0.0
    assert p.grad.numpy().tolist() == [[1.0]] and n.grad.numpy().tolist() == [[-1.0]]


def _triplet_points(rng, shape, margin, **kw):
    """Random (anchor, positive, negative) whose hinge arguments all lie away from 0 (and, with
    swap, whose two negative distances are not tied)."""
    while True:
        a, p, n = (rng.standard_normal(shape) for _ in range(3))
        args = [_np_triplet_argument(a, p, n, margin, swap=swap, **kw) for swap in (False, True)]
        tie = _np_dist(a, n, **kw) - _np_dist(p, n, **kw)
        if all(away_from_kinks(z) for z in args) and away_from_kinks(tie):
            return a, p, n


def test_triplet_losses_gradcheck_twice(rng, device):
    a, p, n = _triplet_points(rng, (4, 3), 1.0)

    def leaves(*arrays):
        return tuple(ac.tensor(x, requires_grad=True, device=device) for x in arrays)

    cases = [
        lambda x, y, z: F.triplet_margin_loss(x, y, z, swap=True),
        lambda x, y, z: F.triplet_margin_loss(x, y, z, reduction="none", swap=True),
        lambda x, y, z: F.triplet_margin_with_distance_loss(
            x, y, z, distance_function=lambda u, v: 1.0 - F.cosine_similarity(u, v), margin=0.3
        ),
    ]
    for fn in cases:
        assert ac.gradcheck(fn, leaves(a, p, n))
        assert ac.gradgradcheck(fn, leaves(a, p, n))
    a1, p1, n1 = _triplet_points(rng, (5,), 1.0, norm=3.0)  # 1-D inputs, p = 3
    fn = lambda x, y, z: F.triplet_margin_loss(x, y, z, p=3.0)  # noqa: E731
    assert ac.gradcheck(fn, leaves(a1, p1, n1))
    assert ac.gradgradcheck(fn, leaves(a1, p1, n1))


# -- triplet_margin_with_distance_loss ------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_with_distance_loss_matches_torch(reduction, swap, torch, rng):
    name = "triplet_margin_with_distance_loss"
    arrays = [Leaf(rng.standard_normal((6, 4))) for _ in range(3)]
    kw = dict(margin=0.7, swap=swap, reduction=reduction)
    compare_loss(torch, name, arrays, **kw)
    t = torch.nn.functional
    compare_loss(
        torch,
        name,
        arrays,
        ours=dict(distance_function=lambda u, v: 1.0 - F.cosine_similarity(u, v)),
        theirs=dict(distance_function=lambda u, v: 1.0 - t.cosine_similarity(u, v)),
        **kw,
    )
    points = [Leaf(0.2), Leaf(1.5), Leaf(-0.4)]  # the default distance takes 0-d points
    compare_loss(torch, name, points, **kw)


def test_triplet_margin_with_distance_loss_matches_numpy(rng):
    a, p, n = (rng.standard_normal((5, 3)) for _ in range(3))

    def l1(u, v):
        return (u - v).abs().sum(-1)

    got = F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=l1, margin=2.0, swap=True, reduction="none"
    )
    ref = _np_triplet(a, p, n, margin=2.0, norm=1.0, eps=0.0, swap=True)
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-12)
    default = F.triplet_margin_with_distance_loss(a, p, n, reduction="sum")
    np.testing.assert_allclose(default.item(), _np_triplet(a, p, n).sum(), rtol=1e-12)


def test_triplet_errors():
    v = ac.ones((2, 3))
    for name in ("triplet_margin_loss", "triplet_margin_with_distance_loss"):
        fn = getattr(F, name)
        with pytest.raises(ValueError, match=rf"{name}: margin must be greater than 0, got 0.0"):
            fn(v, v, v, margin=0.0)
        with pytest.raises(
            ShapeError,
            match=rf"{name}: .*same number of axes.*anchor \(2, 3\), "
            r"positive \(3,\), negative \(2, 3\)",
        ):
            fn(v, ac.ones((3,)), v)
    with pytest.raises(ValueError, match=r"triplet_margin_loss: p must be a number > 0 or inf"):
        F.triplet_margin_loss(v, v, v, p=0)
    with pytest.raises(ShapeError, match=r"pairwise_distance: x1 and x2 do not broadcast"):
        F.triplet_margin_loss(v, ac.ones((2, 4)), v)
    with pytest.raises(ValueError, match=r"TripletMarginLoss: margin must be greater than 0"):
        nn.TripletMarginLoss(margin=-1.0)
    with pytest.raises(ValueError, match=r"TripletMarginWithDistanceLoss: margin must be greater"):
        nn.TripletMarginWithDistanceLoss(margin=0)
    with pytest.raises(ValueError, match=r"TripletMarginLoss: reduction must be one of"):
        nn.TripletMarginLoss(reduction="avg")
