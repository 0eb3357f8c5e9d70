"""poisson_nll_loss against torch in float64 (values and input and target gradients, 1e-10)
for every reduction, full and log_input=False, against NumPy and Stirling's formula, gradcheck
and gradgradcheck on both devices, and its errors; and, for all six losses of this group
(triplet, multi-class/multi-label margin, Poisson; their functional forms are tested in
test_losses_triplet.py and test_losses_multi_margin.py), the modules and their reprs against
torch, an unknown reduction, and float32 in and out."""

from __future__ import annotations

import math

import numpy as np
import pytest
from loss_compare import REDUCTIONS, Leaf, compare_loss  # tests/nn/

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError

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
    compare_loss(torch, name, [Leaf(x), y], **kw)
    # the target as a leaf too where y > 0 (torch's target gradient is NaN at y = 0 with full:
    # 0 · log 0 behind its mask; ours is finite), same shape and broadcast over the batch
    for target in (y + (y == 0) * 0.75, y[0] + 0.5):
        compare_loss(torch, name, [Leaf(x), Leaf(target)], **kw)
    compare_loss(torch, name, [Leaf(x), y], eps=0.5, **kw)
    compare_loss(torch, name, [Leaf(x[0]), y], **kw)  # torch's widening broadcast
    if reduction != "mean":
        compare_loss(torch, name, [Leaf(np.zeros(0) + 0.5), np.zeros(0)], **kw)


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
        (nn.TripletMarginLoss(0.5, 1.0, 1e-3, True, reduction="none"),
         T.TripletMarginLoss(0.5, 1.0, 1e-3, True, reduction="none"), (a, p, n),
         "TripletMarginLoss(margin=0.5, p=1.0, eps=0.001, swap=True, reduction='none')"),
        (nn.TripletMarginWithDistanceLoss(margin=2.0, swap=True),
         T.TripletMarginWithDistanceLoss(margin=2.0, swap=True), (a, p, n), None),
        (nn.TripletMarginWithDistanceLoss(distance_function=nn.PairwiseDistance(p=1.0)),
         T.TripletMarginWithDistanceLoss(distance_function=T.PairwiseDistance(p=1.0)),
         (a, p, n), None),
        (nn.MultiLabelSoftMarginLoss(w, reduction="sum"),
         T.MultiLabelSoftMarginLoss(torch.tensor(w), reduction="sum"), (x, soft),
         "MultiLabelSoftMarginLoss(reduction='sum')"),
        (nn.MultiMarginLoss(2, 0.5, w), T.MultiMarginLoss(2, 0.5, torch.tensor(w)),
         (x, y), "MultiMarginLoss(p=2, margin=0.5)"),
        (nn.MultiLabelMarginLoss(), T.MultiLabelMarginLoss(), (x, labels),
         "MultiLabelMarginLoss()"),
        (nn.PoissonNLLLoss(False, True, eps=1e-4, reduction="none"),
         T.PoissonNLLLoss(False, True, eps=1e-4, reduction="none"), (np.exp(x), counts),
         "PoissonNLLLoss(log_input=False, full=True, eps=0.0001, reduction='none')"),
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
