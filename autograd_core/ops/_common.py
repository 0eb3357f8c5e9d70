"""Helpers shared by the op families: turning Python scalars into operands, axis handling."""

from __future__ import annotations

from typing import Any

from autograd_core.creation import as_array
from autograd_core.device import get_array_module
from autograd_core.tensor import Tensor

__all__ = ["lift", "lift_pair", "normalize_axis", "const"]


def lift(value: Any, like: Tensor | None = None) -> Tensor:
    """Return ``value`` as a Tensor; a Python scalar takes the dtype NumPy's weak-scalar rule
    gives it next to ``like`` (so ``float32 * 2.0`` stays float32) and ``like``'s device."""
    if isinstance(value, Tensor):
        return value
    if like is None:
        return Tensor._make(as_array(value), False, None)
    xp = get_array_module(like.data)
    if isinstance(value, (bool, int, float, complex)):
        dtype = xp.result_type(like.data.dtype, value)
        return Tensor._make(xp.asarray(value, dtype=dtype), False, None)
    return Tensor._make(xp.asarray(as_array(value)), False, None)


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors (at least one must already be a Tensor)."""
    if isinstance(a, Tensor):
        return (a, b) if isinstance(b, Tensor) else (a, lift(b, a))
    return lift(a, b), b


def const(array: Any) -> Tensor:
    """Wrap an array that is a constant for differentiation (a mask, indices)."""
    return Tensor._make(array, False, None)


def normalize_axis(axis: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """Turn ``axis`` (int, tuple, or None for all) into a sorted tuple of non-negative axes."""
    if axis is None:
        return None
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, without the loop below
        return (axis % ndim,)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -max(ndim, 1) <= a < max(ndim, 1):
            from autograd_core.errors import ShapeError

            raise ShapeError(
                f"{op}: axis {a} is out of range for a tensor with {ndim} dimension(s); valid "
                f"axes are {-max(ndim, 1)} to {max(ndim, 1) - 1}."
            )
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        from autograd_core.errors import ShapeError

        raise ShapeError(f"{op}: axis {axis!r} repeats an axis.")
    return tuple(sorted(out))


def dim_arg(op: str, dim: Any, axis: Any) -> Any:
    """Accept PyTorch's ``dim`` or NumPy's ``axis`` (not both)."""
    if dim is not None and axis is not None:
        raise TypeError(f"{op}: pass dim or axis, not both.")
    return axis if dim is None else dim


def keep_arg(op: str, keepdim: Any, keepdims: Any) -> bool:
    """Accept PyTorch's ``keepdim`` or NumPy's ``keepdims``."""
    if keepdim is not None and keepdims is not None:
        raise TypeError(f"{op}: pass keepdim or keepdims, not both.")
    return bool(keepdim if keepdim is not None else keepdims)
