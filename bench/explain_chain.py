"""Where the per-op overhead of bench_engine's chain goes: forward and backward, against PyTorch.

``python -m bench.explain_chain [ROUNDS] [LENGTH]`` builds bench_engine's chain
(``y = y * w if i % 2 else y + w`` on shape (4,), float64; 1,000 ops unless LENGTH is given),
then calls ``.sum().backward()``, for us and for PyTorch in turn, and prints the median
forward and backward time per op and the median of the per-round ratios ours / PyTorch (both
phases together), over ROUNDS rounds (45 unless given). Freeing the graph is timed with the
backward. The forward share of the cyclic garbage collector is measured too, by building our
chain with the collector switched off in alternate rounds.

Each phase is timed with the CPU time of the process (``time.process_time``: a preempted
process does not count, which matters on a shared machine); threads are pinned to 1 (this
script sets the variables before NumPy and torch load) so that the CPU time is the work. To
compare two commits, run it from a worktree of each, alternately (bench/before_after.md).

Not part of ``make bench``: it explains a row rather than adding one.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from bench import bench_engine as b  # noqa: E402
from bench._timing import try_torch  # noqa: E402

__all__ = ["main"]

_clock = time.process_time


def _phases(build: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds of one forward (build and sum) and one backward (with the freeing)."""
    build().sum().backward()  # warm
    t0 = _clock()
    y = build().sum()
    t1 = _clock()
    y.backward()
    del y
    return t1 - t0, _clock() - t1


def _forward_without_collector(n: int) -> float:
    gc.disable()
    try:
        return _phases(lambda: b._build_ours(n))[0]
    finally:
        gc.enable()


def main(rounds: int = 45, n: int = b.CHAIN) -> str:
    torch = try_torch()
    runs: dict[str, list[float]] = {k: [] for k in ("of", "ob", "tf", "tb", "of_nogc")}
    for r in range(rounds):
        order = ("ours", "torch") if r % 2 == 0 else ("torch", "ours")
        for who in order:
            if who == "torch" and torch is None:
                continue
            time.sleep(0.05)
            if who == "ours":
                f, bw = _phases(lambda: b._build_ours(n))
                runs["of_nogc"].append(_forward_without_collector(n))
            else:
                f, bw = _phases(lambda: b._build_torch(torch, n))
            runs[who[0] + "f"].append(f)
            runs[who[0] + "b"].append(bw)
    us = {k: statistics.median(v) / n * 1e6 for k, v in runs.items() if v}
    lines = [
        f"chain of {n:,} ops, shape (4,), float64, {rounds} rounds, 1 thread, CPU time",
        f"  ours:    forward {us['of']:.3f} µs/op (collector off: {us['of_nogc']:.3f}), "
        f"backward {us['ob']:.3f} µs/op",
    ]
    if torch is not None:
        ratio = statistics.median(
            (a + c) / (x + z) for a, c, x, z in zip(runs["of"], runs["ob"], runs["tf"], runs["tb"])
        )
        lines.append(f"  PyTorch: forward {us['tf']:.3f} µs/op, backward {us['tb']:.3f} µs/op")
        lines.append(f"  ours / PyTorch (median of per-round ratios): {ratio:.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(main(*args))
