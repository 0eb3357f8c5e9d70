"""A full training recipe on a CUDA device (a GPU, or the CuPy stand-in under
``pytest --fake-cuda``; ``make test`` runs it that way): the digits MLP of test_training.py, with
early stopping, validation and evaluation, reaches the same accuracy on the device."""

from __future__ import annotations

import pytest

import autograd_core as ac
from nn import recipes


@pytest.mark.gpu
def test_digits_mlp_on_the_device_reaches_96_percent():
    if not ac.cuda.is_available():
        pytest.skip("needs CuPy and a GPU (or pytest --fake-cuda)")
    model, acc = recipes.digits_mlp(device="cuda")
    assert {str(p.device) for p in model.parameters()} == {"cuda:0"}
    assert acc >= 0.96
