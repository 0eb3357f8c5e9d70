"""Loss functions as modules (``nn.CrossEntropyLoss()``); the maths is in ``nn.functional``."""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn import functional as F
from nn.losses_common import LossModule
from nn.losses_ctc import CTCLoss
from nn.losses_margin import (
    CosineEmbeddingLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    SoftMarginLoss,
)
from nn.losses_multilabel import MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss
from nn.losses_triplet import TripletMarginLoss, TripletMarginWithDistanceLoss

__all__ = [
    "MSELoss",
    "L1Loss",
    "HuberLoss",
    "SmoothL1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "GaussianNLLLoss",
    "KLDivLoss",
    "MarginRankingLoss",
    "HingeEmbeddingLoss",
    "SoftMarginLoss",
    "CosineEmbeddingLoss",
    "PoissonNLLLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "MultiLabelMarginLoss",
    "CTCLoss",
]


class MSELoss(LossModule):
    """Mean squared error, ℓ = (x − y)² (the ECM of the course notes).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.MSELoss()(ac.tensor([2.0]), ac.tensor([0.0]))
        tensor(4.)
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(LossModule):
    """Mean absolute error, ℓ = |x − y|."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(LossModule):
    """Huber loss with threshold δ: quadratic for |x − y| < δ, linear beyond."""

    repr_defaults = {"reduction": "mean", "delta": 1.0}

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(LossModule):
    """Smooth L1 loss with threshold β (Huber / β)."""

    repr_defaults = {"reduction": "mean", "beta": 1.0}

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        beta: float = 1.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(LossModule):
    """Binary cross-entropy of probabilities (after a sigmoid), logs clamped at −100."""

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(LossModule):
    """Sigmoid + binary cross-entropy in one stable expression, on raw logits.

    Args:
        weight: per-element rescaling.
        pos_weight: weight of positive examples (one per class, broadcast over the last axis).
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        pos_weight: Any = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class CrossEntropyLoss(LossModule):
    """Softmax + cross-entropy from logits (class indices or probabilities).

    Args:
        weight: a weight per class.
        ignore_index: target value that contributes neither loss nor gradient.
        label_smoothing: ε, mixing the target with the uniform distribution.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> loss = nn.CrossEntropyLoss()(ac.tensor([[0.0, 0.0]]), ac.tensor([0]))
        >>> round(loss.item(), 4)
        0.6931
    """

    repr_defaults = {"ignore_index": -100, "reduction": "mean", "label_smoothing": 0.0}

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(LossModule):
    """Negative log-likelihood of log-probabilities (after ``LogSoftmax``)."""

    repr_defaults = {"ignore_index": -100, "reduction": "mean"}

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        ignore_index: int = -100,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class GaussianNLLLoss(LossModule):
    """Gaussian negative log-likelihood with a predicted variance (heteroscedastic regression);
    called as ``loss(mean, target, var)``."""

    repr_defaults = {"full": False, "eps": 1e-6, "reduction": "mean"}

    def __init__(self, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = eps

    def forward(self, input: Tensor, target: Any, var: Any) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class KLDivLoss(LossModule):
    """KL divergence p (log p − input), input being log-probabilities; prefer
    ``reduction='batchmean'``."""

    reductions = ("mean", "sum", "none", "batchmean")
    repr_defaults = {"reduction": "mean", "log_target": False}

    def __init__(
        self,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
        log_target: bool = False,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(LossModule):
    """Poisson negative log-likelihood of counts (see ``F.poisson_nll_loss``); ``log_input``
    means the model predicts log λ.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.PoissonNLLLoss()(ac.tensor([0.0]), ac.tensor([2.0]))
        tensor(1.)
    """

    repr_defaults = {"log_input": True, "full": False, "eps": 1e-8, "reduction": "mean"}

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        size_average: bool | None = None,
        eps: float = 1e-8,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input: Tensor, target: Any) -> Tensor:
        return F.poisson_nll_loss(
            log_input, target, self.log_input, self.full, eps=self.eps, reduction=self.reduction
        )
