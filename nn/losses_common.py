"""Argument handling shared by the functional losses: the reduction, the target, the shape check."""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor

__all__ = ["REDUCTIONS", "reduce_loss", "as_target", "check_same_shape"]

REDUCTIONS = ("mean", "sum", "none")


def reduce_loss(loss: Tensor, reduction: str, name: str) -> Tensor:
    """The per-element ``loss`` reduced by ``reduction``; ``name`` is the loss in the error."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}.")


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
