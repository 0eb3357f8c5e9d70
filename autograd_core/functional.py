"""Higher-level derivatives built on ``grad``: vjp, jvp, jacobian, hessian, hvp, vhp.

The argument conventions are those of ``torch.autograd.functional``: ``inputs`` is a Tensor or a
tuple of Tensors, and results mirror that nesting. The products themselves live in
``jacobians.py`` (shared with the torch.func-style transforms of ``autograd_core.func``);
forward-mode ones are computed with the double-VJP trick described there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core.errors import BackwardError, ShapeError
from autograd_core.grad_mode import enable_grad
from autograd_core.jacobians import jacobian_of, jvp_of, prepare_inputs, vjp_of
from autograd_core.tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x: Any, what: str, api: str) -> tuple[bool, tuple[Tensor, ...]]:
    is_tuple = isinstance(x, (tuple, list))
    items = tuple(x) if is_tuple else (x,)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{api}: {what} {i} must be a Tensor, got {type(t).__name__}.")
    return is_tuple, items


def _check_v(v: tuple[Tensor, ...], like: tuple[Tensor, ...], api: str, what: str) -> None:
    if len(v) != len(like):
        raise ShapeError(f"{api}: expected {len(like)} tensor(s) in v, got {len(v)}.")
    for i, (a, b) in enumerate(zip(v, like)):
        if a.shape != b.shape:
            raise ShapeError(
                f"{api}: v[{i}] has shape {tuple(a.shape)} but {what} {i} has shape "
                f"{tuple(b.shape)}; they must match."
            )


def _finish(t: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    return t if create_graph else tuple(x.detach() for x in t)


def vjp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """Return ``(func(inputs), vᵀ J)``, the vector-Jacobian product.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0])
        >>> out, g = ac.functional.vjp(lambda t: t * t, x, ac.ones(2))
        >>> g
        tensor([2., 4.])
    """
    in_tuple, xs = _as_tuple(inputs, "input", "vjp")
    with enable_grad():
        xs = prepare_inputs(xs, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "output", "vjp")
        if v is None:
            if len(outs) != 1 or outs[0].numel() != 1:
                raise BackwardError("vjp: v may be omitted only when func returns one element.")
            vs = None
        else:
            _, vs = _as_tuple(v, "v", "vjp")
            _check_v(vs, outs, "vjp", "output")
        gs = vjp_of(outs, xs, vs, create_graph=create_graph, strict=strict, api="vjp")
    gs = _finish(gs, create_graph)
    outs = _finish(outs, create_graph)
    return (outs if out_tuple else outs[0]), (gs if in_tuple else gs[0])


def jvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """Return ``(func(inputs), J v)``, the Jacobian-vector product (by the double-VJP trick).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0])
        >>> out, jv = ac.functional.jvp(lambda t: t ** 3, x, ac.ones(2))
        >>> jv
        tensor([ 3., 12.])
    """
    in_tuple, xs = _as_tuple(inputs, "input", "jvp")
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise BackwardError("jvp: v may be omitted only when the input has one element.")
        from autograd_core.creation import ones_like

        vs = (ones_like(xs[0]),)
    else:
        _, vs = _as_tuple(v, "v", "jvp")
        _check_v(vs, xs, "jvp", "input")
    with enable_grad():
        xs = prepare_inputs(xs, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "output", "jvp")
        jv = jvp_of(outs, xs, vs, create_graph=create_graph, strict=strict, api="jvp")
    jv = _finish(jv, create_graph)
    outs = _finish(outs, create_graph)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])


def jacobian(
    func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: for one output and one input a Tensor of shape
    ``output.shape + input.shape``; tuples of them when ``func`` or ``inputs`` are tuples
    (``J[i][j]`` = ∂output_i/∂input_j), as ``torch.autograd.functional.jacobian``.

    Example:
        >>> import autograd_core as ac
        >>> ac.functional.jacobian(lambda t: t * t, ac.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    in_tuple, xs = _as_tuple(inputs, "input", "jacobian")
    with enable_grad():
        xs = prepare_inputs(xs, create_graph)
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "output", "jacobian")
        rows = jacobian_of(outs, xs, create_graph=create_graph, strict=strict, api="jacobian")
    result = [_finish(r, create_graph) for r in rows]
    if not in_tuple:
        result = [r[0] for r in result]
    return tuple(result) if out_tuple else result[0]


def hessian(
    func: Callable[..., Any], inputs: Any, create_graph: bool = False, strict: bool = False
) -> Any:
    """The Hessian of a scalar ``func``: shape ``input.shape + input.shape`` for one input,
    ``H[i][j]`` = ∂²f/∂input_i∂input_j for a tuple of inputs.

    Example:
        >>> import autograd_core as ac
        >>> ac.functional.hessian(lambda t: (t ** 3).sum(), ac.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    in_tuple, xs = _as_tuple(inputs, "input", "hessian")

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        out = func(*args)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise ShapeError(
                "hessian: func must return a single one-element Tensor; got "
                f"{type(out).__name__} {getattr(out, 'shape', '')}."
            )
        return vjp_of([out], args, None, create_graph=True, strict=strict, api="hessian")

    h = jacobian(gradient, xs, create_graph=create_graph, strict=strict)
    return h if in_tuple else h[0][0]


def hvp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """Return ``(func(inputs), H v)`` for a scalar ``func`` without forming H.

    Example:
        >>> import autograd_core as ac
        >>> out, hv = ac.functional.hvp(lambda t: (t ** 3).sum(), ac.tensor([1.0, 2.0]),
        ...                             ac.ones(2))
        >>> hv
        tensor([ 6., 12.])
    """
    return _second_order(func, inputs, v, create_graph, strict, "hvp")


def vhp(
    func: Callable[..., Any],
    inputs: Any,
    v: Any,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Tensor, Any]:
    """Return ``(func(inputs), vᵀ H)``; equal to ``hvp`` because H is symmetric for twice
    continuously differentiable functions."""
    return _second_order(func, inputs, v, create_graph, strict, "vhp")


def _second_order(
    func: Callable[..., Any], inputs: Any, v: Any, create_graph: bool, strict: bool, api: str
) -> tuple[Tensor, Any]:
    in_tuple, xs = _as_tuple(inputs, "input", api)
    _, vs = _as_tuple(v, "v", api)
    _check_v(vs, xs, api, "input")
    with enable_grad():
        xs = prepare_inputs(xs, create_graph)
        out = func(*xs)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise ShapeError(f"{api}: func must return a single one-element Tensor.")
        gs = vjp_of([out], xs, None, create_graph=True, api=api)
        # Hv as the VJP of the gradient with cotangent v: vᵀH, the same as H is symmetric
        hv = vjp_of(gs, xs, vs, create_graph=create_graph, strict=strict, api=api)
    hv = _finish(hv, create_graph)
    return _finish((out,), create_graph)[0], (hv if in_tuple else hv[0])
