r"""Convolutions of any dimension as three ops that are each other's VJPs: ``conv``,
``conv_transpose`` and ``conv_weight``.

The convolution a network computes is a cross-correlation (no flipped kernel; Goodfellow,
Bengio & Courville, *Deep Learning* §9.1, eq. 9.6): S(i, j) = Σₘ Σₙ I(i + m, j + n) K(m, n),
with a stride S and padding P giving the output size (m₁ − m₂ + 2P)/S + 1 (§9.5); as PyTorch
does, a dilation d spaces the kernel taps (index o·S + κ·d) and ``groups`` splits the channels
into independent convolutions.

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

Forward by im2col + GEMM (``ops/conv_gemm.py``): in a batch-last (C, L…, N) layout, the
im2col matrix built a cache-sized chunk of output rows at a time into one reused buffer, one
GEMM per group and chunk (at stride 1 along the first axis, im2col over the other axes only,
stacked input row by input row, and one batched GEMM on overlapping blocks of it); col2im
(``conv_input_grad``'s three routes) is a transpose for windows that tile, k₁ contiguous adds
per chunk at stride 1, and one strided add per kernel offset and chunk otherwise. Scratch
buffers come from a workspace and go back to it. Results
are (N, C, L…) views of batch-last arrays (PyTorch's values, other strides). No op keeps an
im2col matrix past its call: ``conv``'s W̄ rebuilds it chunk by chunk (``conv_gemm``'s module
docstring says why that is cheaper than keeping it). A 1×1 kernel at stride 1 without padding
needs no im2col: its three ops are GEMMs over channels in the operands' own layout
(``ops/conv_pointwise.py``).
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.conv_gemm import conv_forward, conv_input_grad, conv_weight_grad
from autograd_core.ops.conv_pointwise import (
    is_pointwise,
    pointwise_forward,
    pointwise_input_grad,
    pointwise_weight_grad,
)
from autograd_core.registry import register_op

__all__ = ["Conv", "ConvTranspose", "ConvWeight"]


def _spatial_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim))


@register_op("conv", array_vjp=True)
class Conv(Op):
    r"""y = conv(x, W) + b: N-d cross-correlation with stride, dilation, groups and exact pads.

    y[n, g·C'/G + c', o] = Σ_{c, κ} W[g·C'/G + c', c, κ] · x_p[n, g·C/G + c, o·s + κ·d] + b
    for x (N, C, L…), W (C', C/G, k…), b (C',) or absent; x_p is x padded (or cropped) by
    ``pads`` (one exact (lo, hi) pair per axis, ``conv_im2col.exact_pads``).

    VJP: x̄ = conv_transpose(ȳ, W), W̄ = conv_weight(x, ȳ), b̄ = Σ_{n, o} ȳ (module docstring).
    Linear in each argument: no kinks. Saves x and W (as the parents) and nothing else: W̄
    rebuilds the im2col matrix of x chunk by chunk (N·C·∏k·∏O elements in all, one chunk at
    a time) rather than keeping it from the forward. The output is an (N, C', O…) view of a
    batch-last array. Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self, x: Any, w: Any, b: Any = None, *, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        if is_pointwise(w.shape[2:], stride, pads):
            return pointwise_forward(self.xp, x, w, b, groups)
        return conv_forward(self.xp, x, w, b, stride, dilation, groups, pads)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x, w = self.inputs_as(gy)[:2]
        need = self.needs_input_grad
        p = self.params
        gx = ConvTranspose.call(gy, w, **p) if need[0] else None
        gw = ConvWeight.call(x, gy, kernel=tuple(w.shape[2:]), **p) if need[1] else None
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
    Saves g and W (the parents). col2im allocates the batch-last (C, L_full…, N) result and
    one chunk-sized buffer of window contributions for the call only. Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self, g: Any, w: Any, b: Any = None, *, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        if is_pointwise(w.shape[2:], stride, pads):
            return pointwise_input_grad(self.xp, g, w, b, groups)
        return conv_input_grad(self.xp, g, w, b, stride, dilation, groups, pads)

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
    parents); rebuilds x's im2col matrix during the call only, one chunk at a time.
    """

    fresh_grads = True

    def forward(
        self, x: Any, g: Any, *, kernel: Any, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        if is_pointwise(kernel, stride, pads):
            return pointwise_weight_grad(self.xp, x, g, groups)
        return conv_weight_grad(self.xp, x, g, kernel, stride, dilation, groups, pads)

    def vjp(self, gw: Any) -> tuple[Any, ...]:
        x, g = self.inputs_as(gw)
        need = self.needs_input_grad
        p = {k: v for k, v in self.params.items() if k != "kernel"}
        gx = ConvTranspose.call(g, gw, **p) if need[0] else None
        gg = Conv.call(x, gw, **p) if need[1] else None
        return gx, gg
