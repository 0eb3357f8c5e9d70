r"""Padding, PyTorch's ``F.pad``: constant (the ``pad`` op of ``ops/layout.py``), and reflect,
replicate and circular as one op ``pad_edges`` and its adjoint ``pad_edges_backward``; negative
amounts crop in every mode.

Every mode is linear in the input: each output element is one input element (or the constant).
With j(i) the input index that output index i reads on one axis (i − lo inside, a reflection,
the nearest edge, or i − lo mod L outside), ``pad`` gathers y[i] = x[j(i)] and its adjoint sums
x̄[j] = Σ_{i: j(i) = j} ȳ[i]: the inner block of ȳ plus one slice for each padded position. The
two ops are each other's VJPs, so padding is differentiable to any order.
"""

from __future__ import annotations

import numbers
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.layout import pad as constant_pad
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["pad"]

MODES = ("constant", "reflect", "replicate", "circular")


def _source(i: int, n: int, mode: str) -> int:
    """The input index (0 … n−1) that position i (< 0 or ≥ n: in the padding) reads."""
    if mode == "reflect":  # mirror without repeating the edge: … x₂ x₁ | x₀ x₁ x₂ …
        return -i if i < 0 else 2 * (n - 1) - i
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    return i % n  # circular


def _index(n: int, lo: int, hi: int, mode: str) -> list[int]:
    """The input index that each of the n + lo + hi output positions reads (negative amounts
    crop). Reflect and replicate pad, then crop; circular crops, then wraps the cropped
    block (torch 2.13's order: its ``_pad_circular`` copies the cropped input first)."""
    if mode == "circular" and min(lo, hi) < 0:
        a = max(0, -lo)
        m = n - a - max(0, -hi)
        return [a + j for j in _index(m, max(lo, 0), max(hi, 0), mode)]
    return [_source(i, n, mode) if not 0 <= i < n else i for i in range(-lo, n + hi)]


def _valid(n: int, lo: int, hi: int, mode: str) -> str | None:
    """None if ``mode`` can pad an axis of length n by (lo, hi), else what it needs."""
    if mode == "circular":
        m = n - max(0, -lo) - max(0, -hi)  # what is left after cropping
        if m < 1 or max(lo, hi) > m:
            return (
                "amounts at most the axis length left after cropping, and at least one element left"
            )
    elif n < 1 or n + lo + hi < 1 or (mode == "reflect" and max(lo, hi) >= n):
        limit = "below the axis length" if mode == "reflect" else "of any size"
        return f"padding amounts {limit}, and at least one element left after cropping"
    return None


@register_op("pad_edges", array_vjp=True, saves_inputs=False)
class PadEdges(Op):
    r"""y = pad_edges(x): ``pads`` = ((lo, hi) …) on the last axes, filled from x by ``mode``
    (reflect, replicate or circular).

    Forward: y[i] = x[j(i)] per padded axis (module docstring), one ``take`` per axis. VJP:
    x̄ = pad_edges_backward(ȳ) (the adjoint gather-sum). Saves nothing (linear). Does not
    broadcast.
    """

    def forward(self, x: Any, *, pads: Any, mode: str) -> Any:
        xp = self.xp
        if not any(lo or hi for lo, hi in pads):
            return x.copy()  # an output never shares its input's memory
        lead = x.ndim - len(pads)
        for k, (lo, hi) in enumerate(pads):
            if lo or hi:
                idx = xp.asarray(_index(x.shape[lead + k], lo, hi, mode))
                x = xp.take(x, idx, axis=lead + k)
        return x

    def vjp(self, gy: Any) -> tuple[Any]:
        p = self.params
        return (PadEdgesBackward.call(gy, pads=p["pads"], mode=p["mode"]),)


@register_op("pad_edges_backward", array_vjp=True, saves_inputs=False)
class PadEdgesBackward(Op):
    r"""x̄ = pad_edges_backward(ȳ), the adjoint of ``pad_edges``: x̄[j] = Σ_{i: j(i) = j} ȳ[i]
    per axis: the block of ȳ that reads the input in order plus one slice add per padded
    position (no ``add.at``; entries that a negative amount crops get 0). VJP:
    ḡ = pad_edges(x̄̄). Saves nothing (linear). Does not broadcast.
    """

    def forward(self, g: Any, *, pads: Any, mode: str) -> Any:
        lead = g.ndim - len(pads)
        for k, (lo, hi) in enumerate(pads):
            if not (lo or hi):
                continue
            axis = lead + k
            n = g.shape[axis] - lo - hi
            idx = _index(n, lo, hi, mode)
            # output positions o0 … o0 + run − 1 read the (cropped) input j0 … j0 + run − 1 in
            # order: one block copy; then one add per other position
            o0, j0 = max(lo, 0), max(-lo, 0)
            run = max(0, n - j0 - max(-hi, 0))  # 0 when a crop reaches past the input
            shape = g.shape[:axis] + (n,) + g.shape[axis + 1 :]
            gx = self.xp.zeros(shape, g.dtype)
            at = (slice(None),) * axis
            gx[(*at, slice(j0, j0 + run))] = g[(*at, slice(o0, o0 + run))]
            for i, j in enumerate(idx):
                if not o0 <= i < o0 + run:
                    gx[(*at, j)] += g[(*at, i)]
            g = gx
        return g

    def vjp(self, gx: Any) -> tuple[Any]:
        p = self.params
        return (PadEdges.call(gx, pads=p["pads"], mode=p["mode"]),)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` axes, PyTorch's ``F.pad``.

    ``pad`` lists (left, right) amounts starting from the **last** axis:
    ``(left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two. Modes:
    ``'constant'`` (``value``, default 0), ``'reflect'`` (mirror without repeating the edge;
    each amount < the axis length), ``'replicate'`` (repeat the edge) and ``'circular'`` (wrap
    around; each amount ≤ the axis length). Negative amounts crop, in every mode, as torch
    2.13: reflect and replicate pad and then crop; circular crops and then wraps the block
    left, each positive amount at most its length. (A deliberate difference: torch 2.13 takes
    a circular wrap longer than the cropped block and reads uninitialised memory; ours
    refuses it.)

    Raises:
        ShapeError: an odd-length ``pad``, more pairs than axes, or amounts the mode cannot
            take (too large for reflect or circular, or cropping the whole axis).
        ValueError: an unknown mode.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.padding import pad
        >>> pad(ac.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
        tensor([[3., 2., 1., 2., 3., 2.]])
    """
    x = lift(input)
    if mode not in MODES:
        raise ValueError(
            f"pad: unknown mode {mode!r}. Use one of {', '.join(repr(m) for m in MODES)}."
        )
    amounts = tuple(pad)
    if (
        len(amounts) % 2
        or len(amounts) // 2 > x.ndim
        or not all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in amounts)
    ):
        raise ShapeError(
            f"pad: pad must be an even number of ints, at most 2 per axis (last axis first); "
            f"got {pad!r} for an input of shape {tuple(x.shape)}. Pass e.g. (1, 1) for the last "
            "axis or (1, 1, 2, 2) for the last two."
        )
    pairs = [(int(amounts[2 * k]), int(amounts[2 * k + 1])) for k in range(len(amounts) // 2)]
    pads = tuple(reversed(pairs))  # first pair is the last axis
    lead = x.ndim - len(pads)
    for k, (lo, hi) in enumerate(pads):
        n = x.shape[lead + k]
        if mode == "constant":
            if n + lo + hi < 0:
                raise ShapeError(
                    f"pad: cropping {-lo}+{-hi} elements from axis {lead + k} of length {n} "
                    f"(input shape {tuple(x.shape)}) leaves fewer than 0. Crop less."
                )
            continue
        need = _valid(n, lo, hi, mode)
        if need:
            raise ShapeError(
                f"pad: {mode} padding of ({lo}, {hi}) on axis {lead + k} of length {n} (input "
                f"shape {tuple(x.shape)}); {mode} mode needs {need}. Pad or crop less, or use "
                "mode='constant'."
            )
    if mode != "constant" and value not in (None, 0):
        raise ValueError(
            f"pad: value={value!r} only applies to mode='constant'; got mode={mode!r}. Drop "
            "value or use mode='constant'."
        )
    if mode == "constant":
        return constant_pad(x, amounts, value=0.0 if value is None else float(value))
    return PadEdges.apply(x, pads=pads, mode=mode)
