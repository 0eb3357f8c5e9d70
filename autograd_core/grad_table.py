"""The grad table of the back-propagation algorithm.

Goodfellow, Bengio & Courville, *Deep Learning* §6.5, as summarised in
``seeds/002_*.txt`` ("back-propagation"): after the forward pass,
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
    """Gradients being summed, keyed by graph vertex (an op node, or a leaf tensor).

    With ``record=True`` it also keeps, per vertex, the list of ``(child, contribution)``
    pairs that were summed, which ``autograd_core.grad_table`` shows to users.
    """

    __slots__ = ("_grads", "contributions")

    def __init__(self, record: bool = False) -> None:
        self._grads: dict[Any, Any] = {}
        self.contributions: dict[Any, list[tuple[Any, Any]]] | None = {} if record else None

    def accumulate(self, vertex: Any, g: Any, child: Any = None) -> None:
        """Add one edge's contribution ``g`` to ``vertex``'s entry.

        The first contribution is stored as it is; only later ones are added (out of place,
        since the first may alias another op's array).
        """
        grads = self._grads
        prev = grads.get(vertex)
        grads[vertex] = g if prev is None else prev + g
        if self.contributions is not None:
            self.contributions.setdefault(vertex, []).append((child, g))

    def pop(self, vertex: Any) -> Any:
        """Remove and return the summed gradient of ``vertex`` (None if nothing arrived)."""
        return self._grads.pop(vertex, None)

    def __contains__(self, vertex: Any) -> bool:
        return vertex in self._grads

    def __len__(self) -> int:
        return len(self._grads)

    def assert_empty(self) -> None:
        """Internal invariant: every entry was consumed by the end of backward."""
        assert not self._grads, f"grad table not empty after backward: {len(self._grads)} left"
