"""``grad_fn.next_functions``: walking the recorded graph the way PyTorch users do.

In PyTorch ``y.grad_fn.next_functions`` holds one ``(node, output_nr)`` pair per input of the
op: the input's own ``grad_fn`` and which of its outputs it is, an ``AccumulateGrad`` node for a
leaf that requires grad (its ``variable`` is the leaf), and ``(None, 0)`` for an input that
needs no gradient. Here the nodes are the ops themselves (``y.grad_fn`` is the Op that made
``y``), and a leaf appears as an :class:`AccumulateGrad` object, one per leaf for as long as
the leaf lives (so ``is`` and ``id`` identify it, as torchviz relies on).
"""

from __future__ import annotations

import weakref
from typing import Any

from autograd_core.op import Op
from autograd_core.tensor import Tensor

__all__ = ["AccumulateGrad", "accumulate_grad_node", "next_functions", "attach"]


class AccumulateGrad:
    """The graph node standing for a leaf tensor that requires grad: backward adds the
    gradient that reaches it into ``variable.grad``.

    Attributes:
        variable: the leaf tensor (held weakly: None once the leaf is gone).
        next_functions: always ``()``; a leaf has no inputs.
    """

    __slots__ = ("_ref", "__weakref__")
    name = "AccumulateGrad"
    next_functions: tuple[Any, ...] = ()

    def __init__(self, leaf: Tensor) -> None:
        self._ref = weakref.ref(leaf)

    @property
    def variable(self) -> Tensor | None:
        """The leaf tensor."""
        return self._ref()

    def __repr__(self) -> str:
        leaf = self._ref()
        shape = "freed" if leaf is None else f"shape {tuple(leaf.shape)}"
        return f"<AccumulateGrad ({shape})>"


# One AccumulateGrad per live leaf, keyed by id; an entry goes when its leaf is collected.
_NODES: dict[int, AccumulateGrad] = {}


def accumulate_grad_node(leaf: Tensor) -> AccumulateGrad:
    """The AccumulateGrad node of ``leaf``, the same object each time while the leaf lives."""
    key = id(leaf)
    node = _NODES.get(key)
    if node is None or node.variable is not leaf:
        node = _NODES[key] = AccumulateGrad(leaf)
        weakref.finalize(leaf, _NODES.pop, key, None)
    return node


def next_functions(self: Op) -> tuple[tuple[Any, int], ...]:
    """One ``(node, output_nr)`` pair per input of this op: ``(input.grad_fn,
    input.output_nr)`` for an input made by an op, ``(AccumulateGrad, 0)`` for a leaf that
    requires grad, ``(None, 0)`` for an input that needs no gradient.

    It survives a plain ``backward()`` (which keeps each node's ``edges``), as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> w = ac.ones(2, requires_grad=True)
        >>> y = (w * 2).sum()
        >>> mul, _ = y.grad_fn.next_functions[0]
        >>> mul.name, mul.next_functions[0][0].variable is w, mul.next_functions[1]
        ('mul', True, (None, 0))
    """
    inputs = self.inputs
    if inputs is None:  # released by backward: the structure survives in edges
        if self.edges is None:
            raise self.freed_error()
        parents = [e if type(e) is tuple else (e, 0) for e in self.edges]
    else:
        parents = [(t.node or t, t.output_nr) for t in inputs]
    out: list[tuple[Any, int]] = []
    for (v, nr), needs in zip(parents, self.needs_input_grad, strict=True):
        if not needs:
            out.append((None, 0))
        elif isinstance(v, Tensor):
            out.append((accumulate_grad_node(v), 0))
        else:
            out.append((v, nr))
    return tuple(out)


def attach() -> None:
    """Give every op node PyTorch's ``next_functions`` property."""
    Op.next_functions = property(next_functions)  # type: ignore[attr-defined]
