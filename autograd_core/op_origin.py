"""Where an op class was defined and where a node was created, so that an error about its VJP
or a non-finite value says whose code to fix."""

from __future__ import annotations

import inspect
import os
import traceback
from typing import Any

from autograd_core import device as _device
from autograd_core.errors import AnomalyError, VJPError

__all__ = ["is_builtin_op", "defined_at", "vjp_fix_hint", "check_finite", "vjp_count_error"]

_PACKAGES = ("autograd_core", "nn", "optim")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _source_class(cls: type) -> type:
    # An op made for a user's class (ac.autograd.Function) names that class as its source.
    return getattr(cls, "source_class", None) or cls


def is_builtin_op(cls: type) -> bool:
    """Whether the op class ships with this project (defined in autograd_core, nn or optim)."""
    module = _source_class(cls).__module__ or ""
    return module.split(".")[0] in _PACKAGES


def defined_at(cls: type) -> str:
    """``file:line`` of the class statement when its source can be found (not for a class
    typed into an interactive prompt), else its module name."""
    src = _source_class(cls)
    try:
        lines: Any = inspect.getsourcelines(src)
        return f"{inspect.getsourcefile(src)}:{lines[1]}"
    except (OSError, TypeError):
        return f"module {src.__module__}"


def vjp_fix_hint(cls: type) -> str:
    """The last sentence of a VJPError: a built-in op's bug is ours to fix, a user's op is
    theirs, and the message says where its class is."""
    src = _source_class(cls)
    if is_builtin_op(cls):
        return (
            f"This is a bug in autograd-core's own op {src.__qualname__} "
            f"({defined_at(cls)}), not in your code: please report it with this message."
        )
    return (
        f"The bug is in {src.__qualname__} (defined at {defined_at(cls)}), not in "
        "autograd-core: fix its gradient computation there."
    )


def _where(created_at: list[traceback.FrameSummary] | None) -> str:
    if not created_at:
        return "(creation site not recorded: enable detect_anomaly() before the forward pass)"
    # The innermost frame outside this package is the user's line.
    for frame in reversed(created_at):
        if not frame.filename.startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} ({frame.line})"
    frame = created_at[-1]
    return f"{frame.filename}:{frame.lineno}"


def check_finite(label: str, y: Any, phase: str, created_at: Any) -> None:
    """Raise AnomalyError when the array ``y`` that op ``label`` produced holds NaN or Inf."""
    xp = _device.get_array_module(y)
    if y.dtype.kind in "fc" and not bool(xp.isfinite(y).all()):
        bad = "NaN" if bool(xp.isnan(y).any()) else "Inf"
        raise AnomalyError(
            f"{label}: the {phase} pass produced {bad} (output shape {tuple(y.shape)}, "
            f"{y.dtype}); the op was created at {_where(created_at)}. Check this op's inputs "
            "(log of 0, division by 0, overflowing exp) or lower the learning rate."
        )


def vjp_count_error(op: Any, grads: Any) -> VJPError:
    """The error for a VJP that did not return one gradient (or None) per input."""
    n = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
    return VJPError(
        f"{op.label}.vjp returned {n} gradients for {len(op.inputs or ())} inputs; it must "
        "return a tuple with one gradient (or None) per input. " + vjp_fix_hint(type(op))
    )
