"""Timing discipline shared by the benchmarks (the method stated at the top of BENCHMARKS.md):
pinned threads, a pause and one untimed warm call before every timed call, interleaved
contenders in alternating order, medians, and ratios taken round by round."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

__all__ = ["Timings", "interleave", "try_torch", "fmt_ms", "fmt_us"]

PAUSE_S = 0.15  # worker threads of OpenBLAS and torch's OpenMP spin ~0.1 s after their work


def try_torch() -> Any:
    """torch with as many threads as OMP_NUM_THREADS (2 unless set before this module was
    imported: ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -m bench.bench_rnn`` compares
    one thread with one), or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    return torch


class Timings(dict):
    """Median seconds per call of each contender (the mapping itself), with every round kept.

    ``ratio(a, b)`` is the median over rounds of a's time divided by b's time in the same
    round. The two calls of a round run within a second of each other, so a drift of the
    machine's speed over minutes (1.5-2x on these shared vCPUs) cancels in each quotient; the
    ratio of the two medians mixes rounds taken at different speeds.
    """

    def __init__(self, rounds: dict[str, list[float]]) -> None:
        super().__init__({name: statistics.median(ts) for name, ts in rounds.items()})
        self.rounds = rounds

    def ratio(self, a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(self.rounds[a], self.rounds[b]))


def interleave(contenders: dict[str, Callable[[], Any]], repeats: int) -> Timings:
    """Time each contender once per round, in the order A B C, then C B A, and so on (so that
    no contender always follows the same one), each call after a pause and one warm call."""
    rounds: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    for r in range(repeats):
        for name in order if r % 2 == 0 else order[::-1]:
            fn = contenders[name]
            time.sleep(PAUSE_S)
            fn()  # warm: caches, allocator, branch predictors
            t0 = time.perf_counter()
            fn()
            rounds[name].append(time.perf_counter() - t0)
    return Timings(rounds)


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:.2f} ms"


def fmt_us(s: float) -> str:
    return f"{s * 1e6:.2f} µs"
