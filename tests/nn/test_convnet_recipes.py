"""The convolutional training recipes of issue 14 (slow: `make test-slow`)."""

from __future__ import annotations

import pytest

from nn.recipes_convnets import train_fully_convolutional, train_mnist1d_cnn


@pytest.mark.slow
def test_mnist1d_reference_cnn_reaches_91_percent():
    """The published recipe (Adam 1e-2, batch 100, 6,000 steps): 94% in the MNIST-1D paper,
    93-96% for PyTorch on this machine; the issue asks for at least 91%."""
    _, accuracy, _ = train_mnist1d_cnn(steps=6000)
    assert accuracy >= 0.91, accuracy


@pytest.mark.slow
def test_a_fully_convolutional_net_learns_digits_of_every_size_in_one_run():
    """Trained on 8×8, 12×12 and 16×16 canvases in one run (no dense layer, global average
    pooling); tested on those and on 20×20, a size it never saw."""
    _, accuracy = train_fully_convolutional()
    assert set(accuracy) == {8, 12, 16, 20}
    assert min(accuracy.values()) >= 0.93, accuracy
