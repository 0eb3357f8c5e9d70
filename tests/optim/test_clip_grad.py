"""Gradient clipping against its definition and against torch.nn.utils."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import autograd_core as ac
from nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_

NORMS = [1.0, 2.0, 3.0, 0.5, math.inf, "inf"]


def _params(seed: int = 0) -> list[ac.Tensor]:
    rng = np.random.default_rng(seed)
    params = []
    for shape in [(3, 4), (4,), (2, 2, 2), ()]:
        p = ac.tensor(rng.standard_normal(shape), dtype=ac.float64, requires_grad=True)
        p.grad = ac.tensor(rng.standard_normal(shape) * 3, dtype=ac.float64)
        params.append(p)
    params.append(ac.tensor(np.ones(2), dtype=ac.float64, requires_grad=True))  # no grad
    return params


@pytest.mark.parametrize("norm_type", NORMS, ids=str)
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_definition(norm_type: Any, max_norm: float) -> None:
    params = _params()
    flat = np.concatenate([p.grad.data.ravel() for p in params if p.grad is not None])
    p = float(norm_type)
    expected = np.abs(flat).max() if math.isinf(p) else (np.abs(flat) ** p).sum() ** (1 / p)
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    assert isinstance(total, float)
    np.testing.assert_allclose(total, expected, rtol=1e-12)
    coef = min(1.0, max_norm / (expected + 1e-6))
    clipped = np.concatenate([p.grad.data.ravel() for p in params if p.grad is not None])
    np.testing.assert_allclose(clipped, flat * coef, rtol=1e-12)
    assert params[-1].grad is None


@pytest.mark.parametrize("norm_type", NORMS, ids=str)
def test_clip_grad_norm_matches_torch(norm_type: Any) -> None:
    torch = pytest.importorskip("torch")
    params = _params(1)
    tparams = []
    for p in params:
        t = torch.tensor(p.data, requires_grad=True)
        t.grad = None if p.grad is None else torch.tensor(p.grad.data)
        tparams.append(t)
    total = clip_grad_norm_(params, 2.0, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(tparams, 2.0, norm_type=norm_type)
    np.testing.assert_allclose(total, float(ttotal), rtol=1e-12)
    for p, t in zip(params, tparams, strict=True):
        if p.grad is not None:
            np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_accepts_a_single_tensor_and_no_grads() -> None:
    w = ac.tensor([0.0, 0.0], dtype=ac.float64, requires_grad=True)
    assert clip_grad_norm_(w, 1.0) == 0.0
    w.grad = ac.tensor([3.0, 4.0], dtype=ac.float64)
    assert clip_grad_norm_(w, 10.0) == 5.0
    np.testing.assert_array_equal(w.grad.data, [3.0, 4.0])


def test_clip_grad_norm_is_in_place() -> None:
    params = _params()
    with_grad = [p for p in params if p.grad is not None]
    arrays = [p.grad.data for p in with_grad]
    clip_grad_norm_(params, 0.1)
    assert all(p.grad.data is a for p, a in zip(with_grad, arrays, strict=True))


def test_clip_grad_norm_nonfinite() -> None:
    w = ac.tensor([0.0, 0.0], dtype=ac.float64, requires_grad=True)
    w.grad = ac.tensor([np.inf, 1.0], dtype=ac.float64)
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)
    with np.errstate(invalid="ignore"):
        assert math.isinf(clip_grad_norm_([w], 1.0))
    w.grad = ac.tensor([np.nan, 1.0], dtype=ac.float64)
    with pytest.raises(RuntimeError, match="non-finite, so it cannot be clipped"):
        clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def test_clip_grad_value() -> None:
    params = _params()
    before = [p.grad.data.copy() for p in params if p.grad is not None]
    arrays = [p.grad.data for p in params if p.grad is not None]
    clip_grad_value_(params, 1.5)
    for b, a in zip(before, arrays, strict=True):
        np.testing.assert_array_equal(a, np.clip(b, -1.5, 1.5))
    assert params[-1].grad is None


def test_clip_grad_value_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    params = _params(2)
    tparams = [torch.tensor(p.data, requires_grad=True) for p in params[:-1]]
    for p, t in zip(params[:-1], tparams, strict=True):  # the last has no grad
        t.grad = torch.tensor(p.grad.data)
    clip_grad_value_(params, 0.7)
    torch.nn.utils.clip_grad_value_(tparams, 0.7)
    for p, t in zip(params[:-1], tparams, strict=True):
        np.testing.assert_array_equal(p.grad.data, t.grad.numpy())


def test_float32_gradients_stay_float32() -> None:
    w = ac.tensor(np.zeros(3, np.float32), requires_grad=True)
    w.grad = ac.tensor(np.array([3.0, 4.0, 12.0], np.float32))
    np.testing.assert_allclose(clip_grad_norm_([w], 1.0), 13.0, rtol=1e-6)
    assert w.grad.data.dtype == np.float32
