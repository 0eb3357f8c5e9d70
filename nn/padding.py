"""Padding layers over ``F.pad``: ``nn.ZeroPad1d/2d/3d``, ``ConstantPad*``, ``ReflectionPad*``,
``ReplicationPad*`` and ``CircularPad*``, with torch's arguments, attributes and reprs.

``padding`` is an int (the same amount on every side) or a tuple of 2·n amounts, last axis
first: ``(left, right)``, ``(left, right, top, bottom)``, ``(…, front, back)``. The layers hold
no parameters; the work and what it holds are ``F.pad``'s (``autograd_core/ops/padding.py``).
"""

from __future__ import annotations

import numbers
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.padding import pad
from autograd_core.tensor import Tensor
from nn.module import Module

__all__ = [
    f"{kind}Pad{n}d"
    for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")
    for n in (1, 2, 3)
]


def _amounts(name: str, padding: Any, n: int) -> tuple[int, ...]:
    """``padding`` as the tuple of 2·n ints torch stores, or a ShapeError naming the layer."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return (int(padding),) * (2 * n)
    amounts = tuple(padding) if isinstance(padding, (tuple, list)) else ()
    if len(amounts) != 2 * n or not all(
        isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in amounts
    ):
        raise ShapeError(
            f"{name}: padding must be an int or {2 * n} ints (last axis first). Got "
            f"{padding!r}. Pass e.g. {(1,) * (2 * n)}."
        )
    return tuple(int(a) for a in amounts)


class _PadNd(Module):
    """The shared layer: ``n`` padded axes, an F.pad ``mode``; subclasses fix both."""

    n = 1
    mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _amounts(type(self).__name__, padding, self.n)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        if self.mode != "constant" and input.ndim not in (self.n + 1, self.n + 2):
            raise ShapeError(
                f"{type(self).__name__}: expected a {self.n + 1}-d or {self.n + 2}-d input "
                f"(batch optional). Shape seen: {tuple(input.shape)}. Add or merge leading "
                "axes."
            )
        return pad(input, self.padding, self.mode, *self._value())

    def _value(self) -> tuple[float, ...]:
        return ()

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def _value(self) -> tuple[float, ...]:
        return (self.value,)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last axis with ``value``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ConstantPad1d((1, 2), 9.0)(ac.tensor([[1.0, 2.0]]))
        tensor([[9., 1., 2., 9., 9.]])
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two axes with ``value``."""

    n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three axes with ``value``."""

    n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    """Pad the last axis with zeros."""


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two axes with zeros.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ZeroPad2d((1, 0, 0, 1))(ac.ones((1, 1, 1)))
        tensor([[[0., 1.],
                 [0., 0.]]])
    """

    n = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three axes with zeros."""

    n = 3


class ReflectionPad1d(_PadNd):
    """Mirror the last axis without repeating the edge (each amount < its length).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ReflectionPad1d(2)(ac.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 2., 1., 2., 3., 2., 1.]])
    """

    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirror the last two axes without repeating the edge."""

    n = 2


class ReflectionPad3d(ReflectionPad1d):
    """Mirror the last three axes without repeating the edge."""

    n = 3


class ReplicationPad1d(_PadNd):
    """Repeat the edge values of the last axis.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ReplicationPad1d((0, 2))(ac.tensor([[1.0, 2.0]]))
        tensor([[1., 2., 2., 2.]])
    """

    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Repeat the edge values of the last two axes."""

    n = 2


class ReplicationPad3d(ReplicationPad1d):
    """Repeat the edge values of the last three axes."""

    n = 3


class CircularPad1d(_PadNd):
    """Wrap the last axis around (each amount ≤ its length).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.CircularPad1d(1)(ac.tensor([[1.0, 2.0, 3.0]]))
        tensor([[3., 1., 2., 3., 1.]])
    """

    mode = "circular"


class CircularPad2d(CircularPad1d):
    """Wrap the last two axes around."""

    n = 2


class CircularPad3d(CircularPad1d):
    """Wrap the last three axes around."""

    n = 3
