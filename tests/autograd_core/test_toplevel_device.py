"""The new top-level functions on each device (cpu, and cuda or its strict stand-in with
``pytest --fake-cuda``): results stay on the input's device and equal the CPU's."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac

NAMES = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", NAMES)
def test_windows_are_made_on_the_device(device, name):
    w = getattr(ac, name)(6, device=device, dtype=ac.float64)
    assert w.device == ac.device(device)
    np.testing.assert_allclose(w.cpu().numpy(), getattr(ac, name)(6, dtype=ac.float64).numpy())


def test_creation_helpers_keep_the_device(device):
    x = ac.tensor([[0.0, 2.0], [3.0, 0.0]], device=device)
    filled = ac.fill(x, 1.5)
    assert filled.device == x.device and filled.cpu().tolist() == [[1.5, 1.5], [1.5, 1.5]]
    nz = ac.nonzero_static(x, size=3)
    assert nz.device == x.device and nz.cpu().tolist() == [[0, 1], [1, 0], [-1, -1]]
    assert ac.asarray(x) is x
    assert ac.atleast_3d(x).device == x.device
    assert ac.empty_strided((2, 3), (1, 2), device=device).device == x.device
    assert ac.slice_copy(x, 1, 1).device == x.device
    assert ac.get_device(x) == (-1 if device == "cpu" else 0)


def test_nn_functions_keep_the_device(device):
    rng = np.random.default_rng(0)
    x = ac.tensor(rng.standard_normal((2, 3, 6)), device=device, requires_grad=True)
    y, keep = ac.native_dropout(x, 0.5, True)
    assert y.device == keep.device == x.device
    z = ac.feature_dropout(x, 0.5, True) + ac.conv_tbc(
        x.permute(2, 0, 1),
        ac.ones(1, 3, 3, device=device, dtype=ac.float64),
        ac.zeros(3, device=device, dtype=ac.float64),
    ).permute(1, 2, 0)
    z.sum().backward()
    assert x.grad.device == x.device


def test_numerics_keep_the_device(device):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((10, 2)) @ rng.standard_normal((2, 5))
    x = ac.tensor(a, device=device)
    U, S, V = ac.svd_lowrank(x, q=2)
    assert U.device == x.device
    np.testing.assert_allclose(((U * S) @ V.mT).cpu().numpy(), a, atol=1e-9)
    hist, edges = ac.histogramdd(x[:, :2], 3)
    assert hist.device == x.device and edges[0].device == x.device
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ac.range(0, 2, device=device).device == x.device
