"""Array helpers of the convolution ops: padding or cropping, im2col as a strided view, the
per-group GEMMs and col2im as a loop over kernel offsets.

Everything here takes and returns raw arrays (NumPy or CuPy, through ``xp``). ``ops/fold.py``
(unfold / fold, whose result is the im2col matrix itself) uses the (N, C, L…) im2col and
col2im below; the convolutions use the pads and lengths, and build their im2col matrices in a
batch-last layout, chunk by chunk (``ops/conv_gemm.py``).

Conventions. An N-d convolution sees ``x`` as (N, C, L₁ … L_d) and a kernel of size
(k₁ … k_d). ``pads`` is one pair (lo, hi) per spatial axis: lo elements are added before
and hi after (a negative value crops instead). The convolution ops keep their pads *exact*:
the padded length L + lo + hi equals (O − 1)·s + d·(k − 1) + 1, so that every padded element
is read by some window and col2im fills the whole padded input (``exact_pads``).
"""

from __future__ import annotations

import math
from itertools import product
from typing import Any

__all__ = [
    "exact_pads",
    "pad_or_crop",
    "windows",
    "im2col",
    "col2im",
    "full_length",
]


def full_length(o: int, k: int, s: int, d: int) -> int:
    """The input length that ``o`` windows of a kernel ``k`` (stride s, dilation d) read."""
    return (o - 1) * s + d * (k - 1) + 1 if o > 0 else 0


def exact_pads(
    lengths: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    pads: tuple[tuple[int, int], ...],
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """The pads with ``hi`` lowered so no padded element is left unread, and the output sizes.

    A window that would run past the end is not taken (floor in the output-size formula), so
    the last ``r`` padded elements may be read by no window; dropping them from ``hi`` gives
    the same output and makes conv and conv_transpose exact adjoints of each other.
    """
    out, exact = [], []
    for n, k, s, d, (lo, hi) in zip(lengths, kernel, stride, dilation, pads):
        o = (n + lo + hi - d * (k - 1) - 1) // s + 1
        out.append(o)
        exact.append((lo, hi - (n + lo + hi - full_length(o, k, s, d))))
    return tuple(exact), tuple(out)


def pad_or_crop(
    xp: Any, x: Any, pads: tuple[tuple[int, int], ...], value: float = 0.0, zeros: Any = None
) -> Any:
    """``x`` with pads[i] = (lo, hi) applied to its last ``len(pads)`` axes: a positive amount
    adds ``value`` there, a negative one removes elements. Returns ``x`` itself when all pads
    are 0 and a view when they only crop. ``zeros(shape, dtype)``, when given, makes the
    zero-filled result array instead of ``xp.zeros`` (a workspace's, in ``conv_gemm``)."""
    lead = x.ndim - len(pads)
    if all(lo <= 0 and hi <= 0 for lo, hi in pads):
        if not any(lo or hi for lo, hi in pads):
            return x
        crop = tuple(slice(-lo, n + hi) for n, (lo, hi) in zip(x.shape[lead:], pads))
        return x[(Ellipsis, *crop)]
    inner = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape[lead:], pads))
    src = x[(Ellipsis, *inner)]
    shape = x.shape[:lead] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[lead:], pads))
    if value != 0:
        out = xp.full(shape, value, x.dtype)
    else:
        out = xp.zeros(shape, x.dtype) if zeros is None else zeros(shape, x.dtype)
    dst = tuple(slice(max(lo, 0), max(lo, 0) + m) for m, (lo, _) in zip(src.shape[lead:], pads))
    out[(Ellipsis, *dst)] = src
    return out


def windows(
    xp: Any,
    x: Any,
    groups: int,
    kernel: tuple[int, ...],
    out: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
) -> Any:
    """im2col as a strided view of the padded input ``x`` (N, C, L…), no copy: an array of
    shape (N, G, C/G, k₁ … k_d, O₁ … O_d) whose entry [n, g, c, κ, o] is
    x[n, g·C/G + c, o·s + κ·d] (the seeds' cross-correlation index, one window per output)."""
    n, c = x.shape[:2]
    sn, sc = x.strides[:2]
    sl = x.strides[2:]
    cg = c // groups
    shape = (n, groups, cg, *kernel, *out)
    strides = (
        sn,
        sc * cg,
        sc,
        *[st * d for st, d in zip(sl, dilation)],
        *[st * s for st, s in zip(sl, stride)],
    )
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides)


def im2col(view: Any) -> Any:
    """The window view (N, G, Cg, K…, O…) as one matrix per sample and group,
    (N, G, Cg·∏K, ∏O): ``unfold``'s result (N · C · ∏k · ∏O elements, a copy); a 1×1 kernel
    with stride 1 on a contiguous input needs none (the reshape is a view).
    """
    n, g, cg = view.shape[:3]
    nd = (view.ndim - 3) // 2
    k = math.prod(view.shape[3 : 3 + nd])
    o = math.prod(view.shape[3 + nd :])
    return view.reshape(n, g, cg * k, o)


def col2im(
    xp: Any,
    cols: Any,
    n: int,
    channels: int,
    kernel: tuple[int, ...],
    out: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
) -> Any:
    """The adjoint of ``im2col(windows(...))``: ``cols`` of shape (N, G, Cg·∏K, ∏O) summed
    back into a zero input (N, C, L_full…) window by window.

    One strided slice-add per kernel offset (∏k additions of an (N, C, O…) block), never a loop
    over output positions and no ``add.at``: the windows of one offset do not overlap each
    other, so a plain ``+=`` on a strided slice is exact.
    """
    full = tuple(full_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilation))
    blocks = cols.reshape((n, channels, *kernel, *out))  # a view: G and Cg are adjacent
    x = xp.zeros((n, channels, *full), cols.dtype)
    for offset in product(*[range(k) for k in kernel]):
        dst = tuple(
            slice(i * d, i * d + (o - 1) * s + 1, s)
            for i, o, s, d in zip(offset, out, stride, dilation)
        )
        x[(slice(None), slice(None), *dst)] += blocks[(slice(None), slice(None), *offset)]
    return x
