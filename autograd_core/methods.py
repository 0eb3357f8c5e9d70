"""Method forms of the ops on Tensor (``x.exp()``): each is the same function as ``ac.exp``."""

from __future__ import annotations

from autograd_core import ops
from autograd_core.tensor import Tensor

__all__ = ["attach_methods"]

# Public op functions whose first argument is a tensor become Tensor methods under the same name.
# Functions that build tensors from several inputs (cat, stack, where, einsum) stay functions.
_NOT_METHODS = {"where", "cat", "concatenate", "stack", "einsum", "to_device", "sum_to"}


def attach_methods() -> None:
    """Install every public op function (except the multi-input builders) as a Tensor method."""
    for name in ops.__all__:
        if name in _NOT_METHODS or name.startswith("_"):
            continue
        if not hasattr(Tensor, name) or getattr(Tensor, name) is None:
            setattr(Tensor, name, getattr(ops, name))
