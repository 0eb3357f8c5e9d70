"""Losses without PyTorch: float64 gradient checks of every loss (first and second order) and
closed-form values against NumPy written out from the formulas."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

REDUCTIONS = ["mean", "sum", "none"]

# --- torch-free checks of every loss: float64 gradient checks w.r.t. the input and, where the
# loss is differentiable in it, the target (and var / weights), and closed-form values on tiny
# examples against NumPy written out from the formulas.


def _f64(a, requires_grad=True):
    return ac.tensor(np.asarray(a, dtype=np.float64), dtype=ac.float64, requires_grad=requires_grad)


def _away_from(rng, shape, kinks, margin=0.1):
    """Pairs (x, y) with |x − y| at least ``margin`` from every kink of a piecewise loss."""
    x, y = rng.standard_normal(shape) * 1.5, rng.standard_normal(shape)
    for _ in range(100):
        bad = np.zeros(shape, bool)
        for k in kinks:
            bad |= np.abs(np.abs(x - y) - k) < margin
        if not bad.any():
            return x, y
        x[bad] = rng.standard_normal(int(bad.sum())) * 1.5
    raise AssertionError("could not draw points away from the kinks")


def _case_regression(name, fn, kinks):
    def make(rng, reduction):
        x, y = _away_from(rng, (3, 4), kinks)
        return (lambda a, b: fn(a, b, reduction=reduction)), [_f64(x), _f64(y)]

    return name, make


def _case_bce(rng, reduction):
    p = rng.uniform(0.1, 0.9, (3, 4))
    t = rng.uniform(0, 1, (3, 4))  # soft targets: the loss is linear in them
    w = _f64(rng.uniform(0.5, 2, (3, 4)), False)
    return (lambda a, b: F.binary_cross_entropy(a, b, w, reduction=reduction)), [_f64(p), _f64(t)]


def _case_bce_logits(rng, reduction):
    z, t = rng.standard_normal((3, 4)) * 3, rng.uniform(0, 1, (3, 4))
    w = _f64(rng.uniform(0.5, 2, (3, 4)), False)
    pw = rng.uniform(0.5, 3, 4)

    def fn(a, b, c):
        return F.binary_cross_entropy_with_logits(a, b, w, reduction=reduction, pos_weight=c)

    return fn, [_f64(z), _f64(t), _f64(pw)]


def _case_ce_indices(rng, reduction):
    t = ac.tensor([0, 3, 1, -100, 2, 2])
    w = _f64(rng.uniform(0.5, 2, 4), False)

    def fn(a):
        return F.cross_entropy(a, t, w, reduction=reduction, label_smoothing=0.15)

    return fn, [_f64(rng.standard_normal((6, 4)) * 2)]


def _case_ce_ignore_index(rng, reduction):
    t = ac.tensor([0, 3, 1, 1, 2, 2])
    return (lambda a: F.cross_entropy(a, t, ignore_index=1, reduction=reduction)), [
        _f64(rng.standard_normal((6, 4)) * 2)
    ]


def _case_ce_spatial(rng, reduction):
    t = ac.tensor(rng.integers(0, 3, (2, 4)))
    return (lambda a: F.cross_entropy(a, t, reduction=reduction)), [
        _f64(rng.standard_normal((2, 3, 4)))
    ]


def _case_ce_single(rng, reduction):
    return (lambda a: F.cross_entropy(a, ac.tensor(2), reduction=reduction)), [
        _f64(rng.standard_normal(4))
    ]


def _case_ce_probs(rng, reduction):
    p = rng.uniform(0.1, 1, (5, 4))
    p /= p.sum(1, keepdims=True)
    w = _f64(rng.uniform(0.5, 2, 4), False)

    def fn(a, b):
        return F.cross_entropy(a, b, w, reduction=reduction, label_smoothing=0.1)

    return fn, [_f64(rng.standard_normal((5, 4))), _f64(p)]


def _case_nll(rng, reduction):
    t = ac.tensor([0, 3, 1, 2, -100])
    w = _f64(rng.uniform(0.5, 2, 4), False)
    logp = np.log(rng.dirichlet(np.ones(4), 5))
    return (lambda a: F.nll_loss(a, t, w, reduction=reduction)), [_f64(logp)]


def _case_gaussian_full(rng, reduction):
    mu, y = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    var = rng.uniform(0.2, 2, (5, 2))

    def fn(a, b, c):
        return F.gaussian_nll_loss(a, b, c, full=True, reduction=reduction)

    return fn, [_f64(mu), _f64(y), _f64(var)]


def _case_gaussian_shared_var(rng, reduction):
    mu, y = rng.standard_normal((5, 2)), rng.standard_normal((5, 2))
    var = rng.uniform(0.2, 2, 5)  # one variance per row, broadcast over the last axis
    return (lambda a, b, c: F.gaussian_nll_loss(a, b, c, reduction=reduction)), [
        _f64(mu),
        _f64(y),
        _f64(var),
    ]


def _case_kl(rng, reduction):
    q = np.log(rng.dirichlet(np.ones(4), 3))
    p = rng.dirichlet(np.ones(4), 3)  # all > 0: the target gradient log p + 1 exists
    return (lambda a, b: F.kl_div(a, b, reduction=reduction)), [_f64(q), _f64(p)]


def _case_kl_log_target(rng, reduction):
    q, lp = np.log(rng.dirichlet(np.ones(4), 3)), np.log(rng.dirichlet(np.ones(4), 3))
    return (lambda a, b: F.kl_div(a, b, reduction=reduction, log_target=True)), [_f64(q), _f64(lp)]


GRAD_CASES = [
    _case_regression("mse", F.mse_loss, []),
    _case_regression("l1", F.l1_loss, [0.0]),
    _case_regression(
        "huber", lambda a, b, reduction: F.huber_loss(a, b, reduction, 0.7), [0.0, 0.7]
    ),
    _case_regression(
        "smooth_l1",
        lambda a, b, reduction: F.smooth_l1_loss(a, b, reduction=reduction, beta=0.5),
        [0.0, 0.5],
    ),
    _case_regression(
        "smooth_l1_beta0",
        lambda a, b, reduction: F.smooth_l1_loss(a, b, reduction=reduction, beta=0.0),
        [0.0],
    ),
    ("bce", _case_bce),
    ("bce_logits_pos_weight", _case_bce_logits),
    ("ce_indices_weight_smoothing", _case_ce_indices),
    ("ce_ignore_index", _case_ce_ignore_index),
    ("ce_spatial", _case_ce_spatial),
    ("ce_single_item", _case_ce_single),
    ("ce_probs", _case_ce_probs),
    ("nll", _case_nll),
    ("gaussian_full", _case_gaussian_full),
    ("gaussian_shared_var", _case_gaussian_shared_var),
    ("kl", _case_kl),
    ("kl_log_target", _case_kl_log_target),
]


GRAD_PARAMS = [
    pytest.param(make, reduction, id=f"{name}-{reduction}")
    for name, make in GRAD_CASES
    for reduction in REDUCTIONS + (["batchmean"] if name.startswith("kl") else [])
]


@pytest.mark.parametrize(("make", "reduction"), GRAD_PARAMS)
def test_every_loss_gradcheck_without_torch(make, reduction, rng):
    fn, inputs = make(rng, reduction)
    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs, fast_mode=True)


def _np_reduce(loss, reduction, denominator=None):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / (loss.size if denominator is None else denominator)


def _np_log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


X2 = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
Y2 = np.array([[0.0, -1.0, 1.0], [0.5, 0.3, -0.25]])
D2 = X2 - Y2  # [[1, -1, -0.5], [2.5, -0.3, 0]]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_closed_form_values(reduction):
    def check(ours, loss, denominator=None):
        expected = _np_reduce(np.asarray(loss, dtype=np.float64), reduction, denominator)
        np.testing.assert_allclose(ours.data, expected, rtol=1e-12, atol=1e-14)

    x, y = _f64(X2, False), _f64(Y2, False)
    a = np.abs(D2)
    check(F.mse_loss(x, y, reduction=reduction), D2**2)
    check(F.l1_loss(x, y, reduction=reduction), a)
    check(F.huber_loss(x, y, reduction, 0.7), np.where(a < 0.7, 0.5 * D2**2, 0.7 * (a - 0.35)))
    check(F.smooth_l1_loss(x, y, reduction=reduction, beta=0.5), np.where(a < 0.5, D2**2, a - 0.25))
    check(F.smooth_l1_loss(x, y, reduction=reduction, beta=0.0), a)

    p = np.array([[0.2, 0.9], [0.5, 0.7]])
    t = np.array([[1.0, 0.0], [0.25, 1.0]])
    w = np.array([[1.0, 2.0], [0.5, 1.0]])
    bce = -w * (t * np.log(p) + (1 - t) * np.log(1 - p))
    check(
        F.binary_cross_entropy(_f64(p, False), _f64(t, False), _f64(w, False), reduction=reduction),
        bce,
    )
    z = np.array([[2.0, -1.0], [0.0, 3.0]])
    pw = np.array([3.0, 0.5])
    sig = 1 / (1 + np.exp(-z))
    bcel = -w * (pw * t * np.log(sig) + (1 - t) * np.log(1 - sig))
    check(
        F.binary_cross_entropy_with_logits(
            _f64(z, False),
            _f64(t, False),
            _f64(w, False),
            reduction=reduction,
            pos_weight=_f64(pw, False),
        ),
        bcel,
    )

    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0], [1.0, 3.0, 0.5], [0.3, 0.2, 0.1]])
    idx = np.array([0, 2, 1, -100])
    cw = np.array([1.0, 2.0, 0.5])
    eps = 0.15
    logp = _np_log_softmax(logits)
    valid = idx != -100
    wy = np.where(valid, cw[np.where(valid, idx, 0)], 0.0)
    ce = np.array(
        [
            -(1 - eps) * cw[i] * logp[r, i] - eps / 3 * (cw * logp[r]).sum() if i != -100 else 0
            for r, i in enumerate(idx)
        ]
    )
    zt = _f64(logits, False)
    check(
        F.cross_entropy(
            zt, ac.tensor(idx), _f64(cw, False), reduction=reduction, label_smoothing=eps
        ),
        ce,
        wy.sum(),
    )
    nll = np.where(valid, -wy * logp[np.arange(4), np.where(valid, idx, 0)], 0.0)
    check(
        F.nll_loss(_f64(logp, False), ac.tensor(idx), _f64(cw, False), reduction=reduction),
        nll,
        wy.sum(),
    )
    probs = np.array([[0.5, 0.25, 0.25], [0.0, 1.0, 0.0], [0.2, 0.2, 0.6], [1 / 3, 1 / 3, 1 / 3]])
    smoothed = probs * 0.9 + 0.1 / 3
    check(
        F.cross_entropy(
            zt, _f64(probs, False), _f64(cw, False), reduction=reduction, label_smoothing=0.1
        ),
        -(cw * smoothed * logp).sum(1),
        4,
    )

    var = np.array([[0.5, 2.0, 1e-9], [1.0, 0.25, 3.0]])  # 1e-9 is clamped to eps = 1e-6
    v = np.maximum(var, 1e-6)
    gauss = 0.5 * (np.log(v) + D2**2 / v)
    check(F.gaussian_nll_loss(x, y, _f64(var, False), reduction=reduction), gauss)
    check(
        F.gaussian_nll_loss(x, y, _f64(var, False), full=True, reduction=reduction),
        gauss + 0.5 * np.log(2 * np.pi),
    )

    q = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.6, 0.3]]))
    pk = np.array([[0.0, 0.5, 0.5], [0.2, 0.2, 0.6]])  # 0 · log 0 = 0
    kl = np.where(pk > 0, pk * np.log(np.where(pk > 0, pk, 1)), 0.0) - pk * q
    check(F.kl_div(_f64(q, False), _f64(pk, False), reduction=reduction), kl)
    lp = np.log(np.array([[0.3, 0.3, 0.4], [0.2, 0.2, 0.6]]))
    check(
        F.kl_div(_f64(q, False), _f64(lp, False), reduction=reduction, log_target=True),
        np.exp(lp) * (lp - q),
    )


def test_loss_closed_form_hand_numbers():
    """A few values worked out on paper, independent of any reference implementation."""
    x, y = _f64([1.0, 3.0], False), _f64([0.0, 1.0], False)
    assert F.mse_loss(x, y).item() == pytest.approx(2.5)  # (1 + 4) / 2
    assert F.l1_loss(x, y, reduction="sum").item() == pytest.approx(3.0)
    assert F.huber_loss(x, y, delta=1.5).item() == pytest.approx((0.5 + 1.5 * (2 - 0.75)) / 2)
    assert F.smooth_l1_loss(x, y, beta=2.0).item() == pytest.approx((0.25 + 1.0) / 2)
    half = _f64([0.5, 0.5], False)
    assert F.binary_cross_entropy(half, _f64([1.0, 0.0], False)).item() == pytest.approx(np.log(2))
    zero = _f64([0.0], False)
    assert F.binary_cross_entropy_with_logits(
        zero, _f64([1.0], False), pos_weight=_f64([3.0], False)
    ).item() == pytest.approx(3 * np.log(2))
    # uniform logits: −log(1/3) whatever the class; the weight cancels in the mean
    ce = F.cross_entropy(
        ac.zeros(2, 3, dtype=ac.float64), ac.tensor([0, 2]), _f64([2.0, 1.0, 5.0], False)
    )
    assert ce.item() == pytest.approx(np.log(3))
    assert F.nll_loss(_f64([[-1.0, -2.0]], False), ac.tensor([1])).item() == pytest.approx(2.0)
    g = F.gaussian_nll_loss(_f64([1.0], False), _f64([3.0], False), _f64([2.0], False))
    assert g.item() == pytest.approx(0.5 * (np.log(2) + 2))
    kl = F.kl_div(
        _f64([[np.log(0.25), np.log(0.75)]], False),
        _f64([[0.5, 0.5]], False),
        reduction="batchmean",
    )
    assert kl.item() == pytest.approx(0.5 * np.log(2) + 0.5 * np.log(2 / 3))
