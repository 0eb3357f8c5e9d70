"""Fused in-place updates through BLAS: ``y ← y + a·x`` (axpy) and ``x ← a·x`` (scal).

NumPy has no fused multiply-add: ``y += a * x`` first writes ``a * x`` to a temporary and then
reads it back, two passes over memory on one core. The BLAS routine ``axpy`` does it in one
pass, in place, on all BLAS threads, rounding once per element (a fused multiply-add where the
CPU has one). Those passes are most of the time of an SGD step on a large model, so
:func:`optim.sgd_update` is written with these two helpers; they compute what PyTorch's
``add_(x, alpha=a)`` and ``mul_(a)`` compute.

The BLAS is the OpenBLAS that NumPy's wheels bundle and use for ``matmul``, called through
``ctypes``. Using that one library matters: a second BLAS (SciPy's, say) keeps a second pool of
threads that spin after each call and fight NumPy's for the cores, which made a whole training
step 3x slower here. The library is looked up once, where the wheels put it (``numpy.libs`` or
``numpy/.dylibs``), through its 64-bit-integer CBLAS symbols; when it is not there (NumPy built
against another BLAS), everything falls back to the NumPy expressions.

NumPy is also used whenever BLAS cannot do the same thing in place: arrays that are not NumPy
(CuPy), not float32/float64, of different dtypes, not C-contiguous, read-only, and a factor of
0 (BLAS skips the arithmetic then, so ``0 · NaN`` would not give NaN as NumPy and PyTorch do).
Both paths compute each element on its own, so slicing an update never changes a bit.
"""

from __future__ import annotations

import ctypes
import pathlib
from typing import Any

import numpy as np

__all__ = ["axpy_", "scal_"]

# CBLAS names of NumPy's bundled OpenBLAS with 64-bit integers: NumPy >= 2 ("scipy_" prefix),
# then older wheels.
_SYMBOL_FORMS = ("scipy_cblas_{}64_", "cblas_{}64_")
_UNSET: Any = object()
_ROUTINES: Any = _UNSET


def _load_numpy_blas() -> dict[np.dtype, tuple[Any, Any]] | None:
    """{dtype: (axpy, scal)} from the OpenBLAS bundled with NumPy, or None if there is none."""
    numpy_dir = pathlib.Path(np.__file__).parent
    candidates = [
        *sorted((numpy_dir.parent / "numpy.libs").glob("*openblas*")),
        *sorted((numpy_dir / ".dylibs").glob("*openblas*")),
    ]
    for path in candidates:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for form in _SYMBOL_FORMS:
            try:
                found = {
                    np.dtype(dtype): (
                        getattr(lib, form.format(c + "axpy")),
                        getattr(lib, form.format(c + "scal")),
                    )
                    for c, dtype in (("s", np.float32), ("d", np.float64))
                }
            except AttributeError:
                continue
            for dtype, (axpy, scal) in found.items():
                real = ctypes.c_float if dtype == np.float32 else ctypes.c_double
                n, ptr = ctypes.c_int64, ctypes.c_void_p
                axpy.argtypes, axpy.restype = [n, real, ptr, n, ptr, n], None
                scal.argtypes, scal.restype = [n, real, ptr, n], None
            return found
    return None


def _routines(dtype: np.dtype) -> tuple[Any, Any] | None:
    """(axpy, scal) for ``dtype``, or None to use NumPy."""
    global _ROUTINES
    if _ROUTINES is _UNSET:
        _ROUTINES = _load_numpy_blas()
    return None if _ROUTINES is None else _ROUTINES.get(dtype)


def _blas_target(y: Any, a: float) -> tuple[Any, Any] | None:
    """The routines to update ``y`` in place through BLAS, or None to use NumPy instead."""
    if type(y) is not np.ndarray or a == 0 or not (y.flags.c_contiguous and y.flags.writeable):
        return None
    return _routines(y.dtype)


def axpy_(y: Any, a: float, x: Any) -> None:
    """y ← y + a·x in place (``x`` is read only and has ``y``'s shape).

    Example:
        >>> y = np.array([1.0, 2.0])
        >>> axpy_(y, -0.5, np.array([2.0, 2.0]))
        >>> y
        array([0., 1.])
    """
    routines = _blas_target(y, a)
    if (
        routines is None
        or type(x) is not np.ndarray
        or x.dtype != y.dtype
        or x.shape != y.shape
        or not x.flags.c_contiguous
    ):
        y += a * x
        return
    routines[0](y.size, float(a), x.ctypes.data, 1, y.ctypes.data, 1)


def scal_(x: Any, a: float) -> None:
    """x ← a·x in place.

    Example:
        >>> x = np.array([1.0, -2.0])
        >>> scal_(x, 0.5)
        >>> x
        array([ 0.5, -1. ])
    """
    routines = _blas_target(x, a)
    if routines is None:
        x *= a
        return
    routines[1](x.size, float(a), x.ctypes.data, 1)
