"""Where the recurrent training step of bench_rnn loses time against PyTorch, section by section.

``python -m bench.explain_rnn_step [LSTM RNN GRU]`` runs bench_rnn's step (layer over T = 50,
batch 32, input 32, hidden 128, float32, Linear(128, 32) and cross-entropy on every step,
SGD) for us and for PyTorch with the same weights, split into the same sections:

- **zero_grad**, **layer** (the recurrent layer's forward), **head+loss** (Linear and
  cross-entropy over the T·B rows), **backward**, **step** (SGD);
- for us, inside the backward: the fused op's VJP (**bptt**, the reverse loop and the
  projection's gradients) and the rest (**head bwd**: the loss, the head, the engine).

Each section is timed with the CPU time of the calling thread (``time.thread_time``: a
preempted thread does not count, which matters on a shared machine), the two libraries
interleaved step by step, medians over the rounds. Threads are pinned to 1 (this script sets
the variables before NumPy and torch load) so that the CPU time is the work. The page faults
of our step are counted too (``ru_minflt``: a fresh multi-megabyte array costs ~1 µs per
4 KiB page).

Not part of ``make bench``: it explains a row rather than adding one.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

import autograd_core as ac  # noqa: E402
import nn  # noqa: E402
import optim  # noqa: E402
from autograd_core.ops import recurrent  # noqa: E402
from bench import bench_rnn as b  # noqa: E402

__all__ = ["main"]

SECTIONS = ("zero_grad", "layer", "head+loss", "backward", "step")


def _ours(mode: str, x: np.ndarray, y: np.ndarray):  # noqa: ANN202
    layer, head = getattr(nn, mode)(b.N_IN, b.H), nn.Linear(b.H, b.CLASSES)
    opt = optim.SGD(list(layer.parameters()) + list(head.parameters()), lr=0.01)
    xt, yt, loss_fn = ac.tensor(x), ac.tensor(y), nn.CrossEntropyLoss()
    fns: dict[str, Callable[[], object]] = {}
    state: dict[str, object] = {}
    fns["zero_grad"] = opt.zero_grad
    fns["layer"] = lambda: state.update(out=layer(xt)[0])
    fns["head+loss"] = lambda: state.update(
        loss=loss_fn(head(state["out"].reshape(b.T * b.B, b.H)), yt)
    )
    fns["backward"] = lambda: state["loss"].backward()
    fns["step"] = opt.step
    return fns, layer, head


def _theirs(torch, mode: str, x: np.ndarray, y: np.ndarray, layer, head):  # noqa: ANN001, ANN202
    t_layer, t_head = getattr(torch.nn, mode)(b.N_IN, b.H), torch.nn.Linear(b.H, b.CLASSES)
    with torch.no_grad():
        for name, p in layer.named_parameters():
            getattr(t_layer, name).copy_(torch.tensor(p.numpy()))
        t_head.weight.copy_(torch.tensor(head.weight.numpy()))
        t_head.bias.copy_(torch.tensor(head.bias.numpy()))
    opt = torch.optim.SGD(list(t_layer.parameters()) + list(t_head.parameters()), lr=0.01)
    xt, yt, ce = torch.tensor(x), torch.tensor(y), torch.nn.functional.cross_entropy
    state: dict[str, object] = {}
    return {
        "zero_grad": opt.zero_grad,
        "layer": lambda: state.update(out=t_layer(xt)[0]),
        "head+loss": lambda: state.update(
            loss=ce(t_head(state["out"].reshape(b.T * b.B, b.H)), yt)
        ),
        "backward": lambda: state["loss"].backward(),
        "step": opt.step,
    }


class _VJPTimer:
    """Adds the CPU time of the fused op's VJP (``op_cls.vjp``) to ``total`` while installed."""

    def __init__(self, op_cls: type) -> None:
        self.op_cls, self.total = op_cls, 0.0
        self.inner = op_cls.vjp

    def __enter__(self) -> _VJPTimer:
        inner, timer = self.inner, self

        def timed(op, *gys):  # noqa: ANN001, ANN202
            t0 = time.thread_time()
            try:
                return inner(op, *gys)
            finally:
                timer.total += time.thread_time() - t0

        self.op_cls.vjp = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.op_cls.vjp = self.inner


def _run(fns: dict[str, Callable[[], object]], times: dict[str, list[float]]) -> None:
    for name in SECTIONS:
        t0 = time.thread_time()
        fns[name]()
        times[name].append(time.thread_time() - t0)


def explain(torch, mode: str, rounds: int) -> list[str]:  # noqa: ANN001
    x, y = b._data()
    ours, layer, head = _ours(mode, x, y)
    theirs = _theirs(torch, mode, x, y, layer, head)
    op_cls = {"LSTM": recurrent.LSTM, "GRU": recurrent.GRU, "RNN": recurrent.RNN}[mode]
    t_ours = {s: [] for s in SECTIONS} | {"bptt": []}
    t_theirs = {s: [] for s in SECTIONS}
    for _ in range(3):  # warm: caches, the workspace, the allocators
        _run(ours, {s: [] for s in SECTIONS})
        _run(theirs, {s: [] for s in SECTIONS})
    faults = 0
    for r in range(rounds):
        for side in ("ours", "theirs") if r % 2 == 0 else ("theirs", "ours"):
            if side == "theirs":
                _run(theirs, t_theirs)
                continue
            with _VJPTimer(op_cls) as timer:
                f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                _run(ours, t_ours)
                faults += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
            t_ours["bptt"].append(timer.total)
    med = {k: statistics.median(v) * 1e3 for k, v in t_ours.items()}
    med_t = {k: statistics.median(v) * 1e3 for k, v in t_theirs.items()}
    total = sum(med[s] for s in SECTIONS)
    total_t = sum(med_t[s] for s in SECTIONS)
    lines = [f"{mode}: ours {total:.2f} ms, torch {total_t:.2f} ms, ratio {total / total_t:.2f}"]
    for s in SECTIONS:
        lines.append(f"  {s:<10} {med[s]:7.2f} {med_t[s]:7.2f}   {med[s] - med_t[s]:+6.2f} ms")
        if s == "backward":
            bptt = med["bptt"]
            lines.append(f"    bptt     {bptt:7.2f}   (the fused op's VJP)")
            lines.append(f"    head bwd {med[s] - bptt:7.2f}   (loss, head, engine)")
    lines.append(f"  page faults per step (ours): {faults / rounds:.0f}")
    return lines


def main(modes: tuple[str, ...] = ("LSTM", "RNN", "GRU"), rounds: int = 31) -> str:
    import torch

    torch.set_num_threads(1)
    lines = ["median ms per section, 1 thread, CPU time: ours, torch, difference"]
    for mode in modes:
        lines += explain(torch, mode, rounds)
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(tuple(sys.argv[1:]) or ("LSTM", "RNN", "GRU")))
