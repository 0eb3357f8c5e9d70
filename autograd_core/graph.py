"""Back-propagation from the user's side: ``backward`` and ``grad`` (``torch.autograd``'s
semantics), which check their arguments, seed the root gradients and run the ``sweep``
(sweep.py; topology.py has the graph's shape, node_vjp.py the work at one node).

Vertices of the graph are op nodes (one per op call, with one or more output tensors) and leaf
tensors that require grad.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from autograd_core.errors import BackwardError, GraphError, ShapeError
from autograd_core.sweep import sweep
from autograd_core.tensor import Tensor
from autograd_core.topology import reached, toposort, vertex
from autograd_core.version import WRITES, refuse_stale, stale_after

__all__ = [
    "backward",
    "grad",
    "toposort",
    "sweep",
    "root_grads",
    "vertex",
    "reached",
    "as_leaves",
]


def _regenerated(api: str, y: Tensor) -> bool:
    """``inplace_views.regenerated`` for a stale view that a backward starts from."""
    from autograd_core.inplace_views import regenerated

    return regenerated(api, y)


def root_grads(
    outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None, api: str
) -> list[Tensor]:
    """The seed gradients of a sweep: ``grad_outputs`` checked against ``outputs`` (``api``
    names the caller in errors), or 1 for a one-element output."""
    from autograd_core.creation import as_array

    grads = []
    for i, y in enumerate(outputs):
        given = None if grad_outputs is None else grad_outputs[i]
        if not isinstance(y, Tensor):
            raise BackwardError(f"{api}: output {i} is a {type(y).__name__}, not a Tensor.")
        if not y.requires_grad:
            if WRITES.recorded:
                refuse_stale(api, y)
            raise BackwardError(
                f"{api}: output {i} (shape {tuple(y.shape)}) does not require grad and has no "
                "graph, so there is nothing to differentiate. Create the inputs with "
                "requires_grad=True and make sure the computation is not under no_grad()."
            )
        if WRITES.recorded and stale_after(y) and not _regenerated(api, y):
            raise GraphError(
                f"{api}: output {i} (shape {tuple(y.shape)}) shares its memory with a tensor "
                "that was modified by a recorded in-place operation (the base of this view, or "
                "another view of it) after this output was made, so its graph would describe "
                "the values it had before. Take the view again after the in-place operation, "
                "or clone before modifying (x = x.clone()).",
                reason="stale-node",
            )
        if given is None:
            if y.data.size != 1:
                raise BackwardError(
                    f"{api}: needs a scalar output or an explicit gradient; output {i} has shape "
                    f"{tuple(y.shape)}. Call y.sum().backward() or pass "
                    "gradient=ac.ones_like(y)."
                )
            given = Tensor._make(y.xp.ones(y.shape, y.dtype), False, None)
        elif not isinstance(given, Tensor):
            given = Tensor._make(y.xp.asarray(as_array(given), dtype=y.dtype), False, None)
        if given.shape != y.shape:
            raise ShapeError(
                f"{api}: the gradient for output {i} has shape {tuple(given.shape)} but the "
                f"output has shape {tuple(y.shape)}; they must match."
            )
        grads.append(given)
    return grads


def backward(
    tensor: Tensor,
    gradient: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
) -> None:
    """Accumulate ∂tensor/∂leaf into ``leaf.grad`` for every leaf that requires grad.

    See ``Tensor.backward``.
    """
    if retain_graph is None:
        retain_graph = create_graph
    grads = root_grads([tensor], None if gradient is None else [gradient], "backward")
    sweep([tensor], grads, retain_graph=retain_graph, create_graph=create_graph)


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Return ∂outputs/∂inputs (summed over outputs, weighted by ``grad_outputs``) without
    touching any ``.grad``; the semantics of ``torch.autograd.grad``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor(3.0, requires_grad=True)
        >>> (dx,) = ac.grad(x ** 3, x, create_graph=True)
        >>> dx, ac.grad(dx, x)[0]
        (tensor(27., grad_fn=<mul>), tensor(18.))
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is not None and not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if retain_graph is None:
        retain_graph = create_graph
    if not inputs:  # (as torch: an empty list is most often a filter that matched nothing)
        raise BackwardError(
            "grad: `inputs` is empty, so there is nothing to take a gradient with respect to. "
            "Pass the tensors (with requires_grad=True) whose gradients you want."
        )
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise BackwardError(
                f"grad: input {i} does not require grad, so no gradient can be taken with "
                "respect to it. Create it with requires_grad=True."
            )
    grads = root_grads(outputs, grad_outputs, "grad")
    capture: dict[Any, Any] = {vertex(x): None for x in inputs}
    sweep(
        outputs,
        grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        capture=capture,
        must_reach=() if allow_unused else list(enumerate(inputs)),
    )
    return tuple(_captured(capture[vertex(x)], x, create_graph) for x in inputs)


def _captured(g: Any, x: Tensor, create_graph: bool) -> Tensor | None:
    """The gradient ``grad`` returns for input ``x``, from what the sweep captured for its
    vertex (one entry per output for an op with several)."""
    if type(g) is tuple:
        g = g[x.output_nr]
    if g is None:
        return None
    if not isinstance(g, Tensor):
        return Tensor._make(g, False, None)
    return g if create_graph or not g.requires_grad else g.detach()


@contextlib.contextmanager
def as_leaves(tensors: Sequence[Tensor]) -> Iterator[None]:
    """Inside the block the tensors stand as leaves without hooks, so a nested ``grad`` (a VJP
    that differentiates a recomputation: checkpoint, the CTC op's recorded VJP) stops at them
    and runs none of their hooks (the outer sweep does, once). Their history (``node``) and
    hooks are put back on exit; a graph recorded meanwhile (create_graph) holds the tensors
    themselves, and so reaches their history again."""
    kept = [(t, t.node, t._hooks) for t in tensors]
    for t in tensors:
        t.node, t._hooks = None, None
    try:
        yield
    finally:
        for t, node, hooks in kept:
            t.node, t._hooks = node, hooks
