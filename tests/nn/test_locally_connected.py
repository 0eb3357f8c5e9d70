"""LocallyConnected2d, the unshared convolution: one kernel per output position."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F


def test_locally_connected_computes_one_kernel_per_position(rng):
    layer = nn.LocallyConnected2d(
        2, 3, (5, 4), kernel_size=(2, 3), stride=(2, 1), padding=1, dtype=ac.float64
    )
    x = rng.standard_normal((2, 2, 5, 4))
    y = layer(ac.tensor(x)).data
    w, b = layer.weight.data, layer.bias.data
    xp = np.pad(x, [(0, 0), (0, 0), (1, 1), (1, 1)])
    expected = np.empty((2, 3, 3, 4))
    for i in range(3):
        for j in range(4):
            window = xp[:, :, 2 * i : 2 * i + 2, j : j + 3]
            expected[:, :, i, j] = np.einsum("nckl,ockl->no", window, w[i, j]) + b[:, i, j]
    np.testing.assert_allclose(y, expected, rtol=1e-12)


def test_locally_connected_with_shared_kernels_is_a_convolution(rng):
    layer = nn.LocallyConnected2d(3, 2, (6, 6), kernel_size=3, bias=False, dtype=ac.float64)
    kernel = rng.standard_normal((2, 3, 3, 3))
    layer.weight.data[...] = kernel  # the same kernel at every position: parameter sharing
    x = ac.tensor(rng.standard_normal((4, 3, 6, 6)), requires_grad=True)
    y = layer(x)
    np.testing.assert_allclose(y.data, F.conv2d(x, ac.tensor(kernel)).data, rtol=1e-12)
    y.sum().backward()
    assert layer.weight.grad.shape == (4, 4, 2, 3, 3, 3)
    assert layer.num_parameters() == 16 * 2 * 3 * 9  # H_out·W_out times a Conv2d's weights


def test_locally_connected_refuses_another_input_size():
    layer = nn.LocallyConnected2d(1, 2, (6, 6), kernel_size=3)
    with pytest.raises(ac.ShapeError, match=r"LocallyConnected2d: input of shape \(1, 1, 7, 6\)"):
        layer(ac.ones(1, 1, 7, 6))
    with pytest.raises(ac.ShapeError, match=r"gives output size \(0, 0\)"):
        nn.LocallyConnected2d(1, 2, (2, 2), kernel_size=3)
