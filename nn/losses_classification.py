"""Classification losses in functional form: binary and multi-class cross-entropy, NLL and KL.

The losses over logits are stable for any finite logit: ``cross_entropy`` runs through the fused
``softmax_cross_entropy_index`` op for class indices (log-sum-exp shifted by the target's logit,
or the maximum where that would overflow) and ``softmax_cross_entropy`` for probabilities and
label smoothing (the maximum subtracted); ``binary_cross_entropy_with_logits`` uses
``log(1 + e^{−|x|}) + max(−x, 0)``.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.device import get_array_module, on_host
from autograd_core.errors import ShapeError
from autograd_core.ops.reduce import wide_dtype
from autograd_core.tensor import Tensor
from nn.index_checks import check_index_range, host_indices, poison
from nn.losses_common import (
    REDUCTIONS,
    as_target,
    check_same_shape,
    legacy_reduction,
    reduce_loss,
    sum_over,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "kl_div",
]


def _clamped_log(p: Tensor, *, of_complement: bool = False) -> Tensor:
    """max(log p, −100) (PyTorch's clamp), or max(log(1 − p), −100) computed as log1p(−p)
    with ``of_complement`` (exact for small p, where 1 − p rounds to 1), with a finite
    gradient everywhere.

    The gradient (1/p, or −1/(1 − p)) flows where the log is above −100 and its argument is a
    normal number, so that it cannot overflow (float32 p below 2.9e-39 would give 1/p = inf,
    and inf · σ'(x) stays inf through a sigmoid). Elsewhere the value is the constant
    max(log, −100) (−100 at 0) and the gradient 0: the clamp is flat there, and for a
    subnormal float32 p (σ(x) with x < −87.3) the loss lies between 87.3 and 100, where
    PyTorch's gradient is below 1e-26 anyway.
    """
    xp = p.xp
    data = p.data
    arg = 1.0 - data if of_complement else data  # exact near p = 1 (Sterbenz); masks only
    positive = arg > 0
    neutral = 0.0 if of_complement else 1.0  # a p whose log term is 0
    safe = xp.where(positive, data, neutral)  # no log 0 (and no warning)
    log_data = xp.log1p(-safe) if of_complement else xp.log(safe)
    live = positive & (log_data > -100) & (arg >= xp.finfo(data.dtype).tiny)
    clamped = xp.where(positive, xp.maximum(log_data, -100), -100).astype(data.dtype, copy=False)
    live_t = ac.as_tensor(live)
    safe_t = ac.where(live_t, p, neutral)
    log_t = ac.log1p(-safe_t) if of_complement else ac.log(safe_t)
    return ac.where(live_t, log_t, ac.as_tensor(clamped))


def binary_cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Binary cross-entropy of probabilities: ℓ = −w [y log p + (1 − y) log(1 − p)].

    Each log is clamped at −100 (PyTorch's rule), so p = 0 or 1 gives a finite loss. The
    gradient is the derivative of the loss as computed: 1/p (or 1/(1 − p)) where the log is
    not clamped, 0 where it is. After an accurate ``sigmoid``, −log σ(x) for x = −50 is 50 with
    gradient −1. PyTorch gives the same loss but a gradient of −1.9e-10 there: its backward
    divides by max(p (1 − p), 1e-12), which vanishes for |x| > 27.6. For p ≈ 1 nothing can
    help: 1 − σ(20) is 0 in float32 (loss 100 for target 0, as PyTorch). Prefer
    ``binary_cross_entropy_with_logits`` on raw scores: it is stable everywhere.
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "binary_cross_entropy")
    target = as_target(target, input)
    check_same_shape(input, target, "binary_cross_entropy")
    bad = None
    if not on_host(input.data):  # no sync: values outside [0, 1] give NaN (index_checks.py)
        bad = (input.data < 0) | (input.data > 1)
    elif input.numel():
        lo, hi = float(input.data.min()), float(input.data.max())
        if lo < 0 or hi > 1:
            raise ValueError(
                f"binary_cross_entropy: input must hold probabilities in [0, 1]; got values "
                f"from {lo:g} to {hi:g}. Apply a sigmoid first, or use "
                "binary_cross_entropy_with_logits."
            )
    log_p = _clamped_log(input)
    log_q = _clamped_log(input, of_complement=True)
    loss = -(target * log_p + (1.0 - target) * log_q)
    if bad is not None:
        loss = loss * ac.as_tensor(poison(input.xp.ones(input.shape, input.dtype), bad))
    if weight is not None:
        loss = loss * as_target(weight, input)
    return reduce_loss(loss, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy on logits: ℓ = −w [p_w · y log σ(x) + (1 − y) log(1 − σ(x))].

    Computed as (1 − y) x + (1 + (p_w − 1) y) (log1p(e^{−|x|}) + max(−x, 0)), which is finite
    and has a finite gradient for every finite x (±1e4 included); log1p keeps the small losses
    of confident right answers (e^{−20} at x = 20, y = 1, which log(1 + e^{−20}) rounds to 0).

    Args:
        pos_weight: weight of the positive examples, broadcast over the last axis (one per
            class); > 1 raises recall.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.binary_cross_entropy_with_logits(ac.tensor([1e4, -1e4]), ac.tensor([1.0, 1.0]))
        tensor(5000.)
    """
    reduction = legacy_reduction(
        size_average, reduce, reduction, "binary_cross_entropy_with_logits"
    )
    target = as_target(target, input)
    check_same_shape(input, target, "binary_cross_entropy_with_logits")
    softplus_neg = ac.log1p((-ac.abs(input)).exp()) + ac.relu(-input)  # = −log σ(x)
    if pos_weight is not None:
        pw = as_target(pos_weight, input)
        loss = (1.0 - target) * input + (target * (pw - 1.0) + 1.0) * softplus_neg
    else:
        loss = (1.0 - target) * input + softplus_neg
    if weight is not None:
        loss = loss * as_target(weight, input)
    return reduce_loss(loss, reduction, "binary_cross_entropy_with_logits")


def _class_last(x: Tensor) -> Tensor:
    """(N, C, d1, …) → (N·d1·…, C); (N, C) unchanged."""
    if x.ndim == 2:
        return x
    perm = (0,) + tuple(range(2, x.ndim)) + (1,)
    return x.permute(perm).reshape(-1, x.shape[1])


def _check_indices(name: str, idx: Any, n_classes: int, raw: Any, ignore_index: int) -> Any:
    """Refuse non-integer targets; check the range without a device sync (index_checks.py):
    host targets raise now, device targets give the mask of bad items (None on the host)."""
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"{name}: class-index targets must be integers, got dtype {idx.dtype}. Use "
            "target.long(), or pass class probabilities with the input's shape."
        )
    return check_index_range(
        name,
        "target class indices",
        idx,
        n_classes,
        host_indices(raw),
        "Check the number of output units of the model.",
        ignore=ignore_index,
        unit=f" for {n_classes} classes",
    )


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy between softmax(input) and the target, from raw logits (PyTorch's rules).

    ``input`` is (N, C), (C,) or (N, C, d1, …). ``target`` is either class indices of shape
    (N,) / (N, d1, …) or class probabilities of the input's shape. For indices,
    ℓᵢ = −w_{yᵢ} log softmax(xᵢ)_{yᵢ}; ``mean`` divides by Σᵢ w_{yᵢ} over non-ignored items.
    With label smoothing ε the target becomes (1 − ε)·onehot + ε/C. For probabilities,
    ℓᵢ = −Σ_c w_c t_ic log softmax(xᵢ)_c and ``mean`` divides by the number of items.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> logits = ac.tensor([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
        >>> round(F.cross_entropy(logits, ac.tensor([0, 2])).item(), 4)
        0.6342
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "cross_entropy")
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}."
        )
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing!r}."
        )
    (input,) = ac.amp.cast_float32(input)  # float32 under amp.autocast
    squeeze = input.ndim == 1
    if squeeze:
        input = input.reshape(1, -1)
    if input.ndim < 2:
        raise ShapeError(f"cross_entropy: input must be (N, C) or (C,), got {tuple(input.shape)}.")
    xp = input.xp
    n_classes = input.shape[1]
    z = _class_last(input)
    raw = target
    target = as_target(target, input)
    w = None if weight is None else as_target(weight, input).data
    if w is not None and tuple(w.shape) != (n_classes,):
        raise ShapeError(
            f"cross_entropy: weight must have one entry per class ({n_classes},), got "
            f"{tuple(w.shape)}."
        )
    eps = label_smoothing
    if target.dtype.kind == "f":  # class probabilities
        if tuple(target.shape) != tuple(input.shape if not squeeze else (n_classes,)):
            raise ShapeError(
                f"cross_entropy: probability targets must have the input's shape "
                f"{tuple(input.shape)}; got {tuple(target.shape)}. For class indices pass an "
                "integer tensor of shape (N,)."
            )
        t = _class_last(target.reshape(1, -1) if squeeze else target)
        if eps:
            t = t * (1.0 - eps) + eps / n_classes
        coeffs = t if w is None else t * ac.as_tensor(w.astype(z.dtype, copy=False))
        loss = ac.softmax_cross_entropy(z, coeffs)
        if reduction == "none":
            return loss.reshape(_item_shape(input, squeeze))
        # an empty batch's mean is 0/0 = NaN, as PyTorch's
        return loss.sum() if reduction == "sum" else sum_over(loss, z.shape[0])
    idx = target.data.reshape(-1)
    expected = (1,) if squeeze else (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) not in (expected, () if squeeze else expected):
        raise ShapeError(
            f"cross_entropy: class-index target of shape {tuple(target.shape)} does not fit "
            f"input of shape {tuple(input.shape)}; expected {expected}."
        )
    valid = idx != ignore_index
    bad = _check_indices("cross_entropy", idx, n_classes, raw, ignore_index)
    safe = xp.where(valid, idx, 0) if bad is None else xp.where(valid & ~bad, idx, 0)
    w_all = xp.ones(n_classes, z.dtype) if w is None else w.astype(z.dtype, copy=False)
    w_row = poison(w_all[safe] * valid, bad)  # weight of each item's true class, 0 if ignored
    nan_mean = _nan_mean(reduction, w_row, bad)
    if nan_mean:
        w_row = xp.where(valid, xp.nan, 0).astype(z.dtype)
    if eps:
        loss = _smoothed(z, safe, w_row, w_all, valid, bad, eps)
    else:  # NaN rows for out-of-range device targets come with w_row (index_checks.py)
        loss = ac.softmax_cross_entropy_index(z, ac.as_tensor(safe), ac.as_tensor(w_row))
    if reduction == "none":
        return loss.reshape(_item_shape(input, squeeze))
    if reduction == "sum":
        return loss.sum()
    if nan_mean:
        return loss.sum() + float("nan")
    return sum_over(loss, w_row.sum(dtype=wide_dtype(z.dtype)))


def _nan_mean(reduction: str, w_row: Any, bad: Any) -> bool:
    """True for a host 'mean' whose items' weights sum to 0 (all ignored, or zero class
    weights). PyTorch's loss is then NaN (0/0), and so is its gradient on the counted items,
    while the ignored ones get 0: the caller reproduces that by giving the counted items the
    weight NaN (no 0/0 computed, so no NumPy warning), and adds NaN to the sum. Device
    targets are not checked (a sync): their mean is the plain 0/0."""
    return reduction == "mean" and bad is None and on_host(w_row) and not w_row.any()


def _smoothed(z: Tensor, safe: Any, w_row: Any, w_all: Any, valid: Any, bad: Any, eps: float):
    """Per-item loss of class indices with label smoothing ε: the dense coefficients
    (1 − ε)·w_y·onehot + ε/C·w (0 on ignored rows) of ``softmax_cross_entropy``."""
    xp, n_classes = z.xp, z.shape[1]
    rows = xp.arange(safe.shape[0])
    coeffs = xp.zeros(z.shape, z.dtype)
    coeffs[rows, safe] = w_row * (1.0 - eps)
    coeffs += (eps / n_classes) * w_all[None, :] * valid[:, None]  # NaN rows stay NaN
    coeffs = poison(coeffs, bad)  # an out-of-range device target: NaN loss (index_checks.py)
    return ac.softmax_cross_entropy(z, ac.as_tensor(coeffs))


def _item_shape(input: Tensor, squeeze: bool) -> tuple[int, ...]:
    return () if squeeze else (input.shape[0],) + tuple(input.shape[2:])


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities: ℓᵢ = −w_{yᵢ} input[i, yᵢ]; ``mean``
    divides by Σᵢ w_{yᵢ} over non-ignored items. Use after ``log_softmax``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> logp = F.log_softmax(ac.tensor([[0.0, 0.0]]), dim=1)
        >>> round(F.nll_loss(logp, ac.tensor([1])).item(), 4)
        0.6931
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "nll_loss")
    if reduction not in REDUCTIONS:
        raise ValueError(f"nll_loss: reduction must be one of {REDUCTIONS}, got {reduction!r}.")
    squeeze = input.ndim == 1
    if squeeze:
        input = input.reshape(1, -1)
    xp = input.xp
    n_classes = input.shape[1]
    logp = _class_last(input)
    raw = target
    target = as_target(target, input)
    idx = target.data.reshape(-1)
    # the same rule as cross_entropy's: a target with the right count but the wrong shape
    # ((N, 1), or (d, N) for (N, C, d)) would pick the wrong entries without an error
    expected = _item_shape(input, squeeze)
    if tuple(target.shape) not in (expected, (1,) if squeeze else expected):
        raise ShapeError(
            f"nll_loss: class-index target of shape {tuple(target.shape)} does not fit input of "
            f"shape {tuple(input.shape)}; expected {expected}: one class index per item "
            "(reshape the target, e.g. target.reshape(-1) for an (N, 1) column)."
        )
    valid = idx != ignore_index
    bad = _check_indices("nll_loss", idx, n_classes, raw, ignore_index)
    safe = xp.where(valid, idx, 0) if bad is None else xp.where(valid & ~bad, idx, 0)
    w_all = xp.ones(n_classes, logp.dtype) if weight is None else as_target(weight, input).data
    w_row = poison((w_all[safe] * valid).astype(logp.dtype, copy=False), bad)
    nan_mean = _nan_mean(reduction, w_row, bad)
    if nan_mean:
        w_row = xp.where(valid, xp.nan, 0).astype(logp.dtype)
    picked = logp[xp.arange(idx.shape[0]), safe]
    loss = -picked * ac.as_tensor(w_row)
    if reduction == "none":
        return loss.reshape(_item_shape(input, squeeze))
    if reduction == "sum":
        return loss.sum()
    if nan_mean:
        return loss.sum() + float("nan")
    return sum_over(loss, w_row.sum(dtype=wide_dtype(logp.dtype)))


def kl_div(
    input: Tensor,
    target: Any,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback–Leibler divergence with ``input`` = log q and ``target`` = p (or log p when
    ``log_target``): ℓ = p (log p − log q), with 0 · log 0 = 0.

    ``reduction='batchmean'`` divides the sum by the batch size (the true KL divergence);
    ``'mean'`` averages over all elements (PyTorch's default, kept for compatibility).

    The target's gradient at p = 0 (without ``log_target``) is −log q: 0 · log 0 is taken as
    the constant 0 there. PyTorch's is NaN (the derivative of its xlogy(p, p) at 0).
    """
    reduction = legacy_reduction(size_average, reduce, reduction, "kl_div")
    target = as_target(target, input)
    check_same_shape(input, target, "kl_div")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        xp = get_array_module(target.data)
        positive = ac.as_tensor(target.data > 0)
        safe = ac.where(positive, target, ac.as_tensor(xp.ones((), target.dtype)))
        loss = ac.where(positive, target * safe.log(), 0.0) - target * input
    if reduction == "batchmean":
        return sum_over(loss, input.shape[0] if input.ndim else 1)
    return reduce_loss(loss, reduction, "kl_div")
