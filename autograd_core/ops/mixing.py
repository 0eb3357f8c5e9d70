"""Elementwise composites that mix values: nan_to_num (non-finite entries replaced by
constants) and lerp (linear interpolation between two tensors).

Both are built from differentiable ops (``where``, ``add``, ``mul``), so their gradients of any
order come from those ops; neither is a primitive of its own.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.errors import DTypeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift
from autograd_core.ops.copying import clone
from autograd_core.tensor import Tensor

__all__ = ["nan_to_num", "lerp"]


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

    Gradient: x̄ = ȳ where x is finite, 0 where an entry was replaced (as PyTorch); built as
    ``where(isfinite(x), x, replacement)``, so it is differentiable to any order.

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
    fill = xp.where(xp.isnan(d), values[0], xp.where(d > 0, values[1], values[2]))
    return where(const(xp.isfinite(d)), x, const(fill.astype(d.dtype, copy=False)))


def lerp(input: Any, end: Any, weight: Any) -> Tensor:  # noqa: A002
    r"""Linear interpolation, as ``torch.lerp``: out = input + weight · (end − input).

    Computed as PyTorch does: ``input + weight * (end - input)`` where |weight| < 0.5 and
    ``end - (end - input) * (1 - weight)`` elsewhere, so that weight 1 gives ``end`` exactly.
    ``input``, ``end`` and a tensor ``weight`` broadcast; ``input`` and ``end`` must be floating
    tensors of one dtype, and a tensor ``weight`` with axes must share it (a number or a 0-d
    tensor is cast). The result has that dtype.

    Gradient (all three differentiable): input̄ = ȳ·(1 − w), end̄ = ȳ·w, w̄ = ȳ·(end − input),
    summed over broadcast axes; built from where/add/mul, so differentiable to any order.

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
    diff = stop - start
    if not isinstance(weight, Tensor):
        w = float(weight)
        return start + w * diff if abs(w) < 0.5 else stop - diff * (1 - w)
    w = weight if weight.dtype == start.dtype else weight.to(dtype=start.dtype)
    near_start = const(abs(w.data) < 0.5)
    return where(near_start, start + w * diff, stop - diff * (1 - w))
