"""Containers that hold modules: Sequential (a chain), ModuleList and ModuleDict."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from nn.module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


class Sequential(Module):
    """A chain of modules: ``y = mₙ(… m₂(m₁(x)))``, the dense network of the course notes.

    Args:
        *modules: the modules in order, or a single ``OrderedDict`` of named modules.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> net = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 2))
        >>> net(ac.ones(5, 3)).shape
        (5, 2)
        >>> len(net), type(net[1]).__name__
        (3, 'Sigmoid')
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
        """Apply each module in turn."""
        for m in self._modules.values():
            x = m(x)
        return x

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):  # the same class, the same names (torch)
            return type(self)(OrderedDict(items[index]))
        return items[_index(index, len(items), "Sequential")][1]

    def __setitem__(self, index: int, module: Module) -> None:
        key = list(self._modules)[_index(index, len(self._modules), "Sequential")]
        setattr(self, key, module)

    def __delitem__(self, index: int | slice) -> None:
        """Delete one module or a slice; the rest are renamed "0", "1", … (torch)."""
        keys = list(self._modules)
        doomed = (
            keys[index]
            if isinstance(index, slice)
            else [keys[_index(index, len(keys), "Sequential")]]
        )
        for key in doomed:
            del self._modules[key]
        _renumber(self)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Sequential) -> Sequential:
        """A new Sequential of this one's modules then ``other``'s, named "0", "1", …"""
        _need_sequential(other, "+")
        return Sequential(*self, *other)

    def __iadd__(self, other: Sequential) -> Sequential:
        _need_sequential(other, "+=")
        return self.extend(list(other))

    def append(self, module: Module) -> Sequential:
        """Add a module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        """Append each of ``modules``; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before ``index`` (-len ≤ index ≤ len); the modules are renamed
        "0", "1", … (torch shifts numeric names the same way). Returns self."""
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.insert: expected a Module, got {type(module).__name__}.")
        n = len(self)
        if not -n <= index <= n:
            raise IndexError(f"Sequential.insert: index {index} is out of range for {n} modules.")
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        self.extend(values)
        return self

    def pop(self, index: int | slice) -> Any:
        """Remove and return the module at ``index`` (or a Sequential of a slice)."""
        value = self[index]
        del self[index]
        return value


class ModuleList(Module):
    """A list of modules whose parameters are registered (a plain Python list hides them).

    Example:
        >>> import nn
        >>> layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        >>> len(list(layers.parameters()))
        6
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index: int | slice) -> Any:
        values = list(self._modules.values())
        if isinstance(index, slice):
            return type(self)(values[index])
        return values[_index(index, len(values), "ModuleList")]

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, str(_index(index, len(self), "ModuleList")), module)

    def __delitem__(self, index: int | slice) -> None:
        """Delete one module or a slice; the rest are renumbered."""
        keys = list(self._modules)
        doomed = (
            keys[index]
            if isinstance(index, slice)
            else [keys[_index(index, len(keys), "ModuleList")]]
        )
        for key in doomed:
            del self._modules[key]
        _renumber(self)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """A new ModuleList of this one's modules then ``other``'s."""
        return ModuleList([*self, *other])

    def __iadd__(self, other: Iterable[Module]) -> ModuleList:
        return self.extend(other)

    def append(self, module: Module) -> ModuleList:
        """Add a module at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add several modules at the end; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert a module before ``index``, as ``list.insert`` (a negative index counts from
        the end; torch 2.13's fails on one with KeyError '-1', leaving the list half
        shifted)."""
        values = list(self._modules.values())
        values.insert(index, module)
        self._modules.clear()
        for i, m in enumerate(values):
            self.add_module(str(i), m)

    def pop(self, index: int | slice) -> Any:
        """Remove and return the module at ``index`` (or a ModuleList of a slice)."""
        value = self[index]
        del self[index]
        return value

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            "ModuleList has no forward: iterate over it in your module's forward "
            "(for layer in self.layers: x = layer(x)), or use nn.Sequential."
        )


class ModuleDict(Module):
    """A dict of modules (string keys) whose parameters are registered.

    Example:
        >>> import nn
        >>> heads = nn.ModuleDict({"mean": nn.Linear(4, 1), "log_var": nn.Linear(4, 1)})
        >>> sorted(heads.keys())
        ['log_var', 'mean']
    """

    def __init__(self, modules: Mapping[str, Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def keys(self) -> Any:
        """The keys, in insertion order."""
        return self._modules.keys()

    def values(self) -> Any:
        """The modules, in insertion order."""
        return self._modules.values()

    def items(self) -> Any:
        """(key, module) pairs, in insertion order."""
        return self._modules.items()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace modules from a mapping or (key, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for k, m in pairs:
            self.add_module(k, m)

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module."""
        return self._modules.pop(key)

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            "ModuleDict has no forward: call its entries from your module's forward."
        )


def _renumber(container: Module) -> None:
    """Rename the modules of ``container`` "0", "1", … in their order."""
    values = list(container._modules.values())
    container._modules.clear()
    for i, m in enumerate(values):
        container._modules[str(i)] = m


def _need_sequential(other: Any, op: str) -> None:
    if not isinstance(other, Sequential):
        raise ValueError(
            f"Sequential {op}: supports only another Sequential, got {type(other).__name__}. "
            "Wrap the modules: nn.Sequential(*modules)."
        )


def _index(index: int, n: int, what: str) -> int:
    if not -n <= index < n:
        raise IndexError(f"{what}: index {index} is out of range for {n} modules.")
    return index % n
