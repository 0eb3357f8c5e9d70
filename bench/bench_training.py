"""Training runs of the seeds' examples: wall time and test accuracy (issue 4's digits and
MNIST-1D targets), timed here rather than asserted in tests."""

from __future__ import annotations

import time

from bench._timing import fmt_ms  # noqa: F401  (pins thread counts before NumPy is imported)

import autograd_core as ac
import nn
import optim

__all__ = ["main"]


def _digits() -> tuple[float, float]:
    x, y = nn.datasets.load_digits()
    xtr, xte, ytr, yte = nn.datasets.train_test_split(
        x / 16.0, y, test_size=0.25, generator=ac.Generator(0)
    )
    ac.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    nn.fit(
        model,
        nn.CrossEntropyLoss(),
        opt,
        xtr,
        ytr,
        epochs=20,
        batch_size=32,
        verbose=0,
        generator=ac.Generator(1),
        validation_split=0.1,
        callbacks=[nn.EarlyStopping(patience=4, restore_best_weights=True)],
    )
    seconds = time.perf_counter() - start
    acc = nn.evaluate(model, nn.CrossEntropyLoss(), xte, yte, metrics=["accuracy"])["accuracy"]
    return seconds, acc


def _mnist1d() -> tuple[float, float]:
    xtr, ytr, xte, yte = nn.datasets.load_mnist1d()
    ac.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(40, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )
    opt = optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    nn.fit(
        model,
        nn.CrossEntropyLoss(),
        opt,
        xtr,
        ytr,
        epochs=60,
        batch_size=100,
        verbose=0,
        generator=ac.Generator(1),
    )
    seconds = time.perf_counter() - start
    acc = nn.evaluate(model, nn.CrossEntropyLoss(), xte, yte, metrics=["accuracy"])["accuracy"]
    return seconds, acc


def main() -> str:
    rows = [
        (
            "digits 8×8, MLP 64-128-10, Adam, ≤ 20 epochs with early stopping",
            *_digits(),
            "≥ 96% within 60 s",
        ),
        (
            "MNIST-1D (4,000/1,000, length 40), MLP 40-256-256-10, Adam, 60 epochs",
            *_mnist1d(),
            "≥ 60% (published best 68%)",
        ),
    ]
    lines = [
        "## Training runs (issue 4)",
        "",
        "| task | training time | test accuracy | target |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t} | {s:.1f} s | {a:.1%} | {g} |" for t, s, a, g in rows]
    lines += ["", "One run each, seeded as in tests/nn/test_training.py.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
