"""Argument handling shared by the functional losses: the reduction, the target, the shape check."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.reduce import wide_dtype
from autograd_core.tensor import Tensor
from nn.module import Module

__all__ = [
    "REDUCTIONS",
    "check_reduction",
    "legacy_reduction",
    "LossModule",
    "reduce_loss",
    "sum_over",
    "as_target",
    "check_same_shape",
    "broadcast_shape",
]

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str, name: str) -> None:
    """A ValueError naming ``name`` unless ``reduction`` is 'mean', 'sum' or 'none' (raised before
    any work, as PyTorch does)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}.")


def legacy_reduction(
    size_average: Any, reduce: Any, reduction: str, name: str, stacklevel: int = 3
) -> str:
    """The reduction a loss uses, given PyTorch's deprecated ``size_average`` and ``reduce``.

    With both None, ``reduction`` as given. Otherwise they override it by torch's legacy rule
    (``torch/nn/_reduction.py``): a None flag counts as True; both true give 'mean', ``reduce``
    true with ``size_average`` false gives 'sum', ``reduce`` false gives 'none' (whatever
    ``size_average`` is); a UserWarning then names the ``reduction=`` to write instead, in torch's
    words. ``stacklevel`` points the warning at the caller's line (3: the caller of the loss that
    called this).

    One deliberate difference: a string in either flag is a TypeError. It is almost always a
    reduction passed by position to a loss whose third (or later) parameter is now a flag, e.g.
    ``mse_loss(x, y, 'sum')``; torch would read ``'sum'`` as true and silently take the mean.
    """
    if size_average is None and reduce is None:
        return reduction
    for flag, value in (("size_average", size_average), ("reduce", reduce)):
        if isinstance(value, str):
            raise TypeError(
                f"{name}: {flag} got the string {value!r}; it is PyTorch's deprecated boolean "
                f"flag, in the position where older code passed the reduction. Pass "
                f"reduction={value!r} by keyword."
            )
    average = True if size_average is None else size_average
    summed = True if reduce is None else reduce
    if average and summed:
        legacy = "mean"
    elif summed:
        legacy = "sum"
    else:
        legacy = "none"
    warnings.warn(
        "size_average and reduce args will be deprecated, please use "
        f"reduction='{legacy}' instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return legacy


class LossModule(Module):
    """Base of the loss modules: torch's ``_Loss`` constructor arguments
    ``(size_average=None, reduce=None, reduction='mean')``, the legacy pair resolved once here
    by ``legacy_reduction`` (the warning points at the line that built the module).

    ``extra_repr`` prints the options in ``repr_defaults`` (attribute name → default) that
    differ from their defaults, in that order: ``MSELoss()`` prints as torch's (torch's losses
    print no options), ``MSELoss(reduction='sum')`` says so, where torch would hide it.
    """

    reductions: tuple[str, ...] = REDUCTIONS
    repr_defaults: dict[str, Any] = {"reduction": "mean"}

    def __init__(
        self, size_average: bool | None = None, reduce: bool | None = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        level, frame = 3, sys._getframe(1)  # one more level per subclass __init__ on the way
        while frame is not None and frame.f_code.co_name == "__init__":
            if frame.f_locals.get("self") is not self:
                break
            level, frame = level + 1, frame.f_back
        name = type(self).__name__
        reduction = legacy_reduction(size_average, reduce, reduction, name, stacklevel=level)
        if reduction not in self.reductions:
            raise ValueError(
                f"{name}: reduction must be one of {self.reductions}, got {reduction!r}."
            )
        self.reduction = reduction

    def extra_repr(self) -> str:
        return ", ".join(
            f"{key}={getattr(self, key)!r}"
            for key, default in self.repr_defaults.items()
            if not _same(getattr(self, key), default)
        )


def _same(value: Any, default: Any) -> bool:
    """Whether an option equals its default (2 and 2.0 count as equal; True and 1 do not)."""
    return (type(value) is bool) == (type(default) is bool) and value == default


def reduce_loss(loss: Tensor, reduction: str, name: str) -> Tensor:
    """The per-element ``loss`` reduced by ``reduction``; ``name`` is the loss in the error."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}.")


def sum_over(loss: Tensor, total: Any) -> Tensor:
    """Σ loss / ``total`` (a count, or a sum of weights, as a number or a 0-d array), in loss's
    dtype.

    float16 is summed and divided in float32 and rounded once at the end: a float16 sum of
    more than 65,504 unit losses, or a count or weight sum above 65,504, is inf (the mean loss
    was then 0 or NaN, and so was its gradient). The total should be computed in
    ``wide_dtype`` too. float32 and float64 are summed and divided as they are.
    """
    wide = wide_dtype(loss.dtype)
    xp = loss.xp
    if isinstance(total, (int, float)):  # a count: filled in on the device, not copied there
        denom = ac.as_tensor(xp.full((), total, dtype=wide))
    else:
        denom = ac.as_tensor(xp.asarray(total, dtype=wide))
    if wide == loss.dtype:
        return loss.sum() / denom
    return (loss.astype(wide).sum() / denom).astype(loss.dtype)


def as_target(target: Any, like: Tensor) -> Tensor:
    """The target as a Tensor on ``like``'s device; float data takes ``like``'s dtype."""
    if isinstance(target, Tensor):
        t = target
    else:
        t = Tensor(like.xp.asarray(ac.tensor(target).data))
    if t.dtype.kind == "f" and t.dtype != like.dtype and like.dtype.kind == "f":
        t = t.to(dtype=like.dtype)
    return t


def check_same_shape(input: Tensor, target: Tensor, name: str) -> None:
    """A ShapeError unless ``input`` and ``target`` have the same shape (no silent broadcast)."""
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(
            f"{name}: input shape {tuple(input.shape)} and target shape {tuple(target.shape)} "
            "differ; they would be broadcast to each other, which is almost always a bug (a "
            "(N, 1) prediction against an (N,) target gives an (N, N) loss). Reshape one of "
            "them, e.g. target.reshape(input.shape)."
        )


def broadcast_shape(name: str, **tensors: Tensor) -> tuple[int, ...]:
    """The common broadcast shape of the named ``tensors``, or a ShapeError naming them all."""
    shapes = {key: tuple(t.shape) for key, t in tensors.items()}
    try:
        return tuple(ac.broadcast_shapes(*shapes.values()))
    except (ValueError, ShapeError):
        seen = ", ".join(f"{key} {shape}" for key, shape in shapes.items())
        raise ShapeError(
            f"{name}: the shapes do not broadcast: {seen}. Give them equal sizes (or size 1) on "
            "each trailing axis."
        ) from None
