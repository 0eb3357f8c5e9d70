"""Benchmark: one optimizer step over a 10M-parameter MLP, ours against torch.optim (float32).

Run standalone (``python bench/bench_optim.py``) or through ``main()``, which returns the
markdown section for BENCHMARKS.md. Method (bench/_timing.py): threads pinned through the
environment before NumPy is imported, contenders interleaved, and before every timed call a
0.15 s sleep (so the other library's worker threads stop spinning) and one untimed warm call;
medians are reported.
"""

from __future__ import annotations

import os

from bench._timing import interleave  # pins the thread counts before NumPy is imported

import datetime
import platform
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_core as ac
import optim

__all__ = ["main", "LAYERS"]

# 784-2048-2048-2048-10: 10,020,874 parameters in 8 tensors (weights and biases).
LAYERS = (784, 2048, 2048, 2048, 10)
REPEATS = 31


def _mlp_arrays(rng: np.random.Generator) -> list[tuple[np.ndarray, np.ndarray]]:
    """(parameter, gradient) pairs shaped like nn.Linear layers, float32."""
    pairs = []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:], strict=True):
        for shape in ((fan_out, fan_in), (fan_out,)):
            p = (rng.standard_normal(shape) * fan_in**-0.5).astype(np.float32)
            g = (rng.standard_normal(shape) * 1e-2).astype(np.float32)
            pairs.append((p, g))
    return pairs


def _ours(pairs: list[tuple[np.ndarray, np.ndarray]], make: Callable[[list], Any]) -> Callable:
    params = []
    for p, g in pairs:
        t = ac.tensor(p, requires_grad=True)
        t.grad = ac.tensor(g)
        params.append(t)
    opt = make(params)
    return opt.step


def _torch(torch: Any, pairs: list[tuple[np.ndarray, np.ndarray]], make: Callable) -> Callable:
    params = []
    for p, g in pairs:
        t = torch.tensor(p, requires_grad=True)
        t.grad = torch.tensor(g)
        params.append(t)
    opt = make(params)
    return opt.step


def main() -> str:
    """Run the benchmark and return it as a markdown section."""
    try:
        import torch
    except ImportError:
        torch = None
    else:
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    pairs = _mlp_arrays(np.random.default_rng(0))
    n_params = sum(p.size for p, _ in pairs)
    configs: dict[str, tuple[Callable, Callable | None]] = {
        "SGD (momentum=0.9)": (
            lambda ps: optim.SGD(ps, lr=1e-3, momentum=0.9),
            None if torch is None else lambda ps: torch.optim.SGD(ps, lr=1e-3, momentum=0.9),
        ),
        "Adam": (
            lambda ps: optim.Adam(ps, lr=1e-3),
            None if torch is None else lambda ps: torch.optim.Adam(ps, lr=1e-3),
        ),
    }
    rows = []
    for label, (ours, theirs) in configs.items():
        contenders = {"ours": _ours(pairs, ours)}
        if theirs is not None:
            contenders["torch"] = _torch(torch, pairs, theirs)
        t = interleave(contenders, REPEATS)
        ours_ms = t["ours"] * 1e3
        if "torch" in t:
            torch_ms = t["torch"] * 1e3
            ratio = t.ratio("ours", "torch")
            rows.append(f"| {label} | {ours_ms:.2f} | {torch_ms:.2f} | {ratio:.2f} |")
        else:
            rows.append(f"| {label} | {ours_ms:.2f} | n/a (torch not installed) | n/a |")
    torch_version = "not installed" if torch is None else torch.__version__
    lines = [
        "## optim.step on a 10M-parameter MLP",
        "",
        f"One `step()` over the {n_params:,} float32 parameters of an MLP "
        f"{'-'.join(map(str, LAYERS))} (8 tensors), gradients already in place; medians of "
        f"{REPEATS} interleaved rounds (ratio: median of the per-round quotients), each call after "
        "a 0.15 s sleep and one warm call. "
        "torch.optim uses its default implementation (the per-tensor loop on CPU). Ours "
        "runs SGD through the BLAS axpy/scal of the OpenBLAS that NumPy bundles "
        "(optim/_blas.py) and Adam as NumPy ufuncs, both in cache-sized slices.",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"{os.environ['OMP_NUM_THREADS']} threads; numpy {np.__version__}, "
        f"torch {torch_version}; {datetime.date.today().isoformat()}.",
        "",
        "| optimizer | ours (ms) | torch.optim (ms) | ours / torch |",
        "|---|---|---|---|",
        *rows,
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
