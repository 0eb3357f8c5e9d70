"""Calling a module with other tensors in place of its parameters and buffers
(``torch.func.functional_call``, also ``torch.nn.utils.stateless``): the way to treat a model as
a function of its weights, for ``grad``, ``vmap`` (per-sample gradients, ensembles) and
meta-learning.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from autograd_core.tensor import Tensor
from nn.module import Module
from nn.utils.parametrize import is_parametrized

__all__ = ["functional_call", "swapped_tensors"]

_ABSENT = object()  # an attribute the module did not have before the swap


def functional_call(
    module: Module,
    parameter_and_buffer_dicts: dict[str, Tensor] | Sequence[dict[str, Tensor]],
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    *,
    tie_weights: bool = True,
    strict: bool = False,
) -> Any:
    """``module(*args, **kwargs)`` with the named tensors standing in for its parameters and
    buffers (``torch.func.functional_call``); the module's own are back in place afterwards,
    also when the call raises.

    Args:
        module: the module to call.
        parameter_and_buffer_dicts: ``{dotted name: tensor}`` (names as ``named_parameters``
            and ``named_buffers`` give them), or a sequence of such dicts with no key twice.
            A name the module does not have is set as a plain attribute for the call.
        args: the positional arguments (a single non-tuple value is one argument).
        kwargs: the keyword arguments.
        tie_weights: a tensor the module holds under several names (tied weights) takes a
            value given for any of them under all; giving different values for them raises.
            With False each name is replaced separately.
        strict: the names must be exactly the module's parameters and buffers.

    Returns:
        What the module returns. A buffer that the module rebinds during the call (instead of
        updating in place) is written back into the given dict, as PyTorch does.

    A parametrized tensor (``nn.utils.parametrize``) is replaced through its stored original,
    ``"parametrizations.weight.original"``; its plain name is refused (in PyTorch it would call
    ``right_inverse`` and change the stored original in place).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.Linear(2, 1)
        >>> params = {"weight": ac.tensor([[1.0, 2.0]]), "bias": ac.tensor([0.5])}
        >>> nn.utils.stateless.functional_call(layer, params, (ac.ones(1, 2),))
        tensor([[3.5]])
    """
    given = _merged(parameter_and_buffer_dicts)
    values = _tied(module, given) if tie_weights else dict(given)
    if strict:
        _check_keys(module, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with swapped_tensors(module, values) as after:
        out = module(*args, **(kwargs or {}))
    for name in given:
        if after[name] is not values[name]:
            given[name] = after[name]  # a buffer the module rebound: the caller sees the new one
    return out


def _merged(dicts: Any) -> dict[str, Tensor]:
    if isinstance(dicts, dict):
        return dicts
    if not isinstance(dicts, (list, tuple)):
        raise TypeError(
            "functional_call: parameter_and_buffer_dicts must be a dict or a list/tuple of "
            f"dicts, got {type(dicts).__name__}."
        )
    for d in dicts:
        if not isinstance(d, dict):
            raise TypeError(
                f"functional_call: every element of parameter_and_buffer_dicts must be a dict, "
                f"got a {type(d).__name__}."
            )
    keys = [k for d in dicts for k in d]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(
            f"functional_call: {repeated} appear in more than one dict, so which value to use "
            "is ambiguous. Give each name once."
        )
    return {k: v for d in dicts for k, v in d.items()}


def _tied(module: Module, given: dict[str, Tensor]) -> dict[str, Tensor]:
    """``given`` extended to every name of each tied tensor it names."""
    names_of: dict[int, list[str]] = {}
    pairs = [
        *module.named_parameters(remove_duplicate=False),
        *module.named_buffers(remove_duplicate=False),
    ]
    for name, t in pairs:
        names_of.setdefault(id(t), []).append(name)
    values = dict(given)
    for names in names_of.values():
        if len(names) < 2:
            continue
        chosen = {id(given[n]): given[n] for n in names if n in given}
        if len(chosen) > 1:
            named = sorted(n for n in names if n in given)
            raise ValueError(
                f"functional_call: got different values for {named}, which are tied (one "
                "tensor in the module). Give one value, or pass tie_weights=False to replace "
                "them separately."
            )
        if chosen:
            (value,) = chosen.values()
            values.update({n: value for n in names})
    return values


def _check_keys(module: Module, values: dict[str, Tensor]) -> None:
    names = {n for n, _ in module.named_parameters(remove_duplicate=False)}
    names |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
    unexpected = sorted(set(values) - names)
    missing = sorted(names - set(values))
    problems = []
    if unexpected:
        problems.append(f"unexpected key(s): {', '.join(map(repr, unexpected))}")
    if missing:
        problems.append(f"missing key(s): {', '.join(map(repr, missing))}")
    if problems:
        raise RuntimeError(
            f"functional_call on {type(module).__name__} with strict=True: "
            f"{'; '.join(problems)}. Give exactly the module's parameters and buffers, or pass "
            "strict=False."
        )


def _owner(module: Module, dotted: str) -> tuple[Module, str]:
    """The submodule holding ``dotted`` and the tensor's own name."""
    path, _, leaf = dotted.rpartition(".")
    owner = module
    for part in path.split(".") if path else []:
        child = owner.__dict__["_modules"].get(part)
        if not isinstance(child, Module):
            raise AttributeError(
                f"functional_call: {type(owner).__name__} has no submodule {part!r} (in "
                f"{dotted!r}). Names are those of module.named_parameters()/named_buffers()."
            )
        owner = child
    if is_parametrized(owner, leaf):
        raise ValueError(
            f"functional_call: {dotted!r} is parametrized; pass a value for its stored original, "
            f"{(path + '.' if path else '') + 'parametrizations.' + leaf + '.original'!r}, instead."
        )
    return owner, leaf


def _swap(owner: Module, name: str, value: Any) -> Any:
    """Put ``value`` under ``name`` in ``owner`` and return what was there."""
    for store in ("_parameters", "_buffers"):
        d = owner.__dict__[store]
        if name in d:
            old, d[name] = d[name], value
            return old
    old = owner.__dict__.get(name, _ABSENT)
    if value is _ABSENT:
        owner.__dict__.pop(name, None)
    else:
        object.__setattr__(owner, name, value)
    return old


@contextmanager
def swapped_tensors(module: Module, values: dict[str, Tensor]) -> Iterator[dict[str, Any]]:
    """Within the block, ``module`` holds ``values`` under their dotted names; afterwards
    (also after an exception) its own tensors. Yields a dict that, after the block, holds
    what each name held when the block ended."""
    targets = [(name, *_owner(module, name)) for name in values]
    saved: list[tuple[Module, str, Any]] = []
    after: dict[str, Any] = {}
    try:
        for name, owner, leaf in targets:
            saved.append((owner, leaf, _swap(owner, leaf, values[name])))
        yield after
    finally:
        for (name, _, _), (owner, leaf, old) in reversed(list(zip(targets, saved))):
            after[name] = _swap(owner, leaf, old)
