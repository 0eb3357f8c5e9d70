"""``autograd-core demo``: a 2-8-1 MLP written with raw tensors learns XOR."""

from __future__ import annotations

import autograd_core as ac

__all__ = ["run_demo"]


def run_demo(epochs: int = 2000, graph_path: str = "xor_graph.png", seed: int = 0) -> int:
    """Train on XOR with plain gradient descent, print the loss falling, draw the graph.

    Raises:
        ValueError: ``epochs`` is negative.
    """
    if not isinstance(epochs, int) or epochs < 0:
        raise ValueError(
            f"run_demo: epochs must be an integer >= 0. Got {epochs!r}. Pass epochs=2000."
        )
    ac.manual_seed(seed)
    x = ac.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = ac.tensor([[0.0], [1.0], [1.0], [0.0]])
    w1 = ac.randn(2, 8, requires_grad=True)
    b1 = ac.zeros(8, requires_grad=True)
    w2 = ac.randn(8, 1, requires_grad=True)
    b2 = ac.zeros(1, requires_grad=True)
    for name, t in [("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("x", x)]:
        t.name = name
    params = [w1, b1, w2, b2]
    lr = 1.0

    def forward() -> tuple[ac.Tensor, ac.Tensor]:
        h = ac.tanh(x @ w1 + b1)
        z = h @ w2 + b2
        # binary cross-entropy, with log σ(z) and log(1 − σ(z)) = log σ(−z) computed stably
        loss = -(y * ac.logsigmoid(z) + (1 - y) * ac.logsigmoid(-z)).mean()
        return ac.sigmoid(z), loss

    print("XOR with a 2-8-1 tanh/sigmoid network, cross-entropy, gradient descent (lr=1.0)")
    for epoch in range(epochs + 1):
        p, loss = forward()
        if epoch % (epochs // 10 or 1) == 0:
            print(f"epoch {epoch:5d}  loss {loss.item():.6f}")
        if epoch == epochs:
            break
        loss.backward()
        with ac.no_grad():
            for t in params:
                t.data -= lr * t.grad.data
                t.grad = None
    predictions = (p.data > 0.5).astype(int).ravel().tolist()
    print(f"predictions {predictions} (targets [0, 1, 1, 0])")
    if graph_path:
        _, loss = forward()
        try:
            from autograd_core.viz import draw_graph

            stem, _, fmt = graph_path.rpartition(".")
            draw_graph(loss).render(stem, format=fmt or "png", cleanup=True)
            print(f"graph of the loss written to {graph_path}")
        except Exception as e:  # the picture is a bonus; training worked either way
            print(f"(graph not drawn: {e})")
    return 0 if predictions == [0, 1, 1, 0] else 1
