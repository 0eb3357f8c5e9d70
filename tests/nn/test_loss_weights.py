"""The per-element ``weight=`` of ``mse_loss``, ``l1_loss`` and ``huber_loss`` (torch 2.13):
values and the gradients of input, target and weight against torch in float64 for every
reduction, the two 'mean' rules (Σ w·ℓ / Σ w for mse and l1, Σ w·ℓ / n for huber) against NumPy,
gradcheck and gradgradcheck, and torch's refusal of a weight of another shape."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import ShapeError

REDUCTIONS = ("mean", "sum", "none")


def _np_loss(name, x, y):
    d = x - y
    if name == "mse_loss":
        return d * d
    if name == "l1_loss":
        return np.abs(d)
    a = np.abs(d)  # huber, delta 0.7
    return np.where(a < 0.7, 0.5 * d * d, 0.7 * (a - 0.35))


def _call(name, lib, x, y, w, reduction):
    fn = getattr(lib, name)
    if name == "huber_loss":
        return fn(x, y, reduction=reduction, delta=0.7, weight=w)
    return fn(x, y, reduction=reduction, weight=w)


def _draw(rng, shape=(3, 4)):
    x = rng.standard_normal(shape)
    y = x + rng.choice([-1.5, -0.4, 0.3, 1.2], shape)  # away from the kinks at 0 and ±0.7
    w = rng.random(shape) + 0.25
    return x, y, w


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weight_matches_torch_with_gradients(name, reduction, torch, rng):
    x, y, w = _draw(rng)
    g = rng.standard_normal(x.shape)
    ours = [ac.tensor(a, requires_grad=True) for a in (x, y, w)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, y, w)]
    got = _call(name, F, *ours, reduction)
    want = _call(name, torch.nn.functional, *theirs, reduction)
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-12, atol=1e-14)
    if reduction == "none":
        (got * ac.tensor(g)).sum().backward()
        (want * torch.tensor(g)).sum().backward()
    else:
        got.backward()
        want.backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_weighted_mean_rules_against_numpy(name, rng):
    """mse and l1 divide by Σ w; huber divides by the number of elements (torch's rule)."""
    x, y, w = _draw(rng)
    got = _call(name, F, ac.tensor(x), ac.tensor(y), ac.tensor(w), "mean").item()
    weighted = w * _np_loss(name, x, y)
    want = weighted.sum() / (x.size if name == "huber_loss" else w.sum())
    assert got == pytest.approx(want, rel=1e-13)
    unit = _call(name, F, ac.tensor(x), ac.tensor(y), ac.ones(3, 4, dtype=ac.float64), "mean")
    plain = _call(name, F, ac.tensor(x), ac.tensor(y), None, "mean")
    assert unit.item() == pytest.approx(plain.item(), rel=1e-14)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weight_gradcheck_input_target_weight(name, reduction, rng):
    x, y, w = _draw(rng, (2, 3))
    inputs = [ac.tensor(a, requires_grad=True) for a in (x, y, w)]

    def fn(a, b, c):
        return _call(name, F, a, b, c, reduction)

    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
def test_weight_of_another_shape_is_refused_as_torch(name, torch, rng):
    """torch compares weight.size() with input.size() exactly: no broadcast of a (3, 1) weight."""
    x, y, _ = _draw(rng)
    w = rng.random((3, 1))
    with pytest.raises(ValueError, match="Weights and input must have the same size"):
        _call(name, torch.nn.functional, torch.tensor(x), torch.tensor(y), torch.tensor(w), "sum")
    with pytest.raises(ShapeError, match=rf"{name}: weight of shape \(3, 1\).*\(3, 4\)"):
        _call(name, F, ac.tensor(x), ac.tensor(y), ac.tensor(w), "sum")
    with pytest.raises(ValueError, match=rf"{name}: reduction must be one of"):
        _call(name, F, ac.tensor(x), ac.tensor(y), ac.tensor(np.ones_like(x)), "avg")


def test_weight_is_a_keyword_after_the_reduction(torch):
    """torch's positions: l1/mse (input, target, size_average, reduce, reduction, weight);
    huber (input, target, reduction, delta, weight)."""
    import inspect

    for name in ("mse_loss", "l1_loss", "huber_loss"):
        ours = list(inspect.signature(getattr(F, name)).parameters)
        theirs = list(inspect.signature(getattr(torch.nn.functional, name)).parameters)
        assert ours == theirs
