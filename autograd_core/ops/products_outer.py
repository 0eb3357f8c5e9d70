"""The scaled outer-product update ``addr`` (β·input + α·vec1 ⊗ vec2) and ``ger`` (PyTorch's
old name of ``outer``), with PyTorch's checks and dtype rules; compositions of recorded ops
(``mul``, ``add``, ``where``), so their gradients to any order are those ops'."""

from __future__ import annotations

from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.device import get_array_module
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift, promoted_dtype
from autograd_core.ops.diagonals import outer
from autograd_core.tensor import Tensor

__all__ = ["addr", "ger"]


def _scalar_fits(name: str, arg: str, value: Any, dtype: Any) -> None:
    """PyTorch's rule for ``alpha``/``beta``: integer and bool tensors take no float scalar."""
    if isinstance(value, Tensor):
        value = value.item()
    if dtype.kind in "iub" and isinstance(value, float):
        raise DTypeError(
            f"{name}: for integral input tensors, argument {arg} must not be a floating point "
            f"number (got {arg}={value!r} with dtype {dtype}), as in PyTorch. Pass an int, or "
            "convert the tensors to a float dtype."
        )


def addr(input: Any, vec1: Any, vec2: Any, *, beta: Any = 1, alpha: Any = 1) -> Tensor:  # noqa: A002
    """β·input + α·(vec1 ⊗ vec2) (``torch.addr``): the outer product of two vectors (n,) and
    (m,) scaled by α and added to ``input`` (any shape broadcasting to (n, m)) scaled by β.
    The three tensors' dtypes promote, as torch's. β = 0 ignores input's values (NaN and inf
    included) and gives it a zero gradient, as torch. For integer and bool tensors α and β
    must not be floats; for bool ones the result is ``(β and input) or (α and outer)``.

    Raises:
        ShapeError: vec1 or vec2 not 1-D, or input not broadcasting to (n, m).
        DTypeError: a float α or β with integer or bool tensors.

    Example:
        >>> import autograd_core as ac
        >>> ac.addr(ac.ones(2, 3), ac.tensor([1.0, 2.0]), ac.ones(3), alpha=2)
        tensor([[3., 3., 3.],
                [5., 5., 5.]])
    """
    x, v1, v2 = lift(input), lift(vec1), lift(vec2)
    for arg, v in (("vec1", v1), ("vec2", v2)):
        if v.ndim != 1:
            raise ShapeError(
                f"addr: expected 1-D argument {arg}, but got {v.ndim}-D (shape "
                f"{tuple(v.shape)}). Pass vectors; flatten with {arg}.reshape(-1)."
            )
    xp = get_array_module(x.data)
    dtype = promoted_dtype(promoted_dtype(x.dtype, v1.dtype), v2.dtype)
    x, v1, v2 = (t if t.dtype == dtype else t.to(dtype) for t in (x, v1, v2))
    shape = (v1.shape[0], v2.shape[0])
    try:
        ok = broadcast_shapes(tuple(x.shape), shape) == shape
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(
            f"addr: input of shape {tuple(x.shape)} does not broadcast to the outer product's "
            f"shape {shape} (vec1 {tuple(v1.shape)}, vec2 {tuple(v2.shape)}). Pass an input "
            "of that shape or one that expands to it."
        )
    _scalar_fits("addr", "alpha", alpha, dtype)
    _scalar_fits("addr", "beta", beta, dtype)
    product = outer(v1, v2)
    if dtype.kind == "b":
        product = product if alpha else xp.zeros(shape, dtype=bool)
        kept = x if beta else xp.zeros((), dtype=bool)
        return lift(kept) | product
    scaled = product if alpha == 1 else product * alpha
    if beta == 0:  # a False of x's device: x's values never read, its gradient exact zeros
        never = xp.zeros((), dtype=bool)
        return scaled + where(never, x, 0)
    return scaled + (x if beta == 1 else x * beta)


def ger(input: Any, vec2: Any) -> Tensor:  # noqa: A002
    """The outer product of two vectors, ``outer`` under its old name (``torch.ger``, which
    PyTorch keeps as an alias of ``torch.outer``).

    Example:
        >>> import autograd_core as ac
        >>> ac.ger(ac.tensor([1.0, 2.0]), ac.tensor([3.0, 4.0]))
        tensor([[3., 4.],
                [6., 8.]])
    """
    return outer(input, vec2)
