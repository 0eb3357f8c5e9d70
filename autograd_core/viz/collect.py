"""Collecting what to draw: the vertices and edges reachable from some outputs, parameter names and
the gradient of each vertex."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from autograd_core.errors import GraphFreedError
from autograd_core.grad_table_report import GradTableReport
from autograd_core.grad_table_report import grad_table as _grad_table
from autograd_core.graph import toposort as _toposort
from autograd_core.op import Op
from autograd_core.tensor import Tensor

__all__: list[str] = []


class ReleasedValue:
    """A value of a graph that ``backward()`` released: what the drawing still knows of it, its
    producer and the shape and dtype its gradient had (``Op.release``); the array is gone."""

    name = None
    grad = None
    data = None
    requires_grad = True

    def __init__(self, node: Op, output_nr: int) -> None:
        self.node = node
        self.output_nr = output_nr
        shape, dtype = node.out_shape, node.out_dtype
        if isinstance(shape, list):
            shape, dtype = shape[output_nr], dtype[output_nr]
        # (an output no gradient reached has no recorded shape)
        self.shape, self.dtype = (shape, dtype) if shape is not None else ((), "unknown")


def parents_of(op: Op, api: str) -> tuple[Any, ...]:
    """An op node's inputs: its Tensors while the graph is alive; after a plain backward, from
    ``op.edges``: the parent op's output as a ReleasedValue, a leaf that requires grad as
    itself, a constant as None (freed with the arrays, as PyTorch frees it: not drawn)."""
    if op.inputs is not None:
        return op.inputs
    if op.edges is None:
        raise GraphFreedError(
            f"{api}: the graph of {op.label} was released, so there is nothing left to draw. "
            "Draw before backward(), or call backward(retain_graph=True)."
        )
    parents = []
    for e in op.edges:
        v, nr = e if type(e) is tuple else (e, 0)
        parents.append(ReleasedValue(v, nr) if isinstance(v, Op) else v)
    return tuple(parents)


class Graph:
    """The vertices (op nodes and leaf tensors) reachable from some outputs, and the edges.

    ``verts[k]`` is an Op or a leaf Tensor; ``tensors[k]`` a Tensor holding u(k) (the op's output
    as seen by a consumer); ``edges`` are ``(parent k, child k, input index, needs grad)``.
    """

    def __init__(self, outputs: Sequence[Tensor], api: str) -> None:
        self.verts: list[Any] = []
        self.tensors: list[Tensor] = []
        self.index: dict[int, int] = {}
        self.edges: list[tuple[int, int, int, bool]] = []
        self.consumers: list[list[int]] = []
        self.outputs: list[int] = []
        self.parents: dict[int, tuple[Any, ...]] = {}  # op vertex → its inputs
        self.released = False  # some node's arrays were released by backward()
        stack: list[int] = []
        for t in outputs:
            k = self._add(t, stack)
            self.tensors[k] = t  # prefer the user's own output tensor (its name)
            if k not in self.outputs:
                self.outputs.append(k)
        # An explicit stack, never recursion: a 100,000-op chain draws like a 3-op one.
        while stack:
            k = stack.pop()
            op = self.verts[k]
            self.released = self.released or op.inputs is None
            self.parents[k] = parents = parents_of(op, api)
            for i, (x, need) in enumerate(zip(parents, op.needs_input_grad)):
                if x is None:
                    continue
                p = self._add(x, stack)
                self.edges.append((p, k, i, bool(need)))
                self.consumers[p].append(k)

    def _add(self, t: Tensor, stack: list[int]) -> int:
        v = t.node if t.node is not None else t
        k = self.index.get(id(v))
        if k is None:
            k = len(self.verts)
            self.index[id(v)] = k
            self.verts.append(v)
            self.tensors.append(t)
            self.consumers.append([])
            if t.node is not None:
                stack.append(k)
        return k

    def numbering(self) -> dict[int, int]:
        """The index j of each vertex in back-propagation's numbering u(1) … u(n) (*Deep
        Learning* §6.5): u(n) is the output, u(1) the last leaf back-propagation reaches (the
        order of ``graph.toposort``)."""
        if self.released:
            order = self._sweep_order()
        else:
            order = _toposort(*[self.tensors[k] for k in self.outputs])
        return {self.index[id(v)]: len(order) - i for i, v in enumerate(order)}

    def _sweep_order(self) -> list[Any]:
        """``toposort``'s order, from the drawn edges (a released graph has no inputs to walk):
        the op nodes reached through edges that need a gradient, last created first, then the
        leaves in the order those ops reach them."""
        seen = {k for k in self.outputs if self.in_sweep(k)}
        stack = [k for k in seen if self.is_op(k)]
        while stack:
            k = stack.pop()
            for x, need in zip(self.parents[k], self.verts[k].needs_input_grad):
                if x is None:
                    continue
                p = self.index[id(x.node if x.node is not None else x)]
                if need and p not in seen:
                    seen.add(p)
                    if self.is_op(p):
                        stack.append(p)
        ops = sorted((k for k in seen if self.is_op(k)), key=lambda k: -self.verts[k].seq)
        leaves = {k: None for k in self.outputs if k in seen and not self.is_op(k)}
        for k in ops:
            for x, need in zip(self.parents[k], self.verts[k].needs_input_grad):
                if need and x is not None and x.node is None:
                    leaves[self.index[id(x)]] = None
        return [self.verts[k] for k in [*ops, *leaves]]

    def is_op(self, k: int) -> bool:
        return isinstance(self.verts[k], Op)

    def in_sweep(self, k: int) -> bool:
        """Whether back-propagation visits u(k): every op node, and leaves requiring grad."""
        return self.is_op(k) or self.tensors[k].requires_grad


def as_outputs(outputs: Sequence[Any], api: str) -> list[Tensor]:
    if len(outputs) == 1 and isinstance(outputs[0], (list, tuple)):
        outputs = tuple(outputs[0])
    if not outputs:
        raise TypeError(f"{api}: needs at least one output tensor to draw. Got none.")
    for i, t in enumerate(outputs):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"{api}: output {i} is a {type(t).__name__}, not a Tensor. Pass the tensors "
                "whose graph you want drawn, e.g. draw_graph(loss)."
            )
    return list(outputs)


def param_names(params: Any, api: str) -> dict[int, str]:
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        items = list(params.named_parameters())
    elif isinstance(params, Mapping):
        items = list(params.items())
    else:
        raise TypeError(
            f"{api}: params must be a module (with named_parameters()) or a dict of name → "
            f"Tensor. Got {type(params).__name__}. Pass params=model or params=dict(...)."
        )
    return {id(p): name for name, p in items}


def grads_of(g: Graph, table: GradTableReport | None, show_grad: bool, mode: str) -> dict[int, Any]:
    """∂ℒ/∂u(k) per vertex: from the given grad table, else computed when back-propagation was
    run (a leaf has ``.grad``) or the backward graph is drawn, else the leaves' ``.grad``."""
    if not show_grad:
        return {}
    if table is None and len(g.outputs) == 1 and not g.released:
        out = g.tensors[g.outputs[0]]
        ran = any(t.grad is not None for k, t in enumerate(g.tensors) if not g.is_op(k))
        if out.requires_grad and out.data.size == 1 and (ran or mode != "forward"):
            table = _grad_table(out)
    grads: dict[int, Any] = {}
    if table is not None:
        for e in table:
            k = g.index.get(id(e.vertex))
            if k is not None and e.grad is not None:
                grads[k] = e.grad
    else:
        for k, t in enumerate(g.tensors):
            if not g.is_op(k) and t.grad is not None:
                grads[k] = t.grad.data
    return grads
