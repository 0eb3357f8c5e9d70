"""GPU benchmarks (issue 16): autograd-core on CuPy against PyTorch CUDA and hand-written CuPy on
the same card, in one process.

Timing on a GPU differs from the CPU method of ``bench/_timing.py``: kernels run asynchronously,
so each timed sample runs ``REPS`` calls back to back and then synchronises the device; the
figure is the median over rounds of (sample time / REPS). Contenders alternate within a round as
on the CPU, and ratios are medians of per-round quotients.

Run with ``python -m bench.gpu_bench [--out FILE]`` (``bench/gpu_check.sh`` does, on a GPU
machine); it prints a markdown section for BENCHMARKS.md. Without CuPy and a GPU it says so and
exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

# GPU_BENCH_QUICK=1: one round, one call, batch 256 only (a smoke test, e.g. on the stand-in)
QUICK = os.environ.get("GPU_BENCH_QUICK") == "1"
ROUNDS = 1 if QUICK else 15
MLP_SIZES = (784, 1024, 1024, 10)
LR = 0.01


def _sync_all(cp: Any, torch: Any) -> None:
    cp.cuda.Device().synchronize()
    if torch is not None:
        torch.cuda.synchronize()


def time_gpu(contenders: dict[str, Callable[[], Any]], reps: int, cp: Any, torch: Any):
    """Median seconds per call of each contender and the per-round samples."""
    rounds: dict[str, list[float]] = {k: [] for k in contenders}
    order = list(contenders)
    for r in range(ROUNDS):
        for name in order if r % 2 == 0 else order[::-1]:
            fn = contenders[name]
            fn()
            _sync_all(cp, torch)
            t0 = time.perf_counter()
            for _ in range(1 if QUICK else reps):
                fn()
            _sync_all(cp, torch)
            rounds[name].append((time.perf_counter() - t0) / (1 if QUICK else reps))
    med = {k: statistics.median(v) for k, v in rounds.items()}
    return med, rounds


def ratio(rounds: dict[str, list[float]], a: str, b: str) -> float:
    return statistics.median(x / y for x, y in zip(rounds[a], rounds[b]))


def _mlp_data(batch: int):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, MLP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, MLP_SIZES[-1], batch)
    ws = [
        (rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32)
        for i, o in zip(MLP_SIZES[:-1], MLP_SIZES[1:])
    ]
    return x, y, ws


def mlp_ours(batch: int):
    import autograd_core as ac
    import nn
    import optim

    x, y, ws = _mlp_data(batch)
    model = nn.Sequential(
        nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10)
    )
    for layer, w in zip([model[0], model[2], model[4]], ws):
        layer.weight.data[...] = w
        layer.bias.data[...] = 0
    model.to("cuda")
    opt = optim.SGD(model.parameters(), lr=LR)
    xt, yt = ac.tensor(x).to("cuda"), ac.tensor(y).to("cuda")

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    return step


def mlp_cupy(batch: int, cp: Any):
    xh, yh, wsh = _mlp_data(batch)
    x, y = cp.asarray(xh), cp.asarray(yh)
    ws = [cp.asarray(w) for w in wsh]
    bs = [cp.zeros(w.shape[0], cp.float32) for w in ws]
    rows = cp.arange(batch)

    def step():
        h1 = x @ ws[0].T + bs[0]
        m1 = h1 > 0
        a1 = h1 * m1
        h2 = a1 @ ws[1].T + bs[1]
        m2 = h2 > 0
        a2 = h2 * m2
        z = a2 @ ws[2].T + bs[2]
        z -= z.max(axis=1, keepdims=True)
        e = cp.exp(z)
        s = e.sum(axis=1, keepdims=True)
        g = e / s
        g[rows, y] -= 1
        g /= batch
        gw2, gb2 = g.T @ a2, g.sum(0)
        g2 = (g @ ws[2]) * m2
        gw1, gb1 = g2.T @ a1, g2.sum(0)
        g1 = (g2 @ ws[1]) * m1
        gw0, gb0 = g1.T @ x, g1.sum(0)
        for p, gp in zip(ws + bs, (gw0, gw1, gw2, gb0, gb1, gb2)):
            p -= LR * gp

    return step


def mlp_torch(batch: int, torch: Any):
    x, y, ws = _mlp_data(batch)
    dev = "cuda"
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 1024),
        torch.nn.ReLU(),
        torch.nn.Linear(1024, 1024),
        torch.nn.ReLU(),
        torch.nn.Linear(1024, 10),
    ).to(dev)
    with torch.no_grad():
        for layer, w in zip([model[0], model[2], model[4]], ws):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x).to(dev), torch.from_numpy(y).to(dev)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    return step


def chain_ours(n: int):
    import autograd_core as ac

    x = ac.tensor(np.ones(8, np.float32), requires_grad=True).to("cuda").detach()
    x.requires_grad_(True)

    def step():
        y = x
        for _ in range(n):
            y = y * 1.0001
        y.sum().backward()
        x.grad = None

    return step


def chain_torch(n: int, torch: Any):
    x = torch.ones(8, device="cuda", requires_grad=True)

    def step():
        y = x
        for _ in range(n):
            y = y * 1.0001
        y.sum().backward()
        x.grad = None

    return step


def section_mlp(cp: Any, torch: Any) -> list[str]:
    lines = [
        "### MLP training step (784-1024-1024-10, ReLU, softmax-CE, SGD), float32",
        "",
        "| batch | autograd-core (ms) | hand-written CuPy (ms) | PyTorch CUDA (ms) "
        "| ours / CuPy | ours / PyTorch |",
        "|---|---|---|---|---|---|",
    ]
    for batch in (256,) if QUICK else (256, 4096):
        c = {"ours": mlp_ours(batch), "cupy": mlp_cupy(batch, cp)}
        if torch is not None:
            c["torch"] = mlp_torch(batch, torch)
        med, rounds = time_gpu(c, 20, cp, torch)
        tt = f"{med['torch'] * 1e3:.3f}" if "torch" in med else "n/a"
        rt = f"{ratio(rounds, 'ours', 'torch'):.2f}" if "torch" in med else "n/a"
        lines.append(
            f"| {batch} | {med['ours'] * 1e3:.3f} | {med['cupy'] * 1e3:.3f} | {tt} "
            f"| {ratio(rounds, 'ours', 'cupy'):.2f} | {rt} |"
        )
    return lines


def section_overhead(cp: Any, torch: Any) -> list[str]:
    n = 100
    c = {"ours": chain_ours(n)}
    if torch is not None:
        c["torch"] = chain_torch(n, torch)
    med, rounds = time_gpu(c, 10, cp, torch)
    lines = [
        "",
        f"### Per-op overhead: a chain of {n} multiplications on 8 floats, forward + backward",
        "",
        "| contender | µs per op (fwd+bwd) |",
        "|---|---|",
    ]
    for k, v in med.items():
        lines.append(f"| {k} | {v / n * 1e6:.1f} |")
    if "torch" in med:
        lines.append(f"| ours / PyTorch | {ratio(rounds, 'ours', 'torch'):.2f} |")
    # A bare CuPy elementwise launch: the floor one op (and its VJP's kernel) cannot go below.
    a = cp.ones(8, cp.float32)
    med_k, _ = time_gpu({"k": lambda: a * 1.0001}, 1000, cp, None)
    lines.append(f"| one bare CuPy kernel launch | {med_k['k'] * 1e6:.1f} |")
    return lines


def section_gemm(cp: Any) -> list[str]:
    lines = ["", "### GEMM roofline (CuPy matmul, square n×n×n)", ""]
    lines += ["| dtype | n | TFLOP/s |", "|---|---|---|"]
    for dtype in (cp.float32, cp.float16):
        n = 256 if QUICK else 8192
        a = cp.random.standard_normal((n, n), dtype=cp.float32).astype(dtype)
        b = cp.random.standard_normal((n, n), dtype=cp.float32).astype(dtype)
        med, _ = time_gpu({"mm": lambda a=a, b=b: a @ b}, 5, cp, None)
        lines.append(f"| {np.dtype(dtype).name} | {n} | {2 * n**3 / med['mm'] / 1e12:.1f} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="also write the markdown section to this file")
    args = ap.parse_args()
    try:
        from autograd_core.device import require_cuda

        cp = require_cuda()  # CuPy, or the CPU stand-in under AUTOGRAD_CORE_FAKE_CUDA=1
        props = getattr(cp.cuda.runtime, "getDeviceProperties", None)
        name = props(0)["name"].decode() if props else f"stand-in {cp.__name__}"
    except Exception as e:  # no CuPy, or no device
        print(f"gpu_bench: no CUDA device through CuPy ({e!r}); nothing measured.")
        return 0
    try:
        import torch

        torch_ok = torch.cuda.is_available()
    except ImportError:
        torch_ok = False
    torch = torch if torch_ok else None
    from bench import gpu_bench_models  # (it imports this module's timing helpers)

    lines = [
        f"## GPU: {name} (CuPy {getattr(cp, '__version__', 'stand-in')}"
        + (f", PyTorch {torch.__version__}" if torch else ", no PyTorch CUDA")
        + ")",
        "",
        f"{time.strftime('%Y-%m-%d')}. Median of {ROUNDS} interleaved rounds, each a burst of "
        "calls closed by a device synchronise.",
        "",
    ]
    for section in (
        lambda: section_mlp(cp, torch),
        lambda: gpu_bench_models.section_amp(cp, torch),
        lambda: gpu_bench_models.section_models(cp, torch),
        lambda: section_overhead(cp, torch),
        lambda: section_gemm(cp),
    ):
        try:
            lines += section()
        except Exception:
            lines += ["", "```", traceback.format_exc(limit=6).strip(), "```"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
