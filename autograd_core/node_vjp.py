"""One node of the back-propagation sweep (graph._run): calling its VJP, in the Tensor form or
on raw arrays, and fitting, hooking and storing the gradients it sends along its edges."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.broadcast import sum_to_array
from autograd_core.errors import BackwardError, VJPError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.op import Op
from autograd_core.ops.reduce import SumTo
from autograd_core.tensor import Tensor

_ndarray = numpy.ndarray


class _NoDoubleBackward(Op):
    """Stands for the gradient of an op whose VJP is not differentiable; differentiating it
    again raises instead of silently returning zero."""

    name = "no_double_backward"

    def forward(self, *xs: Any, value: Any, op: str) -> Any:
        return value

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        raise BackwardError(
            f"{self.params['op']}: this op does not support double backward, but a second "
            "derivative through it was asked for. Restructure the computation, or compute "
            "this second derivative numerically (autograd_core.gradcheck)."
        )


def _run_vjp(op: Op, g: Tensor, create_graph: bool) -> tuple[Tensor | None, ...]:
    """Call the op's VJP. Recording is already set to ``create_graph`` for the whole sweep."""
    if ANOMALY.enabled:
        # The ops inside a VJP are not checked one by one: the VJP's results are, under the
        # name of the op that owns it (an inf inside can be legitimate).
        ANOMALY.enabled = False
        try:
            return _run_vjp(op, g, create_graph)
        finally:
            ANOMALY.enabled = True
    if create_graph and not op.double_backward:
        MODE.enabled = False
        try:
            grads = op.vjp(g)
        finally:
            MODE.enabled = True
        return tuple(
            None if gx is None else _NoDoubleBackward.apply(*op.inputs, value=gx.data, op=op.label)
            for gx in grads
        )
    return op.vjp(g)


def _array_vjp(op: Op, g: Tensor, owned: bool) -> tuple[Tensor | None, ...] | None:
    """``op.vjp_arrays`` on the gradient's array, its results wrapped as constant Tensors (a
    sweep that records nothing: the same values as ``op.vjp``, without its Tensor ops).
    ``owned``: the sweep alone holds ``g``'s array, so ``vjp_arrays_in_place`` may write into
    it. Returns None when the op leaves the case to ``vjp``."""
    in_place = op.vjp_arrays_in_place if owned else None
    arrays = (in_place or op.vjp_arrays)(g.data)
    if arrays is None:  # a case the array form leaves to the Tensor form
        return None
    if type(arrays) is not tuple:
        return arrays  # not one gradient per input: _run's check names the op
    # one and two inputs without a loop: this runs once per node of every backward pass
    xp = op.xp
    if len(arrays) == 1:
        (a,) = arrays
        return (None if a is None else _as_const(a, xp),)
    if len(arrays) == 2:
        a, b = arrays
        return (None if a is None else _as_const(a, xp)), (None if b is None else _as_const(b, xp))
    return tuple([None if a is None else _as_const(a, xp) for a in arrays])


def _as_const(a: Any, xp: Any) -> Tensor:
    # (a reduction of a 0-d array gives a NumPy scalar: made an array again)
    return Tensor._make(a if type(a) is _ndarray else xp.asarray(a), False, None)


def _check_grads(op: Op, grads: Any) -> None:
    """Raise the error for a VJP that did not return one gradient (or None) per input."""
    n = len(grads) if isinstance(grads, (tuple, list)) else type(grads).__name__
    raise VJPError(
        f"{op.label}.vjp returned {n} gradients for {len(op.inputs)} inputs. "
        "This is a bug in the op, not in your code."
    )


def _fit_grad(op: Op, i: int, x: Tensor, gx: Tensor, plain: bool) -> Tensor:
    """At the engine boundary: reduce a broadcast gradient with ``sum_to`` (ops registered with
    ``broadcasts=True``), cast to the input's dtype, and refuse any other shape as an op bug.
    In a sweep that records nothing (``plain``) the sum is taken on the array directly."""
    if gx.data.shape != x.data.shape:
        if op.broadcasts:
            if plain:
                gx = Tensor._make(sum_to_array(gx.data, x.data.shape), False, None)
            else:
                gx = SumTo.apply(gx, shape=x.data.shape)
        if gx.data.shape != x.data.shape:
            raise VJPError(
                f"{op.label}.vjp returned a gradient of shape {tuple(gx.shape)} for input "
                f"{i} of shape {tuple(x.shape)}. This is a bug in the op, not in your code."
            )
    if gx.data.dtype != x.data.dtype:
        gx = gx.astype(x.data.dtype)
    return gx


def _apply_hooks(hooks: list[Any] | None, g: Tensor) -> Tensor:
    for hook in list(hooks or ()):
        new = hook(g)
        if new is not None:
            if not isinstance(new, Tensor) or new.shape != g.shape:
                raise BackwardError(
                    f"hook {hook!r} returned {type(new).__name__} "
                    f"{getattr(new, 'shape', '')}; a hook must return None or a Tensor of the "
                    f"gradient's shape {tuple(g.shape)}."
                )
            g = new
    return g


def _store_grad(t: Tensor, g: Tensor, create_graph: bool, claimed: set[int]) -> None:
    """Add ``g`` into ``t.grad``: the first gradient is taken over when nothing else can hold
    its array, later ones are added in place (HIPS autograd's lesson: no zero-fill)."""
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    arr = g.data
    if t.grad is None:
        if arr.base is not None or id(arr) in claimed or not arr.flags.writeable:
            arr = arr.copy()
        claimed.add(id(arr))
        t.grad = Tensor._make(arr, False, None)
    elif t.grad.requires_grad:  # a graph-carrying grad from an earlier create_graph backward
        t.grad = Tensor._make(t.grad.data + arr, False, None)
    else:
        t.grad.data += arr
