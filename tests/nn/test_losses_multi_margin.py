"""multilabel_soft_margin_loss, multi_margin_loss and multilabel_margin_loss: against torch in
float64 (values and input gradients, 1e-10) for every reduction and the edge cases torch allows
(empty batch, 1-D and 0-d inputs, p=2, weights, soft labels, -1 padding), against NumPy loops
that run without torch, the kink conventions, gradcheck and gradgradcheck (sample points away
from the hinges' kinks) on both devices, out-of-range targets, and the errors (the modules:
test_losses_more.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from loss_compare import REDUCTIONS, Leaf, away_from_kinks, compare_loss  # tests/nn/

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

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
    compare_loss(torch, name, [Leaf(x), y], reduction=reduction)
    for w in [rng.random(4), rng.random((5, 1)), rng.random((5, 4))]:
        # the weight as a leaf: its gradient is compared too
        compare_loss(torch, name, [Leaf(x), y, Leaf(w)], reduction=reduction)
    for xs, ys in [(x[0], y[0]), (x.reshape(2, 5, 2), y.reshape(2, 5, 2)), (x, y[0]), (x[0], y)]:
        # 1-D, 3-D, a target broadcast to the input, and torch's widening broadcast
        compare_loss(torch, name, [Leaf(xs), ys], reduction=reduction)
    huge = np.array([[1e4, -1e4, 30.0]])  # finite and exact through logsigmoid
    compare_loss(torch, name, [Leaf(huge), np.array([[0.0, 1.0, 1.0]])], reduction=reduction)


def test_multilabel_soft_margin_loss_edges(torch, rng):
    t = torch.nn.functional
    for reduction in ["sum", "none"]:
        empty = [Leaf(np.zeros((0, 3))), np.zeros((0, 3))]
        compare_loss(torch, "multilabel_soft_margin_loss", empty, reduction=reduction)
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
    got = F.multilabel_soft_margin_loss(ac.tensor(x), ac.tensor(y), ac.tensor(w), reduction="none")
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
    compare_loss(torch, name, [Leaf(x), y], **kw)
    w = rng.random(4) + 0.5
    compare_loss(
        torch, name, [Leaf(x), y], ours=dict(weight=w), theirs=dict(weight=torch.tensor(w)), **kw
    )
    cases = [(x[0], np.array(2)), (x[0], np.array([2])), (x[:1], np.array(1)), (0.5, np.array(0))]
    for xs, ys in cases:  # (C,) with a 0-d or (1,) target, (1, C) with a 0-d one, one class
        compare_loss(torch, name, [Leaf(xs), ys], **kw)
    # an empty batch: torch 2.13's 'mean' and 'sum' return uninitialised memory (its sum read
    # 1e-310, -160.3 and 5e45 in one run of 8,000 calls), so only 'none' is compared; ours
    # gives the sum 0 and the mean NaN (pinned without torch below)
    empty = [np.zeros((0, 4)), np.zeros(0, np.int64)]
    if reduction == "none":
        compare_loss(torch, name, [Leaf(empty[0]), empty[1]], **kw)
    else:
        got = F.multi_margin_loss(ac.tensor(empty[0]), ac.tensor(empty[1]), **kw).item()
        assert got == 0.0 if reduction == "sum" else np.isnan(got)


def test_multi_margin_loss_matches_numpy_and_kinks(rng):
    x = rng.standard_normal((5, 3))
    y = np.array([0, 2, 1, 1, 0])
    w = np.array([0.5, 2.0, 1.5])
    for p, margin, weight in [(1, 1.0, None), (2, 0.4, w), (1, -0.2, w)]:
        got = F.multi_margin_loss(ac.tensor(x), y, p, margin, weight, reduction="none")
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
    compare_loss(torch, name, [Leaf(x), y], reduction=reduction)
    cases = [(x[4], y[4]), (x[2], y[2]), (0.3, np.array(0)), (0.3, np.array([-1]))]
    for xs, ys in cases:  # (C,) rows, and a 0-d input (one class) with a target or none
        compare_loss(torch, name, [Leaf(xs), ys], reduction=reduction)
    empty = [np.zeros((0, 4)), np.zeros((0, 4), np.int64)]
    if reduction == "none":  # torch's 'sum' and 'mean' of an empty batch: uninitialised memory
        compare_loss(torch, name, [Leaf(empty[0]), empty[1]], reduction=reduction)
    else:  # ours: the sum 0, the mean NaN
        got = F.multilabel_margin_loss(ac.tensor(empty[0]), empty[1], reduction=reduction).item()
        assert got == 0.0 if reduction == "sum" else np.isnan(got)


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
        assert away_from_kinks(z[np.arange(3)[None, :] != y[:, None]])
        w = ac.tensor([0.5, 1.0, 2.0], device=device)

        def fn(s, p=p, w=w):
            return F.multi_margin_loss(s, ac.tensor(y, device=device), p=p, weight=w)

        assert ac.gradcheck(fn, (leaf(x),))
        assert ac.gradgradcheck(fn, (leaf(x),))
    labels = ac.tensor([[0, -1, 2], [2, 1, -1], [1, -1, -1], [0, 1, 2]], device=device)
    assert away_from_kinks(1.0 - x[:, :, None] + x[:, None, :])
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
