"""Recurrent layers: one training step of nn.LSTM / nn.RNN (tanh) / nn.GRU (hidden 128, T = 50,
batch 32, input 32, float32, a linear read-out and cross-entropy at every step, SGD) against
PyTorch's fused layers in the same run; and a 1,000-step LSTM forward+backward (time and the
peak of NumPy's allocations, traced by tracemalloc)."""

from __future__ import annotations

from bench._timing import fmt_ms, interleave_both, maker, try_torch

import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402  (after _timing pinned the thread counts)

import autograd_core as ac  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402

__all__ = ["main"]

T, B, N_IN, H, CLASSES = 50, 32, 32, 128, 32
TARGET = {"LSTM": "≤ 1.5×", "RNN": "≤ 0.6×", "GRU": "—"}


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, B, N_IN)).astype(np.float32), rng.integers(0, CLASSES, (T * B,))


def _ours(mode: str, x: np.ndarray, y: np.ndarray):  # noqa: ANN202
    layer, head = getattr(nn, mode)(N_IN, H), nn.Linear(H, CLASSES)
    opt = optim.SGD(list(layer.parameters()) + list(head.parameters()), lr=0.01)
    xt, yt, loss_fn = ac.tensor(x), ac.tensor(y), nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad()
        out, _ = layer(xt)
        loss_fn(head(out.reshape(T * B, H)), yt).backward()
        opt.step()

    return step, layer, head


def _theirs(torch, mode: str, x: np.ndarray, y: np.ndarray, layer, head):  # noqa: ANN001, ANN202
    t_layer, t_head = getattr(torch.nn, mode)(N_IN, H), torch.nn.Linear(H, CLASSES)
    with torch.no_grad():  # the same weights, so both do the same arithmetic
        for name, p in layer.named_parameters():
            getattr(t_layer, name).copy_(torch.tensor(p.numpy()))
        t_head.weight.copy_(torch.tensor(head.weight.numpy()))
        t_head.bias.copy_(torch.tensor(head.bias.numpy()))
    opt = torch.optim.SGD(list(t_layer.parameters()) + list(t_head.parameters()), lr=0.01)
    xt, yt = torch.tensor(x), torch.tensor(y)

    def step() -> None:
        opt.zero_grad()
        out, _ = t_layer(xt)
        torch.nn.functional.cross_entropy(t_head(out.reshape(T * B, H)), yt).backward()
        opt.step()

    return step


def rnn_step(framework: str, mode: str):
    """The training step of ``mode`` (LSTM, RNN, GRU) for ``framework`` ("ours" or "torch"),
    for ``interleave_apart``: both start from the same seeded weights (torch copies ours)."""
    ac.manual_seed(0)
    x, y = _data()
    step, layer, head = _ours(mode, x, y)
    return step if framework == "ours" else _theirs(try_torch(), mode, x, y, layer, head)


def _long_sequence(steps: int = 1000) -> tuple[float, float]:
    """Seconds and peak MiB of NumPy allocations for an LSTM (batch 32, input 32, hidden 128)
    forward+backward over ``steps`` steps."""
    import time

    rng = np.random.default_rng(1)
    layer = nn.LSTM(N_IN, H)
    x = ac.tensor(rng.standard_normal((steps, B, N_IN)).astype(np.float32), requires_grad=True)
    tracemalloc.start()
    t0 = time.perf_counter()
    out, _ = layer(x)
    out.sum().backward()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main(repeats: int = 9) -> str:
    torch = try_torch()
    lines = [
        "## Recurrent layers (bench/bench_rnn.py)",
        "",
        f"One SGD step: layer over T = {T}, batch {B}, input {N_IN}, hidden {H}, float32, then "
        f"Linear({H}, {CLASSES}) and cross-entropy on every step. Ours: one fused sequence op "
        "per layer, which projects x itself (one GEMM per gate into its workspace), runs the "
        "recurrence gate-major and BPTT on arrays (bench/explain_rnn_step.py splits the step "
        "into sections); PyTorch: its fused nn.LSTM/nn.RNN/nn.GRU with the same weights. "
        "Timed with each framework in its own process, and with both in one (bench/_timing.py "
        "says why the two differ; times of the latter in parentheses).",
        "",
        "| layer | autograd-core | PyTorch | ratio | in one process | target |",
        "|---|---|---|---|---|---|",
    ]
    for mode in ("LSTM", "RNN", "GRU"):
        frameworks = ("ours", "torch") if torch is not None else ("ours",)
        makers = {fw: maker("bench.bench_rnn", "rnn_step", fw, mode) for fw in frameworks}
        shared, times = interleave_both(makers, repeats)
        if torch is None:
            lines.append(f"| {mode} | {fmt_ms(times['ours'])} | — | — | — | {TARGET[mode]} |")
        else:
            lines.append(
                f"| {mode} | {fmt_ms(times['ours'])} | {fmt_ms(times['torch'])} | "
                f"{times.ratio('ours', 'torch'):.2f}× | {shared.ratio('ours', 'torch'):.2f}× "
                f"({fmt_ms(shared['ours'])} / {fmt_ms(shared['torch'])}) | {TARGET[mode]} |"
            )
    seconds, peak = _long_sequence()
    lines += [
        "",
        f"LSTM over 1,000 steps (batch {B}, input {N_IN}, hidden {H}, float32), forward + "
        f"backward: {seconds:.2f} s, peak NumPy allocations {peak:.0f} MiB (tracemalloc), no "
        "recursion.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
