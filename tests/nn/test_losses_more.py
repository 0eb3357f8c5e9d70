"""Triplet, multi-class/multi-label margin and Poisson losses: against torch in float64 (values
and input gradients, 1e-10) for every reduction and the edge cases torch allows (empty batch,
1-D and 0-d inputs, swap, p=2, full, log_input=False, -1 padding), against NumPy loops that run
without torch, gradcheck and gradgradcheck (sample points away from the hinges' kinks) on both
devices, the modules and their reprs, and every error path."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

REDUCTIONS = ["mean", "sum", "none"]


class Leaf:
    """A float64 array that enters both calls as a leaf whose gradient is compared."""

    def __init__(self, array):
        self.array = np.asarray(array, dtype=np.float64)


def _compare(torch, name, args, ours=None, theirs=None, **kw):
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


def _away_from_kinks(z, gap=0.05):
    """True when no hinge argument lies within ``gap`` of its kink at 0."""
    return bool(np.all(np.abs(np.asarray(z)) > gap))


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
        _compare(torch, "triplet_margin_loss", arrays, **kw)
    # eps inside the difference: a positive equal to the anchor is at distance eps·D^(1/p)
    a = rng.standard_normal((5, 3))
    arrays = [Leaf(a), Leaf(a.copy()), Leaf(rng.standard_normal((5, 3)))]
    _compare(torch, "triplet_margin_loss", arrays, eps=0.3, **kw)


@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_triplet_margin_loss_empty_batch_and_points(reduction, torch):
    _compare(torch, "triplet_margin_loss", [Leaf(np.zeros((0, 4)))] * 3, reduction=reduction)
    points = [Leaf(0.2), Leaf(1.5), Leaf(-0.4)]  # 0-d: |x1 − x2 + eps|
    for swap in (False, True):
        _compare(torch, "triplet_margin_loss", points, swap=swap, reduction=reduction)


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
        if all(_away_from_kinks(z) for z in args) and _away_from_kinks(tie):
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
    _compare(torch, name, arrays, **kw)
    t = torch.nn.functional
    _compare(
        torch,
        name,
        arrays,
        ours=dict(distance_function=lambda u, v: 1.0 - F.cosine_similarity(u, v)),
        theirs=dict(distance_function=lambda u, v: 1.0 - t.cosine_similarity(u, v)),
        **kw,
    )
    points = [Leaf(0.2), Leaf(1.5), Leaf(-0.4)]  # the default distance takes 0-d points
    _compare(torch, name, points, **kw)


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


# -- multilabel_soft_margin_loss ------------------------------------------------------------


def _np_msml(x, y, w=None):
    log_sig = -(np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))
    log_sig_neg = -(np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0))
    loss = -(y * log_sig + (1 - y) * log_sig_neg)
    if w is not None:
        loss = loss * w
    return loss.sum(np.ndim(x) - 1) / np.shape(x)[-1]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_loss_matches_torch(reduction, torch, rng):
    name = "multilabel_soft_margin_loss"
    x = 3 * rng.standard_normal((5, 4))
    y = (rng.random((5, 4)) < 0.5).astype(np.float64)
    y[0] = [0.2, 0.7, 1.0, 0.0]  # soft labels work too
    _compare(torch, name, [Leaf(x), y], reduction=reduction)
    for w in [rng.random(4), rng.random((5, 1)), rng.random((5, 4))]:
        # the weight as a leaf: its gradient is compared too
        _compare(torch, name, [Leaf(x), y, Leaf(w)], reduction=reduction)
    for xs, ys in [(x[0], y[0]), (x.reshape(2, 5, 2), y.reshape(2, 5, 2)), (x, y[0]), (x[0], y)]:
        # 1-D, 3-D, a target broadcast to the input, and torch's widening broadcast
        _compare(torch, name, [Leaf(xs), ys], reduction=reduction)
    huge = np.array([[1e4, -1e4, 30.0]])  # finite and exact through logsigmoid
    _compare(torch, name, [Leaf(huge), np.array([[0.0, 1.0, 1.0]])], reduction=reduction)


def test_multilabel_soft_margin_loss_edges(torch, rng):
    t = torch.nn.functional
    for reduction in ["sum", "none"]:
        empty = [Leaf(np.zeros((0, 3))), np.zeros((0, 3))]
        _compare(torch, "multilabel_soft_margin_loss", empty, reduction=reduction)
    no_classes = F.multilabel_soft_margin_loss(ac.zeros((2, 0)), ac.zeros((2, 0)), reduction="none")
    assert no_classes.shape == (2,) and np.isnan(no_classes.numpy()).all()  # 0/0, as torch
    x = rng.standard_normal((3, 4))
    y = rng.random((3, 4)) < 0.5
    for target in (y, y.astype(np.int64)):  # bool and integer targets count as 0/1
        got = F.multilabel_soft_margin_loss(ac.tensor(x), ac.tensor(target))
        ref = t.multilabel_soft_margin_loss(torch.tensor(x), torch.tensor(y.astype(np.float64)))
        np.testing.assert_allclose(got.item(), ref.item(), rtol=1e-12)


def test_multilabel_soft_margin_loss_matches_numpy(rng):
    x = 5 * rng.standard_normal((6, 3))
    y = (rng.random((6, 3)) < 0.5).astype(np.float64)
    w = rng.random(3)
    got = F.multilabel_soft_margin_loss(ac.tensor(x), ac.tensor(y), ac.tensor(w), "none")
    np.testing.assert_allclose(got.numpy(), _np_msml(x, y, w), rtol=1e-12)
    # the logistic loss of a score 0 is log 2 for either label
    assert F.multilabel_soft_margin_loss(ac.zeros((2,)), ac.tensor([1.0, 0.0])).item() == (
        pytest.approx(math.log(2), rel=1e-7)
    )


# -- multi_margin_loss ----------------------------------------------------------------------


def _np_multi_margin(x, y, p=1, margin=1.0, w=None):
    x = np.atleast_2d(x)
    y = np.atleast_1d(y)
    out = np.zeros(len(y))
    for i, yi in enumerate(y):
        for j in range(x.shape[1]):
            if j != yi:
                z = max(0.0, margin - x[i, yi] + x[i, j]) ** p
                out[i] += z * (1.0 if w is None else w[yi])
    return out / x.shape[1]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.3, -0.5])
def test_multi_margin_loss_matches_torch(reduction, p, margin, torch, rng):
    name = "multi_margin_loss"
    x = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    kw = dict(p=p, margin=margin, reduction=reduction)
    _compare(torch, name, [Leaf(x), y], **kw)
    w = rng.random(4) + 0.5
    _compare(
        torch, name, [Leaf(x), y], ours=dict(weight=w), theirs=dict(weight=torch.tensor(w)), **kw
    )
    cases = [(x[0], np.array(2)), (x[0], np.array([2])), (x[:1], np.array(1)), (0.5, np.array(0))]
    for xs, ys in cases:  # (C,) with a 0-d or (1,) target, (1, C) with a 0-d one, one class
        _compare(torch, name, [Leaf(xs), ys], **kw)
    if reduction != "mean":  # torch's mean of an empty batch is uninitialised memory; ours NaN
        _compare(torch, name, [Leaf(np.zeros((0, 4))), np.zeros(0, np.int64)], **kw)


def test_multi_margin_loss_matches_numpy_and_kinks(rng):
    x = rng.standard_normal((5, 3))
    y = np.array([0, 2, 1, 1, 0])
    w = np.array([0.5, 2.0, 1.5])
    for p, margin, weight in [(1, 1.0, None), (2, 0.4, w), (1, -0.2, w)]:
        got = F.multi_margin_loss(ac.tensor(x), y, p, margin, weight, "none")
        np.testing.assert_allclose(got.numpy(), _np_multi_margin(x, y, p, margin, weight))
    # mean divides by N, not by the weights
    got = F.multi_margin_loss(ac.tensor(x), y, weight=w)
    np.testing.assert_allclose(got.item(), _np_multi_margin(x, y, w=w).mean())
    # z = margin − x_y + x_j = 0 exactly: no gradient (torch's kernel counts z > 0 only)
    s = ac.tensor([[0.0, 1.0]], requires_grad=True)
    F.multi_margin_loss(s, [1], reduction="sum").backward()
    assert s.grad.numpy().tolist() == [[0.0, 0.0]]
    empty = F.multi_margin_loss(
        ac.zeros((0, 3), dtype=ac.float64), np.zeros(0, np.int64), reduction="sum"
    )
    assert empty.item() == 0.0


# -- multilabel_margin_loss -----------------------------------------------------------------


def _np_multilabel_margin(x, y):
    x2, y2 = np.atleast_2d(x), np.atleast_2d(y)
    out = np.zeros(len(x2))
    for row, (xs, ys) in enumerate(zip(x2, y2)):
        labels = []
        for label in ys:
            if label < 0:
                break
            labels.append(label)
        others = [i for i in range(len(xs)) if i not in labels]
        for j in labels:
            for i in others:
                out[row] += max(0.0, 1.0 - (xs[j] - xs[i]))
    return (out / x2.shape[1]) if np.ndim(x) == 2 else out[0] / np.shape(np.atleast_1d(x))[0]


def _multilabel_targets(rng, n, c):
    """Targets with every kind of row: some labels then -1, no labels, all labels, a label
    listed twice, and values after the first -1 (which only count for the range check)."""
    y = -np.ones((n, c), np.int64)
    for i in range(n):
        k = rng.integers(0, c + 1)
        y[i, :k] = rng.permutation(c)[:k]
    y[0] = [-1] + list(range(1, c))  # nothing before the first -1
    y[1] = rng.permutation(c)  # every class a target: no non-targets
    y[2, :3] = [1, 1, -1]  # a duplicate counts twice
    y[3, :4] = [2, -1, 0, 3]  # entries after -1 are ignored
    return y


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_loss_matches_torch(reduction, torch, rng):
    name = "multilabel_margin_loss"
    x = rng.standard_normal((8, 5))
    y = _multilabel_targets(rng, 8, 5)
    _compare(torch, name, [Leaf(x), y], reduction=reduction)
    cases = [(x[4], y[4]), (x[2], y[2]), (0.3, np.array(0)), (0.3, np.array([-1]))]
    for xs, ys in cases:  # (C,) rows, and a 0-d input (one class) with a target or none
        _compare(torch, name, [Leaf(xs), ys], reduction=reduction)
    if reduction != "mean":  # torch's mean of an empty batch is uninitialised memory; ours NaN
        _compare(
            torch, name, [Leaf(np.zeros((0, 4))), np.zeros((0, 4), np.int64)], reduction=reduction
        )


def test_multilabel_margin_loss_matches_numpy_and_kinks(rng):
    x = rng.standard_normal((6, 4))
    y = _multilabel_targets(rng, 6, 4)
    got = F.multilabel_margin_loss(ac.tensor(x), y, reduction="none")
    np.testing.assert_allclose(got.numpy(), _np_multilabel_margin(x, y), rtol=1e-12)
    got = F.multilabel_margin_loss(ac.tensor(x[5]), y[5])
    np.testing.assert_allclose(got.item(), _np_multilabel_margin(x[5], y[5]), rtol=1e-12)
    # the docstring's row by hand: targets {3, 0}, others {1, 2}:
    # (1 − .8 + .2) + (1 − .8 + .4) + (1 − .1 + .2) + (1 − .1 + .4) = 3.4, over C = 4
    s = ac.tensor([[0.1, 0.2, 0.4, 0.8]], requires_grad=True)
    assert F.multilabel_margin_loss(s, [[3, 0, -1, 1]]).item() == pytest.approx(0.85)
    # z = 1 − (x_1 − x_0) = 0 exactly: no gradient from that pair (torch's kernel)
    k = ac.tensor([[0.0, 1.0, 0.5]], requires_grad=True)
    F.multilabel_margin_loss(k, [[1, -1, 0]], reduction="sum").backward()
    np.testing.assert_allclose(k.grad.numpy(), [[0.0, -1 / 3, 1 / 3]])


def test_margin_losses_gradcheck_twice(rng, device):
    def leaf(a):
        return ac.tensor(a, requires_grad=True, device=device)

    x = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 2])
    for p in (1, 2):
        z = x - x[np.arange(4), y][:, None] + 1.0  # the hinge arguments, away from 0
        assert _away_from_kinks(z[np.arange(3)[None, :] != y[:, None]])
        w = ac.tensor([0.5, 1.0, 2.0], device=device)

        def fn(s, p=p, w=w):
            return F.multi_margin_loss(s, ac.tensor(y, device=device), p=p, weight=w)

        assert ac.gradcheck(fn, (leaf(x),))
        assert ac.gradgradcheck(fn, (leaf(x),))
    labels = ac.tensor([[0, -1, 2], [2, 1, -1], [1, -1, -1], [0, 1, 2]], device=device)
    assert _away_from_kinks(1.0 - x[:, :, None] + x[:, None, :])
    fn = lambda s: F.multilabel_margin_loss(s, labels, reduction="none")  # noqa: E731
    assert ac.gradcheck(fn, (leaf(x),))
    assert ac.gradgradcheck(fn, (leaf(x),))
    soft = ac.tensor((rng.random((4, 3)) < 0.5).astype(np.float64), device=device)
    fn = lambda s, w: F.multilabel_soft_margin_loss(s, soft, w, reduction="sum")  # noqa: E731
    assert ac.gradcheck(fn, (leaf(x), leaf(rng.random(3))))
    assert ac.gradgradcheck(fn, (leaf(x), leaf(rng.random(3))))


def test_out_of_range_targets_raise_on_the_host_and_give_nan_on_a_device(device):
    x = ac.tensor(np.arange(6.0).reshape(2, 3) / 10, device=device)
    classes = ac.tensor([0, 5], device=device)
    labels = ac.tensor([[0, -1, 7], [1, -1, -1]], device=device)
    if device == "cpu":
        with pytest.raises(IndexError, match="multi_margin_loss: target class indices"):
            F.multi_margin_loss(x, classes)
        with pytest.raises(IndexError, match="multilabel_margin_loss: target labels"):
            F.multilabel_margin_loss(x, labels)
        return
    got = F.multi_margin_loss(x, classes, reduction="none").numpy()  # no sync to read them
    assert np.isfinite(got[0]) and np.isnan(got[1])
    got = F.multilabel_margin_loss(x, labels, reduction="none").numpy()
    assert np.isnan(got[0]) and np.isfinite(got[1])


# -- poisson_nll_loss -----------------------------------------------------------------------


def _np_poisson(x, y, log_input=True, full=False, eps=1e-8):
    loss = np.exp(x) - y * x if log_input else x - y * np.log(x + eps)
    if full:
        safe = np.where(y > 1, y, 1.0)
        loss = loss + np.where(
            y > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe), 0
        )
    return loss


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss_matches_torch(reduction, log_input, full, torch, rng):
    name = "poisson_nll_loss"
    x = rng.standard_normal((3, 4)) if log_input else rng.random((3, 4)) + 0.1
    y = np.array([[0.0, 1.0, 2.0, 5.0], [0.5, 3.0, 1.0, 0.0], [7.0, 0.25, 1.5, 2.0]])
    kw = dict(log_input=log_input, full=full, reduction=reduction)
    _compare(torch, name, [Leaf(x), y], **kw)
    # the target as a leaf too where y > 0 (torch's target gradient is NaN at y = 0 with full:
    # 0 · log 0 behind its mask; ours is finite), same shape and broadcast over the batch
    for target in (y + (y == 0) * 0.75, y[0] + 0.5):
        _compare(torch, name, [Leaf(x), Leaf(target)], **kw)
    _compare(torch, name, [Leaf(x), y], eps=0.5, **kw)
    _compare(torch, name, [Leaf(x[0]), y], **kw)  # torch's widening broadcast
    if reduction != "mean":
        _compare(torch, name, [Leaf(np.zeros(0) + 0.5), np.zeros(0)], **kw)


def test_poisson_nll_loss_matches_numpy_and_stirling(rng):
    x = rng.standard_normal(6)
    y = np.array([0.0, 0.5, 1.0, 2.0, 10.0, 50.0])
    for log_input, full in [(True, False), (True, True), (False, True)]:
        xs = x if log_input else np.exp(x)
        got = F.poisson_nll_loss(ac.tensor(xs), y, log_input, full, reduction="none")
        np.testing.assert_allclose(got.numpy(), _np_poisson(xs, y, log_input, full), rtol=1e-12)
    # with full, the loss approaches the exact −log Poisson(y; λ) (Stirling's error ~ 1/(12y))
    lam = 40.0
    got = F.poisson_nll_loss(ac.tensor([math.log(lam)]), [50.0], full=True).item()
    exact = lam - 50.0 * math.log(lam) + math.lgamma(51.0)
    assert abs(got - exact) < 1 / (12 * 50) * 1.01
    assert F.poisson_nll_loss(ac.tensor([0.0]), [2.0, 3]).shape == ()
    assert F.poisson_nll_loss(ac.tensor([0.0]), np.array([2, 3])).dtype == ac.float32  # ints cast


def test_poisson_nll_loss_gradcheck_twice(rng, device):
    y = ac.tensor([[0.0, 0.5, 1.0], [2.0, 4.0, 7.5]], device=device)

    def leaf(a):
        return ac.tensor(a, requires_grad=True, device=device)

    for log_input in (True, False):
        x = rng.standard_normal((2, 3)) if log_input else rng.random((2, 3)) + 0.2

        def fn(s, log_input=log_input):
            return F.poisson_nll_loss(s, y, log_input, full=True, reduction="none")

        assert ac.gradcheck(fn, (leaf(x),))
        assert ac.gradgradcheck(fn, (leaf(x),))
    # the target's gradient, Stirling term included (targets away from the mask at y = 1)
    fn = lambda s, t: F.poisson_nll_loss(s, t, full=True)  # noqa: E731
    args = (leaf(rng.standard_normal(4)), leaf(np.array([0.3, 1.7, 3.0, 6.0])))
    assert ac.gradcheck(fn, args)
    assert ac.gradgradcheck(fn, args)


# -- modules --------------------------------------------------------------------------------


def test_modules_match_torch_and_repr(torch, rng):
    T = torch.nn
    a, p, n = (rng.standard_normal((4, 3)) for _ in range(3))
    x = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 2])
    labels = np.array([[0, -1, 2], [2, 1, -1], [1, -1, -1], [0, 1, 2]])
    soft = (rng.random((4, 3)) < 0.5).astype(np.float64)
    w = rng.random(3) + 0.5
    counts = np.array([[0.0, 1.0, 3.0]] * 4)
    cases = [
        (nn.TripletMarginLoss(0.5, 1.0, 1e-3, True, "none"),
         T.TripletMarginLoss(0.5, 1.0, 1e-3, True, reduction="none"), (a, p, n),
         "TripletMarginLoss(margin=0.5, p=1.0, eps=0.001, swap=True, reduction='none')"),
        (nn.TripletMarginWithDistanceLoss(margin=2.0, swap=True),
         T.TripletMarginWithDistanceLoss(margin=2.0, swap=True), (a, p, n), None),
        (nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1.0)),
         T.TripletMarginWithDistanceLoss(distance_function=T.PairwiseDistance(p=1.0)),
         (a, p, n), None),
        (nn.MultiLabelSoftMarginLoss(w, "sum"),
         T.MultiLabelSoftMarginLoss(torch.tensor(w), reduction="sum"), (x, soft),
         "MultiLabelSoftMarginLoss(reduction='sum')"),
        (nn.MultiMarginLoss(2, 0.5, w), T.MultiMarginLoss(2, 0.5, torch.tensor(w)),
         (x, y), "MultiMarginLoss(p=2, margin=0.5, reduction='mean')"),
        (nn.MultiLabelMarginLoss(), T.MultiLabelMarginLoss(), (x, labels),
         "MultiLabelMarginLoss(reduction='mean')"),
        (nn.PoissonNLLLoss(False, True, 1e-4, "none"),
         T.PoissonNLLLoss(False, True, eps=1e-4, reduction="none"), (np.exp(x), counts),
         "PoissonNLLLoss(reduction='none')"),
    ]  # fmt: skip
    for ours, theirs, args, text in cases:
        got = ours(*[ac.tensor(v) for v in args]).numpy()
        ref = theirs(*[torch.tensor(v) for v in args]).numpy()
        np.testing.assert_allclose(got, ref, rtol=1e-10)
        assert repr(ours).startswith(type(ours).__name__ + "(")
        if text is not None:
            assert repr(ours) == text
    default = nn.TripletMarginWithDistanceLoss()
    assert isinstance(default.distance_function, nn.PairwiseDistance)  # torch's default child
    assert "(distance_function): PairwiseDistance()" in repr(default)
    assert default.state_dict() == {}


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("triplet_margin_loss", (ac.ones((2, 3)),) * 3),
        ("triplet_margin_with_distance_loss", (ac.ones((2, 3)),) * 3),
        ("multilabel_soft_margin_loss", (ac.ones((2, 3)), ac.ones((2, 3)))),
        ("multi_margin_loss", (ac.ones((2, 3)), ac.tensor([0, 1]))),
        ("multilabel_margin_loss", (ac.ones((2, 3)), ac.tensor([[0, -1, 1]] * 2))),
        ("poisson_nll_loss", (ac.ones((2, 3)), ac.ones((2, 3)))),
    ],
)
def test_every_loss_refuses_an_unknown_reduction(name, args):
    with pytest.raises(ValueError, match=rf"{name}: reduction must be one of"):
        getattr(F, name)(*args, reduction="batchmean")


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


def test_multilabel_soft_margin_loss_errors():
    with pytest.raises(
        ShapeError, match=r"multilabel_soft_margin_loss: input must have a class axis"
    ):
        F.multilabel_soft_margin_loss(ac.tensor(1.0), ac.tensor(1.0))
    with pytest.raises(
        ShapeError,
        match=r"multilabel_soft_margin_loss: the shapes do not "
        r"broadcast: input \(2, 3\), target \(2, 2\)",
    ):
        F.multilabel_soft_margin_loss(ac.ones((2, 3)), ac.ones((2, 2)))
    with pytest.raises(ShapeError, match=r"weight \(2,\)"):
        F.multilabel_soft_margin_loss(ac.ones((2, 3)), ac.ones((2, 3)), weight=ac.ones(2))
    with pytest.raises(ValueError, match=r"MultiLabelSoftMarginLoss: reduction must be one of"):
        nn.MultiLabelSoftMarginLoss(reduction="avg")


def test_multi_margin_loss_errors():
    x = ac.ones((2, 3))
    y = ac.tensor([0, 2])
    for p in (3, 0, True):
        with pytest.raises(ValueError, match=rf"multi_margin_loss: p must be 1 or 2, got {p!r}"):
            F.multi_margin_loss(x, y, p=p)
    with pytest.raises(
        ShapeError,
        match=r"multi_margin_loss: input must be \(N, C\) or \(C,\) "
        r"with C ≥ 1 classes, got shape \(2, 3, 1\)",
    ):
        F.multi_margin_loss(ac.ones((2, 3, 1)), y)
    with pytest.raises(ShapeError, match=r"got shape \(2, 0\)"):
        F.multi_margin_loss(ac.ones((2, 0)), y)
    with pytest.raises(
        TypeError,
        match=r"multi_margin_loss: targets must be integer class "
        r"indices, got dtype float32",
    ):
        F.multi_margin_loss(x, ac.tensor([0.0, 2.0]))
    with pytest.raises(
        ShapeError,
        match=r"multi_margin_loss: target must be 1-D .*got shape "
        r"\(2, 1\) for input of shape \(2, 3\), expected \(2,\)",
    ):
        F.multi_margin_loss(x, ac.tensor([[0], [2]]))
    with pytest.raises(ShapeError, match=r"expected \(1,\)"):
        F.multi_margin_loss(ac.ones(3), ac.tensor([0, 1]))
    for bad in ([0, 3], [-1, 0]):
        with pytest.raises(
            IndexError,
            match=r"multi_margin_loss: target class indices must lie "
            r"in \[0, 3\) for 3 classes",
        ):
            F.multi_margin_loss(x, ac.tensor(bad))
    with pytest.raises(
        ShapeError,
        match=r"multi_margin_loss: weight must be 1-D with one entry "
        r"per class \(3,\), got shape \(2,\)",
    ):
        F.multi_margin_loss(x, y, weight=ac.ones(2))
    with pytest.raises(ValueError, match=r"MultiMarginLoss: p must be 1 or 2, got 3"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ShapeError, match=r"MultiMarginLoss: weight must be None or 1-D"):
        nn.MultiMarginLoss(weight=ac.ones((1, 3)))


def test_multilabel_margin_loss_errors():
    x = ac.ones((2, 3))
    with pytest.raises(
        ShapeError,
        match=r"multilabel_margin_loss: input must be \(N, C\) or "
        r"\(C,\)",
    ):
        F.multilabel_margin_loss(ac.ones((2, 3, 1)), ac.zeros((2, 3, 1), dtype=ac.int64))
    with pytest.raises(TypeError, match=r"multilabel_margin_loss: targets must be integer"):
        F.multilabel_margin_loss(x, ac.zeros((2, 3)))
    with pytest.raises(
        ShapeError,
        match=r"multilabel_margin_loss: target must have the input's "
        r"shape, got \(3,\) for input of shape \(2, 3\)",
    ):
        F.multilabel_margin_loss(x, ac.tensor([0, 1, -1]))
    with pytest.raises(ShapeError, match=r"got \(1, 3\) for input of shape \(3,\)"):
        F.multilabel_margin_loss(ac.ones(3), ac.tensor([[0, 1, -1]]))
    for bad in ([[0, 3, -1], [1, -1, -1]], [[0, -2, 1], [1, -1, -1]], [[0, -1, 5], [1, -1, -1]]):
        # too large, below -1, and out of range after the padding (torch checks it too)
        with pytest.raises(
            IndexError,
            match=r"multilabel_margin_loss: target labels must lie in "
            r"\[0, 3\) \(or be -1\) for 3 classes",
        ):
            F.multilabel_margin_loss(x, ac.tensor(bad))


def test_poisson_nll_loss_errors():
    with pytest.raises(
        ShapeError,
        match=r"poisson_nll_loss: the shapes do not broadcast: input "
        r"\(2, 3\), target \(2,\)",
    ):
        F.poisson_nll_loss(ac.ones((2, 3)), ac.ones(2))
    with pytest.raises(ValueError, match=r"PoissonNLLLoss: reduction must be"):
        nn.PoissonNLLLoss(reduction="avg")


def test_float32_stays_float32_and_matches_torch(torch, rng):
    f32 = np.float32
    a, p, n, x = (rng.standard_normal((5, 3)).astype(f32) for _ in range(4))
    y = np.array([0, 2, 1, 2, 0])
    labels = np.array([[0, -1, 2], [2, 1, -1], [1, -1, -1], [0, 1, 2], [-1, 0, 0]])
    soft = (rng.random((5, 3)) < 0.5).astype(f32)
    counts = np.abs(a)
    cases = [
        ("triplet_margin_loss", (a, p, n), dict(swap=True)),
        ("triplet_margin_with_distance_loss", (a, p, n), {}),
        ("multilabel_soft_margin_loss", (x, soft), {}),
        ("multi_margin_loss", (x, y), dict(p=2)),
        ("multilabel_margin_loss", (x, labels), {}),
        ("poisson_nll_loss", (x, counts), dict(full=True)),
    ]
    for name, args, kw in cases:
        ours = getattr(F, name)(*[ac.tensor(v) for v in args], **kw)
        ref = getattr(torch.nn.functional, name)(*[torch.tensor(v) for v in args], **kw)
        assert ours.dtype == ac.float32
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=2e-6)
