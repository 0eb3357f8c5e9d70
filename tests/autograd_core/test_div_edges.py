"""a / b at its edges against PyTorch: zeros (both signs), ±∞, NaN and magnitudes whose
square overflows; the value and both gradients in float64 and float32, NaN where PyTorch has
NaN, and no NumPy warning (pyproject turns autograd_core's RuntimeWarnings into errors)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")

VALUES = [-np.inf, -1e20, -2.0, -0.0, 0.0, 1e-30, 0.5, 3.0, 1e20, np.inf, np.nan]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_div_and_its_gradients_match_torch_everywhere(dtype):
    a, b = (np.array(v, dtype=dtype) for v in zip(*itertools.product(VALUES, VALUES)))
    g = np.random.default_rng(0).standard_normal(a.shape).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
        z = x / y
        z.backward(ac.tensor(g))
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    tz = tx / ty
    tz.backward(torch.tensor(g))
    for name, got, want in (
        ("value", z.numpy(), tz.detach().numpy()),
        ("grad of a", x.grad.numpy(), tx.grad.numpy()),
        ("grad of b", y.grad.numpy(), ty.grad.numpy()),
    ):
        np.testing.assert_array_equal(got, want, err_msg=name)  # NaN positions too
