"""Training a LeNet-5 style CNN on the bundled digits (nn/recipes_cnn.py)."""

from __future__ import annotations

import time

import pytest

import autograd_core as ac
from nn.recipes_cnn import digits_lenet, lenet5


def test_lenet5_maps_a_padded_digit_to_class_scores():
    model = lenet5()
    assert model(ac.zeros(3, 1, 12, 12)).shape == (3, 10)


@pytest.mark.slow
def test_digits_lenet_reaches_98_percent_within_60_seconds():
    t0 = time.perf_counter()
    _, acc = digits_lenet()
    elapsed = time.perf_counter() - t0
    assert acc >= 0.98
    assert elapsed <= 60.0, f"{elapsed:.1f} s"
