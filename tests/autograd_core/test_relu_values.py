"""relu's exact outputs, which its mask-multiply forward has to get right by hand: +0 (never -0)
for negative floats, NaN passed through with a zero gradient, and integer and bool inputs."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_gives_positive_zero_for_negative_inputs(dtype):
    x = ac.tensor(np.array([-3.0, -0.0, 0.0, 2.5], dtype), requires_grad=True)
    y = ac.relu(x)
    np.testing.assert_array_equal(y.data, [0.0, 0.0, 0.0, 2.5])
    assert not np.signbit(y.data).any()  # -0.0 would print as "-0."
    assert y.dtype == dtype
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0, 1.0])


def test_relu_passes_nan_through_with_its_gradient():
    # max(NaN, 0) is NaN (NumPy's maximum, torch.relu); the gradient is zeroed only where
    # x ≤ 0, false at NaN, so it passes (torch's threshold_backward; settled in the elementwise
    # fuzz, which compares with torch)
    x = ac.tensor([np.nan, 1.0], dtype=ac.float64, requires_grad=True)
    y = ac.relu(x)
    assert np.isnan(y.data[0]) and y.data[1] == 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


def test_relu_of_integer_and_bool_tensors():
    np.testing.assert_array_equal(ac.relu(ac.tensor([-2, 0, 3])).data, [0, 0, 3])
    assert ac.relu(ac.tensor([-2, 0, 3])).dtype == np.int64
    np.testing.assert_array_equal(ac.relu(ac.tensor([True, False])).data, [True, False])
