"""MaxUnpool1d/2d/3d: the partial inverses of MaxPool1d/2d/3d, thin modules over
``nn.functional.max_unpool1d/2d/3d`` with PyTorch's constructor arguments and attributes
(``kernel_size``, ``stride`` and ``padding`` kept as tuples of one entry per spatial axis, as
PyTorch's ``_single``/``_pair``/``_triple`` keep them)."""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn import functional as F
from nn.module import Module

__all__ = ["MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"]


def _per_axis(value: Any, dims: int) -> tuple[Any, ...]:
    """``value`` as a tuple of ``dims`` entries: an int repeated, a sequence as a tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * dims


class _MaxUnpoolNd(Module):
    """The values go back to the positions the pooling's indices name, zeros elsewhere.

    Args:
        kernel_size, stride (default kernel_size), padding: those of the max pooling it undoes.

    Shape:
        (N, C, L…) or (C, L…) with indices of the same shape → (N, C, L_out…), L_out =
        (L − 1)·stride − 2·padding + kernel_size on each axis unless ``output_size`` is passed
        to forward.
    """

    dims = 0  # spatial axes, set by each subclass

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        self.kernel_size = _per_axis(kernel_size, self.dims)
        self.stride = _per_axis(stride if stride is not None else kernel_size, self.dims)
        self.padding = _per_axis(padding, self.dims)

    def forward(self, x: Tensor, indices: Any, output_size: Any = None) -> Tensor:
        unpool = getattr(F, f"max_unpool{self.dims}d")
        return unpool(x, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool1d`` (``F.max_unpool1d``); see ``_MaxUnpoolNd``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y, i = nn.MaxPool1d(2, return_indices=True)(ac.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
        >>> nn.MaxUnpool1d(2)(y, i).tolist()
        [[[0.0, 3.0, 2.0, 0.0]]]
    """

    dims = 1


class MaxUnpool2d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool2d`` (``F.max_unpool2d``); see ``_MaxUnpoolNd``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y, i = nn.MaxPool2d(2, return_indices=True)(ac.arange(16.0).reshape(1, 1, 4, 4))
        >>> nn.MaxUnpool2d(2)(y, i).sum().item()
        40.0
    """

    dims = 2


class MaxUnpool3d(_MaxUnpoolNd):
    """The partial inverse of ``MaxPool3d`` (``F.max_unpool3d``); see ``_MaxUnpoolNd``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> x = ac.arange(8.0).reshape(1, 1, 2, 2, 2)
        >>> y, i = nn.MaxPool3d(2, return_indices=True)(x)
        >>> nn.MaxUnpool3d(2)(y, i).sum().item(), nn.MaxUnpool3d(2)
        (7.0, MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0)))
    """

    dims = 3
