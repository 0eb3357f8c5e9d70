"""Nested containers of tensors ("pytrees") as the function transforms see them: flattened to a
list of leaves and a ``TreeSpec`` that rebuilds them, and a prefix tree (vmap's ``in_dims`` and
``out_dims``) broadcast over a full one.

The containers are PyTorch's: tuples (named tuples too), lists, dicts (in insertion order,
``OrderedDict`` too) and None, which holds no leaf. Anything else is a leaf.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

__all__ = ["TreeSpec", "tree_flatten", "tree_unflatten", "tree_map", "broadcast_prefix"]


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _node_kind(x: Any) -> type | None:
    """The container type of ``x``, or None for a leaf."""
    if x is None or type(x) in (tuple, list, dict, OrderedDict) or _is_namedtuple(x):
        return type(x)
    return None


class TreeSpec:
    """The shape of a pytree: the container type at each node (None for a leaf), the keys of
    dicts, and the children's specs.

    Attributes:
        kind: the container type, or None for a leaf.
        keys: a dict's keys in order (None for other nodes).
        children: the specs of the children, in flattening order.
        num_leaves: how many leaves the tree holds.
    """

    __slots__ = ("kind", "keys", "children", "num_leaves")

    def __init__(self, kind: type | None, keys: list[Any] | None, children: list[TreeSpec]):
        self.kind = kind
        self.keys = keys
        self.children = children
        self.num_leaves = 1 if kind is None else sum(c.num_leaves for c in children)

    def is_leaf(self) -> bool:
        """True for a leaf."""
        return self.kind is None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeSpec)
            and self.kind is other.kind
            and self.keys == other.keys
            and self.children == other.children
        )

    def __hash__(self) -> int:
        return hash((self.kind, len(self.children), self.num_leaves))

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        if self.kind is type(None):
            return "None"
        inner = [repr(c) for c in self.children]
        if self.keys is not None:
            return "{" + ", ".join(f"{k!r}: {c}" for k, c in zip(self.keys, inner)) + "}"
        if self.kind is list:
            return "[" + ", ".join(inner) + "]"
        name = "" if self.kind is tuple else self.kind.__name__
        return f"{name}({', '.join(inner)}{',' if len(inner) == 1 and not name else ''})"


def tree_flatten(tree: Any) -> tuple[list[Any], TreeSpec]:
    """The leaves of ``tree`` in order, and the spec that ``tree_unflatten`` rebuilds it from.

    Example:
        >>> leaves, spec = tree_flatten({"w": 1, "b": (2, [3])})
        >>> leaves, spec
        ([1, 2, 3], {'w': *, 'b': (*, [*])})
    """
    leaves: list[Any] = []
    return leaves, _flatten_into(tree, leaves)


def _flatten_into(tree: Any, leaves: list[Any]) -> TreeSpec:
    kind = _node_kind(tree)
    if kind is None:
        leaves.append(tree)
        return TreeSpec(None, None, [])
    if tree is None:
        return TreeSpec(kind, None, [])
    if isinstance(tree, dict):
        keys = list(tree)
        return TreeSpec(kind, keys, [_flatten_into(tree[k], leaves) for k in keys])
    return TreeSpec(kind, None, [_flatten_into(c, leaves) for c in tree])


def tree_unflatten(leaves: list[Any], spec: TreeSpec) -> Any:
    """The tree of shape ``spec`` holding ``leaves`` (the inverse of ``tree_flatten``)."""
    if len(leaves) != spec.num_leaves:
        raise ValueError(
            f"tree_unflatten: the spec {spec} holds {spec.num_leaves} leaves but "
            f"{len(leaves)} were given."
        )
    it = iter(leaves)
    return _build(spec, it)


def _build(spec: TreeSpec, it: Any) -> Any:
    if spec.kind is None:
        return next(it)
    if spec.kind is type(None):
        return None
    children = [_build(c, it) for c in spec.children]
    if spec.keys is not None:
        return spec.kind(zip(spec.keys, children))
    if spec.kind not in (tuple, list):  # a named tuple takes its fields as arguments
        return spec.kind(*children)
    return spec.kind(children)


def tree_map(fn: Callable[[Any], Any], tree: Any) -> Any:
    """``tree`` with ``fn`` applied to every leaf."""
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)


def broadcast_prefix(prefix: Any, spec: TreeSpec) -> list[Any] | None:
    """One value per leaf of ``spec``: where ``prefix`` has a container it must match the
    tree's (same type, same length or keys), and each of its leaves (an int, or None) stands
    for the whole subtree below it. None when ``prefix`` does not fit the tree.

    Example:
        >>> _, spec = tree_flatten((1, [2, 3], {"a": 4}))
        >>> broadcast_prefix((0, None, {"a": 1}), spec)
        [0, None, None, 1]
    """
    out: list[Any] = []
    return out if _broadcast_into(prefix, spec, out) else None


def _broadcast_into(prefix: Any, spec: TreeSpec, out: list[Any]) -> bool:
    kind = _node_kind(prefix)
    if kind is None or prefix is None:  # a leaf of the prefix: None means "not mapped"
        out.extend([prefix] * spec.num_leaves)
        return True
    if kind is not spec.kind:
        return False
    if spec.keys is not None:
        if set(prefix) != set(spec.keys):
            return False
        return all(_broadcast_into(prefix[k], c, out) for k, c in zip(spec.keys, spec.children))
    if len(prefix) != len(spec.children):
        return False
    return all(_broadcast_into(p, c, out) for p, c in zip(prefix, spec.children))
