"""Boolean reductions: all and any (no gradient). The result is bool, except for a uint8
input, where it is uint8 (0 or 1), as in PyTorch (a leftover of uint8 masks)."""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.reduce import reduction_args
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["all", "any"]


@register_op("all", differentiable=False)
class All(Op):
    """True where every element along ``axis`` is nonzero; a bool tensor (uint8 for a uint8
    input, as PyTorch), no gradient."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return _like_torch(x, self.xp.all(x, axis=axis, keepdims=keepdims))


@register_op("any", differentiable=False)
class Any_(Op):
    """True where some element along ``axis`` is nonzero; a bool tensor (uint8 for a uint8
    input, as PyTorch), no gradient."""

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return _like_torch(x, self.xp.any(x, axis=axis, keepdims=keepdims))


def _like_torch(x: Any, result: Any) -> Any:
    """``result`` (bool) in PyTorch's result dtype for all/any of ``x``: uint8 for a uint8
    input, bool for every other dtype."""
    return result.astype(x.dtype) if x.dtype.kind == "u" and x.dtype.itemsize == 1 else result


def all(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether all elements (along ``dim``/``axis``) are nonzero: a bool tensor, or a uint8
    one (0/1) for a uint8 input, as ``torch.all``.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1, 0], [1, 1]]).all(dim=1)
        tensor([False,  True])
    """
    x, axes, keep = reduction_args("all", x, dim, keepdim, axis, keepdims, empty_dim_is_all=False)
    return All.apply(x, axis=axes, keepdims=keep)


def any(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Whether any element (along ``dim``/``axis``) is nonzero: a bool tensor, or a uint8
    one (0/1) for a uint8 input, as ``torch.any``.

    Example:
        >>> import autograd_core as ac
        >>> bool((ac.tensor([0.0, 2.0]) > 1).any())
        True
    """
    x, axes, keep = reduction_args("any", x, dim, keepdim, axis, keepdims, empty_dim_is_all=False)
    return Any_.apply(x, axis=axes, keepdims=keep)
