r"""Triplet losses, functional and as modules, with PyTorch's arguments and numbers:
``triplet_margin_loss``, ``triplet_margin_with_distance_loss``, ``nn.TripletMarginLoss`` and
``nn.TripletMarginWithDistanceLoss``.

For an anchor a, a positive p (same class) and a negative n (another class),

.. math:: \ell = \max(0,\ m + d(a, p) - d(a, n))

asks the negative to lie at least m further from the anchor than the positive. With ``swap``
the negative's distance is min(d(a, n), d(p, n)) (Balntas et al., "Learning local feature
descriptors with triplets and shallow convolutional neural networks", BMVC 2016). Composed from
engine ops, so differentiable twice and the same on CuPy. At the hinge's kink the gradient is
torch's ``clamp_min`` one (the linear side's); a tie in the swap's minimum splits the gradient
½–½, as ``torch.minimum``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.tensor import Tensor
from nn.distance import PairwiseDistance
from nn.functional_distance import pairwise_distance
from nn.losses_common import LossModule, check_reduction, legacy_reduction, reduce_loss

__all__ = [
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]

Distance = Callable[[Tensor, Tensor], Tensor]


def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) − d(a, n)) with d the p-norm of ``x1 − x2 + eps`` over the last
    axis (``pairwise_distance``: eps is added to the difference, not to the norm).

    The three inputs need the same number of axes and then broadcast: (N, D) gives an (N,)
    loss, (D,) a 0-d one, (B, N, D) a (B, N) one; 0-d inputs are one-dimensional points
    (d = |x1 − x2 + eps|), as in torch.

    Args:
        anchor, positive, negative: the embeddings.
        margin: m > 0.
        p: the norm's order, > 0 or inf (torch also takes p ≤ 0, which ``norm`` refuses here).
        eps: added to each difference before the norm.
        swap: use min(d(a, n), d(p, n)) as the negative's distance.
        reduction: 'mean' | 'sum' | 'none'.

    Raises:
        ValueError: margin ≤ 0, p ≤ 0, or an unknown reduction.
        ShapeError: inputs with different numbers of axes, or that do not broadcast.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> a, p, n = ac.tensor([[0.0, 0.0]]), ac.tensor([[3.0, 4.0]]), ac.tensor([[0.0, 5.5]])
        >>> F.triplet_margin_loss(a, p, n, eps=0.0)
        tensor(0.5)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "triplet_margin_loss")
    name = "triplet_margin_loss"
    check_reduction(reduction, name)
    _check_margin(name, margin)
    if isinstance(p, bool) or not p > 0:
        raise ValueError(
            f"{name}: p must be a number > 0 or inf, got {p!r}. Use p=2 (Euclidean, the "
            "default) or p=1."
        )

    def distance(x1: Tensor, x2: Tensor) -> Tensor:
        return _pairwise(x1, x2, p, eps)

    return _triplet(name, anchor, positive, negative, distance, margin, swap, reduction)


def triplet_margin_with_distance_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    *,
    distance_function: Distance | None = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(a, p) − d(a, n)) for any distance d, as torch's
    ``triplet_margin_with_distance_loss`` (keyword-only options).

    Args:
        anchor, positive, negative: the embeddings (same number of axes).
        distance_function: d(x1, x2) → a Tensor of distances, e.g.
            ``lambda x, y: 1 - F.cosine_similarity(x, y)``; None gives ``pairwise_distance``
            (p = 2, eps = 1e-6). The three distances are combined by broadcasting.
        margin: m > 0.
        swap: use min(d(a, n), d(p, n)) as the negative's distance.
        reduction: 'mean' | 'sum' | 'none'.

    Raises:
        ValueError: margin ≤ 0 or an unknown reduction.
        ShapeError: inputs with different numbers of axes.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> a, p, n = ac.tensor([0.0]), ac.tensor([1.0]), ac.tensor([1.5])
        >>> F.triplet_margin_with_distance_loss(
        ...     a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1))
        tensor(0.5)
    """
    name = "triplet_margin_with_distance_loss"
    check_reduction(reduction, name)
    _check_margin(name, margin)
    if distance_function is None:

        def distance_function(x1: Tensor, x2: Tensor) -> Tensor:
            return _pairwise(x1, x2, 2.0, 1e-6)

    return _triplet(name, anchor, positive, negative, distance_function, margin, swap, reduction)


def _check_margin(name: str, margin: float) -> None:
    if not margin > 0:
        raise ValueError(
            f"{name}: margin must be greater than 0, got {margin!r}. A margin ≤ 0 is met by "
            "any ordering of the distances; use e.g. margin=1.0 (the default)."
        )


def _pairwise(x1: Tensor, x2: Tensor, p: float, eps: float) -> Tensor:
    """``pairwise_distance``, which also takes two 0-d points (torch's rule): |x1 − x2 + eps|."""
    if x1.ndim == 0 and x2.ndim == 0:
        return pairwise_distance(x1.reshape(1), x2.reshape(1), p, eps)
    return pairwise_distance(x1, x2, p, eps)


def _triplet(
    name: str,
    anchor: Any,
    positive: Any,
    negative: Any,
    distance: Distance,
    margin: float,
    swap: bool,
    reduction: str,
) -> Tensor:
    a, pos, neg = lift(anchor), lift(positive), lift(negative)
    if not a.ndim == pos.ndim == neg.ndim:
        raise ShapeError(
            f"{name}: anchor, positive and negative must have the same number of axes; got "
            f"anchor {tuple(a.shape)}, positive {tuple(pos.shape)}, negative "
            f"{tuple(neg.shape)}. Give all three as (N, D) batches (or all as (D,) vectors)."
        )
    d_pos = distance(a, pos)
    d_neg = distance(a, neg)
    if swap:
        d_neg = ac.minimum(d_neg, distance(pos, neg))
    return reduce_loss(ac.clamp(d_pos - d_neg + margin, min=0.0), reduction, name)


class TripletMarginLoss(LossModule):
    """Module form of :func:`triplet_margin_loss` (torch's defaults: margin=1, p=2, eps=1e-6,
    swap=False, reduction='mean').

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.TripletMarginLoss(margin=2.0)
        TripletMarginLoss(margin=2.0)
    """

    repr_defaults = {"margin": 1.0, "p": 2.0, "eps": 1e-6, "swap": False, "reduction": "mean"}

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        _check_margin("TripletMarginLoss", margin)
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor: Any, positive: Any, negative: Any) -> Tensor:
        return triplet_margin_loss(
            anchor,
            positive,
            negative,
            self.margin,
            self.p,
            self.eps,
            self.swap,
            reduction=self.reduction,
        )


class TripletMarginWithDistanceLoss(LossModule):
    """Module form of :func:`triplet_margin_with_distance_loss`; as in torch, no
    ``distance_function`` stores an ``nn.PairwiseDistance()`` child module.

    Example:
        >>> import nn
        >>> nn.TripletMarginWithDistanceLoss(margin=0.5)
        TripletMarginWithDistanceLoss(margin=0.5
          (distance_function): PairwiseDistance()
        )
        # 0 parameters
    """

    repr_defaults = {"margin": 1.0, "swap": False, "reduction": "mean"}

    def __init__(
        self,
        *,
        distance_function: Distance | None = None,
        margin: float = 1.0,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction=reduction)
        _check_margin("TripletMarginWithDistanceLoss", margin)
        self.distance_function = (
            PairwiseDistance() if distance_function is None else distance_function
        )
        self.margin = margin
        self.swap = swap

    def forward(self, anchor: Any, positive: Any, negative: Any) -> Tensor:
        return triplet_margin_with_distance_loss(
            anchor,
            positive,
            negative,
            distance_function=self.distance_function,
            margin=self.margin,
            swap=self.swap,
            reduction=self.reduction,
        )
