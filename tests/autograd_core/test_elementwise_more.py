"""The float-class predicates (isnan, isinf, isfinite, isposinf, isneginf, signbit) against
PyTorch: values, dtypes and shapes for float32/float64/int/bool, 0-d, empty and non-contiguous
inputs, the Tensor methods, no gradient, and the stand-in device."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

NAMES = ["isfinite", "isinf", "isnan", "isneginf", "isposinf", "signbit"]
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0, 1e-320]


def _inputs() -> list[np.ndarray]:
    base = np.array(SPECIALS * 3).reshape(4, 6)
    return [
        np.array(-np.inf),
        np.array(-0.0),
        base,
        base.T,  # non-contiguous
        base[:, ::2],  # non-contiguous, strided
        np.zeros((0, 3)),
        np.array([[-3, 0, 4]]),
        np.array([True, False]),
    ]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["float32", "float64", None])
def test_values_match_torch(name, dtype, torch):
    for a in _inputs():
        if dtype is not None and a.dtype.kind == "f":
            a = a.astype(dtype)
        ours = getattr(ac, name)(ac.tensor(a))
        theirs = getattr(torch, name)(torch.from_numpy(a.copy()))
        assert ours.dtype == ac.bool
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_array_equal(ours.data, theirs.numpy())
        assert not ours.requires_grad


@pytest.mark.parametrize("name", NAMES)
def test_method_and_no_gradient(name):
    x = ac.tensor([1.0, -np.inf, np.nan], requires_grad=True)
    y = getattr(x, name)()
    np.testing.assert_array_equal(y.data, getattr(ac, name)(x).data)
    assert not y.requires_grad and y.grad_fn is None
    # a mask from a predicate gates a differentiable computation without breaking backward
    z = ac.where(ac.isfinite(x), x, 0.0).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0, 0.0])


@pytest.mark.parametrize("name", NAMES)
def test_python_scalar(name, torch):
    for v in [float("nan"), float("inf"), -0.0, 3]:
        ours = getattr(ac, name)(v)
        theirs = getattr(torch, name)(torch.tensor(v))
        assert ours.shape == ()
        assert bool(ours.data) == bool(theirs)


@pytest.mark.parametrize("name", NAMES)
def test_on_device(name, device):
    a = np.array([[np.nan, -np.inf], [-0.0, 2.0]])
    ours = getattr(ac, name)(ac.tensor(a, device=device))
    assert ours.device == ac.tensor(a, device=device).device
    np.testing.assert_array_equal(ours.cpu().data, getattr(np, name)(a))
