"""Back-propagating through the steps of a sequence: ``split``/``unbind`` (one op with one output
per step, whose backward is one ``cat``/``stack``) against one ``x[t]`` per step (whose
gradients are T zero-filled arrays of the whole sequence), at T = 128 … 1,024; PyTorch's
``unbind`` in the same run."""

from __future__ import annotations

from bench._timing import fmt_ms, interleave, try_torch

import numpy as np  # noqa: E402  (after _timing pinned the thread counts)

import autograd_core as ac  # noqa: E402

__all__ = ["main"]

STEPS = (128, 256, 512, 1024)
BATCH, WIDTH = 32, 64


def _x(t: int) -> ac.Tensor:
    rng = np.random.default_rng(t)
    return ac.tensor(rng.standard_normal((t, BATCH, WIDTH)).astype(np.float32), requires_grad=True)


def _backward_of(pieces_of):  # noqa: ANN001, ANN202
    """Forward the pieces of a fresh leaf and back-propagate the sum of their sums."""

    def run(x):  # noqa: ANN001, ANN202
        x.grad = None
        total = None
        for piece in pieces_of(x):
            s = piece.sum()
            total = s if total is None else total + s
        total.backward()

    return run


_CONTENDERS = {
    "split(1)": _backward_of(lambda x: x.split(1)),
    "unbind(0)": _backward_of(lambda x: x.unbind(0)),
    "x[t] per step": _backward_of(lambda x: [x[t] for t in range(x.shape[0])]),
}


def main(repeats: int = 7) -> str:
    torch = try_torch()
    times: dict[str, dict[int, float]] = {name: {} for name in _CONTENDERS}
    if torch is not None:
        times["torch unbind(0)"] = {}
    for t in STEPS:
        x = _x(t)
        c = {name: (lambda fn=fn, x=x: fn(x)) for name, fn in _CONTENDERS.items()}
        if torch is not None:
            tx = torch.tensor(x.data, requires_grad=True)

            def torch_run(tx=tx):  # noqa: ANN001, ANN202
                tx.grad = None
                sum(p.sum() for p in tx.unbind(0)).backward()

            c["torch unbind(0)"] = torch_run
        timings = interleave(c, repeats)
        for name in c:
            times[name][t] = timings[name]
    head = "| contender | " + " | ".join(f"T = {t}" for t in STEPS) + " | T=1024 / T=128 |"
    lines = [
        "## Backward through the steps of a sequence (issue 12)",
        "",
        f"Leaf x of shape (T, {BATCH}, {WIDTH}), float32; forward the T pieces, sum each, add "
        "the sums, back-propagate; medians of "
        f"{repeats} interleaved rounds. A backward linear in T gives a last column near 8; "
        "a quadratic one near 64.",
        "",
        head,
        "|" + "---|" * (len(STEPS) + 2),
    ]
    for name, by_t in times.items():
        cells = " | ".join(fmt_ms(by_t[t]) for t in STEPS)
        lines.append(f"| {name} | {cells} | {by_t[STEPS[-1]] / by_t[STEPS[0]]:.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
