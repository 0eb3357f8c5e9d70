"""What PyTorch's module level says about dtypes: ``finfo`` and ``iinfo`` (the limits of a
dtype), ``is_tensor``, ``is_floating_point``, and the promotion questions ``promote_types``,
``result_type`` and ``can_cast``.

The promotion answers come from the rules the ops themselves use (``ops/common.py``:
``promoted_dtype``, ``lift_pair``), so that ``ac.result_type(a, b)`` is the dtype ``a + b``
has.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.dtypes import get_default_dtype
from autograd_core.ops.common import dtype_category, lift, lift_pair, promoted_dtype
from autograd_core.tensor import Tensor

__all__ = [
    "finfo",
    "iinfo",
    "is_tensor",
    "is_floating_point",
    "promote_types",
    "result_type",
    "can_cast",
]


def _dtype(name: str, value: Any) -> numpy.dtype:
    try:
        return numpy.dtype(value)
    except TypeError as e:
        raise TypeError(f"{name}: {value!r} is not a dtype; give one such as ac.float32.") from e


class finfo:  # noqa: N801  (torch.finfo)
    """The limits of a floating dtype (``torch.finfo``); the default dtype when none is given.

    Attributes (Python floats, as PyTorch's): ``bits``, ``eps`` (the gap from 1 to the next
    number), ``max``, ``min`` (= -max), ``tiny`` and its alias ``smallest_normal`` (the
    smallest positive normal number), ``resolution`` (10 ** -decimal digits), and ``dtype``
    (its name, a string).

    Example:
        >>> import autograd_core as ac
        >>> ac.finfo(ac.float16).eps, ac.finfo(ac.float16).max
        (0.0009765625, 65504.0)
        >>> ac.finfo().dtype
        'float32'
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002  (PyTorch's argument name)
        dt = get_default_dtype() if type is None else _dtype("finfo", type)
        if dt.kind != "f":
            raise TypeError(
                f"finfo: {dt} is not a floating dtype. Use ac.iinfo for integer dtypes."
            )
        info = numpy.finfo(dt)
        self.bits: int = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.smallest_normal)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -int(info.precision)  # exactly, as PyTorch's
        self.dtype: str = str(dt)

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution}, min={self.min}, max={self.max}, "
            f"eps={self.eps}, smallest_normal={self.smallest_normal}, tiny={self.tiny}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801  (torch.iinfo)
    """The limits of an integer dtype (``torch.iinfo``): ``bits``, ``max``, ``min`` (Python
    ints) and ``dtype`` (its name). bool is refused, as by PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.iinfo(ac.int8).min, ac.iinfo(ac.uint8).max
        (-128, 255)
    """

    def __init__(self, type: Any) -> None:  # noqa: A002
        dt = _dtype("iinfo", type)
        if dt.kind not in "iu":
            raise TypeError(f"iinfo: {dt} is not an integer dtype. Use ac.finfo for floats.")
        info = numpy.iinfo(dt)
        self.bits: int = int(info.bits)
        self.max: int = int(info.max)
        self.min: int = int(info.min)
        self.dtype: str = str(dt)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def is_tensor(obj: Any) -> bool:
    """True when ``obj`` is a Tensor (a Parameter too), as ``torch.is_tensor``.

    Example:
        >>> import autograd_core as ac
        >>> ac.is_tensor(ac.zeros(1)), ac.is_tensor([0.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Any) -> bool:  # noqa: A002
    """True when the Tensor ``input`` has a floating dtype (``torch.is_floating_point``).

    Example:
        >>> import autograd_core as ac
        >>> ac.is_floating_point(ac.zeros(1)), ac.is_floating_point(ac.arange(3))
        (True, False)
    """
    if not isinstance(input, Tensor):
        raise TypeError(
            f"is_floating_point: expected a Tensor, got {type(input).__name__}. Wrap it with "
            "ac.as_tensor()."
        )
    return input.dtype.kind == "f"


def promote_types(type1: Any, type2: Any) -> numpy.dtype:
    """The smallest dtype to which both dtypes can be cast without losing the category
    (``torch.promote_types``): bool < integer < floating, and within a category the wider
    (uint8 and int8 give int16).

    Example:
        >>> import autograd_core as ac
        >>> ac.promote_types(ac.int64, ac.float16), ac.promote_types(ac.uint8, ac.int8)
        (dtype('float16'), dtype('int16'))
    """
    return numpy.dtype(
        promoted_dtype(_dtype("promote_types", type1), _dtype("promote_types", type2))
    )


def result_type(tensor1: Any, tensor2: Any) -> numpy.dtype:
    """The dtype of an arithmetic op on the two operands (``torch.result_type``), Tensors or
    Python numbers: a dimensioned tensor's dtype wins over a 0-d tensor's and a number's of the
    same category, and a higher category wins (a Python float next to integers gives the
    default dtype).

    Example:
        >>> import autograd_core as ac
        >>> ac.result_type(ac.zeros(2, dtype=ac.float16), ac.tensor(1.0, dtype=ac.float64))
        dtype('float16')
        >>> ac.result_type(ac.arange(3), 2.5)
        dtype('float32')
    """
    if not isinstance(tensor1, Tensor) and not isinstance(tensor2, Tensor):
        tensor1 = lift(tensor1)
    a, b = lift_pair(tensor1, tensor2)
    return numpy.result_type(a.dtype, b.dtype)


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's promotion allows casting ``from_`` to ``to`` (``torch.can_cast``):
    True unless it lowers the category (float to integer, anything but bool to bool).

    Example:
        >>> import autograd_core as ac
        >>> ac.can_cast(ac.float64, ac.float16), ac.can_cast(ac.float32, ac.int64)
        (True, False)
    """
    return dtype_category(_dtype("can_cast", from_)) <= dtype_category(_dtype("can_cast", to))
