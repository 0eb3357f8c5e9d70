r"""Scans along an axis: cumsum, cumprod and logcumsumexp (running sums, products and
log-sum-exps, as ``torch.cumsum``, ``torch.cumprod`` and ``torch.logcumsumexp``)."""

from __future__ import annotations

import math
from typing import Any

import numpy  # errstate only: the maths use self.xp

from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.array_methods import accumulate
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.layout import flip
from autograd_core.ops.reduce import int_dtype
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["cumsum", "cumprod", "logcumsumexp"]


@register_op("cumsum", array_vjp=True, saves_inputs=False)
class Cumsum(Op):
    r"""y_i = Σ_{j ≤ i} x_j along ``axis``.

    .. math:: \bar{x}_j = \sum_{i \ge j} \bar{y}_i

    VJP: x̄ = the reversed running sum of ȳ, i.e. flip(cumsum(flip(ȳ))) along the axis (written
    with reversed slices, which arrays and Tensors share): linear, so the second derivative is
    this op again. Saves nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: int) -> Any:
        return self.xp.cumsum(x, axis=axis, dtype=int_dtype(x.dtype))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (reversed_cumsum(gy, self.params["axis"]),)


def _flip(a: Any, axis: int) -> Any:
    """``a`` (an array, or a Tensor under ``create_graph``) reversed along ``axis``."""
    if isinstance(a, Tensor):  # Tensors take no negative slice step, as in PyTorch
        return flip(a, (axis,))
    return a[(slice(None),) * axis + (slice(None, None, -1),)]


def reversed_cumsum(g: Any, axis: int) -> Any:
    """Σ_{i ≥ j} g_i along ``axis`` (an array, or a recorded Tensor op)."""
    return _flip(Cumsum.call(_flip(g, axis), axis=axis), axis)


@register_op("cumprod", save_output=True, array_vjp=True)
class Cumprod(Op):
    r"""y_i = Π_{k ≤ i} x_k along ``axis``.

    .. math:: \bar{x}_j = \sum_{i \ge j} \bar{y}_i \prod_{k \le i, k \ne j} x_k

    VJP, per slice, with z the position of its first zero (none: z = n):

    - j < z: x̄_j = Σ_{i≥j} ȳ_i y_i / x_j (the reversed running sum of ȳ·y, divided by x_j);
    - j = z: x̄_z = y_{z−1} · Σ_{i≥z} ȳ_i Π_{z<k≤i} x_k (a running product of the x after z);
    - j > z: x̄_j = x_z · [the same VJP with x_z replaced by 1], which is 0 in value but keeps
      its derivative in x_z, so the second derivative is right with one or several zeros.

    Every piece is an exact formula of x written with recorded ops (cumsum, cumprod, where),
    so the VJP is differentiable again; the recursion ends after as many levels as the most
    zeros in one slice. Saves the output. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: int) -> Any:
        return self.xp.cumprod(x, axis=axis, dtype=int_dtype(x.dtype))

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        axis = self.params["axis"]
        if self.inputs[0].shape[axis] == 1:  # the identity: x̄ = ȳ, also for x = ±inf
            return (gy,)
        (x,) = self.inputs_as(gy)
        return (_cumprod_vjp(self.xp, self.inputs[0].data, x, self.output_as(gy), gy, axis),)


def _cumprod_vjp(xp: Any, x_data: Any, x: Any, y: Any, gy: Any, axis: int) -> Any:
    """The VJP of ``Cumprod`` (its docstring); x_data is x's array, for the masks of zeros."""
    from autograd_core.ops.binary import Where

    zero = x_data == 0
    if not zero.any():
        return reversed_cumsum(gy * y, axis) / x
    before = xp.cumprod(~zero, axis=axis).astype(bool)  # strictly before the first zero
    upto = xp.ones_like(before)  # up to and including the first zero
    upto[(slice(None),) * axis + (slice(1, None),)] = before[
        (slice(None),) * axis + (slice(None, -1),)
    ]
    first = upto & zero
    g_before = reversed_cumsum(gy * y, axis) / Where.call(before, x, 1.0)
    y_before_first = Cumprod.call(Where.call(before, x, 1.0), axis=axis)
    after_first = Cumprod.call(Where.call(upto, 1.0, x), axis=axis)
    g_first = y_before_first * reversed_cumsum(gy * after_first, axis)
    x_ones = Where.call(first, 1.0, x)  # the first zero replaced by 1
    g_rest = _cumprod_vjp(
        xp, xp.where(first, 1, x_data), x_ones, Cumprod.call(x_ones, axis=axis), gy, axis
    )
    x_first = Where.call(first, x, 0.0).sum(axis=axis, keepdims=True)
    g = Where.call(before, g_before, 0.0) + Where.call(first, g_first, 0.0)
    return g + Where.call(upto, 0.0, x_first * g_rest)


@register_op("logcumsumexp", save_output=True, array_vjp=True)
class LogCumSumExp(Op):
    r"""y_i = log Σ_{k ≤ i} exp(x_k) along ``axis``, as y_i = logaddexp(y_{i−1}, x_i) (NumPy's
    ``logaddexp.accumulate``): no overflow or underflow for entries far apart; −inf entries add
    nothing.

    .. math:: \bar{x}_j = \sum_{i \ge j} \bar{y}_i \, e^{x_j - y_i}

    VJP: every term has x_j ≤ y_i, but ȳ has both signs, so the sum is taken in log space for
    ȳ > 0 and ȳ < 0 apart: x̄ = exp(x + L(log ȳ⁺ − y)) − exp(x + L(log ȳ⁻ − y)), with L the
    reversed logcumsumexp (this op again) and log 0 = −inf (written with ``where``, no log of
    0). Recorded ops only, so it is differentiable again. A prefix of −inf entries (y = −inf)
    gets gradient 0, the limit (PyTorch 2.13 gives NaN there: −inf − (−inf)); +inf entries give
    NaN gradients. Saves the output. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: int) -> Any:
        # NaN propagates, as in PyTorch, without NumPy's warning (CuPy issues none)
        with numpy.errstate(invalid="ignore"):
            return accumulate(self.xp, "logaddexp", x, axis)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        from autograd_core.ops.binary import Where
        from autograd_core.ops.unary import Exp, Log

        axis = self.params["axis"]
        if self.inputs[0].shape[axis] == 1:  # the identity: x̄ = ȳ, also for x = ±inf
            return (gy,)
        (x,) = self.inputs_as(gy)
        y = Where.call(self.out == -math.inf, 0.0, self.output_as(gy))  # no −inf − (−inf)
        g_data = gy.data if isinstance(gy, Tensor) else gy

        def part(mask: Any, g: Any) -> Any:
            log_g = Where.call(mask, Log.call(Where.call(mask, g, 1.0)), -math.inf)
            tail = _flip(LogCumSumExp.call(_flip(log_g - y, axis), axis=axis), axis)
            return Exp.call(x + tail)

        return (part(g_data > 0, gy) - part(g_data < 0, -gy),)


def _scan_axis(name: str, x: Tensor, dim: Any) -> tuple[Tensor, int, bool]:
    """(x as at least 1-D, the axis, whether x was 0-d) for a scan along ``dim``."""
    if dim is None:
        raise TypeError(f"{name}: dim is required (an int); got None. Pass dim=-1 for the last.")
    (d,) = normalize_axis(name, int(dim), x.shape, word="dim")
    return (x.reshape(1), 0, True) if x.ndim == 0 else (x, d, False)


def cumprod(x: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``, as ``torch.cumprod``: y_i = x_0 · x_1 ⋯ x_i. Integer and
    bool inputs multiply in int64, as in PyTorch; ``dtype`` casts the input first. The gradient
    is exact with zeros in the input, one or several, to second order (see ``Cumprod``).

    Raises:
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 6.0]]).cumprod(dim=1)
        tensor([[1., 2., 6.],
                [4., 0., 0.]])
    """
    x = lift(x)
    if dtype is not None:
        x = x.to(dtype=dtype)
    x, d, scalar = _scan_axis("cumprod", x, dim)
    y = Cumprod.apply(x, axis=d)
    return y.reshape(()) if scalar else y


def logcumsumexp(x: Tensor, dim: int) -> Tensor:
    """log Σ_{k ≤ i} exp(x_k) along ``dim``, as ``torch.logcumsumexp``, computed stably
    (entries 1e4 apart, −inf entries). Floating-point input only.

    Raises:
        DTypeError: an integer or bool input.
        ShapeError: ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([0.0, -1000.0, float("-inf"), 1000.0]).logcumsumexp(0)
        tensor([   0.,    0.,    0., 1000.])
    """
    x = lift(x)
    if x.dtype.kind != "f":
        raise DTypeError(
            f"logcumsumexp: input must be floating point. Got dtype {x.dtype}. "
            "Convert it first, e.g. x.double()."
        )
    x, d, scalar = _scan_axis("logcumsumexp", x, dim)
    y = LogCumSumExp.apply(x, axis=d)
    return y.reshape(()) if scalar else y


def cumsum(
    x: Tensor, dim: int | None = None, *, axis: int | None = None, dtype: Any = None
) -> Tensor:
    """Running sums along ``dim`` (alias ``axis``), as ``torch.cumsum``; with neither, over the
    flattened tensor (NumPy's rule). Integer and bool inputs sum in int64, as in PyTorch and
    NumPy; ``dtype`` casts the input first.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).cumsum(dim=1)
        tensor([[ 1.,  3.,  6.],
                [ 4.,  9., 15.]])
    """
    x = lift(x)
    if dtype is not None:
        x = x.to(dtype=dtype)
    chosen = dim if dim is not None else axis
    if chosen is None:
        x, chosen = x.reshape(-1), 0
    (d,) = normalize_axis("cumsum", chosen, x.shape, word="dim")
    if x.ndim == 0:
        return Cumsum.apply(x.reshape(1), axis=0).reshape(())
    return Cumsum.apply(x, axis=d)
