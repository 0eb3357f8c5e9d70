"""Module hooks: ``register_forward_hook``, ``register_forward_pre_hook`` and the module-level
backward hooks ``register_full_backward_hook`` and ``register_full_backward_pre_hook``, with
PyTorch's semantics.

How they are built (the way PyTorch builds them, on the existing engine): when a module that
has such hooks is called, its positional Tensor inputs that require grad pass through one
identity node (a custom ``Function`` with one output per input) before ``forward``, and its
Tensor outputs that require grad pass through another after ``forward``. Each identity node is
a single node of the graph however many tensors it carries, so the sweep visits it once per
backward pass, with the gradients of all its outputs together:

- the output node receives ``grad_output``: it runs the pre-hooks (which may replace it), then
  passes the (possibly replaced) gradients on into the module's graph;
- the input node receives the gradients with respect to the inputs, ``grad_input``: it runs
  the hooks ``hook(module, grad_input, grad_output)`` (which may replace ``grad_input``) and
  passes the result on to whatever produced the inputs.

The VJPs of both nodes are Tensor operations on the incoming Tensors, so the hooks see Tensors
that carry the graph under ``create_graph=True`` and a hook's arithmetic (scaling a gradient) is
differentiated again.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from autograd_core.autograd_function import Function, FunctionCtx
from autograd_core.creation import zeros_like
from autograd_core.grad_mode import is_grad_enabled
from autograd_core.hooks import RemovableHandle
from autograd_core.tensor import Tensor

if TYPE_CHECKING:
    from nn.module import Module

__all__ = ["ModuleHooksMixin", "BackwardHookState"]


class _HookIdentity(Function):
    """Identity on any number of Tensors, whose backward hands the incoming gradients to a
    callback and returns what the callback returns."""

    @staticmethod
    def forward(ctx: FunctionCtx, callback: Callable[..., Any], *tensors: Tensor) -> Any:
        ctx.callback = callback  # type: ignore[attr-defined]
        ctx.set_materialize_grads(False)  # an output without gradient gives None, as in torch
        return tensors

    @staticmethod
    def backward(ctx: FunctionCtx, *grads: Any) -> Any:
        return (None, *ctx.callback(grads))  # type: ignore[attr-defined]


def _pack(indices: list[int], values: tuple[Any, ...], size: int) -> list[Any]:
    out: list[Any] = [None] * size
    for i, v in zip(indices, values):
        out[i] = v
    return out


def _replaced(grads: tuple[Any, ...], res: Any, who: str, what: str) -> tuple[Any, ...]:
    """What a hook returned (None: keep ``grads``; a Tensor or a tuple of as many) as the
    gradients to go on with; PyTorch's RuntimeError for a tuple of another length."""
    if res is None:
        return grads
    res = (res,) if isinstance(res, Tensor) else tuple(res)
    if len(res) != len(grads):
        raise RuntimeError(
            f"{who} returned an invalid number of {what}, got {len(res)}, but expected {len(grads)}"
        )
    return res


class BackwardHookState:
    """The backward hooks of one call of a module: wraps its inputs and outputs in identity
    nodes and joins ``grad_output`` (seen at the output node) with ``grad_input`` (seen at the
    input node, later in the same backward pass)."""

    def __init__(self, module: Module, hooks: tuple[Any, ...], pre_hooks: tuple[Any, ...]):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs: tuple[Any, ...] | None = None
        self.args: tuple[Any, ...] = ()
        self.input_index: list[int] | None = None  # positions of inputs routed through a node
        self.n_outputs = 0
        self.output_index: list[int] = []

    # -- forward: route tensors through the identity nodes --------------------------------

    def wrap_inputs(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        """``args`` with every Tensor that requires grad replaced by its identity output."""
        self.args = args
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        if not index or not is_grad_enabled():
            return args
        self.input_index = index
        routed = _HookIdentity.apply(self._on_grad_input, *[args[i] for i in index])
        out = list(args)
        for i, t in zip(index, routed):
            out[i] = t
        return tuple(out)

    def wrap_outputs(self, result: Any) -> Any:
        """``result`` (a Tensor or a tuple) with its Tensors that require grad routed through
        the output node."""
        if not isinstance(result, (Tensor, tuple)):
            warnings.warn(
                "For backward hooks to be called, module output should be a Tensor or a tuple "
                f"of Tensors but received {type(result)}",
                stacklevel=3,
            )
            return result
        outs = (result,) if isinstance(result, Tensor) else result
        index = [i for i, t in enumerate(outs) if isinstance(t, Tensor) and t.requires_grad]
        if not index or not is_grad_enabled():
            return result
        self.n_outputs, self.output_index = len(outs), index
        routed = _HookIdentity.apply(self._on_grad_output, *[outs[i] for i in index])
        new = list(outs)
        for i, t in zip(index, routed):
            new[i] = t
        return new[0] if isinstance(result, Tensor) else tuple(new)

    # -- backward: the two identity nodes' callbacks -------------------------------------

    def _on_grad_output(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        grad_outputs = tuple(_pack(self.output_index, grads, self.n_outputs))
        for hook in self.pre_hooks:
            res = hook(self.module, grad_outputs)
            grad_outputs = _replaced(grad_outputs, res, "Backward pre hook", "grad_output")
        self.grad_outputs = grad_outputs
        if self.input_index is None:  # no input requires grad: the hooks run now
            self._hooks_without_inputs()
        return tuple(
            self._checked(grad_outputs[i], grads[k], "grad_output", i)
            for k, i in enumerate(self.output_index)
        )

    def _hooks_without_inputs(self) -> None:
        warnings.warn(
            "Full backward hook is firing when gradients are computed with respect to module "
            "outputs since no inputs require gradients. See the docstring of "
            "nn.Module.register_full_backward_hook for more details.",
            stacklevel=2,
        )
        grad_inputs = (None,) * len(self.args)
        for hook in self.hooks:
            res = hook(self.module, grad_inputs, self.grad_outputs)
            if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                raise RuntimeError(
                    "Backward hook for Modules where no input requires gradient should always "
                    "return None or None for all gradients."
                )
        self.grad_outputs = None

    def _on_grad_input(self, grads: tuple[Any, ...]) -> tuple[Any, ...]:
        if self.grad_outputs is None or self.input_index is None:
            # The gradient reached the inputs without passing through the outputs (a second
            # backward through the module's graph only): PyTorch calls no hook then.
            return grads
        index = self.input_index
        grad_inputs = _pack(index, grads, len(self.args))
        for i, a in enumerate(self.args):
            # PyTorch routes every Tensor input through its node and gives zeros for those that
            # do not require grad; None stays for the non-Tensor arguments.
            if isinstance(a, Tensor) and i not in index:
                grad_inputs[i] = zeros_like(a)
        res_all: tuple[Any, ...] = tuple(grad_inputs)
        for hook in self.hooks:
            res = hook(self.module, res_all, self.grad_outputs)
            res_all = _replaced(res_all, res, "Backward hook", "grad_input")
        self.grad_outputs = None
        return tuple(
            self._checked(res_all[i], grads[k], "grad_input", i) for k, i in enumerate(index)
        )

    def _checked(self, g: Any, incoming: Any, what: str, i: int) -> Any:
        """A hook's replacement gradient, checked against the one it replaces."""
        if g is None or g is incoming:
            return g
        name = type(self.module).__name__
        if not isinstance(g, Tensor):
            raise TypeError(
                f"{name}: a backward hook returned a {type(g).__name__} as {what}[{i}]; return "
                "Tensors (or None) of the gradients' shapes."
            )
        if incoming is not None and tuple(g.shape) != tuple(incoming.shape):
            raise RuntimeError(
                f"{name}: a backward hook returned {what}[{i}] of shape {tuple(g.shape)} for a "
                f"gradient of shape {tuple(incoming.shape)}; return a gradient of the same shape."
            )
        return g


class ModuleHooksMixin:
    """The hook registrations of :class:`~nn.module.Module` (whose ``__call__`` runs them):
    forward and forward-pre hooks, full backward and backward-pre hooks."""

    _forward_hooks: list[Any]
    _forward_pre_hooks: list[Any]
    _backward_hooks: list[Any]
    _backward_pre_hooks: list[Any]

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward; a returned value replaces
        the output. Returns a handle whose ``remove()`` unregisters it."""
        self._forward_hooks.append(hook)
        return RemovableHandle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, inputs)`` before every forward; a returned value replaces the
        inputs. Returns a handle whose ``remove()`` unregisters it."""
        self._forward_pre_hooks.append(hook)
        return RemovableHandle(self._forward_pre_hooks, hook)

    def register_full_backward_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` each time the gradients with respect
        to the module's inputs have been computed (``torch.nn.Module.register_full_backward_hook``).

        ``grad_output`` has one entry per output of the module (a Tensor or a tuple), and
        ``grad_input`` one per positional argument of the call: the gradient with respect to
        each Tensor argument that requires grad, zeros for a Tensor that does not (PyTorch's
        values; no gradient leaves the module through it), None for non-Tensor arguments and
        for an output or input that received no gradient. Keyword arguments are not seen. The
        hook fires once per backward pass, however many outputs the module has, and it may
        return a tuple that replaces ``grad_input`` (only the entries of inputs that require
        grad go on). It must not change its arguments in place.

        When no input requires grad (the first layer, fed with data), the hook fires as soon
        as ``grad_output`` is known, with ``grad_input`` all None and a warning, as in PyTorch;
        it must then return None. Under ``create_graph=True`` the gradients are Tensors with
        a graph, and what the hook computes from them is differentiated again. Hooks registered
        after a call do not fire for that call (PyTorch takes them at the call too).

        Example:
            >>> import autograd_core as ac
            >>> import nn
            >>> lin = nn.Linear(2, 1)
            >>> h = lin.register_full_backward_hook(lambda m, gi, go: (gi[0] * 10,))
            >>> x = ac.ones(1, 2, requires_grad=True)
            >>> lin(x).sum().backward()
            >>> bool((x.grad == lin.weight * 10).all())
            True
            >>> h.remove()
        """
        return _register(self._backward_hooks, hook, prepend)

    def register_full_backward_pre_hook(
        self, hook: Callable[..., Any], prepend: bool = False
    ) -> RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients with respect to the module's
        outputs are known, before those with respect to its inputs are computed
        (``torch.nn.Module.register_full_backward_pre_hook``). A returned tuple (one entry per
        output) replaces ``grad_output`` for the rest of the backward pass through the module
        and for the full backward hooks.

        Example:
            >>> import autograd_core as ac
            >>> import nn
            >>> lin = nn.Linear(2, 1)
            >>> h = lin.register_full_backward_pre_hook(lambda m, go: (go[0] * 0,))
            >>> x = ac.ones(1, 2, requires_grad=True)
            >>> lin(x).sum().backward()
            >>> x.grad
            tensor([[0., 0.]])
        """
        return _register(self._backward_pre_hooks, hook, prepend)

    def _backward_hook_state(self) -> BackwardHookState | None:
        d = self.__dict__  # .get: a module unpickled from before these hooks has no lists
        hooks, pre_hooks = d.get("_backward_hooks"), d.get("_backward_pre_hooks")
        if not (hooks or pre_hooks):
            return None
        return BackwardHookState(self, tuple(hooks or ()), tuple(pre_hooks or ()))  # type: ignore[arg-type]


def _register(hooks: list[Any], hook: Callable[..., Any], prepend: bool) -> RemovableHandle:
    if not callable(hook):
        raise TypeError(f"backward hook: expected a callable, got {type(hook).__name__}.")
    hooks.insert(0, hook) if prepend else hooks.append(hook)
    return RemovableHandle(hooks, hook)
