"""``grad``, ``grad_and_value``, ``vjp`` and ``jvp``: ``torch.func``'s derivative transforms,
which take a function and return one that computes its derivative.

Inputs and outputs may be pytrees (tuples, lists, dicts) of tensors. The function is called on
inputs the transform makes itself, with grad mode on (an enclosing ``no_grad`` does not reach
inside, as in PyTorch), and the caller's tensors are never changed. Which results keep a graph
is explained in ``levels.py``: none at the top level, those that need it when nested inside
another transform or when the inputs or closed-over tensors require grad.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.func.levels import Level, level_at, only_tensors, split_aux, tensor_leaves
from autograd_core.func.pytree import tree_flatten, tree_unflatten
from autograd_core.grad_mode import enable_grad
from autograd_core.jacobians import jvp_of, vjp_of
from autograd_core.tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp"]


def grad_and_value(
    func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """A function returning ``(gradient, value)`` of ``func`` with respect to the arguments
    at ``argnums`` (``torch.func.grad_and_value``).

    ``func`` must return a 0-d Tensor, or ``(0-d Tensor, aux)`` with ``has_aux=True``; then
    the result is ``(gradient, (value, aux))``. The gradient has the structure of the argument
    (a tuple of them when ``argnums`` is a tuple); an input the value does not depend on gets
    zeros.

    Example:
        >>> import autograd_core as ac
        >>> g, value = ac.func.grad_and_value(lambda x: (x ** 2).sum())(ac.tensor([1.0, 3.0]))
        >>> g, value
        (tensor([2., 6.]), tensor(10.))
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _grad_and_value(func, argnums, has_aux, args, kwargs, "grad_and_value")

    return wrapper


def grad(
    func: Callable[..., Any], argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """A function returning the gradient of ``func`` with respect to the arguments at
    ``argnums`` (``torch.func.grad``); with ``has_aux=True`` it returns ``(gradient, aux)``.

    Transforms compose: ``grad(grad(f))`` is the second derivative, ``vmap(grad(f))`` gives
    per-sample gradients. See ``grad_and_value`` for the rules.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor(2.0)
        >>> ac.func.grad(lambda t: t ** 3)(x), ac.func.grad(ac.func.grad(lambda t: t ** 3))(x)
        (tensor(12.), tensor(12.))
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = _grad_and_value(func, argnums, has_aux, args, kwargs, "grad")
        return (g, value[1]) if has_aux else g

    return wrapper


def _grad_and_value(
    func: Callable[..., Any],
    argnums: Any,
    has_aux: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    api: str,
) -> tuple[Any, Any]:
    level, call_args = level_at(args, argnums, api)
    with enable_grad():
        out, aux = split_aux(func(*call_args, **kwargs), has_aux, api)
        if not isinstance(out, Tensor):
            raise TypeError(f"{api}: the function must return a Tensor, got {type(out).__name__}.")
        if out.ndim != 0:
            raise ShapeError(
                f"{api}: the function must return a 0-d (scalar) Tensor, got one of shape "
                f"{tuple(out.shape)}. Reduce it (e.g. .sum()), or use vjp or jacrev."
            )
        keep = level.reaches_outside([out, *tensor_leaves(aux)])
        gs = vjp_of([out], level.inputs, None, create_graph=keep, api=api)
    per_arg = level.regroup(level.release(list(gs), keep))
    g = tuple(per_arg) if isinstance(argnums, tuple) else per_arg[0]
    value = level.release(out, keep)
    return g, ((value, level.release(aux, keep)) if has_aux else value)


def vjp(func: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(func(*primals), vjp_fn)``, or ``(output, vjp_fn, aux)`` with ``has_aux=True``
    (``torch.func.vjp``).

    ``vjp_fn(cotangents)`` takes cotangents with the structure and shapes of the output and
    returns a tuple with one vector-Jacobian product per primal, shaped like it. It can be
    called several times (the graph is kept while ``vjp_fn`` lives); pass
    ``retain_graph=False`` to the last call to free it early.

    Example:
        >>> import autograd_core as ac
        >>> out, vjp_fn = ac.func.vjp(lambda x: x * x, ac.tensor([1.0, 2.0]))
        >>> vjp_fn(ac.ones(2))
        (tensor([2., 4.]),)
    """
    level = Level(primals, "vjp")
    with enable_grad():
        out, aux = split_aux(func(*level.args()), has_aux, "vjp")
        outs, out_spec = tree_flatten(out)
        only_tensors(outs, "vjp")
        keep = level.reaches_outside([*outs, *tensor_leaves(aux)])

    def vjp_fn(cotangents: Any, retain_graph: bool = True, create_graph: bool | None = None) -> Any:
        cts, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise ValueError(
                "vjp_fn: the cotangents must have the structure of the function's output: "
                f"got {ct_spec}, the output is {out_spec}."
            )
        for i, (c, o) in enumerate(zip(cts, outs)):
            if not isinstance(c, Tensor):
                raise TypeError(f"vjp_fn: cotangent {i} is a {type(c).__name__}, not a Tensor.")
            if c.shape != o.shape:
                raise ShapeError(
                    f"vjp_fn: cotangent {i} has shape {tuple(c.shape)} but output {i} has shape "
                    f"{tuple(o.shape)}; they must match."
                )
        record = keep or any(c.requires_grad for c in cts) or bool(create_graph)
        with enable_grad():
            gs = vjp_of(outs, level.inputs, cts, create_graph=record, retain_graph=retain_graph)
        return tuple(level.regroup(level.release(list(gs), record)))

    result = (level.release(out, keep), vjp_fn)
    return (*result, level.release(aux, keep)) if has_aux else result


def jvp(
    func: Callable[..., Any],
    primals: tuple[Any, ...],
    tangents: tuple[Any, ...],
    *,
    strict: bool = False,
    has_aux: bool = False,
) -> tuple[Any, ...]:
    """``(func(*primals), J·tangents)``, or ``(output, jvp_out, aux)`` with ``has_aux=True``
    (``torch.func.jvp``): the directional derivative of ``func`` at ``primals`` along
    ``tangents``, which have the primals' structure and shapes.

    PyTorch computes it in forward mode; here it is the double-VJP trick (``jacobians.py``):
    for g(u) = Jᵀu, J v = ∂⟨g(u), v⟩/∂u. Same values, at the cost of a forward pass and two
    backward passes.

    Example:
        >>> import autograd_core as ac
        >>> out, jv = ac.func.jvp(lambda x: x ** 3, (ac.tensor([1.0, 2.0]),), (ac.ones(2),))
        >>> jv
        tensor([ 3., 12.])
    """
    for what, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise TypeError(
                f"jvp: expected {what} to be a tuple (so that func(*primals) is the call), got "
                f"{type(value).__name__}. Wrap a single tensor: ({what[:-1]},)."
            )
    level = Level(primals, "jvp")
    vs, t_spec = tree_flatten(tangents)
    p_spec = tree_flatten(primals)[1]
    if t_spec != p_spec:
        raise ValueError(
            f"jvp: primals and tangents must have the same structure; got primals {p_spec} "
            f"and tangents {t_spec}."
        )
    for i, (v, x) in enumerate(zip(vs, level.inputs)):
        if not isinstance(v, Tensor) or v.shape != x.shape:
            what = f"shape {tuple(v.shape)}" if isinstance(v, Tensor) else type(v).__name__
            raise ShapeError(
                f"jvp: tangent {i} is a {what} but its primal has shape {tuple(x.shape)}; each "
                "tangent must be a Tensor of its primal's shape."
            )
    with enable_grad():
        out, aux = split_aux(func(*level.args()), has_aux, "jvp")
        outs, out_spec = tree_flatten(out)
        only_tensors(outs, "jvp")
        keep = level.reaches_outside([*outs, *tensor_leaves(aux)]) or any(
            v.requires_grad for v in vs
        )
        jv = jvp_of(outs, level.inputs, vs, create_graph=keep, strict=strict, api="jvp")
    jv = tree_unflatten(list(level.release(list(jv), keep)), out_spec)
    result = (level.release(out, keep), jv)
    return (*result, level.release(aux, keep)) if has_aux else result
