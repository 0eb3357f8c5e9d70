"""Quantiles along an axis: quantile and nanquantile, with PyTorch's five interpolations.

Composites of ``sort`` (NaN last), ``take_along_axis`` and constant weights: the q-th quantile
of a sorted slice s of n entries sits at rank r = q (n − 1), and is s[⌊r⌋] + (r − ⌊r⌋)
(s[⌈r⌉] − s[⌊r⌋]) (``linear``). The gradient goes to the two entries it interpolates
(weights 1 − w and w), through sort's scatter; the second derivative is 0. The graph holds
sort's indices and the picked ranks.
"""

from __future__ import annotations

import builtins
from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.common import const, lift, normalize_axis
from autograd_core.ops.indexing import take_along_axis
from autograd_core.ops.sorting import sort
from autograd_core.ops.views import movedim
from autograd_core.tensor import Tensor

__all__ = ["quantile", "nanquantile"]

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _q_values(op: str, q: Any, x: Tensor) -> tuple[Any, bool]:
    """q as a 1-D float64 array on x's device, and whether q was a scalar (0-d)."""
    if isinstance(q, Tensor):
        if q.dtype != x.dtype:
            raise DTypeError(
                f"{op}: q must have the input's dtype; got q {q.dtype} and input {x.dtype}. "
                "Convert it, e.g. q.to(x.dtype)."
            )
        if q.ndim > 1:
            raise ShapeError(
                f"{op}: q must be a number, a 0-d or a 1-D tensor; got shape {tuple(q.shape)}. "
                "Flatten it first."
            )
        scalar, values = q.ndim == 0, q.data.reshape(-1).astype(x.xp.float64)
    elif isinstance(q, (int, float)) and not isinstance(q, builtins.bool):
        scalar, values = True, x.xp.full((1,), float(q))
    else:
        raise TypeError(f"{op}: q must be a float or a Tensor, got {type(q).__name__}.")
    host = to_device(values, "cpu")
    if not ((host >= 0) & (host <= 1)).all():
        raise ValueError(f"{op}: q values must be in [0, 1]; got {host.tolist()}.")
    return values, scalar


def _quantile(
    op: str, x: Any, q: Any, dim: Any, keepdim: bool, interpolation: str, skip_nan: bool
) -> Tensor:
    x = lift(x)
    if x.dtype.kind != "f":
        raise DTypeError(
            f"{op}: input must be floating point. Got dtype {x.dtype}. Convert it first, "
            "e.g. x.double()."
        )
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"{op}: interpolation must be one of {', '.join(_INTERPOLATIONS)}; "
            f"got {interpolation!r}."
        )
    qs, scalar = _q_values(op, q, x)
    if x.numel() == 0:
        raise ShapeError(f"{op}: input must be non-empty; got shape {tuple(x.shape)}.")
    xp = x.xp
    if dim is None:
        rows, out_shape = x.reshape(-1), (1,) * x.ndim if keepdim else ()
    else:
        (d,) = normalize_axis(op, int(dim), x.shape, word="dim")
        rows = movedim(x, d, -1) if x.ndim else x.reshape(1)
        kept = tuple(1 if k == d else s for k, s in enumerate(x.shape))
        out_shape = kept if keepdim else tuple(s for k, s in enumerate(x.shape) if k != d)
    ranks = _ranks(xp, rows.data, qs, skip_nan)  # (Q,) + batch + (1,)
    s = sort(rows, -1).values.reshape((1,) + rows.shape)
    lower, upper = xp.floor(ranks), xp.ceil(ranks)
    if interpolation in ("lower", "higher", "nearest"):
        at = {"lower": lower, "higher": upper, "nearest": xp.round(ranks)}[interpolation]
        y = take_along_axis(s, at.astype(xp.int64), -1)
    else:
        y_lo = take_along_axis(s, lower.astype(xp.int64), -1)
        y_hi = take_along_axis(s, upper.astype(xp.int64), -1)
        w = ranks - lower if interpolation == "linear" else xp.full(ranks.shape, 0.5)
        y = y_lo + const(w.astype(x.dtype)) * (y_hi - y_lo)
    return y.reshape(out_shape if scalar else (qs.shape[0],) + out_shape)


def _ranks(xp: Any, rows: Any, qs: Any, skip_nan: bool) -> Any:
    """The fractional position q (m − 1) in each sorted row of m entries: m counts only the
    non-NaN entries with ``skip_nan`` (an all-NaN row: rank 0, a NaN); otherwise a row with a
    NaN gets the last rank, where its NaN sorts."""
    nan = xp.isnan(rows)
    n = rows.shape[-1]
    q = qs.reshape((-1,) + (1,) * rows.ndim)
    if skip_nan:
        ranks = q * xp.maximum(n - 1.0 - nan.sum(axis=-1, keepdims=True), 0.0)
    else:
        has_nan = nan.any(axis=-1, keepdims=True)
        ranks = q * (n - 1.0) * ~has_nan + (n - 1.0) * has_nan
    return xp.broadcast_to(ranks, q.shape[:1] + rows.shape[:-1] + (1,))


def quantile(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    q: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
) -> Tensor:
    """The q-th quantiles along ``dim`` (over all entries when None), as ``torch.quantile``.

    With n entries sorted ascending, the quantile sits at rank r = q (n − 1), between the
    entries i = ⌊r⌋ and j = ⌈r⌉; ``interpolation`` picks ``linear`` (s_i + (r − i)(s_j − s_i)),
    ``lower`` (s_i), ``higher`` (s_j), ``midpoint`` ((s_i + s_j) / 2) or ``nearest`` (s at r
    rounded half to even). ``q`` is a float or a 0-d/1-D tensor of x's dtype with values in
    [0, 1]; a 1-D q puts its axis first in the result. A slice with a NaN gives NaN. The
    gradient goes to the entries interpolated (none to q).

    Raises:
        DTypeError: a non-float input, or q of another dtype.
        ValueError: q outside [0, 1], or an unknown interpolation.
        ShapeError: an empty input, q of more than 1 dimension, or ``dim`` out of range.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[1.0, 2.0, 3.0, 4.0], [8.0, 6.0, 7.0, 5.0]])
        >>> x.quantile(0.5, dim=1), x.quantile(0.5, dim=1, interpolation="lower")
        (tensor([2.5, 6.5]), tensor([2., 6.]))
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, skip_nan=False)


def nanquantile(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    q: Any,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation: str = "linear",
) -> Tensor:
    """``quantile`` of the non-NaN entries of each slice, as ``torch.nanquantile``: the rank is
    q (m − 1) with m the count of non-NaN entries; an all-NaN slice gives NaN.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, float("nan"), 3.0]).nanquantile(0.5)
        tensor(2.)
    """
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, skip_nan=True)
