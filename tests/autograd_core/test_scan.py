"""cumsum as a user meets it: PyTorch's dtype rules, NumPy's flattening without a dim, the
reversed running sum as its gradient, and the error for a bad dim."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool", "float32", "float64"])
def test_cumsum_dtype_follows_torch(torch, dtype):
    data = np.array([[1, 0, 1], [1, 1, 0]], dtype=dtype)
    ours = ac.tensor(data).cumsum(dim=1)
    theirs = torch.tensor(data).cumsum(dim=1)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_cumsum_without_dim_flattens_and_dtype_casts_first():
    x = ac.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.cumsum().tolist() == [1.0, 3.0, 6.0, 10.0]
    assert ac.cumsum(ac.tensor([1, 2]), 0, dtype=ac.float64).dtype == np.float64


def test_cumsum_gradient_is_the_reversed_running_sum():
    x = ac.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    (g,) = ac.grad(x.cumsum(0), x, ac.tensor([1.0, 10.0, 100.0, 1000.0]))
    assert g.tolist() == [1111.0, 1110.0, 1100.0, 1000.0]


def test_cumsum_refuses_a_dim_out_of_range():
    with pytest.raises(
        ac.ShapeError,
        match=r"cumsum: dim 2 is out of range for a tensor of "
        r"shape \(2, 2\)",
    ):
        ac.ones(2, 2).cumsum(2)
