r"""im2col and col2im for users: ``unfold`` (sliding blocks to columns) and ``fold`` (columns
summed back into an image), PyTorch's ``F.unfold`` and ``F.fold``, each the other's adjoint.

A convolution is ``W.reshape(C', −1) @ unfold(x)`` reshaped to (N, C', O₁, O₂): convolution
as a matrix product with the windows laid out as columns (*Deep Learning* §9.1 views it as
multiplication by a sparse, doubly block circulant matrix).
"""

from __future__ import annotations

import math
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.ops.conv_args import check_output, per_axis
from autograd_core.ops.conv_im2col import col2im, exact_pads, pad_or_crop, windows
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["unfold", "fold"]


@register_op("unfold", array_vjp=True, saves_inputs=False)
class Unfold(Op):
    r"""cols = unfold(x): (N, C, L…) → (N, C·∏k, ∏O), cols[n, (c, κ), o] = x_p[n, c, o·s + κ·d].

    Rows are ordered channel first, then kernel offsets; columns are the output positions in
    row-major order (PyTorch's layout). VJP: x̄ = fold(c̄ols) (col2im). Linear: saves nothing.
    The result is the im2col buffer itself: N·C·∏k·∏O elements.
    """

    fresh_grads = True

    def forward(self, x: Any, *, kernel: Any, stride: Any, dilation: Any, pads: Any) -> Any:
        xp = self.xp
        xpad = pad_or_crop(xp, x, pads)
        out = tuple(
            (m - d * (k - 1) - 1) // s + 1
            for m, k, s, d in zip(xpad.shape[2:], kernel, stride, dilation)
        )
        view = windows(xp, xpad, 1, kernel, out, stride, dilation)  # (N, 1, C, K…, O…)
        n, c = x.shape[:2]
        return view.reshape(n, c * math.prod(kernel), math.prod(out))

    def vjp(self, gy: Any) -> tuple[Any]:
        p = self.params
        size = tuple(self.inputs[0].shape[2:])
        return (Fold.call(gy, size=size, **p),)


@register_op("fold", array_vjp=True, saves_inputs=False)
class Fold(Op):
    r"""x = fold(cols): (N, C·∏k, ∏O) → (N, C, L…), the adjoint of ``unfold``:
    x[n, c, ℓ] = Σ_{o·s + κ·d = ℓ + lo} cols[n, (c, κ), o].

    Overlapping windows add up (col2im: one strided slice-add per kernel offset). VJP:
    c̄ols = unfold(x̄). Linear: saves nothing. Allocates only the result.
    """

    fresh_grads = True

    def forward(
        self, cols: Any, *, size: Any, kernel: Any, stride: Any, dilation: Any, pads: Any
    ) -> Any:
        xp = self.xp
        n, ck, _ = cols.shape
        c = ck // math.prod(kernel)
        out = tuple(
            (m + lo + hi - d * (k - 1) - 1) // s + 1
            for m, k, s, d, (lo, hi) in zip(size, kernel, stride, dilation, pads)
        )
        x = col2im(xp, cols, n, c, kernel, out, stride, dilation)
        return pad_or_crop(xp, x, tuple((-lo, -hi) for lo, hi in pads))

    def vjp(self, gx: Any) -> tuple[Any]:
        p = {k: v for k, v in self.params.items() if k != "size"}
        return (Unfold.call(gx, **p),)


def _block_args(
    op: str, nd: int, kernel_size: Any, dilation: Any, padding: Any, stride: Any
) -> tuple[tuple[int, ...], ...]:
    kernel = per_axis(op, "kernel_size", kernel_size, nd, 1)
    d = per_axis(op, "dilation", dilation, nd, 1)
    p = per_axis(op, "padding", padding, nd, 0)
    s = per_axis(op, "stride", stride, nd, 1)
    return kernel, d, p, s


def unfold(
    input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> Tensor:
    """Sliding blocks of a batched image (N, C, H, W) as columns (N, C·kH·kW, L), L = number of
    windows; PyTorch's ``F.unfold`` (im2col).

    Raises:
        ShapeError: an input that is not (N, C, H, W) or (C, H, W), bad block arguments, or
            no complete window (non-positive output size).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.fold import unfold
        >>> unfold(ac.arange(9.0).reshape(1, 1, 3, 3), 2)
        tensor([[[0., 1., 3., 4.],
                 [1., 2., 4., 5.],
                 [3., 4., 6., 7.],
                 [4., 5., 7., 8.]]])
    """
    x = lift(input)
    single = x.ndim == 3
    if single:
        x = x.reshape((1, *x.shape))
    if x.ndim != 4:
        raise ShapeError(
            f"unfold: input must be 4-D (N, C, H, W) or 3-D (C, H, W); got shape "
            f"{tuple(x.shape)}. Reshape the input to (N, C, H, W)."
        )
    kernel, d, p, s = _block_args("unfold", 2, kernel_size, dilation, padding, stride)
    pads, out = exact_pads(tuple(x.shape[2:]), kernel, s, d, tuple((q, q) for q in p))
    check_output("unfold", tuple(x.shape), kernel, s, pads, d, out)
    y = Unfold.apply(x, kernel=kernel, stride=s, dilation=d, pads=pads)
    return y.reshape(y.shape[1:]) if single else y


def fold(
    input: Tensor,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> Tensor:
    """Columns (N, C·kH·kW, L) summed back into an image (N, C, *output_size), overlapping
    windows adding up; PyTorch's ``F.fold`` (col2im), the adjoint of ``unfold``.

    Raises:
        ShapeError: an input that is not (N, C·∏k, L) or (C·∏k, L), a second axis not
            divisible by ∏k, or L different from the number of windows of output_size.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.fold import fold
        >>> fold(ac.ones(1, 4, 4), (3, 3), 2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    cols = lift(input)
    single = cols.ndim == 2
    if single:
        cols = cols.reshape((1, *cols.shape))
    size = per_axis("fold", "output_size", output_size, 2, 1)
    kernel, d, p, s = _block_args("fold", 2, kernel_size, dilation, padding, stride)
    pads, out = exact_pads(size, kernel, s, d, tuple((q, q) for q in p))
    check_output("fold", (None, None, *size), kernel, s, pads, d, out)
    k = math.prod(kernel)
    if cols.ndim != 3 or cols.shape[1] % k or cols.shape[2] != math.prod(out):
        raise ShapeError(
            f"fold: input of shape {tuple(cols.shape)} does not fit output_size {size}, "
            f"kernel_size {kernel}, stride {s}, padding {p}, dilation {d}: expected (N, C·{k}, "
            f"{math.prod(out)}) ({out[0]}×{out[1]} windows). Check output_size and the "
            "block arguments (they must match the unfold that made the columns)."
        )
    x = Fold.apply(cols, size=size, kernel=kernel, stride=s, dilation=d, pads=pads)
    return x.reshape(x.shape[1:]) if single else x
