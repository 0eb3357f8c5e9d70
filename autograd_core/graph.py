"""Back-propagation over the recorded graph: ``backward`` and ``grad`` (``grad_table`` in
grad_table_report.py runs the same sweep and shows it; node_vjp.py holds the work at one node).

The walk is the algorithm of ``seeds/002_*.txt`` (Goodfellow et al., §6.5): a reverse
topological sweep that fills a ``GradTable``. Every recorded op gets a sequence number, and the
sweep visits op nodes from the highest number down, the reverse of creation order (the seeds'
"for j = n − 1 down to 1"; PyTorch's sequence_nr). It is a loop over a heap, not a recursion,
so a chain of any length back-propagates; each edge is visited once, and each node's saved
arrays are released right after its VJP unless ``retain_graph`` is set.

Vertices of the graph are op nodes (one per non-leaf tensor; every op has one output) and leaf
tensors that require grad.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Callable, Sequence
from typing import Any

from autograd_core.errors import BackwardError, ShapeError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.grad_table import GradTable
from autograd_core.node_vjp import (
    _apply_hooks,
    _array_vjp,
    _check_grads,
    _fit_grad,
    _run_vjp,
    _store_grad,
)
from autograd_core.op import Op, _check_finite
from autograd_core.tensor import Tensor

__all__ = ["backward", "grad", "toposort"]

Trace = Callable[..., None]


def _vertex(t: Tensor) -> Any:
    return t.node or t


def _parents(op: Op) -> list[Any]:
    if op.inputs is None:
        raise op._freed()
    return [_vertex(t) if need else None for t, need in zip(op.inputs, op.needs_input_grad)]


def _reached(roots: Sequence[Any]) -> dict[Any, None]:
    """The vertices reachable from ``roots`` through edges that need a gradient (an ordered set;
    a root is in it only when another root reaches it). Raises GraphFreedError on a freed node."""
    reached: dict[Any, None] = {}
    stack = [v for v in roots if not isinstance(v, Tensor)]
    roots_set = set(roots)
    while stack:
        op = stack.pop()
        inputs = op.inputs
        if inputs is None:
            raise op._freed()
        for t, need in zip(inputs, op.needs_input_grad):
            if not need:
                continue
            p = t.node or t
            if p not in reached:
                reached[p] = None
                if p is not t and p not in roots_set:
                    stack.append(p)
    return reached


def toposort(*outputs: Tensor) -> list[Any]:
    """The vertices reachable from ``outputs`` in the order back-propagation visits them:
    op nodes from the last created to the first, then the leaves in the order they are reached.
    """
    roots = list(dict.fromkeys(_vertex(t) for t in outputs if t.requires_grad))
    vertices = dict.fromkeys(roots) | _reached(roots)
    ops = sorted((v for v in vertices if not isinstance(v, Tensor)), key=lambda op: -op.seq)
    leaves = {v: None for v in roots if isinstance(v, Tensor)}
    for op in ops:
        for p in _parents(op):
            if isinstance(p, Tensor):
                leaves[p] = None
    return [*ops, *leaves]


def _run(
    roots: Sequence[Tensor],
    root_grads: Sequence[Tensor],
    *,
    retain_graph: bool,
    create_graph: bool,
    capture: dict[Any, Tensor | None] | None = None,
    table: GradTable | None = None,
    trace: Trace | None = None,
    must_reach: Sequence[tuple[int, Tensor]] = (),
) -> None:
    """The back-propagation sweep shared by ``backward``, ``grad`` and ``grad_table``.

    Op nodes are visited in decreasing sequence number, that is in the reverse of the order the
    forward pass created them: the seeds' "for j = n − 1 down to 1". An op is always created
    after its inputs, so when a node comes off the heap every child that can send it a gradient
    has already done so, and no child counts are needed (PyTorch orders its ready queue by the
    same sequence numbers). A vertex enters the heap when its first edge arrives; leaves, which
    have no parents, are finished last, in the order they were reached.

    ``capture`` maps the vertices whose gradients ``grad`` returns; when it is given, no leaf's
    ``.grad`` is touched. ``trace(event, ...)`` is told each step (for step-through tools).
    ``must_reach`` lists the inputs of ``grad`` that a path must reach, checked before any VJP
    runs. This loop runs once per node of every backward pass, so it is written for speed: the
    grad table's dictionary is used directly when no contributions are recorded.
    """
    table = table if table is not None else GradTable()
    heap: list[tuple[int, Op]] = []
    leaves: list[Tensor] = []
    for t, g in zip(roots, root_grads):
        v = _vertex(t)
        if v not in table:
            if isinstance(v, Tensor):
                leaves.append(v)
            else:
                heapq.heappush(heap, (-v.seq, v))
        table.accumulate(v, g, None)
    if must_reach:
        _check_reached(roots, must_reach)
    claimed = {id(g.data) for g in root_grads}
    grads_d = table._grads
    recording = table.contributions is not None
    capturing = capture is not None
    plain = not create_graph and not ANOMALY.enabled  # the VJP can be called directly
    # Arrays (by id) of grad-table entries that nothing but the table holds: new arrays from
    # an array VJP that promises them (``fresh_grads``) or from summing fan-in. A VJP may
    # then write its result into its ȳ (``vjp_arrays_in_place``), as NumPy reuses a temporary.
    # Ids are dropped as their entries leave the table, so a dead array's id never lingers.
    owned: set[int] = set()
    reuse = plain and not recording and trace is None
    heappop, heappush = heapq.heappop, heapq.heappush
    prev_mode = MODE.enabled
    MODE.enabled = create_graph
    # The sweep allocates many short-lived tensors and creates no reference cycles, so the
    # cyclic collector only costs time here (BENCHMARKING.md: ~2x on a 100,000-op chain).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while heap:
            op: Op = heappop(heap)[1]
            g = grads_d.pop(op)
            inputs = op.inputs
            if inputs is None:
                raise op._freed()
            g_owned = False
            if owned and g is not None and id(g.data) in owned:
                owned.discard(id(g.data))
                g_owned = not (op.hooks or op.retained or (capturing and op in capture))
            if g is not None:
                if op.hooks:
                    g = _apply_hooks(op.hooks, g)
                if op.retained:
                    for ref in op.retained:
                        t = ref()
                        if t is not None:
                            _store_grad(t, g, create_graph, claimed)
            if capturing and op in capture:
                capture[op] = g
            if trace is not None:
                trace("node", op, g)
            fresh = False  # the VJP's results are arrays nothing else holds
            if g is None:
                grads = (None,) * len(inputs)
            else:
                if plain and op.double_backward:
                    grads = None
                    if op.vjp_arrays is not None:
                        grads = _array_vjp(op, g, g_owned)
                        fresh = reuse and op.fresh_grads and grads is not None
                    if grads is None:
                        grads = op.vjp(g)
                else:
                    grads = _run_vjp(op, g, create_graph)
                if type(grads) is not tuple or len(grads) != len(inputs):
                    _check_grads(op, grads)  # raises the VJPError that names the op
                if ANOMALY.enabled:
                    for gx in grads:
                        if gx is not None:
                            _check_finite(op.label, gx.data, "backward", op.created_at)
            i = -1
            for x, gx, need in zip(inputs, grads, op.needs_input_grad):
                i += 1
                if not need:
                    continue
                p = x.node or x
                sole = fresh
                if gx is not None:
                    gd, xd = gx.data, x.data
                    # dtypes of the built-in kinds are singletons: `is` settles the usual case
                    if gd.shape != xd.shape or (gd.dtype is not xd.dtype and gd.dtype != xd.dtype):
                        gx = _fit_grad(op, i, x, gx, plain)
                        sole = False
                    if recording:
                        table.contributions.setdefault(p, []).append((op, gx))
                    if trace is not None:
                        trace("edge", op, i, p, gx)
                if p in grads_d:
                    if gx is not None:
                        prev = grads_d[p]
                        if prev is None:
                            grads_d[p] = gx
                        else:
                            if owned:
                                owned.discard(id(prev.data))
                            grads_d[p] = gx = prev + gx
                            sole = reuse  # a new array from the sum
                else:  # the first edge into p: p joins the sweep
                    grads_d[p] = gx
                    if p is x:
                        leaves.append(p)
                    else:
                        heappush(heap, (-p.seq, p))
                # gx is now p's entry (or None): record it as owned when p can use that
                if sole and gx is not None and p is not x and p.vjp_arrays_in_place is not None:
                    owned.add(id(gx.data))
            if not retain_graph:
                op.release()
        for v in leaves:
            g = grads_d.pop(v)
            if g is not None:
                if v._hooks:
                    g = _apply_hooks(v._hooks, g)
                if trace is not None:
                    trace("leaf", v, g)
                if not capturing:
                    _store_grad(v, g, create_graph, claimed)
            if capturing and v in capture:
                capture[v] = g
    finally:
        MODE.enabled = prev_mode
        if gc_was_enabled:
            gc.enable()
    table.assert_empty()


def _check_reached(roots: Sequence[Tensor], must_reach: Sequence[tuple[int, Tensor]]) -> None:
    """Raise for the first input of ``grad`` that no path from the outputs reaches."""
    vertices = list(dict.fromkeys(_vertex(t) for t in roots))
    reached = _reached(vertices)
    for i, x in must_reach:
        v = _vertex(x)
        if v not in reached and not any(v is r for r in vertices):
            raise BackwardError(
                f"grad: input {i} (shape {tuple(x.shape)}) is not reached from the outputs: no "
                "path of the graph leads to it. Pass allow_unused=True to get None for it."
            )


def _root_grads(
    outputs: Sequence[Tensor], grad_outputs: Sequence[Any] | None, api: str
) -> list[Tensor]:
    from autograd_core.creation import as_array

    grads = []
    for i, y in enumerate(outputs):
        given = None if grad_outputs is None else grad_outputs[i]
        if not isinstance(y, Tensor):
            raise BackwardError(f"{api}: output {i} is a {type(y).__name__}, not a Tensor.")
        if not y.requires_grad:
            raise BackwardError(
                f"{api}: output {i} (shape {tuple(y.shape)}) does not require grad and has no "
                "graph, so there is nothing to differentiate. Create the inputs with "
                "requires_grad=True and make sure the computation is not under no_grad()."
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
    grads = _root_grads([tensor], None if gradient is None else [gradient], "backward")
    _run([tensor], grads, retain_graph=retain_graph, create_graph=create_graph)


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
    for i, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise BackwardError(
                f"grad: input {i} does not require grad, so no gradient can be taken with "
                "respect to it. Create it with requires_grad=True."
            )
    grads = _root_grads(outputs, grad_outputs, "grad")
    capture: dict[Any, Tensor | None] = {_vertex(x): None for x in inputs}
    _run(
        outputs,
        grads,
        retain_graph=retain_graph,
        create_graph=create_graph,
        capture=capture,
        must_reach=() if allow_unused else list(enumerate(inputs)),
    )
    result = []
    for x in inputs:
        g = capture[_vertex(x)]
        if g is not None and not create_graph and g.requires_grad:
            g = g.detach()
        result.append(g)
    return tuple(result)
