"""Where the raw-tensor MLP step loses time against hand-written NumPy (issue 2's last target).

``python -m bench.explain_mlp_step`` times four steps of the same MLP 784-1024-1024-10 (batch
256, float32, SGD), interleaved as ``make bench`` does:

- **ours**: ``bench_engine._ours_step``, the engine end to end;
- **mimic**: NumPy doing exactly the engine's array work, in its order and with its
  lifetimes (the relu mask and its ``+= 0`` pass, log-softmax's VJP with its second ``exp``,
  the gather's scatter-add, the arrays the graph keeps until backward), with no Python engine
  around it;
- **hybrid**: our forward (the graph is built), then a backward written directly in NumPy on
  the graph's arrays, without the engine;
- **numpy**: ``bench_engine._numpy_step``, the hand-written reference.

mimic/numpy measures what the engine's choice of array operations costs. ours/mimic measures
the interpreter work of the engine (Op.apply, Tensor wrappers, the backward sweep), and
hybrid splits it into forward and backward.

What mimic/numpy shows (2026-11-22, ~1.03): the reference gains ~2.4% from NumPy's temporary
elision (``x @ w1 + b1`` and ``(g @ w.T) * m`` reuse the product's buffer, since nothing else
holds it) and ~0.5-1% from skipping relu's ``+= 0`` (which turns the -0.0 of negative inputs
into 0, as torch.relu gives). The engine's forward products are held by the graph, so it
cannot do the first half; it does the backward half (graph._run's owned arrays: relu writes
into the gradient that the matmul above produced).

Not part of ``make bench``: it explains a row rather than adding one.

With four contenders interleaved, glibc's malloc sometimes returns the reference's freed
arrays to the system (heap trimming, or mmap for large blocks), and the reference then pays
~6,000 page faults (~10 ms) per step that it never pays run alone. The script turns both off
with ``mallopt`` first, so that no contender pays for another's heap layout; ``make bench``
(three contenders) was measured without faults for ours and NumPy.
"""

from __future__ import annotations

from bench._timing import interleave  # pins the thread counts before NumPy is imported

import ctypes
import ctypes.util

import numpy as np

import autograd_core as ac
from bench import bench_engine as b

__all__ = ["main"]


def _mimic(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """The engine's array operations for ``_ours_step``, in its order, as plain NumPy."""
    w1, b1, w2, b2, w3, b3 = params
    p1 = x @ w1
    a1 = p1 + b1
    m1 = a1 > 0
    h1 = a1 * m1
    h1 += 0.0
    p2 = h1 @ w2
    a2 = p2 + b2
    m2 = a2 > 0
    h2 = a2 * m2
    h2 += 0.0
    z = h2 @ w3 + b3
    shifted = z - z.max(axis=(1,), keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=(1,), keepdims=True))
    rows = np.arange(len(y))
    loss = float(-log_p[rows, y].mean())
    # backward, node by node as the sweep visits them (neg, mean, getitem, log_softmax, ...)
    g_mean = np.broadcast_to(-np.ones((), np.float32) / np.float32(len(y)), (len(y),))
    g_log_p = np.zeros_like(log_p)
    np.add.at(g_log_p, (rows, y), g_mean)
    g_z = g_log_p - np.exp(log_p) * g_log_p.sum(axis=(1,), keepdims=True)
    del log_p, shifted, z
    gb3 = g_z.sum(axis=(0,))
    g_h2, gw3 = g_z @ w3.T, h2.T @ g_z
    del h2
    g_h2 *= m2  # the engine's relu reuses the gradient array it alone holds
    g_a2 = g_h2
    del m2, a2, p2
    gb2 = g_a2.sum(axis=(0,))
    g_h1, gw2 = g_a2 @ w2.T, h1.T @ g_a2
    del g_a2, h1
    g_h1 *= m1
    g_a1 = g_h1
    del m1, a1, p1
    gb1 = g_a1.sum(axis=(0,))
    gw1 = x.T @ g_a1
    for p, gp in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3)):
        p -= b.LR * gp
    return loss


def _hybrid(params: list[ac.Tensor], x: ac.Tensor, y: ac.Tensor) -> float:
    """Our forward, then the gradients computed in NumPy from the graph's arrays."""
    w1, b1, w2, b2, w3, b3 = params
    a1 = x @ w1 + b1
    h1 = ac.relu(a1)
    a2 = h1 @ w2 + b2
    h2 = ac.relu(a2)
    log_p = ac.log_softmax(h2 @ w3 + b3, dim=1)
    loss = -log_p[ac.arange(len(y)), y].mean()
    n = len(y)
    g = np.zeros(log_p.shape, np.float32)
    np.add.at(g, (np.arange(n), y.data), np.float32(-1.0 / n))
    g = g - np.exp(log_p.data) * g.sum(axis=1, keepdims=True)
    grads = [None] * 6
    grads[5], grads[4] = g.sum(0), h2.data.T @ g
    g = (g @ w3.data.T) * (a2.data > 0)
    grads[3], grads[2] = g.sum(0), h1.data.T @ g
    g = (g @ w2.data.T) * (a1.data > 0)
    grads[1], grads[0] = g.sum(0), x.data.T @ g
    for p, gp in zip(params, grads):
        p.data -= b.LR * gp
    return loss.item()


def _keep_freed_memory() -> None:
    """glibc only: never trim the heap, and serve blocks up to 32 MiB from it (not mmap)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is not None and hasattr(libc, "mallopt"):
        m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
        libc.mallopt(m_trim_threshold, 1 << 30)
        libc.mallopt(m_mmap_threshold, 32 << 20)


def main(rounds: int = 41) -> str:
    _keep_freed_memory()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((b.BATCH, b.SIZES[0])).astype(np.float32)
    y = rng.integers(0, b.SIZES[-1], b.BATCH)
    weights = b._mlp_weights(rng)
    ours = [ac.tensor(w.copy(), requires_grad=True) for w in weights]
    hybrid = [ac.tensor(w.copy(), requires_grad=True) for w in weights]
    mimic = [w.copy() for w in weights]
    ox, oy = ac.tensor(x), ac.tensor(y)
    t = interleave(
        {
            "ours": lambda: b._ours_step(ours, ox, oy),
            "mimic": lambda: _mimic(mimic, x, y),
            "hybrid": lambda: _hybrid(hybrid, ox, oy),
            "numpy": lambda: b._numpy_step(weights, x, y),
        },
        rounds,
    )
    lines = [
        "median ms: " + ", ".join(f"{k} {v * 1e3:.2f}" for k, v in t.items()),
        f"mimic / numpy  {t.ratio('mimic', 'numpy'):.3f}  (the engine's array work)",
        f"hybrid / numpy {t.ratio('hybrid', 'numpy'):.3f}  (our forward, engine-free backward)",
        f"ours / numpy   {t.ratio('ours', 'numpy'):.3f}  (the engine end to end)",
        f"ours / mimic   {t.ratio('ours', 'mimic'):.3f}  (the interpreter work of the engine)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
