"""Comparing whole tensors: isclose (elementwise, with tolerances), allclose and equal (one
Python bool). None of them has a gradient."""

from __future__ import annotations

from typing import Any

from autograd_core.broadcast import broadcast_shapes
from autograd_core.device import to_device
from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["isclose", "allclose", "equal"]


@register_op("isclose", differentiable=False)
class IsClose(Op):
    """Elementwise a == b or |a − b| ≤ atol + rtol·|b| (both finite), broadcasting; with
    ``equal_nan`` two NaNs are close too. A bool tensor, no gradient."""

    def forward(self, a: Any, b: Any, rtol: float, atol: float, equal_nan: bool) -> Any:
        xp = self.xp
        same = a == b
        if a.dtype.kind == "b":
            return same
        if a.dtype.kind in "iu":  # integers compare in float64, as numbers (no wrap-around)
            a, b = a.astype(xp.float64), b.astype(xp.float64)
        if equal_nan:
            same |= xp.isnan(a) & xp.isnan(b)
        finite = xp.isfinite(a) & xp.isfinite(b)
        a, b = xp.where(finite, a, 0), xp.where(finite, b, 0)  # (no inf - inf below)
        return same | (finite & (xp.abs(a - b) <= atol + rtol * xp.abs(b)))


def _pair(name: str, input: Any, other: Any) -> tuple[Tensor, Tensor]:  # noqa: A002
    a = lift(input)
    b = lift(other, a)
    if a.dtype != b.dtype:
        raise DTypeError(
            f"{name}: input has dtype {a.dtype} and other has dtype {b.dtype}; they must match "
            f"(shapes {tuple(a.shape)} and {tuple(b.shape)}). Convert one: other.to(input.dtype)."
        )
    broadcast_shapes(a.shape, b.shape, op=name)  # (a ShapeError naming both shapes)
    return a, b


def isclose(
    input: Any,  # noqa: A002  (PyTorch's name)
    other: Any,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    r"""Elementwise closeness, as ``torch.isclose``: a bool tensor, true where

    .. math:: |\text{input} - \text{other}| \le \text{atol} + \text{rtol} \cdot |\text{other}|

    or where the two are equal (so ±inf is close only to itself). NaN is close to nothing,
    unless ``equal_nan`` (then NaN is close to NaN). ``input`` and ``other`` broadcast and must
    have the same dtype; integers compare as numbers, bools by equality. No gradient.

    Raises:
        ValueError: if ``rtol`` or ``atol`` is negative.
        DTypeError: if the dtypes differ.

    Example:
        >>> import autograd_core as ac
        >>> nan = float("nan")
        >>> ac.isclose(ac.tensor([1.0, 2.0, nan]), ac.tensor([1.0 + 1e-9, 2.1, nan]))
        tensor([ True, False, False])
    """
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not tol >= 0:
            raise ValueError(f"isclose: {name} must be >= 0, got {tol!r}.")
    a, b = _pair("isclose", input, other)
    return IsClose.apply(a, b, rtol=float(rtol), atol=float(atol), equal_nan=bool(equal_nan))


def allclose(
    input: Any,  # noqa: A002
    other: Any,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    """Whether every pair of entries is close (``isclose(...).all()``), as ``torch.allclose``:
    a Python bool. The two broadcast against each other and must have the same dtype.

    Example:
        >>> import autograd_core as ac
        >>> ac.allclose(ac.tensor([1.0, 2.0]), ac.tensor([1.0, 2.0 + 1e-7]))
        True
    """
    close = isclose(input, other, rtol, atol, equal_nan)
    return bool(to_device(close.data.all(), "cpu"))


def equal(input: Any, other: Any) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape and equal entries, as ``torch.equal``: a
    Python bool. Values compare after type promotion (``equal(int [1], float [1.0])`` is
    True); NaN equals nothing; shapes do not broadcast.

    Example:
        >>> import autograd_core as ac
        >>> ac.equal(ac.tensor([1, 2]), ac.tensor([1.0, 2.0])), ac.equal(ac.ones(2), ac.ones(1))
        (True, False)
    """
    a, b = lift(input), lift(other)
    if tuple(a.shape) != tuple(b.shape):
        return False
    return bool(to_device((a.data == b.data).all(), "cpu"))
