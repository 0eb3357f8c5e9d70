"""Back-propagation over the recorded graph: ``backward``, ``grad`` and the inspectable grad table.

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
from dataclasses import dataclass, field
from typing import Any

import numpy

from autograd_core.broadcast import sum_to_array
from autograd_core.errors import BackwardError, ShapeError, VJPError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.grad_table import GradTable
from autograd_core.op import Op, _check_finite
from autograd_core.ops.reduce import SumTo
from autograd_core.tensor import Tensor

_ndarray = numpy.ndarray

__all__ = ["backward", "grad", "grad_table", "GradTableEntry", "GradTableReport", "toposort"]

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


class _NoDoubleBackward(Op):
    """Stands for the gradient of an op whose VJP is not differentiable; differentiating it
    again raises instead of silently returning zero."""

    name = "no_double_backward"

    def forward(self, *xs: Any, value: Any, op: str) -> Any:
        return value

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        raise BackwardError(
            f"{self.params['op']}: this op does not support double backward, but a second "
            "derivative through it was asked for. Restructure the computation, or compute "
            "this second derivative numerically (autograd_core.gradcheck)."
        )


def _run_vjp(op: Op, g: Tensor, create_graph: bool) -> tuple[Tensor | None, ...]:
    """Call the op's VJP. Recording is already set to ``create_graph`` for the whole sweep."""
    if ANOMALY.enabled:
        # The ops inside a VJP are not checked one by one: the VJP's results are, under the
        # name of the op that owns it (an inf inside can be legitimate).
        ANOMALY.enabled = False
        try:
            return _run_vjp(op, g, create_graph)
        finally:
            ANOMALY.enabled = True
    if create_graph and not op.double_backward:
        MODE.enabled = False
        try:
            grads = op.vjp(g)
        finally:
            MODE.enabled = True
        return tuple(
            None if gx is None else _NoDoubleBackward.apply(*op.inputs, value=gx.data, op=op.label)
            for gx in grads
        )
    return op.vjp(g)


def _array_vjp(op: Op, g: Tensor, owned: bool) -> tuple[Tensor | None, ...] | None:
    """``op.vjp_arrays`` on the gradient's array, its results wrapped as constant Tensors (a
    sweep that records nothing: the same values as ``op.vjp``, without its Tensor ops).
    ``owned``: the sweep alone holds ``g``'s array, so ``vjp_arrays_in_place`` may write into
    it. Returns None when the op leaves the case to ``vjp``."""
    in_place = op.vjp_arrays_in_place if owned else None
    arrays = (in_place or op.vjp_arrays)(g.data)
    if arrays is None:  # a case the array form leaves to the Tensor form
        return None
    if type(arrays) is not tuple:
        return arrays  # not one gradient per input: _run's check names the op
    # one and two inputs without a loop: this runs once per node of every backward pass
    xp = op.xp
    if len(arrays) == 1:
        (a,) = arrays
        return (None if a is None else _as_const(a, xp),)
    if len(arrays) == 2:
        a, b = arrays
        return (None if a is None else _as_const(a, xp)), (None if b is None else _as_const(b, xp))
    return tuple([None if a is None else _as_const(a, xp) for a in arrays])


def _as_const(a: Any, xp: Any) -> Tensor:
    # (a reduction of a 0-d array gives a NumPy scalar: made an array again)
    return Tensor._make(a if type(a) is _ndarray else xp.asarray(a), False, None)


def _check_grads(op: Op, grads: Any) -> None:
    """Raise the error for a VJP that did not return one gradient (or None) per input."""
    n = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
    raise VJPError(
        f"{op.label}.vjp returned {n} gradients for {len(op.inputs)} inputs. "
        "This is a bug in the op, not in your code."
    )


def _fit_grad(op: Op, i: int, x: Tensor, gx: Tensor, plain: bool) -> Tensor:
    """At the engine boundary: reduce a broadcast gradient with ``sum_to`` (ops registered with
    ``broadcasts=True``), cast to the input's dtype, and refuse any other shape as an op bug.
    In a sweep that records nothing (``plain``) the sum is taken on the array directly."""
    if gx.data.shape != x.data.shape:
        if op.broadcasts:
            if plain:
                gx = Tensor._make(sum_to_array(gx.data, x.data.shape), False, None)
            else:
                gx = SumTo.apply(gx, shape=x.data.shape)
        if gx.data.shape != x.data.shape:
            raise VJPError(
                f"{op.label}.vjp returned a gradient of shape {tuple(gx.shape)} for input "
                f"{i} of shape {tuple(x.shape)}. This is a bug in the op, not in your code."
            )
    if gx.data.dtype != x.data.dtype:
        gx = gx.astype(x.data.dtype)
    return gx


def _apply_hooks(hooks: list[Any] | None, g: Tensor) -> Tensor:
    for hook in list(hooks or ()):
        new = hook(g)
        if new is not None:
            if not isinstance(new, Tensor) or new.shape != g.shape:
                raise BackwardError(
                    f"hook {hook!r} returned {type(new).__name__} "
                    f"{getattr(new, 'shape', '')}; a hook must return None or a Tensor of the "
                    f"gradient's shape {tuple(g.shape)}."
                )
            g = new
    return g


def _store_grad(t: Tensor, g: Tensor, create_graph: bool, claimed: set[int]) -> None:
    """Add ``g`` into ``t.grad``: the first gradient is taken over when nothing else can hold
    its array, later ones are added in place (HIPS autograd's lesson: no zero-fill)."""
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    arr = g.data
    if t.grad is None:
        if arr.base is not None or id(arr) in claimed or not arr.flags.writeable:
            arr = arr.copy()
        claimed.add(id(arr))
        t.grad = Tensor._make(arr, False, None)
    elif t.grad.requires_grad:  # a graph-carrying grad from an earlier create_graph backward
        t.grad = Tensor._make(t.grad.data + arr, False, None)
    else:
        t.grad.data += arr


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
                        if sole and p is not x and p.vjp_arrays_in_place is not None:
                            owned.add(id(gx.data))
                else:  # the first edge into p: p joins the sweep
                    grads_d[p] = gx
                    if p is x:
                        leaves.append(p)
                    else:
                        heappush(heap, (-p.seq, p))
                        # (only a node that can write into its ȳ needs to know it owns it)
                        if sole and gx is not None and p.vjp_arrays_in_place is not None:
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


@dataclass
class GradTableEntry:
    """One row of the grad table: a node u(j) of the graph and ∂ℒ/∂u(j).

    Attributes:
        vertex: the op node (for a value computed by an op) or the leaf tensor.
        label: the op's label, or the leaf's name (``"leaf"`` when unnamed).
        shape: the shape of u(j).
        grad: ∂ℒ/∂u(j) as an array, the sum of ``contributions``.
        contributions: ``(child_label, array)`` per edge u(j) → u(i), the terms
            grad_table[u(i)] · ∂u(i)/∂u(j) of the seeds' sum.
    """

    vertex: Any
    label: str
    shape: tuple[int, ...]
    grad: Any
    contributions: list[tuple[str, Any]] = field(default_factory=list)


class GradTableReport(list):
    """The grad table of one backward sweep: a list of GradTableEntry in the order the sweep
    filled it (the loss first, the leaves last), with lookup by tensor."""

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, Tensor):
            v = _vertex(key)
            for e in self:
                if e.vertex is v:
                    return e
            raise KeyError("this tensor is not a node of the graph")
        return super().__getitem__(key)

    def __str__(self) -> str:
        lines = []
        for j, e in enumerate(self):
            lines.append(
                f"grad_table[u{len(self) - j}] {e.label} {e.shape}: "
                f"{len(e.contributions)} contribution(s), |grad| = "
                f"{float((e.grad.astype('float64') ** 2).sum() ** 0.5):.6g}"
            )
        return "\n".join(lines)


def grad_table(loss: Tensor, gradient: Any = None) -> GradTableReport:
    """Run back-propagation from ``loss`` and return the full grad table, without touching any
    ``.grad`` and keeping the graph.

    Every node of the graph gets an entry holding ∂loss/∂node and the per-child contributions
    that were summed into it, so the sweep can be compared line by line with the algorithm of
    ``seeds/002_*.txt`` or the delta rule of ``seeds/001_*.txt``.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor(2.0, requires_grad=True)
        >>> table = ac.grad_table(x * x + x)   # fan-out: x feeds mul twice and add once
        >>> [len(e.contributions) for e in table]
        [1, 1, 3]
        >>> float(table[x].grad)
        5.0
    """
    gt = GradTable(record=True)
    order: list[tuple[Any, Tensor | None]] = []

    def trace(event: str, v: Any, *rest: Any) -> None:
        if event in ("node", "leaf"):
            order.append((v, rest[0]))

    grads = _root_grads([loss], None if gradient is None else [gradient], "grad_table")
    capture: dict[Any, Tensor | None] = {}
    _run(
        [loss], grads, retain_graph=True, create_graph=False, capture=capture, table=gt, trace=trace
    )
    report = GradTableReport()
    contribs = gt.contributions or {}
    for v, g in order:
        label = (v.name or "leaf") if isinstance(v, Tensor) else v.label
        terms = [("output" if c is None else c.label, t.data) for c, t in contribs.get(v, [])]
        shape = tuple(v.shape) if isinstance(v, Tensor) else tuple(g.shape)
        report.append(GradTableEntry(v, label, shape, None if g is None else g.data, terms))
    return report
