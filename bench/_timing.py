"""Timing discipline shared by the benchmarks (BENCHMARKING.md): pinned threads, a pause and
one untimed warm call before every timed call, interleaved contenders, medians."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

__all__ = ["interleave", "try_torch", "fmt_ms", "fmt_us"]

PAUSE_S = 0.15  # worker threads of OpenBLAS and torch's OpenMP spin ~0.1 s after their work


def try_torch() -> Any:
    """torch with 2 threads, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(2)
    return torch


def interleave(contenders: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median seconds per call of each contender, timed A B C A B C …"""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            time.sleep(PAUSE_S)
            fn()  # warm: caches, allocator, branch predictors
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:.2f} ms"


def fmt_us(s: float) -> str:
    return f"{s * 1e6:.2f} µs"
