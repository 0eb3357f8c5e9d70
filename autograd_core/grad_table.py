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

__all__ = ["GradTable"]


class GradTable:
    """Gradients being summed, keyed by graph vertex: an op node, or a leaf tensor. An op with
    several outputs has one entry per output, ``(node, output_nr)``, held together as a list.

    In a plain backward (``in_place=True``) the entries are arrays, and the table knows which
    of them it alone holds ("owned": a VJP's fresh result, or a sum the table made). It adds
    later contributions into an owned array in place, and the sweep may move an owned array
    into a leaf's ``.grad`` without a copy (HIPS autograd's lesson: no zero-fill, no needless
    copy). In a recorded backward the entries are Tensors and every sum is a recorded ``add``.

    With ``record=True`` the table also keeps, per vertex, the list of ``(child, contribution)``
    pairs that were summed, which ``autograd_core.grad_table`` shows to users.
    """

    __slots__ = ("_grads", "_owned", "in_place", "contributions")

    def __init__(self, record: bool = False, in_place: bool = False) -> None:
        self._grads: dict[Any, Any] = {}
        self._owned: set[Any] = set()
        self.in_place = in_place
        self.contributions: dict[Any, list[tuple[Any, Any]]] | None = {} if record else None

    def add(self, vertex: Any, g: Any, owned: bool = False, child: Any = None) -> bool:
        """Add one edge's contribution ``g`` (None: the edge carried no gradient) to
        ``vertex``'s entry; return True when this is the first edge to reach ``vertex``."""
        if self.contributions is not None and g is not None:
            self.contributions.setdefault(vertex, []).append((child, g))
        grads = self._grads
        if vertex not in grads:
            grads[vertex] = g
            if owned and g is not None:
                self._owned.add(vertex)
            return True
        if g is not None:
            grads[vertex] = self._sum(vertex, grads[vertex], g, owned)
        return False

    def add_output(self, node: Any, index: int, g: Any, child: Any = None) -> bool:
        """``add`` for output ``index`` of an op node with several outputs."""
        if self.contributions is not None and g is not None:
            self.contributions.setdefault(node, []).append((child, g))
        grads = self._grads
        first = node not in grads
        if first:
            grads[node] = [None] * node.n_outputs
        entry = grads[node]
        if g is not None:
            entry[index] = g if entry[index] is None else entry[index] + g
        return first

    def _sum(self, vertex: Any, prev: Any, g: Any, owned: bool) -> Any:
        if prev is None:
            if owned:
                self._owned.add(vertex)
            return g
        if not self.in_place:
            return prev + g
        if vertex in self._owned:
            prev += g  # only the table holds prev: no new array
            return prev
        self._owned.add(vertex)  # the sum is a new array
        return prev + g

    def pop(self, vertex: Any) -> tuple[Any, bool]:
        """Remove ``vertex``'s entry: its summed gradient (None if nothing arrived; a tuple
        per output for an op with several) and whether the table alone held it."""
        g = self._grads.pop(vertex, None)
        if type(g) is list:
            return tuple(g), False
        if vertex in self._owned:
            self._owned.discard(vertex)
            return g, True
        return g, False

    def __contains__(self, vertex: Any) -> bool:
        return vertex in self._grads

    def __len__(self) -> int:
        return len(self._grads)

    def assert_empty(self) -> None:
        """Internal invariant: every entry was consumed by the end of backward."""
        assert not self._grads, f"grad table not empty after backward: {len(self._grads)} left"
