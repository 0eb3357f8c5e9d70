"""Regression losses in functional form: squared, absolute, Huber, smooth L1, Gaussian and
Poisson NLL.

Each takes ``reduction='mean' | 'sum' | 'none'`` and is written with engine ops, so it is
differentiable twice. All but ``poisson_nll_loss`` refuse an input and target of different
shapes; it broadcasts them, as torch's does without a warning.
"""

from __future__ import annotations

import math
from typing import Any

import autograd_core as ac
from autograd_core.device import to_device
from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.tensor import Tensor
from nn.losses_common import (
    as_target,
    broadcast_shape,
    check_reduction,
    check_same_shape,
    legacy_reduction,
    reduce_loss,
)

__all__ = [
    "mse_loss",
    "l1_loss",
    "huber_loss",
    "smooth_l1_loss",
    "gaussian_nll_loss",
    "poisson_nll_loss",
]


def mse_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Mean squared error: ℓ = (x − y)², reduced; with ``weight``, w·(x − y)² and 'mean' is
    Σ w(x − y)² / Σ w (torch's rule; see ``weighted_loss``).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.mse_loss(ac.tensor([1.0, 3.0]), ac.tensor([0.0, 0.0]))
        tensor(5.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "mse_loss")
    input, target = ac.amp.cast_float32(input, target)  # float32 under amp.autocast
    target = as_target(target, input)
    check_same_shape(input, target, "mse_loss")
    d = input - target
    return weighted_loss(d * d, input, weight, reduction, "mse_loss")


def l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Mean absolute error: ℓ = |x − y|, reduced (subgradient 0 at x = y); with ``weight``,
    w·|x − y| and 'mean' is Σ w|x − y| / Σ w (torch's rule; see ``weighted_loss``)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "l1_loss")
    target = as_target(target, input)
    check_same_shape(input, target, "l1_loss")
    return weighted_loss(ac.abs(input - target), input, weight, reduction, "l1_loss")


def huber_loss(
    input: Tensor,
    target: Any,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Any = None,
) -> Tensor:
    """Huber loss: ½d² where |d| < δ, else δ(|d| − ½δ), with d = x − y; with ``weight``,
    w·ℓ, and 'mean' divides by the number of elements, not by Σ w (torch's rule, unlike
    ``mse_loss`` and ``l1_loss``)."""
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta!r}.")
    target = as_target(target, input)
    check_same_shape(input, target, "huber_loss")
    d = input - target
    a = ac.abs(d)
    loss = ac.where(a < delta, d * d * 0.5, (a - 0.5 * delta) * delta)
    return weighted_loss(loss, input, weight, reduction, "huber_loss", by_weight=False)


def weighted_loss(
    loss: Tensor,
    input: Tensor,
    weight: Any,
    reduction: str,
    name: str,
    by_weight: bool = True,
) -> Tensor:
    """``loss`` reduced, after multiplying by a per-element ``weight`` if one is given.

    The weight must have the input's exact shape (torch's rule: no broadcast, a ValueError
    otherwise; ours is the ShapeError subclass of ValueError). Weighted 'mean' is
    Σ w·ℓ / Σ w when ``by_weight`` (``mse_loss``, ``l1_loss``), else Σ w·ℓ / n (``huber_loss``).
    The weight is differentiable like any input.
    """
    if weight is None:
        return reduce_loss(loss, reduction, name)
    check_reduction(reduction, name)
    w = as_target(weight, input)
    if tuple(w.shape) != tuple(input.shape):
        raise ShapeError(
            f"{name}: weight of shape {tuple(w.shape)} must have the input's shape "
            f"{tuple(input.shape)} (one weight per element; torch does not broadcast it). "
            "Expand it first, e.g. weight.expand(input.shape)."
        )
    weighted = loss * w
    if reduction == "mean" and by_weight:
        return weighted.sum() / w.sum()
    return reduce_loss(weighted, reduction, name)


def smooth_l1_loss(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """Smooth L1: ½d²/β where |d| < β, else |d| − ½β (equals huber_loss / β; L1 for β = 0)."""
    reduction = legacy_reduction(size_average, reduce, reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta!r}.")
    target = as_target(target, input)
    check_same_shape(input, target, "smooth_l1_loss")
    d = input - target
    a = ac.abs(d)
    if beta == 0:
        return reduce_loss(a, reduction, "smooth_l1_loss")
    loss = ac.where(a < beta, d * d * (0.5 / beta), a - 0.5 * beta)
    return reduce_loss(loss, reduction, "smooth_l1_loss")


def gaussian_nll_loss(
    input: Tensor,
    target: Any,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of y under N(μ = input, σ² = var), the heteroscedastic
    regression loss: ℓ = ½ (log max(σ², ε) + (μ − y)² / max(σ², ε)) [+ ½ log 2π if ``full``].

    ``var`` has the input's shape, or that shape without its last axis, or with one axis of
    size 1, or is a Python number (PyTorch's rule: a (1, 1) tensor for an (N, C) input is
    refused).
    The clamp at ε is applied to the value only: the gradient passes through it unchanged
    (PyTorch's rule).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.gaussian_nll_loss(ac.tensor([0.0]), ac.tensor([0.0]), ac.tensor([1.0]))
        tensor(0.)
    """
    target = as_target(target, input)
    check_same_shape(input, target, "gaussian_nll_loss")
    number = isinstance(var, (int, float))
    var = as_target(var, input)
    if not number:
        var = _fit_var(var, input)
    if var.numel() and float(to_device(var.data.min(), "cpu")) < 0:  # explicit copy
        raise ValueError(
            "gaussian_nll_loss: var has negative entries; predict log-variance or "
            "pass it through softplus to keep it positive."
        )
    xp = var.xp
    # Clamp the value, keep the gradient: the shift is a constant.
    v = var + ac.as_tensor(xp.maximum(var.data, eps) - var.data)
    d = input - target
    loss = (v.log() + d * d / v) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction, "gaussian_nll_loss")


def _fit_var(var: Tensor, input: Tensor) -> Tensor:
    """var against input, by PyTorch's rule: the same shape, the input's shape without its
    last axis (given back with a size-1 last axis), or the input's shape with exactly one
    axis of size 1; anything else is a ShapeError (a (1, 1) var for an (N, C) input too)."""
    vs, xs = tuple(var.shape), tuple(input.shape)
    if vs == xs:
        return var
    if vs == xs[:-1]:
        return var.reshape(vs + (1,))
    if len(vs) == len(xs) and sum(v for v, x in zip(vs, xs) if v != x) == 1:
        return var
    raise ShapeError(
        f"gaussian_nll_loss: var of shape {vs} does not fit input of shape {xs}: give it the "
        "input's shape, the input's shape without its last axis, or the input's shape with one "
        "axis of size 1 (a Python number is one variance for all)."
    )


def poisson_nll_loss(
    input: Tensor,
    target: Any,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    r"""Negative log-likelihood of counts y under Poisson(λ), without the constant log y!:
    ℓ = e^x − y·x when ``input`` is x = log λ (``log_input``), else ℓ = λ − y·log(λ + ε).

    With ``full`` the Stirling approximation of log y! is added where y > 1 (0 elsewhere, as
    torch): y log y − y + ½ log(2πy). ``input`` and ``target`` broadcast (torch's rule). The
    target may require grad: its gradient is finite everywhere (torch's is NaN at y = 0 with
    ``full``, from 0 · log 0 behind its mask).

    .. math:: \ell = e^{x} - y x \;[+\; y \log y - y + \tfrac12 \log(2\pi y)]_{y > 1}

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.poisson_nll_loss(ac.tensor([0.0, 0.0]), ac.tensor([1.0, 3.0]), reduction="none")
        tensor([1., 1.])
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "poisson_nll_loss")
    name = "poisson_nll_loss"
    check_reduction(reduction, name)
    x = lift(input)
    y = as_target(target, x)
    if y.dtype.kind != "f":
        y = y.to(dtype=x.dtype)
    broadcast_shape(name, input=x, target=y)
    if log_input:
        loss = ac.exp(x) - y * x
    else:
        loss = x - y * ac.log(x + eps)
    if full:
        big = ac.as_tensor(y.data > 1)
        safe = ac.where(big, y, 1.0)  # no log 0 behind the mask, in the value or the gradient
        stirling = safe * ac.log(safe) - safe + 0.5 * ac.log(2 * math.pi * safe)
        loss = loss + ac.where(big, stirling, 0.0)
    return reduce_loss(loss, reduction, name)
