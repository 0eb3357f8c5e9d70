"""The built-in examples of ``viz`` and ``trace``, which need no user code and no ``nn``.

``Dense`` and ``Net`` are stand-ins with PyTorch's module protocol (``named_parameters``,
``named_modules``), enough for the module boxes of a drawing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd_core.cli_common import CLIError

__all__ = [
    "EXAMPLES",
    "TRACE_EXAMPLES",
    "Dense",
    "Net",
    "example_model",
    "example_loss",
    "trace_example",
]

EXAMPLES = ("xor", "mlp")
TRACE_EXAMPLES = ("neuron", "fanout", "xor")


class Dense:
    """y = act(x W + b): a stand-in layer with PyTorch's module protocol, so the examples draw
    module boxes without importing nn."""

    def __init__(
        self, n_in: int, n_out: int, act: str | None, rng: np.random.Generator, dtype: Any
    ) -> None:
        import autograd_core as ac

        bound = 1.0 / np.sqrt(n_in)
        self.weight = ac.tensor(
            rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype), requires_grad=True
        )
        self.bias = ac.tensor(
            rng.uniform(-bound, bound, (n_out,)).astype(dtype), requires_grad=True
        )
        self.act = act

    def named_parameters(self) -> Iterator[tuple[str, Any]]:
        yield "weight", self.weight
        yield "bias", self.bias

    def named_modules(self) -> Iterator[tuple[str, Any]]:
        yield "", self

    def forward(self, x: Any) -> Any:
        y = x @ self.weight + self.bias
        return getattr(y, self.act)() if self.act else y

    def __call__(self, x: Any) -> Any:
        return self.forward(x)


class Net:
    """Named layers applied in order (a stand-in for nn.Sequential with named children)."""

    def __init__(self, layers: dict[str, Dense]) -> None:
        self.layers = layers

    def named_modules(self) -> Iterator[tuple[str, Any]]:
        yield "", self
        yield from self.layers.items()

    def named_parameters(self) -> Iterator[tuple[str, Any]]:
        for name, layer in self.layers.items():
            for pname, p in layer.named_parameters():
                yield f"{name}.{pname}", p

    def forward(self, x: Any) -> Any:
        for layer in self.layers.values():
            x = layer(x)
        return x

    def __call__(self, x: Any) -> Any:
        return self.forward(x)


def example_model(name: str, seed: int = 0) -> tuple[Any, Any, Any, str]:
    """A built-in example: ``(model, inputs, targets, description)``.

    ``xor``: the 2-2-1 tanh network on the four XOR points (the XOR example of Goodfellow,
    Bengio & Courville, *Deep Learning* (2016), §6.1); ``mlp``: a 16-32-32-10 ReLU MLP on a
    batch of 8. The model has ``named_parameters()`` and ``named_modules()``.
    """
    import autograd_core as ac

    rng = np.random.default_rng(seed)
    dtype = np.float64
    if name == "xor":
        model = Net(
            {
                "hidden": Dense(2, 2, "tanh", rng, dtype),
                "output": Dense(2, 1, "sigmoid", rng, dtype),
            }
        )
        x = ac.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype))
        y = ac.tensor(np.array([[0], [1], [1], [0]], dtype=dtype))
        x.name, y.name = "x", "target"
        return model, x, y, "XOR: h = tanh(x W1 + b1), y_hat = sigmoid(h W2 + b2), MSE loss"
    if name == "mlp":
        model = Net(
            {
                "fc1": Dense(16, 32, "relu", rng, dtype),
                "fc2": Dense(32, 32, "relu", rng, dtype),
                "fc3": Dense(32, 10, None, rng, dtype),
            }
        )
        x = ac.tensor(rng.standard_normal((8, 16)).astype(dtype))
        y = ac.tensor(rng.standard_normal((8, 10)).astype(dtype))
        x.name, y.name = "x", "target"
        return model, x, y, "MLP 16-32-32-10 (ReLU), MSE loss on a batch of 8"
    raise CLIError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}")


def example_loss(pred: Any, target: Any) -> Any:
    """The examples' loss: mean squared error, named ``loss`` in the drawing."""
    d = pred - target
    loss = (d * d).mean()
    loss.name = "loss"
    return loss


def trace_example(name: str, seed: int) -> tuple[Any, str, Any]:
    """A built-in expression for ``trace``: ``(scalar output, description, model or None)``."""
    import autograd_core as ac

    f64 = ac.float64
    if name == "neuron":
        x1, x2, w1, w2, b = (
            ac.tensor(v, dtype=f64, requires_grad=True)
            for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
        )
        for t, n in zip((x1, x2, w1, w2, b), ("x1", "x2", "w1", "w2", "b")):
            t.name = n
        out = (x1 * w1 + x2 * w2 + b).tanh()
        return out, "o = tanh(x1*w1 + x2*w2 + b) at x1=2, x2=0, w1=-3, w2=1, b=6.8814", None
    if name == "fanout":
        x = ac.tensor(2.0, dtype=f64, requires_grad=True)
        x.name = "x"
        return x * x + x, "f = x*x + x at x=2 (x feeds three edges: the grads are summed)", None
    model, x, y, title = example_model("xor", seed)
    return example_loss(model(x), y), title, model
