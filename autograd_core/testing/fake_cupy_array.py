"""The device array of the CuPy stand-in: a NumPy array behind a type that refuses what
``cupy.ndarray`` refuses, and counts each host↔device transfer.

Every rule below follows CuPy's own source (cupy/cupy, ``cupy/_core/core.pyx`` unless said
otherwise), so that code which runs here runs on a GPU:

- ``__array__`` raises TypeError ("Implicit conversion to a NumPy array is not allowed"), so
  ``numpy.asarray(dev)`` fails.
- ``__array_ufunc__`` sends a NumPy ufunc to the CuPy ufunc of the same name, which refuses a
  ``numpy.ndarray`` operand (``_kernel.pyx::_preprocess_arg`` →
  ``_scalar.pyx::CScalar``: "Unsupported type"); Python and NumPy scalars are kernel arguments.
- ``__array_function__`` sends ``numpy.concatenate(...)`` and the like to ``cupy.<name>``
  and returns NotImplemented (NumPy then raises TypeError) when CuPy has no such function or
  an argument type is neither ``cupy.ndarray`` nor ``numpy.ndarray``.
- ``__int__``/``__float__``/``__complex__`` and ``bool()`` (``__nonzero__``) work by copying
  the value to the host (``int(self.get())``): allowed, and counted here as a device→host
  transfer; ``bool()`` of several elements raises ValueError as NumPy does. There is no
  ``__index__``, so ``range(dev)`` or ``operator.index(dev)`` raise TypeError.
- ``get()``, ``item()``, ``tolist()``, ``repr()`` and pickling copy to the host (counted);
  ``set()`` and indexing or assigning with host data (``_routines_indexing.pyx``:
  ``core.array(s)``) copy to the device (counted).
- ``flags`` has only ``c_contiguous``, ``f_contiguous`` and ``owndata`` (no ``writeable``).
- Reductions and scalar indexing return 0-d device arrays, never host scalars.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy

from autograd_core.testing.fake_cupy_ops import binary, triple, ufunc
from autograd_core.testing.fake_cupy_state import (
    STATE,
    TRANSFERS,
    DeviceId,
    Flags,
    Transfers,
    quiet,
)

__all__ = [
    "ndarray",
    "Flags",
    "TRANSFERS",
    "Transfers",
    "STATE",
    "wrap",
    "unwrap",
    "upload",
    "host_index",
    "quiet",
]


_new = object.__new__


def wrap(x: Any) -> Any:
    """NumPy results as device arrays: arrays and NumPy scalars (CuPy's reductions return 0-d
    arrays), recursively through tuples and lists; anything else unchanged."""
    if type(x) is numpy.ndarray:
        a = _new(ndarray)
        a._a = x
        a._dev = STATE.current
        return a
    if isinstance(x, numpy.generic):
        return wrap(numpy.asarray(x))
    if isinstance(x, (tuple, list)):  # a named tuple (NumPy's slogdet) as CuPy's plain tuple
        return (list if isinstance(x, list) else tuple)(wrap(v) for v in x)
    return x


def unwrap(x: Any, *, sequences: bool = True) -> Any:
    """The NumPy array behind a device array, for computing on it "on the device".

    A ``numpy.ndarray`` operand raises TypeError as CuPy's kernels do; ``sequences=False``
    (ufunc operands) refuses lists and tuples too, as ``CScalar`` does."""
    if isinstance(x, ndarray):
        if x._dev != STATE.current and STATE.count > 1:
            raise ValueError(
                f"The device where the array resides ({x._dev}) is different from the current "
                f"device ({STATE.current}). Peer access is unavailable between these devices."
            )
        return x._a
    if isinstance(x, numpy.ndarray):
        raise TypeError(f"Unsupported type {type(x)}")
    if isinstance(x, (tuple, list)):
        if not sequences:
            raise TypeError(f"Unsupported type {type(x)}")
        return type(x)(unwrap(v) for v in x)
    return x


def upload(x: Any, dtype: Any = None, copy: bool = True) -> ndarray:
    """``cupy.array(x)``: a device array from host data (counted as host→device)."""
    if isinstance(x, ndarray):
        a = x._a if dtype is None else x._a.astype(dtype, copy=False)
        return wrap(a.copy() if copy and a is x._a else a)
    if isinstance(x, (list, tuple)) and any(isinstance(v, ndarray) for v in x):
        return wrap(numpy.stack([upload(v, dtype)._a for v in x]))  # cupy.array([dev, dev])
    a = numpy.array(x, dtype=dtype, copy=True)
    if a.dtype.kind in "OUSV":
        raise ValueError(f"Unsupported dtype {a.dtype}")
    TRANSFERS.count("h2d")
    return wrap(a)


def host_index(index: Any, shape: tuple[int, ...] | None = None) -> Any:
    """An index for ``__getitem__``/``__setitem__``: device arrays stay on the device, host
    arrays and lists of integers are copied over (``_prepare_slice_list``: ``core.array(s)``).

    Given the indexed ``shape``, integer arrays wrap around out-of-bounds values as CuPy does
    (docs/source/user_guide/difference.rst, "Out-of-bounds indices": NumPy raises); done for
    indices of ints, slices and integer arrays, one per leading axis."""
    if isinstance(index, tuple):
        parts = tuple(host_index(i) for i in index)
    elif isinstance(index, ndarray):
        parts = (unwrap(index),)
    elif isinstance(index, (numpy.ndarray, list)):
        parts = (upload(index)._a,)
    else:
        return index
    simple = not any(
        p is None or p is Ellipsis or (isinstance(p, numpy.ndarray) and p.dtype.kind == "b")
        for p in parts
    )
    if shape is not None and simple and len(parts) <= len(shape):
        parts = tuple(
            p % shape[k]
            if isinstance(p, numpy.ndarray) and p.dtype.kind in "iu" and shape[k]
            else p
            for k, p in enumerate(parts)
        )
    return parts if isinstance(index, tuple) else parts[0]


class ndarray:  # noqa: N801  (CuPy's name)
    """``cupy.ndarray`` on the stand-in: ``ndarray(shape, dtype)`` makes an uninitialised array
    on the current device."""

    __slots__ = ("_a", "_dev", "__weakref__")  # core.pxd declares __weakref__
    __array_priority__ = 100
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, shape: Any, dtype: Any = float, memptr: Any = None, strides: Any = None,
                 order: str = "C") -> None:  # fmt: skip
        self._a = numpy.empty(shape, dtype, order=order)
        self._dev = STATE.current

    # -- attributes ------------------------------------------------------------------------
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    T = property(lambda self: wrap(self._a.T))
    mT = property(lambda self: wrap(numpy.swapaxes(self._a, -1, -2)))
    real = property(lambda self: wrap(self._a.real))
    imag = property(lambda self: wrap(self._a.imag))
    device = property(lambda self: DeviceId(self._dev))

    @property
    def flags(self) -> Flags:
        a = self._a
        return Flags(a.flags.c_contiguous, a.flags.f_contiguous, a.base is None)

    @property
    def base(self) -> Any:
        b = self._a.base
        return wrap(b) if isinstance(b, numpy.ndarray) else None

    # -- explicit transfers ----------------------------------------------------------------
    def get(self, stream: Any = None, order: str = "C", out: Any = None,
            blocking: bool = True) -> numpy.ndarray:  # fmt: skip
        """Copy to the host (``cupy.ndarray.get``)."""
        TRANSFERS.count("d2h")
        if out is not None:
            out[...] = self._a
            return out
        return numpy.array(self._a, order=order)

    def set(self, arr: Any, stream: Any = None) -> None:
        """Copy the host array ``arr`` into this one (``cupy.ndarray.set``)."""
        if not isinstance(arr, numpy.ndarray):
            raise TypeError(f"Only numpy.ndarray can be set to cupy.ndarray, got {type(arr)}")
        if arr.shape != self.shape:
            raise ValueError(f"Shape mismatch. Old shape: {self.shape}, new shape: {arr.shape}")
        TRANSFERS.count("h2d")
        self._a[...] = arr

    def _implicit(self, how: str) -> None:
        if STATE.strict:
            raise TypeError(
                f"{how} of a device array (strict stand-in, AUTOGRAD_CORE_FAKE_CUDA_STRICT): "
                "copy it explicitly with .get() or cupy.asnumpy()"
            )

    def item(self) -> Any:
        self._implicit("item()")
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self.get().item()

    def tolist(self) -> Any:
        self._implicit("tolist()")
        return self.get().tolist()

    def tobytes(self, order: str = "C") -> bytes:
        return self.get().tobytes(order)

    def __int__(self) -> int:
        self._implicit("int()")
        return int(self.get())

    def __float__(self) -> float:
        self._implicit("float()")
        return float(self.get())

    def __complex__(self) -> complex:
        self._implicit("complex()")
        return complex(self.get())

    def __bool__(self) -> bool:
        self._implicit("bool()")
        if self.size == 0:
            warnings.warn("The truth value of an empty array is ambiguous.", DeprecationWarning,
                          stacklevel=2)  # fmt: skip
            return False
        if self.size == 1:
            return bool(self.get())
        raise ValueError(
            "The truth value of an array with more than one element is ambiguous. Use "
            "a.any() or a.all()"
        )

    def __repr__(self) -> str:
        return repr(self.get())

    def __str__(self) -> str:
        return str(self.get())

    def __format__(self, spec: str) -> str:
        return format(self.get(), spec)

    def __reduce__(self) -> Any:
        from autograd_core.testing.fake_cupy import array  # noqa: PLC0415

        return array, (self.get(),)

    # -- what CuPy refuses -----------------------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
            "construct a NumPy array explicitly."
        )

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        from autograd_core.testing import fake_cupy  # noqa: PLC0415

        f = getattr(fake_cupy, ufunc.__name__, None)
        if f is None:
            return NotImplemented
        out = kwargs.get("out")
        if isinstance(out, tuple):
            if len(out) != 1:
                raise ValueError("The 'out' parameter must have exactly one array value")
            kwargs["out"] = out[0]
        scalars = (int, float, bool, complex, numpy.generic)
        for x in (*inputs, *((kwargs["out"],) if out is not None else ())):
            if not isinstance(x, (ndarray, numpy.ndarray, *scalars)):
                return NotImplemented
        return (f if method == "__call__" else getattr(f, method))(*inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        from autograd_core.testing import fake_cupy  # noqa: PLC0415

        module: Any = fake_cupy
        for part in func.__module__.split(".")[1:]:
            module = getattr(module, part, None)
        f = getattr(module, func.__name__, None)
        if f is None or f is func:
            return NotImplemented
        if not all(issubclass(t, (ndarray, numpy.ndarray)) for t in types):
            return NotImplemented
        return f(*args, **kwargs)

    # -- containers ------------------------------------------------------------------------
    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    def __getitem__(self, index: Any) -> Any:
        return wrap(numpy.asarray(self._a[host_index(index, self.shape)]))

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(value, ndarray):
            value = value._a
        elif isinstance(value, (numpy.ndarray, list, tuple)):
            value = upload(value, self.dtype)._a  # _scatter_op: core.array(value, a.dtype)
        self._a[host_index(index, self.shape)] = value

    def __copy__(self) -> ndarray:
        return self.copy()

    def __deepcopy__(self, memo: Any) -> ndarray:
        return self.copy()

    # -- arithmetic (each through the ufunc, so host operands are refused) ------------------
    __add__, __radd__, __iadd__ = triple("add")
    __sub__, __rsub__, __isub__ = triple("subtract")
    __mul__, __rmul__, __imul__ = triple("multiply")
    __truediv__, __rtruediv__, __itruediv__ = triple("divide")
    __floordiv__, __rfloordiv__, __ifloordiv__ = triple("floor_divide")
    __mod__, __rmod__, __imod__ = triple("remainder")
    __pow__, __rpow__, __ipow__ = triple("power")
    __matmul__, __rmatmul__ = binary("matmul"), binary("matmul", True)
    __and__, __rand__, __iand__ = triple("bitwise_and")
    __or__, __ror__, __ior__ = triple("bitwise_or")
    __xor__, __rxor__, __ixor__ = triple("bitwise_xor")
    __lt__, __le__ = binary("less"), binary("less_equal")
    __gt__, __ge__ = binary("greater"), binary("greater_equal")
    __eq__, __ne__ = binary("equal"), binary("not_equal")  # type: ignore[assignment]

    def __neg__(self) -> Any:
        return ufunc("negative")(self)

    def __pos__(self) -> Any:
        return ufunc("positive")(self)

    def __abs__(self) -> Any:
        return ufunc("absolute")(self)

    def __invert__(self) -> Any:
        return ufunc("invert")(self)

    def __divmod__(self, other: Any) -> Any:
        return ufunc("divmod")(self, other)

    # -- methods (computed on the device: no transfer) -------------------------------------
    def astype(self, dtype: Any, order: str = "K", casting: Any = None, subok: Any = None,
               copy: bool = True) -> ndarray:  # fmt: skip
        a = self._a.astype(dtype, order=order, copy=copy)
        return self if a is self._a else wrap(a)

    def view(self, dtype: Any = None, *args: Any, **kwargs: Any) -> ndarray:
        return wrap(self._a.view() if dtype is None else self._a.view(dtype))

    def fill(self, value: Any) -> None:
        self._a.fill(unwrap(value))

    def sort(self, axis: int = -1, kind: Any = None) -> None:
        self._a.sort(axis=axis)


def _method(name: str) -> Any:
    def method(self: ndarray, *args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        kwargs = {k: unwrap(v) for k, v in kwargs.items()}
        with quiet():
            y = getattr(self._a, name)(*unwrap(args), **kwargs)
        return out if out is not None else wrap(y)

    method.__name__ = name
    return method


# The rest of cupy.ndarray's methods (core.pyx) run NumPy's method on the array behind.
for _name in (
    "all any argmax argmin argpartition argsort choose clip compress conj conjugate copy "
    "cumprod cumsum diagonal dot flatten max mean min nonzero partition prod put ravel "
    "repeat reshape round searchsorted squeeze std sum swapaxes take trace transpose var"
).split():
    setattr(ndarray, _name, _method(_name))
