"""The shape of a recorded graph: a tensor's vertex, what a set of vertices reaches, and the
order in which back-propagation visits them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.tensor import Tensor
from autograd_core.version import resolved_inputs

__all__ = ["vertex", "reached", "toposort"]


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
        for t, need in zip(resolved_inputs(op), op.needs_input_grad):
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
