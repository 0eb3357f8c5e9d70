"""The ``viz`` and ``trace`` subcommands (filled in by the visualisation work)."""

from __future__ import annotations

import argparse

__all__ = ["add_parsers"]


def add_parsers(subparsers: argparse._SubParsersAction) -> None:
    """Register the viz and trace subcommands on the main parser."""
