"""The cross-entropies under Keras' names and with Keras' meaning: ``CategoricalCrossentropy``,
``SparseCategoricalCrossentropy`` and ``BinaryCrossentropy`` take probabilities unless
``from_logits=True``, as ``keras.losses`` does; ``nn.compile``'s loss strings map to them.

PyTorch's ``CrossEntropyLoss`` takes logits; Keras' ``categorical_crossentropy`` takes the output
of a Softmax. A Keras model ending in ``Softmax`` must get Keras' number, so these losses follow
Keras (the NumPy backend's formulas): with ``from_logits=False`` the probabilities are
renormalised to sum to 1 along the last axis (categorical only), clipped to [ε, 1 − ε] with
ε = 1e-7 (Keras' ``backend.epsilon()``), and logged; with ``from_logits=True`` the log-softmax
(or, for binary, the stable log-sigmoid) of the raw scores is used. The class axis is the last one
(Keras' ``axis=-1``), and the per-sample losses are averaged over the batch (Keras'
``"sum_over_batch_size"``). A float16 output is scored in float32, as Keras scores its losses in
``floatx``.

Unlike Keras' loss objects, which are called ``loss(y_true, y_pred)``, these are called like every
loss in ``nn``: ``loss(output, target)``; that is the order ``nn.fit`` uses.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.device import to_device
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor
from nn.index_checks import check_index_range, host_indices, poison
from nn.losses_classification import binary_cross_entropy_with_logits
from nn.losses_common import as_target
from nn.module import Module

__all__ = [
    "EPSILON",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "BinaryCrossentropy",
]

EPSILON = 1e-7
"""Keras' ``backend.epsilon()``: probabilities are clipped to [EPSILON, 1 − EPSILON]."""


def _check_probabilities(output: Tensor, name: str, cls: str) -> None:
    if not output.numel():
        return
    # an explicit copy of two numbers (one sync on a device)
    lo, hi = (float(to_device(v, "cpu")) for v in (output.data.min(), output.data.max()))
    if lo < 0.0 or hi > 1.0:  # NaN fails neither test: fit reports a NaN loss itself
        raise ValueError(
            f"{name}: with from_logits=False the output must hold probabilities in [0, 1] (a "
            f"model ending in Softmax or Sigmoid), as in Keras; got values from {lo:g} to "
            f"{hi:g}. For raw scores pass nn.{cls}(from_logits=True) as the loss, or end the "
            "model in a Softmax/Sigmoid."
        )


def _scored_dtype(output: Tensor) -> Tensor:
    """float16 outputs are scored in float32, as Keras scores losses in ``floatx`` (float32):
    1 − ε rounds to 1 in float16, and log(1 − p) would be −inf."""
    return output.float() if output.dtype == ac.float16 else output


def _log_probabilities(output: Tensor, from_logits: bool, name: str, cls: str) -> Tensor:
    """log p along the last axis: log-softmax of logits, or log of clipped renormalised p."""
    if from_logits:
        return ac.log_softmax(output, dim=-1)
    _check_probabilities(output, name, cls)
    p = output / output.sum(dim=-1, keepdim=True)
    return ac.clip(p, EPSILON, 1.0 - EPSILON).log()


def _same_rank(output: Tensor, target: Tensor) -> tuple[Tensor, Tensor]:
    """Keras' ``squeeze_or_expand_to_same_rank``: (N, 1) against (N,) becomes (N,) and (N,)."""
    if target.ndim == output.ndim + 1 and target.shape[-1] == 1:
        target = target.reshape(target.shape[:-1])
    elif output.ndim == target.ndim + 1 and output.shape[-1] == 1:
        output = output.reshape(output.shape[:-1])
    return output, target


def categorical_crossentropy(output: Tensor, target: Any, from_logits: bool = False) -> Tensor:
    """Keras' categorical cross-entropy of one-hot (or probability) targets, batch-averaged:
    ℓᵢ = −Σ_c t_ic log p_ic, p = output / Σ_c output (clipped to [ε, 1 − ε]), or
    p = softmax(output) when ``from_logits``.

    Example:
        >>> import autograd_core as ac
        >>> from nn.losses_keras import categorical_crossentropy
        >>> p = ac.tensor([[0.9, 0.05, 0.05], [0.2, 0.5, 0.3]])
        >>> round(categorical_crossentropy(p, ac.tensor([[1.0, 0, 0], [0, 1.0, 0]])).item(), 4)
        0.3993
    """
    name = "categorical_crossentropy"
    output = _scored_dtype(output)
    target = as_target(target, output)
    if tuple(target.shape) != tuple(output.shape):
        hint = (
            " These look like class indices: use 'sparse_categorical_crossentropy' "
            "(nn.SparseCategoricalCrossentropy)."
            if target.dtype.kind in "iu" and target.ndim == output.ndim - 1
            else " Targets are one-hot rows with the output's shape."
        )
        raise ShapeError(
            f"{name}: output shape {tuple(output.shape)} and target shape "
            f"{tuple(target.shape)} differ.{hint}"
        )
    if target.dtype.kind != "f":
        target = target.to(dtype=output.dtype)
    log_p = _log_probabilities(output, from_logits, name, "CategoricalCrossentropy")
    return -(target * log_p).sum(dim=-1).mean()


def sparse_categorical_crossentropy(
    output: Tensor, target: Any, from_logits: bool = False
) -> Tensor:
    """Keras' sparse categorical cross-entropy of class-index targets, batch-averaged:
    ℓᵢ = −log p_{i, yᵢ}, with p as in :func:`categorical_crossentropy`. Targets have the
    output's shape without its last axis, or with a last axis of 1; float labels holding whole
    numbers are accepted (Keras casts them).

    Example:
        >>> import autograd_core as ac
        >>> from nn.losses_keras import sparse_categorical_crossentropy
        >>> p = ac.tensor([[0.9, 0.05, 0.05], [0.2, 0.5, 0.3]])
        >>> round(sparse_categorical_crossentropy(p, ac.tensor([0, 1])).item(), 4)
        0.3993
    """
    name = "sparse_categorical_crossentropy"
    output = _scored_dtype(output)
    raw = target
    target = as_target(target, output)
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = target.reshape(target.shape[:-1])
    if output.ndim < 1 or tuple(target.shape) != tuple(output.shape[:-1]):
        raise ShapeError(
            f"{name}: a class-index target of shape {tuple(target.shape)} does not fit output "
            f"of shape {tuple(output.shape)}; expected {tuple(output.shape[:-1])} (one index "
            "per row). For one-hot targets use 'categorical_crossentropy'."
        )
    xp = output.xp
    idx = target.data.reshape(-1)
    if idx.dtype.kind == "f":
        if not bool(to_device(xp.all(idx == xp.round(idx)), "cpu")):
            raise TypeError(
                f"{name}: class-index targets must be whole numbers, got dtype {idx.dtype} with "
                "fractional values. Pass integer labels, or one-hot rows to "
                "'categorical_crossentropy'."
            )
        idx = idx.astype(xp.int64)
    n_classes = output.shape[-1]
    host = host_indices(raw)
    bad = check_index_range(
        name,
        "target class indices",
        idx,
        n_classes,
        None if host is None else host.astype(idx.dtype, copy=False),
        "Check the number of output units of the model.",
        unit=f" for {n_classes} classes",
    )
    onehot = xp.zeros((idx.size, n_classes), output.dtype)
    onehot[xp.arange(idx.size), idx] = 1.0
    onehot = poison(onehot, bad)  # an out-of-range device target: NaN loss (index_checks.py)
    log_p = _log_probabilities(output, from_logits, name, "SparseCategoricalCrossentropy")
    return -(ac.as_tensor(onehot) * log_p.reshape(-1, n_classes)).sum(dim=-1).mean()


def binary_crossentropy(output: Tensor, target: Any, from_logits: bool = False) -> Tensor:
    """Keras' binary cross-entropy, averaged over every element:
    ℓ = −[y log p + (1 − y) log(1 − p)], p clipped to [ε, 1 − ε], or p = σ(output) (computed
    stably) when ``from_logits``. An (N, 1) output against (N,) targets is accepted (Keras
    matches the ranks).

    Example:
        >>> import autograd_core as ac
        >>> from nn.losses_keras import binary_crossentropy
        >>> round(binary_crossentropy(ac.tensor([[0.8], [0.4]]), ac.tensor([1, 0])).item(), 4)
        0.367
    """
    name = "binary_crossentropy"
    output = _scored_dtype(output)
    target = as_target(target, output)
    output, target = _same_rank(output, target)
    if tuple(target.shape) != tuple(output.shape):
        raise ShapeError(
            f"{name}: output shape {tuple(output.shape)} and target shape "
            f"{tuple(target.shape)} differ. Reshape the target to the output's shape."
        )
    if target.dtype.kind != "f":
        target = target.to(dtype=output.dtype)
    if from_logits:
        return binary_cross_entropy_with_logits(output, target)
    _check_probabilities(output, name, "BinaryCrossentropy")
    p = ac.clip(output, EPSILON, 1.0 - EPSILON)
    return -(target * p.log() + (1.0 - target) * (1.0 - p).log()).mean()


class _KerasCrossentropy(Module):
    def __init__(self, from_logits: bool = False) -> None:
        super().__init__()
        self.from_logits = bool(from_logits)

    def extra_repr(self) -> str:
        return f"from_logits={self.from_logits}"


class CategoricalCrossentropy(_KerasCrossentropy):
    """Keras' ``CategoricalCrossentropy``: one-hot targets, probabilities in (a model ending in
    Softmax) unless ``from_logits=True``. Called ``loss(output, target)``.

    Args:
        from_logits: the output holds raw scores (softmax applied here), as in Keras.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> p = ac.tensor([[0.25, 0.75]])
        >>> round(nn.CategoricalCrossentropy()(p, ac.tensor([[0.0, 1.0]])).item(), 4)
        0.2877
    """

    def forward(self, output: Tensor, target: Any) -> Tensor:
        return categorical_crossentropy(output, target, self.from_logits)


class SparseCategoricalCrossentropy(_KerasCrossentropy):
    """Keras' ``SparseCategoricalCrossentropy``: class-index targets, probabilities in unless
    ``from_logits=True``. Called ``loss(output, target)``.

    Args:
        from_logits: the output holds raw scores (softmax applied here), as in Keras.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> loss = nn.SparseCategoricalCrossentropy(from_logits=True)
        >>> round(loss(ac.tensor([[0.0, 0.0]]), ac.tensor([1])).item(), 4)
        0.6931
    """

    def forward(self, output: Tensor, target: Any) -> Tensor:
        return sparse_categorical_crossentropy(output, target, self.from_logits)


class BinaryCrossentropy(_KerasCrossentropy):
    """Keras' ``BinaryCrossentropy``: 0/1 targets, probabilities in (a model ending in Sigmoid)
    unless ``from_logits=True``. Called ``loss(output, target)``.

    Args:
        from_logits: the output holds raw scores (sigmoid applied here, stably), as in Keras.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> round(nn.BinaryCrossentropy()(ac.tensor([0.5]), ac.tensor([1.0])).item(), 4)
        0.6931
    """

    def forward(self, output: Tensor, target: Any) -> Tensor:
        return binary_crossentropy(output, target, self.from_logits)
