"""The back-propagation sweep that ``backward``, ``grad``, ``grad_table`` and
``backprop_steps`` all run, split by job (seed, visit, send, finish); node_vjp.py holds the
work at one node.

The walk is the back-propagation algorithm of Goodfellow, Bengio & Courville, *Deep Learning*
§6.5.3, Algorithm 6.2 (general form §6.5.6; also the course notes' back-propagation chapter): a
reverse topological sweep that fills a ``GradTable``. Every recorded op gets a sequence number,
and the sweep visits op nodes from the highest number down, the reverse of creation order (the
algorithm's "for j = n − 1 down to 1"; PyTorch's sequence_nr). It is a loop over a heap, not a
recursion, so a chain of any length back-propagates; each edge is visited once, and each node's
saved arrays are released right after its VJP unless ``retain_graph`` is set.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy

from autograd_core import device as _device
from autograd_core.errors import BackwardError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.grad_table import GradTable
from autograd_core.hooks import POST_ACCUMULATE, post_accumulate_hooks
from autograd_core.node_vjp import apply_hooks, call_vjp, fit_grad, store_grad
from autograd_core.op import Op, edges_of_pair
from autograd_core.op_origin import vjp_count_error
from autograd_core.tensor import Tensor
from autograd_core.topology import reached, vertex
from autograd_core.version import WRITES, check_inputs, resolved_inputs

__all__ = ["sweep", "Trace"]

Trace = Callable[..., None]
_ndarray = numpy.ndarray


class _Sweep:
    """One run of back-propagation, split by job: ``seed`` the roots' entries, ``visit`` each
    op node in decreasing sequence number, ``send`` its VJPs along its edges, ``finish`` the
    leaves. Op nodes come off a heap in the reverse of creation order; an op is always created
    after its inputs, so when a node comes off the heap every child that can send it a gradient
    has already done so, and no child counts are needed (PyTorch orders its ready queue by the
    same sequence numbers). Leaves, which have no parents, are finished last, in the order
    they were reached, except those with post-accumulate-grad hooks: ``pending`` counts the
    gradients each of them is still to receive (``_arrivals``), and the last one to arrive
    finishes it at once."""

    __slots__ = (
        "table",
        "create_graph",
        "retain_graph",
        "capture",
        "trace",
        "watched",
        "direct",
        "heap",
        "leaves",
        "add",
        "pop",
        "last_write",
        "pending",
    )

    def __init__(
        self,
        table: GradTable,
        create_graph: bool,
        retain_graph: bool,
        capture: dict[Any, Any] | None,
        trace: Trace | None,
        pending: dict[Tensor, int] | None = None,
    ) -> None:
        self.table = table
        self.create_graph = create_graph
        self.retain_graph = retain_graph
        self.capture = capture
        self.trace = trace
        # what runs once per node is decided once per sweep
        self.watched = capture is not None or trace is not None
        # a plain backward's VJP on one array can be called directly (no anomaly checks to run,
        # no CUDA device to enter)
        self.direct = not create_graph and not ANOMALY.enabled and not _device.CUPY_LOADED
        self.heap: list[tuple[int, Op]] = []
        self.leaves: list[Tensor] = []
        self.add, self.pop = table.add, table.pop  # called once per edge and node
        self.last_write = WRITES.last if not WRITES.recorded else 1 << 62  # nodes to check
        self.pending = pending

    def seed(self, roots: Sequence[Tensor], grads: Sequence[Tensor]) -> None:
        """grad_table[u(n)] ← the root gradients (the user's, never written to)."""
        for t, g in zip(roots, grads):
            self._enter(t, g if self.create_graph else g.data, False, None)

    def _enter(self, x: Tensor, g: Any, owned: bool, child: Op | None) -> None:
        """Add ``g`` to the entry of ``x``'s vertex; a vertex reached for the first time joins
        the sweep (an op node the heap, a leaf the list). Ownership is tracked for leaves and
        for nodes whose VJP may write into ȳ (``reuses_gy``); ``send`` inlines the second case.
        """
        node = x.node
        if node is None:
            if self.table.add(x, g, owned, child):
                self.leaves.append(x)
            if self.pending is not None and x in self.pending:
                self.pending[x] -= 1
                if self.pending[x] == 0:  # its last gradient: final now
                    self.finish(x)
        elif node.n_outputs == 1:
            if self.table.add(node, g, owned if node.reuses_gy else None, child):
                heapq.heappush(self.heap, (-node.seq, node))
        elif self.table.add_output(node, x.output_nr, g, child):
            heapq.heappush(self.heap, (-node.seq, node))

    def run(self) -> None:
        heap, visit = self.heap, self.visit
        if self.direct and not self.watched and type(self.table) is GradTable:
            self.run_plain()
        while heap:
            visit(heapq.heappop(heap)[1])
        pending = self.pending or {}
        for leaf in self.leaves:
            if pending.get(leaf) != 0:  # (0: finished when its last gradient arrived)
                self.finish(leaf)
        self.table.assert_empty()

    def visit(self, op: Op) -> None:
        """Pop grad_table[u(j)] for op node u(j), show it to hooks, retained grads, ``grad()``
        and the trace, then send its VJPs to the parents and release the node."""
        if op.reuses_gy:  # its entry's ownership is tracked: may the VJP write into it?
            g, owned = self.table.take(op)
            op.gy_is_free = owned and self.direct and not (op.hooks or op.retained or self.watched)
        else:
            g = self.pop(op, None)
        inputs = op.inputs
        if inputs is None:
            raise op.freed_error()
        if op.seq < self.last_write:  # something was changed in place after op was recorded
            check_inputs(op)
        if op.hooks or op.retained or self.watched:
            g = self._hand_out(op, g)
        if op.n_outputs == 1:
            if g is None:
                grads: tuple[Any, ...] = (None,) * len(inputs)
            elif self.direct and op.array_vjp:
                # the common case, called directly: a plain backward's VJP on one array
                grads = op.vjp(g)
                if type(grads) is not tuple or len(grads) != len(inputs):
                    raise vjp_count_error(op, grads)
            else:
                grads = call_vjp(op, (g,), self.create_graph)
        elif all(gk is None for gk in g):
            grads = (None,) * len(inputs)
        else:
            grads = call_vjp(op, tuple(g), self.create_graph)
        self.send(op, grads, op.fresh_grads and not self.create_graph)
        if not self.retain_graph:
            op.release(g)

    def run_plain(self) -> None:
        """``visit``, ``send`` and ``Op.release`` in one loop, calls and lookups hoisted, for
        the usual node of a plain backward (``Op.plain``, not written in place since); others
        go to ``visit``. A node reached while no other waits is the next to visit: it skips the
        heap and its gradient the table (``ahead``, ``ahead_g``; in a chain, every node)."""
        heap, table, last_write, retain = self.heap, self.table, self.last_write, self.retain_graph
        pop, push, hpop, ndarray = table.pop, heapq.heappush, heapq.heappop, _ndarray
        ahead = ahead_g = None
        while heap or ahead is not None:
            if ahead is None:
                op = hpop(heap)[1]
                g = pop(op, None)
            else:
                op, g, ahead = ahead, ahead_g, None
            if g is None or not op.plain or op.seq < last_write:
                table[op] = g  # (visit takes it from the table)
                self.visit(op)
                continue
            inputs = op.inputs
            if inputs is None:
                raise op.freed_error()
            grads = op.vjp(g)
            if type(grads) is not tuple or len(grads) != len(inputs):
                raise vjp_count_error(op, grads)
            fresh = op.fresh_grads
            i = -1
            for x, gx, need in zip(inputs, grads, op.needs_input_grad):
                i += 1
                if not need:
                    continue
                owned = fresh
                if gx is not None:
                    xd = x.data
                    # (dtypes of the built-in kinds are singletons; fit_grad checks any other)
                    if type(gx) is not ndarray or gx.shape != xd.shape or gx.dtype is not xd.dtype:
                        gx, owned = fit_grad(op, i, x, gx, fresh)
                node = x.node
                if node is None or not node.plain:  # a leaf, or an entry _enter must track
                    self._enter(x, gx, owned, op)
                elif node is ahead:  # (both inputs of y * y)
                    if gx is not None:
                        ahead_g = gx if ahead_g is None else ahead_g + gx
                elif node not in table:  # GradTable.add for an untracked op node, inline
                    if heap or ahead is not None:
                        table[node] = gx
                        push(heap, (-node.seq, node))
                    else:
                        ahead, ahead_g = node, gx
                elif gx is not None:
                    prev = table[node]
                    table[node] = gx if prev is None else prev + gx
            if not retain and len(inputs) == 2 and type(g) is ndarray:  # Op.release, no call
                op.edges, op.out_shape, op.out_dtype = edges_of_pair(op), g.shape, g.dtype
                op.inputs = op.out = op.saved = None
            elif not retain:
                op.release(g)
            if ahead is not None and heap:
                table[ahead] = ahead_g
                push(heap, (-ahead.seq, ahead))
                ahead = None

    def _hand_out(self, op: Op, g: Any) -> Any:
        """Run the node's hooks on each output's gradient, store retained gradients, and show
        the result to ``grad()`` and the trace."""
        multi = op.n_outputs != 1
        gs = list(g) if multi else [g]
        for k, gk in enumerate(gs):
            if gk is not None and op.hooks:
                gs[k] = apply_hooks(op.hooks, gk, k)[0]
        for ref in op.retained or ():
            t = ref()
            if t is not None and gs[t.output_nr] is not None:
                store_grad(t, gs[t.output_nr], False)
        g = tuple(gs) if multi else gs[0]
        if self.capture is not None and op in self.capture:
            self.capture[op] = g
        if self.trace is not None:
            self.trace("node", op, _as_tensors(g))
        return g

    def send(self, op: Op, grads: tuple[Any, ...], fresh: bool) -> None:
        """grad_table[u(j)] += grad_table[u(i)] · ∂u(i)/∂u(j) for each parent u(j) of op u(i):
        each gradient is fitted to its input (broadcast reduced, dtype cast) and added."""
        trace, add, recorded, ndarray = self.trace, self.add, self.create_graph, _ndarray
        i = -1  # (a counter instead of enumerate: one iterator less per node)
        for x, gx, need in zip(op.inputs, grads, op.needs_input_grad):
            i += 1
            if not need:
                continue
            owned = fresh
            if gx is not None:
                xd = x.data
                gd = gx.data if recorded else gx
                # dtypes of the built-in kinds are singletons: `is` settles the usual case; a
                # NumPy scalar (a 0-d product) or a CuPy array is checked by fit_grad
                if (
                    type(gd) is not ndarray
                    or gd.shape != xd.shape
                    or (gd.dtype is not xd.dtype and gd.dtype != xd.dtype)
                ):
                    gx, owned = fit_grad(op, i, x, gx, fresh)
                if trace is not None:
                    trace("edge", op, i, x.node or x, _as_tensors(gx))
            node = x.node
            if node is not None and node.n_outputs == 1:  # _enter's usual case, inline
                if add(node, gx, owned if node.reuses_gy else None, op):
                    heapq.heappush(self.heap, (-node.seq, node))
            else:
                self._enter(x, gx, owned, op)

    def finish(self, leaf: Tensor) -> None:
        """A leaf's entry is final: run its hooks, then store it into ``.grad`` (or hand it
        to ``grad()``, which leaves ``.grad`` alone)."""
        g, owned = self.table.take(leaf)
        if g is not None and leaf._hooks:
            g, replaced = apply_hooks(leaf._hooks, g)
            owned = owned and not replaced
        if self.trace is not None:
            self.trace("leaf", leaf, _as_tensors(g))
        if self.capture is None:
            if g is not None and leaf._requires_grad:  # (detach_()-ed since: none, as torch)
                store_grad(leaf, g, owned)
                if self.pending is not None:
                    for hook in list(post_accumulate_hooks(leaf) or ()):
                        hook(leaf)
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
def _sweep_settings() -> Iterator[None]:
    # No cyclic collector: the sweep makes many short-lived objects and no cycles (bench_engine's
    # 100,000-op chain). No NumPy float warnings, as PyTorch's backward (√x at 0 gives inf
    # silently; ``detect_anomaly`` reports it): ~0.7 µs a sweep, hooks included.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with numpy.errstate(all="ignore"):
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
    # post-accumulate-grad hooks (a backward, not grad()): count what each hooked leaf will get
    pending = _arrivals(roots) if POST_ACCUMULATE and capture is None else None
    run = _Sweep(table, create_graph, retain_graph, capture, trace, pending)
    prev_mode = MODE.enabled
    MODE.enabled = create_graph
    try:
        with _sweep_settings():
            run.seed(roots, grads)
            run.run()
    finally:
        MODE.enabled = prev_mode


def _arrivals(roots: Sequence[Tensor]) -> dict[Tensor, int] | None:
    """For each leaf with a post-accumulate-grad hook that the sweep from ``roots`` reaches,
    how many gradients it will receive: one per root it is, one per edge that needs a gradient
    from an op node the sweep visits (``x * x`` sends two). The sweep ``_enter``s a leaf once
    per such gradient, None or not, so counting down finds its last one. None if none."""
    counts: dict[Tensor, int] = {}
    seen: set[Op] = set()
    stack: list[Op] = []
    for t in roots:
        if t.node is None:
            if post_accumulate_hooks(t):
                counts[t] = counts.get(t, 0) + 1
        elif t.node not in seen:
            seen.add(t.node)
            stack.append(t.node)
    while stack:
        op = stack.pop()
        if op.inputs is None:
            continue  # a freed node: the sweep raises when it gets there
        for t, need in zip(resolved_inputs(op), op.needs_input_grad):
            if not need:
                continue
            node = t.node
            if node is None:
                if post_accumulate_hooks(t):
                    counts[t] = counts.get(t, 0) + 1
            elif node not in seen:
                seen.add(node)
                stack.append(node)
    return counts or None


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
