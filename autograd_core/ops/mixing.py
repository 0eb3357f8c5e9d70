"""Elementwise ops that mix values: nan_to_num (non-finite entries replaced by constants) and
lerp (linear interpolation between two tensors).

Both are primitives (one NumPy pass or two forward, arithmetic VJPs): as composites of
``where``/``add``/``mul`` they ran 3–4x slower than PyTorch on 10⁶ float32 entries. Their VJPs
are products with the inputs or a constant mask, so they are differentiable again.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.broadcast import broadcast_shapes
from autograd_core.errors import DTypeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.copying import clone
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["nan_to_num", "lerp"]


@register_op("nan_to_num", array_vjp=True, saves_inputs=False)
class NanToNum(Op):
    r"""y = x where x is finite, else the replacement of NaN, +inf or −inf.

    VJP: x̄ = ȳ · [x finite] (0 where an entry was replaced: the output does not depend on
    it). Saves the finiteness mask as a constant, so the second derivative is 0. Does not
    broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, nan: float, posinf: float, neginf: float) -> Any:
        self.saved = self.xp.isfinite(x)
        return self.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy * self.saved,)


@register_op("lerp", broadcasts=True, array_vjp=True)
class Lerp(Op):
    r"""y = a + w · (b − a), computed as a + w · (b − a) where |w| < 0.5 and
    b − (b − a) · (1 − w) elsewhere (PyTorch's two-sided formula: w = 1 gives b exactly).

    VJP: ā = ȳ · (1 − w), b̄ = ȳ · w, w̄ = ȳ · (b − a) (the same for both branches). Saves the
    three inputs (as the parents). Broadcasts (the engine sums the gradients back).
    """

    fresh_grads = True

    def forward(self, a: Any, b: Any, w: Any) -> Any:
        xp = self.xp
        if 0 in (a.size, b.size, w.size):  # an empty result: no b − a (inf − inf would warn)
            shape = broadcast_shapes(a.shape, b.shape, w.shape, op="lerp")
            return xp.zeros(shape, xp.result_type(a, b, w))
        far = xp.abs(w) >= 0.5
        # a + w·d where |w| < 0.5, b + (w − 1)·d = b − d·(1 − w) elsewhere, in one product
        # (w − far is w or w − 1; 2.4 ms against 7.9 for two selects, 10⁶ float32 entries).
        # inf − inf is NaN without NumPy's warning, as from PyTorch (lerp(inf, inf, NaN)
        # would otherwise warn where no new NaN appears)
        with numpy.errstate(invalid="ignore"):
            out = (w - far) * (b - a)
            out += xp.where(far, b, a)
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        a, b, w = self.inputs_as(gy)
        need_a, need_b, need_w = self.needs_input_grad
        ga = gy * (1 - w) if need_a else None
        gb = gy * w if need_b else None
        gw = gy * (b - a) if need_w else None
        return ga, gb, gw


def nan_to_num(
    input: Any,  # noqa: A002  (PyTorch's name)
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
) -> Tensor:
    """``input`` with NaN, +inf and -inf replaced, as ``torch.nan_to_num``.

    NaN becomes ``nan``, +inf ``posinf`` and -inf ``neginf``; the defaults of the last two are
    the largest and the lowest finite value of the dtype. The replacements are rounded to the
    input's dtype (1e300 becomes inf in float32). Integer and bool inputs, which hold no such
    values, come back as a copy.

    Gradient: x̄ = ȳ where x is finite, 0 where an entry was replaced (as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([float("nan"), float("inf"), -1.0]).nan_to_num(posinf=9.0)
        tensor([ 0.,  9., -1.])
    """
    x = lift(input)
    if x.dtype.kind != "f":
        return clone(x)
    xp, d = x.xp, x.data
    info = xp.finfo(d.dtype)
    top = info.max if posinf is None else posinf
    bottom = info.min if neginf is None else neginf
    with numpy.errstate(over="ignore"):  # a replacement out of the dtype's range becomes ±inf
        values = [float(numpy.float64(v).astype(d.dtype)) for v in (nan, top, bottom)]
    return NanToNum.apply(x, nan=values[0], posinf=values[1], neginf=values[2])


def lerp(input: Any, end: Any, weight: Any) -> Tensor:  # noqa: A002
    r"""Linear interpolation, as ``torch.lerp``: out = input + weight · (end − input).

    Computed as PyTorch does: ``input + weight * (end - input)`` where |weight| < 0.5 and
    ``end - (end - input) * (1 - weight)`` elsewhere, so that weight 1 gives ``end`` exactly.
    ``input``, ``end`` and a tensor ``weight`` broadcast; ``input`` and ``end`` must be floating
    tensors of one dtype, and a tensor ``weight`` with axes must share it (a number or a 0-d
    tensor is cast). The result has that dtype.

    Gradient (all three differentiable): input̄ = ȳ·(1 − w), end̄ = ȳ·w, w̄ = ȳ·(end − input),
    summed over broadcast axes. A number weight takes the composite path (add and mul).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0]).lerp(ac.tensor([3.0, 6.0]), 0.25)
        tensor([1.5, 3. ])
    """
    start = lift(input)
    stop = lift(end)
    for name, t in (("input", start), ("end", stop)):
        if t.dtype.kind != "f":
            raise DTypeError(
                f"lerp: {name} must be floating, got dtype {t.dtype} (shape {tuple(t.shape)}). "
                "Convert with .float() or .double()."
            )
    if stop.dtype != start.dtype:
        raise DTypeError(
            f"lerp: end has dtype {stop.dtype} but input has dtype {start.dtype}; they must "
            "match. Convert one: end.to(input.dtype)."
        )
    if isinstance(weight, Tensor) and weight.ndim and weight.dtype != start.dtype:
        raise DTypeError(
            f"lerp: weight of shape {tuple(weight.shape)} has dtype {weight.dtype} but input has "
            f"dtype {start.dtype}; they must match (only a number or a 0-d weight is cast). "
            "Convert it: weight.to(input.dtype)."
        )
    if not isinstance(weight, Tensor):
        w, diff = float(weight), stop - start
        return start + w * diff if abs(w) < 0.5 else stop - diff * (1 - w)
    w = weight if weight.dtype == start.dtype else weight.to(dtype=start.dtype)
    return Lerp.apply(start, stop, w)
