"""Where the LeNet-5 step of ``bench/bench_conv.py`` spends its time, layer by layer, against
PyTorch CPU (issue 14's first speed target).

``python -m bench.explain_lenet_step [rounds]`` builds the benchmark's LeNet in both frameworks
with the same weights and times, for every layer on its own input (the activations of the real
forward, so shapes and values match the step):

- **fwd**: the layer's forward, recorded (the graph is built, as in training);
- **fwd+bwd**: the forward, then a backward from a fixed upstream gradient with ``x.grad``
  requested (except for the first layer, whose input is the data);

and then the whole step and its loss + SGD remainder. The backward column is fwd+bwd − fwd.
Calls are interleaved (ours, torch, then torch, ours ...) and the ratios are medians of the
per-round quotients, as ``make bench`` takes them; the pages faulted per step
(``ru_minflt``) are counted too, since a NumPy step that frees and reallocates large arrays
pays ~1.2 µs per 4 KiB page whenever glibc hands them back to the system.

What it showed (2026-12-05, 1 thread; bench/before_after.md has the numbers): before the
batch-last chunked convolutions, ~2,000 page faults a step (~2 ms) and im2col/col2im copies
over runs of 8 elements made the step ~2× PyTorch's; after, the second conv (6→16, k5) is the
one layer clearly slower than PyTorch's (forward ~2.5×, backward ~1.8×, GEMM-bound), the others
are within ~1.2×.

Not part of ``make bench``: it explains a row rather than adding one.
"""

from __future__ import annotations

from bench._timing import interleave, try_torch  # pins the thread counts before NumPy

import resource
import sys

import numpy as np

from bench import bench_conv as b

__all__ = ["main"]


def _activations(model, x):
    """The input of every layer of ``model`` (a Sequential) for the batch ``x``."""
    acts = [x]
    for layer in list(model)[:-1]:
        acts.append(layer(acts[-1]))
    return acts


def _layer_steps(layer, x, gy, grad_x, tensor, detach):
    """Forward only, and forward + backward from ``gy``, of ``layer`` on a copy of ``x``."""
    xin = detach(x)
    if grad_x:
        xin.requires_grad_(True)

    def fwd():
        return layer(xin)

    def fwd_bwd():
        if grad_x:
            xin.grad = None
        layer(xin).backward(gy)

    return fwd, fwd_bwd


def _faults(fn, calls: int = 20) -> float:
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def main(rounds: int = 15) -> str:
    import autograd_core as ac

    torch = try_torch()
    if torch is None:
        return "PyTorch is not installed: nothing to compare with."
    ours_step, ours_model = b.make_lenet_ours()
    torch_step = b.make_lenet_torch(torch, ours_model)
    torch_model = torch.nn.Sequential(*b._lenet_layers(torch.nn))
    torch_model.load_state_dict(
        {k: torch.from_numpy(v.numpy()) for k, v in ours_model.state_dict().items()}
    )
    x, _ = b._data()
    with ac.no_grad():
        acts_o = _activations(ours_model, ac.tensor(x))
    with torch.no_grad():
        acts_t = _activations(torch_model, torch.from_numpy(x))
    rng = np.random.default_rng(1)
    lines = [
        f"{'layer':<34}{'fwd ours/torch (ms)':>22}{'ratio':>7}"
        f"{'bwd ours/torch (ms)':>22}{'ratio':>7}",
    ]
    total = {"ours": 0.0, "torch": 0.0}
    for i, (lo, lt) in enumerate(zip(ours_model, torch_model)):
        out_shape = tuple(acts_o[i + 1].shape) if i + 1 < len(acts_o) else (b.BATCH, 10)
        gy = rng.standard_normal(out_shape).astype(np.float32)
        grad_x = i > 0
        fo, fbo = _layer_steps(
            lo, acts_o[i], ac.tensor(gy), grad_x, ac, lambda a: ac.tensor(a.numpy().copy(order="K"))
        )
        ft, fbt = _layer_steps(
            lt, acts_t[i], torch.from_numpy(gy), grad_x, torch, lambda a: a.detach().clone()
        )
        t = interleave({"fo": fo, "ft": ft, "fbo": fbo, "fbt": fbt}, rounds)
        bo, bt = t["fbo"] - t["fo"], t["fbt"] - t["ft"]
        total["ours"] += t["fbo"]
        total["torch"] += t["fbt"]
        name = repr(lo).split("\n")[0][:33]
        lines.append(
            f"{name:<34}{t['fo'] * 1e3:>10.3f} /{t['ft'] * 1e3:>8.3f}"
            f"{t.ratio('fo', 'ft'):>9.2f}{bo * 1e3:>10.3f} /{bt * 1e3:>8.3f}"
            f"{bo / bt if bt > 0 else float('nan'):>9.2f}"
        )
    t = interleave({"ours": ours_step, "torch": torch_step}, rounds)
    lines += [
        f"sum of layers fwd+bwd: ours {total['ours'] * 1e3:.2f} ms, torch "
        f"{total['torch'] * 1e3:.2f} ms",
        f"whole step: ours {t['ours'] * 1e3:.2f} ms, torch {t['torch'] * 1e3:.2f} ms, "
        f"ratio {t.ratio('ours', 'torch'):.2f}",
        f"pages faulted per step: ours {_faults(ours_step):.0f}, torch {_faults(torch_step):.0f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
