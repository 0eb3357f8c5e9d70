"""Broadcasting in one place: ``broadcast_shapes`` and ``sum_to``, the reduction of a gradient
back to the shape of an input that was broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from autograd_core.errors import ShapeError

if TYPE_CHECKING:
    from autograd_core.tensor import Tensor

__all__ = ["broadcast_shapes", "sum_to", "sum_to_axes", "sum_to_array"]


def broadcast_shapes(*shapes: tuple[int, ...], op: str = "broadcast") -> tuple[int, ...]:
    """The shape NumPy broadcasting gives, or a ShapeError naming ``op`` and the shapes."""
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for s in shapes:
        for i, d in enumerate(s, ndim - len(s)):
            if d != 1:
                if out[i] != 1 and out[i] != d:
                    shown = " and ".join(str(tuple(x)) for x in shapes)
                    raise ShapeError(
                        f"{op}: shapes {shown} do not broadcast (dimension {i - ndim} is "
                        f"{out[i]} vs {d}). Trailing dimensions must be equal or 1; reshape or "
                        "unsqueeze one operand."
                    )
                out[i] = d
    return tuple(out)


def sum_to_axes(shape: tuple[int, ...], target: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``shape`` to sum (keeping dims) so the result reshapes to ``target``."""
    lead = len(shape) - len(target)
    axes = list(range(lead))
    for i, d in enumerate(target):
        if d == 1 and shape[lead + i] != 1:
            axes.append(lead + i)
    return tuple(axes)


def sum_to_array(a: Any, shape: tuple[int, ...]) -> Any:
    """``sum_to`` on an array (the forward of the sum_to op, and the engine's plain backward)."""
    axes = sum_to_axes(a.shape, shape)
    if not axes:
        return a.reshape(shape)
    if axes == tuple(range(a.ndim - len(shape))):  # leading axes only: no reshape (and no view)
        return a.sum(axis=axes)
    return a.sum(axis=axes, keepdims=True).reshape(shape)


def sum_to(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """Sum ``x`` over the broadcast dimensions so that it has ``shape`` (a recorded op).

    Example:
        >>> import autograd_core as ac
        >>> ac.broadcast.sum_to(ac.ones(2, 3), (3,))
        tensor([2., 2., 2.])
    """
    if tuple(x.shape) == tuple(shape):
        return x
    from autograd_core.registry import get_op

    return get_op("sum_to").apply(x, shape=tuple(shape))
