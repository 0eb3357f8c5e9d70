r"""Scans along an axis: cumsum (running sums, as ``torch.cumsum`` and ``numpy.cumsum``)."""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["cumsum"]


@register_op("cumsum", array_vjp=True, saves_inputs=False)
class Cumsum(Op):
    r"""y_i = Σ_{j ≤ i} x_j along ``axis``.

    .. math:: \bar{x}_j = \sum_{i \ge j} \bar{y}_i

    VJP: x̄ = the reversed running sum of ȳ, i.e. flip(cumsum(flip(ȳ))) along the axis (written
    with reversed slices, which arrays and Tensors share): linear, so the second derivative is
    this op again. Saves nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: int) -> Any:
        return self.xp.cumsum(x, axis=axis)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        axis = self.params["axis"]
        backwards = (slice(None),) * axis + (slice(None, None, -1),)
        return (Cumsum.call(gy[backwards], axis=axis)[backwards],)


def cumsum(
    x: Tensor, dim: int | None = None, *, axis: int | None = None, dtype: Any = None
) -> Tensor:
    """Running sums along ``dim`` (alias ``axis``), as ``torch.cumsum``; with neither, over the
    flattened tensor (NumPy's rule). Integer and bool inputs sum in int64, as in PyTorch and
    NumPy; ``dtype`` casts the input first.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).cumsum(dim=1)
        tensor([[ 1.,  3.,  6.],
                [ 4.,  9., 15.]])
    """
    x = lift(x)
    if dtype is not None:
        x = x.to(dtype=dtype)
    chosen = dim if dim is not None else axis
    if chosen is None:
        x, chosen = x.reshape(-1), 0
    (d,) = normalize_axis("cumsum", chosen, x.shape, word="dim")
    if x.ndim == 0:
        return Cumsum.apply(x.reshape(1), axis=0).reshape(())
    return Cumsum.apply(x, axis=d)
