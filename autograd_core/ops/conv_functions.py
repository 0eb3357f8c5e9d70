"""The convolution functions of ``nn.functional``: ``conv1d/2d/3d`` and
``conv_transpose1d/2d/3d``, PyTorch's signatures over the ``conv`` and ``conv_transpose`` ops
of ``ops/conv.py``."""

from __future__ import annotations

from typing import Any

from autograd_core.ops.common import lift
from autograd_core.ops.conv import Conv, ConvTranspose
from autograd_core.ops.conv_args import (
    check_operands,
    check_output,
    conv_pads,
    per_axis,
    transpose_pads,
)
from autograd_core.ops.conv_im2col import exact_pads
from autograd_core.tensor import Tensor

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
]


def _unbatched(x: Tensor, nd: int) -> bool:
    return x.ndim == nd + 1


def _conv(
    op: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    groups: int,
) -> Tensor:
    x, weight = lift(x), lift(weight)
    bias = None if bias is None else lift(bias)
    single = _unbatched(x, nd)
    if single:
        x = x.reshape((1, *x.shape))
    check_operands(op, x, weight, bias, nd, groups, transposed=False)
    kernel = tuple(weight.shape[2:])
    s = per_axis(op, "stride", stride, nd, 1)
    d = per_axis(op, "dilation", dilation, nd, 1)
    pads = conv_pads(op, padding, nd, kernel, s, d)
    pads, out = exact_pads(tuple(x.shape[2:]), kernel, s, d, pads)
    check_output(op, tuple(x.shape), kernel, s, pads, d, out)
    params = {"stride": s, "dilation": d, "groups": groups, "pads": pads}
    y = Conv.apply(x, weight, **params) if bias is None else Conv.apply(x, weight, bias, **params)
    return y.reshape(y.shape[1:]) if single else y


def _conv_transpose(
    op: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: int,
    dilation: Any,
) -> Tensor:
    x, weight = lift(x), lift(weight)
    bias = None if bias is None else lift(bias)
    single = _unbatched(x, nd)
    if single:
        x = x.reshape((1, *x.shape))
    check_operands(op, x, weight, bias, nd, groups, transposed=True)
    kernel = tuple(weight.shape[2:])
    s = per_axis(op, "stride", stride, nd, 1)
    d = per_axis(op, "dilation", dilation, nd, 1)
    pads = transpose_pads(op, padding, output_padding, nd, s, d)
    out = tuple(
        (m - 1) * st + dl * (k - 1) + 1 - lo - hi
        for m, k, st, dl, (lo, hi) in zip(x.shape[2:], kernel, s, d, pads)
    )
    check_output(op, tuple(x.shape), kernel, s, pads, d, out, transposed=True)
    params = {"stride": s, "dilation": d, "groups": groups, "pads": pads}
    if bias is None:
        z = ConvTranspose.apply(x, weight, **params)
    else:
        z = ConvTranspose.apply(x, weight, bias, **params)
    return z.reshape(z.shape[1:]) if single else z


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D cross-correlation of (N, C_in, L) with a weight (C_out, C_in/groups, k).

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv1d
        >>> conv1d(ac.ones(1, 1, 5), ac.ones(1, 1, 3), padding="same")
        tensor([[[2., 3., 3., 3., 2.]]])
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    r"""2-D cross-correlation, PyTorch's ``F.conv2d``: input (N, C_in, H, W) (or unbatched
    (C_in, H, W)), weight (C_out, C_in/groups, kH, kW), bias (C_out,) or None.

    Output size per axis ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1 (the seeds' (m₁ − m₂ + 2P)/S + 1 with
    dilation). ``padding`` is an int, a pair, ``'valid'`` (0) or ``'same'`` (stride 1; the odd
    element of an even kernel's padding goes after). ``groups=C_in`` with C_out = m·C_in is a
    depthwise convolution.

    Raises:
        ShapeError: wrong ranks, channels that do not fit weight and groups, a bad stride,
            padding or dilation, or a non-positive output size (named with everything that
            produced it).
        DTypeError: operands of different or non-floating dtypes.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv2d
        >>> conv2d(ac.ones(2, 3, 8, 8), ac.ones(4, 3, 3, 3), stride=2, padding=1).shape
        (2, 4, 4, 4)
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """3-D cross-correlation of (N, C_in, D, H, W) with a weight (C_out, C_in/groups, kD, kH,
    kW); arguments as in ``conv2d``.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv3d
        >>> conv3d(ac.ones(1, 2, 4, 4, 4), ac.ones(3, 2, 2, 2, 2)).shape
        (1, 3, 3, 3, 3)
    """
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """1-D transposed convolution: the input gradient of ``conv1d``, as a layer.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv_transpose1d
        >>> conv_transpose1d(ac.ones(1, 1, 3), ac.ones(1, 1, 2), stride=2)
        tensor([[[1., 1., 1., 1., 1., 1.]]])
    """
    return _conv_transpose(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    r"""2-D transposed convolution, PyTorch's ``F.conv_transpose2d``: input (N, C_in, H, W),
    weight (C_in, C_out/groups, kH, kW), bias (C_out,) or None.

    Output size per axis (L − 1)·s − 2p + d·(k − 1) + output_padding + 1: with stride s it
    undoes a strided conv's downsampling (the seeds' "variantes": outputs as large as the
    input, for labelling every pixel). ``output_padding`` (< max(stride, dilation)) picks
    among the input sizes a strided conv maps to the same output size.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv_transpose2d
        >>> conv_transpose2d(ac.ones(1, 4, 4, 4), ac.ones(4, 2, 3, 3), stride=2, padding=1,
        ...                  output_padding=1).shape
        (1, 2, 8, 8)
    """
    return _conv_transpose(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """3-D transposed convolution; arguments as in ``conv_transpose2d``.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.conv_functions import conv_transpose3d
        >>> conv_transpose3d(ac.ones(1, 2, 2, 2, 2), ac.ones(2, 3, 2, 2, 2)).shape
        (1, 3, 3, 3, 3)
    """
    return _conv_transpose(
        "conv_transpose3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )
