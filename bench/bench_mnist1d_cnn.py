"""MNIST-1D with the reference CNN (Conv1d 1→25 k5 s2 p1, 25→25 k3 s2 p1 twice, ReLU, Linear
125→10; Adam 1e-2, batch 100, 6,000 steps): autograd-core and PyTorch CPU trained on the same
data, the same initial weights and the same minibatches, one after the other; test accuracy and
wall time of each. Set BENCH_MNIST1D_STEPS to train fewer steps."""

from __future__ import annotations

import os

import bench._timing  # noqa: F401  (pins the thread counts before NumPy is imported)

import time

import numpy as np

STEPS = int(os.environ.get("BENCH_MNIST1D_STEPS", "6000"))


def _torch_run(model_np, xs, ys, xt, yt, steps, seed):
    import torch

    torch.set_num_threads(2)
    net = torch.nn.Sequential(
        torch.nn.Conv1d(1, 25, 5, stride=2, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv1d(25, 25, 3, stride=2, padding=1),
        torch.nn.ReLU(),
        torch.nn.Conv1d(25, 25, 3, stride=2, padding=1),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(125, 10),
    )
    net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in model_np.items()})
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    rng = np.random.default_rng(seed)
    xs_t, ys_t = torch.from_numpy(xs), torch.from_numpy(ys)
    t0 = time.perf_counter()
    for _ in range(steps):
        idx = torch.from_numpy(rng.integers(0, len(xs), 100))
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(xs_t[idx]), ys_t[idx]).backward()
        opt.step()
    seconds = time.perf_counter() - t0
    with torch.no_grad():
        acc = float((net(torch.from_numpy(xt)).argmax(1).numpy() == yt).mean())
    return acc, seconds


def main() -> str:
    import autograd_core as ac
    import optim
    from nn.datasets import load_mnist1d
    from nn.losses_classification import cross_entropy
    from nn.recipes_convnets import mnist1d_reference_cnn

    seed = 0
    ac.manual_seed(seed)
    x_train, y_train, x_test, y_test = load_mnist1d()
    xs = x_train.numpy()[:, None, :].astype(np.float32)
    ys = y_train.numpy().astype(np.int64)
    xt = x_test.numpy()[:, None, :].astype(np.float32)
    yt = y_test.numpy()
    model = mnist1d_reference_cnn()
    init = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    opt = optim.Adam(model.parameters(), lr=1e-2)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(STEPS):
        idx = rng.integers(0, len(xs), 100)
        opt.zero_grad()
        cross_entropy(model(ac.tensor(xs[idx])), ac.tensor(ys[idx])).backward()
        opt.step()
    ours_s = time.perf_counter() - t0
    model.eval()
    with ac.no_grad():
        ours_acc = float((model(ac.tensor(xt)).numpy().argmax(1) == yt).mean())
    lines = [
        f"## MNIST-1D, reference CNN ({STEPS} Adam steps, batch 100, same init and batches)",
        "",
        "| framework | test accuracy | wall time (s) | ms / step |",
        "|---|---|---|---|",
        f"| autograd-core | {ours_acc:.3f} | {ours_s:.1f} | {ours_s / STEPS * 1e3:.2f} |",
    ]
    try:
        acc, secs = _torch_run(init, xs, ys, xt, yt, STEPS, seed)
        lines.append(f"| PyTorch CPU | {acc:.3f} | {secs:.1f} | {secs / STEPS * 1e3:.2f} |")
        lines += ["", f"Wall-time ratio autograd-core / PyTorch: {ours_s / secs:.2f}."]
    except ImportError:
        lines.append("| PyTorch CPU | not installed | | |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
