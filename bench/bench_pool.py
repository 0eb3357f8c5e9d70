"""Benchmark: max_pool2d forward + backward, ours against PyTorch CPU (float32).

Run standalone (``python -m bench.bench_pool``) or through ``main()``, which returns the
markdown section for BENCHMARKS.md. Method (bench/_timing.py): threads pinned before NumPy is
imported, contenders interleaved round by round with a pause and a warm call before each timed
call, medians and per-round ratios reported.

Cases: the LeNet-5 pooling layer (k2 on a batch of 64 6×28×28 maps), a wider k2 layer
(32×64×32×32) and an overlapping k3 s2 p1 window (ResNet's stem pooling, 32×64×56×56 halved:
32×64×28×28), whose backward must accumulate shared maxima.
"""

from __future__ import annotations

from bench._timing import fmt_ms, interleave, try_torch  # pins threads before NumPy

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_core as ac
import nn.functional as F

__all__ = ["main", "CASES"]

REPEATS = 21
CASES: list[tuple[str, tuple[int, ...], dict[str, int]]] = [
    ("k2, 64×6×28×28 (LeNet)", (64, 6, 28, 28), {"kernel_size": 2}),
    ("k2, 32×64×32×32", (32, 64, 32, 32), {"kernel_size": 2}),
    ("k3 s2 p1, 32×64×28×28", (32, 64, 28, 28), {"kernel_size": 3, "stride": 2, "padding": 1}),
]


def _ours(x: np.ndarray, gy: np.ndarray, kwargs: dict[str, int]) -> Callable[[], Any]:
    g = ac.tensor(gy)

    def step() -> None:
        t = ac.tensor(x, requires_grad=True)
        F.max_pool2d(t, **kwargs).backward(g)

    return step


def _torch(
    torch: Any, x: np.ndarray, gy: np.ndarray, kwargs: dict[str, int], threads: int
) -> Callable:
    g = torch.tensor(gy)

    def step() -> None:
        torch.set_num_threads(threads)  # (~1 µs)
        t = torch.tensor(x, requires_grad=True)
        torch.nn.functional.max_pool2d(t, **kwargs).backward(g)

    return step


def main() -> str:
    """Run the benchmark and return it as a markdown section."""
    torch = try_torch()
    rng = np.random.default_rng(0)
    lines = [
        "## max_pool2d forward + backward (float32)",
        "",
        "| case | ours | PyTorch (2 threads) | PyTorch (1 thread) | ours / PyTorch 2t | "
        "ours / PyTorch 1t |",
        "|---|---|---|---|---|---|",
    ]
    for name, shape, kwargs in CASES:
        x = rng.standard_normal(shape).astype(np.float32)
        out = F.max_pool2d(ac.tensor(x), **kwargs).shape
        gy = rng.standard_normal(out).astype(np.float32)
        contenders = {"ours": _ours(x, gy, kwargs)}
        if torch is not None:
            contenders["torch"] = _torch(torch, x, gy, kwargs, 2)
            contenders["torch1"] = _torch(torch, x, gy, kwargs, 1)
        t = interleave(contenders, REPEATS)
        if torch is None:
            lines.append(f"| {name} | {fmt_ms(t['ours'])} | (no torch) | | | |")
        else:
            lines.append(
                f"| {name} | {fmt_ms(t['ours'])} | {fmt_ms(t['torch'])} | "
                f"{fmt_ms(t['torch1'])} | {t.ratio('ours', 'torch'):.2f}× | "
                f"{t.ratio('ours', 'torch1'):.2f}× |"
            )
    if torch is not None:
        torch.set_num_threads(2)
    lines += [
        "",
        "Ours: one strided view per kernel offset in the forward (running max and winning "
        "offset), the backward a single scatter by the saved flat indices (a fancy assignment "
        "when windows cannot overlap, add.at when they can). PyTorch is timed with 2 and with "
        "1 thread: on a loaded shared machine its OpenMP threads can stall each other.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
