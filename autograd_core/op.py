"""The Op base class: one differentiable primitive, its forward on arrays and its VJP on Tensors.

An op instance is also the graph node of the tensor it produced (Chainer's FunctionNode,
PyTorch's ``ctx``): it keeps its input tensors (the parents), what its forward saved, and which
inputs need a gradient. Its ``vjp`` is written with Tensor operations, so when the engine runs it
with recording on (``create_graph=True``) the backward pass is itself a graph and can be
differentiated again; with recording off the same code runs as plain array arithmetic.
"""

from __future__ import annotations

import itertools
import os
import traceback
from typing import Any, ClassVar

import numpy

from autograd_core import device as _device
from autograd_core.errors import AnomalyError, DeviceError, GraphFreedError, ShapeError
from autograd_core.grad_mode import ANOMALY, MODE
from autograd_core.tensor import Tensor

__all__ = ["Op"]

_ndarray = numpy.ndarray
_new = object.__new__
# needs_input_grad of one- and two-input ops, prebuilt (indexed by the bools): no allocation
_NEEDS1 = ((False,), (True,))
_NEEDS2 = (((False, False), (False, True)), ((True, False), (True, True)))
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
# Sequence numbers of recorded nodes, in creation order: back-propagation visits nodes from the
# highest number down (graph._run), as PyTorch's autograd does with its sequence_nr.
_next_seq = itertools.count(1).__next__


class Op:
    """Base class of every registered op.

    Subclasses define ``forward(self, *arrays, **params) -> array`` and
    ``vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]`` (one entry per input).

    Class attributes (set by ``@register_op``):
        name: the registry key and label (``"mul"``).
        broadcasts: the engine reduces input gradients to the input shapes with ``sum_to``.
        differentiable: False for ops with no gradient (comparisons, floor, argmax).
        double_backward: False if the VJP is not itself differentiable; asking for a second
            derivative through such an op raises a clear error.
        save_output: keep the forward output for the VJP (``self.output()``).

    Attributes of a recorded instance:
        inputs: the input tensors, in order (the parents ``Pa(u)`` of the seeds' algorithm).
        needs_input_grad: one bool per input.
        seq: the sequence number of the node, increasing in creation order.
        params: the keyword arguments of the call (axis, shape ...), shown by viz and errors.
        out: the saved output array when ``save_output`` is set.
        saved: extra arrays the forward chose to keep (masks, indices).

    A VJP is written with Tensor operations so that it can itself be differentiated; an op on
    the hot path of training also gives it on raw arrays (``vjp_arrays``, below).
    """

    name: ClassVar[str] = "op"
    broadcasts: ClassVar[bool] = False
    differentiable: ClassVar[bool] = True
    double_backward: ClassVar[bool] = True
    save_output: ClassVar[bool] = False

    # Defaults read through the class until an instance sets its own (one op is created per
    # call, so every attribute not written in Op.apply is time saved).
    xp: Any = numpy
    out: Any = None
    saved: Any = None
    created_at: list[traceback.FrameSummary] | None = None
    hooks: list[Any] | None = None
    retained: list[Any] | None = None
    params: dict[str, Any] = {}  # noqa: RUF012  (replaced per instance, never mutated)

    inputs: tuple[Tensor, ...] | None
    needs_input_grad: tuple[bool, ...]
    seq: int

    def forward(self, *xs: Any, **params: Any) -> Any:
        raise NotImplementedError

    def vjp(self, gy: Tensor) -> tuple[Tensor | None, ...]:
        raise NotImplementedError

    # Optionally, an op also defines ``vjp_arrays(self, gy) -> tuple[array | None, ...] | None``:
    # the same products on raw arrays. A backward pass that records nothing (no create_graph,
    # no detect_anomaly) calls it instead of ``vjp`` (node_vjp._array_vjp), so that its arithmetic
    # runs as plain NumPy/CuPy without building and discarding a Tensor op per product. It must
    # give the values ``vjp`` gives (test_op_db.py checks every op that has one on every sample)
    # and may return None to leave a call to ``vjp`` (an uncommon case it does not handle).
    vjp_arrays: Any = None
    # ``fresh_grads``: nothing else holds the arrays ``vjp_arrays`` returns (new arrays, no view
    # of ȳ, none twice; or ȳ itself from ``vjp_arrays_in_place``), so the sweep may pass them on
    # as owned. ``vjp_arrays_in_place(self, gy)``: ``vjp_arrays`` allowed to write its result
    # into ``gy``; the sweep calls it when it alone holds ``gy``.
    fresh_grads: ClassVar[bool] = False
    vjp_arrays_in_place: Any = None

    @property
    def label(self) -> str:
        """The op's name, used by viz, repr and error messages."""
        return self.name

    # -- helpers for VJPs ------------------------------------------------------------------

    def output(self) -> Tensor:
        """The forward output as a Tensor attached to this node, so that a VJP using it stays
        differentiable (``tanh``: x̄ = ȳ(1 − y²))."""
        if self.out is None:
            raise self._freed()
        return Tensor._make(self.out, True, self)

    def _freed(self) -> GraphFreedError:
        return GraphFreedError(
            f"{self.label}: this node already released its saved arrays after a backward pass. "
            "Pass retain_graph=True to the first backward() (or grad()) to backpropagate twice."
        )

    def release(self) -> None:
        """Drop the parents and saved arrays (after its VJP ran, unless retain_graph)."""
        self.inputs = None
        if self.out is not None:
            self.out = None
        if self.saved is not None:
            self.saved = None

    # -- applying an op --------------------------------------------------------------------

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Tensor:
        """Run the forward on the inputs' arrays and, when recording, link the output to this node.

        This is the forward-propagation step of the seeds' algorithm,
        ``u(i) = f(i)(A(i))`` with ``A(i)`` the values of the parents. It runs once per op call,
        so it reads slots directly, special-cases one and two inputs, and builds the output
        Tensor inline; ``detect_anomaly`` takes the separate, checked path.
        """
        if ANOMALY.enabled:
            return cls._apply_checked(inputs, params)
        op = _new(cls)
        if _device.CUPY_LOADED:
            op.xp = _check_devices(cls.name, inputs)
        n = len(inputs)
        try:
            # (a call with an empty **params costs ~100 ns more than a plain one)
            if n == 2:
                a, b = inputs
                y = op.forward(a.data, b.data, **params) if params else op.forward(a.data, b.data)
            elif n == 1:
                a = inputs[0]
                y = op.forward(a.data, **params) if params else op.forward(a.data)
            else:
                y = op.forward(*[t.data for t in inputs], **params)
        except ValueError as e:  # NumPy's shape complaints, reworded to name the op and inputs
            raise ShapeError(f"{cls.name}: {e}. Inputs: {_describe(inputs)}.") from e
        if type(y) is not _ndarray:
            y = op.xp.asarray(y)
        out = _new(Tensor)
        out.data = y
        out.grad = None
        out._hooks = None
        out.name = None
        if MODE.enabled and cls.differentiable:
            if n == 2:
                needs = _NEEDS2[a._requires_grad][b._requires_grad]
            elif n == 1:
                needs = _NEEDS1[a._requires_grad]
            else:
                needs = tuple([t._requires_grad for t in inputs])
            if True in needs:
                op.inputs = inputs
                op.needs_input_grad = needs
                op.seq = _next_seq()
                op.params = params
                if cls.save_output:
                    op.out = y
                out._requires_grad = True
                out.node = op
                return out
        out._requires_grad = False
        out.node = None
        return out

    @classmethod
    def _apply_checked(cls, inputs: tuple[Tensor, ...], params: dict[str, Any]) -> Tensor:
        """``apply`` under ``detect_anomaly``: remember where the op was created and refuse a
        NaN/Inf output, naming the op and that line (NumPy's own warning is silenced)."""
        ANOMALY.enabled = False
        try:
            with numpy.errstate(all="ignore"):
                out = cls.apply(*inputs, **params)
        finally:
            ANOMALY.enabled = True
        op = out.node
        created_at = traceback.extract_stack()[:-3] if op is not None else None
        if op is not None:
            op.created_at = created_at
        _check_finite(cls.name, out.data, "forward", created_at)
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} op {self.label!r}>"


def _describe(inputs: tuple[Tensor, ...]) -> str:
    return ", ".join(f"{tuple(t.shape)} {t.dtype} on {t.device}" for t in inputs)


def _check_devices(name: str, inputs: tuple[Tensor, ...]) -> Any:
    devices = {_device.device_of(t.data) for t in inputs}
    if len(devices) > 1:
        shown = ", ".join(str(_device.device_of(t.data)) for t in inputs)
        raise DeviceError(
            f"{name}: inputs are on different devices ({shown}). "
            "Move them to one device with .to(device) first."
        )
    return _device.get_array_module(*[t.data for t in inputs])


def _where(created_at: list[traceback.FrameSummary] | None) -> str:
    if not created_at:
        return "(creation site not recorded: enable detect_anomaly() before the forward pass)"
    # The innermost frame outside this package is the user's line.
    for frame in reversed(created_at):
        if not frame.filename.startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno} ({frame.line})"
    frame = created_at[-1]
    return f"{frame.filename}:{frame.lineno}"


def _check_finite(label: str, y: Any, phase: str, created_at: Any) -> None:
    xp = _device.get_array_module(y)
    if y.dtype.kind in "fc" and not bool(xp.isfinite(y).all()):
        bad = "NaN" if bool(xp.isnan(y).any()) else "Inf"
        raise AnomalyError(
            f"{label}: the {phase} pass produced {bad} (output shape {tuple(y.shape)}, "
            f"{y.dtype}); the op was created at {_where(created_at)}. Check this op's inputs "
            "(log of 0, division by 0, overflowing exp) or lower the learning rate."
        )
