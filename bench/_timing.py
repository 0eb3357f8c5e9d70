"""Timing discipline shared by the benchmarks (the method stated at the top of BENCHMARKS.md):
pinned threads, a pause and one untimed warm call before every timed call, interleaved
contenders in alternating order, medians, and ratios taken round by round.

``interleave`` runs the contenders in this process; ``interleave_apart`` gives each its own
fresh process (still timed round by round in alternating order, the parent asking each process
in turn for one timed call); ``interleave_both`` does both with the same contenders. Contenders
in one process share glibc's heap, and one contender's frees change the other's page faults:
PyTorch's LeNet step alone in a process faults ~1,150 pages (4 KiB) a step and takes ~4.0 ms;
after our step has freed a multi-MiB block in the same process glibc's mmap threshold has
risen, and PyTorch faults none and takes ~3.1 ms. Hand-written NumPy's MLP step alone faults
too (15 ms where it takes 10.5 next to ours). Neither way is the one true number: a user's
script runs one framework, while the shared heap is closer to comparing arithmetic alone. The
issue-target rows report both, and a target counts as met only when both meet it.

Since importing autograd_core sets glibc's heap thresholds (autograd_core/heap.py), which the
other contenders' processes would inherit through the bench modules that import it, each
process of ``interleave_apart`` other than ``"ours"`` starts with
``AUTOGRAD_CORE_GLIBC_HEAP=default``: PyTorch and hand-written NumPy run there as their users
get them, with glibc's defaults. In one process all contenders share the thresholds ours set.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "2")

import contextlib  # noqa: E402
import importlib  # noqa: E402
import multiprocessing  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

__all__ = [
    "Timings",
    "interleave",
    "interleave_apart",
    "interleave_both",
    "maker",
    "try_torch",
    "fmt_ms",
    "fmt_us",
]

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
            rounds[name].append(_timed(contenders[name]))
    return Timings(rounds)


def _timed(fn: Callable[[], Any]) -> float:
    """One call after a pause and one warm call (caches, allocator, branch predictors)."""
    time.sleep(PAUSE_S)
    fn()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def maker(module: str, function: str, *args: Any) -> tuple[str, str, tuple[Any, ...]]:
    """What ``interleave_apart`` needs to build a contender in a fresh process: the zero-argument
    callable ``module.function(*args)`` returns (args must pickle)."""
    return (module, function, args)


def _build(spec: tuple[str, str, tuple[Any, ...]]) -> Callable[[], Any]:
    module, function, args = spec
    return getattr(importlib.import_module(module), function)(*args)


def _serve(conn: Any, spec: tuple[str, str, tuple[Any, ...]]) -> None:
    """A contender's process: build the callable, then answer each request with one
    ``_timed`` call (or the error that stopped it) until told to stop."""
    try:
        fn = _build(spec)
        conn.send(("ready", None))
    except BaseException as e:  # noqa: BLE001 (reported to the parent, which raises)
        conn.send(("error", f"{type(e).__name__}: {e}"))
        return
    while conn.recv() == "run":
        try:
            conn.send(("time", _timed(fn)))
        except BaseException as e:  # noqa: BLE001
            conn.send(("error", f"{type(e).__name__}: {e}"))
            return


def _answer(name: str, conn: Any) -> Any:
    kind, value = conn.recv()
    if kind == "error":
        raise RuntimeError(f"benchmark contender {name!r} failed in its process: {value}")
    return value


@contextlib.contextmanager
def _heap_env(name: str) -> Iterator[None]:
    """The environment a contender's process starts with: glibc's default heap thresholds
    for every contender but ``"ours"`` (see the module docstring)."""
    from autograd_core import heap

    before = os.environ.get(heap.ENV)
    if name != "ours":
        os.environ[heap.ENV] = "default"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(heap.ENV, None)
        else:
            os.environ[heap.ENV] = before


def interleave_apart(makers: dict[str, tuple[str, str, tuple[Any, ...]]], repeats: int) -> Timings:
    """``interleave`` with each contender built (``maker``) and timed in its own fresh process
    (started by spawn, so it inherits no heap state; the thread pins come with the
    environment). Only one process works at a time: the others wait on their pipe."""
    ctx = multiprocessing.get_context("spawn")
    procs, conns = [], {}
    try:
        for name, spec in makers.items():
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, spec), daemon=True)
            with _heap_env(name):
                proc.start()
            procs.append(proc)
            conns[name] = parent
        for name, conn in conns.items():
            _answer(name, conn)
        rounds: dict[str, list[float]] = {name: [] for name in makers}
        order = list(makers)
        for r in range(repeats):
            for name in order if r % 2 == 0 else order[::-1]:
                conns[name].send("run")
                rounds[name].append(_answer(name, conns[name]))
    finally:
        for conn in conns.values():
            try:
                conn.send("stop")
            except OSError:
                pass
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    return Timings(rounds)


def interleave_both(
    makers: dict[str, tuple[str, str, tuple[Any, ...]]], repeats: int
) -> tuple[Timings, Timings]:
    """(``interleave`` of the contenders built here, ``interleave_apart`` of the same)."""
    shared = interleave({name: _build(spec) for name, spec in makers.items()}, repeats)
    return shared, interleave_apart(makers, repeats)


def fmt_ms(s: float) -> str:
    return f"{s * 1e3:.2f} ms"


def fmt_us(s: float) -> str:
    return f"{s * 1e6:.2f} µs"
