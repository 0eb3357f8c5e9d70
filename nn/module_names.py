"""The rules for the names of a Module's parameters, buffers and children (nn/module.py's
``register_parameter``, ``register_buffer`` and ``add_module`` check every name here)."""

from __future__ import annotations

from typing import Any

__all__ = ["check_name"]


def check_name(module: Any, name: str) -> None:
    """Refuse a name for a parameter, buffer or child of ``module``: not a string, empty,
    dotted (state_dict keys use dots), or already parametrized by nn.utils.parametrize."""
    if not isinstance(name, str):
        raise TypeError(
            f"{type(module).__name__}: names must be strings, got {type(name).__name__}."
        )
    if name == "" or "." in name:
        raise KeyError(
            f"{type(module).__name__}: invalid name {name!r}; names must be non-empty and "
            "contain no '.'."
        )
    # A name parametrized by nn.utils.parametrize is a class property now; registering it again
    # would be shadowed by that property (PyTorch: "attribute 'weight' already exists").
    parametrized = module.__dict__["_modules"].get("parametrizations")
    if parametrized is not None and name in parametrized.__dict__["_modules"]:
        raise KeyError(
            f"{type(module).__name__}: {name!r} is parametrized; assign a Tensor to set it through "
            "right_inverse, or call nn.utils.parametrize.remove_parametrizations first."
        )
