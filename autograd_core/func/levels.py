"""What the differentiating transforms share: reading ``argnums``, splitting ``(output, aux)``,
and the inputs of one call (a "level"), with the rule that decides which results keep a graph.

A transform differentiates with respect to inputs it makes itself: a fresh leaf for an input
that does not require grad, an identity of it for one that does (so results stay connected to
it). Its results are then detached unless they reach, through the recorded graph, a tensor that
requires grad and is not one of these fresh leaves: an enclosing transform's input (the inner
``grad`` of ``grad(grad(f))``), a caller's tensor with ``requires_grad=True``, or a parameter the
function closes over. That is ``torch.func``'s behaviour: ``grad(f)(x)`` does not require grad,
``grad(grad(f))(x)`` works, and ``grad(f)(w)`` for a ``w`` that requires grad can be
back-propagated to ``w``. Only when some result needs it is the backward pass recorded
(``create_graph=True``); otherwise it runs at plain-backward speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.errors import GraphFreedError
from autograd_core.func.pytree import TreeSpec, tree_flatten, tree_map, tree_unflatten
from autograd_core.grad_mode import is_grad_enabled
from autograd_core.jacobians import prepare_inputs
from autograd_core.tensor import Tensor
from autograd_core.topology import reached, vertex

__all__ = [
    "Level",
    "normalize_argnums",
    "level_at",
    "split_aux",
    "only_tensors",
    "tensor_leaves",
    "func_name",
]


def func_name(func: Any) -> str:
    """How error messages name ``func`` (PyTorch's ``vmap(<name>, ...)``)."""
    return getattr(func, "__name__", None) or repr(func)


def normalize_argnums(argnums: Any, nargs: int, api: str) -> tuple[int, ...]:
    """``argnums`` (an int or a non-empty tuple of distinct ints, negative counting from the
    end) as non-negative positions among ``nargs`` positional arguments."""
    many = isinstance(argnums, tuple)
    nums = argnums if many else (argnums,)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in nums):
        raise TypeError(f"{api}: argnums must be an int or a tuple of ints, got {argnums!r}.")
    if not nums:
        raise ValueError(f"{api}: argnums must be non-empty; pass the positions to differentiate.")
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(
                f"{api}: got argnums={argnums!r}, but only {nargs} positional inputs were given. "
                f"Use positions in [-{nargs}, {nargs})."
            )
    nums = tuple(n % nargs for n in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{api}: argnums elements must be unique, got {argnums!r}.")
    return nums


def split_aux(out: Any, has_aux: bool, api: str) -> tuple[Any, Any]:
    """``(output, aux)`` from what the function returned."""
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(
            f"{api}: with has_aux=True the function must return a tuple (output, aux); got "
            f"{type(out).__name__}{f' of length {len(out)}' if isinstance(out, tuple) else ''}."
        )
    return out


def only_tensors(outs: Sequence[Any], api: str) -> None:
    """Refuse a function output whose leaves are not all Tensors."""
    for o in outs:
        if not isinstance(o, Tensor):
            raise TypeError(
                f"{api}: the function must return only Tensors (or tuples, lists and dicts of "
                f"them); got a {type(o).__name__}."
            )


def tensor_leaves(tree: Any) -> list[Tensor]:
    """The tensors among the leaves of ``tree``."""
    return [t for t in tree_flatten(tree)[0] if isinstance(t, Tensor)]


class Level:
    """The inputs of one call of a differentiating transform, and the rule for its results.

    Args:
        trees: one pytree of Tensors per differentiated argument.
        api: the transform's name, for errors.

    Attributes:
        inputs: the flat tensors to differentiate with respect to.
        specs: one TreeSpec per argument, to rebuild them (``args``) and the gradients.
        outer: whether grad mode was on at the call (off: no result keeps a graph).
    """

    def __init__(self, trees: Sequence[Any], api: str) -> None:
        flat: list[Tensor] = []
        self.specs: list[TreeSpec] = []
        for k, tree in enumerate(trees):
            leaves, spec = tree_flatten(tree)
            for t in leaves:
                if not isinstance(t, Tensor):
                    raise TypeError(
                        f"{api}: differentiated argument {k} holds a {type(t).__name__}, not a "
                        "Tensor. Only Tensors (or tuples, lists and dicts of them) can be "
                        "differentiated: leave that argument out of argnums."
                    )
            flat.extend(leaves)
            self.specs.append(spec)
        self.outer = is_grad_enabled()
        self.inputs = prepare_inputs(flat, keep_graph=self.outer)
        self._own = {id(t) for t in self.inputs if t.is_leaf}

    def args(self) -> list[Any]:
        """The differentiated arguments rebuilt around ``inputs``."""
        return self.regroup(self.inputs)

    def regroup(self, flat: Sequence[Any]) -> list[Any]:
        """One pytree per argument from a flat sequence aligned with ``inputs``."""
        out, start = [], 0
        for spec in self.specs:
            out.append(tree_unflatten(list(flat[start : start + spec.num_leaves]), spec))
            start += spec.num_leaves
        return out

    def reaches_outside(self, tensors: Sequence[Any]) -> bool:
        """Whether any of ``tensors`` depends, through the graph, on a tensor that requires
        grad and was not made by this level."""
        if not self.outer:
            return False
        roots = [vertex(t) for t in tensors if isinstance(t, Tensor) and t.requires_grad]
        if any(isinstance(v, Tensor) and id(v) not in self._own for v in roots):
            return True
        try:
            seen = reached([v for v in roots if not isinstance(v, Tensor)])
        except GraphFreedError:  # a freed graph from outside: keep the result connected
            return True
        return any(isinstance(v, Tensor) and id(v) not in self._own for v in seen)

    def release(self, tree: Any, keep: bool) -> Any:
        """``tree`` with each tensor detached unless ``keep`` and it reaches outside."""

        def one(t: Any) -> Any:
            if not isinstance(t, Tensor) or not t.requires_grad:
                return t
            return t if keep and self.reaches_outside([t]) else t.detach()

        return tree_map(one, tree)


def level_at(args: tuple[Any, ...], argnums: Any, api: str) -> tuple[Level, list[Any]]:
    """The Level of the arguments at ``argnums`` (``normalize_argnums``), and the positional
    arguments to call the function with: ``args`` with those replaced by the level's."""
    nums = normalize_argnums(argnums, len(args), api)
    level = Level([args[n] for n in nums], api)
    call_args = list(args)
    for n, arg in zip(nums, level.args()):
        call_args[n] = arg
    return level, call_args
