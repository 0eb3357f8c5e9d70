"""Gradient clipping by global norm and by value, in place on ``p.grad``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from autograd_core.device import device_of, get_array_module, to_device
from autograd_core.tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Any]:
    """Return the gradient arrays of the parameters that have one."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad.data for p in parameters if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | str = 2.0,
    error_if_nonfinite: bool = False,
) -> float | Tensor:
    r"""Scale all gradients together so that their joint p-norm is at most ``max_norm``.

    The total norm is the p-norm of all gradients concatenated into one vector,
    ‖g‖_p = (Σ_i ‖g_i‖_p^p)^{1/p} (for p = ∞, the largest |g| entry). Every gradient is then
    multiplied by min(1, max_norm / (‖g‖_p + 10⁻⁶)), so the direction of the update is kept
    and only its length is capped (Pascanu, Mikolov & Bengio, `On the difficulty of training
    recurrent neural networks <https://arxiv.org/abs/1211.5063>`_, 2013).

    Args:
        parameters: a Tensor or an iterable of Tensors; those without a gradient are skipped.
        max_norm: the largest allowed total norm.
        norm_type: p, a positive number or ``float("inf")`` / ``"inf"`` (default: 2).
        error_if_nonfinite: raise instead of scaling when the total norm is NaN or infinite.

    Returns:
        The total norm of the gradients before clipping, as a Python float (PyTorch returns a
        0-d tensor; ``float()`` of it gives the same number). 0.0 when no parameter has a grad.
        For gradients on a CUDA device it is a 0-d Tensor on that device, as in PyTorch:
        reading a float would wait for the device in every step (unless
        ``error_if_nonfinite``, which has to read it).

    Raises:
        RuntimeError: ``error_if_nonfinite`` and the total norm is NaN or infinite.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils import clip_grad_norm_
        >>> w = ac.tensor([0.0, 0.0], dtype=ac.float64, requires_grad=True)
        >>> w.grad = ac.tensor([3.0, 4.0], dtype=ac.float64)
        >>> clip_grad_norm_([w], max_norm=1.0)
        5.0
        >>> w.grad.data.round(6)
        array([0.6, 0.8])
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return 0.0
    xp = get_array_module(grads[0])
    if math.isinf(norm_type):
        norms = [xp.abs(g).max() if g.size else xp.zeros((), g.dtype) for g in grads]
        total = xp.max(xp.stack(norms))
    else:
        norms = [_vector_norm(xp, g, norm_type) for g in grads]
        total = _vector_norm(xp, xp.stack(norms), norm_type)
    if device_of(total).type != "cpu" and not error_if_nonfinite:
        # on a device: scale there and return the norm there, without waiting for it
        coef = xp.minimum(float(max_norm) / (total + 1e-6), 1.0)
        for g in grads:
            g *= coef.astype(g.dtype, copy=False)
        return Tensor(total)
    total_norm = float(to_device(total, "cpu"))
    if error_if_nonfinite and not math.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    coef = min(float(max_norm) / (total_norm + 1e-6), 1.0)
    for g in grads:
        g *= coef
    return total_norm


def _vector_norm(xp: Any, x: Any, p: float) -> Any:
    """The p-norm of all entries of ``x`` (p > 0, finite)."""
    if p == 2.0:
        return xp.sqrt(xp.vdot(x.ravel(), x.ravel()))
    if p == 1.0:
        return xp.abs(x).sum()
    return (xp.abs(x) ** p).sum() ** (1.0 / p)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient entry into [−clip_value, clip_value], in place.

    Args:
        parameters: a Tensor or an iterable of Tensors; those without a gradient are skipped.
        clip_value: the largest allowed magnitude of a gradient entry.

    Example:
        >>> import autograd_core as ac
        >>> from nn.utils import clip_grad_value_
        >>> w = ac.tensor([0.0, 0.0, 0.0], dtype=ac.float64, requires_grad=True)
        >>> w.grad = ac.tensor([-3.0, 0.5, 4.0], dtype=ac.float64)
        >>> clip_grad_value_(w, 1.0)
        >>> w.grad.data
        array([-1. ,  0.5,  1. ])
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        xp = get_array_module(g)
        xp.clip(g, -clip_value, clip_value, out=g)
