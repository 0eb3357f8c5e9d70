"""The steps of ``Op.apply`` off its hot path: the checked forward (CuPy loaded, or under
``detect_anomaly``), linking an op with several outputs, and the forms an operand or a result
takes (a Python number next to a Tensor, a NumPy scalar). ``Op.apply`` and ``Op.apply_pair``
keep only the steps every call runs (op.py)."""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy

from autograd_core import device as _device
from autograd_core.broadcast import broadcast_shapes
from autograd_core.errors import DeviceError
from autograd_core.grad_mode import ANOMALY, MODE, WATCH, note_inputs
from autograd_core.op_origin import check_finite
from autograd_core.tensor import Tensor
from autograd_core.version import WRITES, made_now, next_seq, refuse_stale, root_of

if TYPE_CHECKING:
    from autograd_core.op import Op

__all__ = [
    "DROP_BYTES",
    "forward_checked",
    "after_recorded_write",
    "link_outputs",
    "stand_in",
    "without_values",
    "old_value",
    "as_array",
    "as_constant",
    "explain_value_error",
    "mark_view_origin",
    "refresh_inputs",
    "NO_GRAD_VIEW",
    "NO_GRAD_VIEW_OF_GRAD",
    "MULTI_OUTPUT_VIEW",
]

# How a view without a node was made, where PyTorch refuses to write it in place with an op that
# records gradients (its CreationMeta); see mark_view_origin.
NO_GRAD_VIEW = "made under no_grad"
NO_GRAD_VIEW_OF_GRAD = "made under no_grad of a tensor that requires grad"
MULTI_OUTPUT_VIEW = "one of several views an op (unbind, split, chunk ...) returned"


def forward_checked(op: Op, inputs: tuple[Tensor, ...], params: Mapping[str, Any]) -> Any:
    """The forward with CuPy loaded or under ``detect_anomaly``: refuse inputs on different
    devices and compute on the inputs' device; under ``detect_anomaly`` remember where the
    op was created and refuse a NaN/Inf output, naming the op and that line.

    Called by ``Op.apply`` or ``Op.apply_pair`` directly (``created_at`` leaves out this frame
    and theirs)."""
    name = type(op).name
    arrays = [t.data for t in inputs]
    if _device.CUPY_LOADED:
        op.xp = _check_devices(name, inputs)
    anomaly = ANOMALY.enabled
    quiet = numpy.errstate(all="ignore") if anomaly else contextlib.nullcontext()
    with _device.computing_on(*arrays), quiet:
        y = op.forward(*arrays, **params)
    if anomaly:
        op.created_at = traceback.extract_stack()[:-2]
        for a in y if type(y) is tuple else (y,):
            check_finite(name, op.xp.asarray(a), "forward", op.created_at)
    return y


def after_recorded_write(cls: type[Op], inputs: tuple[Tensor, ...], out: Tensor) -> None:
    """``apply``'s step once a recorded in-place write has happened (``WRITES.recorded``):
    refuse an input without a node whose memory such a write changed after it was made, where
    this op would be recorded (``version.refuse_stale``); give a view whose node such a write
    made stale a node that reads the base's current value (``inplace_views.regenerated``, as
    PyTorch regenerates a view's grad_fn); and mark ``out`` as made now (a view made under
    no_grad after the write is not stale)."""
    # (version.stale_leaf's steps spelled out: this runs for every op while a buffer written
    # by a recorded in-place op lives)
    if MODE.enabled and cls.differentiable:
        refresh_inputs(cls.name, inputs)
    out._seen = WRITES.last


def refresh_inputs(name: str, inputs: tuple[Tensor, ...]) -> None:
    """Before a recorded op reads ``inputs``, once a recorded in-place write has happened: a
    view whose memory such a write changed after it was made gets a node that reads its base's
    current value (``inplace_views.regenerated``, as PyTorch regenerates a view's grad_fn);
    any other input without a node on such memory is refused (``version.refuse_stale``)."""
    recorded = WRITES.recorded
    for t in inputs:
        d = t.data
        entry = recorded.get(id(d if d.base is None else root_of(d)))
        if entry is None:
            continue
        node = t.node
        if node is None and getattr(t, "_seen", 0) >= entry[0]:
            continue
        if node is not None and (node.seq > entry[0] or id(node) in entry[1]):
            continue
        from autograd_core.inplace_views import regenerated  # (rare: after such a write)

        if not (d.base is not None and regenerated(name, t)) and node is None:
            refuse_stale(name, t)


def mark_view_origin(out: Tensor, inputs: tuple[Tensor, ...], multi: bool) -> None:
    """Mark ``out`` (no node; its array views memory it does not own) when it views an input
    and was made under no_grad, or as one of several outputs, or from a view so marked:
    writing such a view in place with an op that records gradients is refused
    (``inplace_views.view_base``), as PyTorch refuses it (the history of the memory it shares
    cannot be rebuilt from a view made without one); so is any in-place write with grad mode
    on into a view made under no_grad of a tensor that requires grad (``inplace._records``:
    PyTorch's "ambiguous" case, whether the write should be recorded). A plain view made with
    grad mode on keeps the tensor it views (``_view_parent``, PyTorch's ``_base``), so that a
    recorded write through it rebinds that tensor too (``inplace_views.view_base``)."""
    root = root_of(out.data)
    viewed = [t for t in inputs if root_of(t.data) is root]
    if not viewed:
        return
    if MODE.enabled:
        meta = next((m for t in viewed if (m := getattr(t, "_view_meta", None))), None)
        meta = meta or (MULTI_OUTPUT_VIEW if multi else None)
        if meta is None:  # (a plain view: an in-place write through it reaches this base)
            out._view_parent = viewed[0]
            return
    else:
        grad = any(
            t._requires_grad or getattr(t, "_view_meta", None) == NO_GRAD_VIEW_OF_GRAD
            for t in viewed
        )
        meta = NO_GRAD_VIEW_OF_GRAD if grad else NO_GRAD_VIEW
    out._view_meta = meta


def link_outputs(
    op: Op, ys: tuple[Any, ...], inputs: tuple[Tensor, ...], params: Mapping[str, Any]
) -> tuple[Tensor, ...]:
    """``apply`` for an op with several outputs: one Tensor each, and ``op`` their node when
    recording. Only floating-point outputs are differentiable (``max``'s indices are not), as
    in PyTorch."""
    gam = _device.get_array_module
    ys = tuple([y if isinstance(y, op.xp.ndarray) else gam(y).asarray(y) for y in ys])
    cls = type(op)
    if WRITES.recorded and MODE.enabled and cls.differentiable:
        refresh_inputs(cls.name, inputs)
    recorded = MODE.enabled and cls.differentiable and any(t._requires_grad for t in inputs)
    if recorded:
        op.inputs = inputs if cls.saves_inputs else without_values(inputs, ys)
        op.needs_input_grad = tuple([t._requires_grad for t in inputs])
        op.seq = next_seq()
        op.params = params
        op.n_outputs = len(ys)
        roots = {id(root_of(t.data)) for t in inputs}
        op.returned_views = any(y.base is not None and id(root_of(y)) in roots for y in ys)
        op.plain = False
        op.out = ys if cls.save_output else None
    elif WATCH.enabled:  # checkpoint's unrecorded forward: which tensors it read
        note_inputs(inputs)
    outs = []
    for k, y in enumerate(ys):
        grad_ok = recorded and y.dtype.kind in "fc"
        outs.append(Tensor._make(y, grad_ok, op if grad_ok else None, k))
        if not grad_ok and y.base is not None:
            mark_view_origin(outs[-1], inputs, True)
        if WRITES.recorded:
            made_now(outs[-1])
    return tuple(outs)


# A node whose VJP reads no input value (``saves_inputs=False``: add, relu, max_pool ...) keeps,
# for an input of at least this many bytes made by another op, a stand-in instead of the input
# (``without_values``), so that the array is freed as soon as nothing else holds it: in
# ``relu(x @ w + b)`` the product and the sum go as soon as the next op has used them, as
# PyTorch saves only what a backward reads. Smaller inputs are kept: the stand-in costs
# ~0.7 µs, more than an early free of a small array gains. 64 KiB is half of glibc's first
# mmap threshold; a float32 (128, 128) array.
DROP_BYTES = 1 << 16


def without_values(inputs: tuple[Tensor, ...], y: Any) -> tuple[Tensor, ...]:
    """``inputs`` as a node that does not read their values keeps them: each floating-point
    input of at least ``DROP_BYTES`` made by another op becomes a stand-in Tensor
    (``stand_in``), on the host or a device. Leaves stay themselves (their ``.grad`` is
    filled), and so do small inputs, other kinds of array, and an input whose memory the
    result ``y`` (an array, or a tuple of them) views: ``y`` keeps that memory alive anyway,
    and an in-place write through the view finds its base through this input (PyTorch's
    CopySlices, inplace_views.py).

    The stand-in keeps the node the input had when the op used it: an in-place op that later
    rebinds the input to a new node changes nothing for this op (PyTorch's saved edges),
    where a kept input is checked for that (``version.check_inputs``)."""
    return tuple([stand_in(t) if _droppable(t) and not _viewed(t, y) else t for t in inputs])


def _droppable(t: Tensor) -> bool:
    d = t.data
    # (not after a recorded in-place write: version.stale_after reads the input's buffer)
    return (
        t.node is not None
        and d.nbytes >= DROP_BYTES
        and d.dtype.kind in "fc"
        and not WRITES.recorded
    )


def _viewed(t: Tensor, y: Any) -> bool:
    root = root_of(t.data)
    return any(root_of(a) is root for a in (y if type(y) is tuple else (y,)))


def stand_in(t: Tensor) -> Tensor:
    """A Tensor in place of ``t`` for a node that does not read its values (``without_values``):
    the same node, output number, name, shape, dtype and device; its data is one NaN broadcast
    to the shape (no memory; read-only on the host), so any code that read it by mistake would
    show it. ``t`` has a floating-point dtype."""
    s = Tensor._make(_nan_like(t.data), t._requires_grad, t.node, t.output_nr)
    s.name = t.name
    return s


def old_value(t: Tensor) -> Tensor | None:
    """What ``version.mark_rebound`` keeps of the value ``t`` held before an in-place op rebound
    it: a stand-in with its node; None for a dtype without NaN (an integer tensor that a
    comparison with a tensor that requires grad rebound, ``a.eq_(y)``), whose old nodes then
    refuse, as nothing could send them a gradient anyway."""
    return stand_in(t) if t.data.dtype.kind in "fc" else None


# one NaN per dtype (a bytes buffer) on the host, per (device, dtype) on a device
_NAN_BYTES: dict[Any, bytes] = {}
_DEVICE_NANS: dict[Any, Any] = {}


def _nan_like(d: Any) -> Any:
    dtype = d.dtype
    if type(d) is numpy.ndarray:
        nan = _NAN_BYTES.get(dtype)
        if nan is None:
            nan = _NAN_BYTES[dtype] = numpy.full(1, numpy.nan, dtype).tobytes()
        # (~0.4 µs: a bytes buffer makes it read-only, zero strides make each element the NaN)
        return numpy.ndarray(d.shape, dtype, nan, 0, (0,) * d.ndim)
    xp = _device.get_array_module(d)
    key = (_device.device_of(d), dtype)
    nan = _DEVICE_NANS.get(key)
    if nan is None:
        with _device.computing_on(d):
            nan = _DEVICE_NANS[key] = xp.full((), numpy.nan, dtype)
    return xp.broadcast_to(nan, d.shape)


def as_array(y: Any) -> Any:
    """A forward's result that is not a NumPy array: a NumPy scalar becomes a 0-d array; a CuPy
    array stays as it is (ToDevice's result lives on another device than op.xp's, and NumPy
    refuses a CuPy array)."""
    return _device.get_array_module(y).asarray(y)


def as_constant(x: Any, like: Tensor) -> Tensor:
    """An operand of ``Op.call`` next to the Tensor ``like``: itself if a Tensor, else a
    constant (a Python number takes the dtype NumPy's weak-scalar rule gives it)."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (bool, int, float)):
        xp = like.xp
        # (xp.full: on a device a fill kernel, where asarray would copy x from the host)
        return Tensor._make(xp.full((), x, dtype=xp.result_type(like.data.dtype, x)), False, None)
    return Tensor._make(x, False, None)


def explain_value_error(cls: type[Op], inputs: tuple[Tensor, ...]) -> None:
    """A forward raised ValueError: when the inputs of a broadcasting op do not broadcast, say
    so as a ShapeError naming the op and shapes. Any other ValueError is re-raised unchanged by
    the caller (it is a bug in the op, not a user error to be reworded). NumPy's LinAlgError (a
    ValueError: a singular matrix) is left alone: the matrix ops' batch dims broadcast, their
    matrix dims need not, and the caller words that error."""
    raised = sys.exc_info()[0]
    if raised is not None and raised.__name__ == "LinAlgError":
        return
    if cls.broadcasts and len(inputs) > 1:
        broadcast_shapes(*[tuple(t.data.shape) for t in inputs], op=cls.name)


def _check_devices(name: str, inputs: tuple[Tensor, ...]) -> Any:
    devices = {_device.device_of(t.data) for t in inputs}
    if len(devices) > 1:
        shown = ", ".join(str(_device.device_of(t.data)) for t in inputs)
        raise DeviceError(
            f"{name}: inputs are on different devices ({shown}). "
            "Move them to one device with .to(device) first."
        )
    return _device.get_array_module(*[t.data for t in inputs])
