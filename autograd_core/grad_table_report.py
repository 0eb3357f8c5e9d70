"""``grad_table(loss)``: the grad table of one back-propagation sweep, node by node, with the
contributions summed into each gradient (the back-propagation algorithm made inspectable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autograd_core.grad_table import RecordingGradTable
from autograd_core.graph import root_grads, sweep, vertex
from autograd_core.tensor import Tensor

__all__ = ["grad_table", "GradTableEntry", "GradTableReport"]


@dataclass
class GradTableEntry:
    """One row of the grad table: a node u(j) of the graph and ∂ℒ/∂u(j).

    Attributes:
        vertex: the op node (for a value computed by an op) or the leaf tensor.
        label: the op's label, or the leaf's name (``"leaf"`` when unnamed).
        shape: the shape of u(j).
        grad: ∂ℒ/∂u(j) as an array, the sum of ``contributions``.
        contributions: ``(child_label, array)`` per edge u(j) → u(i), the terms
            grad_table[u(i)] · ∂u(i)/∂u(j) of the algorithm's sum.
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
            v = vertex(key)
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
    *Deep Learning* §6.5.3 (Algorithm 6.2) or the delta rule (Rumelhart, Hinton & Williams,
    1986).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor(2.0, requires_grad=True)
        >>> table = ac.grad_table(x * x + x)   # fan-out: x feeds mul twice and add once
        >>> [len(e.contributions) for e in table]
        [1, 1, 3]
        >>> float(table[x].grad)
        5.0
    """
    gt = RecordingGradTable()
    order: list[tuple[Any, Tensor | None]] = []

    def trace(event: str, v: Any, *rest: Any) -> None:
        if event in ("node", "leaf"):
            order.append((v, rest[0]))

    grads = root_grads([loss], None if gradient is None else [gradient], "grad_table")
    sweep([loss], grads, retain_graph=True, create_graph=False, capture={}, table=gt, trace=trace)
    report = GradTableReport()
    contribs = gt.contributions
    for v, g in order:
        label = (v.name or "leaf") if isinstance(v, Tensor) else v.label
        terms = [("output" if c is None else c.label, t) for c, t in contribs.get(v, [])]
        shape = tuple(v.shape) if isinstance(v, Tensor) else tuple(g.shape)
        report.append(GradTableEntry(v, label, shape, None if g is None else g.data, terms))
    return report
