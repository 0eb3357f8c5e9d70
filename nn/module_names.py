"""The rules for the names of a Module's parameters, buffers and children (nn/module.py's
``register_parameter``, ``register_buffer`` and ``add_module`` check every name here)."""

from __future__ import annotations

from typing import Any

__all__ = ["check_name", "ModuleLookupMixin"]


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


class ModuleLookupMixin:
    """``get_submodule``, ``get_parameter`` and ``get_buffer`` for :class:`~nn.module.Module`:
    find a member by its dotted name (as ``named_modules``/``state_dict`` spell it) in time
    proportional to the nesting depth, with PyTorch's errors."""

    def get_submodule(self, target: str) -> Any:
        """The sub-module named ``target`` (``"encoder.layers.0"``); ``""`` gives the module
        itself (``torch.nn.Module.get_submodule``). Raises AttributeError naming the first
        step that is missing or is not a Module.

        Example:
            >>> import nn
            >>> net = nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Tanh(), nn.Linear(3, 1)))
            >>> net.get_submodule("1.1").out_features
            1
            >>> net.get_submodule("1.2")
            Traceback (most recent call last):
            ...
            AttributeError: Sequential has no attribute `2`
        """
        from nn.module import Module

        if target == "":
            return self
        mod: Any = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return mod

    def get_parameter(self, target: str) -> Any:
        """The parameter named ``target`` (``"1.1.weight"``), as ``named_parameters`` spells
        it (``torch.nn.Module.get_parameter``); AttributeError when it is missing or is not an
        ``nn.Parameter``.

        Example:
            >>> import nn
            >>> net = nn.Sequential(nn.Linear(2, 3))
            >>> net.get_parameter("0.bias").shape
            (3,)
        """
        from nn.parameter import Parameter

        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{type(mod).__name__} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Any:
        """The buffer named ``target`` (``"0.running_mean"``), as ``named_buffers`` spells it
        (``torch.nn.Module.get_buffer``); AttributeError when it is missing or not a buffer.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.BatchNorm1d(2)).get_buffer("0.running_var")
            tensor([1., 1.])
        """
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{type(mod).__name__} has no attribute `{name}`")
        if name not in mod.__dict__["_buffers"]:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(mod, name)
