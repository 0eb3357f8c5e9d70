"""The model sections of bench/gpu_bench.py: LeNet-5 and LSTM training steps, and the float16
autocast MLP, ours on CuPy against PyTorch CUDA (timing helpers from gpu_bench)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from bench.gpu_bench import LR, MLP_SIZES, QUICK, _mlp_data, ratio, time_gpu

__all__ = ["section_models", "section_amp"]


def _lenet(lib: Any) -> Any:
    """LeNet-5 (padded 28×28 input) from a namespace with PyTorch's layer names: our ``nn`` or
    ``torch.nn``."""
    return lib.Sequential(
        lib.Conv2d(1, 6, 5, padding=2),
        lib.ReLU(),
        lib.MaxPool2d(2),
        lib.Conv2d(6, 16, 5),
        lib.ReLU(),
        lib.MaxPool2d(2),
        lib.Flatten(),
        lib.Linear(16 * 5 * 5, 120),
        lib.ReLU(),
        lib.Linear(120, 84),
        lib.ReLU(),
        lib.Linear(84, 10),
    )


class _Seq2Label:
    """LSTM over a sequence, a linear head on the last hidden state (either library)."""

    def __init__(self, lib: Any, n_in: int, hidden: int) -> None:
        self.lstm = lib.LSTM(n_in, hidden, batch_first=True)
        self.head = lib.Linear(hidden, 10)

    def __call__(self, x: Any) -> Any:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])

    def parameters(self) -> list[Any]:
        return [*self.lstm.parameters(), *self.head.parameters()]

    def to(self, device: str) -> _Seq2Label:
        self.lstm.to(device)
        self.head.to(device)
        return self


def _train_step(model: Any, opt: Any, loss_fn: Any, x: Any, y: Any) -> Callable[[], None]:
    def step() -> None:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def section_models(cp: Any, torch: Any) -> list[str]:
    """LeNet-5 (batch 64, 1×28×28) and an LSTM (hidden 512, T 100, batch 64) training step,
    Adam, float32, ours on CuPy against PyTorch CUDA."""
    import autograd_core as ac
    import nn
    import optim

    rng = np.random.default_rng(0)
    cases = {
        "LeNet-5 step (batch 64, 1×28×28)": (
            lambda lib: _lenet(lib),
            rng.standard_normal((64, 1, 28, 28)).astype(np.float32),
        ),
        "LSTM step (hidden 512, T 100, batch 64, input 256)": (
            lambda lib: _Seq2Label(lib, 256, 512),
            rng.standard_normal((64, 100, 256)).astype(np.float32),
        ),
    }
    y = rng.integers(0, 10, 64)
    lines = ["", "### Model training steps (Adam, float32)", ""]
    lines += ["| model | ours (ms) | PyTorch CUDA (ms) | ours / PyTorch |", "|---|---|---|---|"]
    for name, (build, x) in cases.items():
        try:
            model = build(nn).to("cuda")
            ours = _train_step(
                model,
                optim.Adam(model.parameters(), lr=1e-3),
                nn.functional.cross_entropy,
                ac.tensor(x).to("cuda"),
                ac.tensor(y).to("cuda"),
            )
            c = {"ours": ours}
            if torch is not None:
                tm = build(torch.nn).to("cuda")
                c["torch"] = _train_step(
                    tm,
                    torch.optim.Adam(tm.parameters(), lr=1e-3),
                    torch.nn.functional.cross_entropy,
                    torch.from_numpy(x).cuda(),
                    torch.from_numpy(y).cuda(),
                )
            med, rounds = time_gpu(c, 5, cp, torch)
            tt = f"{med['torch'] * 1e3:.2f}" if "torch" in med else "n/a"
            rt = f"{ratio(rounds, 'ours', 'torch'):.2f}" if "torch" in med else "n/a"
            lines.append(f"| {name} | {med['ours'] * 1e3:.2f} | {tt} | {rt} |")
        except Exception as e:  # a model this tree cannot build yet is a row, not a crash
            lines.append(f"| {name} | failed: {type(e).__name__}: {str(e)[:80]} | | |")
    return lines


def section_amp(cp: Any, torch: Any) -> list[str]:
    """The MLP at batch 4096 with float16 autocast and a GradScaler, ours against PyTorch."""
    import autograd_core as ac
    import nn
    import optim

    x, y, ws = _mlp_data(256 if QUICK else 4096)
    sizes = MLP_SIZES

    def mlp(lib: Any) -> Any:
        return lib.Sequential(
            lib.Linear(sizes[0], sizes[1]),
            lib.ReLU(),
            lib.Linear(sizes[1], sizes[2]),
            lib.ReLU(),
            lib.Linear(sizes[2], sizes[3]),
        )

    model = mlp(nn).to("cuda")
    opt = optim.SGD(model.parameters(), lr=LR)
    scaler = ac.amp.GradScaler("cuda")
    xt, yt = ac.tensor(x).to("cuda"), ac.tensor(y).to("cuda")

    def ours() -> None:
        opt.zero_grad()
        with ac.amp.autocast("cuda"):
            loss = nn.functional.cross_entropy(model(xt), yt)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    c = {"ours": ours}
    if torch is not None:
        tm = mlp(torch.nn).cuda()
        topt = torch.optim.SGD(tm.parameters(), lr=LR)
        tscaler = torch.amp.GradScaler("cuda")
        tx, ty = torch.from_numpy(x).cuda(), torch.from_numpy(y).cuda()

        def theirs() -> None:
            topt.zero_grad()
            with torch.autocast("cuda", dtype=torch.float16):
                loss = torch.nn.functional.cross_entropy(tm(tx), ty)
            tscaler.scale(loss).backward()
            tscaler.step(topt)
            tscaler.update()

        c["torch"] = theirs
    med, rounds = time_gpu(c, 10, cp, torch)
    lines = ["", "### Mixed precision: the MLP at batch 4096, float16 autocast + GradScaler", ""]
    lines += ["| ours (ms) | PyTorch CUDA (ms) | ours / PyTorch |", "|---|---|---|"]
    tt = f"{med['torch'] * 1e3:.3f}" if "torch" in med else "n/a"
    rt = f"{ratio(rounds, 'ours', 'torch'):.2f}" if "torch" in med else "n/a"
    lines.append(f"| {med['ours'] * 1e3:.3f} | {tt} | {rt} |")
    return lines
