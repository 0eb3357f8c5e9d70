"""Statistics over axes: var/std, logsumexp and the vector p-norms.

Their forwards accumulate float16 inputs in float32 (``reduce.wide_dtype``) and round the
result once to float16, as PyTorch does: a float16 sum of more than 65,504 terms of size 1, or
a count above 65,504, is inf. The VJPs scale by counts in float32 too (``divide_wide``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy

from autograd_core.amp import cast_float32
from autograd_core.op import Op
from autograd_core.ops.common import dim_arg, keep_arg, lift_float
from autograd_core.ops.extrema import tie_weights
from autograd_core.ops.opmath import is_half, narrow, widen
from autograd_core.ops.reduce import (
    Mean,
    divide_wide,
    expand_reduced,
    kept_shape,
    reduced_count,
    reduction_args,
    require_float,
    wide_dtype,
    widening_cast,
)
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["var", "std", "logsumexp", "norm"]


def _out_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None, keepdims: bool) -> tuple:
    if keepdims:
        return kept_shape(shape, axes)
    return () if axes is None else tuple(d for i, d in enumerate(shape) if i not in axes)


# -- var, std ------------------------------------------------------------------------------


def _variance(xp: Any, x: Any, axes: tuple[int, ...] | None, d: int, keepdims: bool) -> Any:
    """Σ(x − x̄)² / d over ``axes``, in ``wide_dtype`` (float32 for float16: the caller rounds
    once, after std's square root too). Like NumPy and PyTorch, d ≤ 0 divides by 0 (inf, or
    NaN for a zero sum) and an empty slice gives NaN, here without a RuntimeWarning."""
    wide = wide_dtype(x.dtype)
    if reduced_count(x.shape, axes) == 0:
        return xp.full(_out_shape(x.shape, axes, keepdims), xp.nan, dtype=wide)
    xw = x.astype(wide, copy=False)  # float16: sums and count in float32
    dev = xw - xw.mean(axis=axes, keepdims=True)
    ss = (dev * dev).sum(axis=axes, keepdims=keepdims)
    if d <= 0:
        return xp.where(ss > 0, xp.inf, xp.nan).astype(wide, copy=False)
    return ss / ss.dtype.type(d)


def _variance_vjp(op: Op, gv: Any) -> Any:
    """x̄ = ḡ · 2 (x − mean x) / d, with ḡ the adjoint of the variance (an array or a Tensor,
    like the result); NaN when d ≤ 0. A new array in a plain backward.

    float16 takes PyTorch's order and roundings (``var_backward`` in its FunctionsManual.cpp,
    ``(2 / d) * grad * (x - x.mean(dim, keepdim=True))``): ḡ times 2/d in float32 rounded to
    float16, x − mean with the float16 mean (accumulated in float32, rounded once), and their
    product rounded once. float32 and float64 keep ḡ (x − mean) / (d/2)."""
    shape = op.inputs[0].shape
    axes = op.params["axis"]
    g = expand_reduced(gv, shape, axes)
    if math.prod(shape) == 0:  # no elements: an empty gradient, without the empty mean
        return g * 0.0
    (x,) = op.inputs_as(gv)
    d = reduced_count(shape, axes) - op.params["correction"]
    centred = x - Mean.call(x, axis=axes, keepdims=True)
    # N < c: PyTorch's finite 2ḡ(x − x̄)/(N − c); N = c: ±inf, NaN where ḡ(x − x̄) = 0
    with numpy.errstate(invalid="ignore", divide="ignore"):
        if is_half(g):
            (wide,) = widen(g)  # a float16 g times a Python float would round 2/d to float16
            return narrow(wide * (2.0 / d if d else math.inf), g.dtype) * centred
        return divide_wide(g * centred, d / 2.0)


@register_op("var", array_vjp=True)
class Var(Op):
    r"""y = Σ (x − x̄)² / (N − c) over ``axis``: N elements per slice, c = ``correction``
    (1: the unbiased estimator, 0: the population variance; NumPy's ``ddof``).

    VJP: x̄ = ȳ · 2 (x − x̄) / (N − c) (the mean is recomputed, as a recorded op in a recorded
    backward), so it is differentiable. N ≤ c gives inf (NaN for a constant slice) as in
    NumPy and PyTorch, and the VJP's formula as PyTorch 2.13 takes it with ``dim``: finite
    for N < c (N − c < 0), ±inf or NaN (0/0) for N = c; std's is NaN. (PyTorch's reduction
    over all elements gives ±inf for N < c too, with ȳ's sign: not followed.) Saves nothing
    but the input (the parent). Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None, correction: int, keepdims: bool) -> Any:
        v = _variance(self.xp, x, axis, reduced_count(x.shape, axis) - correction, keepdims)
        return v.astype(x.dtype, copy=False)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (_variance_vjp(self, gy),)


@register_op("std", save_output=True, array_vjp=True)
class Std(Op):
    r"""y = √var(x), with ``var`` as in ``Var`` (same ``correction``). For float16 the variance
    and its root are both taken in float32 and rounded once, as PyTorch does (rounding the
    variance first left std one float16 ulp off for about one slice in five).

    VJP: x̄ = (ȳ / 2y) · 2 (x − x̄) / (N − c) = ȳ (x − x̄) / ((N − c) y). Where y = 0 (a constant
    slice) the derivative does not exist; the subgradient 0 is used (PyTorch's convention).
    Saves the output y. Does not broadcast.
    """

    def forward(self, x: Any, axis: tuple[int, ...] | None, correction: int, keepdims: bool) -> Any:
        v = _variance(self.xp, x, axis, reduced_count(x.shape, axis) - correction, keepdims)
        return self.xp.sqrt(v).astype(x.dtype, copy=False)  # float16: rounded once, here

    fresh_grads = True

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.binary import Where

        y = self.output_as(gy)
        flat = self.out == 0
        gv = Where.call(flat, 0.0, gy / (2.0 * Where.call(flat, 1.0, y)))
        return (_variance_vjp(self, gv),)


def _correction(op: str, correction: Any, unbiased: Any, ddof: Any) -> int:
    given = [
        n
        for n, v in (("correction", correction), ("unbiased", unbiased), ("ddof", ddof))
        if v is not None
    ]
    if len(given) > 1:
        raise TypeError(f"{op}: pass only one of correction, unbiased, ddof; got {given}.")
    if unbiased is not None:
        return 1 if unbiased else 0
    c = ddof if ddof is not None else (1 if correction is None else correction)
    if isinstance(c, bool) or not isinstance(c, int) or c < 0:
        raise ValueError(
            f"{op}: correction must be a non-negative int, got {c!r}. Use 1 for the unbiased "
            "estimate or 0 for the population value."
        )
    return c


def var(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool | None = None,
    unbiased: bool | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
    ddof: int | None = None,
) -> Tensor:
    """Variance over ``dim`` (alias ``axis``), dividing by N − ``correction`` (default 1, like
    PyTorch; ``ddof`` is NumPy's name, ``unbiased=False`` means correction 0).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0, 4.0])
        >>> x.var(), x.var(correction=0)
        (tensor(1.6666666), tensor(1.25))
    """
    x, axes, keep = reduction_args("var", x, dim, keepdim, axis, keepdims)
    c = _correction("var", correction, unbiased, ddof)
    return Var.apply(require_float("var", x), axis=axes, correction=c, keepdims=keep)


def std(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool | None = None,
    unbiased: bool | None = None,
    axis: Any = None,
    keepdims: bool | None = None,
    ddof: int | None = None,
) -> Tensor:
    """Standard deviation √var over ``dim``, with ``var``'s ``correction`` (default 1). The
    gradient at a constant slice (std = 0) is taken as 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 3.0], [2.0, 2.0]]).std(dim=1, correction=0)
        tensor([1., 0.])
    """
    x, axes, keep = reduction_args("std", x, dim, keepdim, axis, keepdims)
    c = _correction("std", correction, unbiased, ddof)
    return Std.apply(require_float("std", x), axis=axes, correction=c, keepdims=keep)


# -- logsumexp -----------------------------------------------------------------------------


@register_op("logsumexp", save_output=True, array_vjp=True)
class LogSumExp(Op):
    r"""y = log Σ exp(x) over ``axis``, computed as m + log Σ exp(x − m) with m the slice maximum
    (a constant), so logits of ±1e4 neither overflow nor underflow to -inf.

    VJP: x̄ = ȳ · exp(x − y) (the softmax of the slice), with the saved output y; recorded in a
    recorded backward, so it is differentiable again (its derivative is the softmax Jacobian).
    An empty slice gives −inf. Saves the output. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        xp = self.xp
        kept = kept_shape(x.shape, axis)
        if reduced_count(x.shape, axis) == 0:
            return xp.full(_out_shape(x.shape, axis, keepdims), -xp.inf, dtype=x.dtype)
        m = x.max(axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)  # a row of ±inf
        wide = wide_dtype(x.dtype)  # float16: Σ exp (up to the count) in float32
        with numpy.errstate(divide="ignore"):  # log 0 = −inf for a slice of −inf, as torch
            total = xp.log(xp.exp(x - m).sum(axis=axis, keepdims=True, dtype=wide))
        y = (total + m).astype(x.dtype, copy=False)
        return y.reshape(_out_shape(x.shape, axis, keepdims)) if not keepdims else y.reshape(kept)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.unary import Exp

        (x,) = self.inputs_as(gy)
        shape = self.inputs[0].shape
        axes = self.params["axis"]
        y = self.output_as(gy).reshape(kept_shape(shape, axes))
        # x − y is ∞ − ∞ = NaN where the slice's y is ±∞ and x is that ∞: the NaN gradient
        # torch gives there too, without NumPy's warning
        with numpy.errstate(invalid="ignore"):
            return (expand_reduced(gy, shape, axes) * Exp.call(x - y),)


def logsumexp(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """log Σ exp(x) over ``dim`` (alias ``axis``; int, tuple or None for all), computed stably.
    Bool and integer inputs give the default float dtype, as ``torch.logsumexp``.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1e4, 1e4]).logsumexp()
        tensor(10000.693)
    """
    x, axes, keep = reduction_args("logsumexp", lift_float(x), dim, keepdim, axis, keepdims)
    (x,) = cast_float32(x)  # float32 under amp.autocast
    return LogSumExp.apply(x, axis=axes, keepdims=keep)


# -- norm ----------------------------------------------------------------------------------


@register_op("norm", save_output=True, array_vjp=True)
class Norm(Op):
    r"""Vector p-norm over ``axis`` (all axes: the Frobenius norm for p = 2):
    y = (Σ |x|ᵖ)^(1/p); p = ∞ gives max |x|.

    The forward scales each slice by s = max |x| before raising to the power p, so large and
    tiny inputs (1e200, 1e-200) neither overflow nor underflow. VJP:

    - p = 2: x̄ = ȳ · x / y; at y = 0 (x = 0) the subgradient 0 is used.
    - p = 1: x̄ = ȳ · sign x, with sign 0 = 0.
    - p = ∞: x̄ = ȳ · sign x on the elements with |x| = y, split equally among ties (as ``amax``).
    - other p > 0: x̄ = ȳ · sign x · (|x| / y)^(p−1); 0 where x = 0 (the true derivative for
      p > 1; for p < 1 it is unbounded there and 0 is used).

    The p = 2 and general cases are written with ops on the saved output, recorded in a recorded
    backward, and are differentiable again; the p = 1 and p = ∞ weights are constants (second
    derivative 0).
    Saves the output. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, p: float, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        xp = self.xp
        out_shape = _out_shape(x.shape, axis, keepdims)
        if reduced_count(x.shape, axis) == 0:
            return xp.zeros(out_shape, dtype=x.dtype)
        if p == math.inf:
            return xp.abs(x).max(axis=axis, keepdims=keepdims)
        a = xp.abs(x.astype(wide_dtype(x.dtype), copy=False))  # float16: sums in float32
        if p == 1:
            return a.sum(axis=axis, keepdims=keepdims).astype(x.dtype, copy=False)
        s = a.max(axis=axis, keepdims=True)
        s = xp.where((s > 0) & xp.isfinite(s), s, 1).astype(a.dtype, copy=False)
        y = s * ((a / s) ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)
        return y.reshape(out_shape).astype(x.dtype, copy=False)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.binary import Where
        from autograd_core.ops.unary import Abs

        (x,) = self.inputs_as(gy)
        x_data = self.inputs[0].data
        p, axes = self.params["p"], self.params["axis"]
        xp = self.xp
        g = expand_reduced(gy, x_data.shape, axes)
        kept = kept_shape(x_data.shape, axes)
        sign = xp.sign(x_data)
        if p == 1:
            return (g * sign,)
        if p == math.inf:
            w = tie_weights(xp, xp.abs(x_data), self.out.reshape(kept), axes)
            return (g * (sign * w),)
        y = self.output_as(gy).reshape(kept)
        y_zero = self.out.reshape(kept) == 0
        y_safe = Where.call(y_zero, 1.0, y)
        if p == 2:
            return (g * Where.call(y_zero, 0.0, x / y_safe),)
        x_zero = x_data == 0
        ratio = Where.call(x_zero, 1.0, Abs.call(x)) / y_safe
        return (g * sign * Where.call(x_zero, 0.0, ratio ** (p - 1)),)


def _either(p: Any, ord: Any) -> Any:  # noqa: A002
    if p is not None and ord is not None:
        raise TypeError("norm: pass p or ord, not both.")
    return ord if p is None else p


def _norm_order(p: Any, ord: Any) -> float:  # noqa: A002
    p = _either(p, ord)
    if p is None or p == "fro":
        return 2.0
    if isinstance(p, str) or isinstance(p, bool) or not p > 0:
        raise ValueError(
            f"norm: p must be a number (±inf and p ≤ 0 included) or 'fro', got {p!r}. Use p=2 "
            "(the default) for the Euclidean/Frobenius norm, p=1 or p=float('inf')."
        )
    return float(p)


def norm(
    x: Tensor,
    p: float | str | None = None,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    ord: float | str | None = None,  # noqa: A002  (NumPy's and torch.linalg's name)
    axis: Any = None,
    keepdims: bool | None = None,
    dtype: Any = None,
) -> Tensor:
    """Vector p-norm over ``dim`` (alias ``axis``; int, tuple or None for all axes), like
    ``torch.linalg.vector_norm``: p (alias ``ord``) = 2 by default, 1, inf, 'fro' (= 2) or
    any p > 0; p = 0 (the count of nonzeros), a negative p and -inf as
    ``ac.linalg.vector_norm``. The gradient at x = 0 is taken as 0 (see ``Norm``). ``dtype``
    casts the input first and may only widen it, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[3.0, -4.0]])
        >>> x.norm(), x.norm(1, dim=1), x.norm(ord=float("inf"))
        (tensor(5.), tensor([7.]), tensor(4.))
    """
    p = _either(p, ord)
    if isinstance(p, (int, float)) and not isinstance(p, bool) and p <= 0:
        from autograd_core.linalg_norms import vector_norm

        return vector_norm(
            x,
            p,
            dim=dim_arg("norm", dim, axis),
            keepdim=keep_arg("norm", keepdim, keepdims),
            dtype=dtype,
        )
    order = _norm_order(p, None)
    # as torch: the ∞-norm (a max) of an empty slice has no value
    x, axes, keep = reduction_args(
        "norm", x, dim, keepdim, axis, keepdims, nonempty=order == math.inf
    )
    return Norm.apply(widening_cast("norm", x, dtype), p=order, axis=axes, keepdims=keep)
