"""Tensor methods with PyTorch's names that are not op functions: ``mT``, ``type()``, the
``new_*`` creators, ``is_contiguous``, and the attribute errors for names this engine
deliberately lacks. ``autograd_core/methods.py`` attaches them to Tensor."""

from __future__ import annotations

from typing import Any

from autograd_core import creation, dtypes
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.shape import expand, reshape, transpose, view
from autograd_core.tensor import Tensor

__all__ = [
    "matrix_transpose",
    "tensor_type",
    "new_tensor",
    "new_zeros",
    "new_ones",
    "new_empty",
    "new_full",
    "is_contiguous",
    "view_as",
    "reshape_as",
    "expand_as",
    "type_as",
    "absent",
    "attach_absent_names",
    "TYPE_NAMES",
    "ABSENT",
]

# Tensor.type() names, PyTorch's with this package's prefix: 'autograd_core.FloatTensor'.
TYPE_NAMES = {
    dtypes.float32: "FloatTensor",
    dtypes.float64: "DoubleTensor",
    dtypes.float16: "HalfTensor",
    dtypes.int64: "LongTensor",
    dtypes.int32: "IntTensor",
    dtypes.int16: "ShortTensor",
    dtypes.int8: "CharTensor",
    dtypes.uint8: "ByteTensor",
    dtypes.bool_: "BoolTensor",
}
_BY_NAME = {name: dtype for dtype, name in TYPE_NAMES.items()}


def matrix_transpose(self: Tensor) -> Tensor:
    """``x.mT``: x with its last two axes swapped (a batch of matrices, each transposed).

    Raises:
        ShapeError: x has fewer than two axes.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(5, 2, 3).mT.shape
        (5, 3, 2)
    """
    if self.ndim < 2:
        raise ShapeError(
            f"mT: needs a matrix or a batch of matrices, got a tensor of shape "
            f"{tuple(self.shape)}. Use x.unsqueeze(0).mT for a row vector, or x itself."
        )
    return transpose(self, -2, -1)


def tensor_type(self: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """With no argument, the type name: ``'autograd_core.FloatTensor'`` for float32 on the CPU,
    ``'autograd_core.cuda.DoubleTensor'`` for float64 on a GPU (PyTorch's names with this
    package in place of ``torch``; dtypes PyTorch has no name for give
    ``'autograd_core.<dtype>Tensor'``). With a dtype, or a type name (``'torch.'`` prefixes are
    accepted too), the tensor cast to it, as a recorded op; a name with ``cuda.`` also moves it
    to the GPU, one without moves it to the CPU.

    Raises:
        DTypeError: a type name this table does not know.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0])
        >>> x.type(), x.type(ac.float64).type(), x.type("torch.LongTensor")
        ('autograd_core.FloatTensor', 'autograd_core.DoubleTensor', tensor([1]))
    """
    if dtype is None:
        name = TYPE_NAMES.get(self.dtype, f"{self.dtype}Tensor")
        where = "cuda." if self.device.type == "cuda" else ""
        return f"autograd_core.{where}{name}"
    if isinstance(dtype, str) and dtype.endswith("Tensor"):
        prefix, _, name = dtype.rpartition(".")
        if prefix not in ("autograd_core", "torch", "autograd_core.cuda", "torch.cuda"):
            name = ""
        if name not in _BY_NAME:
            known = ", ".join(f"'autograd_core.{n}'" for n in _BY_NAME)
            raise DTypeError(f"type: unknown tensor type {dtype!r}. Use a dtype or one of {known}.")
        device = self.device if prefix.endswith("cuda") and self.device.type == "cuda" else None
        if device is None:
            device = "cuda" if prefix.endswith("cuda") else "cpu"
        return self.to(device=device, dtype=_BY_NAME[name])
    return self.to(dtype=dtype)


def _new(self: Tensor, dtype: Any, device: Any) -> tuple[Any, Any]:
    return (self.dtype if dtype is None else dtype), (self.device if device is None else device)


def new_tensor(
    self: Tensor, data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """A new leaf holding a copy of ``data``, with self's dtype and device unless given.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, dtype=ac.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=float64)
    """
    dt, dev = _new(self, dtype, device)
    return creation.tensor(data, dtype=dt, device=dev, requires_grad=requires_grad)


def new_zeros(
    self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Zeros of ``size`` (``new_zeros(2, 3)`` or ``new_zeros((2, 3))``) with self's dtype and
    device unless given.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(3).new_zeros(2)
        tensor([0, 0])
    """
    dt, dev = _new(self, dtype, device)
    return creation.zeros(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_ones(
    self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """Ones of ``size`` with self's dtype and device unless given."""
    dt, dev = _new(self, dtype, device)
    return creation.ones(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_empty(
    self: Tensor, *size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    """An uninitialised tensor of ``size`` with self's dtype and device unless given."""
    dt, dev = _new(self, dtype, device)
    return creation.empty(*size, dtype=dt, device=dev, requires_grad=requires_grad)


def new_full(
    self: Tensor,
    size: Any,
    fill_value: Any,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``fill_value`` everywhere in a tensor of ``size``, with self's dtype and device unless
    given (PyTorch: the dtype is self's, not the fill value's).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(1).new_full((2,), 7)
        tensor([7., 7.])
    """
    dt, dev = _new(self, dtype, device)
    return creation.full(size, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def is_contiguous(self: Tensor) -> bool:
    """Whether the array is C-contiguous (row-major without gaps)."""
    return bool(self.data.flags.c_contiguous)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.shape)``: shares memory with ``self`` or raises (``view``)."""
    return view(self, *other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.reshape(other.shape)``."""
    return reshape(self, *other.shape)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.shape)``: a broadcast view of ``other``'s shape.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(3, 1).expand_as(ac.zeros(3, 4)).shape
        (3, 4)
    """
    return expand(self, *other.shape)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """``self`` cast to ``other``'s dtype (recorded, differentiable between float dtypes)."""
    return self.to(other.dtype)


# PyTorch names this engine does not provide on purpose, with what to use instead; each becomes
# a Tensor property that raises an AttributeError with the hint (attach_absent_names).
ABSENT = {
    "storage": "tensors have no storage object. Use t.data, the NumPy or CuPy array itself",
    "untyped_storage": "tensors have no storage object. Use t.data, the NumPy or CuPy array",
    "data_ptr": "there is no raw pointer API. Use t.data.ctypes.data (NumPy) or "
    "t.data.data.ptr (CuPy)",
    "stride": "strides are the array's. Use t.data.strides (in bytes, NumPy's convention; "
    "divide by t.dtype.itemsize for PyTorch's element strides)",
    "element_size": "there is no element_size. Use t.dtype.itemsize",
    "nelement": "there is no nelement. Use t.numel()",
    "ndimension": "there is no ndimension. Use t.ndim or t.dim()",
    "is_cuda": "there is no is_cuda flag. Use t.device.type == 'cuda'",
    "is_sparse": "sparse tensors are not supported. Keep the tensor dense",
    "to_sparse": "sparse tensors are not supported. Keep the tensor dense",
    "pin_memory": "there is no pinned host memory. Move the tensor with t.to('cuda')",
    "is_pinned": "there is no pinned host memory. Move the tensor with t.to('cuda')",
    "share_memory_": "tensors are not shared between processes. Send t.numpy() instead",
    "is_quantized": "quantized tensors are not supported. Use float16 or float32",
    "dequantize": "quantized tensors are not supported. Use float16 or float32",
    "names": "named tensors are not supported. Keep axis names in your own code",
    "refine_names": "named tensors are not supported. Keep axis names in your own code",
    "rename": "named tensors are not supported. Keep axis names in your own code",
    "bfloat16": "NumPy has no bfloat16. Use t.to(ac.float16) or t.float()",
    "mps": "the devices are 'cpu' and 'cuda'. Use t.cpu() or t.to('cuda')",
    "xpu": "the devices are 'cpu' and 'cuda'. Use t.cpu() or t.to('cuda')",
    "resize_": "tensors are not resized in place. Use t.reshape(...) for a new tensor",
}


def absent(name: str) -> property:
    """A property that raises the AttributeError for the absent PyTorch name ``name``, saying
    what to use instead (``hasattr`` and ``getattr(t, name, default)`` still see no
    attribute)."""
    hint = ABSENT[name]

    def fail(self: Tensor) -> Any:
        raise AttributeError(f"Tensor.{name}: not provided by autograd-core; {hint}.")

    return property(fail, doc=f"Not provided: {hint}.")


def attach_absent_names() -> None:
    """Install ``absent(name)`` on Tensor for every name of ``ABSENT`` it does not have.

    A class attribute per name rather than ``Tensor.__getattr__``: defining ``__getattr__``
    routes every attribute read through CPython's slower hook (in-process A/B, Python 3.11:
    ``t.data`` 38 -> 75 ns, a 100-op chain with backward 1.02 -> 1.60 ms)."""
    for name in ABSENT:
        if not hasattr(Tensor, name):
            setattr(Tensor, name, absent(name))
