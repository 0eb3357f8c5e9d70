"""Argument handling shared by the functional losses: the reduction, the target, the shape check."""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.reduce import wide_dtype
from autograd_core.tensor import Tensor

__all__ = [
    "REDUCTIONS",
    "check_reduction",
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
