"""Activation functions and normalised exponentials: sigmoid, the ReLU family, GELU, SiLU, softplus, softmax, log_softmax."""

from __future__ import annotations

__all__: list[str] = []
