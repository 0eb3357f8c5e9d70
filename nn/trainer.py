"""``nn.compile``: a model with its loss, optimizer and metrics attached (Keras' spelling), so that
``fit``, ``evaluate`` and ``predict`` need not repeat them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.tensor import Tensor
from nn.callbacks import History
from nn.module import Module
from nn.training import evaluate, fit, predict

__all__ = ["compile", "Trainer"]


# Keras' loss names with Keras' meaning: the cross-entropies take probabilities (a model ending
# in Softmax or Sigmoid); for raw scores pass e.g. nn.CategoricalCrossentropy(from_logits=True).
_LOSSES: dict[str, tuple[str, dict[str, Any]]] = {
    "mse": ("MSELoss", {}),
    "mean_squared_error": ("MSELoss", {}),
    "mae": ("L1Loss", {}),
    "mean_absolute_error": ("L1Loss", {}),
    "huber": ("HuberLoss", {}),
    "binary_crossentropy": ("BinaryCrossentropy", {}),
    "binary_crossentropy_from_logits": ("BinaryCrossentropy", {"from_logits": True}),
    "categorical_crossentropy": ("CategoricalCrossentropy", {}),
    "sparse_categorical_crossentropy": ("SparseCategoricalCrossentropy", {}),
}
_OPTIMIZERS = {
    "sgd": ("SGD", 0.01),
    "adam": ("Adam", 1e-3),
    "rmsprop": ("RMSprop", 1e-3),
    "adagrad": ("Adagrad", 1e-2),
    "adamw": ("AdamW", 1e-3),
}


class Trainer:
    """A model with its loss, optimizer and metrics attached, made by ``nn.compile``:
    ``fit``, ``evaluate`` and ``predict`` without repeating them."""

    def __init__(self, model: Module, loss: Any, optimizer: Any, metrics: Any = None) -> None:
        import nn

        if isinstance(loss, str):
            if loss not in _LOSSES:
                raise ValueError(
                    f"compile: unknown loss {loss!r}; use one of {sorted(_LOSSES)} "
                    "or a loss module."
                )
            cls, kwargs = _LOSSES[loss]
            loss = getattr(nn, cls)(**kwargs)
        if isinstance(optimizer, str):
            import optim

            if optimizer not in _OPTIMIZERS:
                raise ValueError(
                    f"compile: unknown optimizer {optimizer!r}; use one of "
                    f"{sorted(_OPTIMIZERS)} or an optimizer object."
                )
            name, lr = _OPTIMIZERS[optimizer]
            optimizer = getattr(optim, name)(model.parameters(), lr=lr)
        self.model, self.loss, self.optimizer, self.metrics = model, loss, optimizer, metrics

    def fit(self, x: Any = None, y: Any = None, **kwargs: Any) -> History:
        """``nn.fit`` with the compiled model, loss, optimizer and metrics."""
        kwargs.setdefault("metrics", self.metrics)
        return fit(self.model, self.loss, self.optimizer, x, y, **kwargs)

    def evaluate(self, x: Any, y: Any, **kwargs: Any) -> dict[str, float]:
        """``nn.evaluate`` with the compiled loss and metrics."""
        kwargs.setdefault("metrics", self.metrics)
        return evaluate(self.model, self.loss, x, y, **kwargs)

    def predict(self, x: Any, **kwargs: Any) -> Tensor:
        """``nn.predict`` with the compiled model."""
        return predict(self.model, x, **kwargs)


def compile(
    model: Module,
    loss: Any,
    optimizer: Any = "sgd",  # noqa: A001  (Keras' name)
    metrics: Sequence[Any] | None = None,
) -> Trainer:
    """Attach a loss, an optimizer and metrics to a model, Keras-style. Strings are accepted:
    losses ``'mse'``, ``'mae'``, ``'huber'``, and the cross-entropies with Keras' meaning:
    ``'binary_crossentropy'``, ``'categorical_crossentropy'`` and
    ``'sparse_categorical_crossentropy'`` take *probabilities* (a model ending in Sigmoid or
    Softmax). For raw scores pass a loss object, as in Keras:
    ``loss=nn.SparseCategoricalCrossentropy(from_logits=True)`` (or PyTorch's
    ``nn.CrossEntropyLoss()``). Optimizers: ``'sgd'`` (lr 0.01), ``'adam'`` (1e-3) ….

    Example:
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 2))
        >>> trainer = nn.compile(model, loss="mse", optimizer="sgd")
        >>> type(trainer.loss).__name__, type(trainer.optimizer).__name__
        ('MSELoss', 'SGD')
    """
    return Trainer(model, loss, optimizer, metrics)
