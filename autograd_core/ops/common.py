"""Helpers shared by the op families: turning Python scalars into operands, axis handling,
PyTorch's ``out=`` argument."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.creation import as_array
from autograd_core.device import get_array_module, on_host
from autograd_core.dtypes import get_default_dtype
from autograd_core.errors import DTypeError, GraphError, ShapeError
from autograd_core.grad_mode import MODE
from autograd_core.tensor import Tensor
from autograd_core.version import mark_written

__all__ = [
    "reads_the_other",
    "refuse_lossy",
    "lift",
    "lift_float",
    "lift_pair",
    "promote_pair",
    "promoted_dtype",
    "dtype_category",
    "scalar_dtype",
    "normalize_axis",
    "const",
    "float_pair",
    "zero_of",
    "write_out",
    "loses_values",
    "refuse_complex",
    "out_of_range",
    "refuse_wrapped_comparison",
    "wrapped",
]


def lift(value: Any, like: Tensor | None = None) -> Tensor:
    """Return ``value`` as a Tensor; a Python scalar takes the dtype NumPy's weak-scalar rule
    gives it next to ``like`` (so ``float32 * 2.0`` stays float32) and ``like``'s device."""
    if isinstance(value, Tensor):
        return value
    if like is None:
        return Tensor._make(as_array(value), False, None)
    xp = get_array_module(like.data)
    if isinstance(value, numpy.generic):  # a NumPy scalar is the Python number of its kind
        value = value.item()  # (as PyTorch, for integer and floating ones; see NUMPY_SCALARS)
    if isinstance(value, (bool, int, float, complex)):
        dtype = scalar_dtype(like.data.dtype, value)
        if type(value) is int and dtype.kind in "iu":
            value = wrapped(value, dtype)
        if on_host(like.data):
            return Tensor._make(xp.asarray(value, dtype=dtype), False, None)
        # on a device: a fill kernel, where asarray would copy the number from the host
        return Tensor._make(xp.full((), value, dtype=dtype), False, None)
    return Tensor._make(xp.asarray(as_array(value)), False, None)


def out_of_range(value: int, dtype: Any) -> bool:
    """Whether the Python int ``value`` lies outside the integer ``dtype``'s range."""
    info = numpy.iinfo(dtype)
    return not info.min <= value <= info.max


def wrapped(value: int, dtype: Any) -> int:
    """The Python int ``value`` wrapped into the integer ``dtype``'s range (two's complement:
    −1 is 255 for uint8), as PyTorch casts a number next to an integer tensor; the sums,
    differences and products that follow are then right modulo 2^bits, the arithmetic the
    tensor's dtype does anyway. (NumPy 2 raises OverflowError instead.)"""
    if not out_of_range(value, dtype):
        return value
    info = numpy.iinfo(dtype)
    return (value - info.min) % (1 << info.bits) + info.min


def refuse_wrapped_comparison(name: str, a: Any, b: Any) -> None:
    """A DTypeError when a Python int outside an integer tensor's range is compared with it:
    PyTorch wraps the number into the dtype first and answers for the wrapped value
    (uint8 255 == −1 is True there), NumPy 2 compares the true values; neither silently."""
    for t, v in ((a, b), (b, a)):
        if isinstance(t, Tensor) and type(v) is int and t.dtype.kind in "iu":
            if out_of_range(v, t.dtype):
                raise DTypeError(
                    f"{name}: the number {v} lies outside the range of the tensor's dtype "
                    f"{t.dtype} (shape {tuple(t.shape)}); PyTorch would compare a wrapped-around "
                    f"value. Convert the tensor first, e.g. x.long(), or compare with a number "
                    "in range."
                )


NUMPY_SCALARS = """A NumPy scalar next to a tensor (``x * numpy.float32(2)``) counts as the
Python number of its kind, bool, int, float or complex: it does not decide the result's dtype
within a category (float32 x stays float32, an integer x with numpy.float16(2) takes the
default dtype). PyTorch does the same for integer and floating scalars; it reads
``numpy.bool_`` as a float (bool x with numpy.bool_(True) is float32 there, bool here) and a
NumPy complex scalar as a float, dropping its imaginary part (complex here). A NumPy array,
0-d included, is a tensor of its dtype (``x + numpy.ones(3)`` is float64), as in PyTorch."""


def lift_float(value: Any) -> Tensor:
    """``value`` as a Tensor (``lift``) for a unary function with a floating result (exp,
    sqrt, sin, sigmoid, erf, …): a bool or integer tensor becomes a constant of the default
    float dtype (``get_default_dtype()``), as in PyTorch, where NumPy would give float64 (or
    float16 for bool, int8 and uint8). Integer tensors never require grad, so the cast cuts
    nothing from a graph; floating and complex tensors are returned as they are."""
    x = lift(value)
    if x.data.dtype.kind in "biu":
        return const(x.data.astype(get_default_dtype()))
    return x


# PyTorch's categories: bool < integer < floating < complex
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def dtype_category(dtype: Any) -> int:
    """PyTorch's category of ``dtype``: 0 bool, 1 integer, 2 floating, 3 complex."""
    return _CATEGORY.get(numpy.dtype(dtype).kind, 2)


def promoted_dtype(da: Any, db: Any) -> Any:
    """The dtype PyTorch promotes two tensor dtypes to, dimensions aside
    (``torch.promote_types``): a bool or integer dtype next to a floating or complex one
    gives that one (int64 ⊗ float16 is float16, where NumPy gives float64); otherwise NumPy's
    rule, which is PyTorch's there (uint8 ⊗ int8 is int16, float32 ⊗ complex128 complex128).
    ``promote_pair`` casts its operands by this rule."""
    da, db = numpy.dtype(da), numpy.dtype(db)
    ca, cb = dtype_category(da), dtype_category(db)
    if ca < cb and ca <= 1:
        return db
    if cb < ca and cb <= 1:
        return da
    return numpy.result_type(da, db)


def scalar_dtype(dtype: Any, value: Any) -> Any:
    """The dtype of a Python number next to a tensor of ``dtype``, by PyTorch's rule: a number
    of the tensor's category or a lower one takes the tensor's dtype (``float32 * 2.0`` stays
    float32, as in NumPy); a float next to a bool or integer tensor takes the default float
    dtype (NumPy would give float64), a complex number the complex dtype of the tensor's float
    dtype or of the default one."""
    kind = numpy.dtype(dtype).kind
    if isinstance(value, complex) and kind != "c":
        base = dtype if kind == "f" else get_default_dtype()
        return numpy.result_type(base, numpy.complex64)
    if isinstance(value, float) and not isinstance(value, bool) and kind in "biu":
        return get_default_dtype()
    return numpy.result_type(dtype, value)


def promote_pair(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Two Tensor operands with PyTorch's promotion: a bool or integer operand next to a
    floating or complex one is cast to that operand's dtype (int64 ⊗ float32 is float32,
    where NumPy gives float64; such a cast operand never requires grad, so it enters as a
    constant). Within a category a 0-d operand next to a dimensioned one takes the dimensioned
    one's dtype (float32 x ⊗ float64 0-d is float32: PyTorch treats 0-d tensors like numbers
    there; the cast is recorded when the 0-d operand requires grad); otherwise NumPy's rule,
    which is PyTorch's within a category, is left to the op.

    A floating and a complex operand, one of them 0-d: the dimensioned one's width wins
    (PyTorch's ``combine_categories``): complex64 x ⊗ float64 0-d is complex64, and float32 x ⊗
    complex128 0-d is complex64 (the complex dtype of x's width), where NumPy gives complex128.
    float16 x ⊗ complex 0-d would be PyTorch's complex32, which NumPy lacks: NumPy's rule."""
    da, db = a.data.dtype, b.data.dtype
    if da is db:
        return a, b
    ca, cb = dtype_category(da), dtype_category(db)
    if ca < cb and ca <= 1:  # a bool or integer operand takes the other's dtype
        return const(a.data.astype(db)), b  # (= promoted_dtype(da, db))
    if cb < ca and cb <= 1:
        return a, const(b.data.astype(da))
    if (a.ndim == 0) != (b.ndim == 0):
        if ca == cb:
            if a.ndim == 0:
                return _cast(a, db), b
            return a, _cast(b, da)
        zero_first = a.ndim == 0
        zero, dim = (a, b) if zero_first else (b, a)
        kind = dim.data.dtype
        # a real 0-d next to a complex x takes x's real width (complex64: float32), a complex
        # 0-d next to a real x the complex dtype of x's width
        width = _REAL_OF[kind] if kind.kind == "c" else _COMPLEX_OF.get(kind)
        if width is not None:
            zero = _cast(zero, width)
            return (zero, dim) if zero_first else (dim, zero)
    return a, b


# the complex dtype of a real width and the real dtype of a complex one (float16 has none)
_COMPLEX_OF = {numpy.dtype(numpy.float32): numpy.dtype(numpy.complex64)}
_COMPLEX_OF[numpy.dtype(numpy.float64)] = numpy.dtype(numpy.complex128)
_REAL_OF = {c: r for r, c in _COMPLEX_OF.items()}


def _cast(t: Tensor, dtype: Any) -> Tensor:
    """``t`` as ``dtype``: a recorded cast when it requires grad, else a constant."""
    return t.to(dtype) if t.requires_grad else const(t.data.astype(dtype))


def refuse_complex(op: str, *xs: Tensor) -> None:
    """A DTypeError when an operand of an ordering op (``<``, maximum, clamp, ...) is complex:
    complex numbers have no order. PyTorch refuses them; NumPy would order them
    lexicographically (real part first), a silent result no caller wants."""
    for x in xs:
        if x.data.dtype.kind == "c":
            raise DTypeError(
                f"{op}: complex numbers have no order, got dtypes "
                f"{', '.join(str(t.data.dtype) for t in xs)} (shapes "
                f"{', '.join(str(tuple(t.shape)) for t in xs)}). Compare their real parts "
                "(x.real) or their magnitudes (x.abs()) instead."
            )


def lift_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """Both operands of a binary op as Tensors (at least one must already be a Tensor), with
    PyTorch's promotion across categories (``scalar_dtype``, ``promote_pair``)."""
    if isinstance(a, Tensor):
        return promote_pair(a, b if isinstance(b, Tensor) else lift(b, a))
    return promote_pair(lift(a, b), b)


def float_pair(a: Any, b: Any) -> tuple[Tensor, Tensor]:
    """``lift_pair`` for a binary function with a floating result (xlogy, xlog1py): when both
    operands are bool or integer, both become the default float dtype, as in PyTorch
    (``torch.xlogy(int, int)`` is float32, where NumPy would give float64). Each operand is
    converted from its own values: uint8 x next to an int8 0-d −2 divides by −2.0, where the
    integer promotion (uint8) would first wrap −2 to 254."""
    if _integral(a) and _integral(b):
        a = lift_float(a) if isinstance(a, Tensor) else float(a)
        b = lift_float(b) if isinstance(b, Tensor) else float(b)
    a, b = lift_pair(a, b)
    return a, b


def _integral(value: Any) -> bool:
    """Whether ``value`` is a bool or integer Tensor or Python (or NumPy) bool or int."""
    if isinstance(value, Tensor):
        return value.data.dtype.kind in "biu"
    return isinstance(value, (bool, int, numpy.integer, numpy.bool_))


def const(array: Any) -> Tensor:
    """Wrap an array that is a constant for differentiation (a mask, indices)."""
    return Tensor._make(array, False, None)


def zero_of(x: Tensor) -> Tensor:
    """A 0-d constant 0 of ``x``'s dtype on its device: the fill of the entries that a
    construction leaves empty (tril, diag_embed: ``where(mask, x, zero_of(x))``), which keeps
    x's dtype. A Python 0 there would promote a bool x to int64, as it does in
    ``torch.where(mask, x, 0)``, where PyTorch's tril and diag_embed keep bool."""
    return const(get_array_module(x.data).zeros((), x.data.dtype))


def normalize_axis(
    op: str,
    axis: Any,
    shape: tuple[int, ...],
    *,
    positions: int | None = None,
    word: str = "axis",
    subject: str = "a tensor",
) -> tuple[int, ...] | None:
    """``axis`` (an int, a sequence of ints, or None for all axes) as a sorted tuple of distinct
    non-negative axes, for an input of shape ``shape``; the one place that checks an axis.

    Args:
        op: the op label that error messages start with.
        axis: an int or a sequence of ints (negative ones count from the end), or None.
        shape: the shape of the input the axes index.
        positions: how many axis positions are valid: max(ndim, 1) by default (a 0-d tensor
            takes axis 0 or -1, as in PyTorch); ndim + 1 where an axis is inserted (unsqueeze,
            stack).
        word: the argument's name in messages: "axis" (NumPy's wording, which gives the number
            of dimensions and then the input shape) or "dim" (PyTorch's, which gives the shape).
        subject: what ``shape`` belongs to in messages ("inputs" for cat and stack).

    Raises:
        ShapeError: an axis out of range (naming ``op``, the axis, the shape and the valid
            range) or an axis given twice.
    """
    if axis is None:
        return None
    n = (len(shape) or 1) if positions is None else positions
    if type(axis) is int and -n <= axis < n:  # the common case, without the loop below
        return (axis % n,)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -n <= a < n:
            raise ShapeError(_out_of_range(op, a, shape, n, word, subject))
        out.append(a % n)
    if len(set(out)) != len(out):
        raise ShapeError(f"{op}: {word} {axis!r} repeats an axis. Pass each axis once.")
    return tuple(sorted(out))


def _out_of_range(op: str, a: int, shape: tuple[int, ...], n: int, word: str, subject: str) -> str:
    if word == "axis":  # NumPy's wording: the number of dimensions, then the input shape
        return (
            f"{op}: axis {a} is out of range for {subject} with {len(shape)} dimension(s); "
            f"valid axes are {-n} to {n - 1}. Input shape: {tuple(shape)}."
        )
    return (
        f"{op}: {word} {a} is out of range for {subject} of shape {tuple(shape)}; valid {word}s "
        f"are {-n} to {n - 1}. Pass a {word} in that range."
    )


def refuse_bool(op: str, x: Tensor) -> Tensor:
    """x, unless it is bool: PyTorch's argmax, argmin, median, nanmedian, kthvalue and topk
    refuse bool input (NumPy's would order False before True), and so do ours."""
    if x.dtype.kind == "b":
        raise DTypeError(
            f"{op}: bool input is not supported, as in PyTorch (shape {tuple(x.shape)}). "
            "Convert first, e.g. x.long()."
        )
    return x


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


def loses_values(target: Any, value: Any) -> bool:
    """Whether storing values of dtype ``value`` into an array of dtype ``target`` would lose
    them: a value of a higher category (``dtype_category``) than the target's, such as a
    float or complex into an integer or bool, an integer into a bool, a complex into a float
    (the rule of ``out=`` and of the in-place methods, PyTorch's ``can_cast``; a float64 into
    a float32 rounds, as PyTorch allows)."""
    return dtype_category(value) > dtype_category(target)


def refuse_lossy(name: str, x: Tensor, dtype: Any) -> None:
    """A DTypeError when a result of ``dtype`` cannot be stored in x without losing values
    (``loses_values``: a float into an integer tensor, a complex into a float one), as
    PyTorch refuses ``int_tensor.add_(1.5)``."""
    if loses_values(x.dtype, dtype):
        fix = "x.to(ac.complex64)" if dtype.kind == "c" else "x.float()"
        raise DTypeError(
            f"{name}: the result has dtype {dtype}, which cannot be stored in place in a "
            f"tensor of dtype {x.dtype} (shape {tuple(x.shape)}) without losing values. "
            f"Convert first: x = {fix}, or write it out of place."
        )


def write_out(api: str, result: Tensor, out: Tensor | None) -> Tensor:
    """PyTorch's ``out=`` argument: store ``result`` into ``out`` (same shape, cast to out's
    dtype) and return ``out``; ``result`` itself when ``out`` is None.

    Refused when the result would be part of a recorded graph, as in PyTorch ("functions with
    out=... arguments don't support automatic differentiation"): writing a recorded value into
    another tensor's memory would cut it from the graph.
    """
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"{api}: out must be a Tensor, got {type(out).__name__}.")
    if result.requires_grad or (MODE.enabled and out.requires_grad):
        raise GraphError(
            f"{api}: out= cannot be used when the result requires grad (result shape "
            f"{tuple(result.shape)}); PyTorch's out= functions do not support automatic "
            f"differentiation either. Use the returned tensor (y = ac.{api}(a, b)), or call it "
            "under ac.no_grad()."
        )
    if out.shape != result.shape:
        raise ShapeError(
            f"{api}: out has shape {tuple(out.shape)} but the result has shape "
            f"{tuple(result.shape)}. Pass an out of the result's shape."
        )
    if loses_values(out.dtype, result.dtype):
        raise DTypeError(
            f"{api}: the result has dtype {result.dtype}, which cannot be stored in out of "
            f"dtype {out.dtype} without losing values. Pass a floating-point out."
        )
    out.data[...] = result.data
    mark_written(out.data)
    return out


def reads_the_other(needs: tuple[bool, ...]) -> tuple[int, ...]:
    """``Op.reads_inputs`` of a product of two inputs (mul, matmul, linear): the gradient of
    each reads only the other, so ``x @ C`` with a constant C lets x be written in place before
    backward, as in PyTorch (which saves x only when C requires grad)."""
    return tuple(i for i, other in ((0, needs[1]), (1, needs[0])) if other)
