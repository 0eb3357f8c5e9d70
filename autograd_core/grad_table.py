"""The grad table of the back-propagation algorithm.

Goodfellow, Bengio & Courville, *Deep Learning* (2016), §6.5.3, Algorithm 6.2, whose general
form is §6.5.6 (also the course notes' back-propagation chapter): after the forward pass,
``grad_table[u(n)] ← 1`` and, for j = n−1 down to 1,
``grad_table[u(j)] ← Σ_{i: j ∈ Pa(u(i))} grad_table[u(i)] · ∂u(i)/∂u(j)``.
Each term of the sum is one vector-Jacobian product along one edge; the table adds them on
arrival and hands the total over (pop) when the node is processed. Prior art: Chainer's
``GradTable`` and HIPS autograd's ``outgrads``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GradTable", "RecordingGradTable"]


class GradTable(dict):
    """Gradients being summed, keyed by graph vertex: an op node, or a leaf tensor. An op with
    several outputs has one entry per output, ``(node, output_nr)``, held together as a list.

    It is a dict (vertex → entry), so the sweep pops a node's entry at C speed; arrivals go
    through ``add``, which applies the summation rule. In a plain backward (``in_place=True``)
    the entries are arrays, and for the vertices added with ``owned`` given (the leaves, where
    a gradient leaves the table for ``.grad``) the table knows which arrays it alone holds: a
    VJP's fresh result, or a sum it made. It adds later contributions into such an array in
    place, and ``take`` tells the sweep it may move the array into ``.grad`` without a copy
    (HIPS autograd's lesson: no zero-fill, no needless copy; a weight shared by T time steps
    receives T contributions). In a recorded backward the entries are Tensors and every sum is
    a recorded ``add``. ``RecordingGradTable`` also keeps the contributions that were summed.
    """

    __slots__ = ("owned", "in_place")

    def __init__(self, in_place: bool = False) -> None:
        super().__init__()
        self.owned: set[Any] = set()
        self.in_place = in_place

    def add(self, vertex: Any, g: Any, owned: bool | None = None, child: Any = None) -> bool:
        """Add one edge's contribution ``g`` (None: the edge carried no gradient) to
        ``vertex``'s entry, sent by op node ``child``; return True when this is the first edge
        to reach ``vertex``. ``owned`` (True/False) tracks ownership of the entry: whether
        nothing but the table holds ``g``; None leaves the vertex untracked (op nodes)."""
        if vertex not in self:
            self[vertex] = g
            if owned and g is not None:
                self.owned.add(vertex)
            return True
        if g is not None:
            prev = self[vertex]
            if prev is None:
                self[vertex] = g
                if owned:
                    self.owned.add(vertex)
            elif owned is None or not self.in_place:
                self[vertex] = prev + g
            elif vertex in self.owned:
                prev += g  # only the table holds prev: no new array
            else:
                # a new array for the sum (not prev + g: two 0-d NumPy arrays add up to a
                # NumPy scalar, and a later `+=` into a scalar would only rebind it)
                total = prev.copy()
                total += g
                self[vertex] = total
                self.owned.add(vertex)
        return False

    def add_output(self, node: Any, index: int, g: Any, child: Any = None) -> bool:
        """``add`` for output ``index`` of an op node with several outputs."""
        first = node not in self
        if first:
            self[node] = [None] * node.n_outputs
        entry = self[node]
        if g is not None:
            entry[index] = g if entry[index] is None else entry[index] + g
        return first

    def take(self, vertex: Any) -> tuple[Any, bool]:
        """Remove a tracked vertex's entry: its summed gradient (None if nothing arrived) and
        whether the table alone held it. (Untracked entries leave with ``pop(vertex, None)``.)"""
        g = self.pop(vertex, None)
        if vertex in self.owned:
            self.owned.discard(vertex)
            return g, True
        return g, False

    def assert_empty(self) -> None:
        """Internal invariant: every entry was consumed by the end of backward."""
        assert not self, f"grad table not empty after backward: {len(self)} left"


class RecordingGradTable(GradTable):
    """A GradTable that also keeps, per vertex, the ``(child, contribution)`` pairs that were
    summed into its entry, which ``autograd_core.grad_table`` shows to users. It never adds in
    place: the recorded terms must keep their values."""

    __slots__ = ("contributions",)

    def __init__(self) -> None:
        super().__init__(in_place=False)
        self.contributions: dict[Any, list[tuple[Any, Any]]] = {}

    def add(self, vertex: Any, g: Any, owned: bool | None = None, child: Any = None) -> bool:
        if g is not None:
            self.contributions.setdefault(vertex, []).append((child, g))
        return super().add(vertex, g, owned, child)

    def add_output(self, node: Any, index: int, g: Any, child: Any = None) -> bool:
        if g is not None:
            self.contributions.setdefault(node, []).append((child, g))
        return super().add_output(node, index, g, child)
