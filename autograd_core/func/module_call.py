"""``functional_call`` as ``torch.func`` names it; the work is done in ``nn.utils.stateless``,
imported on first use (``nn`` imports ``autograd_core``, so the engine cannot import it when it
loads)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from autograd_core.tensor import Tensor

__all__ = ["functional_call"]


def functional_call(
    module: Any,
    parameter_and_buffer_dicts: dict[str, Tensor] | Sequence[dict[str, Tensor]],
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """``module(*args, **kwargs)`` with the given tensors in place of its parameters and
    buffers, restored afterwards (``torch.func.functional_call``; see
    ``nn.utils.stateless.functional_call`` for the arguments).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.Linear(2, 1, bias=False)
        >>> ac.func.functional_call(layer, {"weight": ac.tensor([[1.0, 2.0]])}, ac.ones(1, 2))
        tensor([[3.]])
    """
    stateless = importlib.import_module("nn.utils.stateless")
    return stateless.functional_call(
        module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict
    )
