"""Gather and scatter: take_along_axis/gather, index_select, scatter_add, index_add."""

from __future__ import annotations

__all__: list[str] = []
