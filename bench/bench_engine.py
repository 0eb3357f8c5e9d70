"""Engine benchmarks of issue 2: per-op overhead, a 100,000-op chain, and an MLP training step
written with raw tensors, against hand-written NumPy and PyTorch CPU in the same run."""

from __future__ import annotations

import os
import subprocess
import sys

from bench._timing import fmt_ms, fmt_us, interleave_apart, interleave_both, maker, try_torch

import numpy as np  # noqa: E402  (after _timing pinned the thread counts)

import autograd_core as ac  # noqa: E402

__all__ = ["main"]

CHAIN = 1000
LONG_CHAIN = 100_000


def _chain_ours(n: int) -> None:
    _build_ours(n).sum().backward()


def _chain_numpy(n: int) -> None:
    x = np.linspace(0.1, 0.4, 4)
    w = np.full(4, 0.999)
    y = x
    for i in range(n):
        y = y * w if i % 2 else y + w
    y.sum()


def _chain_torch(torch, n: int) -> None:  # noqa: ANN001
    _build_torch(torch, n).sum().backward()


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def _graph_bytes_per_node(which: str) -> float | None:
    """RSS growth per node while a 100,000-op chain is alive, measured in a fresh process so
    that memory freed by earlier runs cannot hide it."""
    code = (
        "import gc, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from bench import bench_engine as b\n"
        "torch = b.try_torch() if sys.argv[2] == 'torch' else None\n"
        "if sys.argv[2] == 'torch' and torch is None: print(-1); raise SystemExit\n"
        "gc.collect(); before = b._rss()\n"
        "y = b._build_torch(torch, b.LONG_CHAIN) if torch else b._build_ours(b.LONG_CHAIN)\n"
        "print((b._rss() - before) / b.LONG_CHAIN)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code, root, which], capture_output=True, text=True, check=True
    )
    value = float(out.stdout.strip().splitlines()[-1])
    return None if value < 0 else value


def _build_ours(n: int) -> ac.Tensor:
    x = ac.tensor(np.linspace(0.1, 0.4, 4), requires_grad=True)
    w = ac.tensor(np.full(4, 0.999))
    y = x
    for i in range(n):
        y = y * w if i % 2 else y + w
    return y


def _build_torch(torch, n: int):  # noqa: ANN001, ANN202
    x = torch.linspace(0.1, 0.4, 4, dtype=torch.float64, requires_grad=True)
    w = torch.full((4,), 0.999, dtype=torch.float64)
    y = x
    for i in range(n):
        y = y * w if i % 2 else y + w
    return y


SIZES = (784, 1024, 1024, 10)
BATCH = 256
LR = 0.01


def _mlp_weights(rng: np.random.Generator) -> list[np.ndarray]:
    ws = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        ws.append((rng.standard_normal((fan_in, fan_out)) * fan_in**-0.5).astype(np.float32))
        ws.append(np.zeros(fan_out, np.float32))
    return ws


def _numpy_step(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """A hand-written forward/backward/SGD step: the reference a framework must match."""
    w1, b1, w2, b2, w3, b3 = params
    a1 = x @ w1 + b1
    m1 = a1 > 0
    h1 = a1 * m1
    a2 = h1 @ w2 + b2
    m2 = a2 > 0
    h2 = a2 * m2
    z = h2 @ w3 + b3
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = float(np.log(s).mean() - z[np.arange(n), y].mean())
    g = e / s
    g[np.arange(n), y] -= 1
    g /= n
    gw3, gb3 = h2.T @ g, g.sum(0)
    g = (g @ w3.T) * m2
    gw2, gb2 = h1.T @ g, g.sum(0)
    g = (g @ w2.T) * m1
    gw1, gb1 = x.T @ g, g.sum(0)
    for p, gp in zip(params, (gw1, gb1, gw2, gb2, gw3, gb3)):
        p -= LR * gp
    return loss


def _ours_step(params: list[ac.Tensor], x: ac.Tensor, y: ac.Tensor) -> float:
    w1, b1, w2, b2, w3, b3 = params
    h = ac.relu(x @ w1 + b1)
    h = ac.relu(h @ w2 + b2)
    logits = h @ w3 + b3
    loss = -ac.log_softmax(logits, dim=1)[ac.arange(len(y)), y].mean()
    loss.backward()
    with ac.no_grad():
        for p in params:
            p.data -= LR * p.grad.data
            p.grad = None
    return loss.item()


def _torch_step(torch, params, x, y) -> float:  # noqa: ANN001
    w1, b1, w2, b2, w3, b3 = params
    h = torch.relu(x @ w1 + b1)
    h = torch.relu(h @ w2 + b2)
    loss = torch.nn.functional.cross_entropy(h @ w3 + b3, y)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= LR * p.grad
            p.grad = None
    return loss.item()


def chain_step(framework: str, n: int):
    """Build and back-propagate an ``n``-op chain in ``framework`` ("ours", "numpy": forward
    only, "torch"), for ``interleave_apart``."""
    if framework == "ours":
        return lambda: _chain_ours(n)
    if framework == "numpy":
        return lambda: _chain_numpy(n)
    torch = try_torch()
    return lambda: _chain_torch(torch, n)


def mlp_step(framework: str):
    """The raw-tensor MLP step of ``framework`` ("ours", "numpy", "torch"), for
    ``interleave_apart``: the same seeded data and weights in each."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    params = _mlp_weights(rng)
    if framework == "ours":
        ours = [ac.tensor(p, requires_grad=True) for p in params]
        ox, oy = ac.tensor(x), ac.tensor(y)
        return lambda: _ours_step(ours, ox, oy)
    if framework == "numpy":
        return lambda: _numpy_step(params, x, y)
    torch = try_torch()
    tp = [torch.tensor(p, requires_grad=True) for p in params]
    tx, ty = torch.tensor(x), torch.tensor(y)
    return lambda: _torch_step(torch, tp, tx, ty)


def _makers(frameworks: tuple[str, ...], function: str, *args: object) -> dict:
    return {fw: maker("bench.bench_engine", function, fw, *args) for fw in frameworks}


def _ratio(apart, shared, a: str, b: str, digits: int = 2) -> str:  # noqa: ANN001
    """Own processes, then (in parentheses) one process."""
    return f"{apart.ratio(a, b):.{digits}f}× ({shared.ratio(a, b):.{digits}f}×)"


def main(repeats: int = 15) -> str:
    torch = try_torch()
    rows = []

    # (a) per-op overhead on a 1,000-op chain of shape-(4,) tensors, forward + backward
    with_torch = ("torch",) if torch is not None else ()
    # short calls: more rounds for a stable median
    shared, t = interleave_both(
        _makers(("ours", "numpy", *with_torch), "chain_step", CHAIN), 3 * repeats
    )
    per = {k: v / CHAIN for k, v in t.items()}
    rows.append(
        (
            "per-op overhead, fwd+bwd, 1,000-op chain on shape (4,)",
            fmt_us(per["ours"]),
            fmt_us(per["numpy"]) + " (forward only, no graph)",
            fmt_us(per["torch"]) if torch else "—",
            _ratio(t, shared, "ours", "torch") if torch else "—",
            _ratio(t, shared, "ours", "numpy"),
        )
    )

    # (b) a 100,000-op chain: build and backpropagate
    t = interleave_apart(
        _makers(("ours", *with_torch), "chain_step", LONG_CHAIN), max(3, repeats // 5)
    )
    rows.append(
        (
            "100,000-op chain, build + backward",
            fmt_ms(t["ours"]),
            "—",
            fmt_ms(t["torch"]) if torch else "—",
            f"{t.ratio('ours', 'torch'):.2f}×" if torch else "—",
            "—",
        )
    )

    # (b') memory held by the graph of a 100,000-op chain, per node (resident set size)
    mem_ours = _graph_bytes_per_node("ours")
    mem_torch = _graph_bytes_per_node("torch")
    rows.append(
        (
            "memory per graph node, 100,000-op chain (RSS growth)",
            f"{mem_ours:.0f} B",
            "—",
            f"{mem_torch:.0f} B" if mem_torch else "—",
            f"{mem_ours / mem_torch:.2f}×" if mem_torch else "—",
            "—",
        )
    )

    # (c) MLP 784-1024-1024-10 training step, batch 256, float32, SGD. Its target is a ratio
    # within a few % of 1 on a machine whose noise is of that size: many rounds.
    mlp_rounds = 4 * repeats + 1
    shared, t = interleave_both(_makers(("ours", "numpy", *with_torch), "mlp_step"), mlp_rounds)
    rows.append(
        (
            "MLP 784-1024-1024-10 step (raw tensors), batch 256, float32, SGD",
            fmt_ms(t["ours"]),
            fmt_ms(t["numpy"]),
            fmt_ms(t["torch"]) if torch else "—",
            _ratio(t, shared, "ours", "torch") if torch else "—",
            _ratio(t, shared, "ours", "numpy", 3),
        )
    )

    lines = [
        "## Engine (issue 2)",
        "",
        "| workload | ours | hand-written NumPy | PyTorch CPU | ours / torch | ours / NumPy |",
        "|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += [
        "",
        f"Medians of interleaved rounds: {3 * repeats} for the per-op chain, "
        f"{max(3, repeats // 5)} for the long chain, {mlp_rounds} for the MLP step, each "
        "contender in its own process; the ratios in parentheses with all in one process "
        "(bench/_timing.py says why they differ; the times are those of the own-process "
        "runs); memory measured in fresh processes. Times are medians "
        "per contender; ratios are medians of the per-round quotients (both calls of a round "
        "within a second of each other), which cancels the machine's slow drift in speed. "
        "Targets: per-op overhead at or below PyTorch's; MLP step within 1.05× of NumPy.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
