"""Out-of-place copies with PyTorch's names: clone, contiguous and masked_fill."""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift
from autograd_core.ops.shape import astype
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["clone", "contiguous", "masked_fill"]


@register_op("clone", array_vjp=True, saves_inputs=False)
class Clone(Op):
    r"""y = a copy of x in a new C-contiguous array. VJP: x̄ = ȳ (the identity, passed on as
    is, so a recorded backward stays differentiable). Saves nothing and never reads x
    (``saves_inputs=False``). Does not broadcast.
    """

    def forward(self, x: Any) -> Any:
        return x.copy()  # (C order on NumPy and CuPy alike)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (gy,)


def clone(x: Tensor) -> Tensor:
    """A copy of x that is part of the graph: gradients flow back to x unchanged, and writing
    into the copy (under ``no_grad``) leaves x as it was.

    Unlike PyTorch's ``clone``, which keeps x's strides, the copy is always C-contiguous.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0], requires_grad=True)
        >>> y = x.clone()
        >>> (y * y).sum().backward()
        >>> x.grad, y.data is x.data
        (tensor([2., 4.]), False)
    """
    return Clone.apply(lift(x))


def contiguous(x: Tensor) -> Tensor:
    """x itself when its array is C-contiguous, else a C-contiguous ``clone`` (recorded, so
    gradients flow back), as ``torch.Tensor.contiguous``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.ones(2, 3)
        >>> x.contiguous() is x, x.T.contiguous().is_contiguous()
        (True, True)
    """
    x = lift(x)
    if x.data.flags.c_contiguous:
        return x
    return Clone.apply(x)


def masked_fill(x: Tensor, mask: Any, value: Any) -> Tensor:
    """x with ``value`` wherever the boolean ``mask`` is true, out of place (PyTorch's
    ``masked_fill``): ``where(mask, value, x)``, with x's dtype.

    ``mask`` and x broadcast against each other (the result has the broadcast shape, as in
    PyTorch); ``value`` is a number or a 0-d tensor, cast to x's dtype. Gradients: x̄ = ȳ where
    the mask is false, 0 where true; for a tensor ``value``, value̅ = Σ ȳ over the filled
    entries. Built from the ``where`` and ``astype`` ops, so it is differentiable to any order.

    Raises:
        DTypeError: ``mask`` is not boolean.
        ShapeError: ``value`` is a tensor with dimensions, or ``mask`` and x do not broadcast.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0])
        >>> x.masked_fill(x > 1.5, 0.0)
        tensor([1., 0., 0.])
    """
    x = lift(x)
    mask = lift(mask)
    if mask.dtype.kind != "b":
        raise DTypeError(
            f"masked_fill: the mask must be boolean, got dtype {mask.dtype} (shape "
            f"{tuple(mask.shape)}). Pass a comparison such as x > 0, or mask.astype(bool)."
        )
    if isinstance(value, Tensor):
        if value.ndim:
            raise ShapeError(
                f"masked_fill: value must be a number or a 0-d tensor, got a tensor of shape "
                f"{tuple(value.shape)}. Use ac.where(mask, value, x) to fill from a tensor."
            )
        fill = astype(value, x.dtype)
    else:
        fill = Tensor._make(x.xp.asarray(value).astype(x.dtype), False, None)
    return where(mask, fill, x)
