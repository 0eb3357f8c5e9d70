"""Ops that join or split tensors: cat/concatenate, stack, split, chunk."""

from __future__ import annotations

__all__: list[str] = []
