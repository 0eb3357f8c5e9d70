"""F.alpha_dropout, F.feature_alpha_dropout, their modules and F.gumbel_softmax: PyTorch's
constants and formulas, the statistics they promise (checked with fixed seeds and tolerances
derived from the sample size), gradients, the device stand-in and the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import DTypeError, ShapeError

LAMBDA_ALPHA = 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717


def _affine(p):
    """PyTorch's a and the two values an element can take: a·x + λα·a·p (kept), −λα·a(1 − p)."""
    a = 1.0 / math.sqrt((LAMBDA_ALPHA**2 * p + 1) * (1 - p))
    return a, LAMBDA_ALPHA * a * p, -LAMBDA_ALPHA * a * (1 - p)


def _split_kept(x, y, p):
    """The kept mask, checking every element is either kept or dropped by the formula."""
    a, shift, dropped_value = _affine(p)
    kept = np.isclose(y, a * x + shift, rtol=1e-12, atol=1e-12)
    dropped = np.isclose(y, dropped_value, rtol=1e-12, atol=0)
    assert (kept | dropped).all() and not (kept & dropped).any()
    return kept


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_uses_torchs_constants(torch, p):
    x = np.random.default_rng(0).standard_normal(2000)
    theirs = torch.nn.functional.alpha_dropout(torch.tensor(x), p, training=True).numpy()
    ours = F.alpha_dropout(ac.tensor(x), p, training=True, generator=ac.Generator(0)).data
    for y in (theirs, ours):
        kept = _split_kept(x, y, p)
        assert abs(kept.mean() - (1 - p)) < 6 * math.sqrt(p * (1 - p) / x.size)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_alpha_dropout_keeps_mean_and_variance_of_selu_inputs(p):
    n = 400_000
    x = ac.randn(n, dtype=ac.float64, generator=ac.Generator(1))
    y = F.alpha_dropout(x, p, training=True, generator=ac.Generator(2)).data
    m, v = y.mean(), y.var()
    se_mean = math.sqrt(v / n)
    se_var = math.sqrt(((y - m) ** 4).mean() - v**2) / math.sqrt(n)
    assert abs(m) < 6 * se_mean and abs(v - 1) < 6 * se_var


def test_feature_alpha_dropout_keeps_mean_and_variance_per_channel_draws():
    n, c, length, p = 200, 500, 6, 0.2
    x = ac.randn(n, c, length, dtype=ac.float64, generator=ac.Generator(3))
    y = F.feature_alpha_dropout(x, p, training=True, generator=ac.Generator(4)).data
    # one draw per (sample, channel): the groups are the independent units
    kept = _split_kept(x.data, y, p)
    assert (kept == kept[:, :, :1]).all()
    groups_mean, groups_square = y.mean(axis=2).ravel(), (y * y).mean(axis=2).ravel()
    g = groups_mean.size
    assert abs(groups_mean.mean()) < 6 * groups_mean.std() / math.sqrt(g)
    assert abs(groups_square.mean() - 1) < 6 * groups_square.std() / math.sqrt(g)


def test_alpha_dropout_gradient_is_the_kept_scale():
    x = ac.tensor(np.random.default_rng(0).standard_normal((4, 5)), requires_grad=True)
    y = F.alpha_dropout(x, 0.3, True, generator=ac.Generator(0))
    y.sum().backward()
    kept = _split_kept(x.data, y.data, 0.3)
    a = _affine(0.3)[0]
    np.testing.assert_allclose(x.grad.data, np.where(kept, a, 0.0), rtol=1e-15)
    for fn in (F.alpha_dropout, F.feature_alpha_dropout):

        def call(t, fn=fn):
            return fn(t, 0.3, True, generator=ac.Generator(0))

        assert ac.gradcheck(call, [x]) and ac.gradgradcheck(call, [x])


def test_alpha_dropouts_are_the_identity_outside_training_or_at_p_0():
    x = ac.tensor([[1.0, -2.0]])
    for fn in (F.alpha_dropout, F.feature_alpha_dropout):
        assert fn(x) is x and fn(x, 0.5, False) is x and fn(x, 0.0, True) is x
        assert fn(x, 1.0, True).tolist() == [[0.0, -0.0]]
        assert fn(ac.tensor([[1.0]], dtype=ac.float32), 0.5, True).dtype == np.float32
    assert F.alpha_dropout(ac.tensor(2.0), 0.5, True).shape == ()
    assert F.alpha_dropout(ac.ones(0, 3), 0.5, True).shape == (0, 3)


def test_alpha_dropout_modules(torch):
    for name in ("AlphaDropout", "FeatureAlphaDropout"):
        ours, theirs = getattr(nn, name)(0.2), getattr(torch.nn, name)(0.2)
        assert repr(ours) == repr(theirs)
        assert repr(getattr(nn, name)(0.3, True)) == repr(getattr(torch.nn, name)(0.3, True))
        x = ac.tensor(np.ones((2, 8, 3)))
        assert (ours.eval()(x).data == 1).all()
        y = getattr(nn, name)(0.5, generator=ac.Generator(0)).train()(x)
        assert (y.data != 1).any()
        with pytest.raises(ValueError, match=rf"{name}: dropout probability has to be between"):
            getattr(nn, name)(1.5)


def test_alpha_dropouts_on_the_device(device):
    x = ac.tensor(np.ones((2, 3, 4)), requires_grad=True, device=device)
    y = F.alpha_dropout(x, 0.5, True, generator=ac.Generator(0)) + F.feature_alpha_dropout(
        x, 0.5, True, generator=ac.Generator(1)
    )
    y.sum().backward()
    assert y.device == x.device and x.grad.device == x.device


def test_alpha_dropout_errors():
    x = ac.ones(3)
    with pytest.raises(ValueError, match=r"alpha_dropout: dropout probability has to be betw"):
        F.alpha_dropout(x, 1.5, True)
    with pytest.raises(ValueError, match=r"feature_alpha_dropout: dropout probability"):
        F.feature_alpha_dropout(ac.ones(2, 3), -0.1, True)
    with pytest.raises(ShapeError, match=r"feature_alpha_dropout: feature dropout requires at "):
        F.feature_alpha_dropout(x, 0.5, True)
    with pytest.raises(DTypeError, match=r"alpha_dropout: expected a floating-point input"):
        F.alpha_dropout(ac.tensor([1, 2]), 0.5, True)


# -- gumbel_softmax ------------------------------------------------------------------------


def test_gumbel_max_samples_follow_the_softmax_probabilities():
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    rows = 40_000
    logits = ac.tensor(np.tile(np.log(probs), (rows, 1)))
    y = F.gumbel_softmax(logits, tau=0.7, hard=True, generator=ac.Generator(0)).data
    assert set(np.unique(y)) == {0.0, 1.0} and (y.sum(axis=1) == 1).all()
    freq = y.mean(axis=0)
    assert (np.abs(freq - probs) < 6 * np.sqrt(probs * (1 - probs) / rows)).all()


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize(("shape", "dim", "tau"), [((3, 5), -1, 1.0), ((2, 4, 3), 1, 0.5)])
def test_gumbel_softmax_gradient_matches_torch_for_the_same_noise(torch, hard, shape, dim, tau):
    logits = np.random.default_rng(0).standard_normal(shape)
    x = ac.tensor(logits, requires_grad=True)
    y = F.gumbel_softmax(x, tau, hard, dim=dim, generator=ac.Generator(1))
    soft = F.gumbel_softmax(ac.tensor(logits), tau, dim=dim, generator=ac.Generator(1)).data
    np.testing.assert_allclose(soft.sum(axis=dim), 1, rtol=1e-12)
    if hard:
        assert (y.data == (soft == soft.max(axis=dim, keepdims=True))).all()
    # the same sample in torch: noise g' = τ log y_soft − logits (g up to a constant per slice)
    xt = torch.tensor(logits, requires_grad=True)
    y_soft = torch.softmax((xt + torch.tensor(tau * np.log(soft) - logits)) / tau, dim)
    yt = torch.tensor(y.data) - y_soft.detach() + y_soft if hard else y_soft
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    gy = np.random.default_rng(2).standard_normal(shape)
    (g,) = ac.grad(y, [x], ac.tensor(gy))
    (gt,) = torch.autograd.grad(yt, [xt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, gt.numpy(), rtol=1e-10, atol=1e-14)

    def call(t):
        return F.gumbel_softmax(t, tau, hard, dim=dim, generator=ac.Generator(1))

    if not hard:  # the straight-through gradient is by design not the (zero) true derivative
        assert ac.gradcheck(call, [x]) and ac.gradgradcheck(call, [x])


def test_gumbel_softmax_keeps_dtype_and_runs_on_the_device(device):
    x = ac.zeros(2, 3, dtype=ac.float32, device=device, requires_grad=True)
    y = F.gumbel_softmax(x, hard=True, generator=ac.Generator(0))
    assert y.dtype == np.float32 and y.device == x.device
    (y * ac.arange(3, dtype=ac.float32, device=device)).sum().backward()
    assert x.grad.device == x.device
    assert F.gumbel_softmax(ac.zeros(0, 3)).shape == (0, 3)


def test_gumbel_softmax_errors():
    with pytest.raises(DTypeError, match=r"gumbel_softmax: expected a floating-point input"):
        F.gumbel_softmax(ac.tensor([1, 2]))
    with pytest.raises(ShapeError, match=r"gumbel_softmax: dim"):
        F.gumbel_softmax(ac.ones(2, 3), dim=2)
