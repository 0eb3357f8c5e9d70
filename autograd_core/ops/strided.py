r"""``as_strided``: a tensor's elements read through sizes, element strides and an offset
(``torch.as_strided``), and its adjoint ``as_strided_grad``, which scatter-adds a gradient back
into them.

The elements play the part of PyTorch's storage: entry [i₀, …, i_{k−1}] of the result is
element o + Σ_d i_d · stride_d of the input's elements in row-major order, o the
``storage_offset``. Windows may overlap (a stride smaller than the window, or 0), so one
element may be read by several entries; its gradient is then the sum of theirs.

Deliberate difference from PyTorch: PyTorch reads the input's storage as laid out in memory,
so its result depends on the input's strides and storage offset (``x.t().as_strided(…)`` reads
x's order, and an explicit ``storage_offset`` counts from the start of the storage, not of the
input). Here the storage is always the input's row-major elements, counted from its first one:
the result is PyTorch's for a contiguous input (with ``storage_offset`` left out, or for a
tensor that starts its storage, as any freshly made one does), and PyTorch's
``as_strided(x.contiguous(), …)`` for any other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["as_strided"]


def strided_view(
    xp: Any, x: Any, size: tuple[int, ...], stride: tuple[int, ...], storage_offset: int
) -> Any:
    """The array whose entry [i…] is element ``storage_offset + Σ i_d · stride_d`` of x's
    row-major elements: a view of x when x is C-contiguous, of a contiguous copy otherwise.
    The arguments were checked by ``as_strided`` (every element read exists)."""
    flat = xp.ascontiguousarray(x).reshape(-1)
    strides = tuple(s * flat.itemsize for s in stride)
    return xp.lib.stride_tricks.as_strided(flat[storage_offset:], shape=size, strides=strides)


def strided_positions(
    xp: Any, size: tuple[int, ...], stride: tuple[int, ...], storage_offset: int
) -> Any:
    """The int64 array of ``size`` holding, for each entry, the position of the element it
    reads: storage_offset + Σ_d i_d · stride_d."""
    positions = xp.full((), storage_offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(size, stride, strict=True)):
        step = (xp.arange(n, dtype=xp.int64) * s).reshape(
            (1,) * d + (n,) + (1,) * (len(size) - d - 1)
        )
        positions = positions + step
    return xp.broadcast_to(positions, size)


@register_op("as_strided", array_vjp=True, saves_inputs=False)
class AsStrided(Op):
    r"""y[i…] = s[o + Σ_d i_d · stride_d], s the row-major elements of x, o =
    ``storage_offset`` (module docstring). A view of x when x is contiguous (a write into y
    under ``no_grad`` reaches x, as in PyTorch), else of a contiguous copy.

    VJP: x̄ = as_strided_grad(ȳ): zeros of x's shape with ȳ scatter-added at the positions y
    read, so an element read by k entries (overlapping windows) receives the sum of their k
    gradients, and one read by none receives 0. Saves only x's shape. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, size: Any, stride: Any, storage_offset: int) -> Any:
        self.in_shape = x.shape
        return strided_view(self.xp, x, size, stride, storage_offset)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (AsStridedGrad.call(gy, shape=self.in_shape, **self.params),)


@register_op("as_strided_grad", array_vjp=True, saves_inputs=False)
class AsStridedGrad(Op):
    r"""The adjoint of ``as_strided``: y = zeros(shape) with g scatter-added at the row-major
    positions o + Σ_d i_d · stride_d (a sum where windows overlap). VJP: ḡ = as_strided(ȳ), a
    view of ȳ (so not a fresh array). Saves nothing."""

    def forward(self, g: Any, shape: Any, size: Any, stride: Any, storage_offset: int) -> Any:
        xp = self.xp
        positions = strided_positions(xp, size, stride, storage_offset).reshape(-1)
        n = math.prod(shape)
        # one pass over g whatever the overlap (bincount sums the weights in float64)
        total = xp.bincount(positions, weights=g.reshape(-1), minlength=n)
        return total.astype(g.dtype, copy=False).reshape(shape)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        p = self.params
        return (
            AsStrided.call(
                gy, size=p["size"], stride=p["stride"], storage_offset=p["storage_offset"]
            ),
        )


def _ints(what: str, values: Any) -> tuple[int, ...]:
    """``size`` or ``stride`` as a tuple of ints (an int alone is one dimension)."""
    if isinstance(values, int):
        return (values,)
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise TypeError(
            f"as_strided: {what} must be a sequence of ints, got {type(values).__name__}. "
            f"Pass a tuple such as {what}=(2, 3)."
        )
    return tuple(int(v) for v in values)


def as_strided(
    input: Tensor,  # noqa: A002  (PyTorch's argument name)
    size: Sequence[int],
    stride: Sequence[int],
    storage_offset: int | None = None,
) -> Tensor:
    """The view of ``input`` with shape ``size`` whose entry [i…] is element
    ``storage_offset + Σ i_d · stride[d]`` of input's elements in row-major order
    (``torch.as_strided``; strides count elements, not bytes). ``storage_offset=None`` (the
    default) is 0: input's first element. Windows may overlap; the gradient of an element is
    the sum of the gradients of the entries that read it.

    Differs from PyTorch where input is not contiguous, or with an explicit storage_offset for
    an input that does not start its storage: see the module docstring.

    Raises:
        ShapeError: size and stride of different lengths, a negative size, stride or
            storage_offset, or an entry past the input's last element (as PyTorch's
            out-of-bounds error).

    Example:
        >>> import autograd_core as ac
        >>> ac.as_strided(ac.arange(5.0), (3, 3), (1, 1))  # sliding windows of 3
        tensor([[0., 1., 2.],
                [1., 2., 3.],
                [2., 3., 4.]])
    """
    x = lift(input)
    size_, stride_ = _ints("size", size), _ints("stride", stride)
    offset = 0 if storage_offset is None else int(storage_offset)
    if len(size_) != len(stride_):
        raise ShapeError(
            f"as_strided: size {size_} and stride {stride_} have different lengths "
            f"({len(size_)} and {len(stride_)}). Pass one stride per dimension of size."
        )
    if any(n < 0 for n in size_) or any(s < 0 for s in stride_) or offset < 0:
        raise ShapeError(
            f"as_strided: size {size_}, stride {stride_} and storage_offset {offset} must not "
            "be negative (negative strides are not supported, as in PyTorch). Flip the result "
            "instead."
        )
    numel = x.numel()
    if all(size_):  # an empty result reads nothing
        last = offset + sum((n - 1) * s for n, s in zip(size_, stride_, strict=True))
        if last >= numel:
            raise ShapeError(
                f"as_strided: size {size_}, stride {stride_} and storage_offset {offset} read "
                f"element {last}, past the end of the input (shape {tuple(x.shape)}, {numel} "
                "elements, counted in row-major order). Pass a smaller size, stride or "
                "storage_offset."
            )
    return AsStrided.apply(x, size=size_, stride=stride_, storage_offset=offset)
