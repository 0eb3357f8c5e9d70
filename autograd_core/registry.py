"""The one registry of ops: ``@register_op`` adds a class under its name."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TypeVar

from autograd_core.op import Op

__all__ = ["OP_REGISTRY", "register_op", "get_op", "list_ops"]

OP_REGISTRY: dict[str, type[Op]] = {}

T = TypeVar("T", bound=type[Op])


def register_op(
    name: str,
    *,
    broadcasts: bool = False,
    differentiable: bool = True,
    double_backward: bool = True,
    save_output: bool = False,
    array_vjp: bool = False,
    saves_inputs: bool = True,
) -> Callable[[T], T]:
    """Register an Op subclass under ``name`` and set its class attributes.

    ``array_vjp=True`` declares that the op's single VJP text runs on arrays as well as on
    Tensors (``Op``'s docstring), so a plain backward calls it on raw arrays.

    ``saves_inputs=False`` declares that the VJP never reads the inputs' values (add, reshape),
    so writing one of them in place between forward and backward is allowed.

    Every registered op must have an entry in ``autograd_core.testing.op_db`` (a coverage test
    enforces it), so an op cannot land without its gradient check.

    Registering a name again from the module that registered it (a notebook cell run twice, a
    reloaded module) replaces the op with a warning; a name registered by another module is
    refused, so a user's op can never silently replace a built-in one.
    """

    def deco(cls: T) -> T:
        old = OP_REGISTRY.get(name)
        if old is not None:
            if old.__module__ != cls.__module__:
                raise ValueError(
                    f"register_op: an op named {name!r} is already registered by "
                    f"{old.__module__}.{old.__qualname__}; {cls.__module__}.{cls.__qualname__} "
                    "cannot take its name. Register your op under another name."
                )
            warnings.warn(
                f"register_op: replacing op {name!r} ({old.__qualname__}) with "
                f"{cls.__qualname__} registered again from {cls.__module__} (a re-run cell or "
                "reloaded module). Tensors made before still use the old class.",
                stacklevel=2,
            )
        cls.name = name
        cls.broadcasts = broadcasts
        cls.differentiable = differentiable
        cls.double_backward = double_backward and differentiable
        cls.save_output = save_output
        cls.array_vjp = array_vjp
        cls.saves_inputs = saves_inputs
        # (an op with its own release, a workspace's, is released by calling it)
        cls.plain = array_vjp and not cls.reuses_gy and cls.release is Op.release
        OP_REGISTRY[name] = cls
        return cls

    return deco


def get_op(name: str) -> type[Op]:
    """Return the op class registered under ``name``."""
    try:
        return OP_REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"get_op: no op named {name!r}. Run `autograd-core ops` to list the registered ops."
        ) from None


def list_ops() -> list[str]:
    """Return the sorted names of all registered ops."""
    return sorted(OP_REGISTRY)
