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
a (G, Cg·∏k, N·∏O) matrix, and one GEMM per group; col2im adds one strided slice per kernel
offset. The copy (the im2col buffer) has N · C_in · ∏k · ∏O elements and lives only during
the call; no op keeps it for backward.
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.op import Op
from autograd_core.ops.conv_im2col import col2im, im2col_rows, pad_or_crop, windows
from autograd_core.registry import register_op

__all__ = ["Conv", "ConvTranspose", "ConvWeight"]


def _spatial_axes(ndim: int) -> tuple[int, ...]:
    return (0, *range(2, ndim))


def _group_rows(xp: Any, g: Any, groups: int) -> Any:
    """(N, C, O…) as (G, C/G, N·∏O): the GEMM operand of an output-shaped array (a copy)."""
    n, c = g.shape[:2]
    o = math.prod(g.shape[2:])
    return (
        g.reshape(n, groups, c // groups, o)
        .transpose(1, 2, 0, 3)
        .reshape(groups, c // groups, n * o)
    )


@register_op("conv", array_vjp=True)
class Conv(Op):
    r"""y = conv(x, W) + b: N-d cross-correlation with stride, dilation, groups and exact pads.

    y[n, g·C'/G + c', o] = Σ_{c, κ} W[g·C'/G + c', c, κ] · x_p[n, g·C/G + c, o·s + κ·d] + b
    for x (N, C, L…), W (C', C/G, k…), b (C',) or absent; x_p is x padded (or cropped) by
    ``pads`` (one exact (lo, hi) pair per axis, ``conv_im2col.exact_pads``).

    VJP: x̄ = conv_transpose(ȳ, W), W̄ = conv_weight(x, ȳ), b̄ = Σ_{n, o} ȳ (module docstring).
    Linear in each argument: no kinks. Saves x and W (as the parents), not the im2col buffer:
    conv_weight rebuilds the windows of x in backward, so the step holds no N·C·∏k·∏O array
    between forward and backward. Does not broadcast.
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
        rows = im2col_rows(windows(xp, xpad, groups, kernel, out, stride, dilation))
        y = w.reshape(groups, c_out // groups, rows.shape[1]) @ rows  # (G, C'/G, N·∏O)
        # (G, C'/G, N, O…) → (N, C', O…): a strided view, no copy
        y = y.reshape(c_out, n, *out).swapaxes(0, 1)
        if b is not None:
            y += b.reshape((c_out,) + (1,) * len(out))
        return y

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
    Saves g and W (the parents). col2im allocates the (N, C, L_full…) result and one
    (G, C/G·∏k, N·∏O) matrix of window contributions for the call only. Does not broadcast.
    """

    fresh_grads = True

    def forward(
        self, g: Any, w: Any, b: Any = None, *, stride: Any, dilation: Any, groups: int, pads: Any
    ) -> Any:
        xp = self.xp
        n, out, kernel = g.shape[0], g.shape[2:], w.shape[2:]
        c = w.shape[1] * groups
        wm = w.reshape(groups, w.shape[0] // groups, -1)  # (G, C'/G, C/G·∏k)
        cols = wm.swapaxes(1, 2) @ _group_rows(xp, g, groups)  # (G, C/G·∏k, N·∏O)
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
        rows = im2col_rows(windows(xp, xpad, groups, kernel, out, stride, dilation))
        gw = _group_rows(xp, g, groups) @ rows.swapaxes(1, 2)  # (G, C'/G, C/G·∏k)
        return gw.reshape(c_out, x.shape[1] // groups, *kernel)

    def vjp(self, gw: Any) -> tuple[Any, ...]:
        x, g = self.inputs_as(gw)
        need = self.needs_input_grad
        p = {k: v for k, v in self.params.items() if k != "kernel"}
        gx = ConvTranspose.call(g, gw, **p) if need[0] else None
        gg = Conv.call(x, gw, **p) if need[1] else None
        return gx, gg
