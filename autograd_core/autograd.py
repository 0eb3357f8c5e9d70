"""``ac.autograd``: the names PyTorch keeps under ``torch.autograd``, in one namespace.

``Function`` for custom differentiable functions, ``grad`` and ``backward``, the gradient
checks, ``detect_anomaly`` and the ``functional`` higher-order derivatives, so that code written
as ``torch.autograd.X`` runs as ``ac.autograd.X``.
"""

from __future__ import annotations

from autograd_core import functional
from autograd_core.anomaly import detect_anomaly
from autograd_core.autograd_function import Function, FunctionCtx, once_differentiable
from autograd_core.grad_mode import enable_grad, no_grad, set_grad_enabled
from autograd_core.gradcheck import gradcheck, gradgradcheck
from autograd_core.graph import backward, grad

__all__ = [
    "Function",
    "FunctionCtx",
    "once_differentiable",
    "grad",
    "backward",
    "gradcheck",
    "gradgradcheck",
    "detect_anomaly",
    "functional",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
]
