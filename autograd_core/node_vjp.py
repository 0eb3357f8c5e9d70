"""The work at one node of the back-propagation sweep (graph.py): calling its VJP in the form
the sweep needs, fitting each gradient to its input, running hooks, and storing leaf gradients.

A plain backward passes arrays through the grad table and a recorded one (``create_graph``)
passes Tensors; this module is where the two meet an op's single VJP text.
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.broadcast import sum_to_array, sum_to_axes
from autograd_core.device import computing_on
from autograd_core.errors import BackwardError, VJPError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.op import Op
from autograd_core.op_origin import check_finite, vjp_count_error, vjp_fix_hint
from autograd_core.registry import get_op
from autograd_core.tensor import Tensor

__all__ = ["NoDoubleBackward", "call_vjp", "fit_grad", "apply_hooks", "store_grad"]

_ndarray = numpy.ndarray


class NoDoubleBackward(Op):
    """Stands for the gradient of an op whose VJP is not differentiable, so that
    differentiating it again raises instead of silently returning zero (PyTorch's autograd
    ``Error`` node plays the same part). The engine's own node, not a registered op."""

    name = "no_double_backward"

    def forward(self, *xs: Any, value: Any, op: str) -> Any:
        return value

    def vjp(self, *gys: Any) -> tuple[Any, ...]:
        raise BackwardError(
            f"{self.params['op']}: this op does not support double backward, but a second "
            "derivative through it was asked for. Restructure the computation, or compute "
            "this second derivative numerically (autograd_core.gradcheck)."
        )


def call_vjp(op: Op, gys: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    """The op's VJP on the upstream gradients ``gys`` (arrays in a plain backward, Tensors in a
    recorded one), checked to give one gradient or None per input, in the same form."""
    if ANOMALY.enabled:
        # The ops inside a VJP are not checked one by one: its results are, under the name of
        # the op that owns it (an inf inside a VJP can be legitimate).
        ANOMALY.enabled = False
        try:
            grads = call_vjp(op, gys, create_graph)
        finally:
            ANOMALY.enabled = True
        for gx in grads:
            if gx is not None:
                check_finite(op.label, gx.data if create_graph else gx, "backward", op.created_at)
        return grads
    with computing_on(*[t.data for t in op.inputs]):  # the inputs' CUDA device, if any
        if not create_graph:
            grads = op.vjp(*gys) if op.array_vjp else _tensor_vjp_on_arrays(op, gys)
        elif op.double_backward:
            grads = op.vjp(*gys)
        else:
            grads = _first_order_only(op, gys)
    if type(grads) is not tuple or len(grads) != len(op.inputs):
        raise vjp_count_error(op, grads)
    if create_graph:
        for i, gx in enumerate(grads):
            if gx is not None and not isinstance(gx, Tensor):
                # an array here would be a constant: the second derivative would be silently 0
                raise VJPError(
                    f"{op.label}.vjp returned a {type(gx).__name__} for input {i} in a "
                    "recorded backward (create_graph=True), where Tensors are expected: the "
                    "gradient would not be differentiable. Compute it with Tensor operations "
                    "on gy and self.inputs (or self.inputs_as(gy) with array_vjp=True). "
                    + vjp_fix_hint(type(op))
                )
    return grads


def _tensor_vjp_on_arrays(op: Op, gys: tuple[Any, ...]) -> tuple[Any, ...]:
    """A VJP written on Tensors only, run for a plain backward: the arrays go in as constant
    Tensors (recording is off for the whole sweep) and the arrays of its results come out."""
    grads = op.vjp(*[None if g is None else Tensor._make(g, False, None) for g in gys])
    if type(grads) is not tuple:
        return grads
    out = []
    for i, gx in enumerate(grads):
        if gx is not None and not isinstance(gx, Tensor):
            raise VJPError(
                f"{op.label}.vjp returned a {type(gx).__name__} for input {i}; a VJP written "
                "on Tensors must return Tensors (or None). Compute it with Tensor operations "
                "on gy and self.inputs (a constant array can be wrapped with ac.as_tensor()), "
                "or register the op with array_vjp=True and write its VJP over arrays and "
                "Tensors alike (docs/adding_an_op.md). " + vjp_fix_hint(type(op))
            )
        out.append(None if gx is None else gx.data)
    return tuple(out)


def _first_order_only(op: Op, gys: tuple[Any, ...]) -> tuple[Any, ...]:
    """A recorded backward through an op without double backward: compute its VJP unrecorded
    and hand each gradient on as a NoDoubleBackward node that refuses a second derivative."""
    arrays = tuple(None if g is None else g.data for g in gys)
    MODE.enabled = False
    try:
        grads = call_vjp(op, arrays, False)
    finally:
        MODE.enabled = True
    return tuple(
        None if a is None else NoDoubleBackward.apply(*op.inputs, value=a, op=op.label)
        for a in grads
    )


def fit_grad(op: Op, i: int, x: Tensor, gx: Any, fresh: bool) -> tuple[Any, bool]:
    """At the engine boundary: reduce a broadcast gradient with ``sum_to`` (ops registered with
    ``broadcasts=True``), cast it to the input's dtype, and refuse any other shape as an op
    bug. Returns the gradient and whether it is a new array only the sweep holds."""
    if x.node is None and not x._requires_grad and getattr(gx, "shape", None) != x.data.shape:
        # (a leaf that stopped requiring grad, detach_(), then reshaped in place: its
        # gradient goes nowhere, as in PyTorch, whatever its shape)
        return None, False
    if isinstance(gx, Tensor):
        if gx.data.shape != x.data.shape and op.broadcasts:
            gx = get_op("sum_to").apply(gx, shape=x.data.shape)
        _check_shape(op, i, x, gx.data)
        if gx.data.dtype != x.data.dtype:
            gx = get_op("astype").apply(gx, dtype=x.data.dtype)
        return gx, False
    if not hasattr(gx, "dtype") or isinstance(gx, Tensor):
        raise VJPError(
            f"{op.label}.vjp returned a {type(gx).__name__} for input {i} in a plain backward, "
            "where arrays are expected. " + vjp_fix_hint(type(op))
        )
    if gx.shape != x.data.shape and op.broadcasts:
        # a sum makes a new array; a reshape (only size-1 axes dropped) keeps ownership as is
        fresh = fresh or bool(sum_to_axes(gx.shape, x.data.shape))
        gx = sum_to_array(gx, x.data.shape)
    if type(gx) is not _ndarray and not isinstance(gx, op.xp.ndarray):
        # a NumPy scalar (a product or full reduction of 0-d arrays): the table adds into
        # arrays in place, which would only rebind a scalar
        gx, fresh = op.xp.asarray(gx), True
    _check_shape(op, i, x, gx)
    if gx.dtype != x.data.dtype:
        gx, fresh = gx.astype(x.data.dtype), True
    return gx, fresh


def _check_shape(op: Op, i: int, x: Tensor, gx: Any) -> None:
    if gx.shape != x.data.shape:
        raise VJPError(
            f"{op.label}.vjp returned a gradient of shape {tuple(gx.shape)} for input {i} of "
            f"shape {tuple(x.shape)}; it must return one gradient of each input's shape. "
            + vjp_fix_hint(type(op))
        )


def apply_hooks(hooks: list[Any], g: Any, index: int | None = None) -> tuple[Any, bool]:
    """Run gradient hooks (``Tensor.register_hook``) on ``g``; a hook returning a Tensor
    replaces it. ``index`` picks, for an op node, the hooks of that output from its
    ``(output_nr, hook)`` pairs. Returns the gradient, in ``g``'s form, and whether a hook
    replaced it (then a user's tensor may share its array)."""
    as_tensor = isinstance(g, Tensor)
    t = g if as_tensor else Tensor._make(g, False, None)
    replaced = False
    for entry in list(hooks):
        if index is not None:
            k, hook = entry
            if k != index:
                continue
        else:
            hook = entry
        new = hook(t)
        if new is not None:
            if not isinstance(new, Tensor) or new.shape != t.shape:
                raise BackwardError(
                    f"hook {hook!r} returned {type(new).__name__} "
                    f"{getattr(new, 'shape', '')}; a hook must return None or a Tensor of the "
                    f"gradient's shape {tuple(t.shape)}."
                )
            t, replaced = new, True
    return (t if as_tensor else t.data), replaced


def store_grad(t: Tensor, g: Any, owned: bool) -> None:
    """Add the gradient ``g`` into ``t.grad``. A plain backward's array is moved in when the
    sweep alone holds it (``owned``) and copied otherwise, so ``.grad`` never shares memory
    with another tensor; later backward passes add into it in place. A recorded backward's
    Tensor is kept as it is (it carries the graph of the gradient)."""
    if isinstance(g, Tensor):
        t.grad = g if t.grad is None else t.grad + g
    elif t.grad is None:
        t.grad = Tensor._make(g if owned else g.copy(), False, None)
    elif t.grad.requires_grad:  # a graph-carrying grad from an earlier create_graph backward
        t.grad = Tensor._make(t.grad.data + g, False, None)
    else:
        t.grad.data += g
