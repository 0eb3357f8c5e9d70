"""im2col as layers (Unfold, Fold), the unshared convolution built on it (LocallyConnected2d),
and Unflatten, which turns a flat vector back into feature maps."""

from __future__ import annotations

import math
import numbers
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import empty_parameter
from nn.module import Module

__all__ = ["Unfold", "Fold", "LocallyConnected2d", "Unflatten"]


def _pair(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, numbers.Integral) else tuple(value)


class Unfold(Module):
    """Sliding blocks as columns: (N, C, H, W) → (N, C·kH·kW, L), PyTorch's ``nn.Unfold``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Unfold(kernel_size=2, stride=2)(ac.ones(1, 3, 4, 6)).shape
        (1, 12, 6)
    """

    def __init__(
        self, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
    ) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, x: Tensor) -> Tensor:
        return F.unfold(x, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
            f"padding={self.padding}, stride={self.stride}"
        )


class Fold(Module):
    """Columns summed back into an image: (N, C·kH·kW, L) → (N, C, *output_size), PyTorch's
    ``nn.Fold`` (overlaps add up; the adjoint of ``Unfold``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Fold(output_size=(4, 6), kernel_size=2, stride=2)(ac.ones(1, 12, 6)).shape
        (1, 3, 4, 6)
    """

    def __init__(
        self,
        output_size: Any,
        kernel_size: Any,
        dilation: Any = 1,
        padding: Any = 0,
        stride: Any = 1,
    ) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, x: Tensor) -> Tensor:
        return F.fold(
            x, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )

    def extra_repr(self) -> str:
        return (
            f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
            f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}"
        )


class LocallyConnected2d(Module):
    r"""y[n, o, i, j] = Σ_{c, κ} W[i, j, o, c, κ] · x_p[n, c, i·s + κ] + b[o, i, j]: a
    convolution whose kernel is *not* shared across positions (an unshared convolution, or
    locally connected layer; Goodfellow, Bengio & Courville, *Deep Learning*, §9.5).

    It keeps the sparse interactions of a convolution (each output reads one kH×kW window)
    but drops parameter sharing, so it is not equivariant to translation and has
    H_out·W_out times more weights: the contrast *Deep Learning* draws when it explains why
    convolution is cheap (parameter sharing, §9.2; unshared convolution, §9.5).
    Computed as ``unfold`` followed by one batched product per position (``einsum``).

    Args:
        in_channels, out_channels: channel counts.
        input_size: (H, W) of the inputs: the number of positions, hence of kernels.
        kernel_size, stride, padding: an int or a pair.
        bias: learn one bias per output channel and position.
        generator: the random source of the initial parameters.

    Shape:
        (N, C_in, H, W) → (N, C_out, H_out, W_out), H_out = ⌊(H + 2p − kH)/s⌋ + 1.

    Attributes:
        weight: (H_out, W_out, C_out, C_in, kH, kW), from U(−k, k), k = 1/√(C_in·kH·kW) (the
            Conv2d default for each position's kernel).
        bias: (C_out, H_out, W_out) from U(−k, k), or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.LocallyConnected2d(1, 2, (6, 6), kernel_size=3)
        >>> layer.weight.shape, layer(ac.ones(5, 1, 6, 6)).shape
        ((4, 4, 2, 1, 3, 3), (5, 2, 4, 4))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        input_size: Any,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.input_size, self.kernel_size = _pair(input_size), _pair(kernel_size)
        self.stride, self.padding = _pair(stride), _pair(padding)
        out = tuple(
            (n + 2 * p - k) // s + 1
            for n, k, s, p in zip(self.input_size, self.kernel_size, self.stride, self.padding)
        )
        if min(out) < 1:
            raise ShapeError(
                f"LocallyConnected2d: input_size {self.input_size} with kernel_size "
                f"{self.kernel_size}, stride {self.stride} and padding {self.padding} gives "
                f"output size {out}. Pass a larger input_size or padding, or a smaller kernel."
            )
        self.output_size = out
        self.weight = empty_parameter(
            *out, out_channels, in_channels, *self.kernel_size, dtype=dtype, device=device
        )
        if bias:
            self.bias = empty_parameter(out_channels, *out, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """W and b from U(−1/√fan_in, 1/√fan_in), fan_in = C_in·kH·kW."""
        bound = 1.0 / math.sqrt(self.in_channels * math.prod(self.kernel_size))
        init.uniform_(self.weight, -bound, bound, generator)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x: Tensor) -> Tensor:
        if tuple(x.shape[-2:]) != self.input_size or x.ndim != 4:
            raise ShapeError(
                f"LocallyConnected2d: input of shape {tuple(x.shape)} does not match "
                f"input_size {self.input_size} (one kernel per position). Pass (N, "
                f"{self.in_channels}, {self.input_size[0]}, {self.input_size[1]}) inputs or "
                "build the layer for this size."
            )
        cols = F.unfold(x, self.kernel_size, padding=self.padding, stride=self.stride)
        positions = math.prod(self.output_size)
        w = self.weight.reshape(positions, self.out_channels, -1)  # (L, C_out, C_in·kH·kW)
        y = ac.einsum("njl,loj->nol", cols, w)
        y = y.reshape(x.shape[0], self.out_channels, *self.output_size)
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, input_size={self.input_size}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        )


class Unflatten(Module):
    """Split axis ``dim`` into ``unflattened_size``: (N, C·H·W) → (N, C, H, W), the inverse of
    ``Flatten`` (PyTorch's ``nn.Unflatten``; one entry may be −1).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Unflatten(1, (2, 3, 4))(ac.zeros(5, 24)).shape
        (5, 2, 3, 4)
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, x: Tensor) -> Tensor:
        d = self.dim % x.ndim
        size = self.unflattened_size
        known = math.prod(s for s in size if s != -1)
        if size.count(-1) > 1 or (
            x.shape[d] != known if -1 not in size else known == 0 or x.shape[d] % known
        ):
            raise ShapeError(
                f"Unflatten: axis {self.dim} of size {x.shape[d]} (input shape "
                f"{tuple(x.shape)}) cannot be split into {size}. Pass sizes whose product is "
                f"{x.shape[d]} (at most one -1)."
            )
        return x.reshape(x.shape[:d] + size + x.shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
