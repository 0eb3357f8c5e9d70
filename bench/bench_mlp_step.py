"""One SGD step of the MLP 784-1024-1024-10 (batch 256): nn.Linear + cross_entropy + optim.SGD,
versus hand-written NumPy and PyTorch CPU, interleaved by bench/_timing.py (the method stated at
the top of BENCHMARKS.md)."""

from __future__ import annotations

import os

from bench._timing import interleave_both, maker, try_torch  # pins threads before NumPy

import platform
from datetime import date

import numpy as np

ROUNDS = 31
SIZES = (784, 1024, 1024, 10)
BATCH = 256
LR = 0.01


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    ws = [
        (rng.standard_normal((o, i)) / np.sqrt(i)).astype(np.float32)
        for i, o in zip(SIZES[:-1], SIZES[1:])
    ]
    bs = [np.zeros(o, np.float32) for o in SIZES[1:]]
    return x, y, ws, bs


def make_ours():
    import autograd_core as ac
    import nn
    import optim

    x, y, ws, bs = _data()
    model = nn.Sequential(
        nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10)
    )
    for layer, w, b in zip([model[0], model[2], model[4]], ws, bs):
        layer.weight.data[...] = w
        layer.bias.data[...] = b
    opt = optim.SGD(model.parameters(), lr=LR)
    xt, yt = ac.tensor(x), ac.tensor(y)

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    return step


def make_numpy():
    x, y, ws, bs = _data()
    rows = np.arange(BATCH)

    def step():
        h1 = x @ ws[0].T
        h1 += bs[0]
        m1 = h1 > 0
        a1 = h1 * m1
        h2 = a1 @ ws[1].T
        h2 += bs[1]
        m2 = h2 > 0
        a2 = h2 * m2
        z = a2 @ ws[2].T
        z += bs[2]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.log(s[:, 0]).mean() - z[rows, y].mean())
        g = e / s
        g[rows, y] -= 1
        g /= BATCH
        gw2, gb2 = g.T @ a2, g.sum(0)
        g2 = (g @ ws[2]) * m2
        gw1, gb1 = g2.T @ a1, g2.sum(0)
        g1 = (g2 @ ws[1]) * m1
        gw0, gb0 = g1.T @ x, g1.sum(0)
        for p, gp in (
            (ws[0], gw0),
            (bs[0], gb0),
            (ws[1], gw1),
            (bs[1], gb1),
            (ws[2], gw2),
            (bs[2], gb2),
        ):
            p -= LR * gp
        return loss

    return step


def make_torch():
    import torch

    torch.set_num_threads(2)
    x, y, ws, bs = _data()
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 1024),
        torch.nn.ReLU(),
        torch.nn.Linear(1024, 1024),
        torch.nn.ReLU(),
        torch.nn.Linear(1024, 10),
    )
    with torch.no_grad():
        for layer, w, b in zip([model[0], model[2], model[4]], ws, bs):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    return step


def main() -> str:
    """Run the benchmark and return a markdown section."""
    here, ours = "bench.bench_mlp_step", "autograd-core (nn + optim)"
    contenders = {ours: maker(here, "make_ours"), "hand-written NumPy": maker(here, "make_numpy")}
    if try_torch() is not None:
        contenders["PyTorch CPU"] = maker(here, "make_torch")
    shared, t = interleave_both(contenders, ROUNDS)
    lines = [
        "## MLP training step (784-1024-1024-10, batch 256, ReLU, softmax-CE, SGD)",
        "",
        f"{date.today().isoformat()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}, {ROUNDS} interleaved rounds, each "
        "contender in its own process, then all in one (bench/_timing.py says why they "
        "differ); medians of the times and of the per-round quotients.",
        "",
        "| contender | median (ms) | ours / contender | in one process (ms, ratio) |",
        "|---|---|---|---|",
    ]
    for name, m in t.items():
        lines.append(
            f"| {name} | {m * 1e3:.2f} | {t.ratio(ours, name):.3f} | "
            f"{shared[name] * 1e3:.2f}, {shared.ratio(ours, name):.3f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
