r"""Max pooling over fixed windows: max_pool1d/2d/3d (the adaptive form is in
``ops/pooling_adaptive.py``).

Max pooling "reports the largest output within a rectangular neighbourhood" and makes the
representation approximately invariant to small translations of the input (Goodfellow, Bengio
& Courville, *Deep Learning* §9.3, the pooling section the course notes follow; its figure of
width-3 windows with stride 2 is ``max_pool1d(x, 3, 2, ceil_mode=True)``).

The ops work on (N, C, *spatial) arrays. The forward loops over the kernel offsets only: each
offset is one strided view of the (padded) input holding that tap of every window, so the work
per offset is one vectorised comparison. The gradient of max pooling is max *unpooling* of ȳ by
the saved indices (``ops/pooling_unpool.py``), whose own gradient is a ``gather`` by the same
indices: both are registered ops, so the VJP is differentiable to any order.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.device import on_host
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.pool_geometry import (
    Window,
    as_tuple,
    batched,
    grid,
    plane_strides,
    window_geometry,
)
from autograd_core.ops.pooling_unpool import MaxUnpool
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d"]


def _lowest(xp: Any, dtype: Any) -> Any:
    return -xp.inf if dtype.kind == "f" else xp.iinfo(dtype).min


@register_op("max_pool", array_vjp=True, saves_inputs=False)
class MaxPool(Op):
    r"""(y, indices) = the maximum of every pooling window of x and its flat position in the
    input plane, over the last ``len(kernel)`` axes (PyTorch's ``max_pool{1,2,3}d`` with
    ``return_indices``). One op with two outputs; the indices are int64 and carry no gradient.

    .. math:: y_o = \max_{j \in W(o)} x_j, \qquad \bar{x}_j = \sum_{o:\, i(o) = j} \bar{y}_o

    VJP: x̄ = max_unpool(ȳ, indices): each ȳ goes to the one entry its window picked; an entry
    picked by several overlapping windows receives the sum. Ties: the gradient goes to ONE
    element per window, the first maximum in row-major window order, as PyTorch (NaN wins and
    propagates, also as PyTorch); ``amax`` would split it instead. The indices are constants,
    so the second derivative is ``gather`` of the incoming direction by the same indices.

    Saves the int64 indices (one per output entry; needed to route ȳ) and the input shape;
    windows are never materialised: the forward runs one vectorised comparison per kernel
    offset on a strided view (plus a −∞-padded copy of x when there is padding or ceil-mode
    overhang). Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self,
        x: Any,
        kernel: tuple[int, ...],
        stride: tuple[int, ...],
        padding: tuple[int, ...],
        dilation: tuple[int, ...],
        ceil_mode: bool,
    ) -> tuple[Any, Any]:
        xp = self.xp
        win = window_geometry("max_pool", x.shape, kernel, stride, padding, dilation, ceil_mode)
        self.in_shape = tuple(x.shape)
        self.unique = not win.overlapping
        src = x
        if win.padded:
            lead = tuple(x.shape[: x.ndim - len(kernel)])
            src = xp.full(win.padded_shape(lead), _lowest(xp, x.dtype), x.dtype)
            src[(Ellipsis, *win.interior())] = x
        # on a device NaN-aware always: asking whether x has a NaN would wait for the GPU
        nan_aware = x.dtype.kind == "f" and (not on_host(x) or bool(xp.isnan(x).any()))
        n_taps = math.prod(kernel)
        small = xp.int8 if n_taps < 128 else xp.int16 if n_taps < 2**15 else xp.int32
        best = which = None
        # Masked writes (copyto with where=, which[hit] = j) cost ~20x an elementwise op here
        # (measured with NumPy 2.4 on 64×6×28×28 float32); the winner's offset is kept with
        # arithmetic instead: which += hit·(j − which) sets it to j exactly where hit.
        for j, offset in enumerate(win.offsets()):
            tap = src[(Ellipsis, *win.taps(offset))]
            if best is None:
                best = tap.copy()
                which = xp.zeros(best.shape, small)
                continue
            hit = tap > best  # strict: the first maximum keeps a tie
            if nan_aware:
                hit |= xp.isnan(tap)  # a NaN wins (and the maximum below propagates it)
            xp.maximum(best, tap, out=best)
            which += hit * (j - which)
        index, empty = self._flat_index(win, which, best)
        if empty is None:
            self.saved = (index, None)
        else:
            # a window with no input entry (all padding, stepped over by dilation) has a
            # constant −∞ maximum: no gradient; its PyTorch index may even name another
            # entry of the plane, so the gradient routes it to 0 with a zero weight
            self.unique = False
            self.saved = (xp.where(empty, 0, index), (~empty).astype(best.dtype))
        return best, index

    def _flat_index(self, win: Window, which: Any, best: Any) -> tuple[Any, Any]:
        """The flat input-plane position of each window's winner, from the winning offset,
        and a boolean array of the windows that hold no input entry (None when none can)."""
        xp = self.xp
        strides = plane_strides(win.size)
        base = grid(
            xp,
            [
                (xp.arange(o, dtype=xp.int64) * s - p) * st
                for o, s, p, st in zip(win.out, win.stride, win.padding, strides)
            ],
        )
        # the flat shift of every kernel offset, in win.offsets()' row-major order (made with
        # arange: on a device a list would be copied from the host on every forward)
        shift = grid(
            xp,
            [
                xp.arange(k, dtype=xp.int64) * (d * st)
                for k, d, st in zip(win.kernel, win.dilation, strides)
            ],
        ).reshape(-1)
        index = shift[which]  # (a gather then an in-place add: ~3x faster than base + take)
        index += base
        if win.padded and best.dtype.kind == "f":
            # A window whose real entries are all -inf "wins" on a padding entry; PyTorch then
            # reports the window's first real entry (its initial candidate).
            lost = best == -xp.inf
            if not on_host(lost) or bool(lost.any()):  # (no sync on a device)
                first, outside = [], []
                axes = zip(win.out, win.stride, win.padding, win.dilation, strides, win.size)
                for o, s, p, d, st, n in axes:
                    c = xp.arange(o, dtype=xp.int64) * s - p
                    c = c + xp.where(c < 0, -(c // d) * d, 0)  # step by d into the input
                    first.append(c * st)
                    outside.append((c >= n).astype(xp.int64))  # stepped past the input
                index = xp.where(lost, grid(xp, first), index)
                empty = grid(xp, outside) > 0
                return index, (empty if not on_host(empty) or bool(empty.any()) else None)
        return index, None

    def vjp(self, g_values: Any, g_indices: Any = None) -> tuple[Any, ...]:
        if self.saved is None:
            raise self.freed_error()
        index, keep = self.saved
        size = self.in_shape[len(self.in_shape) - len(self.params["kernel"]) :]
        g = g_values if keep is None else g_values * keep
        return (MaxUnpool.call(g, index=index, size=size, unique=self.unique),)


# -- public functions --------------------------------------------------------------------------


def _max_pool(
    op: str,
    n: int,
    x: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    return_indices: bool,
) -> Any:
    x = lift(x)
    xb, unbatched = batched(op, x, n)
    kernel = as_tuple(op, "kernel_size", kernel_size, n, minimum=1)
    strides = (
        kernel if stride is None or stride == [] else as_tuple(op, "stride", stride, n, minimum=1)
    )
    pads = as_tuple(op, "padding", padding, n, minimum=0)
    dil = as_tuple(op, "dilation", dilation, n, minimum=1)
    window_geometry(op, tuple(xb.shape), kernel, strides, pads, dil, bool(ceil_mode))
    values, index = MaxPool.apply(
        xb, kernel=kernel, stride=strides, padding=pads, dilation=dil, ceil_mode=bool(ceil_mode)
    )
    if unbatched:
        values, index = values.reshape(values.shape[1:]), index.reshape(index.shape[1:])
    return (values, index) if return_indices else values


def max_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Max over windows of the last axis of (N, C, L) or (C, L) inputs, as ``F.max_pool1d``.

    ``stride`` defaults to ``kernel_size``; ``padding`` (at most half the kernel) pads with −∞;
    ``ceil_mode`` keeps a last, shorter window that starts inside the input or left padding.
    With ``return_indices`` also returns the int64 flat position of each maximum (for
    ``max_unpool1d``). The gradient goes to one element per window (the first maximum).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool1d
        >>> max_pool1d(ac.tensor([[[1.0, 3.0, 2.0, 5.0, 4.0, 6.0]]]), 3, stride=2, ceil_mode=True)
        tensor([[[3., 5., 6.]]])
    """
    return _max_pool(
        "max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Max over windows of the last two axes of (N, C, H, W) or (C, H, W) inputs, as
    ``F.max_pool2d`` (arguments as ``max_pool1d``, each an int or a pair).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool2d
        >>> max_pool2d(ac.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(
        "max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool3d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Max over windows of the last three axes of (N, C, D, H, W) or (C, D, H, W) inputs, as
    ``F.max_pool3d`` (arguments as ``max_pool1d``, each an int or a triple).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.pooling import max_pool3d
        >>> max_pool3d(ac.arange(8.0).reshape(1, 2, 2, 2), 2).tolist()
        [[[[7.0]]]]
    """
    return _max_pool(
        "max_pool3d", 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )
