"""PyTorch's in-place forms of the math, comparison, logical, bitwise, scan, triangle and
indexing methods (``x.sqrt_()``, ``buf.addcmul_(g, g, value=0.001)``, ``mask.logical_not_()``,
``x.index_fill_(0, idx, 0.0)``) and the top-level in-place functions (``ac.abs_(x)``).

Each writes the out-of-place function's result into x with ``inplace.apply_in_place``, so the
rules of inplace.py hold: a leaf that requires grad is refused while recording, views see the
write (and their base's gradient follows it), nodes that saved the old value refuse backward,
and the result keeps x's dtype, where a lossy cast (a float into an int tensor) is refused.

Comparisons, logical and bitwise ops, ``floor_divide_`` and ``gcd_``/``lcm_`` have no
gradient: on a recorded x the written 0/1 (or quotient) keeps x in the graph with a zero
gradient, as PyTorch does for ``eq_``. Deliberate differences from PyTorch 2.13:

- ``logical_not_``/``_and_``/``_or_``/``_xor_`` on a recorded float x: PyTorch does not record
  them, so x's old gradient passes through unchanged (a wrong gradient); ours gives zero.
- ``floor_divide_`` on a recorded x: PyTorch's backward raises (no derivative); ours gives
  zero, the derivative of floor(x / y) wherever it exists, as for ``floor_``.
- A comparison written into an x that does not require grad, with an operand that does
  (``a.eq_(y)``): PyTorch marks a as requiring grad (even an integer a); ours leaves it as
  ``ac.eq(a, y)`` would be, not requiring grad.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core import ops
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.inplace import apply_in_place, in_place_method
from autograd_core.ops.common import const
from autograd_core.tensor import Tensor

__all__ = ["INPLACE_MATH_METHODS", "INPLACE_FUNCTIONS", "fill_diagonal_"]


def _power(x: Tensor, exponent: Any) -> Tensor:
    return ops.pow(x, exponent)


def _same_dtype(name: str, x: Tensor, dtype: Any) -> None:
    """PyTorch's cumsum_/cumprod_ take a ``dtype`` only when it is x's own."""
    if dtype is not None and numpy.dtype(dtype) != x.dtype:
        raise DTypeError(
            f"{name}: dtype {numpy.dtype(dtype)} differs from the tensor's dtype {x.dtype} "
            f"(shape {tuple(x.shape)}); an in-place scan writes x's dtype, as in PyTorch. "
            f"Write it out of place: y = x.{name[:-1]}(dim, dtype=...)."
        )


def _cumsum(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    _same_dtype("cumsum_", x, dtype)
    return ops.cumsum(x, dim)


def _cumprod(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    _same_dtype("cumprod_", x, dtype)
    return ops.cumprod(x, dim)


def float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In place: ``x = ac.float_power(x, exponent)``; x must be float64 (or complex128), the
    dtype float_power computes in, as PyTorch requires: a float32 x is refused, not rounded."""
    if self.dtype not in (numpy.float64, numpy.complex128):
        raise DTypeError(
            f"float_power_: float_power computes in float64, but this tensor (shape "
            f"{tuple(self.shape)}) has dtype {self.dtype}; PyTorch refuses the in-place form "
            "too. Convert first (x = x.double()) or write it out of place: ac.float_power(x, e)."
        )
    return apply_in_place("float_power_", self, ops.float_power, exponent)


def _diagonal_mask(xp: Any, shape: tuple[int, ...], wrap: bool) -> Any:
    """True on the main diagonal of ``shape``; a tall matrix with ``wrap`` starts again every
    ``columns + 1`` rows (one row left out between), as PyTorch and NumPy."""
    if len(shape) < 2:
        raise ShapeError(
            f"fill_diagonal_: the tensor must have at least 2 dims, got shape {shape}."
        )
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ShapeError(
            f"fill_diagonal_: a tensor of more than 2 dims must have all dims of equal length "
            f"(a hypercube), got shape {shape}."
        )
    size = int(numpy.prod(shape))
    if len(shape) == 2:
        rows, cols = shape
        end = size if wrap else min(rows, cols) * cols
        flat = numpy.arange(0, end, cols + 1)
    else:
        step = sum(int(numpy.prod(shape[k + 1 :])) for k in range(len(shape)))
        flat = numpy.arange(shape[0]) * step
    mask = numpy.zeros(size, bool)
    mask[flat] = True
    return xp.asarray(mask.reshape(shape))


def diagonal_filled(x: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """A copy of x with its main diagonal set to ``fill_value`` (cast to x's dtype first, so
    ``1.5`` into an int tensor is 1, as PyTorch's ``fill_diagonal_``); the gradient to x is
    zero on the diagonal, and a 0-d tensor ``fill_value`` receives the diagonal's sum
    (PyTorch takes only a number there: a tensor that requires grad is its TypeError)."""
    mask = const(_diagonal_mask(x.xp, tuple(x.shape), wrap))
    if isinstance(fill_value, Tensor):
        if fill_value.ndim:
            raise ShapeError(
                f"fill_diagonal_: fill_value must be a number or a 0-d tensor, got a tensor "
                f"of shape {tuple(fill_value.shape)}."
            )
        value = fill_value.to(dtype=x.dtype)
    else:
        value = const(x.xp.asarray(numpy.asarray(fill_value).astype(x.dtype)))
    return ops.where(mask, value, x)


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Set the main diagonal (entries ``[i, i, ..., i]``) to ``fill_value`` in place, as
    ``torch.Tensor.fill_diagonal_``: at least 2 dims, all equal beyond 2; a tall matrix with
    ``wrap=True`` restarts the diagonal after every ``columns + 1`` rows. Recorded, the old
    diagonal gets a zero gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(4, 2).fill_diagonal_(5.0, wrap=True)
        tensor([[5., 0.],
                [0., 5.],
                [0., 0.],
                [5., 0.]])
    """
    return apply_in_place("fill_diagonal_", self, diagonal_filled, fill_value, wrap)


_SAME_NAME = (
    "abs absolute addbmm addcdiv addcmul addmm addmv baddbmm bitwise_and bitwise_left_shift "
    "bitwise_not bitwise_or bitwise_right_shift bitwise_xor ceil conj_physical cos eq erf erfc "
    "expm1 floor floor_divide fmod gcd ge greater greater_equal gt igamma igammac index_copy "
    "index_fill index_reduce lcm le less less_equal log1p log logical_and logical_not "
    "logical_or logical_xor lt masked_scatter ne not_equal reciprocal remainder round rsqrt "
    "scatter_add scatter_reduce sign sin sqrt square tril triu"
).split()

INPLACE_MATH_METHODS: dict[str, Any] = {
    **{f"{n}_": in_place_method(f"{n}_", getattr(ops, n)) for n in _SAME_NAME},
    "pow_": in_place_method("pow_", _power),
    "cumsum_": in_place_method("cumsum_", _cumsum),
    "cumprod_": in_place_method("cumprod_", _cumprod),
    "float_power_": float_power_,
    "fill_diagonal_": fill_diagonal_,
}

# torch.<name>(x, ...) for the in-place functions PyTorch exposes at the top level; each calls
# the Tensor method. PyTorch's nn ones (dropout_, celu_, ...) are in nn_functions.py; its storage
# and sparse ones (resize_as_, resize_as_sparse_) and embedding_renorm_ are not provided.
_TOP_LEVEL = (
    "abs_ acos_ acosh_ addmv_ as_strided_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ "
    "asin_ asinh_ "
    "atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_ deg2rad_ "
    "detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ index_put_ lcm_ "
    "ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ "
    "relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ "
    "zero_"
).split()


def _function(name: str) -> Any:
    """``ac.<name>(input, ...)``: ``input.<name>(...)``."""

    def function(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:  # noqa: A002
        if not isinstance(input, Tensor):
            raise TypeError(
                f"{name}: input must be a Tensor (it is changed in place), got "
                f"{type(input).__name__}."
            )
        return getattr(input, name)(*args, **kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``input.{name}(...)``: changes ``input`` in place and returns it."
    return function


INPLACE_FUNCTIONS: dict[str, Any] = {name: _function(name) for name in _TOP_LEVEL}
