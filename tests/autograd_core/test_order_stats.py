"""argsort against torch.argsort: values (int64), ties, NaN, 0-d, empty, non-contiguous input,
float32, the CuPy stand-in, no gradient, and the error message."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "a, dim",
    [
        (np.array([3.0, 1.0, 3.0, 2.0, 1.0]), -1),  # ties: torch's stable=True order
        (np.array([[2.0, np.nan, -1.0], [0.0, 0.0, np.inf]]), 1),  # NaN is the largest
        (np.arange(24.0).reshape(2, 3, 4)[:, ::-1, ::2] % 5, 1),  # non-contiguous, ties
        (np.array(4.0), 0),
        (np.zeros((3, 0)), 0),
    ],
)
def test_argsort_matches_torch(a, dim, descending, dtype, torch, device):
    a = a.astype(dtype)
    got = ac.argsort(ac.tensor(a, device=device), dim, descending=descending)
    want = torch.argsort(torch.tensor(a), dim=dim, descending=descending, stable=True)
    assert got.dtype == np.int64 and got.shape == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    method = ac.tensor(a, device=device).argsort(dim=dim, descending=descending, stable=True)
    np.testing.assert_array_equal(method.numpy(), want.numpy())


def test_argsort_default_dim_and_no_gradient(torch, rng):
    a = rng.standard_normal((3, 5))
    x = ac.tensor(a, requires_grad=True)
    idx = ac.argsort(x)
    np.testing.assert_array_equal(idx.numpy(), torch.argsort(torch.tensor(a)).numpy())
    assert not idx.requires_grad


def test_argsort_errors():
    with pytest.raises(ac.ShapeError, match=r"argsort: dim 2 is out of range .*\(2, 3\)"):
        ac.argsort(ac.ones(2, 3), 2)
