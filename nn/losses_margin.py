"""Margin and embedding losses, functional and as modules, with PyTorch's arguments and numbers:
``margin_ranking_loss``, ``hinge_embedding_loss``, ``soft_margin_loss``,
``cosine_embedding_loss`` and ``nn.MarginRankingLoss`` … ``nn.CosineEmbeddingLoss``.

Each is composed from engine ops (so differentiable twice, and the same on CuPy) following
torch's formula term by term, so values agree to rounding. At a hinge's kink the gradient is
torch's ``clamp_min`` one: the linear side's. They hold what their ops hold: the inputs, the
targets and a few per-element intermediates of the loss's shape.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.tensor import Tensor
from nn.losses_common import LossModule, as_target, legacy_reduction, reduce_loss

# torch's constant is a C float: 1e-12 rounded to float32 (9.99999996e-13); with a zero vector
# the gradient (about 1e6) shows the difference at 2e-9 relative, so we use the same number.
_EPS = 9.999999960041972e-13

__all__ = [
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "soft_margin_loss",
    "cosine_embedding_loss",
    "MarginRankingLoss",
    "HingeEmbeddingLoss",
    "SoftMarginLoss",
    "CosineEmbeddingLoss",
]


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, −y·(x1 − x2) + margin): y = 1 asks x1 to rank above x2, y = −1 below. The three
    inputs need the same number of axes (as torch) and then broadcast.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.margin_ranking_loss(ac.tensor([1.0, 0.0]), ac.tensor([0.0, 1.0]), [1.0, 1.0])
        tensor(0.5)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "margin_ranking_loss")
    x1, x2 = lift(input1), lift(input2)
    y = as_target(target, x1)
    if not x1.ndim == x2.ndim == y.ndim:
        raise ShapeError(
            "margin_ranking_loss: input1, input2 and target must have the same number of axes. "
            f"Shapes seen: {tuple(x1.shape)}, {tuple(x2.shape)}, {tuple(y.shape)}. Reshape "
            "them to one shape, e.g. all (N,)."
        )
    return reduce_loss(ac.clamp(-y * (x1 - x2) + margin, min=0.0), reduction, "margin_ranking_loss")


def hinge_embedding_loss(
    input: Tensor,
    target: Any,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """x where y = 1, max(0, margin − x) where y = −1 (x is a distance), summed as torch does
    for other target values (both terms then count).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.hinge_embedding_loss(ac.tensor([0.25, 0.25]), [1.0, -1.0], reduction="none")
        tensor([0.25, 0.75])
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "hinge_embedding_loss")
    x = lift(input)
    y = as_target(target, x)
    zero = ac.zeros_like(x)
    far = ac.where(y != 1, ac.clamp(margin - x, min=0.0), zero)
    near = ac.where(y != -1, x, zero)
    return reduce_loss(far + near, reduction, "hinge_embedding_loss")


def soft_margin_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + exp(−y·x)), written as torch writes it (``log1p(exp(·))``, so it overflows to
    inf where torch's does, for −y·x above ~709 in float64).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.soft_margin_loss(ac.tensor([0.0]), [1.0])
        tensor(0.6931472)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "soft_margin_loss")
    x = lift(input)
    y = as_target(target, x)
    return reduce_loss(ac.log1p(ac.exp(-x * y)), reduction, "soft_margin_loss")


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Any,
    margin: float = 0.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 − cos(x1, x2) where y = 1, max(0, cos − margin) where y = −1, other targets 0. The
    cosine is torch's: Σx1x2 / sqrt((Σx1² + ε)(Σx2² + ε)), ε = float32(1e-12), over the last axis of
    (N, D) inputs with an (N,) target, or of (D,) inputs with a 0-d target.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.cosine_embedding_loss(ac.tensor([[1.0, 0.0]]), ac.tensor([[0.0, 1.0]]), [1.0])
        tensor(1.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "cosine_embedding_loss")
    x1, x2 = lift(input1), lift(input2)
    y = as_target(target, x1)
    _check_cosine_embedding_shapes(x1, x2, y)
    axis = y.ndim
    dot = (x1 * x2).sum(axis=axis)
    mag1, mag2 = (x1 * x1).sum(axis=axis) + _EPS, (x2 * x2).sum(axis=axis) + _EPS
    cos = dot / ac.sqrt(mag1 * mag2)
    zero = ac.zeros_like(cos)
    dissimilar = ac.clamp(cos - margin, min=0.0)
    loss = ac.where(y == 1, 1 - cos, zero) + ac.where(y == -1, dissimilar, zero)
    return reduce_loss(loss, reduction, "cosine_embedding_loss")


def _check_cosine_embedding_shapes(x1: Tensor, x2: Tensor, y: Tensor) -> None:
    shapes = f"Shapes seen: {tuple(x1.shape)}, {tuple(x2.shape)}, target {tuple(y.shape)}."
    if y.ndim > 1:
        raise ShapeError(
            f"cosine_embedding_loss: target must be 0-d or 1-d. {shapes} Give one ±1 per pair."
        )
    if not x1.ndim == x2.ndim == y.ndim + 1:
        raise ShapeError(
            f"cosine_embedding_loss: a {y.ndim}-d target needs {y.ndim + 1}-d inputs. {shapes} "
            "Use (N, D) inputs with an (N,) target, or (D,) inputs with a 0-d target."
        )


class MarginRankingLoss(LossModule):
    """Module form of :func:`margin_ranking_loss` (``margin=0``, ``reduction='mean'``)."""

    repr_defaults = {"margin": 0.0, "reduction": "mean"}

    def __init__(
        self,
        margin: float = 0.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return margin_ranking_loss(input1, input2, target, self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(LossModule):
    """Module form of :func:`hinge_embedding_loss` (``margin=1``, ``reduction='mean'``)."""

    repr_defaults = {"margin": 1.0, "reduction": "mean"}

    def __init__(
        self,
        margin: float = 1.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class SoftMarginLoss(LossModule):
    """Module form of :func:`soft_margin_loss` (``reduction='mean'``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.SoftMarginLoss(reduction="sum")(ac.tensor([0.0, 0.0]), ac.tensor([1.0, -1.0]))
        tensor(1.3862944)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        return soft_margin_loss(input, target, reduction=self.reduction)


class CosineEmbeddingLoss(LossModule):
    """Module form of :func:`cosine_embedding_loss` (``margin=0``, ``reduction='mean'``)."""

    repr_defaults = {"margin": 0.0, "reduction": "mean"}

    def __init__(
        self,
        margin: float = 0.0,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Any) -> Tensor:
        return cosine_embedding_loss(input1, input2, target, self.margin, reduction=self.reduction)
