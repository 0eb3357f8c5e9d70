"""Back-propagation over the recorded graph: ``backward`` and ``grad``, and the ``sweep`` that
both run (``grad_table`` in grad_table_report.py and ``backprop_steps`` in steps.py run it too,
with a trace; node_vjp.py holds the work at one node).

The walk is the back-propagation algorithm of Goodfellow, Bengio & Courville, *Deep Learning*
§6.5.3, Algorithm 6.2 (general form §6.5.6; also the course notes' back-propagation chapter): a
reverse topological sweep
that fills a ``GradTable``. Every recorded op gets a sequence number, and the sweep visits op
nodes from the highest number down, the reverse of creation order (the algorithm's
"for j = n − 1 down to 1"; PyTorch's sequence_nr). It is a loop over a heap, not a recursion,
so a chain of any length back-propagates; each edge is visited once, and each node's saved
arrays are released right after its VJP unless ``retain_graph`` is set.

Vertices of the graph are op nodes (one per op call, with one or more output tensors) and leaf
tensors that require grad.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from autograd_core.errors import BackwardError, ShapeError
from autograd_core.grad_mode import MODE
from autograd_core.grad_table import GradTable
from autograd_core.node_vjp import apply_hooks, call_vjp, fit_grad, store_grad
from autograd_core.op import Op
from autograd_core.tensor import Tensor

__all__ = ["backward", "grad", "toposort", "sweep", "root_grads", "vertex", "reached"]

Trace = Callable[..., None]


def vertex(t: Tensor) -> Any:
    """The graph vertex of a tensor: the op node that produced it, or the tensor (a leaf)."""
    return t.node or t


def reached(roots: Sequence[Any]) -> dict[Any, None]:
    """The vertices reachable from ``roots`` through edges that need a gradient (an ordered set;
    a root is in it only when another root reaches it). Raises GraphFreedError on a freed node."""
    seen: dict[Any, None] = {}
    stack = [v for v in roots if not isinstance(v, Tensor)]
    roots_set = set(roots)
    while stack:
        op = stack.pop()
        if op.inputs is None:
            raise op.freed_error()
        for t, need in zip(op.inputs, op.needs_input_grad):
            p = t.node or t
            if need and p not in seen:
                seen[p] = None
                if p is not t and p not in roots_set:
                    stack.append(p)
    return seen


def toposort(*outputs: Tensor) -> list[Any]:
    """The vertices reachable from ``outputs`` in the order back-propagation visits them:
    op nodes from the last created to the first, then the leaves in the order they are reached.
    """
    roots = list(dict.fromkeys(vertex(t) for t in outputs if t.requires_grad))
    vertices = dict.fromkeys(roots) | reached(roots)
    ops = sorted((v for v in vertices if not isinstance(v, Tensor)), key=lambda op: -op.seq)
    leaves = {v: None for v in roots if isinstance(v, Tensor)}
    for op in ops:
        if op.inputs is None:
            raise op.freed_error()
        for t, need in zip(op.inputs, op.needs_input_grad):
            if need and t.node is None:
                leaves[t] = None
    return [*ops, *leaves]


class _Sweep:
    """One run of back-propagation, split by job: ``seed`` the roots' entries, ``visit`` each
    op node in decreasing sequence number, ``send`` its VJPs along its edges, ``finish`` the
    leaves. Op nodes come off a heap in the reverse of creation order; an op is always created
    after its inputs, so when a node comes off the heap every child that can send it a gradient
    has already done so, and no child counts are needed (PyTorch orders its ready queue by the
    same sequence numbers). Leaves, which have no parents, are finished last, in the order
    they were reached."""

    def __init__(self, table: GradTable, create_graph: bool, retain_graph: bool) -> None:
        self.table = table
        self.create_graph = create_graph
        self.retain_graph = retain_graph
        self.heap: list[tuple[int, Op]] = []
        self.leaves: list[Tensor] = []
        self.capture: dict[Any, Any] | None = None
        self.trace: Trace | None = None

    def seed(self, roots: Sequence[Tensor], grads: Sequence[Tensor]) -> None:
        """grad_table[u(n)] ← the root gradients (the user's, never written to)."""
        for t, g in zip(roots, grads):
            self._enter(t, g if self.create_graph else g.data, False, None)

    def _enter(self, x: Tensor, g: Any, owned: bool, child: Op | None) -> None:
        """Add ``g`` to the entry of ``x``'s vertex; a vertex reached for the first time joins
        the sweep (an op node the heap, a leaf the list)."""
        node = x.node
        if node is None:
            if self.table.add(x, g, owned, child):
                self.leaves.append(x)
        elif node.n_outputs == 1:
            if self.table.add(node, g, owned, child):
                heapq.heappush(self.heap, (-node.seq, node))
        elif self.table.add_output(node, x.output_nr, g, child):
            heapq.heappush(self.heap, (-node.seq, node))

    def run(self) -> None:
        heap, visit = self.heap, self.visit
        while heap:
            visit(heapq.heappop(heap)[1])
        for leaf in self.leaves:
            self.finish(leaf)
        self.table.assert_empty()

    def visit(self, op: Op) -> None:
        """Pop grad_table[u(j)] for op node u(j), show it to hooks, retained grads, ``grad()``
        and the trace, then send its VJPs to the parents and release the node."""
        g, owned = self.table.pop(op)
        if op.inputs is None:
            raise op.freed_error()
        if op.hooks or op.retained:
            g = self._hand_out(op, g)
        if self.capture is not None and op in self.capture:
            self.capture[op] = g
        if self.trace is not None:
            self.trace("node", op, _as_tensors(g))
        multi = op.n_outputs != 1
        if g is None or (multi and all(gk is None for gk in g)):
            grads: tuple[Any, ...] = (None,) * len(op.inputs)
        else:
            grads = call_vjp(op, g if multi else (g,), self.create_graph)
        self.send(op, grads, op.fresh_grads and not self.create_graph)
        if not self.retain_graph:
            op.release()

    def _hand_out(self, op: Op, g: Any) -> Any:
        """Run the node's hooks on each output's gradient and store retained gradients."""
        multi = op.n_outputs != 1
        gs = list(g) if multi else [g]
        for k, gk in enumerate(gs):
            if gk is not None and op.hooks:
                gs[k] = apply_hooks(op.hooks, gk, k)[0]
        for ref in op.retained or ():
            t = ref()
            if t is not None and gs[t.output_nr] is not None:
                store_grad(t, gs[t.output_nr], False)
        return tuple(gs) if multi else gs[0]

    def send(self, op: Op, grads: tuple[Any, ...], fresh: bool) -> None:
        """grad_table[u(j)] += grad_table[u(i)] · ∂u(i)/∂u(j) for each parent u(j) of op u(i):
        each gradient is fitted to its input (broadcast reduced, dtype cast) and added."""
        trace = self.trace
        for i, (x, gx, need) in enumerate(zip(op.inputs, grads, op.needs_input_grad)):
            if not need:
                continue
            owned = fresh
            if gx is not None:
                xd = x.data
                gd = gx.data if self.create_graph else gx
                # dtypes of the built-in kinds are singletons: `is` settles the usual case
                if gd.shape != xd.shape or (gd.dtype is not xd.dtype and gd.dtype != xd.dtype):
                    gx, owned = fit_grad(op, i, x, gx, fresh)
                if trace is not None:
                    trace("edge", op, i, x.node or x, _as_tensors(gx))
            self._enter(x, gx, owned, op)

    def finish(self, leaf: Tensor) -> None:
        """A leaf's entry is final: run its hooks, then store it into ``.grad`` (or hand it
        to ``grad()``, which leaves ``.grad`` alone)."""
        g, owned = self.table.pop(leaf)
        if g is not None and leaf._hooks:
            g, replaced = apply_hooks(leaf._hooks, g)
            owned = owned and not replaced
        if self.trace is not None:
            self.trace("leaf", leaf, _as_tensors(g))
        if self.capture is None:
            if g is not None:
                store_grad(leaf, g, owned)
        elif leaf in self.capture:
            self.capture[leaf] = g


def _as_tensors(g: Any) -> Any:
    """A gradient as the trace shows it: a Tensor (or a tuple of them, one per output)."""
    if g is None or isinstance(g, Tensor):
        return g
    if type(g) is tuple:
        return tuple(_as_tensors(gk) for gk in g)
    return Tensor._make(g, False, None)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # The sweep allocates many short-lived objects and creates no reference cycles, so the
    # cyclic collector only costs time here (bench/bench_engine.py's 100,000-op chain).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def sweep(
    roots: Sequence[Tensor],
    grads: Sequence[Tensor],
    *,
    retain_graph: bool,
    create_graph: bool,
    capture: dict[Any, Any] | None = None,
    table: GradTable | None = None,
    trace: Trace | None = None,
    must_reach: Sequence[tuple[int, Tensor]] = (),
) -> None:
    """The back-propagation sweep shared by ``backward``, ``grad``, ``grad_table`` and
    ``backprop_steps``.

    Args:
        roots, grads: the outputs and their gradients (``root_grads`` checks and builds them).
        retain_graph: keep every node's saved arrays, so the graph can be swept again.
        create_graph: record the sweep (Tensors throughout), so gradients are differentiable.
        capture: vertices whose gradient ``grad`` returns, filled in place; when given, no
            leaf's ``.grad`` is touched. A plain sweep fills it with arrays.
        table: the GradTable to use (``grad_table`` passes one that records contributions).
        trace: ``trace(event, ...)`` is told each step: ``"node"``, ``"edge"``, ``"leaf"``.
        must_reach: ``(index, input)`` pairs of ``grad`` that some path must reach, checked
            before any VJP runs.
    """
    if table is None:  # (a trace keeps each term it is shown: nothing may be added into it)
        table = GradTable(in_place=not create_graph and trace is None)
    if must_reach:
        _check_reached(roots, must_reach)
    run = _Sweep(table, create_graph, retain_graph)
    run.capture, run.trace = capture, trace
    prev_mode = MODE.enabled
    MODE.enabled = create_graph
    try:
        with _collector_paused():
            run.seed(roots, grads)
            run.run()
    finally:
        MODE.enabled = prev_mode


def _check_reached(roots: Sequence[Tensor], must_reach: Sequence[tuple[int, Tensor]]) -> None:
    """Raise for the first input of ``grad`` that no path from the outputs reaches."""
    vertices = list(dict.fromkeys(vertex(t) for t in roots))
    seen = reached(vertices)
    for i, x in must_reach:
        v = vertex(x)
        if v not in seen and not any(v is r for r in vertices):
            raise BackwardError(
                f"grad: input {i} (shape {tuple(x.shape)}) is not reached from the outputs: no "
                "path of the graph leads to it. Pass allow_unused=True to get None for it."
            )


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
