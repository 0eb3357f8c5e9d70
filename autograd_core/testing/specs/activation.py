"""OpSpecs of ops/activation.py."""

from __future__ import annotations
