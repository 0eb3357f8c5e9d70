"""The arithmetic functions with PyTorch's signatures, over the ops of binary.py and
division.py: ``add`` and ``sub`` with ``alpha``, ``div`` with ``rounding_mode``, ``rsub``,
``clamp_min`` and ``clamp_max``, and PyTorch's aliases ``subtract``, ``multiply``, ``divide``,
``negative`` and ``positive``.

All are compositions of registered ops (no op of their own): ``add(x, y, alpha=a)`` is
``x + a · y``, ``div(x, y, rounding_mode="trunc")`` is ``trunc(x / y)`` (integers: C's
truncating division), ``rounding_mode="floor"`` is ``floor_divide``. Each becomes a Tensor
method (``x.add(y, alpha=2)``) like every public op function; the in-place forms are in
inplace.py.
"""

from __future__ import annotations

from typing import Any

import numpy  # scalar types only

from autograd_core.errors import DTypeError
from autograd_core.ops.binary import Add, Div, Sub, logical_and, mul
from autograd_core.ops.common import float_pair, lift, lift_pair, write_out
from autograd_core.ops.division import floor_divide, remainder
from autograd_core.ops.piecewise import trunc
from autograd_core.ops.unary import clip, neg
from autograd_core.tensor import Tensor

__all__ = [
    "add",
    "sub",
    "div",
    "rsub",
    "subtract",
    "multiply",
    "divide",
    "negative",
    "positive",
    "clamp_min",
    "clamp_max",
]

_ROUNDING_MODES = (None, "trunc", "floor")


def _scaled(api: str, a: Tensor, b: Tensor, alpha: Any) -> Tensor:
    """``alpha · b`` for ``a ± alpha · b``, with PyTorch's rules for ``alpha``: a Python
    number; a float refused for integer results; a bool result takes it as a bool."""
    if isinstance(alpha, Tensor):
        raise TypeError(
            f"{api}: alpha must be a Python number, got a Tensor of shape {tuple(alpha.shape)}. "
            f"Multiply the tensor instead: ac.{api}(x, alpha * y)."
        )
    kinds = {a.dtype.kind, b.dtype.kind}
    if kinds == {"b"}:
        return b if alpha else logical_and(b, False)
    if kinds <= set("biu") and isinstance(alpha, (float, complex, numpy.inexact)):
        raise DTypeError(
            f"{api}: alpha={alpha!r} is a floating point number, and the operands ({a.dtype}, "
            f"{b.dtype}) give an integer result; PyTorch refuses it there too. Pass an integer "
            "alpha, or convert an operand to floating point first (x.double())."
        )
    return b if alpha == 1 else mul(b, alpha)


def _unit(alpha: Any) -> bool:
    """Whether ``alpha`` is the default 1 (nothing to scale or check)."""
    return type(alpha) is int and alpha == 1


def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """input + alpha · other with broadcasting (alpha: a Python number; ``torch.add``);
    ``out=`` stores the result in an existing tensor (not while recording gradients, as in
    PyTorch). The gradient to ``other`` is alpha · ȳ.

    alpha · other is rounded before the sum (PyTorch fuses them into one multiply-add): the
    results can differ by an ulp, and alpha · other can overflow where PyTorch's sum is
    finite (add(−1e308, 1e308, alpha=2.5): inf here, 1.5e308 in PyTorch).

    Raises:
        DTypeError: a non-integer alpha for integer operands.

    Example:
        >>> import autograd_core as ac
        >>> ac.add(ac.tensor([1.0, 2.0]), 1)
        tensor([2., 3.])
        >>> ac.add(ac.tensor([1.0, 2.0]), ac.tensor([1.0, 1.0]), alpha=-3)
        tensor([-2., -1.])
    """
    a, b = lift_pair(input, other)
    if not _unit(alpha):
        b = _scaled("add", a, b, alpha)
    return write_out("add", Add.apply_pair(a, b), out)


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """input − alpha · other with broadcasting (``torch.sub``; alpha and ``out=`` as in
    ``add``). Alias ``subtract``. A bool operand (a tensor or a Python bool) is refused, as in
    PyTorch: to invert a mask use ``~``, to compare two use ``^``."""
    _refuse_bool("sub", input, other)
    a, b = lift_pair(input, other)
    if not _unit(alpha):
        b = _scaled("sub", a, b, alpha)
    return write_out("sub", Sub.apply_pair(a, b), out)


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:  # noqa: A002
    """other − alpha · input (``torch.rsub``: ``sub`` with its operands swapped).

    Example:
        >>> import autograd_core as ac
        >>> ac.rsub(ac.tensor([1.0, 2.0]), 10, alpha=2)
        tensor([8., 6.])
    """
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        input = lift(input)
    _refuse_bool("rsub", input, other)
    b, a = lift_pair(input, other)
    if not _unit(alpha):
        b = _scaled("rsub", a, b, alpha)
    return Sub.apply_pair(a, b)


def _refuse_bool(op: str, *operands: Any) -> None:
    """A DTypeError when an operand of a subtraction is a bool tensor or a Python or NumPy
    bool (PyTorch refuses them all: ``mask - 1`` is almost always a mistaken ``~mask``)."""
    kinds = [
        o.dtype.kind if isinstance(o, Tensor) else "b" if isinstance(o, (bool, numpy.bool_)) else ""
        for o in operands
    ]
    if "b" in kinds:
        seen = [str(o.dtype) if isinstance(o, Tensor) else type(o).__name__ for o in operands]
        raise DTypeError(
            f"{op}: subtraction with a bool operand is not supported (as in PyTorch); got "
            f"{' and '.join(seen)}. To invert a mask use ~mask or logical_not, to compare two "
            "masks use ^ (logical_xor); or convert first: mask.long()."
        )


def div(
    input: Any,  # noqa: A002
    other: Any,
    *,
    rounding_mode: str | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """input / other with broadcasting (``torch.div``); ``out=`` as in ``add``.

    ``rounding_mode``: None, true division (two integer or bool operands give the default
    float dtype); ``"trunc"``, the quotient rounded towards zero (C's integer division for
    integers, which keep their dtype); ``"floor"``, rounded towards −∞ (``floor_divide``).
    The rounded forms are piecewise constant: their results do not require grad (PyTorch's
    require grad and back-propagate zeros). Alias ``divide``.

    Raises:
        ValueError: another ``rounding_mode``.
        DTypeError: a rounded division of two bool operands.
        ZeroDivisionError: a rounded integer division by zero.

    Example:
        >>> import autograd_core as ac
        >>> ac.div(ac.tensor([7, -7]), 2, rounding_mode="trunc")
        tensor([ 3, -3])
    """
    if rounding_mode not in _ROUNDING_MODES:
        raise ValueError(
            f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}. "
            "None divides exactly; 'trunc' rounds towards zero, 'floor' towards -inf."
        )
    if rounding_mode is None:
        return write_out("div", Div.apply_pair(*float_pair(input, other)), out)
    a, b = lift_pair(input, other)
    if rounding_mode == "floor":
        return write_out("div", floor_divide(a, b), out)
    if a.dtype.kind == "b" and b.dtype.kind == "b":
        raise DTypeError(
            "div: rounding_mode='trunc' is not defined for two bool operands (as in PyTorch). "
            "Convert them to an integer dtype first: x.long()."
        )
    if a.dtype.kind in "iub" and b.dtype.kind in "iub":
        q = floor_divide(a, b)  # (raises ZeroDivisionError for a zero divisor)
        # ⌊a / b⌋ is one below trunc(a / b) where the division is inexact and a / b < 0
        up = (remainder(a, b) != 0) & ((a < 0) != (b < 0))
        return write_out("div", q + up.to(q.dtype), out)
    return write_out("div", trunc(Div.apply_pair(a, b).detach()), out)


def subtract(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Alias of :func:`sub` (PyTorch's name)."""
    return sub(input, other, alpha=alpha, out=out)


def multiply(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Alias of ``mul`` (PyTorch's name)."""
    return mul(input, other, out=out)


def divide(
    input: Any,  # noqa: A002
    other: Any,
    *,
    rounding_mode: str | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Alias of :func:`div` (PyTorch's name)."""
    return div(input, other, rounding_mode=rounding_mode, out=out)


def negative(input: Any) -> Tensor:  # noqa: A002
    """Alias of ``neg``: −input (PyTorch's name)."""
    return neg(input)


def positive(input: Tensor) -> Tensor:  # noqa: A002
    """``input`` itself (``torch.positive``, ``+x``); refused for bool, as in PyTorch.

    Raises:
        DTypeError: a bool tensor.
    """
    input = lift(input)
    if input.dtype.kind == "b":
        raise DTypeError(
            f"positive: not defined for a bool tensor (shape {tuple(input.shape)}), as in "
            "PyTorch. Convert it first: x.long()."
        )
    return input


def clamp_min(input: Any, min: Any) -> Tensor:  # noqa: A002
    """max(input, min) elementwise: ``clamp(input, min=min)`` (``torch.clamp_min``)."""
    return clip(input, min=min)


def clamp_max(input: Any, max: Any) -> Tensor:  # noqa: A002
    """min(input, max) elementwise: ``clamp(input, max=max)`` (``torch.clamp_max``)."""
    return clip(input, max=max)
