"""Pieces shared by the command-line subcommands: loading user code and parsing shapes."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

__all__ = ["CLIError", "load_object", "parse_shape"]


class CLIError(Exception):
    """A user error on the command line: printed as one line, exit status 2."""


def load_object(spec: str) -> Any:
    """Import ``package.module:attribute`` (the current directory is importable)."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise CLIError(f"expected MODULE:NAME such as mypkg.models:make_net, got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as e:  # ImportError, or an error raised while importing user code
        raise CLIError(f"cannot import {module_name!r}: {type(e).__name__}: {e}") from e
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise CLIError(f"module {module_name!r} has no attribute {attr!r}") from None
    return obj


def parse_shape(text: str) -> tuple[int, ...]:
    """``"3,4"`` → (3, 4); ``""`` or ``"()"`` → () for a scalar."""
    text = text.strip().strip("()[] ")
    if not text:
        return ()
    try:
        shape = tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise CLIError(
            f"bad shape {text!r}: expected comma-separated integers such as 3,4"
        ) from None
    if any(d < 0 for d in shape):
        raise CLIError(f"bad shape {text!r}: dimensions must be non-negative")
    return shape
