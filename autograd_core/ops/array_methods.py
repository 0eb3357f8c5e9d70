"""The ufunc methods NumPy has and CuPy lacks, on any array module.

CuPy implements ``ufunc.accumulate`` only for add and multiply, and ``ufunc.at`` only for the
ufuncs with a CUDA scatter kernel (add, subtract, maximum, minimum and the bitwise ones), see
``cupy/_core/_kernel.pyx``, and add.at only for the dtypes of CUDA's atomic add. The ops that
need the others (cummax, cummin, mode, logcumsumexp, scatter's ``reduce='multiply'``, the
adding scatters of bool and small integers) call these functions, which use NumPy's method on
the CPU and a few whole-array calls elsewhere. The strict CuPy stand-in (``--fake-cuda``)
raises where CuPy would, so CPU-only CI sees a GPU path that reaches for a missing method.
"""

from __future__ import annotations

from typing import Any

import numpy

__all__ = ["accumulate", "add_at", "multiply_at"]

# The dtypes of CuPy's add.at (its CUDA atomicAdd overloads); other integers and bool are
# accumulated in a wider type and cast back.
_ATOMIC_ADD = frozenset(
    "float16 float32 float64 complex64 complex128 int32 int64 uint32 uint64".split()
)


def accumulate(xp: Any, name: str, x: Any, axis: int) -> Any:
    """``xp.<name>.accumulate(x, axis=axis)`` for an associative binary ufunc ``name``.

    On CuPy, a doubling scan (Hillis and Steele): after the pass with shift s every entry holds
    the ufunc over the 2s entries ending at it, so ⌈log₂ n⌉ passes of one elementwise call
    each. For maximum and minimum the result is the sequential one exactly; for logaddexp it
    differs by rounding only (the terms are combined in another order).
    """
    ufunc = getattr(xp, name)
    if xp is numpy:
        return ufunc.accumulate(x, axis=axis)
    y = x.copy()
    n = x.shape[axis]
    lead = (slice(None),) * axis
    shift = 1
    while shift < n:
        # the right side is evaluated whole before the assignment, so nothing is read twice
        y[lead + (slice(shift, None),)] = ufunc(
            y[lead + (slice(shift, None),)], y[lead + (slice(None, n - shift),)]
        )
        shift *= 2
    return y


def add_at(xp: Any, out: Any, index: Any, src: Any) -> None:
    """``xp.add.at(out, index, src)``: out[index] += src, unbuffered (a position named k times
    gets all k terms). On CuPy, ``out`` of a dtype without a CUDA atomic add (bool, 8- and
    16-bit integers) is accumulated in int64 (bool: int32 counts, then ``!= 0``, which is
    NumPy's bool addition, logical or) and cast back, wrapping as the narrow type's addition.
    """
    if xp is numpy or out.dtype.name in _ATOMIC_ADD:
        xp.add.at(out, index, src)
        return
    wide = out.astype(xp.int32 if out.dtype == bool else xp.int64)
    xp.add.at(wide, index, xp.asarray(src).astype(wide.dtype))
    out[...] = wide != 0 if out.dtype == bool else wide.astype(out.dtype)


def multiply_at(xp: Any, out: Any, index: tuple[Any, ...], src: Any) -> None:
    """``xp.multiply.at(out, index, src)``: out[index] *= src, unbuffered (a position named k
    times is multiplied k times). ``out`` is C-contiguous and ``index`` an advanced index of
    integer arrays that broadcast with ``src``.

    On CuPy, rounds over the distinct positions: each round multiplies one factor into every
    position that still has one (no position twice in a round, so a buffered update is
    exact), as many rounds as the most repeated position has factors.
    """
    if xp is numpy:
        numpy.multiply.at(out, index, src)
        return
    arrays = xp.broadcast_arrays(*index, src)
    # indices were checked to lie in [-size, size): "wrap" maps the negative ones
    flat = xp.ravel_multi_index(tuple(a.ravel() for a in arrays[:-1]), out.shape, mode="wrap")
    factors = arrays[-1].ravel()
    cells = out.reshape(-1)
    while flat.size:
        positions, first = xp.unique(flat, return_index=True)
        cells[positions] *= factors[first]
        rest = xp.ones(flat.shape, dtype=bool)
        rest[first] = False
        flat, factors = flat[rest], factors[rest]
