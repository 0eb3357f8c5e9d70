"""The course notes' classification examples as functions that build, train and score a model.

``tests/nn/test_training.py`` asserts their test accuracy and ``bench/bench_training.py`` times
them: both run this code, so the time shown is the time of the run that is checked. Use::

    from nn.recipes import digits_mlp
    model, accuracy = digits_mlp(verbose=1)   # a progress bar per epoch; accuracy ≈ 0.967
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
import optim
from nn.activations import ReLU
from nn.callbacks import EarlyStopping
from nn.containers import Sequential
from nn.datasets import load_digits, load_mnist1d, train_test_split
from nn.layers import Linear
from nn.losses import CrossEntropyLoss
from nn.module import Module
from nn.training import evaluate, fit

__all__ = ["digits_mlp", "mnist1d_mlp"]


def digits_mlp(verbose: int = 0, device: Any = "cpu") -> tuple[Module, float]:
    """The 8×8 digits (1,797 images): an MLP 64-128-10 with Adam, at most 20 epochs with early
    stopping on a 10% validation split; returns the model and its accuracy on a held-out 25%.
    On another ``device`` the model (initialised on the CPU, so with the same weights) and the
    data are moved there first."""
    x, y = load_digits()
    xtr, xte, ytr, yte = train_test_split(x / 16.0, y, test_size=0.25, generator=ac.Generator(0))
    xtr, xte, ytr, yte = (t.to(device) for t in (xtr, xte, ytr, yte))
    ac.manual_seed(0)
    model = Sequential(Linear(64, 128), ReLU(), Linear(128, 10)).to(device)
    _adam_fit(
        model,
        xtr,
        ytr,
        verbose,
        epochs=20,
        batch_size=32,
        validation_split=0.1,
        callbacks=[EarlyStopping(patience=4, restore_best_weights=True)],
    )
    return model, _accuracy(model, xte, yte)


def mnist1d_mlp(verbose: int = 0) -> tuple[Module, float]:
    """MNIST-1D (4,000 training and 1,000 test sequences of length 40): an MLP 40-256-256-10
    with Adam for 60 epochs; returns the model and its test accuracy."""
    xtr, ytr, xte, yte = load_mnist1d()
    ac.manual_seed(0)
    model = Sequential(Linear(40, 256), ReLU(), Linear(256, 256), ReLU(), Linear(256, 10))
    _adam_fit(model, xtr, ytr, verbose, epochs=60, batch_size=100)
    return model, _accuracy(model, xte, yte)


def _adam_fit(model: Module, x: ac.Tensor, y: ac.Tensor, verbose: int, **options: Any) -> None:
    """Both recipes: cross-entropy, Adam at 1e-3, shuffling seeded with 1."""
    fit(
        model,
        CrossEntropyLoss(),
        optim.Adam(model.parameters(), lr=1e-3),
        x,
        y,
        verbose=verbose,
        generator=ac.Generator(1),
        **options,
    )


def _accuracy(model: Module, x: ac.Tensor, y: ac.Tensor) -> float:
    return evaluate(model, CrossEntropyLoss(), x, y, metrics=["accuracy"])["accuracy"]
