"""``make bench``: run every ``bench/bench_*.py`` and write BENCHMARKS.md with the date and
the machine, keeping each section's ratios from one run."""

from __future__ import annotations

import bench._timing  # noqa: F401  (pins thread counts before NumPy is imported)

import datetime  # noqa: E402
import importlib  # noqa: E402
import os  # noqa: E402
import pkgutil  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402

import bench  # noqa: E402


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _machine() -> list[str]:
    try:
        import torch

        tv = f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        tv = "torch not installed"
    blas = ""
    try:
        cfg = np.show_config(mode="dicts")
        blas = (
            cfg["Build Dependencies"]["blas"]["name"]
            + " "
            + cfg["Build Dependencies"]["blas"].get("version", "")
        )
    except Exception:
        pass
    return [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {_cpu()}, {os.cpu_count()} logical CPUs, {platform.system()} "
        f"{platform.machine()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__} ({blas.strip()}), {tv}",
        "- Threads pinned to 2 (OMP/OPENBLAS/MKL_NUM_THREADS, torch.set_num_threads); "
        "contenders interleaved (A B C, then C B A) with a 0.15 s pause and a warm call before "
        "each timed call; in the engine, MLP-step, CNN and RNN comparisons each contender runs "
        "in its own fresh process, and the issue-target rows are timed with all contenders in "
        "one process too (bench/_timing.py says why the two differ); times are medians, ratios are "
        "medians of the per-round quotients. The machine is shared and its speed drifts: "
        "compare ratios, not times.",
        "- Heap: importing autograd_core sets glibc's mmap/trim thresholds (autograd_core/heap.py);"
        " in their own processes PyTorch and hand-written NumPy keep glibc's defaults, as their "
        "users get them, and in one process every contender shares the thresholds ours set.",
    ]


def _kept(name: str) -> list[str]:
    """A hand-written section kept by every regeneration: the before/after comparisons of
    engine changes (bench/before_after.md) and the GPU runs (bench/gpu_results.md)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return ["", f.read().rstrip("\n"), ""]


def main(argv: list[str]) -> int:
    only = set(argv)
    sections, failed = [], []
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        if only and name not in only:
            continue
        print(f"running {name} ...", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            section = module.main()
        except Exception:
            failed.append(name)
            section = f"## {name}\n\nFAILED:\n\n```\n{traceback.format_exc()}```\n"
        print(section, flush=True)
        sections.append(section)
    text = "\n".join(
        [
            "# Benchmarks",
            "",
            "Written by `make bench` (bench/run_all.py).",
            "",
            *_machine(),
            "",
            *sections,
            *_kept("gpu_results.md"),
            *_kept("before_after.md"),
        ]
    )
    with open("BENCHMARKS.md", "w") as f:
        f.write(text)
    print("wrote BENCHMARKS.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
