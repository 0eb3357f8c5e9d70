"""Covariance and correlation matrices of variables observed together: cov and corrcoef, as
``torch.cov`` and ``torch.corrcoef`` (rows are variables, columns observations).

Composites of recorded ops (``mean``/``sum``, ``matmul``, ``sqrt``, ``clip``), so gradients of
any order are those ops'; they hold the centred observations (``matmul``'s operands).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.binary import where
from autograd_core.ops.common import const, lift
from autograd_core.ops.diagonals import diagonal
from autograd_core.ops.linalg import matmul
from autograd_core.ops.powers import sqrt
from autograd_core.ops.unary import clip
from autograd_core.tensor import Tensor

__all__ = ["cov", "corrcoef"]


def _weights(name: str, w: Any, x: Tensor, integral: bool) -> Tensor:
    """``fweights`` (integers) or ``aweights`` (floats): ≤ 1-D, one per observation, ≥ 0."""
    w = lift(w, x)
    kinds, want = ("iu", "an integer") if integral else ("f", "a floating-point")
    if w.dtype.kind not in kinds:
        raise DTypeError(f"cov: {name} must have {want} dtype, got {w.dtype}. Convert it first.")
    if w.ndim > 1 or w.numel() != x.shape[1]:
        raise ShapeError(
            f"cov: {name} must be 0-d or 1-D with one entry per observation ({x.shape[1]}); got "
            f"shape {tuple(w.shape)}. Pass a 1-D tensor of length {x.shape[1]}."
        )
    if bool(to_device((w.data < 0).any(), "cpu")):
        raise ValueError(f"cov: {name} must be non-negative; got a negative entry.")
    return w.reshape(-1).to(dtype=x.dtype)


def cov(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    *,
    correction: int = 1,
    fweights: Any = None,
    aweights: Any = None,
) -> Tensor:
    r"""The covariance matrix of the variables in the rows of ``input`` (a 1-D input is one
    variable), as ``torch.cov``.

    With weights w = fweights · aweights (each 1 when absent) over the N observations,
    x̄ = Σ w_i x_i / Σ w and C = (x − x̄) diag(w) (x − x̄)ᵀ / f, where f = Σ w − c for
    ``correction`` c without aweights, and f = Σ w − c Σ(w · aweights) / Σ w with them. For f
    ≤ 0 PyTorch warns and divides by 0 (inf, NaN for a zero entry); so does this. One variable
    gives a 0-d Tensor. Integer input is taken as float32.

    Raises:
        ShapeError: more than 2 dimensions, or weights of the wrong size.
        DTypeError: non-integer fweights or non-float aweights.
        ValueError: negative weights.

    Example:
        >>> import autograd_core as ac
        >>> ac.cov(ac.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    x = lift(input)
    if x.ndim > 2:
        raise ShapeError(
            f"cov: input must have at most 2 dimensions (variables x observations); got shape "
            f"{tuple(x.shape)}. Reshape it to (variables, observations)."
        )
    if x.dtype.kind not in "fc":
        x = x.to(dtype="float32")
    x = x.reshape(1, -1) if x.ndim < 2 else x
    f = _weights("fweights", fweights, x, True) if fweights is not None else None
    a = _weights("aweights", aweights, x, False) if aweights is not None else None
    w = f if a is None else (a if f is None else f * a)
    if w is None:
        total: Any = float(x.shape[1])
        centred = x - x.mean(1, keepdim=True) if x.shape[1] else x
        factor = total - correction
    else:
        total = w.sum()
        centred = x - (x * w).sum(1, keepdim=True) / total
        factor = total - correction if a is None else total - correction * (w * a).sum() / total
    weighted = centred if w is None else centred * w
    product = matmul(weighted, centred.T)
    factor_value = float(factor if isinstance(factor, float) else to_device(factor.data, "cpu"))
    if factor_value > 0:
        c = product / factor
    else:
        warnings.warn("cov: degrees of freedom <= 0; dividing by 0.", stacklevel=2)
        p = product.data
        xp = x.xp
        c = const(xp.where(p > 0, math.inf, xp.where(p < 0, -math.inf, math.nan)).astype(p.dtype))
    return c.reshape(()) if c.shape == (1, 1) else c


def corrcoef(input: Tensor) -> Tensor:  # noqa: A002  (PyTorch's name)
    """Pearson correlation coefficients R_ij = C_ij / √(C_ii C_jj) of the variables in the rows
    of ``input``, from ``cov`` (correction 1), clipped to [−1, 1], as ``torch.corrcoef``. One
    variable gives C / C (1, or NaN for a constant).

    Raises:
        ShapeError: more than 2 dimensions.

    Example:
        >>> import autograd_core as ac
        >>> ac.corrcoef(ac.tensor([[0.0, 1.0, 2.0], [1.0, 3.0, 2.0]]))
        tensor([[1. , 0.5],
                [0.5, 1. ]])
    """
    c = cov(input)
    if c.ndim == 0:
        zero = c.data == 0
        return c / where(const(zero), math.nan, c) if bool(to_device(zero, "cpu")) else c / c
    s = sqrt(diagonal(c))
    return clip(c / s.reshape(-1, 1) / s.reshape(1, -1), -1, 1)
