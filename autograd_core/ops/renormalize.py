"""``renorm``: each slice along one dimension scaled down to a largest p-norm, with PyTorch's
rule and epsilon; a composite of the p-norm op, ``where`` and ``mul``."""

from __future__ import annotations

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.statistics import norm
from autograd_core.tensor import Tensor

__all__ = ["renorm"]

# PyTorch's renorm divides by (norm + 1e-7), so a slice is scaled to a norm just below maxnorm
EPS = 1e-7


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:  # noqa: A002
    """``input`` with every slice ``input.select(dim, i)`` whose p-norm exceeds ``maxnorm``
    scaled by maxnorm / (norm + 1e-7), the others unchanged (``torch.renorm``; the 1e-7 is
    PyTorch's, so a scaled slice ends with a norm just below maxnorm). p may be any p > 0 or
    inf.

    The gradient is that of the whole expression, the norm's dependence on the input included
    (as PyTorch's renorm backward); a slice at or below maxnorm passes its gradient unchanged.

    Raises:
        ShapeError: fewer than 2 dimensions (as PyTorch), or ``dim`` out of range.
        DTypeError: a bool or integer input.
        ValueError: p ≤ 0 or maxnorm < 0.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[3.0, 4.0], [0.3, 0.4]])
        >>> ac.renorm(x, 2, 0, 1.0)  # the first row had norm 5
        tensor([[0.6, 0.8],
                [0.3, 0.4]])
    """
    x = lift(input)
    if x.ndim < 2:
        raise ShapeError(
            f"renorm: input needs at least 2 dimensions (slices along dim), got shape "
            f"{tuple(x.shape)}. For one vector v, use v.unsqueeze(0) and dim=0."
        )
    if x.dtype.kind != "f":
        raise DTypeError(
            f"renorm: needs a floating-point tensor; got dtype {x.dtype}. Convert it first, "
            "e.g. x.float()."
        )
    p, maxnorm = float(p), float(maxnorm)
    if not p > 0:
        raise ValueError(
            f"renorm: p must be positive (non-positive norms are not supported), got {p}."
        )
    if not maxnorm >= 0:
        raise ValueError(f"renorm: maxnorm must be >= 0, got {maxnorm}.")
    (d,) = normalize_axis("renorm", int(dim), x.shape, word="dim")
    others = tuple(a for a in range(x.ndim) if a != d)
    norms = norm(x, p, dim=others, keepdim=True)  # one per slice, kept for broadcasting
    factor = where(norms > maxnorm, maxnorm / (norms + EPS), 1.0)
    return x * factor
