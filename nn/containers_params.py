"""Containers that hold parameters: ParameterList (names "0", "1", …) and ParameterDict (keys).

Each entry is registered with ``Module.register_parameter``, so ``parameters()``,
``named_parameters()``, ``state_dict()``/``load_state_dict()``, ``to()`` and optimizers see it
as they see a layer's weight. A Tensor or array that is not a Parameter is wrapped in one, as
PyTorch does (a non-leaf Tensor becomes a new leaf holding its value).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from autograd_core.tensor import Tensor
from nn.module import Module
from nn.parameter import Parameter

__all__ = ["ParameterList", "ParameterDict"]


def _as_parameter(where: str, value: Any) -> Parameter:
    """``value`` itself if it is a Parameter, else a new Parameter holding its values."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor) or (hasattr(value, "shape") and hasattr(value, "dtype")):
        return Parameter(value)
    raise TypeError(
        f"{where}: entries must be Parameters, Tensors or arrays, got {type(value).__name__}. "
        "Wrap the value: nn.Parameter(ac.tensor(value))."
    )


class ParameterList(Module):
    """A list of parameters, registered under the names "0", "1", … (a plain Python list would
    hide them from ``parameters()`` and ``state_dict()``).

    Tensors and arrays given to it are wrapped as Parameters. Like PyTorch's, it has no
    ``forward`` and no deletion; unlike PyTorch's, it also has ``insert`` (renumbering the
    entries after it, as ``ModuleList.insert`` does) and accepts only parameter values.

    Args:
        values: an iterable of Parameters, Tensors or arrays.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> params = nn.ParameterList([ac.zeros(2), ac.ones(3)])
        >>> [(name, p.shape) for name, p in params.named_parameters()]
        [('0', (2,)), ('1', (3,))]
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def _index(self, index: int) -> int:
        n = len(self._parameters)
        if not -n <= index < n:
            raise IndexError(
                f"ParameterList: index {index} is out of range for {n} parameters. Use an "
                f"index from {-n} to {n - 1}, or append() to add one."
            )
        return index % n

    def __getitem__(self, index: int | slice) -> Any:
        values = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(values[index])
        return values[self._index(index)]

    def __setitem__(self, index: int, value: Any) -> None:
        self.register_parameter(
            str(self._index(index)), _as_parameter("ParameterList.__setitem__", value)
        )

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(list(self._parameters.values()))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add a parameter at the end; returns self."""
        self.register_parameter(
            str(len(self._parameters)), _as_parameter("ParameterList.append", value)
        )
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Add several parameters at the end; returns self.

        Raises:
            TypeError: ``values`` is a single Tensor or not iterable (as in PyTorch).
        """
        if isinstance(values, Tensor) or not isinstance(values, Iterable):
            raise TypeError(
                "ParameterList.extend should be called with an iterable of parameters, but got "
                f"{type(values).__name__}. Use append() to add one tensor."
            )
        for value in values:
            self.append(value)
        return self

    def insert(self, index: int, value: Any) -> None:
        """Insert a parameter before ``index`` (Python's ``list.insert`` rule for the index);
        the entries after it are renumbered."""
        values = list(self._parameters.values())
        values.insert(index, _as_parameter("ParameterList.insert", value))
        self._parameters.clear()
        for i, p in enumerate(values):
            self.register_parameter(str(i), p)

    def extra_repr(self) -> str:
        """Nothing for an empty list (as torch), else the count (the entries follow in the
        summary that ``repr`` appends)."""
        n = len(self)
        return "" if n == 0 else f"{n} parameter{'' if n == 1 else 's'}"

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            "ParameterList has no forward: use its entries in your module's forward "
            "(for w in self.weights: x = x @ w)."
        )


class ParameterDict(Module):
    """A dict of parameters (string keys, insertion order), registered under their keys.

    Tensors and arrays given to it are wrapped as Parameters. As in PyTorch, ``update`` (and the
    constructor) sorts the keys of a plain mapping but keeps the order of an ``OrderedDict``, a
    ``ParameterDict`` or a sequence of pairs; assigning to an existing key keeps its place.

    Args:
        parameters: a mapping from names to Parameters, Tensors or arrays, or (name, value) pairs.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> params = nn.ParameterDict({"scale": ac.ones(3), "shift": ac.zeros(3)})
        >>> params["scale"].shape, "shift" in params, list(params.state_dict())
        ((3,), True, ['scale', 'shift'])
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def _key(self, key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError(
                f"ParameterDict: keys must be strings, got {key!r} ({type(key).__name__}). "
                f"Use str(key) as the name."
            )
        return key

    def __getitem__(self, key: str) -> Parameter:
        if self._key(key) not in self._parameters:
            raise KeyError(
                f"ParameterDict: no parameter named {key!r}; the keys are {list(self._parameters)}."
            )
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        key = self._key(key)
        if key not in self._parameters and hasattr(self, key):
            raise KeyError(
                f"ParameterDict: key {key!r} is the name of an attribute of ParameterDict, so "
                "it cannot name a parameter (PyTorch refuses it too). Choose another key."
            )
        self.register_parameter(key, _as_parameter("ParameterDict.__setitem__", value))

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._parameters))

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._parameters))

    def keys(self) -> Any:
        """The keys, in insertion order."""
        return self._parameters.keys()

    def values(self) -> Any:
        """The parameters, in insertion order."""
        return self._parameters.values()

    def items(self) -> Any:
        """(key, parameter) pairs, in insertion order."""
        return self._parameters.items()

    def get(self, key: str, default: Any = None) -> Any:
        """The parameter under ``key``, or ``default`` if there is none."""
        return self._parameters[key] if key in self._parameters else default

    def pop(self, key: str) -> Parameter:
        """Remove ``key`` and return its parameter (KeyError if absent)."""
        value = self[key]
        del self._parameters[key]
        return value

    def popitem(self) -> tuple[str, Parameter]:
        """Remove and return the last (key, parameter) pair inserted."""
        if not self._parameters:
            raise KeyError("ParameterDict.popitem: the dict is empty.")
        return self._parameters.popitem()

    def setdefault(self, key: str, default: Any = None) -> Parameter:
        """The parameter under ``key``; if absent, first store ``default`` there."""
        if key not in self._parameters:
            self[key] = default
        return self._parameters[key]

    def clear(self) -> None:
        """Remove every parameter."""
        self._parameters.clear()

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same Parameter objects."""
        return ParameterDict(OrderedDict(self._parameters))

    def update(self, parameters: Any) -> None:
        """Add or replace parameters from a mapping or from (key, value) pairs.

        Raises:
            TypeError: ``parameters`` is neither a mapping nor an iterable.
            ValueError: an element of a sequence is not a (key, value) pair.
        """
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs: Iterable[Any] = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())  # PyTorch's order for a plain mapping
        elif isinstance(parameters, Iterable) and not isinstance(parameters, (str, Tensor)):
            pairs = list(parameters)
        else:
            raise TypeError(
                "ParameterDict.update: expected a mapping or an iterable of (key, value) "
                f"pairs, got {type(parameters).__name__}."
            )
        for i, pair in enumerate(pairs):
            if isinstance(pair, (str, Tensor)) or not isinstance(pair, Iterable):
                raise TypeError(
                    f"ParameterDict.update: element #{i} is a {type(pair).__name__}, not a "
                    "(key, value) pair."
                )
            pair = tuple(pair)
            if len(pair) != 2:
                raise ValueError(
                    f"ParameterDict.update: element #{i} has length {len(pair)}; 2 is required "
                    "(key, value)."
                )
            self[pair[0]] = pair[1]

    def extra_repr(self) -> str:
        return ", ".join(repr(k) for k in self._parameters)

    def forward(self, *args: Any) -> Any:
        raise NotImplementedError(
            "ParameterDict has no forward: use its entries in your module's forward."
        )
