"""Normalised exponentials along one axis: softmax and log_softmax (numerically stable: the
maximum is subtracted first; float16 axes longer than 65,504 are summed in float32)."""

from __future__ import annotations

from typing import Any

from autograd_core.amp import cast_float32
from autograd_core.op import Op
from autograd_core.ops.common import dim_arg, lift, normalize_axis
from autograd_core.ops.reduce import cast_like, sum_wide, wide_dtype
from autograd_core.ops.unary import Exp
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["softmax", "log_softmax"]


@register_op("softmax", save_output=True, array_vjp=True, saves_inputs=False)
class Softmax(Op):
    r"""y = eˣ / Σ eˣ along ``axis``, computed as e^(x − max x) / Σ e^(x − max x) (stable).

    VJP: x̄ = y ⊙ (ȳ − Σ ȳ ⊙ y), the sum along the axis. Saves the output. A 0-d input is its
    own single-element axis (y = 1); an empty input gives an empty output. float16 sums
    Σ e^(x − max x) in float32 (it exceeds 65,504 along an axis of more than 65,504 zeros).
    """

    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None) -> Any:
        if x.size == 0:
            return self.xp.exp(x)  # an empty array of the right dtype
        y = self.xp.exp(x - x.max(axis=axis, keepdims=True))
        y /= y.sum(axis=axis, keepdims=True, dtype=wide_dtype(y.dtype))
        # NumPy makes a 0-d y a scalar, which /= rebinds: float16 / float32 sum gave float32
        return y if y.dtype == x.dtype else y.astype(x.dtype)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        return (y * (gy - (gy * y).sum(axis=self.params["axis"], keepdims=True)),)


@register_op("log_softmax", save_output=True, array_vjp=True, saves_inputs=False)
class LogSoftmax(Op):
    r"""y = x − log Σ eˣ along ``axis``, computed as (x − m) − log Σ e^(x − m), m = max x.

    VJP: x̄ = ȳ − softmax(x) Σ ȳ, with softmax(x) = eʸ and the sum along the axis. Saves the
    output (eʸ is the softmax; no second exp of the input). float16 takes both sums in
    float32 (each may exceed 65,504 along an axis that long).
    """

    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None) -> Any:
        xp = self.xp
        if x.size == 0:
            return xp.exp(x)
        z = x - x.max(axis=axis, keepdims=True)
        lse = xp.log(xp.exp(z).sum(axis=axis, keepdims=True, dtype=wide_dtype(z.dtype)))
        return (z - lse).astype(x.dtype, copy=False)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        y = self.output_as(gy)
        return (gy - cast_like(Exp.call(y) * sum_wide(gy, self.params["axis"]), gy),)


def _softmax_axis(op: str, x: Tensor, dim: Any, axis: Any) -> tuple[int, ...] | None:
    d = dim_arg(op, dim, axis)
    if x.ndim == 0:
        return None  # a 0-d tensor is one element along its only (implicit) axis
    return normalize_axis(op, -1 if d is None else d, x.shape)


def softmax(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """e^x / Σ e^x along ``dim`` (alias ``axis``; default −1), stable for any finite logits.

    Example:
        >>> import autograd_core as ac
        >>> ac.softmax(ac.tensor([[0.0, 0.0], [1e4, -1e4]]), dim=-1)
        tensor([[0.5, 0.5],
                [1. , 0. ]])
    """
    (x,) = cast_float32(lift(x))  # float32 under amp.autocast
    return Softmax.apply(x, axis=_softmax_axis("softmax", x, dim, axis))


def log_softmax(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """x − log Σ e^x along ``dim`` (alias ``axis``; default −1), stable for any finite logits.

    Example:
        >>> import autograd_core as ac
        >>> ac.log_softmax(ac.tensor([1e4, -1e4]))
        tensor([     0., -20000.])
    """
    (x,) = cast_float32(lift(x))  # float32 under amp.autocast
    return LogSoftmax.apply(x, axis=_softmax_axis("log_softmax", x, dim, axis))
