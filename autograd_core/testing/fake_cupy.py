"""A strict stand-in for the ``cupy`` module on CPU-only machines: NumPy computes, device arrays
are their own type (fake_cupy_array.py), and every host↔device copy is counted.

``AUTOGRAD_CORE_FAKE_CUDA=1`` (or ``pytest --fake-cuda``) makes ``autograd_core.device`` import
this module where it would import CuPy, so ``Device("cuda")`` runs the GPU code path. It
exposes the names real CuPy exposes (``cupy/__init__.py``, listed in ``_CUPY_NAMES``) and
nothing else: a NumPy-only function such as ``errstate`` is an AttributeError here as there.

Example:
    >>> import numpy as np
    >>> from autograd_core.testing import fake_cupy as cp
    >>> cp.TRANSFERS.reset()
    >>> x = cp.asarray(np.arange(3.0))
    >>> y = cp.exp(x) + 1.0
    >>> np.asarray(y)
    Traceback (most recent call last):
    ...
    TypeError: Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy array explicitly.
    >>> cp.asnumpy(y).shape, cp.TRANSFERS
    ((3,), Transfers(h2d=1, d2h=1))
"""  # noqa: E501

from __future__ import annotations

import types
from typing import Any

import numpy

from autograd_core.testing.fake_cupy_array import (
    STATE,
    TRANSFERS,
    Flags,
    Transfers,
    host_index,
    ndarray,
    quiet,
    unwrap,
    upload,
    wrap,
)

__all__ = [
    "ndarray",
    "Flags",
    "Transfers",
    "TRANSFERS",
    "asarray",
    "array",
    "asanyarray",
    "ascontiguousarray",
    "asnumpy",
    "get_array_module",
    "ufunc",
    "is_available",
    "cuda",
    "random",
    "linalg",
    "lib",
]

# Public names of cupy/__init__.py (cupy/cupy at 6b6d956); any other name is an AttributeError.
_CUPY_NAMES = frozenset(
    """
abs absolute acos acosh add all allclose alltrue amax amin angle any append apply_along_axis
apply_over_axes arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin
argpartition argsort argwhere around array_equal array_equiv array_split asfarray
asfortranarray asin asinh astype atan atan2 atanh atleast_1d atleast_2d atleast_3d average
bincount bitwise_and bitwise_count bitwise_invert bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor bool bool_ broadcast_arrays broadcast_shapes broadcast_to byte
can_cast cbrt cdouble ceil cfloat choose clip column_stack common_type complex128 complex64
complex_ complexfloating compress concat concatenate conj conjugate convolve copy copysign
copyto corrcoef correlate cos cosh count_nonzero cov cross csingle cumprod cumsum
cumulative_prod cumulative_sum deg2rad degrees delete diag diag_indices diagflat diagonal diff
digitize divide divmod dot double dsplit dstack dtype e ediff1d einsum empty empty_like equal
euler_gamma exp exp2 expand_dims expm1 extract eye fabs fill_diagonal finfo fix flatnonzero
flip fliplr flipud float16 float32 float64 float_ float_power floating floor floor_divide fmax
fmin fmod frexp full full_like gcd generic greater greater_equal half heaviside histogram hsplit
hstack hypot i0 identity iinfo imag in1d indices inexact inf inner int16 int32 int64 int8 int_
intc integer interp intersect1d intp invert isclose iscomplex iscomplexobj isdtype isfinite
isin isinf isnan isneginf isposinf isreal isrealobj isscalar issubdtype ix_ kron lcm ldexp
left_shift less less_equal lexsort linspace log log10 log1p log2 logaddexp logaddexp2
logical_and logical_not logical_or logical_xor logspace long longlong matmul matrix_transpose
max maximum may_share_memory mean median meshgrid min min_scalar_type minimum mod modf moveaxis
multiply nan nan_to_num nanargmax nanargmin nancumprod nancumsum nanmax nanmean nanmedian nanmin
nanprod nanstd nansum nanvar ndim negative newaxis nextafter nonzero not_equal number ones
ones_like outer packbits pad partition percentile permute_dims pi piecewise place positive pow
power prod promote_types ptp put put_along_axis putmask quantile rad2deg radians ravel
ravel_multi_index real reciprocal remainder repeat require reshape resize result_type
right_shift rint roll rollaxis rot90 round searchsorted select shape shares_memory short sign
signbit signedinteger sin sinc single sinh size sort sort_complex split sqrt square squeeze
stack std subtract sum swapaxes take take_along_axis tan tanh tensordot tile trace transpose
trapezoid tri tril tril_indices triu triu_indices true_divide trunc ubyte uint uint16 uint32
uint64 uint8 uintc uintp ulong ulonglong union1d unique unpackbits unravel_index
unsignedinteger ushort vander var vdot vsplit vstack where zeros zeros_like
""".split()
)
# NumPy functions that cupy/__init__.py re-exports unchanged (``from numpy import ...``) or
# that only read dtypes: device arrays stand for their dtype, host arrays are allowed.
_DTYPE_ONLY = frozenset(
    "broadcast_shapes can_cast common_type finfo iinfo isdtype issubdtype min_scalar_type "
    "promote_types result_type".split()
)


# CuPy's ufunc methods (cupy/_core/_kernel.pyx, cupy/_core/_routines_indexing.pyx): reduce and
# accumulate exist only for add and multiply, reduceat only for add, and ``at`` only for the
# ufuncs with a scatter kernel, each for the dtypes of its CUDA atomics. Anything else raises
# NotImplementedError (TypeError for a dtype) on a GPU, so the stand-in raises it too.
_METHODS = {"reduce": {"add", "multiply"}, "accumulate": {"add", "multiply"}, "reduceat": {"add"}}
_INT32_64 = ("int32", "int64", "uint32", "uint64")
_AT_DTYPES = {
    "add": ("float16", "float32", "float64", "complex64", "complex128", *_INT32_64),
    "subtract": ("int32", "uint32"),
    "maximum": ("float32", "float64", *_INT32_64),
    "minimum": ("float32", "float64", *_INT32_64),
    "bitwise_and": _INT32_64,
    "bitwise_or": _INT32_64,
    "bitwise_xor": _INT32_64,
}


class ufunc:  # noqa: N801  (CuPy's name)
    """A CuPy ufunc: refuses host arrays and sequences as operands (``CScalar``), and offers
    only the methods CuPy implements (``_METHODS``, ``_AT_DTYPES``)."""

    def __init__(self, f: numpy.ufunc) -> None:
        self._f = f
        self.__name__ = f.__name__
        self.nin, self.nout, self.nargs = f.nin, f.nout, f.nargs
        self.identity = f.identity

    def __call__(self, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        xs = [unwrap(a, sequences=False) for a in args]
        kw = {k: unwrap(v) for k, v in kwargs.items()}
        if out is not None:
            if not isinstance(out, ndarray):
                raise TypeError("Output arguments must be cupy.ndarray")
            kw["out"] = out._a
        with quiet():
            y = self._f(*xs, **kw)
        return out if out is not None else wrap(y)

    def _method(self, name: str, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        if self.__name__ not in _METHODS.get(name, (self.__name__,)):
            raise NotImplementedError(f"`cupy_{self.__name__}.{name}` is not supported yet")
        kw = {k: unwrap(v) for k, v in kwargs.items()}
        if out is not None:
            kw["out"] = out._a
        with quiet():
            y = getattr(self._f, name)(*[unwrap(a) for a in args], **kw)
        return out if out is not None else wrap(y)

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        return self._method("reduce", *args, **kwargs)

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        return self._method("accumulate", *args, **kwargs)

    def outer(self, a: Any, b: Any, **kwargs: Any) -> Any:
        return self._method("outer", unwrap(a, sequences=False), unwrap(b, sequences=False))

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        return self._method("reduceat", *args, **kwargs)

    def at(self, a: Any, indices: Any, b: Any = None) -> None:
        """In place ``a[indices] op= b`` (unbuffered), as ``cupy.add.at``."""
        if not isinstance(a, ndarray):
            raise TypeError("ufunc.at: the first argument must be a cupy.ndarray")
        dtypes = _AT_DTYPES.get(self.__name__)
        if dtypes is None:
            raise NotImplementedError(f"`cupy_{self.__name__}.at` is not supported yet")
        if a.dtype.name not in dtypes:
            supported = ", ".join(dtypes)
            raise TypeError(f"cupy.{self.__name__}.at only supports {supported} as data type")
        index = host_index(indices, a.shape)
        rest = () if b is None else (unwrap(b, sequences=False),)
        self._f.at(a._a, index, *rest)

    def __repr__(self) -> str:
        return f"<ufunc '{self.__name__}'>"


def _function(f: Any) -> Any:
    def g(*args: Any, **kwargs: Any) -> Any:
        out = kwargs.get("out")
        with quiet():
            y = f(*unwrap(args), **{k: unwrap(v) for k, v in kwargs.items()})
        return out if out is not None else wrap(y)

    g.__name__ = g.__qualname__ = f.__name__
    g.__doc__ = f"cupy.{f.__name__} on the stand-in (NumPy's, on the array behind)."
    return g


def _dtype_only(f: Any) -> Any:
    def g(*args: Any, **kwargs: Any) -> Any:
        return f(*[a.dtype if isinstance(a, ndarray) else a for a in args], **kwargs)

    g.__name__ = f.__name__
    return g


def __getattr__(name: str) -> Any:
    if name not in _CUPY_NAMES or not hasattr(numpy, name):
        raise AttributeError(f"module 'cupy' has no attribute {name!r}")
    obj = getattr(numpy, name)
    if isinstance(obj, numpy.ufunc):
        obj = ufunc(obj)
    elif name in _DTYPE_ONLY:
        obj = _dtype_only(obj)
    elif callable(obj) and not isinstance(obj, type):
        obj = _function(obj)
    globals()[name] = obj  # made once
    return obj


# -- conversion --------------------------------------------------------------------------


def asarray(a: Any, dtype: Any = None, order: Any = None, *, blocking: bool = False) -> ndarray:
    """A device array: ``a`` itself when it already is one of that dtype, else a copy of the
    host data (one host→device transfer)."""
    if isinstance(a, ndarray):
        return a if dtype is None or a.dtype == numpy.dtype(dtype) else a.astype(dtype)
    return upload(a, dtype)


asanyarray = asarray


def array(obj: Any, dtype: Any = None, copy: bool = True, order: str = "K", subok: bool = False,
          ndmin: int = 0, *, blocking: bool = False) -> ndarray:  # fmt: skip
    """A device array holding a copy of ``obj`` (a host→device transfer for host data)."""
    return upload(obj, dtype, copy=copy is not False)


def ascontiguousarray(a: Any, dtype: Any = None) -> ndarray:
    """A C-contiguous device array (a host array is copied over)."""
    if isinstance(a, ndarray):
        return wrap(numpy.ascontiguousarray(a._a, dtype))
    return upload(numpy.ascontiguousarray(a, dtype))


def asnumpy(a: Any, stream: Any = None, order: str = "C", out: Any = None,
            *, blocking: bool = True) -> numpy.ndarray:  # fmt: skip
    """A host copy of a device array (a device→host transfer); host data passes through
    ``numpy.asarray`` uncounted, as in cupy/__init__.py."""
    if isinstance(a, ndarray):
        return a.get(order=order, out=out)
    return numpy.asarray(a, order=order)


def get_array_module(*args: Any) -> Any:
    """This module if any argument is a device array, else numpy."""
    import sys  # noqa: PLC0415

    here = sys.modules[__name__]
    return here if any(isinstance(a, ndarray) for a in args) else numpy


def is_available() -> bool:
    """The stand-in always has a (pretend) device."""
    return STATE.count > 0


# -- submodules --------------------------------------------------------------------------


class _Module(types.ModuleType):
    """A submodule whose functions wrap NumPy's ``source`` (only those in ``names``)."""

    def __init__(self, name: str, source: Any, names: str) -> None:
        super().__init__(f"cupy.{name}")
        self._source = source
        self._names = frozenset(names.split())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._names:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        obj = getattr(self._source, name)
        obj = obj if isinstance(obj, type) else _function(obj)
        setattr(self, name, obj)
        return obj


# cupy/linalg/__init__.py
linalg = _Module(
    "linalg",
    numpy.linalg,
    "matrix_power cross matmul matrix_transpose cholesky qr svd eigh eig eigvalsh eigvals norm "
    "cond det matrix_rank slogdet solve tensorsolve lstsq inv pinv tensorinv LinAlgError",
)
lib = types.ModuleType("cupy.lib")
# cupy/lib/stride_tricks.py
lib.stride_tricks = _Module(  # type: ignore[attr-defined]
    "lib.stride_tricks", numpy.lib.stride_tricks, "as_strided sliding_window_view"
)

from autograd_core.testing import fake_cupy_cuda as cuda  # noqa: E402
from autograd_core.testing import fake_cupy_random as random  # noqa: E402
