"""The engine's one clock: op sequence numbers and in-place writes, and the check that a VJP
never reads an input that was written in place after its op was recorded.

Every recorded op takes a number from the clock (``Op.seq``: back-propagation visits nodes in
decreasing order), and so does every in-place write to an array through the library (setitem,
``add_`` and the other in-place methods, optimizer steps, ``nn.init``). A write is recorded
against the array's root buffer, so a view, a ``detach()``-ed tensor and the tensor itself
share it, as PyTorch's version counter is shared by a tensor and its views. An input written
after its op's number was drawn would make the op's gradient silently use the new values;
``check_saved_inputs`` raises instead, naming the op (PyTorch: "one of the variables needed for
gradient computation has been modified by an inplace operation").

Cost: nothing per op in the forward pass; one comparison per node in backward, and a check of
the node's inputs only when some write happened after the node was recorded.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

from autograd_core.errors import BackwardError, GraphError

__all__ = [
    "next_seq",
    "WRITES",
    "mark_written",
    "mark_rebound",
    "rebound_after",
    "resolve_rebound",
    "resolved_inputs",
    "mark_recorded",
    "written_at",
    "root_of",
    "check_inputs",
    "STALE",
    "RECORDED",
    "stale_leaf",
    "refuse_stale",
    "made_now",
    "mark_owner",
    "owner_of",
]

next_seq = itertools.count(1).__next__


class _Writes:
    """``last``: the clock value of the most recent in-place write or rebinding (0: none)."""

    __slots__ = ("last", "at", "rebound", "recorded")

    def __init__(self) -> None:
        self.last = 0
        self.at: dict[int, int] = {}  # id(root buffer) -> clock value of its last write
        # id(tensor) -> its rebindings: (clock value, stand-in of the value it held before)
        self.rebound: dict[int, list[tuple[int, Any]]] = {}
        # id(root buffer) -> (clock value, ids of the nodes made by that write) of its last recorded
        # in-place write: a tensor sharing the buffer whose node is older holds new values
        # that its node does not describe
        self.recorded: dict[int, tuple[int, tuple[int, ...]]] = {}


WRITES = _Writes()
# the same dict as WRITES.recorded (never rebound): Op.apply tests it, one name lookup less
RECORDED = WRITES.recorded


def _root(array: Any) -> Any:
    """The array that owns the memory ``array`` views (itself when it owns it)."""
    base = getattr(array, "base", None)
    while base is not None:
        if hasattr(base, "dtype"):  # (not NumPy's as_strided wrapper, whose .base is the array)
            array = base
        base = getattr(base, "base", None)
    return array


root_of = _root

# id(root buffer) -> a weak reference to the array that owns it though it is a view of it
# (reshape's copy of a non-contiguous array is a view of a temporary; x.t_() of a tensor that
# owned its memory)
_OWNER: dict[int, Any] = {}


def mark_owner(array: Any) -> None:
    """``array`` (an op's new result, or the new layout an in-place shape method gave a tensor
    that owned its memory) owns the buffer it views: it is no view of another tensor
    (``inplace_views.is_view``)."""
    root = _root(array)
    if root is not array:
        key = id(root)
        if key not in _OWNER:
            weakref.finalize(root, _OWNER.pop, key, None)
        _OWNER[key] = weakref.ref(array)


def owner_of(root: Any) -> Any:
    """The array ``mark_owner`` recorded for the buffer ``root`` (None: none)."""
    ref = _OWNER.get(id(root)) if _OWNER else None
    return None if ref is None else ref()


def mark_written(array: Any) -> None:
    """Record an in-place write to ``array`` (a Tensor's ``.data``) at the current clock."""
    root = _root(array)
    key = id(root)
    if key not in WRITES.at:
        # forget the buffer with it, so that a later array at the same address starts clean
        weakref.finalize(root, WRITES.at.pop, key, None)
    WRITES.last = WRITES.at[key] = next_seq()


def mark_rebound(tensor: Any, then: Any = None) -> None:
    """Record that ``tensor`` was rebound to a new value by a recorded in-place op. ``then`` is
    a stand-in (``op_forward.stand_in``) of the value it held before, with that value's node:
    a node recorded before now that takes ``tensor`` as an input, and whose VJP does not read
    it, sends its gradient there, as PyTorch's saved edges do (``check_inputs``); one whose
    VJP reads it refuses. None: no stand-in (refuse in both cases)."""
    key = id(tensor)
    history = WRITES.rebound.get(key)
    if history is None:
        weakref.finalize(tensor, WRITES.rebound.pop, key, None)
        history = WRITES.rebound[key] = []
    else:
        _forget_released(history)
    WRITES.last = seq = next_seq()
    history.append((seq, then))


def _forget_released(history: list[tuple[int, Any]]) -> None:
    """Drop the stand-ins whose node a backward released (nothing can back-propagate into it
    again), merging runs of dropped ones into their last clock value, so that a tensor
    rebound in every step of a long loop keeps a short history."""
    kept: list[tuple[int, Any]] = []
    for seq, then in history:
        node = getattr(then, "node", None)
        if node is not None and node.inputs is None:
            then = None
        if then is None and kept and kept[-1][1] is None:
            kept[-1] = (seq, None)
        else:
            kept.append((seq, then))
    history[:] = kept


def rebound_after(t: Any, seq: int) -> tuple[bool, Any]:
    """Whether ``t`` was rebound by a recorded in-place op after clock value ``seq``, and if
    so the stand-in of the value it held at ``seq`` (None: none kept)."""
    history = WRITES.rebound.get(id(t))
    if history is None or history[-1][0] <= seq:
        return False, None
    return True, next(then for at, then in history if at > seq)


def mark_recorded(array: Any, nodes: tuple[Any, ...]) -> None:
    """Record that a recorded in-place op wrote ``array``'s buffer and made ``nodes`` (the new
    nodes of the tensors it rebound): any other tensor on that buffer whose node is older now
    holds values its node does not describe (a view of a tensor written in place, a base
    written through a view), and a node recorded later that uses it refuses to back-propagate
    (``check_inputs``) instead of sending a gradient for the old values. The nodes are kept
    by id: they hold the buffer (a saved output, a view of it), and holding them here would
    keep the buffer and its graph alive for ever when no backward releases them. (An id
    cannot mislead ``stale_after``: the nodes it compares were alive when these were made.)"""
    root = _root(array)
    key = id(root)
    if key not in WRITES.recorded:
        weakref.finalize(root, WRITES.recorded.pop, key, None)
    WRITES.last = seq = next_seq()
    WRITES.recorded[key] = (seq, tuple([id(n) for n in nodes]))


def stale_after(t: Any) -> int:
    """The clock value of a recorded in-place write to ``t``'s buffer that ``t``'s node does
    not describe (0: none)."""
    entry = WRITES.recorded.get(id(_root(t.data))) if WRITES.recorded else None
    if entry is None or t.node is None or t.node.seq > entry[0] or id(t.node) in entry[1]:
        return 0
    return entry[0]


# the words every refusal of a stale no-node tensor says (``refuse_stale``)
STALE = "shares its memory with a tensor that a recorded in-place operation changed"
# a ``_seen`` value that no write reaches: ``detach()``'s result never joins the graph
NEVER = 1 << 62


def made_now(t: Any) -> None:
    """Mark ``t`` (a tensor without a node made now, such as a view made under no_grad) as made
    after every recorded in-place write so far: ``stale_leaf`` does not count those writes
    against it. Called only when ``WRITES.recorded`` is non-empty."""
    t._seen = WRITES.last


def stale_leaf(t: Any) -> int:
    """The clock value of a recorded in-place write (one that made a node) to ``t``'s buffer
    after ``t``, a tensor without a node, was made (0: none). PyTorch makes such a tensor (a
    view taken before the write, or the base of a view written in place) a non-leaf whose
    grad_fn reads the new values; ours stays a leaf, and ``refuse_stale`` refuses to use it
    where gradients are recorded instead of silently dropping that gradient path. A leaf that
    requires grad and owns its memory (written through ``detach()``'s alias) is never stale:
    PyTorch keeps it a leaf, its gradient accumulates as any leaf's."""
    if t.node is not None:
        return 0
    root = _root(t.data)
    if t._requires_grad and (root is t.data or owner_of(root) is t.data):
        return 0
    entry = WRITES.recorded.get(id(root))
    if entry is None or getattr(t, "_seen", 0) >= entry[0]:
        return 0
    return entry[0]


def refuse_stale(name: str, *tensors: Any) -> None:
    """Raise when one of ``tensors`` is stale (``stale_leaf``): ``name`` (an op, an in-place
    method, backward) would use it while gradients are recorded. Called only when
    ``WRITES.recorded`` is non-empty."""
    for t in tensors:
        if getattr(t, "node", 0) is None and stale_leaf(t):
            raise GraphError(
                f"{name}: a tensor of shape {tuple(t.shape)} without a graph {STALE} "
                "(a view taken before its base was written, or the base of a view written "
                "in place), so it now holds values computed from tensors that require grad; "
                "PyTorch would make it a non-leaf, ours would drop that gradient path. Take "
                "the view again after the in-place operation (v = base[...]), or clone "
                "before writing (y = x.clone(); y[...] = ...).",
                reason="stale-tensor",
            )


def written_at(array: Any) -> int:
    """The clock value of the last in-place write to ``array``'s buffer (0: never written)."""
    return WRITES.at.get(id(_root(array)), 0) if WRITES.at else 0


def resolve_rebound(op: Any) -> Any:
    """Replace each input of ``op`` that a recorded in-place op rebound after ``op`` was
    recorded, and that ``op``'s VJP does not read, by the stand-in of the value ``op`` saw
    (``mark_rebound``), so that every walk of the graph (the sweep, ``reached``) follows the
    edge PyTorch saved. Returns the positions of the inputs ``op`` reads."""
    read = op.reads_inputs(op.needs_input_grad) if op.reads_inputs else range(len(op.inputs))
    if not WRITES.rebound:
        return read
    for i, t in enumerate(op.inputs):
        rebound, then = rebound_after(t, op.seq)
        if rebound and then is not None and then.node is None and t.node is not None:
            _refuse_moved_leaf(op, i, t)
        if rebound and then is not None and not (op.saves_inputs and i in read):
            op.inputs = (*op.inputs[:i], then, *op.inputs[i + 1 :])
    return read


def _refuse_moved_leaf(op: Any, i: int, t: Any) -> None:
    """A leaf whose gradient ``op`` needed, made the output of a node since by a recorded
    in-place op (after detach_ or requires_grad_(False)): PyTorch's AccumulateGrad then holds
    a non-leaf and its backward refuses; so does ours, rather than drop the gradient."""
    if op.needs_input_grad[i]:
        raise BackwardError(
            f"{op.label}: input {i} (shape {tuple(t.shape)}) was a leaf that required grad when "
            "this op used it; it stopped requiring grad since (detach_, requires_grad_(False)) "
            "and a recorded in-place op made it the output of a node, so its gradient has no "
            "leaf to go to (PyTorch: 'leaf variable has been moved into the graph interior'). "
            "Write into a copy instead (y = x.clone(); y.add_(...))."
        )


def resolved_inputs(op: Any) -> Any:
    """``op.inputs`` after ``resolve_rebound`` (when an in-place op rebound a tensor since ``op``
    was recorded), for the walks of the graph that run before the sweep."""
    if WRITES.rebound and op.inputs is not None and op.seq < WRITES.last:
        resolve_rebound(op)
    return op.inputs


def check_inputs(op: Any) -> None:
    """Raise when an input of ``op`` was changed in place after ``op`` was recorded and ``op``
    reads it in its VJP: rebound by a recorded in-place op or written in memory (its gradient
    would use the new values); an input rebound that ``op`` does not read is replaced by the
    stand-in of the value ``op`` saw, so that its gradient reaches that value's node;
    likewise an output that ``op`` saved for its VJP (exp, sigmoid, tanh, sqrt), and an input
    whose memory a recorded in-place op wrote after the input's own node was made
    (``stale_after``)."""
    if op.save_output and op.out is not None:
        reads = op.reads_outputs
        for k, out in enumerate(op.out if isinstance(op.out, tuple) else (op.out,)):
            if (reads is None or k in reads) and hasattr(out, "base") and written_at(out) > op.seq:
                raise GraphError(
                    f"{op.label}: output {k} (shape {tuple(out.shape)}, {out.dtype}), which "
                    "this op reads to compute its gradient, was modified by an in-place "
                    "operation after the forward pass. Modify a copy (y = y.clone()), or use "
                    "the out-of-place form (y = y + 1 instead of y.add_(1)).",
                    reason="output-modified",
                )
    read = resolve_rebound(op)
    for i, t in enumerate(op.inputs):
        rebound, then = rebound_after(t, op.seq)
        if rebound and then is None and t.node is None:  # (a leaf: inplace_shape.py)
            raise GraphError(
                f"{op.label}: input {i} (now shape {tuple(t.shape)}, {t.dtype}) is a leaf whose "
                "shape or strides an in-place method (t_, squeeze_, as_strided_ ...) changed "
                "under no_grad after this op used it, so its gradient would be laid out for "
                "the old shape. Call backward() first, or reshape out of place (x.t()).",
                reason="leaf-reshaped",
            )
        if rebound:
            raise GraphError(
                f"{op.label}: input {i} (shape {tuple(t.shape)}, {t.dtype}), which this op "
                "reads to compute its gradient, was modified by an in-place operation after "
                "this op used it. Use an out-of-place op (y = x + 1) when the old value is "
                "still needed, or clone first (x = x.clone()).",
                reason="input-modified",
            )
        stale = stale_after(t)
        if stale and op.seq > stale:
            raise GraphError(
                f"{op.label}: input {i} (shape {tuple(t.shape)}, {t.dtype}) shares its memory "
                "with a tensor that was modified by a recorded in-place operation (a view "
                "written in place, or the base of this view) after this input was made, so its "
                "gradient would describe the values it had before. Take the tensor (or view) "
                "again after the in-place operation, or clone before modifying (x = x.clone()).",
                reason="stale-node",
            )
        if op.saves_inputs and i in read and written_at(t.data) > op.seq:
            raise GraphError(
                f"{op.label}: input {i} (shape {tuple(t.shape)}, {t.dtype}), which this op "
                "reads to compute its gradient, was modified by an in-place operation after "
                "the forward pass. Call backward() before modifying it (an optimizer step, "
                "x[...] = ..., x.add_(...)), or modify a copy (x = x.clone()).",
                reason="input-modified",
            )
