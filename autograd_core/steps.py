r"""Stepping through back-propagation: the grad-table algorithm, one node at a time.

Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.5.3, Algorithm 6.2 (also the course
notes' back-propagation chapter)::

    grad_table[u(n)] ← 1
    for j = n − 1 down to 1:
        grad_table[u(j)] ← Σ_{i: j ∈ Pa(u(i))} grad_table[u(i)] · ∂u(i)/∂u(j)
    return {grad_table[u(i)] | i = 1, …, n_i}

``backprop_steps(loss)`` runs the engine's own sweep (``graph.sweep`` with a ``trace``) on a
retained graph, without touching any ``.grad``, and yields one ``BackpropStep`` per node u(j):
the upstream gradient grad_table[u(j)] it popped, and for each edge to a parent the local
vector-Jacobian product and the grad-table entry it was added to. ``format_steps`` prints the
same as the numbered lines of the algorithm, so a lecture and the code line up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy

from autograd_core import device as _device
from autograd_core.graph import root_grads, sweep
from autograd_core.op import Op
from autograd_core.tensor import Tensor

__all__ = ["BackpropStep", "EdgeStep", "backprop_steps", "format_steps"]


@dataclass(frozen=True)
class EdgeStep:
    """One edge u(j) → u(i) of a step: the term grad_table[u(i)] · ∂u(i)/∂u(j).

    Attributes:
        input_index: which input of the op u(i) the parent is.
        parent: the parent vertex (an op node, or a leaf tensor).
        parent_j: the parent's index j in the algorithm's numbering u(1) … u(n).
        parent_label: the parent's op label, or the leaf's name.
        vjp: the local vector-Jacobian product (the term added), as an array.
        entry: grad_table[u(j)] right after the term was added (the running sum).
    """

    input_index: int
    parent: Any
    parent_j: int
    parent_label: str
    vjp: Any
    entry: Any


@dataclass(frozen=True)
class BackpropStep:
    """One step of the sweep: node u(j) pops its grad_table entry and sends VJPs to its parents.

    Attributes:
        index: the step number, from 1.
        j: the node's index in the algorithm's numbering (n for the output, 1 for the
            first input).
        vertex: the op node, or the leaf tensor (leaves end a path: no edges).
        label: the op's label, or the leaf's name (``"leaf"`` when unnamed).
        kind: ``"output"`` (the first step, whose entry is the seed 1), ``"op"`` or ``"leaf"``.
        upstream: grad_table[u(j)] = ∂ℒ/∂u(j) as an array (None if no gradient reached it).
        edges: the VJPs sent to the parents, in input order.
    """

    index: int
    j: int
    vertex: Any
    label: str
    kind: str
    upstream: Any
    edges: tuple[EdgeStep, ...] = field(default=())

    def summary(self) -> str:
        """One line: ``u(4) tanh: grad_table[u(4)] popped, 1 term sent to u(3)``."""
        if self.kind == "leaf":
            return f"u({self.j}) {self.label}: leaf, grad_table[u({self.j})] is final"
        sent = ", ".join(f"u({e.parent_j})" for e in self.edges) or "no parent"
        return f"u({self.j}) {self.label}: grad_table[u({self.j})] popped, VJPs sent to {sent}"


def _label(v: Any) -> str:
    return v.label if isinstance(v, Op) else (v.name or "leaf")


def _host(arr: Any) -> Any:
    return arr if isinstance(arr, numpy.ndarray) else _device.to_device(arr, "cpu")


def _host_grad(g: Any) -> Any:
    """A node's upstream gradient as host arrays (a tuple of them for an op with several
    outputs; None where nothing arrived)."""
    if g is None:
        return None
    if type(g) is tuple:
        return tuple(_host_grad(gk) for gk in g)
    return _host(g.data)


def backprop_steps(loss: Tensor, gradient: Any = None) -> Iterator[BackpropStep]:
    """Yield the steps of back-propagation from ``loss`` in the order the engine runs them.

    The graph is kept (``retain_graph``) and no ``.grad`` is touched, so ``loss.backward()``
    still works afterwards and gives the gradients the last steps show.

    Args:
        loss: a scalar tensor that requires grad (or any tensor, with ``gradient``).
        gradient: the seed ∂ℒ/∂loss when ``loss`` is not a scalar.

    Yields:
        ``BackpropStep`` records: step 1 is the output u(n), the last ones the leaves.

    Raises:
        BackwardError: ``loss`` has no graph, or is not a scalar and no gradient was given.
        GraphFreedError: a backward() without ``retain_graph`` already released the graph.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor(2.0, requires_grad=True)
        >>> steps = list(backprop_steps(x * x + x))
        >>> [(s.j, s.label, len(s.edges)) for s in steps]
        [(3, 'add', 2), (2, 'mul', 2), (1, 'leaf', 0)]
        >>> float(steps[-1].upstream)
        5.0
    """
    grads = root_grads([loss], None if gradient is None else [gradient], "backprop_steps")
    events: list[tuple[Any, ...]] = []

    def trace(event: str, *args: Any) -> None:
        events.append((event, *args))

    sweep([loss], grads, retain_graph=True, create_graph=False, capture={}, trace=trace)
    order = [e[1] for e in events if e[0] in ("node", "leaf")]
    n = len(order)
    j_of = {id(v): n - i for i, v in enumerate(order)}
    running: dict[int, Any] = {}
    pending: list[EdgeStep] = []
    current: tuple[Any, ...] | None = None
    steps: list[BackpropStep] = []

    def close() -> None:
        if current is None:
            return
        event, v, g = current
        kind = "leaf" if event == "leaf" else ("output" if not steps else "op")
        upstream = _host_grad(g)
        steps.append(
            BackpropStep(len(steps) + 1, j_of[id(v)], v, _label(v), kind, upstream, tuple(pending))
        )

    for event in events:
        if event[0] == "edge":
            _, _, i, parent, gx = event
            term = _host(gx.data)
            prev = running.get(id(parent))
            running[id(parent)] = term if prev is None else prev + term
            pending.append(
                EdgeStep(i, parent, j_of[id(parent)], _label(parent), term, running[id(parent)])
            )
            continue
        close()
        pending = []
        current = event
    close()
    yield from steps


def _fmt(a: Any, decimals: int) -> str:
    if a is None:
        return "None"
    a = numpy.asarray(a)
    if a.size > 12:
        norm = float(numpy.sqrt(numpy.sum(numpy.abs(a.astype(numpy.float64)) ** 2)))
        return f"<{a.shape} array, norm {norm:.{decimals}g}>"
    if a.ndim == 0:
        return f"{float(a):.{decimals}g}"
    return numpy.array2string(a, precision=decimals, separator=", ", suppress_small=True)


def format_steps(loss: Tensor, decimals: int = 4, gradient: Any = None, params: Any = None) -> str:
    """The forward graph and the back-propagation sweep from ``loss`` as numbered lines of the
    back-propagation algorithm (what ``autograd-core trace`` prints).

    Args:
        loss: a scalar tensor that requires grad.
        decimals: significant digits of the numbers shown.
        gradient: the seed when ``loss`` is not a scalar.
        params: a module (``named_parameters()``) or ``{name: tensor}`` naming the leaves.

    Returns:
        Text: the forward graph u(1) … u(n), then one numbered block per step.
    """
    steps = list(backprop_steps(loss, gradient))
    n = len(steps)
    j_of = {id(s.vertex): s.j for s in steps}
    named = dict(params.named_parameters()) if hasattr(params, "named_parameters") else params
    names = {id(p): name for name, p in (named or {}).items()}
    steps = [replace(s, label=names[id(s.vertex)]) if id(s.vertex) in names else s for s in steps]
    lines = [f"Forward graph G ({n} nodes, topological order):"]
    for s in reversed(steps):
        v = s.vertex
        if isinstance(v, Tensor):
            lines.append(f"  u({s.j}) = {s.label:<12} leaf {tuple(v.shape)} {v.dtype}")
            continue
        args = []
        for x in v.inputs:
            xv = x.node if x.node is not None else x
            args.append(f"u({j_of[id(xv)]})" if id(xv) in j_of else f"const{tuple(x.shape)}")
        params = ", ".join(f"{k}={p!r}" for k, p in (v.params or {}).items() if p is not None)
        call = ", ".join(args + ([params] if params else []))
        lines.append(f"  u({s.j}) = {v.label}({call})")
    lines.append("")
    lines.append(
        "Back-propagation (Deep Learning, Algorithm 6.2): grad_table[u(n)] <- 1; "
        "for j = n-1 down to 1: grad_table[u(j)] <- sum_i grad_table[u(i)] * du(i)/du(j)"
    )
    for s in steps:
        head = f"{s.index:>3}. j = {s.j}: u({s.j}) = {s.label}"
        if s.kind == "output":
            lines.append(f"{head}   grad_table[u({s.j})] <- 1 = {_fmt(s.upstream, decimals)}")
        elif s.kind == "leaf":
            lines.append(f"{head}   (input) grad_table[u({s.j})] = {_fmt(s.upstream, decimals)}")
        else:
            lines.append(f"{head}   pop grad_table[u({s.j})] = {_fmt(s.upstream, decimals)}")
        for e in s.edges:
            lines.append(
                f"       edge u({e.parent_j}) -> u({s.j}): grad_table[u({s.j})] * "
                f"du({s.j})/du({e.parent_j}) = {s.label}.vjp[{e.input_index}] = "
                f"{_fmt(e.vjp, decimals)}"
            )
            lines.append(
                f"         grad_table[u({e.parent_j})] += that  ->  {_fmt(e.entry, decimals)}"
            )
    inputs = [s for s in steps if s.kind == "leaf"]
    lines.append("")
    lines.append(
        "return {" + ", ".join(f"grad_table[u({s.j})] ({s.label})" for s in reversed(inputs)) + "}"
    )
    return "\n".join(lines)
