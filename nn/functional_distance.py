"""Distances and normalisation along an axis: ``cosine_similarity``, ``pairwise_distance`` and
``normalize``, and distances within one set of points (``pdist``), with PyTorch's arguments,
defaults and numbers.

The first three are composed from engine ops (``norm``, ``maximum``, division), so they are
differentiable twice and run unchanged on CuPy. They hold what their ops hold: the inputs and
the per-vector norms (one value per reduced vector), nothing of the size of the input beyond
that.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.distances import pairwise_rows
from autograd_core.tensor import Tensor

__all__ = ["cosine_similarity", "pairwise_distance", "normalize", "pdist"]


def _broadcast_pair(name: str, x1: Any, x2: Any) -> tuple[Tensor, Tensor]:
    """Both inputs as Tensors of their common broadcast shape, or a ShapeError naming both."""
    if not isinstance(x1, Tensor) and not isinstance(x2, Tensor):
        x1 = lift(x1)
    x1 = lift(x1, x2 if isinstance(x2, Tensor) else None)
    x2 = lift(x2, x1)
    try:
        shape = ac.broadcast_shapes(x1.shape, x2.shape)
    except (ValueError, ShapeError):
        raise ShapeError(
            f"{name}: x1 and x2 do not broadcast. Shapes seen: {tuple(x1.shape)} and "
            f"{tuple(x2.shape)}. Give them equal sizes (or size 1) on each axis."
        ) from None
    return ac.broadcast_to(x1, shape), ac.broadcast_to(x2, shape)


def _clamped_norm(x: Tensor, axis: int, eps: float) -> Tensor:
    """The 2-norm over ``axis`` (kept), with torch 2.x's convention: its *value* is clamped from
    below at ``eps`` but its *gradient* is the unclamped norm's (torch clamps in place under
    no_grad). Written as ``n + const(max(n, eps) - n)``, exact where ``n >= eps``."""
    n = ac.norm(x, 2, dim=axis, keepdim=True)
    held = n.detach()
    return n + (ac.maximum(held, eps) - held)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``, as ``torch.nn.functional.
    cosine_similarity``: the inputs broadcast, each is divided by its own 2-norm clamped from
    below at ``eps`` (torch 2.x's formula), and the products are summed over ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> from nn.functional_distance import cosine_similarity
        >>> cosine_similarity(ac.tensor([[1.0, 0.0], [0.0, 1.0]]), ac.tensor([[2.0, 0.0]]))
        tensor([1., 0.])
    """
    x1, x2 = _broadcast_pair("cosine_similarity", x1, x2)
    (axis,) = normalize_axis("cosine_similarity", dim, tuple(x1.shape), word="dim")
    n1, n2 = _clamped_norm(x1, axis, eps), _clamped_norm(x2, axis, eps)
    return ((x1 / n1) * (x2 / n2)).sum(axis=axis)


def pairwise_distance(
    x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """The p-norm of ``x1 - x2 + eps`` over the last axis, as ``torch.nn.functional.
    pairwise_distance`` (the inputs broadcast; any real p, ±inf included, as ``ac.norm``;
    the gradient at a zero difference is 0, as torch's).

    Example:
        >>> import autograd_core as ac
        >>> from nn.functional_distance import pairwise_distance
        >>> pairwise_distance(ac.tensor([[3.0, 4.0]]), ac.tensor([[0.0, 0.0]]), eps=0.0)
        tensor([5.])
    """
    x1, x2 = _broadcast_pair("pairwise_distance", x1, x2)
    if x1.ndim == 0:
        raise ShapeError(
            "pairwise_distance: inputs must have at least one axis. Shapes seen: () and (). "
            "Reshape the scalars to shape (1,)."
        )
    return ac.norm(x1 - x2 + eps, p, dim=-1, keepdim=keepdim)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:  # noqa: A002
    """``input / max(||input||_p, eps)`` along ``dim``, as ``torch.nn.functional.normalize``
    (the clamp is an ordinary one: no gradient flows through the norm where it is below eps).

    Example:
        >>> import autograd_core as ac
        >>> from nn.functional_distance import normalize
        >>> normalize(ac.tensor([[3.0, 4.0], [0.0, 0.0]]))
        tensor([[0.6, 0.8],
                [0. , 0. ]])
    """
    x = lift(input)
    if x.ndim == 0:
        raise ShapeError(
            "normalize: input must have at least one axis. Shape seen: (). "
            "Reshape it to shape (1,) or divide by its absolute value."
        )
    (axis,) = normalize_axis("normalize", dim, tuple(x.shape), word="dim")
    return x / ac.clamp(ac.norm(x, p, dim=axis, keepdim=True), min=eps)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """‖x[i] − x[j]‖ₚ for every pair of rows i < j of an (N, M) input, in row-major order: a
    vector of N(N−1)/2 distances, as ``torch.nn.functional.pdist``. p ≥ 0 or inf; the gradient
    of a zero distance is 0. Holds the (N(N−1)/2, M) pairwise differences for backward.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pdist(ac.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]]))
        tensor([5., 0., 5.])
    """
    return pairwise_rows("pdist", input, p)
