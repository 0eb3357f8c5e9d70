"""The cross product of 3-vectors along a dim, a composite of differentiable ops (unbind,
products, stack): ``cross`` (``torch.cross``, also a Tensor method) and ``linalg_cross``
(``torch.linalg.cross``, public as ``ac.linalg.cross``)."""

from __future__ import annotations

from autograd_core.device import get_array_module
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.join import stack, unbind
from autograd_core.ops.shape import broadcast_to
from autograd_core.tensor import Tensor

__all__ = ["cross"]


def linalg_cross(a: Tensor, b: Tensor, dim: int = -1) -> Tensor:
    """a × b = (a₁b₂ − a₂b₁, a₂b₀ − a₀b₂, a₀b₁ − a₁b₀) along ``dim`` (size 3 in both), the
    other dims broadcasting; both inputs have the same number of dims (``torch.linalg.cross``;
    ``ac.linalg.cross``).

    Example:
        >>> import autograd_core as ac
        >>> ac.linalg.cross(ac.tensor([1.0, 0.0, 0.0]), ac.tensor([0.0, 1.0, 0.0]))
        tensor([0., 0., 1.])
    """
    a, b = lift(a), lift(b)
    if a.ndim == b.ndim and (a.shape[dim:][:1] != (3,) or b.shape[dim:][:1] != (3,)):
        raise ShapeError(
            f"linalg.cross: the inputs' dim {dim} must have size 3; got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}. Pass 3-vectors along dim."
        )
    return _cross("linalg.cross", a, b, dim)


def _cross(name: str, a: Tensor, b: Tensor, dim: int) -> Tensor:
    if a.ndim != b.ndim:
        raise ShapeError(
            f"{name}: the inputs must have the same number of dims (as torch); got shapes "
            f"{tuple(a.shape)} and {tuple(b.shape)}. Unsqueeze the smaller one."
        )
    try:
        shape = get_array_module(a.data).broadcast_shapes(a.shape, b.shape)
    except ValueError as e:
        raise ShapeError(
            f"{name}: the shapes {tuple(a.shape)} and {tuple(b.shape)} do not broadcast. Make "
            "the other dims equal or size 1."
        ) from e
    d = normalize_axis(name, dim, shape, word="dim")[0]
    a0, a1, a2 = unbind(broadcast_to(a, shape), d)
    b0, b1, b2 = unbind(broadcast_to(b, shape), d)
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def cross(a: Tensor, b: Tensor, dim: int | None = None) -> Tensor:
    """a × b along ``dim`` (``torch.cross``): as ``ac.linalg.cross``, but ``dim=None`` takes
    the first dim of size 3 of the broadcast shape (torch's deprecated default) rather than -1.

    Example:
        >>> import autograd_core as ac
        >>> ac.cross(ac.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), ac.eye(3)[[1, 2]])
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    a, b = lift(a), lift(b)
    if dim is None:
        try:
            shape = get_array_module(a.data).broadcast_shapes(a.shape, b.shape)
        except ValueError:
            shape = a.shape  # (_cross raises the error)
        if 3 not in shape:
            raise ShapeError(
                f"cross: no dim of size 3 in the shapes {tuple(a.shape)} and {tuple(b.shape)}. "
                "Pass 3-vectors, and dim."
            )
        dim = shape.index(3)
    elif a.ndim == b.ndim and (a.shape[dim:][:1] != (3,) or b.shape[dim:][:1] != (3,)):
        raise ShapeError(
            f"cross: the inputs' dim {dim} must have size 3; got shapes {tuple(a.shape)} and "
            f"{tuple(b.shape)}. Pass 3-vectors along dim."
        )
    return _cross("cross", a, b, dim)
