"""Reparametrised tensors, as ``torch.nn.utils.parametrize``: a module's parameter or buffer
replaced by a function of stored originals, recomputed on every access.

After ``register_parametrization(module, "weight", P)`` the module holds

- ``module.parametrizations.weight``: a ``ParametrizationList`` (``P`` and any later
  parametrizations, applied in registration order) that owns the stored tensor(s) under
  ``original`` (or ``original0``, ``original1``, ... when ``P.right_inverse`` returns a
  sequence). These are what ``parameters()``, ``state_dict()`` and an optimizer see:
  ``parametrizations.weight.original``.
- ``module.weight``: a property on a per-instance subclass ``Parametrized<Class>`` (as PyTorch,
  so that other instances of the class are untouched). Reading it evaluates
  ``P(original)``; assigning a Tensor to it stores ``P.right_inverse(value)`` in the
  original(s) in place, so an optimizer built before keeps working.

The only cooperation needed from :class:`~nn.module.Module` is that a parametrized name cannot
be registered again as a parameter, buffer or child (``_check_name`` in ``nn/module.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn.containers import ModuleDict
from nn.module import Module, Parameter
from nn.utils.parametrization_list import (
    ParametrizationList,
    check_same,
    register_tensor,
    set_in_place,
)

__all__ = [
    "ParametrizationList",
    "register_parametrization",
    "remove_parametrizations",
    "is_parametrized",
    "cached",
    "type_before_parametrizations",
]


class _Cache:
    """The state of ``cached()``: how many contexts are open, and the tensors computed so far
    keyed by (id(module), tensor name)."""

    depth = 0
    values: dict[tuple[int, str], Tensor] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Inside this context each parametrized tensor is computed once, on first access, and
    reused (``torch.nn.utils.parametrize.cached``): useful when a weight is read several times
    per forward (a recurrent layer's step loop), or a costly parametrization runs once per batch.
    The cache is emptied when the outermost context exits.

    Example:
        >>> import autograd_core as ac, nn
        >>> from nn.utils import parametrize
        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> m = parametrize.register_parametrization(nn.Linear(2, 2), "weight", Double())
        >>> with parametrize.cached():
        ...     m.weight is m.weight
        True
    """
    _Cache.depth += 1
    try:
        yield
    finally:
        _Cache.depth -= 1
        if _Cache.depth == 0:
            _Cache.values = {}


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """Whether ``module`` has a parametrization on ``tensor_name`` (on any tensor when None).

    Example:
        >>> import nn
        >>> from nn.utils import parametrize
        >>> parametrize.is_parametrized(nn.Linear(2, 2))
        False
    """
    parametrizations = module._modules.get("parametrizations")
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def type_before_parametrizations(module: Module) -> type:
    """The module's class before parametrizations were registered (``Linear``, not
    ``ParametrizedLinear``)."""
    cls = type(module)
    return cls.__bases__[0] if is_parametrized(module) else cls


def _refuse_pickle(self: Module) -> None:
    raise RuntimeError(
        f"{type(self).__name__}: a parametrized module cannot be pickled; save its "
        "state_dict() (nn.save(module.state_dict(), path)) and register the parametrizations "
        "again on a fresh module before loading it."
    )


def _deepcopy(self: Module, memo: dict[int, Any]) -> Module:
    # The instance's own class must be kept (it holds the properties); copy the state only.
    if id(self) in memo:
        return memo[id(self)]
    replica = type(self).__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__.update(copy.deepcopy(self.__dict__, memo))
    return replica


def _inject_class(module: Module) -> None:
    cls = type(module)
    namespace: dict[str, Any] = {"__getstate__": _refuse_pickle}
    if not hasattr(cls, "__deepcopy__"):
        namespace["__deepcopy__"] = _deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), namespace)


def _inject_property(module: Module, tensor_name: str) -> None:
    def get_parametrized(self: Module) -> Tensor:
        parametrization = self.parametrizations[tensor_name]
        if _Cache.depth == 0:
            return parametrization()
        key = (id(self), tensor_name)
        if key not in _Cache.values:
            _Cache.values[key] = parametrization()
        return _Cache.values[key]

    def set_original(self: Module, value: Tensor) -> None:
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(type(module), tensor_name, property(get_parametrized, set_original))


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    r"""Replace the parameter or buffer ``tensor_name`` of ``module`` by
    ``parametrization(original)``, recomputed on every access
    (``torch.nn.utils.parametrize.register_parametrization``).

    The original moves to ``module.parametrizations[tensor_name].original`` (the same Parameter
    object, so an optimizer built before still trains it), first replaced by
    ``parametrization.right_inverse(original)`` when that method exists. If ``right_inverse``
    returns a sequence, the new tensors are ``original0``, ``original1``, … and
    ``parametrization.forward`` takes them as separate arguments; add them to the optimizer.
    Registering on an already parametrized name appends to its list: Pₙ(…P₁(original)).
    Assigning ``module.tensor_name = value`` stores ``right_inverse(value)``.

    Args:
        module: the module that owns the tensor.
        tensor_name: the name of a parameter, buffer or already parametrized tensor.
        parametrization: a Module whose ``forward`` maps the original(s) to the tensor, and
            optionally ``right_inverse``.
        unsafe: skip the checks that the parametrization keeps the shape and dtype.

    Returns:
        ``module`` (its class is now ``Parametrized<Class>``).

    Raises:
        TypeError: ``parametrization`` is not a Module.
        ValueError: no parameter, buffer or parametrized tensor is called ``tensor_name``;
            ``right_inverse`` or ``forward`` return the wrong kind of value, or (without
            ``unsafe``) change the dtype. ShapeError (a ValueError): they change the shape
            without ``unsafe``.

    Example:
        >>> import autograd_core as ac, nn
        >>> from nn.utils import parametrize
        >>> class Symmetric(nn.Module):
        ...     def forward(self, x):
        ...         return x.triu() + x.triu(1).mT
        >>> m = parametrize.register_parametrization(nn.Linear(3, 3), "weight", Symmetric())
        >>> bool((m.weight == m.weight.mT).all()), type(m).__name__
        (True, 'ParametrizedLinear')
        >>> [name for name, _ in m.named_parameters()]
        ['bias', 'parametrizations.weight.original']
    """
    if not isinstance(parametrization, Module):
        raise TypeError(
            f"register_parametrization: parametrization must be an nn.Module, got "
            f"{type(parametrization).__name__}. Wrap a function in a Module whose forward "
            "calls it."
        )
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        if not unsafe:
            y = getattr(module, tensor_name)
            x = parametrization(y)
            if not isinstance(x, Tensor):
                raise ValueError(
                    f"register_parametrization: a parametrization must return a Tensor; got "
                    f"{type(x).__name__}."
                )
            check_same("register_parametrization", "a parametrization", y, x)
            if hasattr(parametrization, "right_inverse"):
                try:
                    z = parametrization.right_inverse(x)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(z, Tensor):
                        raise ValueError(
                            "register_parametrization: right_inverse must return a Tensor; got "
                            f"{type(z).__name__}."
                        )
                    check_same("register_parametrization", "right_inverse", y, z)
        plist.append(parametrization)
        plist.unsafe = plist.unsafe or unsafe
        return module
    if tensor_name in module._parameters or tensor_name in module._buffers:
        original = getattr(module, tensor_name)
        if original is None:
            raise ValueError(
                f"register_parametrization: {type(module).__name__}.{tensor_name} is None; "
                "there is no tensor to parametrize."
            )
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = plist
        return module
    raise ValueError(
        f"register_parametrization: {type(module).__name__} has no parameter, buffer or "
        f"parametrized tensor named {tensor_name!r}. Its parameters: {list(module._parameters)}; "
        f"buffers: {list(module._buffers)}."
    )


def remove_parametrizations(
    module: Module, tensor_name: str, leave_parametrized: bool = True
) -> Module:
    """Undo :func:`register_parametrization` on ``tensor_name``
    (``torch.nn.utils.parametrize.remove_parametrizations``).

    With ``leave_parametrized=True`` the tensor keeps its current parametrized value; otherwise
    it becomes the stored original. With a single original, the same Parameter object comes
    back (its value set in place), so an optimizer keeps training it; with several originals a
    new Parameter holding the current value is made. When no tensor is parametrized any more the
    module gets its original class back and loses ``parametrizations``.

    Raises:
        ValueError: ``tensor_name`` is not parametrized, or ``leave_parametrized=False`` with
            several originals (there is no single tensor to leave).

    Example:
        >>> import autograd_core as ac, nn
        >>> from nn.utils import parametrize
        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> m = nn.Linear(1, 1, bias=False)
        >>> w = m.weight
        >>> _ = parametrize.register_parametrization(m, "weight", Double())
        >>> _ = parametrize.remove_parametrizations(m, "weight")
        >>> type(m).__name__, m.weight is w
        ('Linear', True)
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(
            f"remove_parametrizations: {type(module).__name__} has no parametrization on "
            f"{tensor_name!r}. Parametrized: "
            f"{list(module.parametrizations) if is_parametrized(module) else []}."
        )
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with ac.no_grad():
                value = getattr(module, tensor_name)
                set_in_place(original, value)
    else:
        if not leave_parametrized:
            raise ValueError(
                f"remove_parametrizations: {tensor_name!r} is parametrized by "
                f"{plist.ntensors} tensors, so leave_parametrized=False has no single tensor to "
                "leave. Use leave_parametrized=True."
            )
        value = getattr(module, tensor_name)
        original = (
            Parameter(value.detach(), requires_grad=True) if value.requires_grad else value.detach()
        )
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    register_tensor(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module
