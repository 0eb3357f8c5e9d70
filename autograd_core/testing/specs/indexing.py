"""OpSpecs of ops/indexing.py."""

from __future__ import annotations
