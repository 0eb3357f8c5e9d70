"""Losses: forward and gradient against torch.nn.functional, every reduction, gradient checks
in float64, closed-form values against NumPy, and finite values at extreme logits.

Only the tests taking the ``torch`` fixture need PyTorch; the rest run without it."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]


def _run(torch, ours, theirs, inputs, rng, grad_index=(0,)):
    a = [
        ac.tensor(v, requires_grad=(i in grad_index)) if isinstance(v, np.ndarray) else v
        for i, v in enumerate(inputs)
    ]
    t = [
        torch.tensor(v, requires_grad=(i in grad_index)) if isinstance(v, np.ndarray) else v
        for i, v in enumerate(inputs)
    ]
    y, ty = ours(*a), theirs(*t)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-6, atol=1e-8)
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    for i in grad_index:
        np.testing.assert_allclose(a[i].grad.data, t[i].grad.numpy(), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses(reduction, rng, torch):
    TF = torch.nn.functional
    x, y = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    _run(
        torch,
        lambda a, b: F.mse_loss(a, b, reduction=reduction),
        lambda a, b: TF.mse_loss(a, b, reduction=reduction),
        [x, y],
        rng,
        (0, 1),
    )
    _run(
        torch,
        lambda a, b: F.l1_loss(a, b, reduction=reduction),
        lambda a, b: TF.l1_loss(a, b, reduction=reduction),
        [x, y],
        rng,
        (0, 1),
    )
    _run(
        torch,
        lambda a, b: F.huber_loss(a, b, reduction, 0.7),
        lambda a, b: TF.huber_loss(a, b, reduction=reduction, delta=0.7),
        [x, y],
        rng,
        (0, 1),
    )
    _run(
        torch,
        lambda a, b: F.smooth_l1_loss(a, b, reduction=reduction, beta=0.5),
        lambda a, b: TF.smooth_l1_loss(a, b, reduction=reduction, beta=0.5),
        [x, y],
        rng,
        (0, 1),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_losses(reduction, rng, torch):
    TF = torch.nn.functional
    p = rng.uniform(0.05, 0.95, (5, 3))
    t = rng.integers(0, 2, (5, 3)).astype(float)
    w = rng.uniform(0.5, 2, (5, 3))
    _run(
        torch,
        lambda a, b, c: F.binary_cross_entropy(a, b, c, reduction=reduction),
        lambda a, b, c: TF.binary_cross_entropy(a, b, c, reduction=reduction),
        [p, t, w],
        rng,
    )
    z = rng.standard_normal((5, 3)) * 3
    pw = rng.uniform(0.5, 3, 3)
    _run(
        torch,
        lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, reduction=reduction, pos_weight=c),
        lambda a, b, c: TF.binary_cross_entropy_with_logits(
            a, b, reduction=reduction, pos_weight=c
        ),
        [z, t, pw],
        rng,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.15])
def test_cross_entropy_indices(reduction, smoothing, rng, torch):
    TF = torch.nn.functional
    z = rng.standard_normal((6, 4)) * 2
    t = np.array([0, 3, 1, -100, 2, 2])
    w = rng.uniform(0.5, 2, 4)
    _run(
        torch,
        lambda a, b, c: F.cross_entropy(a, b, c, reduction=reduction, label_smoothing=smoothing),
        lambda a, b, c: TF.cross_entropy(a, b, c, reduction=reduction, label_smoothing=smoothing),
        [z, t, w],
        rng,
    )
    _run(
        torch,
        lambda a, b: F.cross_entropy(a, b, ignore_index=1, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, ignore_index=1, reduction=reduction),
        [z, np.array([0, 3, 1, 1, 2, 2])],
        rng,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probabilities_and_spatial(reduction, rng, torch):
    TF = torch.nn.functional
    z = rng.standard_normal((5, 4))
    p = rng.uniform(0.1, 1, (5, 4))
    p /= p.sum(1, keepdims=True)
    w = rng.uniform(0.5, 2, 4)
    _run(
        torch,
        lambda a, b, c: F.cross_entropy(a, b, c, reduction=reduction, label_smoothing=0.1),
        lambda a, b, c: TF.cross_entropy(a, b, c, reduction=reduction, label_smoothing=0.1),
        [z, p, w],
        rng,
        (0, 1),
    )
    z3 = rng.standard_normal((2, 3, 4))
    t3 = rng.integers(0, 3, (2, 4))
    _run(
        torch,
        lambda a, b: F.cross_entropy(a, b, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, reduction=reduction),
        [z3, t3],
        rng,
    )
    _run(
        torch,
        lambda a, b: F.cross_entropy(a, b, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, reduction=reduction),
        [rng.standard_normal(4), np.array(2)],
        rng,
    )


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_gaussian_kl(reduction, rng, torch):
    TF = torch.nn.functional
    logp = np.log(rng.dirichlet(np.ones(4), 5))
    t = np.array([0, 3, 1, 2, -100])
    w = rng.uniform(0.5, 2, 4)
    _run(
        torch,
        lambda a, b, c: F.nll_loss(a, b, c, reduction=reduction),
        lambda a, b, c: TF.nll_loss(a, b, c, reduction=reduction),
        [logp, t, w],
        rng,
    )
    mu, y = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    var = rng.uniform(0.1, 2, (5, 2))
    var[0, 0] = 1e-8  # clamped to eps, gradient passes through
    _run(
        torch,
        lambda a, b, c: F.gaussian_nll_loss(a, b, c, full=True, reduction=reduction),
        lambda a, b, c: TF.gaussian_nll_loss(a, b, c, full=True, reduction=reduction),
        [mu, y, var],
        rng,
        (0, 2),
    )
    _run(
        torch,
        lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction=reduction),
        lambda a, b, c: TF.gaussian_nll_loss(a, b, c, reduction=reduction),
        [mu, y, var[:, :1]],
        rng,
        (0, 2),
    )
    q = np.log(rng.dirichlet(np.ones(4), 3))
    p = rng.dirichlet(np.ones(4), 3)
    p[0, 1] = 0.0
    for red in (reduction, "batchmean"):
        # torch's target gradient is NaN where p = 0; ours is finite, so compare the input's
        _run(
            torch,
            lambda a, b, r=red: F.kl_div(a, b, reduction=r),
            lambda a, b, r=red: TF.kl_div(a, b, reduction=r),
            [q, p],
            rng,
            (0,),
        )
        _run(
            torch,
            lambda a, b, r=red: F.kl_div(a, b, reduction=r, log_target=True),
            lambda a, b, r=red: TF.kl_div(a, b, reduction=r, log_target=True),
            [q, np.log(rng.dirichlet(np.ones(4), 3))],
            rng,
            (0, 1),
        )


EXTREME_Z = [[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3]]


def test_extreme_logits_are_finite():
    z = ac.tensor(EXTREME_Z, requires_grad=True)
    loss = F.cross_entropy(z, ac.tensor([1, 0]), label_smoothing=0.1)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(z.grad.data).all()
    # by hand: log-softmax rows are [0, -2e4, -1e4] and [-2e4, 0, -5e3]; the smoothed targets
    # put 0.9 + 0.1/3 on the true class and 0.1/3 on the others
    logp = np.array([[0.0, -2e4, -1e4], [-2e4, 0.0, -5e3]])
    t = np.full((2, 3), 0.1 / 3)
    t[[0, 1], [1, 0]] += 0.9
    assert loss.item() == pytest.approx(-(t * logp).sum() / 2, rel=1e-6)
    assert loss.item() == pytest.approx((19000 + 18000 + 2500 / 3) / 2, rel=1e-6)
    np.testing.assert_allclose(z.grad.data, (np.exp(logp) - t) / 2, atol=1e-7)
    x = ac.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    t = ac.tensor([1.0, 1.0, 0.0, 0.0])
    b = F.binary_cross_entropy_with_logits(x, t, pos_weight=ac.tensor([3.0]), reduction="sum")
    b.backward()
    assert b.item() == pytest.approx(3e4 + 1e4)
    assert np.isfinite(x.grad.data).all()
    # d/dx = σ(x)(1 + (pw − 1)y) − pw·y: 0, −3, 1, 0 at these saturated logits
    np.testing.assert_allclose(x.grad.data, [0.0, -3.0, 1.0, 0.0], atol=1e-7)
    p = ac.tensor([0.0, 1.0, 0.0], requires_grad=True)
    bce = F.binary_cross_entropy(p, ac.tensor([1.0, 0.0, 0.0]))
    assert bce.item() == pytest.approx(200 / 3, rel=1e-4)


def test_extreme_logits_match_torch(torch):
    z = ac.tensor(EXTREME_Z, requires_grad=True)
    loss = F.cross_entropy(z, ac.tensor([1, 0]), label_smoothing=0.1)
    loss.backward()
    tz = torch.tensor(z.data, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(tz, torch.tensor([1, 0]), label_smoothing=0.1)
    tl.backward()
    np.testing.assert_allclose(loss.item(), tl.item(), rtol=1e-6)
    np.testing.assert_allclose(z.grad.data, tz.grad.numpy(), atol=1e-6)


def test_class_indices_far_below_the_maximum_are_exact():
    """Class indices without smoothing take softmax_cross_entropy_index, which shifts each row
    by its target's logit; a target 2e4 below the row maximum overflows that shift even in
    float64, and the op must fall back to the maximum with the same values."""
    z = ac.tensor(EXTREME_Z, requires_grad=True)
    loss = F.cross_entropy(z, ac.tensor([1, 0]), reduction="none")
    loss.sum().backward()
    # log-softmax rows [0, -2e4, -1e4] and [-2e4, 0, -5e3]: losses 2e4 and 2e4
    np.testing.assert_array_equal(loss.numpy(), [2e4, 2e4])
    np.testing.assert_allclose(z.grad.data, [[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0]], atol=1e-300)
    zs = ac.tensor([[-400.0, 0, 350, 1], [0.3, -0.2, 0.1, 0]], dtype=ac.float64, requires_grad=True)
    t = ac.tensor([0, 2])
    fn = lambda z: F.cross_entropy(z, t, reduction="none")  # noqa: E731
    assert ac.gradcheck(fn, [zs]) and ac.gradgradcheck(fn, [zs])
    assert fn(zs).numpy()[0] == pytest.approx(750.0, rel=1e-15)


LOSS_FNS = [
    ("mse", lambda a, b: F.mse_loss(a, b)),
    ("huber", lambda a, b: F.huber_loss(a, b, delta=0.5)),
    ("bce_logits", lambda a, b: F.binary_cross_entropy_with_logits(a, b.sigmoid())),
    ("ce_probs", lambda a, b: F.cross_entropy(a, F.softmax(b, 1), label_smoothing=0.1)),
    ("gaussian", lambda a, b: F.gaussian_nll_loss(a, b * 0, F.softplus(b))),
    ("kl", lambda a, b: F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1), reduction="batchmean")),
]


@pytest.mark.parametrize(("name", "fn"), LOSS_FNS, ids=[n for n, _ in LOSS_FNS])
def test_loss_gradcheck_first_and_second_order(name, fn, rng):
    a = ac.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = ac.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert ac.gradcheck(fn, [a, b])
    assert ac.gradgradcheck(fn, [a, b])


def test_cross_entropy_indices_gradcheck(rng):
    z = ac.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    t = ac.tensor([0, 2, 1, 2])
    w = ac.tensor([1.0, 2.0, 0.5], dtype=ac.float64)
    fn = lambda z: F.cross_entropy(z, t, w, label_smoothing=0.2)  # noqa: E731
    assert ac.gradcheck(fn, [z]) and ac.gradgradcheck(fn, [z])
    fn2 = lambda z: F.nll_loss(F.log_softmax(z, 1), t, w)  # noqa: E731
    assert ac.gradcheck(fn2, [z]) and ac.gradgradcheck(fn2, [z])


def test_loss_modules_and_errors():
    x = ac.tensor([[0.5], [0.2]])
    with pytest.raises(ac.ShapeError, match=r"\(2, 1\).*\(2,\).*reshape"):
        nn.MSELoss()(x, ac.tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match="probabilities in"):
        nn.BCELoss()(ac.tensor([1.5]), ac.tensor([1.0]))
    with pytest.raises(IndexError, match=r"\[0, 3\) for 3 classes"):
        nn.CrossEntropyLoss()(ac.zeros(2, 3), ac.tensor([0, 3]))
    with pytest.raises(ValueError, match="reduction must be"):
        nn.L1Loss(reduction="avg")
    with pytest.raises(ValueError, match="reduction must be"):
        F.mse_loss(x, x, reduction="avg")
    assert nn.CrossEntropyLoss(label_smoothing=0.1)(
        ac.zeros(2, 3), ac.tensor([0, 1])
    ).item() == pytest.approx(np.log(3))
    assert nn.HuberLoss(delta=2.0)(ac.tensor([3.0]), ac.tensor([0.0])).item() == 4.0
    assert (
        nn.KLDivLoss(reduction="batchmean")(
            ac.log(ac.tensor([[0.5, 0.5]])), ac.tensor([[0.5, 0.5]])
        ).item()
        == 0.0
    )


@pytest.mark.parametrize(
    ("input_shape", "target_shape"),
    [((2, 3), (2, 1)), ((2, 3, 4), (4, 2)), ((2, 3, 4), (8,)), ((3,), (1, 1))],
)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_a_class_index_target_of_the_right_count_but_wrong_shape_is_refused(
    name, input_shape, target_shape, torch
):
    # torch refuses these too; before, nll_loss checked only the count and read a (4, 2)
    # target for a (2, 3, 4) input as if it were (2, 4)
    target = np.zeros(target_shape, dtype=np.int64)
    with pytest.raises(ac.ShapeError, match=rf"{name}: class-index target of shape"):
        getattr(F, name)(ac.full(input_shape, -1.0), ac.tensor(target))
    with pytest.raises((RuntimeError, ValueError)):
        getattr(torch.nn.functional, name)(torch.full(input_shape, -1.0), torch.tensor(target))
