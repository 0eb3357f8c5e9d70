"""Reductions that skip NaNs (nansum, nanmean) and the paired statistics var_mean, std_mean.

All four are composites of recorded ops (``where``, ``sum``, ``mean``, ``var``, ``std``), so
their gradients, second order included, come from those ops: a NaN element gets a zero
gradient from nansum and nanmean (NaN across an all-NaN slice of nanmean), as in PyTorch.
nansum and nanmean hold a boolean mask of the input's size (``where``'s) until backward; the
others hold what ``var``, ``std`` and ``mean`` save. One difference from PyTorch, whose
nansum VJP multiplies by the mask: a NaN or inf incoming gradient reaches a NaN element of
nansum here as 0, there as NaN.
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError
from autograd_core.ops.binary import where
from autograd_core.ops.reduce import mean, reduced_count, reduction_args
from autograd_core.ops.reduce import sum as _sum
from autograd_core.ops.statistics import std, var
from autograd_core.tensor import Tensor

__all__ = ["nansum", "nanmean", "var_mean", "std_mean"]


def nansum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum over ``dim`` treating NaN as zero; NaN elements get a zero gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, float("nan"), 2.0]).nansum()
        tensor(3.)
    """
    x, axes, keep = reduction_args("nansum", x, dim, keepdim, None, None)
    kept = where(x != x, 0, x)  # x != x exactly at the NaNs
    return _sum(kept, axes, keep, dtype=dtype)


def nanmean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean over ``dim`` of the non-NaN elements (NaN where a slice has none); NaN elements get
    a zero gradient. Floating-point input only, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, float("nan")], [2.0, 4.0]]).nanmean(dim=1)
        tensor([1., 3.])
    """
    x, axes, keep = reduction_args("nanmean", x, dim, keepdim, None, None)
    if dtype is not None:
        x = x.to(dtype=dtype)
    if x.dtype.kind not in "fc":
        raise DTypeError(
            f"nanmean: input must be floating point. Got dtype {x.dtype}. "
            "Convert it first, e.g. x.double()."
        )
    present = x == x  # a bool Tensor: the count is not differentiated
    # An all-NaN slice keeps its NaNs, so its mean and (as in PyTorch) its gradient are NaN.
    some = _sum(present, axes, True) > 0
    total = _sum(where(~present & some, 0, x), axes, keep)
    count = _sum(present, axes, keep, dtype=x.dtype)
    return total / where(count == 0, float("nan"), count)  # NaN / NaN: no 0/0 warning


def var_mean(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool = False,
    unbiased: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """``(var(x, dim, correction), mean(x, dim))`` in one call, as ``torch.var_mean``;
    ``unbiased`` (PyTorch's older spelling) is correction 1 (True) or 0 (False).

    Example:
        >>> import autograd_core as ac
        >>> ac.var_mean(ac.tensor([1.0, 2.0, 3.0, 4.0]))
        (tensor(1.6666666), tensor(2.5))
    """
    x, axes, keep = reduction_args("var_mean", x, dim, keepdim, None, None)  # errors name var_mean
    c = _checked_correction("var_mean", correction, unbiased)
    return var(x, axes, correction=c, keepdim=keep), _mean(x, axes, keep)


def std_mean(
    x: Tensor,
    dim: Any = None,
    *,
    correction: int | None = None,
    keepdim: bool = False,
    unbiased: bool | None = None,
) -> tuple[Tensor, Tensor]:
    """``(std(x, dim, correction), mean(x, dim))`` in one call, as ``torch.std_mean``;
    ``unbiased`` as in ``var_mean``.

    Example:
        >>> import autograd_core as ac
        >>> ac.std_mean(ac.tensor([[1.0, 3.0], [2.0, 2.0]]), dim=1, correction=0)
        (tensor([1., 0.]), tensor([2., 2.]))
    """
    x, axes, keep = reduction_args("std_mean", x, dim, keepdim, None, None)  # errors name std_mean
    c = _checked_correction("std_mean", correction, unbiased)
    return std(x, axes, correction=c, keepdim=keep), _mean(x, axes, keep)


def _mean(x: Tensor, axes: tuple[int, ...] | None, keep: bool) -> Tensor:
    """``mean``, but NaN for an empty slice without NumPy's warning, as torch.var_mean."""
    if reduced_count(x.shape, axes) == 0:
        return _sum(x, axes, keep) * float("nan")  # 0 · NaN: quiet, and an empty gradient
    return mean(x, axes, keep)


def _checked_correction(op: str, correction: Any, unbiased: Any) -> int:
    """``correction`` (None: 1, or ``unbiased``) as ``var`` takes it, checked here so errors
    name ``op``."""
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{op}: pass correction or unbiased, not both.")
        correction = 1 if unbiased else 0
    c = 1 if correction is None else correction
    if isinstance(c, bool) or not isinstance(c, int) or c < 0:
        raise ValueError(
            f"{op}: correction must be a non-negative int, got {c!r}. Use 1 for the unbiased "
            "estimate or 0 for the population value."
        )
    return c
