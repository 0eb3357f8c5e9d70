"""Utilities named as in ``torch.utils``: ``checkpoint`` (activation checkpointing), and
``data`` as an alias of ``nn.data`` (TensorDataset, DataLoader ...), so that ``from
autograd_core.utils.data import DataLoader`` works as ``from torch.utils.data import ...`` does.
``nn`` imports ``autograd_core``, so the alias resolves on first use (aliases.py)."""

from __future__ import annotations

import importlib
from typing import Any

from autograd_core.utils import checkpoint

__all__ = ["checkpoint"]


def __getattr__(name: str) -> Any:
    if name == "data":
        return importlib.import_module("autograd_core.utils.data")
    raise AttributeError(f"module 'autograd_core.utils' has no attribute {name!r}")
