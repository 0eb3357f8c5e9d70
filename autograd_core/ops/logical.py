"""Boolean reductions: all and any (no gradient)."""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops._common import dim_arg, keep_arg, lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["all", "any"]


@register_op("all", differentiable=False)
class All(Op):
    """True where every element along ``axis`` is nonzero; a bool tensor, no gradient."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return self.xp.all(x, axis=axis, keepdims=keepdims)


@register_op("any", differentiable=False)
class Any_(Op):
    """True where some element along ``axis`` is nonzero; a bool tensor, no gradient."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return self.xp.any(x, axis=axis, keepdims=keepdims)


def all(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether all elements (along ``dim``/``axis``) are nonzero.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 0], [1, 1]]).all(dim=1)
        tensor([False,  True])
    """
    x = lift(x)
    axes = normalize_axis("all", dim_arg("all", dim, axis), x.shape)
    return All.apply(x, axis=axes, keepdims=keep_arg("all", keepdim, keepdims))


def any(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether any element (along ``dim``/``axis``) is nonzero.

    Example:
        >>> import autograd_core as ac
        >>> bool((ac.tensor([0.0, 2.0]) > 1).any())
        True
    """
    x = lift(x)
    axes = normalize_axis("any", dim_arg("any", dim, axis), x.shape)
    return Any_.apply(x, axis=axes, keepdims=keep_arg("any", keepdim, keepdims))
