"""Parameter and Module: the base of every layer, holding parameters, buffers and sub-modules.

A ``Module`` registers what is assigned to it: a ``Parameter`` becomes a trainable parameter,
another ``Module`` a child, and ``register_buffer`` keeps non-trainable state (BatchNorm's running
statistics). Everything else (``parameters()``, ``state_dict()``, ``to()``, ``train()``) walks that
tree, so a new layer family (convolution, recurrent) only has to assign its parameters in
``__init__`` and write ``forward``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from autograd_core.tensor import Tensor
from nn.module_hooks import ModuleHooksMixin
from nn.module_names import ModuleLookupMixin, check_name
from nn.module_repr import ModuleReprMixin
from nn.module_state import IncompatibleKeys, ModuleStateMixin
from nn.parameter import Parameter, is_lazy, nonleaf_message

__all__ = ["Parameter", "Module", "IncompatibleKeys", "InitNotCalledError"]


class InitNotCalledError(AttributeError, RuntimeError):
    """A Parameter or Module was assigned before ``Module.__init__()`` ran: an AttributeError
    as torch raises, and a RuntimeError as this library raised first."""


class Module(ModuleStateMixin, ModuleHooksMixin, ModuleLookupMixin, ModuleReprMixin):
    """Base class of every layer and model.

    Subclasses call ``super().__init__()`` first, assign their parameters (``nn.Parameter``),
    buffers (``register_buffer``) and sub-modules as attributes, and implement ``forward``.
    Calling the module runs ``forward``.

    Attributes:
        training: True in training mode (Dropout active, BatchNorm uses batch statistics).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> class Affine(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = nn.Parameter(ac.ones(3))
        ...         self.shift = nn.Parameter(ac.zeros(3))
        ...     def forward(self, x):
        ...         return x * self.scale + self.shift
        >>> m = Affine()
        >>> [name for name, _ in m.named_parameters()]
        ['scale', 'shift']
        >>> m(ac.ones(2, 3)).shape
        (2, 3)
    """

    training: bool

    # state_dict, load_state_dict, to, float, double, cpu and cuda come from
    # ModuleStateMixin (nn/module_state.py); the hook registrations from ModuleHooksMixin
    # (nn/module_hooks.py); get_submodule/get_parameter/get_buffer from ModuleLookupMixin
    # (nn/module_names.py).

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", [])
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_backward_hooks", [])
        object.__setattr__(self, "_backward_pre_hooks", [])

    # -- forward -------------------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of this module; every subclass implements it."""
        raise NotImplementedError(
            f"{type(self).__name__}: forward() is not implemented. Define "
            "`def forward(self, x): ...` in the subclass."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: Module.__init__() was not called. Add "
                "super().__init__() at the top of __init__."
            )
        for hook in tuple(self._forward_pre_hooks):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        backward_hooks = self._backward_hook_state()  # register_full_backward_hook
        if backward_hooks is not None:
            args = backward_hooks.wrap_inputs(args)
        out = self.forward(*args, **kwargs)
        for hook in tuple(self._forward_hooks):
            result = hook(self, args, out)
            if result is not None:
                out = result
        if backward_hooks is not None:
            out = backward_hooks.wrap_outputs(out)
        return out

    # -- registration --------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if "_parameters" not in d:
            if isinstance(value, (Parameter, Module)):
                raise InitNotCalledError(
                    f"{type(self).__name__}: cannot assign {name!r} before Module.__init__() "
                    "was called. Add super().__init__() at the top of __init__."
                )
            object.__setattr__(self, name, value)
            return
        params, buffers, modules = d["_parameters"], d["_buffers"], d["_modules"]
        if isinstance(value, Parameter):
            self._discard(name, keep="_parameters")  # a replaced parameter keeps its place
            self.register_parameter(name, value)
        elif name in params:
            if value is not None:
                if isinstance(value, Tensor) and not value.is_leaf:
                    raise TypeError(nonleaf_message(type(self).__name__, name, value))
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to parameter "
                    f"{name!r} (nn.Parameter or None expected). Wrap it: "
                    f"self.{name} = nn.Parameter(value), or assign to .data to change values."
                )
            params[name] = None
        elif isinstance(value, Module):
            self._discard(name, keep="_modules")
            modules[name] = value
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to child "
                    f"module {name!r} (a Module or None expected)."
                )
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{type(self).__name__}: cannot assign {type(value).__name__} to buffer "
                    f"{name!r} (a Tensor or None expected)."
                )
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name: str, keep: str) -> None:
        """Remove ``name`` from every registry but ``keep`` (where it is being set, so that
        a replaced entry keeps its place in the order, as torch's) and from the plain
        attributes."""
        for store in ("_parameters", "_buffers", "_modules"):
            if store != keep:
                self.__dict__[store].pop(name, None)
        self.__dict__["_non_persistent"].discard(name)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: look in the registries.
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        for store in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[store]:
                del self.__dict__[store][name]
                self.__dict__["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        extra = list(self._parameters) + list(self._buffers) + list(self._modules)
        return sorted(set(super().__dir__()) | set(extra))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` under ``name`` (``self.name = param`` does the same).

        Raises:
            TypeError: ``param`` is a plain or non-leaf Tensor; the message says how to wrap it.
            KeyError: the name is empty, contains a dot, or is already a non-parameter attribute.
        """
        check_name(self, name)
        if param is not None and not isinstance(param, Parameter):
            if isinstance(param, Tensor) and not param.is_leaf:
                raise TypeError(nonleaf_message("register_parameter", name, param))
            raise TypeError(
                f"register_parameter: {name!r} must be an nn.Parameter or None, got "
                f"{type(param).__name__}. Wrap it: nn.Parameter(value)."
            )
        if param is not None and not param.is_leaf:
            raise TypeError(nonleaf_message("register_parameter", name, param))
        self._check_free("register_parameter", name, "_parameters")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a non-trainable tensor (running statistics, masks) under ``name``.

        Buffers move with ``to()`` and appear in ``state_dict()`` unless ``persistent=False``.
        """
        check_name(self, name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: {name!r} must be a Tensor or None, got "
                f"{type(tensor).__name__}. Convert it with ac.tensor(value)."
            )
        self._check_free("register_buffer", name, "_buffers")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a child module under ``name`` (``self.name = module`` does the same)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(
                f"add_module: {name!r} must be a Module or None, got {type(module).__name__}."
            )
        check_name(self, name)
        self._check_free("add_module", name, "_modules")
        self._modules[name] = module

    register_module = add_module

    def _check_free(self, where: str, name: str, store: str) -> None:
        """Refuse ``name`` when it is already an attribute of another kind: a plain attribute,
        a method or property of the class, or a member of another registry (torch's
        ``hasattr(self, name) and name not in store`` rule). Re-registering a name of the same
        kind replaces it; attribute assignment (``self.name = value``) replaces any kind."""
        if name not in self.__dict__[store] and hasattr(self, name):
            raise KeyError(
                f"{where} ({type(self).__name__}): attribute {name!r} already exists and is "
                f"not in {store}. Delete it first (del module.{name}) or choose another name."
            )

    # -- traversal -----------------------------------------------------------------------

    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(name, module) for this module and every descendant, depth first, each once
        (every path to a shared module when ``remove_duplicate=False``). ``memo``, as in
        torch, is a set of modules to skip, and the modules visited are added to it."""
        if memo is None:
            memo = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if m in memo:
                continue
            if remove_duplicate:
                memo.add(m)
            yield name, m
            children = [
                (f"{name}.{k}" if name else k, c) for k, c in m._modules.items() if c is not None
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct children."""
        seen: set[int] = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        """The direct children."""
        for _, m in self.named_children():
            yield m

    def _named_members(
        self, store: str, prefix: str, recurse: bool, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        seen: set[int] = set()
        mods = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for mod_prefix, m in mods:
            for k, v in m.__dict__[store].items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield (f"{mod_prefix}.{k}" if mod_prefix else k), v

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) in registration order; shared parameters appear once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)  # type: ignore[misc]

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in registration order (what an optimizer takes)."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) in registration order."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only: bool = False) -> int:
        """The number of scalar parameters (only those that require grad if asked); a lazy
        module's parameters count once its first forward has given them a shape."""
        return sum(
            p.numel()
            for p in self.parameters()
            if (p.requires_grad or not trainable_only) and not is_lazy(p)
        )

    # -- modes ---------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every descendant (each child's ``train`` is
        called, as torch does); returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}.")
        # each child's own train() (torch): a subclass that overrides it, to keep a frozen
        # backbone in eval mode say, is obeyed when an ancestor changes mode
        object.__setattr__(self, "training", mode)
        for m in self.children():
            m.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (Dropout off, BatchNorm uses running statistics); returns self."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Switch gradients on or off for every parameter (freezing layers); returns self."""
        for p in self.parameters():
            p.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient (to None by default, or fill with zeros)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.data[...] = 0

    def apply(self, fn: Callable[[Module], Any]) -> Module:
        """Call ``fn`` on every descendant and then on self (children first, as PyTorch);
        the usual use is a custom initialisation. Returns self.

        Example:
            >>> import nn
            >>> def init(m):
            ...     if isinstance(m, nn.Linear):
            ...         nn.init.zeros_(m.bias)
            >>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(init)
            >>> net[0].bias.tolist()
            [0.0, 0.0]
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self
