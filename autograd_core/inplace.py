"""In-place Tensor methods (``x.add_(y)``, ``x += y``, ``p.grad.zero_()``), with PyTorch's rules.

- A leaf that requires grad cannot be changed in place while gradients are recorded: its
  gradient would belong to a value it no longer holds. Change it under ``ac.no_grad()``, as an
  optimizer does (``with ac.no_grad(): p -= lr * p.grad``).
- Where nothing is recorded (under ``no_grad``, or when no operand requires grad) the array is
  written in place: views of it see the change, and the write is recorded on the engine's clock
  (version.py), so that a backward reading the old values raises instead of using the new ones.
- Where the result is recorded (a non-leaf, or an operand that requires grad) the result is
  written into x's memory and x is rebound to its node, and so is the tensor x views
  (PyTorch's CopySlices, inplace_views.py); nodes that read the old values refuse backward.

The result keeps the tensor's shape and dtype (``x += y`` never broadcasts x or promotes it).
"""

from __future__ import annotations

from typing import Any

from autograd_core import device as _device
from autograd_core import ops
from autograd_core.device import to_device
from autograd_core.errors import GraphError, ShapeError
from autograd_core.grad_mode import MODE
from autograd_core.inplace_views import (
    move_retained,
    rebind_base,
    refuse_detaching_a_view,
    refuse_marked_view,
    refuse_overlap,
    refuse_partial_overlap,
    regathered,
    view_base,
)
from autograd_core.op_forward import old_value
from autograd_core.ops.common import lift, refuse_lossy
from autograd_core.ops.placing import setitem_at
from autograd_core.ops.subscript_key import split_key
from autograd_core.random import Generator, rng_of
from autograd_core.random_sampling import bernoulli_draw
from autograd_core.tensor import Tensor, read_only_error
from autograd_core.version import (
    NEVER,
    WRITES,
    mark_rebound,
    mark_recorded,
    mark_written,
    next_seq,
    refuse_stale,
)

__all__ = ["INPLACE_METHODS", "apply_in_place", "in_place_method", "write_in_place"]


def _records(name: str, x: Tensor, *others: Any) -> bool:
    """Whether the in-place op ``name`` on ``x`` is recorded; refuse a leaf that requires grad."""
    if not MODE.enabled:
        return False
    if WRITES.recorded:
        refuse_stale(name, x, *others)
    recorded = x.requires_grad or any(isinstance(o, Tensor) and o.requires_grad for o in others)
    refuse_marked_view(name, x, recorded)
    if x.requires_grad and x.node is None:
        raise GraphError(
            f"{name}: a leaf tensor that requires grad (shape {tuple(x.shape)}) is being used "
            "in an in-place operation; its gradient would belong to a value it no longer holds. "
            "Change it under ac.no_grad() (as optimizers do), or use the out-of-place form "
            f"(y = x.{name[:-1]}(...) instead of x.{name}(...))."
        )
    return recorded


def _recorded(name: str, x: Tensor, op: Any, /, *args: Any, **kwargs: Any) -> Tensor:
    """Apply ``op`` to a copy of the value x holds now (a new Tensor object, so the op's input
    edge keeps pointing to it), write the result into x's memory, so that every view of that
    memory sees it as in PyTorch, and rebind x to the result's node. Nodes recorded earlier
    with x as an input send their gradients to x's old node, or refuse when they read x
    (version.mark_rebound), and those that saved its memory refuse (version.mark_written).
    When x is a view of another tensor in the graph (its base), the base is rebound as well,
    to its old value with the view's elements replaced (inplace_views.py); any other tensor
    on that memory whose node is older refuses to back-propagate (version.mark_recorded) until
    it is written in place itself (it then reads its base's new value: regathered), and one
    without a node refuses to be used where gradients are recorded (version.refuse_stale)."""
    refuse_overlap(name, x)
    base = view_base(name, x)
    prev = Tensor._make(x.data.copy(), x._requires_grad, x.node, x.output_nr)
    before = prev if base is None else regathered(base, x, prev)
    out = op(before, *args, **kwargs)  # (x.mul_(x): x itself is read, as torch, so refuses)
    if out.node is None and before.requires_grad:  # (eq_, floor_divide_: x's gradient is 0)
        out = ops.where(x.xp.ones(x.shape, bool), out, before)
    if out.shape != x.shape:
        raise ShapeError(
            f"{name}: the result has shape {tuple(out.shape)} but the tensor written in place "
            f"has shape {tuple(x.shape)}; an in-place op cannot change its tensor's shape. "
            "Write it out of place (x = x + y)."
        )
    if out.dtype != x.dtype:
        refuse_lossy(name, x, out.dtype)
        out = out.to(dtype=x.dtype)
    try:
        x.data[...] = out.data
    except ValueError as e:  # a read-only array (a broadcast view)
        raise read_only_error(name, x, e) from None
    mark_written(x.data)
    node = out.node  # (exp_, relu_: saved as x's memory, as torch; numbered after this write)
    if node is not None and node.save_output and node.out is out.data:
        node.out, node.seq = x.data, next_seq()
    x.node, x.output_nr, x._requires_grad = node, out.output_nr, node is not None
    move_retained(x, prev.node)
    mark_rebound(x, old_value(prev))
    nodes = (out.node,)
    if base is not None:
        nodes += (rebind_base(*base, x),)
        x._view_parent = base[0]  # (x.node reads a copy: a next write finds the base so)
    mark_recorded(x.data, nodes)
    return x


def write_in_place(name: str, x: Tensor, compute: Any) -> Tensor:
    """Write ``compute()`` (an array of x's shape) into x's array and record the write."""
    refuse_overlap(name, x)
    value = compute()
    if value.shape != x.shape:
        raise ShapeError(
            f"{name}: the result has shape {tuple(value.shape)} but the tensor written in place "
            f"has shape {tuple(x.shape)}; an in-place op cannot change its tensor's shape."
        )
    refuse_lossy(name, x, value.dtype)
    try:
        x.data[...] = value
    except ValueError as e:  # a read-only array (a broadcast view)
        raise read_only_error(name, x, e) from None
    mark_written(x.data)
    return x


def _arithmetic(name: str, public: Any) -> Any:
    """``x.add_(y, alpha=2)``, ``x.div_(y, rounding_mode="floor")``: the keywords go to
    ``public`` (ac.add's alpha, ac.div's rounding_mode; a keyword it lacks is a TypeError)."""

    def method(self: Tensor, other: Any, **kwargs: Any) -> Tensor:
        refuse_partial_overlap(name, self, other)
        if _records(name, self, other):
            return _recorded(name, self, public, other, **kwargs)
        with _no_recording():
            return write_in_place(name, self, lambda: public(self, other, **kwargs).data)

    method.__name__ = name
    method.__doc__ = f"In place: ``x = x {name[:-1]} other`` (see ``autograd_core/inplace.py``)."
    return method


class _no_recording:
    def __enter__(self) -> None:
        self.prev, MODE.enabled = MODE.enabled, False

    def __exit__(self, *exc: object) -> None:
        MODE.enabled = self.prev


def zero_(self: Tensor) -> Tensor:
    """Fill with zeros in place (``p.grad.zero_()``)."""
    return fill_(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` in place; recorded, the gradient to the old value is 0."""
    if _records("fill_", self, value):
        everywhere = self.xp.ones(self.shape, bool)
        return _recorded("fill_", self, lambda x: ops.where(everywhere, value, x))
    xp = self.xp
    return write_in_place("fill_", self, lambda: xp.full(self.shape, _raw(value), self.dtype))


def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp to [min, max] in place (``clip_`` is the same)."""
    refuse_partial_overlap("clamp_", self, min, max)
    if _records("clamp_", self, min, max):
        return _recorded("clamp_", self, ops.clip, min, max)
    with _no_recording():
        return write_in_place("clamp_", self, lambda: ops.clip(self, min, max).data)


def copy_(self: Tensor, src: Any) -> Tensor:
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
    refuse_partial_overlap("copy_", self, src)
    if _records("copy_", self, src):
        src = lift(src, self)
        everywhere = self.xp.ones(self.shape, bool)  # (keeps x in the graph, gradient 0)
        return _recorded("copy_", self, lambda x: ops.where(everywhere, src.to(dtype=x.dtype), x))
    xp = self.xp
    return write_in_place("copy_", self, lambda: xp.broadcast_to(xp.asarray(_raw(src)), self.shape))


def masked_fill_(self: Tensor, mask: Any, value: Any) -> Tensor:
    """Set the elements where ``mask`` is true to ``value``, in place."""
    if _records("masked_fill_", self, value):
        return _recorded("masked_fill_", self, lambda x: ops.where(mask, value, x))
    xp = self.xp
    return write_in_place(
        "masked_fill_",
        self,
        lambda: xp.where(xp.asarray(_raw(mask), bool), _raw(value), self.data).astype(self.dtype),
    )


def in_place_method(name: str, public: Any) -> Any:
    """The in-place form ``x.<name>(...)`` of ``public(x, ...)`` (same shape and dtype)."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        refuse_partial_overlap(name, self, *args, *kwargs.values())
        if _records(name, self, *args, *kwargs.values()):
            return _recorded(name, self, public, *args, **kwargs)
        with _no_recording():
            return write_in_place(name, self, lambda: public(self, *args, **kwargs).data)

    method.__name__ = name
    method.__doc__ = f"In place: ``x = ac.{name[:-1]}(x, ...)`` (see ``autograd_core/inplace.py``)."
    return method


def apply_in_place(name: str, x: Tensor, public: Any, *args: Any, **kwargs: Any) -> Tensor:
    """Write ``public(x, *args, **kwargs)`` into x and return x, with the rules of every in-place
    method here: a leaf that requires grad is refused while recording, views of x see the new
    value, nodes that saved x's memory refuse to back-propagate. For functions without a Tensor
    method of their own (``F.elu(x, inplace=True)`` is ``apply_in_place("elu_", x, F.elu)``);
    ``public`` is called exactly once, so a random function draws once."""
    return in_place_method(name, public)(x, *args, **kwargs)


def normal_(
    self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of N(mean, std²) in place (from ``generator`` or the default one)."""
    _refuse_recorded("normal_", self)
    draw = rng_of(generator).normal(mean, std, self.shape)
    return write_in_place("normal_", self, lambda: self.xp.asarray(draw, dtype=self.dtype))


def uniform_(
    self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of U(a, b) in place (from ``generator`` or the default one)."""
    _refuse_recorded("uniform_", self)
    draw = rng_of(generator).uniform(a, b, self.shape)
    return write_in_place("uniform_", self, lambda: self.xp.asarray(draw, dtype=self.dtype))


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill with 0/1 samples in place, 1 with probability ``p`` (a number, or a tensor that
    broadcasts to this shape; from ``generator`` or the default one)."""
    _refuse_recorded("bernoulli_", self)
    if isinstance(p, Tensor):
        prob = p.data
        if prob.size and bool(to_device(~((prob >= 0) & (prob <= 1)).all(), "cpu")):
            raise ValueError(
                f"bernoulli_: the probabilities in p (shape {tuple(p.shape)}) must lie in [0, 1]; "
                "some are outside (or NaN). Clamp them: p.clamp(0, 1)."
            )
        try:
            prob = self.xp.broadcast_to(prob, self.shape)
        except ValueError:
            raise ShapeError(
                f"bernoulli_: p of shape {tuple(p.shape)} does not broadcast to the tensor's "
                f"shape {tuple(self.shape)}. Pass a number or a tensor of a broadcastable shape."
            ) from None
    elif not 0 <= p <= 1:
        raise ValueError(f"bernoulli_: p must be in [0, 1], got {p!r}.")
    else:
        prob = p
    return write_in_place("bernoulli_", self, lambda: bernoulli_draw(self, prob, generator))


def _refuse_recorded(name: str, x: Tensor) -> None:
    if _records(name, x):
        raise GraphError(
            f"{name}: refilling a tensor that is part of a recorded graph (shape "
            f"{tuple(x.shape)}, produced by {x.node.label if x.node else 'a leaf'}) would cut "
            "its gradient. Fill it under ac.no_grad(), or make a new tensor (ac.randn_like)."
        )


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``x[index] = value`` with PyTorch's subscript rules (``ops/subscript_key.py``); value is
    cast to x's dtype and broadcast to ``x[index]``'s shape. Recorded (x a non-leaf in a graph,
    or a value that requires grad) it rebinds x to ``placing.setitem_at``'s copy, whose
    gradients reach the old x and the value; a leaf that requires grad is refused."""
    if MODE.enabled and self.requires_grad and self.node is None:
        raise GraphError(
            f"setitem: in-place assignment into a leaf tensor that requires grad (shape "
            f"{tuple(self.shape)}) would give it a gradient for a value it no longer holds. "
            "Assign into a copy (y = x.clone(); y[i] = v; its gradient reaches x), or under "
            "ac.no_grad() to edit parameters."
        )
    basic, advanced = split_key(tuple(self.shape), index, self.xp, op="setitem")
    written = self.data[basic]
    refuse_overlap("setitem", self, written)
    if isinstance(value, Tensor):  # (``x[1:] = x[:-1]`` as copy_, ``x[i] = x`` as index_put_)
        name = "setitem" if advanced is None else "index_put_"
        refuse_partial_overlap(name, self, value, written=written)
    if _records("setitem", self, value):
        _recorded("setitem", self, lambda x: setitem_at(x, index, value))
        return
    raw = _raw(value)
    while getattr(raw, "ndim", 0) and raw.shape[0] == 1:  # leading 1s never change a broadcast
        raw = raw[0]
    try:
        if advanced is None:
            self.data[basic] = raw
        else:
            written[advanced] = raw
    except ValueError as e:
        if not _device.on_host(self.data) or self.data.flags.writeable:
            raise ShapeError(
                f"setitem: a value of shape {tuple(getattr(raw, 'shape', ()))} cannot be "
                f"written into x[{index!r}] of a tensor of shape {tuple(self.shape)} ({e}); the "
                "value must broadcast to the indexed shape."
            ) from None
        raise read_only_error("setitem", self, e) from None
    mark_written(self.data)


def detach_(self: Tensor) -> Tensor:
    """Cut this tensor from the graph in place (``torch.Tensor.detach_``): a leaf without grad;
    nodes recorded before keep their edge to its old node, as PyTorch's. A view in the graph
    is refused, as PyTorch; one without a node is allowed (deliberate: nothing to cut)."""
    refuse_detaching_a_view(self)
    if self.node is not None:  # (its value's stand-in, for the nodes that used it: K2's way)
        mark_rebound(self, old_value(Tensor._make(self.data, True, self.node, self.output_nr)))
    self.node, self.output_nr, self._requires_grad = None, 0, False
    self._seen = NEVER  # (a leaf now, as in PyTorch: not a stale view)
    return self


def _raw(v: Any) -> Any:
    return v.data if isinstance(v, Tensor) else v


_ARITHMETIC = {
    "add_": ops.add,
    "sub_": ops.sub,
    "mul_": ops.mul,
    "div_": ops.div,
    "subtract_": ops.sub,  # PyTorch's aliases
    "multiply_": ops.mul,
    "divide_": ops.div,
}

INPLACE_METHODS: dict[str, Any] = {
    **{name: _arithmetic(name, fn) for name, fn in _ARITHMETIC.items()},
    "zero_": zero_,
    "fill_": fill_,
    "clamp_": clamp_,
    "clip_": clamp_,
    "copy_": copy_,
    "masked_fill_": masked_fill_,
    "__setitem__": setitem,
    "scatter_": in_place_method("scatter_", ops.scatter),
    "index_put_": in_place_method("index_put_", ops.index_put),
    "put_": in_place_method("put_", ops.put),
    "nan_to_num_": in_place_method("nan_to_num_", ops.nan_to_num),
    "lerp_": in_place_method("lerp_", ops.lerp),
    "normal_": normal_,
    "uniform_": uniform_,
    "bernoulli_": bernoulli_,
    "polygamma_": in_place_method("polygamma_", lambda x, n: ops.polygamma(n, x)),
    "relu_": in_place_method("relu_", ops.relu),
    "sigmoid_": in_place_method("sigmoid_", ops.sigmoid),
    "exp_": in_place_method("exp_", ops.exp),
    "tanh_": in_place_method("tanh_", ops.tanh),
    "index_add_": in_place_method("index_add_", ops.index_add),
    "detach_": detach_,
    "neg_": in_place_method("neg_", ops.neg),
    "negative_": in_place_method("negative_", ops.neg),
    "clamp_min_": in_place_method("clamp_min_", ops.clamp_min),
    "clamp_max_": in_place_method("clamp_max_", ops.clamp_max),
}
# PyTorch's in-place forms of the elementwise math functions (x.tan_(), x.atan2_(y), ...) and
# of renorm
_ELEMENTWISE = (
    "tan asin arcsin acos arccos atan arctan atan2 arctan2 sinh cosh asinh arcsinh acosh "
    "arccosh atanh arctanh log2 log10 exp2 trunc fix frac logit hypot xlogy lgamma digamma "
    "erfinv sinc deg2rad rad2deg heaviside true_divide sgn copysign ldexp i0 nextafter mvlgamma "
    "renorm addr"
).split()
INPLACE_METHODS.update({f"{n}_": in_place_method(f"{n}_", getattr(ops, n)) for n in _ELEMENTWISE})
# x += y is x.add_(y): Python calls these instead of rebinding x to a new tensor
INPLACE_METHODS.update(
    {
        "__iadd__": INPLACE_METHODS["add_"],
        "__isub__": INPLACE_METHODS["sub_"],
        "__imul__": INPLACE_METHODS["mul_"],
        "__itruediv__": INPLACE_METHODS["div_"],
    }
)
