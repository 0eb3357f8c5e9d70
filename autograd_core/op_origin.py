"""Where an op class was defined, so that an error about its VJP says whose code to fix."""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["is_builtin_op", "defined_at", "vjp_fix_hint"]

_PACKAGES = ("autograd_core", "nn", "optim")


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
