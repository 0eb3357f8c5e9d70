"""Pieces shared by the command-line subcommands: the parser, argument types, loading user code
and parsing shapes."""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from typing import Any, NoReturn

__all__ = [
    "CLIError",
    "check_device",
    "Parser",
    "load_object",
    "parse_shape",
    "table",
    "nonneg_int",
    "positive_int",
    "positive_float",
    "nonneg_float",
]


class CLIError(Exception):
    """A user error on the command line: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr (exit status 2) that points
    to ``--help``, instead of the usage block followed by the error."""

    def error(self, message: str) -> NoReturn:
        """Print ``PROG: error: MESSAGE (see PROG --help)`` and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _number(text: str, kind: type, low: float, strict: bool, what: str) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not (math.isfinite(value) and (value > low if strict else value >= low)):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def nonneg_int(text: str) -> int:
    """An argparse type: an integer ≥ 0 (a seed, a count, 0 meaning no limit)."""
    return _number(text, int, 0, False, "an integer >= 0")


def positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1."""
    return _number(text, int, 0, True, "an integer >= 1")


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0 (a step size)."""
    return _number(text, float, 0.0, True, "a finite number > 0")


def nonneg_float(text: str) -> float:
    """An argparse type: a finite number ≥ 0 (a tolerance)."""
    return _number(text, float, 0.0, False, "a finite number >= 0")


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
    """``"3,4"`` → (3, 4); ``"3,"`` → (3,); ``""`` or ``"()"`` → () for a scalar. An empty
    dimension (``"3,,4"``) or a negative one is refused."""
    inner = text.strip().strip("()[] ")
    if not inner:
        return ()
    parts = [p.strip() for p in inner.split(",")]
    if parts[-1] == "" and len(parts) > 1:  # one trailing comma, as in the tuple (3,)
        parts = parts[:-1]
    try:
        if any(p == "" for p in parts):
            raise ValueError
        shape = tuple(int(p) for p in parts)
    except ValueError:
        raise CLIError(
            f"bad shape {text!r}: expected comma-separated integers such as 3,4"
        ) from None
    if any(d < 0 for d in shape):
        raise CLIError(f"bad shape {text!r}: dimensions must be non-negative")
    return shape


def table(rows: list[list[str]], header: list[str]) -> str:
    """Rows as a plain-text table under ``header``, columns padded to their widest cell."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(lines)


def check_device(device: str) -> None:
    """A CLIError for an unknown device, or for CUDA without CuPy and a GPU (``--device``)."""
    from autograd_core.device import Device
    from autograd_core.errors import DeviceError

    try:
        _ = Device(device).xp  # the array module: importing CuPy is what can fail
    except DeviceError as e:
        raise CLIError(f"--device {device}: {e}") from e
