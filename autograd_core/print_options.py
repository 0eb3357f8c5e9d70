"""How a tensor's values are printed (``Tensor.__repr__``), and ``set_printoptions`` to change
it as ``torch.set_printoptions`` does: precision, threshold, edgeitems, linewidth, sci_mode and
the named profiles."""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy

__all__ = ["set_printoptions", "get_printoptions", "array_text"]

# Ours's defaults: NumPy's shortest round-trip digits (precision None), summarised above 200
# elements, NumPy's 75-character lines. PyTorch's prints 4 decimals, summarises above 1000 and
# wraps at 80.
DEFAULTS: dict[str, Any] = {
    "precision": None,
    "threshold": 200,
    "edgeitems": 3,
    "linewidth": 75,
    "sci_mode": None,
}
PROFILES: dict[str, dict[str, Any]] = {
    "default": dict(DEFAULTS),
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}
OPTIONS: dict[str, Any] = dict(DEFAULTS)


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print, as ``torch.set_printoptions``: ``precision`` digits after the
    point, a summary (``...``) above ``threshold`` elements showing ``edgeitems`` at each end of
    each dimension, lines wrapped at ``linewidth`` characters, and ``sci_mode`` True (always
    scientific), False (never) or None (NumPy's choice). ``profile`` ("default", "short",
    "full") sets all of them first; the given arguments then override it.

    Differs from PyTorch: profile "default" restores ours's defaults, NumPy's shortest
    round-trip digits summarised above 200 elements in lines of 75 characters (PyTorch's
    prints 4 decimals, summarises above 1000, and wraps at 80); with a precision set,
    integral floats print as ``1.0000`` where PyTorch prints ``1.``.

    Raises:
        ValueError: an unknown profile.

    Example:
        >>> import autograd_core as ac
        >>> ac.set_printoptions(precision=2)
        >>> ac.tensor([1 / 3, 2.0])
        tensor([0.33, 2.00])
        >>> ac.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in PROFILES:
            raise ValueError(
                f"set_printoptions: unknown profile {profile!r}; expected one of "
                f"{sorted(PROFILES)}."
            )
        OPTIONS.update(DEFAULTS)
        OPTIONS.update(PROFILES[profile])
    given = {
        "precision": precision,
        "threshold": threshold,
        "edgeitems": edgeitems,
        "linewidth": linewidth,
    }
    OPTIONS.update({k: v for k, v in given.items() if v is not None})
    if sci_mode is not None or profile is not None:
        OPTIONS["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options (a copy), as ``torch._tensor_str.get_printoptions``."""
    return dict(OPTIONS)


def array_text(arr: numpy.ndarray, prefix: str) -> str:
    """``arr``'s values as ``Tensor.__repr__`` shows them, under the current options."""
    precision = OPTIONS["precision"]
    threshold = OPTIONS["threshold"]
    kwargs: dict[str, Any] = {
        "separator": ", ",
        "prefix": prefix,
        "threshold": sys.maxsize if threshold == math.inf else int(threshold),
        "edgeitems": int(OPTIONS["edgeitems"]),
        "max_line_width": int(OPTIONS["linewidth"]),
    }
    if precision is not None:
        kwargs.update(precision=int(precision), floatmode="fixed")
    if OPTIONS["sci_mode"] is False:
        kwargs["suppress_small"] = True
    elif OPTIONS["sci_mode"] and arr.dtype.kind == "f":
        kwargs["formatter"] = {"float_kind": _scientific(arr, precision)}
    return numpy.array2string(arr, **kwargs)


def _scientific(arr: numpy.ndarray, precision: int | None) -> Any:
    """A formatter that always writes scientific notation, a sign column kept when any value
    is negative (so the columns line up, as PyTorch's)."""
    digits = 4 if precision is None else int(precision)
    pad = " " if arr.size and bool((arr < 0).any()) else ""

    def fmt(v: float) -> str:
        text = numpy.format_float_scientific(v, precision=digits, unique=False)
        return text if text.startswith("-") else pad + text

    return fmt
