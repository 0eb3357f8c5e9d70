"""Utilities named as in ``torch.utils``: ``checkpoint`` (activation checkpointing)."""

from __future__ import annotations

from autograd_core.utils import checkpoint

__all__ = ["checkpoint"]
