"""Colours of the pictures, label text (shapes, gradients, op captions) and DOT statement syntax."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy

from autograd_core import device as _device
from autograd_core.op import Op

__all__ = ["BACKWARD_EDGE", "BAD_EDGE", "COLORS", "op_caption"]

#: Fill colours of the pictures (tests and the README legend refer to these names).
COLORS: dict[str, str] = {
    "op": "#e8e8e8",  # an op node: grey ellipse
    "tensor": "#ffffff",  # an intermediate value
    "leaf": "#d6ecd2",  # a leaf that requires grad
    "param": "#a8d8a0",  # a named parameter
    "const": "#f7f7f7",  # a leaf that does not require grad (data, constants)
    "output": "#ffd98e",  # an output of the drawing
    "bad": "#ffb3b3",  # a NaN or Inf gradient (outline and text in BAD_EDGE red)
    "backward": "#fdd0a2",  # a node of the backward graph B
    "module": "#dae8fc",  # a collapsed module
    "summary": "#f0f0f0",  # the "N more nodes" box of a truncated drawing
    "current": "#9ecae1",  # the node being processed in a back-propagation frame
    "done": "#c7e9c0",  # a node whose grad_table entry is complete in a frame
}
BAD_EDGE = "red"
BACKWARD_EDGE = "#e6550d"


def host(arr: Any) -> numpy.ndarray:
    return arr if isinstance(arr, numpy.ndarray) else _device.to_device(arr, "cpu")


def shape_text(shape: Sequence[int]) -> str:
    return "scalar" if len(shape) == 0 else "(" + ", ".join(str(d) for d in shape) + ")"


def grad_text(g: Any) -> tuple[str, bool]:
    """``"grad (2, 3) norm=1.25"`` and whether the gradient is finite."""
    a = host(g)
    finite = True
    if a.dtype.kind in "fc":
        finite = bool(numpy.isfinite(a).all())
    if not finite:
        bad = "NaN" if bool(numpy.isnan(a).any()) else "Inf"
        return f"grad {shape_text(a.shape)} {bad}!", False
    if a.size == 1:
        return f"grad {shape_text(a.shape)} = {float(a.reshape(-1)[0]):.4g}", True
    norm = math.sqrt(float(numpy.sum(numpy.abs(a.astype(numpy.float64)) ** 2)))
    return f"grad {shape_text(a.shape)} norm={norm:.4g}", True


def _param_text(value: Any) -> str:
    if isinstance(value, numpy.ndarray) or hasattr(value, "__cuda_array_interface__"):
        return f"array{shape_text(value.shape)}"
    if isinstance(value, slice):
        parts = ["" if v is None else str(v) for v in (value.start, value.stop, value.step)]
        text = ":".join(parts).rstrip(":") or ":"
    else:
        text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def op_caption(op: Op) -> str:
    """The op's label and its key attributes (``sum\\naxis=(1,)``); None/False params omitted."""
    params = getattr(op, "params", None) or {}
    shown = [
        f"{k}={_param_text(v)}"
        for k, v in params.items()
        if v is not None and v is not False and not k.startswith("_")
    ]
    return "\\n".join([op.label, *shown])


def _rec(text: str) -> str:
    """Escape one field of a graphviz record label."""
    out = text
    for ch in "{}|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def record(fields: list[str], rankdir: str) -> str:
    body = "|".join(_rec(f) for f in fields if f)
    return "{" + body + "}" if rankdir in ("TB", "BT") else body


def emit_node(lines: list[str], name: str, label: str, attrs: dict[str, str]) -> None:
    parts = [f"label={quote(label)}"] + [f"{a}={quote(v)}" for a, v in attrs.items()]
    lines.append(f"\t{name} [{' '.join(parts)}]\n")


def emit_edge(lines: list[str], a: str, b: str, attrs: dict[str, str] | None = None) -> None:
    if attrs:
        lines.append(f"\t{a} -> {b} [{' '.join(f'{k}={quote(v)}' for k, v in attrs.items())}]\n")
    else:
        lines.append(f"\t{a} -> {b}\n")


def quote(text: str) -> str:
    if text.startswith("<") and text.endswith(">"):  # an HTML-like label
        return text
    # Keep graphviz escapes (\n, \l, record \{) and escape only the double quote.
    return '"' + text.replace('"', '\\"') + '"'
