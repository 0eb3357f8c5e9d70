"""Tensor's operators, conversions, in-place and op methods, attached once the ops are registered.

``tensor.py`` knows no op, so everything a Tensor does by calling one lives here: the Python
operators (``a + b`` is ``ac.add(a, b)``), the conversions that are recorded ops (``.to``,
``.float``, ``.T``) and the method form of every public op function (``x.exp()`` is
``ac.exp(x)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy

from autograd_core import device as _device
from autograd_core import linalg_legacy, ops, random_sampling, tensor_extras
from autograd_core.inplace import INPLACE_METHODS
from autograd_core.inplace_fills import FILL_METHODS
from autograd_core.inplace_math import INPLACE_MATH_METHODS
from autograd_core.inplace_shape import SHAPE_METHODS
from autograd_core.ops.binary import Add, Div, Mul, Sub
from autograd_core.ops.shape import Permute
from autograd_core.tensor import Tensor
from autograd_core.tensor_functions import FUNCTION_METHODS
from autograd_core.tensor_more import MORE_METHODS

__all__ = ["attach_methods"]

# Public op functions whose first argument is a tensor become Tensor methods under the same name.
# Functions that build tensors from several inputs (cat, stack, where, einsum) stay functions.
_NOT_METHODS = {"where", "cat", "concatenate", "stack", "einsum", "to_device", "sum_to"}
_NOT_METHODS |= {"rnn", "lstm", "gru"}  # sequence ops: functions only
_NOT_METHODS |= {"std_mean", "var_mean"}  # torch functions without a Tensor method
_NOT_METHODS |= {"block_diag", "cartesian_prod", "cdist", "meshgrid"}  # torch: functions only
_NOT_METHODS |= {"tensordot", "tril_indices", "triu_indices"}  # torch: functions only
_NOT_METHODS |= {"searchsorted", "bucketize"}  # torch: functions only
_NOT_METHODS |= {"trapezoid", "cumulative_trapezoid", "gradient"}  # torch: functions only
_NOT_METHODS |= {"hstack", "vstack", "row_stack", "dstack", "column_stack"}  # torch: functions
_NOT_METHODS |= {"broadcast_tensors", "isin", "combinations", "vander", "unravel_index"}

Binary = Callable[[Any, Any], Tensor]


def _operator(public: Binary, apply: Binary | None = None) -> Binary:
    """``a <op> b`` as ``public(a, b)``; with ``apply``, two Tensors of one dtype skip the
    lifting and promotion and go straight to the op (the engine's hottest path: about 5% of a
    long chain's per-op time)."""
    if apply is None:

        def method(self: Tensor, other: Any) -> Tensor:
            return public(self, other)

        return method

    def fast(self: Tensor, other: Any) -> Tensor:
        if type(other) is Tensor and self.data.dtype is other.data.dtype:
            return apply(self, other)
        return public(self, other)  # (a number, or dtypes that promote: lift_pair)

    return fast


def _reflected(public: Binary) -> Binary:
    """``b <op> a`` for a non-Tensor ``b`` (``2 * x``): ``public(b, a)``."""

    def method(self: Tensor, other: Any) -> Tensor:
        return public(other, self)

    return method


def _integral(value: Any) -> bool:
    """Whether ``value`` is an integer or bool tensor or Python number (bitwise operands)."""
    if isinstance(value, Tensor):
        return value.dtype.kind in "iub"
    return isinstance(value, (bool, int, numpy.integer, numpy.bool_))


def _bitwise(bitwise: Binary, reflected: bool = False) -> Binary:
    """``a & b`` / ``a | b``: bitwise on integer and bool operands; a floating or complex
    operand is refused (DTypeError naming ``logical_and``/``logical_or``), as in PyTorch. (This
    engine once gave the logical op there, a bool result where PyTorch raises.)"""

    def method(self: Tensor, other: Any) -> Tensor:
        a, b = (other, self) if reflected else (self, other)
        return bitwise(a, b)

    return method


def _invert(self: Tensor) -> Tensor:
    """``~x``: bitwise not of an integer or bool tensor; logical not of a floating one."""
    return ops.bitwise_not(self) if _integral(self) else ops.logical_not(self)


_OPERATORS: dict[str, Any] = {
    "__add__": _operator(ops.add, Add.apply_pair),
    "__radd__": _reflected(ops.add),
    "__sub__": _operator(ops.sub, Sub.apply_pair),
    "__rsub__": _reflected(ops.sub),
    "__mul__": _operator(ops.mul, Mul.apply_pair),
    "__rmul__": _reflected(ops.mul),
    "__truediv__": _operator(ops.div, Div.apply_pair),
    "__rtruediv__": _reflected(ops.div),
    "__floordiv__": _operator(ops.floor_divide),
    "__rfloordiv__": _reflected(ops.floor_divide),
    "__mod__": _operator(ops.remainder),
    "__rmod__": _reflected(ops.remainder),
    "__pow__": _operator(ops.pow),
    "__rpow__": _reflected(ops.pow),
    "__matmul__": _operator(ops.matmul),
    "__rmatmul__": _reflected(ops.matmul),
    "__eq__": _operator(ops.eq),
    "__ne__": _operator(ops.ne),
    "__lt__": _operator(ops.lt),
    "__le__": _operator(ops.le),
    "__gt__": _operator(ops.gt),
    "__ge__": _operator(ops.ge),
    "__and__": _bitwise(ops.bitwise_and),
    "__rand__": _bitwise(ops.bitwise_and, reflected=True),
    "__or__": _bitwise(ops.bitwise_or),
    "__ror__": _bitwise(ops.bitwise_or, reflected=True),
    "__xor__": _operator(ops.bitwise_xor),
    "__rxor__": _reflected(ops.bitwise_xor),
    "__lshift__": _operator(ops.bitwise_left_shift),
    "__rlshift__": _reflected(ops.bitwise_left_shift),
    "__rshift__": _operator(ops.bitwise_right_shift),
    "__rrshift__": _reflected(ops.bitwise_right_shift),
    "__getitem__": _operator(ops.getitem),
    "__neg__": ops.neg,
    "__abs__": ops.abs,
    "__invert__": _invert,
}


def _pos(self: Tensor) -> Tensor:
    return self


def _iter(self: Tensor) -> Iterator[Tensor]:
    """``for row in x``: the entries along axis 0, from one ``unbind`` op (so the backward of a
    loop over them is one stack, as in PyTorch)."""
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(ops.unbind(self, 0))


def _transposed(self: Tensor) -> Tensor:
    """The tensor with its axes reversed (``permute(ndim-1, ..., 0)``)."""
    if self.data.ndim == 2:  # the common case (every matmul VJP): no axis validation
        return Permute.apply(self, dims=(1, 0))
    return ops.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Move to a device and/or cast to a dtype: ``t.to("cuda")``, ``t.to(ac.float64)``,
    ``t.to(other_tensor)``, ``t.to(device="cpu", dtype="float32")``.

    Both are recorded ops, so gradients flow back to the original device and dtype.
    """
    device, dtype = _device.parse_to_args(args, kwargs)
    out = self
    if dtype is not None and numpy.dtype(dtype) != self.dtype:
        out = ops.astype(out, dtype)
    if device is not None and _device.Device(device) != self.device:
        out = ops.to_device(out, _device.Device(device))
    return out


def astype(self: Tensor, dtype: Any) -> Tensor:
    """Cast to ``dtype`` (a recorded op: the gradient is cast back)."""
    return to(self, dtype=dtype)


def cpu(self: Tensor) -> Tensor:
    """Move to the CPU."""
    return to(self, "cpu")


def cuda(self: Tensor, index: int = 0) -> Tensor:
    """Move to CUDA device ``index``."""
    return to(self, f"cuda:{index}")


def polygamma(self: Tensor, n: int) -> Tensor:
    """``x.polygamma(n)`` is ``ac.polygamma(n, x)`` (the order comes first in the function)."""
    return ops.polygamma(n, self)


def where(self: Tensor, condition: Any, y: Any) -> Tensor:
    """``x.where(condition, y)`` is ``ac.where(condition, x, y)`` (PyTorch's method)."""
    return ops.where(condition, self, y)


def _cast(dtype: Any, doc: str) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        return to(self, dtype=dtype)

    method.__doc__ = doc
    return method


_CONVERSIONS: dict[str, Any] = {
    "to": to,
    "astype": astype,
    "cpu": cpu,
    "cuda": cuda,
    "float": _cast(numpy.float32, "Cast to float32."),
    "double": _cast(numpy.float64, "Cast to float64."),
    "half": _cast(numpy.float16, "Cast to float16."),
    "long": _cast(numpy.int64, "Cast to int64 (not differentiable)."),
    "int": _cast(numpy.int32, "Cast to int32 (not differentiable)."),
    "bool": _cast(numpy.bool_, "Cast to bool (not differentiable)."),
    "T": property(_transposed),
    "__pos__": _pos,
    "__iter__": _iter,
    "mT": property(tensor_extras.matrix_transpose),
    "type": tensor_extras.tensor_type,
    "new_tensor": tensor_extras.new_tensor,
    "new_zeros": tensor_extras.new_zeros,
    "new_ones": tensor_extras.new_ones,
    "new_empty": tensor_extras.new_empty,
    "new_full": tensor_extras.new_full,
    "is_contiguous": tensor_extras.is_contiguous,
    "view_as": tensor_extras.view_as,
    "reshape_as": tensor_extras.reshape_as,
    "expand_as": tensor_extras.expand_as,
    "type_as": tensor_extras.type_as,
    "multinomial": random_sampling.multinomial,
    "bernoulli": random_sampling.bernoulli,
    "polygamma": polygamma,
    "where": where,
}


def attach_methods() -> None:
    """Install the operators, the conversions and every public op function (except the
    multi-input builders) on Tensor."""
    for name, fn in {
        **_OPERATORS,
        **_CONVERSIONS,
        **INPLACE_METHODS,
        **INPLACE_MATH_METHODS,
        **SHAPE_METHODS,
        **MORE_METHODS,
        **FILL_METHODS,
        **FUNCTION_METHODS,
    }.items():
        setattr(Tensor, name, fn)
    for name in linalg_legacy.METHODS:  # x.svd(), x.cholesky(): PyTorch's legacy methods
        setattr(Tensor, name, getattr(linalg_legacy, name))
    for name in ops.__all__:
        if name in _NOT_METHODS or name.startswith("_"):
            continue
        if not hasattr(Tensor, name) or getattr(Tensor, name) is None:
            setattr(Tensor, name, getattr(ops, name))
