"""Training runs of the example recipes (nn/recipes.py): wall time and test accuracy (issue 4's
digits and MNIST-1D targets), timed here rather than asserted in tests."""

from __future__ import annotations

import time

from bench._timing import fmt_ms  # noqa: F401  (pins thread counts before NumPy is imported)

from nn import recipes

__all__ = ["main"]


def _timed(recipe) -> tuple[float, float]:  # noqa: ANN001
    start = time.perf_counter()
    _, acc = recipe()
    return time.perf_counter() - start, acc


def main() -> str:
    rows = [
        (
            "digits 8×8, MLP 64-128-10, Adam, ≤ 20 epochs with early stopping",
            *_timed(recipes.digits_mlp),
            "≥ 96% within 60 s",
        ),
        (
            "MNIST-1D (4,000/1,000, length 40), MLP 40-256-256-10, Adam, 60 epochs",
            *_timed(recipes.mnist1d_mlp),
            "≥ 60% (published best 68%)",
        ),
    ]
    lines = [
        "## Training runs (issue 4)",
        "",
        "| task | time | test accuracy | target |",
        "|---|---|---|---|",
    ]
    lines += [f"| {t} | {s:.1f} s | {a:.1%} | {g} |" for t, s, a, g in rows]
    lines += [
        "",
        "One run each of the recipes in nn/recipes.py, whose accuracy tests/nn/test_training.py "
        "asserts; the time is the whole recipe (loading the data, training and scoring).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
