r"""Convolutions of any dimension as three ops that are each other's VJPs: ``conv``,
``conv_transpose`` and ``conv_weight``.

The seeds define the convolution a network computes as a cross-correlation (no flipped kernel,
``../shared/seeds/002_*.txt``, "Las redes neuronales convolucionales: operación de convolución y
agrupación"): S(i, j) = Σₘ Σₙ I(i + m, j + n) K(m, n), with the stride S and padding P of the
output-size formula (m₁ − m₂ + 2P)/S + 1 given there; as PyTorch does, a dilation d spaces the
kernel taps (index o·S + κ·d) and ``groups`` splits the channels into independent convolutions.

The three ops are the three bilinear maps of one trilinear form
T(x, W, ȳ) = ⟨ȳ, conv(x, W)⟩:

- ``conv(x, W) = y``;            VJP: x̄ = conv_transpose(ȳ, W), W̄ = conv_weight(x, ȳ);
- ``conv_transpose(g, W) = z``;  VJP: ḡ = conv(z̄, W),           W̄ = conv_weight(z̄, g);
- ``conv_weight(x, g) = Ŵ``;     VJP: x̄ = conv_transpose(g, Ŵ̄), ḡ = conv(x, Ŵ̄).

Each VJP calls the others through ``Op.call``, so a plain backward runs array code and a
recorded one builds a graph of convolutions that can be differentiated again (Chainer's
``Convolution2DGradW`` + ``Deconvolution2D``). The seeds' picture of a convolution as a product
with a doubly block circulant matrix is the reason this works: the input gradient is a product
with that matrix's transpose, which is the transposed convolution.

Forward by im2col (``ops/conv_im2col.py``): a strided view of the padded input, one copy into
(N, G, Cg·∏k, ∏O) matrices, and one batched GEMM per group (a matrix per sample, so that results
come out in (N, C, O…) order without transposes); col2im adds one strided slice per kernel
offset. The copy (the im2col buffer) has N · C_in · ∏k · ∏O elements; ``conv`` keeps it until
its backward (for W̄), ``conv_weight`` and ``conv_transpose`` only during the call.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.op import Op
from autograd_core.ops.conv_im2col import col2im, im2col, pad_or_crop, windows
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["Conv", "ConvTranspose", "ConvWeight"]


def _spatial_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim))


def _per_group(g: Any, groups: int) -> Any:
    """(N, C, O…) as (N, G, C/G, ∏O), the GEMM operand of an output-shaped array."""
    n, c = g.shape[:2]
    return g.reshape(n, groups, c // groups, math.prod(g.shape[2:]))


def weight_from_cols(cols: Any, g: Any, groups: int, shape: tuple[int, ...]) -> Any:
    """W̄ of shape ``shape`` from the im2col matrices of x, (N, G, C/G·∏k, ∏O), and ȳ = g:
    the GEMM sums over positions, then a sum over samples."""
    gw = (_per_group(g, groups) @ cols.swapaxes(2, 3)).sum(axis=0)  # (G, C'/G, C/G·∏k)
    return gw.reshape(shape)


@register_op("conv", array_vjp=True)
class Conv(Op):
    r"""y = conv(x, W) + b: N-d cross-correlation with stride, dilation, groups and exact pads.

    y[n, g·C'/G + c', o] = Σ_{c, κ} W[g·C'/G + c', c, κ] · x_p[n, g·C/G + c, o·s + κ·d] + b
    for x (N, C, L…), W (C', C/G, k…), b (C',) or absent; x_p is x padded (or cropped) by
    ``pads`` (one exact (lo, hi) pair per axis, ``conv_im2col.exact_pads``).

    VJP: x̄ = conv_transpose(ȳ, W), W̄ = conv_weight(x, ȳ), b̄ = Σ_{n, o} ȳ (module docstring).
    Linear in each argument: no kinks. Saves x and W (as the parents) and the im2col buffer
    of the forward (N·C·∏k·∏O elements; for a 1×1 kernel with stride 1, a view of x), because
    a plain backward's W̄ is one GEMM of ȳ with exactly that matrix: keeping it saves
    rebuilding it, the costliest copy of the step. A recorded backward calls ``conv_weight``
    on x instead (so that W̄ stays differentiable). Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self, x: Any, w: Any, b: Any = None, *, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        xp = self.xp
        n, c_out, kernel = x.shape[0], w.shape[0], w.shape[2:]
        xpad = pad_or_crop(xp, x, pads)
        out = tuple(
            (m - d * (k - 1) - 1) // s + 1
            for m, k, s, d in zip(xpad.shape[2:], kernel, stride, dilation)
        )
        cols = im2col(windows(xp, xpad, groups, kernel, out, stride, dilation))
        self.saved = cols
        y = w.reshape(groups, c_out // groups, cols.shape[2]) @ cols  # (N, G, C'/G, ∏O)
        y = y.reshape(n, c_out, *out)
        if b is not None:
            y += b.reshape((c_out,) + (1,) * len(out))
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x, w = self.inputs_as(gy)[:2]
        need = self.needs_input_grad
        p = self.params
        gx = ConvTranspose.call(gy, w, **p) if need[0] else None
        gw = None
        if need[1] and isinstance(gy, Tensor):
            gw = ConvWeight.call(x, gy, kernel=tuple(w.shape[2:]), **p)
        elif need[1]:  # the same product, on the im2col matrix the forward kept
            gw = weight_from_cols(self.saved, gy, p["groups"], w.shape)
        if len(need) == 2:
            return gx, gw
        gb = gy.sum(axis=_spatial_axes(gy.ndim)) if need[2] else None
        return gx, gw, gb


@register_op("conv_transpose", array_vjp=True)
class ConvTranspose(Op):
    r"""z = conv_transpose(g, W) + b, the adjoint of ``conv`` in its input (a "deconvolution").

    For g (N, C', O…) and W (C', C/G, k…): z = crop(col2im(Wᵀ g), pads) + b, the z whose
    conv with W is paired with g: ⟨conv(x, W), g⟩ = ⟨x, conv_transpose(g, W)⟩ for every x.
    Output length per axis (O − 1)·s + d·(k − 1) + 1 − lo − hi; a negative hi (PyTorch's
    output_padding) appends zeros.

    VJP: ḡ = conv(z̄, W), W̄ = conv_weight(z̄, g), b̄ = Σ_{n, o} z̄. Linear in each argument.
    Saves g and W (the parents). col2im allocates the (N, C, L_full…) result and one
    (N, C·∏k, ∏O) array of window contributions for the call only. Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self, g: Any, w: Any, b: Any = None, *, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        xp = self.xp
        n, out, kernel = g.shape[0], g.shape[2:], w.shape[2:]
        c = w.shape[1] * groups
        wm = w.reshape(groups, w.shape[0] // groups, -1)  # (G, C'/G, C/G·∏k)
        cols = wm.swapaxes(1, 2) @ _per_group(g, groups)  # (N, G, C/G·∏k, ∏O)
        z = col2im(xp, cols, n, c, kernel, out, stride, dilation)
        z = pad_or_crop(xp, z, tuple((-lo, -hi) for lo, hi in pads))
        if b is not None:
            z = z + b.reshape((c,) + (1,) * len(out))
        return z

    def vjp(self, gz: Any) -> tuple[Any, ...]:
        g, w = self.inputs_as(gz)[:2]
        need = self.needs_input_grad
        p = self.params
        gg = Conv.call(gz, w, **p) if need[0] else None
        gw = ConvWeight.call(gz, g, kernel=tuple(w.shape[2:]), **p) if need[1] else None
        if len(need) == 2:
            return gg, gw
        gb = gz.sum(axis=_spatial_axes(gz.ndim)) if need[2] else None
        return gg, gw, gb


@register_op("conv_weight", array_vjp=True)
class ConvWeight(Op):
    r"""Ŵ = conv_weight(x, g), the adjoint of ``conv`` in its weight: W̄ of a conv given ȳ = g.

    Ŵ[g·C'/G + c', c, κ] = Σ_{n, o} g[n, g·C'/G + c', o] · x_p[n, g·C/G + c, o·s + κ·d]: one
    GEMM per group of g's rows with the im2col matrix of x, a correlation of the input with
    the output gradient.

    VJP: x̄ = conv_transpose(g, Ŵ̄), ḡ = conv(x, Ŵ̄). Linear in each argument. Saves x and g (the
    parents); rebuilds x's im2col matrix (N·C·∏k·∏O elements) during the call only.
    """

    fresh_grads = True

    def forward(
        self, x: Any, g: Any, *, kernel: Any, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        xp = self.xp
        c_out, out = g.shape[1], g.shape[2:]
        xpad = pad_or_crop(xp, x, pads)
        cols = im2col(windows(xp, xpad, groups, kernel, out, stride, dilation))
        return weight_from_cols(cols, g, groups, (c_out, x.shape[1] // groups, *kernel))

    def vjp(self, gw: Any) -> tuple[Any, ...]:
        x, g = self.inputs_as(gw)
        need = self.needs_input_grad
        p = {k: v for k, v in self.params.items() if k != "kernel"}
        gx = ConvTranspose.call(g, gw, **p) if need[0] else None
        gg = Conv.call(x, gw, **p) if need[1] else None
        return gx, gg
