"""torch's window functions (hann, hamming, blackman, bartlett, kaiser) against torch and their
closed forms: lengths 0 and 1, periodic and symmetric, dtypes, keywords and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError

NAMES = ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 7, 16])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows_match_torch_in_float64(torch, name, length, periodic):
    ours = getattr(ac, name)(length, periodic, dtype=ac.float64)
    theirs = getattr(torch, name)(length, periodic, dtype=torch.float64)
    assert ours.shape == tuple(theirs.shape) and ours.dtype == np.float64
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_windows_default_to_periodic_and_the_default_dtype(torch, name):
    ours, theirs = getattr(ac, name)(9), getattr(torch, name)(9)
    assert ours.dtype == np.float32 and str(theirs.dtype) == "torch.float32"
    # torch computes in float32 (its float32 I0 is off by ~6e-7), ours in float64 then rounds
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=2e-6, atol=2e-7)
    ac.set_default_dtype(ac.float64)
    assert getattr(ac, name)(3).dtype == np.float64


def test_hamming_alpha_beta_and_kaiser_beta_match_torch(torch):
    for args in [(5, False, 0.6, 0.3), (6, True, 0.5), (4, True, 0.54, 0.46)]:
        np.testing.assert_allclose(
            ac.hamming_window(*args, dtype=ac.float64).numpy(),
            torch.hamming_window(*args, dtype=torch.float64).numpy(),
            rtol=1e-14,
            atol=1e-15,
        )
    for args in [(5, False, 5.0), (8, True, 0.0), (6, True, -3.0), (10, False, 20.0)]:
        np.testing.assert_allclose(
            ac.kaiser_window(*args, dtype=ac.float64).numpy(),
            torch.kaiser_window(*args, dtype=torch.float64).numpy(),
            rtol=1e-12,
            atol=1e-15,
        )


def test_windows_closed_forms():
    n = np.arange(5.0)
    np.testing.assert_allclose(
        ac.hann_window(5, False, dtype=ac.float64).numpy(), np.sin(np.pi * n / 4) ** 2, atol=1e-15
    )
    np.testing.assert_allclose(
        ac.bartlett_window(5, False, dtype=ac.float64).numpy(), [0, 0.5, 1, 0.5, 0], atol=1e-15
    )
    np.testing.assert_allclose(
        ac.kaiser_window(5, False, 5.0, dtype=ac.float64).numpy(), np.kaiser(5, 5.0), rtol=1e-13
    )
    np.testing.assert_allclose(
        ac.blackman_window(6, False, dtype=ac.float64).numpy(), np.blackman(6), atol=1e-15
    )
    np.testing.assert_allclose(
        ac.hamming_window(6, True, dtype=ac.float64).numpy(), np.hamming(7)[:6], atol=1e-15
    )


def test_float16_window_is_rounded_once_where_torch_computes_in_half(torch):
    # torch's half-precision Hann window of 3 has 0.7505 at n = 2; ours rounds 0.75 exactly
    ours = ac.hann_window(3, dtype=ac.float16)
    assert ours.dtype == np.float16 and ours.tolist() == [0.0, 0.75, 0.75]
    assert torch.hann_window(3, dtype=torch.float16).tolist()[2] != 0.75


@pytest.mark.parametrize("name", NAMES)
def test_windows_requires_grad_and_device_keywords(torch, name):
    w = getattr(ac, name)(4, requires_grad=True, device="cpu")
    assert w.requires_grad and w.is_leaf and w.device == ac.device("cpu")
    assert getattr(torch, name)(4, requires_grad=True).requires_grad


@pytest.mark.parametrize("name", NAMES)
def test_windows_errors_match_torchs(torch, name):
    with pytest.raises(RuntimeError, match="floating point"):
        getattr(torch, name)(3, dtype=torch.int64)
    with pytest.raises(DTypeError, match=f"{name} expects floating point dtypes, got int64"):
        getattr(ac, name)(3, dtype=ac.int64)
    with pytest.raises(RuntimeError, match="non-negative window_length"):
        getattr(torch, name)(-1)
    with pytest.raises(ValueError, match=f"{name} requires non-negative window_length"):
        getattr(ac, name)(-1)
    with pytest.raises(TypeError, match="window_length must be an int"):
        getattr(ac, name)(3.0)
