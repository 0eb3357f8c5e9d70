r"""The array kernels of ``conv``, ``conv_transpose`` and ``conv_weight``: im2col + GEMM in a
batch-last layout, built in cache-sized chunks of output rows.

Layout. The kernels work on (C, L₁ … L_d, N) arrays, the batch axis last ("batch-last"),
and hand back their results as (N, C, L…) views of such arrays (``from_batch_last``): the
values are PyTorch's, only the strides differ, as with PyTorch's channels_last tensors.
In this layout one im2col row (an input channel c and a kernel offset κ) over a block of
output rows is a copy of runs of O_d·N contiguous elements (N for a strided conv), where the
(N, C, L…) layout gives runs of only O_d (8 in LeNet's second conv); NumPy pays ~15-40 ns per
run on top of the bytes, so the long runs make im2col and col2im several times faster. The
samples share one GEMM per group, (C'/G, C/G·∏k) @ (C/G·∏k, rows·N) per chunk, so the weight
gradient's sum over samples is inside the GEMM instead of a (N, C', C·∏k) array summed after.
An input that is already batch-last (the output of a previous conv, or of an elementwise op
on it) is used without a copy, so a stack of convs and activations stays in this layout.

Chunks. The im2col matrix of a whole batch (N·C·∏k·∏O elements: 3.5 MiB for LeNet's first
layer) is never built: each call copies ``CHUNK_BYTES`` worth of output rows at a time into
one reused buffer and runs its GEMM while the buffer is in cache (``LARGE_CHUNK_BYTES`` when a
single output row is too large for the cache, where wider GEMMs win). Nothing of it is kept for
backward: the weight gradient rebuilds it chunk by chunk, which costs less than keeping it
(NumPy frees a multi-MiB block to the system when it dies, and every one of its pages is
faulted again, ~1 µs per 4 KiB, the next time). The chunk buffers are scratch from one
module-level ``Workspace``, given back before each call returns. On a GPU one chunk holds
everything. At stride 1 along the first axis the forward on NumPy skips the full matrix
altogether (``_forward_stacked_rows``).

Every function takes raw arrays and the array module ``xp`` (NumPy or CuPy).
"""

from __future__ import annotations

import math
from itertools import product
from typing import Any

import numpy

from autograd_core.ops.conv_im2col import full_length, pad_or_crop
from autograd_core.ops.workspace import Workspace

__all__ = [
    "CHUNK_BYTES",
    "LARGE_CHUNK_BYTES",
    "batch_last",
    "from_batch_last",
    "conv_forward",
    "conv_weight_grad",
    "conv_input_grad",
]

# One im2col chunk (at least one output row): CHUNK_BYTES stays in a core's L2 cache (2 MiB
# here) with the GEMM's panels; in the LeNet step 256 KiB measured 0.93× the time of 1 MiB
# chunks. When one output row alone is over 4·CHUNK_BYTES the chunk cannot stay in cache, and
# it is made LARGE_CHUNK_BYTES instead: fewer, wider GEMMs (64→64 k3 on 32×32, batch 32:
# 3 rows of 2.3 MiB measured 0.95× the time of 1 row at 1 thread, 0.91× at 2; the whole
# matrix in one chunk 1.15× and 1.30×).
CHUNK_BYTES = 256 * 1024
LARGE_CHUNK_BYTES = 8 * 1024 * 1024

# The im2col and col2im buffers of every call: scratch, taken and given back within the call
# (workspace.py's rules), so a training step reuses last step's pages instead of faulting in
# fresh ones.
_SCRATCH = Workspace(max_bytes=4 * LARGE_CHUNK_BYTES)


def batch_last(xp: Any, x: Any) -> Any:
    """(N, C, L…) as a contiguous (C, L…, N) array: no copy when ``x`` is a view of one."""
    return xp.ascontiguousarray(x.transpose((*range(1, x.ndim), 0)))


def from_batch_last(xp: Any, y: Any) -> Any:
    """A (C, L…, N) array as the (N, C, L…) view of it that the ops return."""
    return y.transpose((y.ndim - 1, *range(y.ndim - 1)))


def _row_chunks(xp: Any, rows: int, columns: int, column_bytes: int) -> list[tuple[int, int]]:
    """[(a, b)…] covering ``range(rows)``, each about CHUNK_BYTES (LARGE_CHUNK_BYTES for rows
    over 4·CHUNK_BYTES; at least one row) of an im2col matrix with ``columns`` columns per
    row of ``column_bytes`` each."""
    row_bytes = columns * column_bytes
    if xp is not numpy or row_bytes == 0:
        return [(0, rows)]
    target = CHUNK_BYTES if row_bytes <= 4 * CHUNK_BYTES else LARGE_CHUNK_BYTES
    step = max(1, target // row_bytes)
    return [(a, min(a + step, rows)) for a in range(0, rows, step)]


def _padded(xp: Any, x: Any, pads: Any) -> tuple[Any, Any]:
    """``x`` (N, C, L…) as batch-last (C, L…, N) with ``pads`` applied to its spatial axes,
    and the workspace buffer that holds it, which the caller gives back: None when ``x`` is
    batch-last already and not padded (the result is then ``x``'s memory, perhaps cropped)."""
    xt = x.transpose((*range(1, x.ndim), 0))
    full = (*pads, (0, 0))
    if any(lo > 0 or hi > 0 for lo, hi in pads):
        buffer = pad_or_crop(xp, xt, full, zeros=lambda s, d: _SCRATCH.take(xp, s, d, zero=True))
        return buffer, buffer
    if xt.flags.c_contiguous:
        return pad_or_crop(xp, xt, full), None
    buffer = _SCRATCH.take(xp, xt.shape, xt.dtype)  # a batch-last copy, perhaps cropped
    buffer[...] = xt
    return pad_or_crop(xp, buffer, full), buffer


def _windows(xp: Any, xc: Any, groups: int, kernel: Any, out: Any, stride: Any, dilation: Any):
    """The im2col view of a padded batch-last input (C, L…, N): shape
    (G, C/G, k…, O…, N), entry [g, c, κ, o, n] = xc[g·C/G + c, o·s + κ·d, n]; no copy."""
    sc, *sl, sn = xc.strides
    cg = xc.shape[0] // groups
    shape = (groups, cg, *kernel, *out, xc.shape[-1])
    strides = (
        sc * cg,
        sc,
        *[st * d for st, d in zip(sl, dilation)],
        *[st * s for st, s in zip(sl, stride)],
        sn,
    )
    return xp.lib.stride_tricks.as_strided(xc, shape=shape, strides=strides)


class _Im2col:
    """The chunked im2col of one convolution: ``chunks`` (pairs of output rows along the first
    spatial axis, ``_row_chunks``) and ``fill(a, b)``, which copies those rows' windows into
    one buffer the size of the largest chunk (reused by every chunk, taken from the module's
    workspace, given back by ``release``) and returns it as (G, C/G·∏k, (b − a)·∏O₂…·N)."""

    def __init__(self, xp, x, groups, kernel, out, stride, dilation, pads, overlap=0):
        xc, self.padded = _padded(xp, x, pads)
        self.view = _windows(xp, xc, groups, kernel, out, stride, dilation)
        self.before_rows = (slice(None),) * (2 + len(kernel))  # G, C/G, k…
        self.k = xc.shape[0] // groups * math.prod(kernel)
        self.row = math.prod(out[1:]) * xc.shape[-1]  # columns per output row
        # with an overlap, chunks cover out[0] − overlap rows and each fills overlap more
        rows = out[0] - overlap
        self.chunks = _row_chunks(xp, rows, self.row, self.k * xc.itemsize * groups)
        most = max(b - a for a, b in self.chunks) + overlap
        self.buffer = _SCRATCH.take(xp, (groups, self.k, most * self.row), xc.dtype)

    def fill(self, a: int, b: int) -> Any:
        cols = self.buffer[:, :, : (b - a) * self.row]
        window = self.view[self.before_rows + (slice(a, b),)]
        cols.reshape(window.shape)[...] = window
        return cols

    def release(self) -> None:
        """Give the buffers back to the workspace (after the last GEMM that reads them)."""
        _SCRATCH.give(self.buffer, self.padded)
        self.buffer = self.padded = None


def _per_group(xp: Any, g: Any, groups: int) -> Any:
    """An output-shaped (N, C', O…) array as batch-last (G, C'/G, O₁, ∏O₂…·N)."""
    gc = batch_last(xp, g)
    return gc.reshape(groups, gc.shape[0] // groups, gc.shape[1], -1)


def conv_forward(xp, x, w, b, stride, dilation, groups, pads) -> Any:
    """y = conv(x, W) + b as an (N, C', O…) view of a batch-last array. Holds one im2col
    chunk (``_row_chunks``) and the batch-last copy of x (none when x is batch-last already)
    during the call; keeps nothing."""
    kernel, c_out = w.shape[2:], w.shape[0]
    padded = [m + lo + hi for m, (lo, hi) in zip(x.shape[2:], pads)]
    out = tuple(
        (m - d * (k - 1) - 1) // s + 1 for m, k, s, d in zip(padded, kernel, stride, dilation)
    )
    if xp is numpy and kernel[0] > 1 and stride[0] == 1 and dilation[0] == 1 and x.size:
        y = _forward_stacked_rows(x, w, out, stride, dilation, groups, pads)
    else:
        im = _Im2col(xp, x, groups, kernel, out, stride, dilation, pads)
        wm = w.reshape(groups, c_out // groups, im.k)
        y = xp.empty((groups, c_out // groups, out[0], im.row), x.dtype)
        for a, b_ in im.chunks:
            xp.matmul(wm, im.fill(a, b_), out=y[:, :, a:b_].reshape(groups, c_out // groups, -1))
        im.release()
    y = y.reshape(c_out, *out, x.shape[0])
    if b is not None:
        y += b.reshape((c_out,) + (1,) * (len(out) + 1))
    return from_batch_last(xp, y)


def _forward_stacked_rows(x, w, out, stride, dilation, groups, pads) -> Any:
    """``conv_forward``'s GEMMs on NumPy at stride 1 and no dilation along the first spatial
    axis, as (G, C'/G, O₁, ∏O₂…·N): im2col over the axes after the first only (a factor
    k₁·O₁/L₁ smaller: 5.4× for LeNet's first conv, 3.3× for its second), laid out input
    row by input row, (G, L₁, C/G·∏k_rest, ∏O₂…·N). The k₁ input rows output row o reads are
    then one contiguous (k₁·C/G·∏k_rest, ∏O₂…·N) block starting at row o, and the next
    output row's block starts one input row later: a strided view of overlapping blocks,
    multiplied by W (rows ordered (κ₁, c, κ_rest) to match) in one batched GEMM per chunk.
    Measured against the full im2col in 256 KiB chunks (forward alone, 2 threads, medians,
    the buffer reused): LeNet's first conv 278 → 170 µs, its second 415 → 308 µs, a 3×3
    depthwise conv on 16×64×28×28 1.84 → 1.53 ms, 64→64 3×3 on 32×32 batch 32 17.9 → 14.5 ms.

    Chunks of output rows keep the buffer within LARGE_CHUNK_BYTES (one output row at
    least); each chunk copies k₁ − 1 input rows more than it has output rows. The buffer comes
    from the module's workspace and goes back to it before returning."""
    n, c_out, kernel, nd = x.shape[0], w.shape[0], w.shape[2:], w.ndim - 2
    xc, padded = _padded(numpy, x, pads)
    view = _windows(numpy, xc, groups, (1, *kernel[1:]), (xc.shape[1], *out[1:]),
                    (1, *stride[1:]), (1, *dilation[1:]))  # fmt: skip
    # (G, C/G, 1, k_rest…, L₁, O_rest…, N) → (G, L₁, C/G, 1, k_rest…, O_rest…, N)
    view = view.transpose(0, 2 + nd, *range(1, 2 + nd), *range(3 + nd, view.ndim))
    k1 = kernel[0]
    k = xc.shape[0] // groups * math.prod(kernel[1:])  # im2col rows per input row
    row = math.prod(out[1:]) * n
    wm = w.reshape(groups, c_out // groups, w.shape[1], k1, k // w.shape[1])
    wm = wm.transpose(0, 1, 3, 2, 4).reshape(groups, 1, c_out // groups, k1 * k)
    y = numpy.empty((groups, c_out // groups, out[0], row), x.dtype)
    step = max(1, LARGE_CHUNK_BYTES // (groups * k * row * x.itemsize) - (k1 - 1))
    step = min(step, out[0])
    buffer = _SCRATCH.take(numpy, (groups, step + k1 - 1, *view.shape[2:]), x.dtype)
    item = x.itemsize
    for a in range(0, out[0], step):
        b = min(a + step, out[0])
        part = buffer[:, : b - a + k1 - 1]
        part[...] = view[:, a : b + k1 - 1]
        blocks = numpy.lib.stride_tricks.as_strided(
            part,
            (groups, b - a, k1 * k, row),
            (buffer.strides[0], k * row * item, row * item, item),
        )
        numpy.matmul(wm, blocks, out=y[:, :, a:b].transpose(0, 2, 1, 3))
    _SCRATCH.give(buffer, padded)
    return y


def conv_weight_grad(xp, x, g, kernel, stride, dilation, groups, pads) -> Any:
    """Ŵ = Σ_{n,o} g ⊗ windows(x), one GEMM per group and chunk, accumulated. Holds one chunk
    and batch-last copies of x and g.

    The im2col matrix is taken over the axes after the first only, on every row of the
    padded x (C/G·∏k_rest rows, a factor L₁/(k₁·O₁) of the full matrix: 0.23 for LeNet's
    first conv): at stride 1 along the first axis, the columns of output rows a…b shifted by
    the offset κ₁·d₁ are a contiguous block of it, so Ŵ[:, :, κ₁] is one GEMM on that block.
    The GEMMs are taken as Ŵᵀ = cols · gᵀ, transposed at the end: OpenBLAS ran that 1.25-1.7×
    faster than g · colsᵀ on the LeNet and 64→64 shapes."""
    if stride[0] != 1:
        return _weight_grad_strided(xp, x, g, kernel, stride, dilation, groups, pads)
    gc = _per_group(xp, g, groups)
    span = dilation[0] * (kernel[0] - 1)  # rows of x beyond a chunk's output rows
    im = _Im2col(xp, x, groups, (1, *kernel[1:]), (g.shape[2] + span, *g.shape[3:]),
                 stride, (1, *dilation[1:]), pads, overlap=span)  # fmt: skip
    row = im.row
    gwt = xp.zeros((groups, kernel[0], im.k, gc.shape[1]), g.dtype)
    for a, b in im.chunks:
        cols = im.fill(a, b + span)
        gt = gc[:, :, a:b].reshape(gc.shape[0], gc.shape[1], -1).swapaxes(1, 2)
        for i in range(kernel[0]):
            start = i * dilation[0] * row
            gwt[:, i] += cols[:, :, start : start + (b - a) * row] @ gt
    im.release()
    # (G, k₁, C/G·∏k_rest, C'/G) → (C', C/G, k₁, k_rest…)
    gw = gwt.reshape(groups, kernel[0], x.shape[1] // groups, -1, gc.shape[1])
    gw = gw.transpose(0, 4, 2, 1, 3).reshape(g.shape[1], x.shape[1] // groups, *kernel)
    return gw


def _weight_grad_strided(xp, x, g, kernel, stride, dilation, groups, pads) -> Any:
    """``conv_weight_grad`` at a stride > 1 along the first axis: the full im2col matrix,
    chunk by chunk, one GEMM Ŵᵀ += cols · gᵀ per group and chunk."""
    gc = _per_group(xp, g, groups)
    im = _Im2col(xp, x, groups, kernel, g.shape[2:], stride, dilation, pads)
    gwt = None
    for a, b in im.chunks:
        part = im.fill(a, b) @ gc[:, :, a:b].reshape(gc.shape[0], gc.shape[1], -1).swapaxes(1, 2)
        if gwt is None:
            gwt = part
        else:
            gwt += part
    im.release()
    return gwt.swapaxes(1, 2).reshape(g.shape[1], x.shape[1] // groups, *kernel)


def conv_input_grad(xp, g, w, b, stride, dilation, groups, pads) -> Any:
    """z = col2im(Wᵀ g), cropped by ``pads``, + b: the adjoint of ``conv_forward`` in x, as an
    (N, C, L…) view of a batch-last array. Holds the batch-last copy of g and, besides the
    result, one chunk-sized buffer (or, for tiling windows, one result-sized array).

    Three routes, by what the windows do: tiling windows take col2im as a transpose; stride 1
    sums the offsets after the first axis in the GEMM (``_col2im_rows``) unless that widens g
    more than 2× (a large kernel on a small output); the rest add one strided block per
    kernel offset."""
    n, out, kernel = g.shape[0], g.shape[2:], w.shape[2:]
    widening = math.prod(o + d * (k - 1) for o, k, d in zip(out[1:], kernel[1:], dilation[1:]))
    if all(s == k and d == 1 for k, s, d in zip(kernel, stride, dilation)):
        z = _col2im_tiles(xp, _per_group(xp, g, groups), w, groups, out, n)
    elif all(s == 1 for s in stride) and widening <= 2 * math.prod(out[1:]):
        z = _col2im_rows(xp, g, w, groups, dilation)
    else:
        z = _col2im_chunks(xp, _per_group(xp, g, groups), w, groups, out, n, stride, dilation)
    z = pad_or_crop(xp, z, (*((-lo, -hi) for lo, hi in pads), (0, 0)))
    if b is not None:
        z = z + b.reshape((z.shape[0],) + (1,) * (z.ndim - 1))
    return from_batch_last(xp, z)


def _col2im_chunks(xp, gc, w, groups, out, n, stride, dilation) -> Any:
    """col2im(Wᵀ g) for g as (G, C'/G, O₁, ∏O₂…·N): per chunk of g's rows one GEMM per group
    into a reused chunk-sized buffer, then one strided add per kernel offset into the
    zero-filled batch-last result (runs of O_d·N elements at stride 1; no ``add.at``: the
    windows of one offset do not overlap)."""
    kernel, c = w.shape[2:], w.shape[1] * groups
    wt = w.reshape(groups, w.shape[0] // groups, -1).swapaxes(1, 2)  # (G, C/G·∏k, C'/G)
    row = gc.shape[-1]
    full = tuple(full_length(o, k, s, d) for o, k, s, d in zip(out, kernel, stride, dilation))
    z = xp.zeros((c, *full, n), gc.dtype)
    chunks = _row_chunks(xp, out[0], row, wt.shape[1] * gc.itemsize * groups)
    most = max(b - a for a, b in chunks) * row
    buffer = _SCRATCH.take(xp, (groups, wt.shape[1], most), gc.dtype)
    for a, b in chunks:
        cols = buffer[:, :, : (b - a) * row]
        xp.matmul(wt, gc[:, :, a:b].reshape(groups, gc.shape[1], -1), out=cols)
        blocks = cols.reshape(c, *kernel, b - a, *out[1:], n)
        starts, counts = (a, *(0,) * (len(out) - 1)), (b - a, *out[1:])
        for offset in product(*[range(k) for k in kernel]):
            dst = [
                slice(i * d + j * s, i * d + (j + m - 1) * s + 1, s)
                for i, j, m, s, d in zip(offset, starts, counts, stride, dilation)
            ]
            z[(slice(None), *dst)] += blocks[(slice(None), *offset)]
    _SCRATCH.give(buffer)
    return z


def _col2im_tiles(xp, gc, w, groups, out, n) -> Any:
    """col2im(Wᵀ g) when the windows tile the input (stride = kernel, no dilation): every
    input element is in exactly one window, so col2im is a transpose of Wᵀ g, from
    (C, k₁…k_d, O₁…O_d, N) to (C, O₁, k₁, …, O_d, k_d, N). With one output channel per group
    (a depthwise conv: LeNet's subsampling) Wᵀ g is an outer product, written straight into
    the result's layout by one broadcast multiply."""
    c, kernel = w.shape[1] * groups, w.shape[2:]
    nd = len(kernel)
    if w.shape[0] == groups:  # z[g, c, o, κ, n] = W[g, c, κ] · g[g, o, n]
        gv = gc.reshape((groups, 1, *[d for o in out for d in (o, 1)], n))
        wv = w.reshape((groups, w.shape[1], *[d for k in kernel for d in (1, k)], 1))
        z = gv * wv
    else:
        wt = w.reshape(groups, w.shape[0] // groups, -1).swapaxes(1, 2)
        cols = (wt @ gc.reshape(groups, gc.shape[1], -1)).reshape(c, *kernel, *out, n)
        order = [0, *[i for a in range(nd) for i in (1 + nd + a, 1 + a)], 1 + 2 * nd]
        z = xp.ascontiguousarray(cols.transpose(order))
    return z.reshape(c, *[o * k for o, k in zip(out, kernel)], n)


def _col2im_rows(xp, g, w, groups, dilation) -> Any:
    """col2im(Wᵀ g) at stride 1 with the kernel offsets after the first axis summed inside
    the GEMM: x̄[c, l₁, l, n] = Σ_{c', κ₁} (Σ_κ W[c', c, κ₁, κ] · g_p[c', l₁ − κ₁d₁, l − κd, n]),
    the inner sum a full correlation of g (zero-padded by d·(k − 1) on those axes) with the
    flipped kernel, taken as one GEMM on g_p's im2col matrix ((C'/G·∏k_rest, rows·∏L_rest·N)
    per group, chunked by rows). What is left is one add per first-axis offset κ₁ of a
    contiguous block per channel (k₁ adds per chunk instead of ∏k strided ones)."""
    n, c_out, out, kernel = g.shape[0], g.shape[1], g.shape[2:], w.shape[2:]
    c, nd = w.shape[1] * groups, len(kernel)
    full = [o + d * (k - 1) for o, k, d in zip(out, kernel, dilation)]
    pads = ((0, 0), *[(d * (k - 1), d * (k - 1)) for k, d in zip(kernel[1:], dilation[1:])])
    im = _Im2col(xp, g, groups, (1, *kernel[1:]), (out[0], *full[1:]), (1,) * nd,
                 (1, *dilation[1:]), pads)  # fmt: skip
    flipped = w[(Ellipsis, *[slice(None, None, -1)] * (nd - 1))]  # (C', C/G, k₁, k_rest…)
    a_mat = flipped.reshape(groups, c_out // groups, c // groups, kernel[0], -1)
    a_mat = a_mat.transpose(0, 2, 3, 1, 4).reshape(groups, c // groups * kernel[0], im.k)
    row = im.row
    z = xp.zeros((c, full[0] * row), g.dtype)
    for a, b in im.chunks:
        t = (a_mat @ im.fill(a, b)).reshape(c, kernel[0], (b - a) * row)
        for i in range(kernel[0]):
            start = (a + i * dilation[0]) * row
            z[:, start : start + (b - a) * row] += t[:, i]
    im.release()
    return z.reshape(c, *full, n)
