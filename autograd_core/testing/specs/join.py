"""OpSpecs of ops/join.py."""

from __future__ import annotations
