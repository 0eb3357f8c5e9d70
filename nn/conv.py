"""Convolution layers: Conv1d/2d/3d (padding modes zeros, reflect, replicate, circular) and
ConvTranspose1d/2d/3d, with PyTorch's arguments, parameter names and initialisation.

A convolution layer is the first stage of a convolutional layer (several convolutions in
parallel giving linear activations, before the detector and pooling stages; Goodfellow, Bengio
& Courville, *Deep Learning* §9.2-9.3): sparse interactions
(each output reads a kernel-sized window), parameter sharing (one kernel for every position)
and hence equivariance to translation.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import empty_parameter
from nn.module import Module

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _per_axis(name: str, layer: str, value: Any, nd: int) -> tuple[int, ...]:
    items = (value,) * nd if isinstance(value, numbers.Integral) else tuple(value)
    if len(items) != nd:
        raise ShapeError(
            f"{layer}: {name} must be an int or a tuple of {nd} ints; got {value!r}. Pass "
            f"e.g. {name}=3 or {name}={(3,) * nd}."
        )
    return tuple(int(v) for v in items)


class _ConvNd(Module):
    """What the convolution layers share: arguments, parameters and their initialisation."""

    nd = 2
    transposed = False
    lazy = False  # nn/lazy.py's LazyConvNd: in_channels = 0 until the first input

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        output_padding: Any = 0,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        layer = type(self).__name__
        for name, n in (("in_channels", in_channels), ("out_channels", out_channels)):
            if name == "in_channels" and self.lazy and n == 0:
                continue  # a lazy layer learns it from its first input
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
                raise ShapeError(
                    f"{layer}: {name} must be a positive int; got {n!r}. Pass the number of "
                    f"channels, e.g. nn.{layer}(1, 6, 5)."
                )
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ShapeError(
                f"{layer}: in_channels={in_channels} and out_channels={out_channels} must both "
                f"be divisible by groups={groups}. Change groups or the channel counts."
            )
        if padding_mode not in PADDING_MODES:
            raise ValueError(
                f"{layer}: padding_mode must be one of {PADDING_MODES}; got {padding_mode!r}."
            )
        if self.transposed and padding_mode != "zeros":
            raise ValueError(
                f"{layer}: only padding_mode='zeros' is supported (as in PyTorch); got "
                f"{padding_mode!r}. Pad the input with F.pad first."
            )
        nd = self.nd
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = _per_axis("kernel_size", layer, kernel_size, nd)
        self.stride = _per_axis("stride", layer, stride, nd)
        self.dilation = _per_axis("dilation", layer, dilation, nd)
        self.padding = (
            padding if isinstance(padding, str) else _per_axis("padding", layer, padding, nd)
        )
        self.output_padding = _per_axis("output_padding", layer, output_padding, nd)
        self.padding_mode = padding_mode
        self._create_parameters(bias, device, dtype, generator)

    def _create_parameters(self, bias: bool, device: Any, dtype: Any, generator: Any) -> None:
        """The weight and bias, initialised (a lazy layer makes them uninitialised instead)."""
        self.weight = empty_parameter(*self._weight_shape(), dtype=dtype, device=device)
        if bias:
            self.bias = empty_parameter(self.out_channels, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def _weight_shape(self) -> tuple[int, ...]:
        cin, cout, g = self.in_channels, self.out_channels, self.groups
        if self.transposed:
            return (cin, cout // g, *self.kernel_size)
        return (cout, cin // g, *self.kernel_size)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """W from kaiming_uniform(a=√5), i.e. U(−1/√fan_in, 1/√fan_in), and b from the same
        range, with fan_in = weight.shape[1] · ∏kernel_size (PyTorch's default)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound, generator)

    def _edge_pad(self) -> tuple[int, ...]:
        """F.pad's amounts (last axis first) for a padding_mode other than zeros."""
        if self.padding == "valid":
            return (0,) * (2 * self.nd)
        if self.padding == "same":
            total = [d * (k - 1) for k, d in zip(self.kernel_size, self.dilation)]
            pairs = [(t // 2, t - t // 2) for t in total]
        else:
            pairs = [(p, p) for p in self.padding]
        return tuple(a for lo_hi in reversed(pairs) for a in lo_hi)

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding not in ((0,) * self.nd, "valid"):
            s += (
                f", padding={self.padding!r}"
                if isinstance(self.padding, str)
                else f", padding={self.padding}"
            )
        if self.dilation != (1,) * self.nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        return s


class _Conv(_ConvNd):
    def forward(self, x: Tensor) -> Tensor:
        conv = (F.conv1d, F.conv2d, F.conv3d)[self.nd - 1]
        if self.padding_mode == "zeros":
            return conv(
                x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
            )
        x = F.pad(x, self._edge_pad(), mode=self.padding_mode)
        return conv(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class _ConvTranspose(_ConvNd):
    transposed = True

    def forward(self, x: Tensor, output_size: Any = None) -> Tensor:
        conv_t = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[self.nd - 1]
        extra = self.output_padding
        if output_size is not None:
            extra = self._output_padding_for(x, output_size)
        return conv_t(
            x, self.weight, self.bias, self.stride, self.padding, extra, self.groups, self.dilation
        )

    def _output_padding_for(self, x: Tensor, output_size: Any) -> tuple[int, ...]:
        """The output_padding that gives ``output_size`` (its last nd entries), as PyTorch."""
        size = tuple(output_size)[-self.nd :]
        extra = []
        for i, want in enumerate(size):
            least = (
                (x.shape[-self.nd + i] - 1) * self.stride[i]
                - 2 * self.padding[i]
                + self.dilation[i] * (self.kernel_size[i] - 1)
                + 1
            )
            if not least <= want < least + max(self.stride[i], self.dilation[i]):
                raise ShapeError(
                    f"{type(self).__name__}: output_size {tuple(size)} cannot be reached from "
                    f"input shape {tuple(x.shape)}: axis {i} can be {least} to "
                    f"{least + max(self.stride[i], self.dilation[i]) - 1}. Pass an output_size "
                    "in that range."
                )
            extra.append(want - least)
        return tuple(extra)


_CONV_DOC = """{formula}

    Args:
        in_channels, out_channels: channel counts (both divisible by ``groups``).
        kernel_size, stride, dilation: an int or a tuple of {nd} ints.
        padding: an int, a tuple of {nd} ints, ``'valid'`` or ``'same'`` (stride 1).
        groups: split the channels into independent convolutions (``groups=in_channels``: a
            depthwise convolution).
        bias: learn an additive bias per output channel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'`` (the
            padding is then done by ``F.pad`` before a convolution without padding).
        generator: the random source of the initial parameters.

    Shape:
        input (N, C_in, {axes}) or unbatched (C_in, {axes}) → (N, C_out, {out_axes}), each
        output length ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1.

    Attributes:
        weight: (out_channels, in_channels/groups, {kernel}), from U(−k, k) with
            k = 1/√(in_channels/groups · ∏kernel_size) (``kaiming_uniform_(a=√5)``).
        bias: (out_channels,), from U(−k, k), or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = {example}
        >>> layer.weight.shape, layer({example_input}).shape
        {example_output}
    """

_CONV_T_DOC = """{formula}

    The gradient of ``Conv{nd}d`` with respect to its input, used as a layer: with stride s
    it upsamples (the seeds' "variantes" for outputs as large as the input). Arguments as in
    ``Conv{nd}d`` (padding an int or tuple; only padding_mode 'zeros'), plus
    ``output_padding`` (< max(stride, dilation)) added after the last element of each axis;
    ``forward(x, output_size=...)`` picks it from a wanted size instead.

    Shape:
        (N, C_in, {axes}) → (N, C_out, {out_axes}), each length
        (L − 1)·s − 2p + d·(k − 1) + output_padding + 1.

    Attributes:
        weight: (in_channels, out_channels/groups, {kernel}), from U(−k, k) with
            k = 1/√(out_channels/groups · ∏kernel_size) (PyTorch's fan_in of this shape).
        bias: (out_channels,), from U(−k, k), or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = {example}
        >>> layer.weight.shape, layer({example_input}).shape
        {example_output}
    """


class Conv1d(_Conv):
    nd = 1
    __doc__ = _CONV_DOC.format(
        formula="y = conv1d(x, W) + b over (N, C_in, L): 1-D cross-correlation (time series).",
        nd=1,
        axes="L",
        out_axes="L_out",
        kernel="k",
        example="nn.Conv1d(2, 4, 3, padding='same')",
        example_input="ac.ones(5, 2, 10)",
        example_output="((4, 2, 3), (5, 4, 10))",
    )


class Conv2d(_Conv):
    nd = 2
    __doc__ = _CONV_DOC.format(
        formula="y = conv2d(x, W) + b over (N, C_in, H, W): 2-D cross-correlation (images).",
        nd=2,
        axes="H, W",
        out_axes="H_out, W_out",
        kernel="kH, kW",
        example="nn.Conv2d(1, 6, 5)",
        example_input="ac.ones(8, 1, 28, 28)",
        example_output="((6, 1, 5, 5), (8, 6, 24, 24))",
    )


class Conv3d(_Conv):
    nd = 3
    __doc__ = _CONV_DOC.format(
        formula="y = conv3d(x, W) + b over (N, C_in, D, H, W): volumes or video.",
        nd=3,
        axes="D, H, W",
        out_axes="D_out, H_out, W_out",
        kernel="kD, kH, kW",
        example="nn.Conv3d(1, 2, 3, stride=2)",
        example_input="ac.ones(1, 1, 7, 7, 7)",
        example_output="((2, 1, 3, 3, 3), (1, 2, 3, 3, 3))",
    )


class ConvTranspose1d(_ConvTranspose):
    nd = 1
    __doc__ = _CONV_T_DOC.format(
        formula="y = conv_transpose1d(x, W) + b: the adjoint of conv1d in its input.",
        nd=1,
        axes="L",
        out_axes="L_out",
        kernel="k",
        example="nn.ConvTranspose1d(4, 2, 2, stride=2)",
        example_input="ac.ones(1, 4, 5)",
        example_output="((4, 2, 2), (1, 2, 10))",
    )


class ConvTranspose2d(_ConvTranspose):
    nd = 2
    __doc__ = _CONV_T_DOC.format(
        formula="y = conv_transpose2d(x, W) + b: the adjoint of conv2d in its input.",
        nd=2,
        axes="H, W",
        out_axes="H_out, W_out",
        kernel="kH, kW",
        example="nn.ConvTranspose2d(8, 3, 3, stride=2, padding=1, output_padding=1)",
        example_input="ac.ones(1, 8, 4, 4)",
        example_output="((8, 3, 3, 3), (1, 3, 8, 8))",
    )


class ConvTranspose3d(_ConvTranspose):
    nd = 3
    __doc__ = _CONV_T_DOC.format(
        formula="y = conv_transpose3d(x, W) + b: the adjoint of conv3d in its input.",
        nd=3,
        axes="D, H, W",
        out_axes="D_out, H_out, W_out",
        kernel="kD, kH, kW",
        example="nn.ConvTranspose3d(2, 1, 2, stride=2)",
        example_input="ac.ones(1, 2, 2, 2, 2)",
        example_output="((2, 1, 2, 2, 2), (1, 1, 4, 4, 4))",
    )
