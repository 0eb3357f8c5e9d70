r"""Multi-class and multi-label margin losses, functional and as modules, with PyTorch's arguments
and numbers: ``multilabel_soft_margin_loss``, ``multi_margin_loss``, ``multilabel_margin_loss``
and ``nn.MultiLabelSoftMarginLoss``, ``nn.MultiMarginLoss``, ``nn.MultiLabelMarginLoss``.

Each is composed from engine ops (so differentiable twice, and the same on CuPy). The two hinge
losses follow torch's kernels at the kink: a term max(0, z) contributes where z > 0 only, so its
gradient at z = 0 is 0 (not ``clamp``'s linear side). Class indices are range-checked as
``cross_entropy``'s are (``nn/index_checks.py``): host targets raise IndexError, device targets
give a NaN loss for the bad items, without a device sync.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.device import on_host
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.tensor import Tensor
from nn.index_checks import check_index_range, host_indices, poison
from nn.losses_common import (
    LossModule,
    as_target,
    broadcast_shape,
    check_reduction,
    legacy_reduction,
    reduce_loss,
)

__all__ = [
    "multilabel_soft_margin_loss",
    "multi_margin_loss",
    "multilabel_margin_loss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "MultiLabelMarginLoss",
]


def multilabel_soft_margin_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    r"""One-versus-all logistic loss over C classes, averaged over the classes:

    .. math:: \ell = -\frac{1}{C} \sum_c w_c \bigl[y_c \log\sigma(x_c)
              + (1 - y_c) \log\sigma(-x_c)\bigr]

    with y ∈ {0, 1} (any real works), computed through ``logsigmoid`` so it is finite for any
    finite x. The classes are the input's last axis; ``target`` and ``weight`` broadcast
    against the input (torch's rule, which sums over the input's last axis counted from the
    left even where a target with more axes widens the result). (N, C) gives an (N,) loss,
    (C,) a 0-d one.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.multilabel_soft_margin_loss(ac.tensor([[0.0, 0.0]]), ac.tensor([[1.0, 0.0]]))
        tensor(0.6931472)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "multilabel_soft_margin_loss")
    name = "multilabel_soft_margin_loss"
    check_reduction(reduction, name)
    x = lift(input)
    if x.ndim == 0:
        raise ShapeError(
            f"{name}: input must have a class axis, got a 0-d input. Pass (N, C) scores, or (C,)."
        )
    y = _float_like(target, x)
    w = None if weight is None else _float_like(weight, x)
    operands = dict(input=x, target=y) if w is None else dict(input=x, target=y, weight=w)
    broadcast_shape(name, **operands)
    loss = -(y * ac.logsigmoid(x) + (1.0 - y) * ac.logsigmoid(-x))
    if w is not None:
        loss = loss * w
    n_classes = x.shape[-1]
    per_item = loss.sum(axis=x.ndim - 1) * (1.0 / n_classes if n_classes else float("nan"))
    return reduce_loss(per_item, reduction, name)


def _float_like(value: Any, x: Tensor) -> Tensor:
    """``value`` as a Tensor on x's device, integers and booleans cast to x's float dtype."""
    t = as_target(value, x)
    return t if t.dtype.kind == "f" else t.to(dtype=x.dtype)


def multi_margin_loss(
    input: Any,
    target: Any,
    p: int = 1,
    margin: float = 1.0,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    r"""Multi-class hinge loss (Weston & Watkins, 1999) of scores x and a class
    index y:

    .. math:: \ell = \frac{1}{C} \sum_{j \ne y} w_y \max(0,\ m - x_y + x_j)^p, \quad p \in \{1, 2\}

    ``input`` is (N, C) with an (N,) target, or (C,) with a 0-d or (1,) target (a 0-d input is
    one class); the unreduced loss has the target's shape. ``weight`` has one entry per class;
    ``mean`` divides by N (not by the weights). An empty batch's mean is NaN (torch returns an
    uninitialised number).

    Raises:
        ValueError: p not 1 or 2, or an unknown reduction.
        TypeError: a target that is not integer.
        ShapeError: an input with more than 2 axes or no classes, a target or weight that does
            not fit it.
        IndexError: a host target outside [0, C).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.multi_margin_loss(ac.tensor([[0.1, 0.2, 0.4, 0.8]]), ac.tensor([3]))
        tensor(0.325)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "multi_margin_loss")
    name = "multi_margin_loss"
    check_reduction(reduction, name)
    if isinstance(p, bool) or p not in (1, 2):
        raise ValueError(f"{name}: p must be 1 or 2, got {p!r}. Use p=1 (hinge) or p=2 (squared).")
    x = lift(input)
    rows = _class_rows(name, x)
    n, c = rows.shape
    raw = target
    t = as_target(target, x)
    _check_integer(name, t)
    if t.ndim > 1 or t.numel() != n:
        raise ShapeError(
            f"{name}: target must be 1-D with one class index per sample; got shape "
            f"{tuple(t.shape)} for input of shape {tuple(x.shape)}, expected ({n},). Flatten "
            "it, e.g. target.reshape(-1)."
        )
    xp = x.xp
    idx = t.data.reshape(-1)
    bad = check_index_range(
        name,
        "target class indices",
        idx,
        c,
        host_indices(raw),
        _FIX_CLASSES,
        unit=f" for {c} classes",
    )
    safe = idx if bad is None else xp.where(bad, 0, idx)
    z = rows - ac.take_along_axis(rows, safe[:, None], axis=1) + margin
    others = xp.arange(c)[None, :] != safe[:, None]
    hinge = ac.where(ac.as_tensor(others & (z.data > 0)), z, 0.0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        w = as_target(weight, x)
        if w.ndim != 1 or w.shape[0] != c:
            raise ShapeError(
                f"{name}: weight must be 1-D with one entry per class ({c},), got shape "
                f"{tuple(w.shape)}."
            )
        hinge = hinge * w[safe].reshape(n, 1)
    loss = hinge.sum(axis=1) * (1.0 / c)
    if bad is not None:  # out-of-range device targets: NaN items (index_checks.py)
        loss = loss * ac.as_tensor(poison(xp.ones(n, loss.dtype), bad))
    return reduce_loss(loss.reshape(t.shape), reduction, name)


_FIX_CLASSES = "Check the number of output units of the model."


def _class_rows(name: str, x: Tensor) -> Tensor:
    """x as (N, C) rows: (N, C) unchanged, (C,) as one row, 0-d as one class; a ShapeError
    for more axes or no classes (torch: a non-empty vector or matrix, N = 0 allowed)."""
    if x.ndim > 2 or (x.ndim and x.shape[-1] == 0):
        raise ShapeError(
            f"{name}: input must be (N, C) or (C,) with C ≥ 1 classes, got shape "
            f"{tuple(x.shape)}. Flatten the extra axes into the batch: input.reshape(-1, C)."
        )
    return x.reshape(-1, x.shape[-1]) if x.ndim else x.reshape(1, 1)


def _check_integer(name: str, t: Tensor) -> None:
    if t.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: targets must be integer class indices, got dtype {t.dtype}. Use "
            "target.long()."
        )


def multilabel_margin_loss(
    input: Any,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    r"""Multi-label hinge loss: every target class should score at least 1 above every
    non-target class,

    .. math:: \ell = \frac{1}{C} \sum_{j \in J} \sum_{i \notin J} \max(0,\ 1 - (x_j - x_i))

    ``target`` has the input's shape and lists the target classes J first, then −1 after the
    last one (torch's padding: the list stops at the first −1, and later entries are only
    range-checked). A class listed twice counts twice, as in torch. (N, C) gives an (N,) loss,
    (C,) a 0-d one. Holds an (N, K, C) mask for backward, K the longest target list (C for
    targets on a device, whose lengths are not read). An empty batch's mean is NaN.

    Raises:
        ValueError: an unknown reduction.
        TypeError: a target that is not integer.
        ShapeError: an input with more than 2 axes or no classes, a target of another shape.
        IndexError: a host target outside [−1, C).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> x = ac.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> F.multilabel_margin_loss(x, ac.tensor([[3, 0, -1, 1]]))
        tensor(0.85)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "multilabel_margin_loss")
    name = "multilabel_margin_loss"
    check_reduction(reduction, name)
    x = lift(input)
    rows = _class_rows(name, x)
    n, c = rows.shape
    raw = target
    t = as_target(target, x)
    _check_integer(name, t)
    fits = tuple(t.shape) == tuple(x.shape) if x.ndim == 2 else t.ndim <= 1 and t.numel() == c
    if not fits:
        raise ShapeError(
            f"{name}: target must have the input's shape, got {tuple(t.shape)} for input of "
            f"shape {tuple(x.shape)}. List each sample's target classes, then pad with -1."
        )
    xp = x.xp
    idx = t.data.reshape(n, c)
    bad = check_index_range(
        name,
        "target labels",
        idx.reshape(-1),
        c,
        host_indices(raw),
        "List class indices, then pad with -1.",
        ignore=-1,
        unit=f" (or be -1) for {c} classes",
    )
    active = xp.cumsum(idx < 0, axis=1) == 0  # the labels before the first -1
    if bad is not None:
        bad = bad.reshape(n, c).any(axis=1)
        active &= ~bad[:, None]
    k = int(active.sum(axis=1).max()) if on_host(idx) and n else c  # the longest list
    active = active[:, :k]
    labels = xp.where(active, idx[:, :k], c)  # c: a spare column for the padding
    is_target = xp.zeros((n, c + 1), dtype=bool)
    is_target[xp.arange(n)[:, None], labels] = True
    keep = active[:, :, None] & ~is_target[:, None, :c]
    x_j = ac.take_along_axis(rows, xp.where(active, labels, 0), axis=1)
    z = rows.reshape(n, 1, c) - x_j.reshape(n, k, 1) + 1.0
    hinge = ac.where(ac.as_tensor(keep & (z.data > 0)), z, 0.0)
    loss = hinge.sum(axis=(1, 2)) * (1.0 / c)
    if bad is not None:  # out-of-range device targets: NaN items (index_checks.py)
        loss = loss * ac.as_tensor(poison(xp.ones(n, loss.dtype), bad))
    return reduce_loss(loss if x.ndim == 2 else loss.reshape(()), reduction, name)


class MultiLabelSoftMarginLoss(LossModule):
    """Module form of :func:`multilabel_soft_margin_loss` (weight=None, reduction='mean').

    Example:
        >>> import nn
        >>> nn.MultiLabelSoftMarginLoss()
        MultiLabelSoftMarginLoss()
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.weight = weight

    def forward(self, input: Any, target: Any) -> Tensor:  # noqa: A002
        return multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class MultiMarginLoss(LossModule):
    """Module form of :func:`multi_margin_loss` (p=1, margin=1, weight=None, reduction='mean').

    Example:
        >>> import nn
        >>> nn.MultiMarginLoss(p=2)
        MultiMarginLoss(p=2)
    """

    repr_defaults = {"p": 1, "margin": 1.0, "reduction": "mean"}

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        weight: Any = None,
        size_average: bool | None = None,
        reduce: bool | None = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        if isinstance(p, bool) or p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: p must be 1 or 2, got {p!r}.")
        if weight is not None and lift(weight).ndim != 1:
            raise ShapeError(
                f"MultiMarginLoss: weight must be None or 1-D (one entry per class), got shape "
                f"{tuple(lift(weight).shape)}."
            )
        self.p = p
        self.margin = margin
        self.weight = weight

    def forward(self, input: Any, target: Any) -> Tensor:  # noqa: A002
        return multi_margin_loss(
            input, target, self.p, self.margin, self.weight, reduction=self.reduction
        )


class MultiLabelMarginLoss(LossModule):
    """Module form of :func:`multilabel_margin_loss` (reduction='mean').

    Example:
        >>> import nn
        >>> nn.MultiLabelMarginLoss(reduction="sum")
        MultiLabelMarginLoss(reduction='sum')
    """

    def forward(self, input: Any, target: Any) -> Tensor:  # noqa: A002
        return multilabel_margin_loss(input, target, reduction=self.reduction)
