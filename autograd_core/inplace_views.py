"""Writing in place through a view (inplace.py's recorded path): find the tensor that owns a
view's memory through the view ops between them, and rebind that base to its old value with
the view's elements replaced (PyTorch's CopySlices), and PyTorch's refusals of in-place writes
into an expanded view, into one of several views an op returned, and into a view of a leaf
that requires grad."""

from __future__ import annotations

from typing import Any

from autograd_core import device as _device
from autograd_core import ops
from autograd_core.errors import GraphError
from autograd_core.op_forward import NO_GRAD_VIEW_OF_GRAD, old_value
from autograd_core.tensor import Tensor
from autograd_core.version import (
    mark_rebound,
    owner_of,
    resolve_rebound,
    root_of,
    stale_after,
    stale_leaf,
)

__all__ = [
    "refuse_overlap",
    "refuse_marked_view",
    "view_base",
    "rebind_base",
    "move_retained",
    "is_view",
    "refuse_detaching_a_view",
    "regathered",
    "regenerated",
]


def is_view(x: Tensor) -> bool:
    """Whether x views memory it does not own, as PyTorch's ``is_view``: its array is not the
    one that owns the memory, unless ``version.mark_owner`` recorded it as the owner (an op
    made it as a view of a temporary copy, as ``reshape`` of a non-contiguous array; an
    in-place shape method gave a tensor that owned its memory a view of it)."""
    root = root_of(x.data)
    return root is not x.data and owner_of(root) is not x.data


def refuse_detaching_a_view(x: Tensor) -> None:
    """``detach_`` refuses a view in the graph, as PyTorch: one with a node, or one without
    whose memory a recorded in-place write has changed since it was made (PyTorch has given it
    a grad_fn then: kept difference K1). A view without a node otherwise is allowed
    (deliberate difference: nothing to cut)."""
    if is_view(x) and (x.node is not None or stale_leaf(x)):
        how = f"made by {x.node.label}" if x.node else "whose memory an in-place op changed"
        raise GraphError(
            f"detach_: this tensor (shape {tuple(x.shape)}) is a view {how}, and a view "
            "cannot be detached in place. Use y = x.detach()."
        )


def refuse_overlap(name: str, x: Tensor, written: Any = None) -> None:
    """Refuse an in-place write into a tensor where several elements share one memory
    location: an expanded (zero-stride) view, as PyTorch, and any other overlapping view
    (``as_strided`` windows), where PyTorch writes an order-dependent result (deliberate
    difference: ours refuses). ``written``, when given, is the part of x's array written
    (``x[0] = v`` writes ``x.data[0]``)."""
    a = x.data if written is None else written
    if a.size <= 1 or a.flags.c_contiguous or a.flags.f_contiguous:
        return
    zero = any(n > 1 and s == 0 for n, s in zip(a.shape, a.strides))
    if zero or int(x.xp.unique(_addresses(x.xp, a)).size) < a.size:
        raise GraphError(
            f"{name}: more than one element of the tensor written in place (shape "
            f"{tuple(a.shape)}, strides {a.strides}) refers to a single memory location, "
            "as in an expanded tensor. Write into a copy: x = x.clone().",
            reason="overlapping-elements",
        )


def refuse_marked_view(name: str, x: Tensor, recorded: bool) -> None:
    """PyTorch's refusals of in-place writes into a view made without a node and marked by
    ``op_forward.mark_view_origin``: any write with grad mode on into a view made under
    no_grad of a tensor that requires grad (whether to record it is ambiguous), and a
    ``recorded`` write into any marked view (the history of the memory it shares cannot be
    rebuilt from it)."""
    made = getattr(x, "_view_meta", None) if x.node is None else None
    if made == NO_GRAD_VIEW_OF_GRAD:
        raise GraphError(
            f"{name}: x (shape {tuple(x.shape)}) is a view made under no_grad of a tensor that "
            "requires grad, and is being changed in place with grad mode on; whether the "
            "write should be recorded is ambiguous (refused, as PyTorch does). Make the view "
            "and write it both inside ac.no_grad(), or both outside."
        )
    if made is not None and recorded:
        raise GraphError(
            f"{name}: x (shape {tuple(x.shape)}) is a view {made}, and is being changed in "
            "place by an operation that records gradients (refused, as PyTorch does: the "
            "history of the memory it shares cannot be rebuilt from it). Clone it first "
            "(x = x.clone()), or write into the base tensor."
        )


def view_base(name: str, x: Tensor, write: bool = True) -> tuple[Tensor, Any, Any] | None:
    """The tensor that owns x's memory, the node of the view op that read it, and the position
    of each of x's elements in that tensor flattened. The tensor is found through the nodes of
    the view ops between them, or (the node None) through the tensors its views were made of,
    where x has no node or a recorded in-place write gave it one; None when x owns its memory
    or no such chain is recorded (or a backward released it). Refuses a view of a leaf that
    requires grad (its gradient would belong to a value it no longer holds), as PyTorch, also
    after a backward (unless ``write`` is False: x is only to be read), and a view of a tensor
    an in-place shape method (``as_strided_``) left without some of its elements."""
    root = root_of(x.data)
    t, reader, seen = x, None, set()
    while True:
        if id(t) in seen:  # (a cycle would be a bug: say so rather than loop for ever)
            raise GraphError(
                f"{name}: the views of x (shape {tuple(x.shape)}) form a cycle in the graph (a "
                "bug of autograd-core: please report it). Write into a copy: x = x.clone()."
            )
        seen.add(id(t))
        # (a view made with grad mode on of a tensor without a node, or one written in place
        # since, whose node reads a copy: the tensor it views, PyTorch's ``_base``)
        if (p := getattr(t, "_view_parent", None)) is not None and root_of(p.data) is root:
            t, reader = p, None
            continue
        if t.node is None or not is_view(t):
            break
        reader = t.node
        if reader.returned_views:  # (x itself, or a view of one: x.split(1)[0].t())
            raise GraphError(
                f"{name}: x (shape {tuple(x.shape)}) is output {t.output_nr} of "
                f"{reader.label}, one of several views it returned (or a view of it), and is "
                "being changed in place (refused, as PyTorch does). Clone it first "
                "(x = x.clone()), or write into the base tensor."
            )
        # (a node a backward released keeps, of its inputs, the leaves whose gradient it needed)
        inputs = reader.inputs
        if inputs is None:
            inputs = _released_leaves(reader)
        # (not t itself: a node that read the tensor it made, as x.copy_(x) or x.clamp_(min=x)
        # record, reached it through the copy of its old value, also an input)
        t = next((u for u in inputs if u is not t and root_of(u.data) is root), None)
        if t is None:
            return None
    if t is x:
        return None
    # (a leaf that required grad when the view was made, detach_()-ed since, counts too,
    # before a backward released the view's node and after; so does any leaf base of a view
    # that requires grad, as PyTorch's check reads only the view's flag and the base's leaf)
    leafy = t.node is None
    if write and leafy and (x._requires_grad or t.requires_grad or _required_grad(reader, t)):
        raise GraphError(
            f"{name}: x (shape {tuple(x.shape)}) is a view of a leaf tensor that requires grad "
            f"(shape {tuple(t.shape)}), and is being changed in place; the leaf's gradient "
            "would belong to a value it no longer holds. Change the leaf under ac.no_grad(), "
            "or write into a copy (x = x.clone())."
        )
    return None if is_view(t) else (t, reader, _index_in(name, t, x))


def _required_grad(reader: Any, leaf: Tensor) -> bool:
    """Whether ``leaf`` required grad when the view op ``reader`` read it: its gradient was
    needed, or a backward released ``reader`` and ``leaf`` is among the leaves its edges
    reach (which are those whose gradients were needed)."""
    if reader is None:
        return False
    if reader.inputs is None:
        return any(u is leaf for u in _released_leaves(reader))
    return any(u is leaf and g for u, g in zip(reader.inputs, reader.needs_input_grad or ()))


def _released_leaves(node: Any) -> list[Tensor]:
    """The leaves whose gradients were needed which a node a backward released reaches through its
    ``edges`` and those of the released nodes before it (a view of a view of a leaf)."""
    leaves, stack, seen = [], list(node.edges or ()), set()
    while stack:
        e = stack.pop()
        e = e[0] if isinstance(e, tuple) else e
        if isinstance(e, Tensor):
            leaves.append(e)
        elif e is not None and e.inputs is None and id(e) not in seen:
            seen.add(id(e))
            stack.extend(e.edges or ())
    return leaves


def rebind_base(base: Tensor, reader: Any, index: Any, view: Tensor) -> Any:
    """Rebind ``base`` (whose memory already holds the new values) to a node: its old value
    with the elements ``view`` covers (at ``index`` of base flattened, from ``view_base``)
    replaced by ``view``'s new value (PyTorch's CopySlices). The view op that read the base
    (``reader``) keeps the base's old node, as a node recorded before an in-place op keeps in
    PyTorch. Returns the new node."""
    old = Tensor._make(base.data, base._requires_grad, base.node, base.output_nr)
    # (reader None: base had no node, and the view none either; a reader older than base's
    # node read an earlier value, whose stand-in base's history keeps: resolve_rebound)
    if reader is not None and (base.node is None or reader.seq > base.node.seq):
        reader.inputs = tuple(old if u is base else u for u in reader.inputs)
    elif reader is not None and reader.inputs is not None:
        resolve_rebound(reader)
    # (view's value by a new Tensor: no node holds view itself, which holds base since)
    src = Tensor._make(view.data, view._requires_grad, view.node, view.output_nr)
    new = ops.scatter(old.reshape(-1), 0, index, src.reshape(-1)).reshape(base.shape)
    moved = base.node
    base.node, base.output_nr, base._requires_grad = new.node, new.output_nr, True
    move_retained(base, moved)
    mark_rebound(base, old_value(old))
    return new.node


def regathered(found: tuple[Tensor, Any, Any], view: Tensor, before: Tensor) -> Tensor:
    """The value ``view`` holds, ``before`` (a copy with view's node), about to be written in
    place (``found``: what ``view_base`` found); when a recorded in-place write into other
    elements of its memory made that node stale, view's elements read from the base's current
    value instead, as PyTorch regenerates a view's ``grad_fn`` from its base when it is
    written in place."""
    base, _, index = found
    if not stale_after(view) or stale_after(base):
        return before
    old = Tensor._make(base.data, base._requires_grad, base.node, base.output_nr)
    return ops.take(old, index.reshape(view.shape))


def regenerated(name: str, view: Tensor) -> bool:
    """Give ``view`` a node that reads its elements from its base's current value, where a
    recorded in-place write into its memory (through its base or another view) came after
    ``view`` was made: its node then describes old values, or it has none while its base
    now requires grad (PyTorch makes such a view a non-leaf). PyTorch regenerates a view's
    ``grad_fn`` so when the view is next used; ours when an op reads it, a backward starts
    from it, or its ``grad_fn``, ``is_leaf`` or ``requires_grad`` is read (``name`` says
    which). Nodes recorded before keep the old node through a stand-in (``mark_rebound``),
    as PyTorch's saved edges do, and a ``retain_grad`` moves to the new node, as PyTorch's
    does. False, and ``view`` left as it was, where no base is found, the base is stale
    itself or needs no gradient, or ``view_base`` refuses (a view among several outputs of
    one op): the refusals of kept differences K1 and K3 stand there."""
    try:
        found = view_base(name, view, write=False)
    except GraphError:
        return False
    if found is None:
        return False
    base, _, index = found
    if not base._requires_grad or stale_after(base) or base.node is None and stale_leaf(base):
        return False
    new = ops.take(base, index.reshape(view.shape))
    moved = view.node
    old = Tensor._make(view.data, view._requires_grad, moved, view.output_nr)
    mark_rebound(view, old_value(old))
    view.node, view.output_nr, view._requires_grad = new.node, 0, True
    view._view_parent = base  # (its node reads a copy: a next write finds the base so)
    move_retained(view, moved)
    return True


def _index_in(name: str, base: Tensor, view: Tensor) -> Any:
    """The position of each element of ``view`` in ``base`` flattened, by memory address."""
    xp = base.xp
    where_base = _addresses(xp, base.data).reshape(-1)
    order = xp.argsort(where_base)
    held, wanted = where_base[order], _addresses(xp, view.data).reshape(-1)
    at = xp.searchsorted(held, wanted)
    hit = held[xp.minimum(at, held.size - 1)] == wanted if held.size else wanted < 0
    if not bool(hit.all()):
        raise GraphError(
            f"{name}: x (shape {tuple(view.shape)}) is a view of a tensor (shape "
            f"{tuple(base.shape)}) that an in-place shape method (as_strided_) has changed "
            "since, so that it no longer holds all of x's elements; writing x in place is "
            "refused (PyTorch writes it, then its backward fails: 'setStorage: ... out of "
            "bounds'). Take the view again from that tensor, or write into a copy "
            "(x = x.clone()).",
            reason="view-outside-base",
        )
    return order[at]


def _addresses(xp: Any, a: Any) -> Any:
    """The memory address (in elements) of each element of ``a``, relative to its root."""
    offset = (_device.pointer(a) - _device.pointer(root_of(a))) // a.itemsize
    where = xp.full(a.shape, offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(a.shape, a.strides, strict=True)):
        step = [1] * a.ndim
        step[d] = n
        where = where + (xp.arange(n, dtype=xp.int64) * (s // a.itemsize)).reshape(step)
    return where


# Indexed writes: PyTorch refuses a source sharing any of x's memory, even x itself
# (``x.scatter_add_(0, i, x)``, ``x[i] = x``), where elementwise ops allow ``x.add_(x)``
INDEXED_WRITES = frozenset(
    "scatter_ scatter_add_ scatter_reduce_ index_add_ index_copy_ index_reduce_ index_put_ "
    "put_".split()
)
# masked_scatter_ reads its source in order while writing: PyTorch does not check an overlap
# and writes an order-dependent result (deliberate difference: ours refuses any overlap)
UNCHECKED_IN_TORCH = frozenset({"masked_scatter_"})


def refuse_partial_overlap(name: str, x: Tensor, *others: Any, written: Any = None) -> None:
    """PyTorch's check: an in-place op refuses an operand that shares some of x's memory
    without being x's exact view (``x.add_(x[:1])``, ``x[:2].add_(x[1:3])``): its result
    would depend on the order of the writes. ``x.add_(x)`` is allowed, except for the
    ``INDEXED_WRITES`` (and ``x[index_tensor] = v``, named ``index_put_``) and
    ``masked_scatter_``, which refuse any overlap. (Ours computes the result before writing
    it, so this is for PyTorch's semantics only.) ``written``, when given, is the part of x's
    memory the op writes (``x[1:] = x[:-1]`` writes ``x.data[1:]``)."""
    a = x.data if written is None else written
    indexed = name in INDEXED_WRITES or name in UNCHECKED_IN_TORCH
    for o in others:
        if not isinstance(o, Tensor) or (o.data is a and not indexed):
            continue
        b = o.data
        if a.base is None and b.base is None and b is not a:  # (two arrays owning memory)
            continue
        # (a negative stride: ours flips by a view, PyTorch's flip copies and is allowed)
        if root_of(b) is not root_of(a) or any(s < 0 for s in b.strides):
            continue
        same = b.shape == a.shape and b.strides == a.strides
        if same and _device.pointer(a) == _device.pointer(b) and not indexed:
            continue
        xp = x.xp
        share = getattr(xp, "shares_memory", None) or xp.may_share_memory
        if share(a, b):
            how = "(an indexed write: even x itself)" if indexed else "without being that tensor"
            torch = "does not check" if name in UNCHECKED_IN_TORCH else "does"
            raise GraphError(
                f"{name}: an operand (shape {tuple(o.shape)}) shares some memory with the "
                f"tensor written in place (shape {tuple(a.shape)}) {how}, so the result "
                f"would depend on the order of the writes (refused; PyTorch {torch}). Clone "
                "the operand first: x.add_(y.clone()).",
                reason="partial-overlap",
            )


def move_retained(t: Tensor, old: Any) -> None:
    """After an in-place op rebound ``t`` from node ``old``: a ``retain_grad()`` made before
    keeps the gradient of t's new value, as in PyTorch (hooks stay with the old value)."""
    if old is None or not old.retained or old is t.node:
        return
    kept = [r for r in old.retained if r() is not t]
    if len(kept) < len(old.retained):
        old.retained = kept
        t.retain_grad()
