"""More Tensor methods and properties with PyTorch's names: dtype and device queries
(``is_floating_point``, ``is_signed``, ``get_device``, ``nbytes`` ...), the trivial complex
ones of a real tensor (``conj``, ``real``, ``resolve_conj`` ...), the integer casts
``byte``/``char``/``short``, views and copies (``unfold``, ``narrow_copy``,
``split_with_sizes``, ``sum_to_size``, ``adjoint``/``mH``, ``new_empty_strided``);
tensor_functions.py has the method forms of functions. ``autograd_core/methods.py`` attaches
``MORE_METHODS``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy

from autograd_core import ops
from autograd_core.broadcast import broadcast_shapes
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.windows import unfold_windows
from autograd_core.tensor import Tensor

__all__ = ["MORE_METHODS"]


def is_floating_point(self: Tensor) -> bool:
    """Whether the dtype is a floating-point one (float16, float32, float64)."""
    return self.dtype.kind == "f"


def is_complex(self: Tensor) -> bool:
    """Whether the dtype is a complex one."""
    return self.dtype.kind == "c"


def is_signed(self: Tensor) -> bool:
    """Whether the dtype holds negative values: False for bool and unsigned integers."""
    return self.dtype.kind in "ifc"


def is_nonzero(self: Tensor) -> bool:
    """The truth value of a one-element tensor, as ``torch.Tensor.is_nonzero``.

    Raises:
        ValueError: the tensor has no element or more than one (the truth value is ambiguous).
    """
    if self.numel() != 1:
        which = "no values" if self.numel() == 0 else "more than one value"
        raise ValueError(
            f"is_nonzero: the truth value of a tensor with {which} (shape {tuple(self.shape)}) "
            "is ambiguous. Use .any() or .all()."
        )
    return bool(self.item())


def is_same_size(self: Tensor, other: Tensor) -> bool:
    """Whether ``other`` has this tensor's shape."""
    return tuple(self.shape) == tuple(other.shape)


def get_device(self: Tensor) -> int:
    """The CUDA device index, or -1 for a tensor on the CPU (as PyTorch)."""
    dev = self.device
    return -1 if dev.type == "cpu" else int(dev.index or 0)


def _is_cpu(self: Tensor) -> bool:
    return self.device.type == "cpu"


def _nbytes(self: Tensor) -> int:
    return int(self.numel() * self.dtype.itemsize)


def _itemsize(self: Tensor) -> int:
    return int(self.dtype.itemsize)


def _retains_grad(self: Tensor) -> bool:
    retained = self.node.retained if self.node is not None else None
    return bool(retained) and any(r() is self for r in retained)


def _real(self: Tensor) -> Tensor:
    if self.dtype.kind == "c":
        raise DTypeError("real: complex tensors are not supported here; x.data.real is the array.")
    return self


def _imag(self: Tensor) -> Tensor:
    raise DTypeError(
        f"imag: not defined for a tensor of non-complex dtype {self.dtype} (PyTorch raises "
        "too). A real tensor's imaginary part is ac.zeros_like(x)."
    )


def _real_only(name: str) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        if self.dtype.kind == "c":
            raise DTypeError(f"{name}: complex tensors are not supported; x is {self.dtype}.")
        return self

    method.__name__ = name
    method.__doc__ = f"``x.{name}()``: x itself for a real tensor (nothing to conjugate)."
    return method


def _false(self: Tensor) -> bool:
    """False: no tensor here carries a lazy conjugate or negative bit."""
    return False


def adjoint(self: Tensor) -> Tensor:
    """The conjugate transpose of the last two axes; for a real tensor, ``x.mT``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(4, 2, 3).adjoint().shape
        (4, 3, 2)
    """
    _real_only("adjoint")(self)
    return self.mT


def _matrix_h(self: Tensor) -> Tensor:
    if self.ndim not in (0, 2):
        raise ShapeError(
            f"H: only matrices (2-D tensors) have .H, as in PyTorch; got shape "
            f"{tuple(self.shape)}. Use x.mH for a batch of matrices."
        )
    return adjoint(self) if self.ndim == 2 else _real_only("H")(self)


def _cast(dtype: Any, doc: str) -> Callable[[Tensor], Tensor]:
    def method(self: Tensor) -> Tensor:
        return self.to(dtype=dtype)

    method.__doc__ = doc
    return method


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Sliding windows along ``dimension`` as a view (``ops/windows.py``)."""
    return unfold_windows(self, dimension, size, step)


def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """x summed to ``size``, a shape x broadcasts from (``x.sum_to_size(2, 1)`` or
    ``x.sum_to_size((2, 1))``): the gradient of broadcasting to x's shape.

    Raises:
        ShapeError: ``size`` does not expand to x's shape.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(3, 3).sum_to_size(3, 1)
        tensor([[3.],
                [3.],
                [3.]])
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = tuple(int(n) for n in size)
    try:
        fits = len(shape) <= self.ndim and broadcast_shapes(shape, self.shape) == self.shape
    except ShapeError:
        fits = False
    if not fits:
        raise ShapeError(
            f"sum_to_size: size {shape} is not expandable to the tensor's shape "
            f"{tuple(self.shape)}; each of its dimensions must be 1 or equal to x's."
        )
    return ops.sum_to(self, shape)


def split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    """``x.split(split_sizes, dim)`` with a list of sizes (PyTorch refuses an int here too)."""
    if not isinstance(split_sizes, (tuple, list)):
        raise TypeError(
            f"split_with_sizes: split_sizes must be a list of ints, got "
            f"{type(split_sizes).__name__}. Use x.split(n) for pieces of one size."
        )
    return ops.split(self, list(split_sizes), dim)


def unsafe_split_with_sizes(self: Tensor, split_sizes: Sequence[int], dim: int = 0) -> tuple:
    """``split_with_sizes`` made of one ``narrow`` view per piece (``unsafe_split``)."""
    split_with_sizes(self, split_sizes, dim)  # (its checks)
    return _narrowed(self, list(split_sizes), dim)


def unsafe_split(self: Tensor, split_size: Any, dim: int = 0) -> tuple:
    """``x.split(split_size, dim)`` made of one ``narrow`` view per piece, so that each piece
    may be written in place, as PyTorch's ``unsafe_split`` allows. Deliberate difference:
    PyTorch's gradient then misses the write (``a.unsafe_split(2)[0].mul_(3)`` leaves a's
    gradient as if unwritten); ours is exact (each write rebinds a, as through ``narrow``)."""
    if not isinstance(split_size, int):
        raise TypeError(
            f"unsafe_split: split_size must be an int, got {type(split_size).__name__}. Use "
            "x.unsafe_split_with_sizes(sizes) for a list of sizes."
        )
    sizes = [p.shape[_dim(self, dim)] for p in ops.split(self.detach(), split_size, dim)]
    return _narrowed(self, sizes, dim)


def unsafe_chunk(self: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``x.chunk(chunks, dim)`` made of ``narrow`` views (see ``unsafe_split``)."""
    sizes = [p.shape[_dim(self, dim)] for p in ops.chunk(self.detach(), chunks, dim)]
    return _narrowed(self, sizes, dim)


def _dim(x: Tensor, dim: int) -> int:
    return int(dim) % x.ndim if x.ndim else 0


def _narrowed(x: Tensor, sizes: list[int], dim: int) -> tuple:
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    return tuple(ops.narrow(x, dim, s, n) for s, n in zip(starts, sizes, strict=True))


def narrow_copy(self: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``x.narrow(dim, start, length)`` as a new contiguous tensor (a copy, not a view)."""
    return ops.clone(ops.narrow(self, dim, start, length))


def new_empty_strided(
    self: Tensor,
    size: Sequence[int],
    stride: Sequence[int],
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialised tensor of shape ``size`` with element strides ``stride`` (a view of
    a new buffer just large enough), self's dtype and device unless given.

    Example:
        >>> import autograd_core as ac
        >>> t = ac.zeros(1).new_empty_strided((2, 3), (1, 2))
        >>> t.shape, t.data.strides
        ((2, 3), (4, 8))
    """
    from autograd_core.torch_creation import empty_strided

    dtype = self.dtype if dtype is None else dtype
    device = self.device if device is None else device
    return empty_strided(size, stride, dtype=dtype, device=device, requires_grad=requires_grad)


MORE_METHODS: dict[str, Any] = {
    "is_floating_point": is_floating_point,
    "is_complex": is_complex,
    "is_signed": is_signed,
    "is_nonzero": is_nonzero,
    "is_same_size": is_same_size,
    "get_device": get_device,
    "is_cpu": property(_is_cpu, doc="Whether the tensor is on the CPU."),
    "nbytes": property(_nbytes, doc="numel() · itemsize: the bytes of its elements."),
    "itemsize": property(_itemsize, doc="The size of one element in bytes."),
    "retains_grad": property(
        _retains_grad,
        doc="Whether ``retain_grad()`` was called on this non-leaf (False after an in-place "
        "shape method: PyTorch says True, and keeps the old value's gradient).",
    ),
    "real": property(_real, doc="A real tensor itself (PyTorch's ``real`` of a real tensor)."),
    "imag": property(_imag, doc="Raises, as PyTorch, for a real tensor."),
    "conj": _real_only("conj"),
    "resolve_conj": _real_only("resolve_conj"),
    "resolve_neg": _real_only("resolve_neg"),
    "is_conj": _false,
    "is_neg": _false,
    "adjoint": adjoint,
    "H": property(_matrix_h, doc="A matrix's conjugate transpose (0-d: itself), as PyTorch."),
    "mH": property(adjoint, doc="The conjugate transpose of the last two axes (``adjoint``)."),
    "byte": _cast(numpy.uint8, "Cast to uint8 (not differentiable)."),
    "char": _cast(numpy.int8, "Cast to int8 (not differentiable)."),
    "short": _cast(numpy.int16, "Cast to int16 (not differentiable)."),
    "unfold": unfold,
    "sum_to_size": sum_to_size,
    "split_with_sizes": split_with_sizes,
    "unsafe_split": unsafe_split,
    "unsafe_split_with_sizes": unsafe_split_with_sizes,
    "unsafe_chunk": unsafe_chunk,
    "narrow_copy": narrow_copy,
    "new_empty_strided": new_empty_strided,
}
