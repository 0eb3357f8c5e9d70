"""``jacrev``, ``jacfwd`` and ``hessian``: ``torch.func``'s Jacobian transforms, computed by
``jacobians.jacobian_of`` (the code behind ``ac.functional.jacobian``).

The Jacobian of an output leaf of shape ``o`` with respect to an input leaf of shape ``i`` has
shape ``o + i``. Each output leaf is replaced by the Jacobians with respect to the arguments at
``argnums``, nested like those arguments (a tuple of them when ``argnums`` is a tuple).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autograd_core.func.batching import DrawRule, check_chunk_size, check_randomness
from autograd_core.func.levels import level_at, only_tensors, split_aux, tensor_leaves
from autograd_core.func.pytree import tree_flatten, tree_unflatten
from autograd_core.grad_mode import enable_grad
from autograd_core.jacobians import jacobian_of

__all__ = ["jacrev", "jacfwd", "hessian"]


def jacrev(
    func: Callable[..., Any],
    argnums: int | tuple[int, ...] = 0,
    *,
    has_aux: bool = False,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """A function returning the Jacobian of ``func`` with respect to the arguments at
    ``argnums``, by reverse mode: one vector-Jacobian product per output element
    (``torch.func.jacrev``). With ``has_aux=True`` it returns ``(jacobian, aux)``.

    ``chunk_size`` (None or a positive int) is checked as ``vmap`` checks it and changes
    nothing: the rows are always computed one at a time (PyTorch computes that many at once).

    Example:
        >>> import autograd_core as ac
        >>> ac.func.jacrev(lambda x: x ** 2)(ac.tensor([1.0, 3.0]))
        tensor([[2., 0.],
                [0., 6.]])
    """
    check_chunk_size(chunk_size, "jacrev")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _jacobian(func, argnums, has_aux, args, kwargs, "jacrev", by_columns=False)

    return wrapper


def jacfwd(
    func: Callable[..., Any],
    argnums: int | tuple[int, ...] = 0,
    has_aux: bool = False,
    *,
    randomness: str = "error",
) -> Callable[..., Any]:
    """A function returning the Jacobian of ``func`` with respect to the arguments at
    ``argnums``, column by column: one Jacobian-vector product per input element
    (``torch.func.jacfwd``), so it is the cheaper one when the inputs have fewer elements than
    the outputs. With ``has_aux=True`` it returns ``(jacobian, aux)``.

    PyTorch uses forward-mode AD under vmap; here each column is a JVP by the double-VJP trick
    on one recorded forward pass (same values). ``randomness`` is vmap's: ``"error"`` refuses
    random draws in ``func``; ``"same"`` and ``"different"`` allow them, and as ``func`` runs
    once, all columns see the same draw.

    Example:
        >>> import autograd_core as ac
        >>> ac.func.jacfwd(lambda x: x.sum() * x)(ac.tensor([1.0, 2.0]))
        tensor([[4., 1.],
                [2., 5.]])
    """
    check_randomness(randomness)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with DrawRule(randomness, "jacfwd").watching():
            return _jacobian(func, argnums, has_aux, args, kwargs, "jacfwd", by_columns=True)

    return wrapper


def hessian(func: Callable[..., Any], argnums: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """A function returning the Hessian of a scalar ``func`` with respect to the arguments at
    ``argnums`` (``torch.func.hessian``): for one input of shape ``s``, shape ``s + s``.

    PyTorch composes ``jacfwd(jacrev(func))``; here it is ``jacrev(jacrev(func))``, the same
    values, because reverse mode over reverse mode is the cheaper pair in this engine (the
    outer rows differentiate a second-order graph, where forward mode by double VJP would
    record a third-order one).

    Example:
        >>> import autograd_core as ac
        >>> ac.func.hessian(lambda x: (x ** 3).sum())(ac.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacrev(jacrev(func, argnums), argnums)


def _jacobian(
    func: Callable[..., Any],
    argnums: Any,
    has_aux: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    api: str,
    by_columns: bool,
) -> Any:
    level, call_args = level_at(args, argnums, api)
    with enable_grad():
        out, aux = split_aux(func(*call_args, **kwargs), has_aux, api)
        outs, out_spec = tree_flatten(out)
        only_tensors(outs, api)
        keep = level.reaches_outside([*outs, *tensor_leaves(aux)])
        rows = jacobian_of(outs, level.inputs, create_graph=keep, api=api, by_columns=by_columns)
    per_output = []
    for row in rows:
        per_arg = level.regroup(level.release(list(row), keep))
        per_output.append(tuple(per_arg) if isinstance(argnums, tuple) else per_arg[0])
    jac = tree_unflatten(per_output, out_spec)
    return (jac, level.release(aux, keep)) if has_aux else jac
