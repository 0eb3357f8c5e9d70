"""Two convolutional recipes of issue 14: the MNIST-1D reference CNN (Greydanus, 2020: three
strided Conv1d layers and a linear read-out, Adam on random minibatches, as the published
notebook), and a fully convolutional digits classifier trained on inputs of several sizes in one
run (the course notes' third architecture: convolution, then pooling whose regions scale with
the input, no dense layer)."""

from __future__ import annotations

import time

import numpy as np

import autograd_core as ac
import optim
from nn.activations import ReLU
from nn.containers import Sequential
from nn.conv import Conv1d
from nn.datasets import load_digits, load_mnist1d
from nn.layers import Flatten, Linear
from nn.losses_classification import cross_entropy
from nn.module import Module

__all__ = [
    "mnist1d_reference_cnn",
    "train_mnist1d_cnn",
    "fully_convolutional_digits",
    "train_fully_convolutional",
]


def mnist1d_reference_cnn() -> Module:
    """Conv1d 1→25 k5 s2 p1, 25→25 k3 s2 p1, 25→25 k3 s2 p1 (ReLU after each), then
    Linear 125→10: the signal of length 40 shrinks to 19, 10 and 5 positions."""
    return Sequential(
        Conv1d(1, 25, 5, stride=2, padding=1),
        ReLU(),
        Conv1d(25, 25, 3, stride=2, padding=1),
        ReLU(),
        Conv1d(25, 25, 3, stride=2, padding=1),
        ReLU(),
        Flatten(),
        Linear(125, 10),
    )


def train_mnist1d_cnn(
    steps: int = 6000, batch_size: int = 100, lr: float = 1e-2, seed: int = 0, progress=None
) -> tuple[Module, float, float]:
    """Train the reference CNN on MNIST-1D (4,000 train / 1,000 test signals). Returns the
    model, its test accuracy and the training wall time in seconds. ``progress`` wraps the
    step range (e.g. ``tqdm.trange``'s callable form)."""
    ac.manual_seed(seed)
    x_train, y_train, x_test, y_test = load_mnist1d()
    xs = x_train.numpy()[:, None, :].astype(np.float32)
    ys = y_train.numpy()
    model = mnist1d_reference_cnn()
    opt = optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    loop = range(steps) if progress is None else progress(range(steps))
    t0 = time.perf_counter()
    for _ in loop:
        idx = rng.integers(0, len(xs), batch_size)
        opt.zero_grad()
        loss = cross_entropy(model(ac.tensor(xs[idx])), ac.tensor(ys[idx]))
        loss.backward()
        opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with ac.no_grad():
        pred = model(ac.tensor(x_test.numpy()[:, None, :].astype(np.float32))).numpy().argmax(1)
    return model, float((pred == y_test.numpy()).mean()), seconds


class _GlobalAvgPool(Module):
    """Mean over every spatial position: (N, C, H, W) → (N, C), whatever H and W are."""

    def forward(self, x: ac.Tensor) -> ac.Tensor:
        return x.mean(axis=(2, 3))


def fully_convolutional_digits() -> Module:
    """Conv 1→32 k3, Conv 32→32 k3, max-pool 2, Conv 32→64 k3 (all padded, ReLU after
    each), a 1×1 Conv 64→10, then global average pooling: ten class scores for an image of
    any size ≥ 2×2, no dense layer. No biases: a blank region then scores exactly 0 for every
    class, so the average over a larger canvas scales all ten scores alike and the argmax
    does not depend on how much blank surrounds the digit."""
    from nn.conv import Conv2d
    from nn.pooling import MaxPool2d

    return Sequential(
        Conv2d(1, 32, 3, padding=1, bias=False),
        ReLU(),
        Conv2d(32, 32, 3, padding=1, bias=False),
        ReLU(),
        MaxPool2d(2),
        Conv2d(32, 64, 3, padding=1, bias=False),
        ReLU(),
        Conv2d(64, 10, 1, bias=False),
        _GlobalAvgPool(),
    )


def _place(images: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """8×8 digits pasted at random positions on a blank size×size canvas."""
    out = np.zeros((len(images), 1, size, size), np.float32)
    for i, img in enumerate(images):
        r, c = rng.integers(0, size - 7, 2)
        out[i, 0, r : r + 8, c : c + 8] = img
    return out


def train_fully_convolutional(
    sizes: tuple[int, ...] = (8, 12, 16), epochs: int = 20, seed: int = 0
) -> tuple[Module, dict[int, float]]:
    """Train ``fully_convolutional_digits`` in one run on minibatches whose image size cycles
    through ``sizes`` (each batch one size: the digit at a random place on a larger canvas).
    Returns the model and the test accuracy at each size."""
    ac.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x, y = load_digits()
    images = (x.numpy().reshape(-1, 8, 8) / 16.0).astype(np.float32)
    labels = y.numpy()
    order = rng.permutation(len(images))
    test, train = order[:360], order[360:]
    model = fully_convolutional_digits()
    opt = optim.Adam(model.parameters(), lr=5e-3)
    step = 0
    for _ in range(epochs):
        perm = rng.permutation(train)
        for start in range(0, len(perm), 64):
            idx = perm[start : start + 64]
            size = sizes[step % len(sizes)]
            step += 1
            opt.zero_grad()
            loss = cross_entropy(
                model(ac.tensor(_place(images[idx], size, rng))), ac.tensor(labels[idx])
            )
            loss.backward()
            opt.step()
    model.eval()
    accuracy = {}
    with ac.no_grad():
        for size in (*sizes, max(sizes) + 4):  # and one size never seen in training
            pred = model(ac.tensor(_place(images[test], size, rng))).numpy().argmax(1)
            accuracy[size] = float((pred == labels[test]).mean())
    return model, accuracy
