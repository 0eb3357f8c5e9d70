"""The Op base class: one differentiable primitive, its forward on arrays and its VJP.

An op instance is also the graph node of the tensors it produced (Chainer's FunctionNode,
PyTorch's ``ctx``): it keeps its input tensors (the parents), what its forward saved, which
inputs need a gradient. Each output (a fused LSTM's ``(y, h_n, c_n)``) is its own Tensor.

Each op writes its VJP once. An op registered with ``array_vjp=True`` writes it with operations
that arrays and Tensors share (``*``, ``@``, ``.T``, ``.sum(axis=, keepdims=)``, ``.reshape``)
and reaches its saved values and other ops through ``inputs_as``, ``output_as`` and
``Op.call``: a plain backward then runs it on raw arrays at NumPy speed, and a recorded one
(``create_graph=True``) runs the same text on Tensors, so the backward is itself a graph and can
be differentiated again. An op without ``array_vjp`` writes its VJP on Tensors only, the simple
form that ``docs/adding_an_op.md`` teaches.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import numpy

from autograd_core import device as _device
from autograd_core.errors import GraphFreedError
from autograd_core.grad_mode import ANOMALY, MODE, WATCH, note_inputs
from autograd_core.op_forward import (
    DROP_BYTES,
    after_recorded_write,
    as_array,
    as_constant,
    explain_value_error,
    forward_checked,
    link_outputs,
    mark_view_origin,
    without_values,
)
from autograd_core.tensor import Tensor
from autograd_core.version import RECORDED, next_seq

__all__ = ["Op", "edges_of_pair"]

_ndarray = numpy.ndarray
_new = object.__new__
# needs_input_grad of one- and two-input ops, prebuilt (indexed by the bools): no allocation
_NEEDS1 = ((False,), (True,))
_NEEDS2 = (((False, False), (False, True)), ((True, False), (True, True)))


class _NoParams(Mapping[str, Any]):
    """The params of a node recorded without keyword arguments (``Op.apply_pair``): one shared
    read-only empty mapping (no node changes its params) where each node would otherwise keep
    an empty dict (65 B, one more object for the cyclic collector); copied or pickled: new."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __reduce__(self) -> tuple[Any, ...]:
        return (_NoParams, ())

    def __repr__(self) -> str:
        return "{}"


_NO_PARAMS = _NoParams()
# Sequence numbers of recorded nodes, in creation order, from the clock in-place writes also
# read (version.py): back-propagation visits nodes from the highest number down (sweep.py), as
# PyTorch's autograd does with its sequence_nr.
_next_seq = next_seq


class Op:
    """Base class of every registered op.

    Subclasses define ``forward(self, *arrays, **params)``, returning one array or a tuple of
    arrays (one per output), and ``vjp(self, *gys)``, which takes one upstream gradient per
    output (None for an output that received none) and returns one gradient (or None) per
    input.

    Class attributes (set by ``@register_op``):
        name: the registry key and label (``"mul"``).
        broadcasts: the engine reduces input gradients to the input shapes with ``sum_to``.
        differentiable: False for ops with no gradient (comparisons, floor, argmax).
        double_backward: False if the VJP is not itself differentiable; asking for a second
            derivative through such an op raises a clear error.
        save_output: keep the forward output(s) for the VJP (``output_as``).
        array_vjp: the VJP is written over arrays and Tensors alike (module docstring), so a
            plain backward runs it on raw arrays.
        fresh_grads: (with ``array_vjp``) every array the VJP returns is new and distinct: not
            ȳ, not a view of it, not a saved array. The engine may then move it into a leaf's
            ``.grad`` or add into it in place instead of copying.
        saves_inputs: the VJP reads the inputs' values (mul, matmul; ``reads_inputs`` names
            those the needed gradients read), so a write into one between forward and backward
            raises (version.py); if False (add, reshape, relu), a large input made by another
            op is kept as a stand-in without values (``op_forward.without_values``).
        reuses_gy: (with ``array_vjp``) the VJP may write its result into ȳ when the sweep
            tells it, through ``gy_is_free``, that nothing else holds that array (NumPy's own
            reuse of a temporary, for relu after a matmul).

    Attributes of a recorded instance:
        inputs: the input tensors, in order (the parents ``Pa(u)`` of the back-propagation
            algorithm); with ``saves_inputs=False``, large ones as stand-ins of their node.
        needs_input_grad: one bool per input.
        seq: the sequence number of the node, increasing in creation order.
        params: the keyword arguments of the call (axis, shape ...), shown by viz and errors
            (one shared empty read-only mapping for the nodes recorded without any).
        n_outputs: how many outputs the forward returned.
        out: the saved output array (a tuple of them for several outputs) with ``save_output``.
        saved: extra arrays the forward chose to keep (masks, indices); ``release`` drops them.
        plain: the sweep's fast loop (``_Sweep.run_plain``) may visit this node, and release
            it with ``release``'s steps inline: true for the ops whose VJP runs on arrays and
            never writes into ȳ and which keep ``Op.release`` (``register_op`` sets it per
            class), switched off on a node that has several outputs or gains hooks or a
            retained gradient (which ``_Sweep.visit`` handles).
    """

    name: ClassVar[str] = "op"
    broadcasts: ClassVar[bool] = False
    differentiable: ClassVar[bool] = True
    double_backward: ClassVar[bool] = True
    save_output: ClassVar[bool] = False
    array_vjp: ClassVar[bool] = False
    fresh_grads: ClassVar[bool] = False
    reuses_gy: ClassVar[bool] = False
    saves_inputs: ClassVar[bool] = True

    # What every recorded node sets, and what release sets, lives in slots: one node is made
    # per op call and released once, and a slot is written and read several times faster than
    # an instance dict. The rest are defaults read through the class until a node sets its own
    # (in its ``__dict__``): the usual node never writes them.
    __slots__ = (
        "inputs",
        "needs_input_grad",
        "seq",
        "params",
        "out",
        "saved",
        "edges",
        "out_shape",
        "out_dtype",
        "__dict__",
        "__weakref__",
    )
    xp: Any = numpy
    n_outputs: int = 1
    returned_views: bool = False  # (its forward returned a tuple of views: link_outputs)
    reads_outputs: ClassVar[tuple[int, ...] | None] = None  # (saved ones its VJP reads; all)
    reads_inputs: ClassVar[Any] = None  # (needs_input_grad -> inputs its VJP reads: Mul)
    hooks: list[tuple[int, Any]] | None = None
    retained: list[Any] | None = None
    plain: bool = False
    gy_is_free: bool = False  # set by the sweep just before the VJP of a ``reuses_gy`` op
    created_at: list[traceback.FrameSummary] | None = None

    inputs: tuple[Tensor, ...] | None
    needs_input_grad: tuple[bool, ...]
    seq: int
    params: Mapping[str, Any]
    out: Any
    saved: Any  # None unless the forward set it
    edges: tuple[Any, ...] | None  # set by release
    out_shape: Any  # set by release
    out_dtype: Any  # set by release

    def forward(self, *xs: Any, **params: Any) -> Any:
        raise NotImplementedError

    def vjp(self, *gys: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        """The op's name, used by viz, repr and error messages."""
        return self.name

    # -- what a VJP reads ------------------------------------------------------------------

    def inputs_as(self, gy: Any) -> tuple[Any, ...]:
        """The inputs in the form of ``gy``: Tensors in a recorded backward (so that a VJP
        using them is differentiable), arrays in a plain one."""
        inputs = self.inputs
        if inputs is None:
            raise self.freed_error()
        if isinstance(gy, Tensor):
            return inputs
        if len(inputs) == 2:  # (most ops: no list to build)
            return inputs[0].data, inputs[1].data
        return tuple([t.data for t in inputs])

    def output_as(self, gy: Any, index: int = 0) -> Any:
        """Saved output ``index`` in the form of ``gy`` (``save_output`` ops): a Tensor attached
        to this node in a recorded backward (tanh: x̄ = ȳ(1 − y²) stays differentiable), the
        array in a plain one."""
        out = self.out
        if out is None:
            raise self.freed_error()
        if type(out) is tuple:
            out = out[index]
        if isinstance(gy, Tensor):
            return Tensor._make(out, True, self, index)
        return out

    @classmethod
    def call(cls, *xs: Any, **params: Any) -> Any:
        """Apply this op inside a VJP: recorded (``apply``) when an operand is a Tensor, its bare
        forward when all are arrays, so one VJP text serves both kinds of backward.

        Array operands next to a Tensor are constants (a mask, indices); so are numbers.
        """
        tensor = next((x for x in xs if isinstance(x, Tensor)), None)
        if tensor is None:
            op = _new(cls)
            op.saved = None
            if _device.CUPY_LOADED:
                op.xp = _device.get_array_module(*xs)
            return op.forward(*xs, **params)
        return cls.apply(*[as_constant(x, tensor) for x in xs], **params)

    # -- lifetime --------------------------------------------------------------------------

    def freed_error(self) -> GraphFreedError:  # (a node whose arrays a backward released)
        return GraphFreedError(
            f"{self.label}: this node already released its saved arrays after a backward pass. "
            "Pass retain_graph=True to the first backward() (or grad()) to backpropagate twice."
        )

    def release(self, gy: Any = None) -> None:
        """Drop the parents and saved arrays (after its VJP ran, unless retain_graph), keeping
        the graph's structure as PyTorch keeps ``grad_fn`` after backward. ``edges`` holds one
        entry per input: the parent op node (``(node, output_nr)`` for output 1, 2 ... of a
        multi-output op), the leaf itself when this op needed its gradient (a parameter, held
        by its owner; also once detach_()-ed, as PyTorch's AccumulateGrad holds it), or None
        for a constant (freed, as PyTorch frees it). ``out_shape`` and ``out_dtype`` are the
        output's, read off its gradient ``gy``. ``draw_graph`` and ``next_functions`` read
        them; no array survives. (One new tuple per node and one shape tuple: each object kept
        here is one more for CPython's cycle collector to count.)"""
        inputs = self.inputs
        if len(inputs) == 2:  # (most ops)
            self.edges = edges_of_pair(self)
        elif len(inputs) == 1:
            self.edges = (_edge(inputs[0], self.needs_input_grad[0]),)
        else:
            self.edges = tuple([_edge(t, n) for t, n in zip(inputs, self.needs_input_grad)])
        if gy is None:
            self.out_shape = self.out_dtype = None
        else:
            if self.n_outputs == 1:
                self.out_shape, self.out_dtype = gy.shape, gy.dtype
            else:  # one gradient (or None) per output
                self.out_shape = [None if g is None else g.shape for g in gy]
                self.out_dtype = [None if g is None else g.dtype for g in gy]
        self.inputs = None
        self.out = None
        self.saved = None

    # -- applying an op --------------------------------------------------------------------

    @classmethod
    def apply(cls, *inputs: Tensor, **params: Any) -> Any:
        """Run the forward on the inputs' arrays and, when recording, link the output(s) to a
        new node (a Tensor, or a tuple of them): back-propagation's forward step, ``u(i) =
        f(i)(A(i))`` with ``A(i)`` the parents' values. It runs once per op call, so it
        special-cases one and two inputs (``apply_pair`` is the shorter way for two);
        ``detect_anomaly`` and CuPy arrays take the checked path."""
        op = _new(cls)
        op.saved = None
        n = len(inputs)
        try:
            if ANOMALY.enabled or _device.CUPY_LOADED:
                y = forward_checked(op, inputs, params)
            # (a call with an empty **params costs ~100 ns more than a plain one)
            elif n == 2:
                a, b = inputs
                y = op.forward(a.data, b.data, **params) if params else op.forward(a.data, b.data)
            elif n == 1:
                a = inputs[0]
                y = op.forward(a.data, **params) if params else op.forward(a.data)
            else:
                y = op.forward(*[t.data for t in inputs], **params)
        except ValueError:
            explain_value_error(cls, inputs)
            raise
        if type(y) is not _ndarray:
            if type(y) is tuple:
                return link_outputs(op, y, inputs, params)
            y = as_array(y)
        out = _new(Tensor)
        out.data = y
        out.grad = None
        out._hooks = None
        out.name = None
        out.output_nr = 0
        if RECORDED:  # (a recorded in-place write happened: rare)
            after_recorded_write(cls, inputs, out)
        if MODE.enabled and cls.differentiable:
            if n == 2:
                needs = _NEEDS2[inputs[0]._requires_grad][inputs[1]._requires_grad]
            elif n == 1:
                needs = _NEEDS1[inputs[0]._requires_grad]
            else:
                needs = tuple([t._requires_grad for t in inputs])
            if True in needs:
                big = not cls.saves_inputs and y.nbytes >= DROP_BYTES
                op.inputs = without_values(inputs, y) if big else inputs
                op.needs_input_grad = needs
                op.seq = _next_seq()
                op.params = params
                op.out = y if cls.save_output else None
                out._requires_grad = True
                out.node = op
                return out
        out._requires_grad = False
        out.node = None
        if y.base is not None:  # (a view, or a view of a new array: torch's CreationMeta)
            mark_view_origin(out, inputs, False)
        if WATCH.enabled:  # checkpoint's unrecorded forward: which tensors it read
            note_inputs(inputs)
        return out

    @classmethod
    def apply_pair(cls, a: Tensor, b: Tensor) -> Any:
        """``apply(a, b)``: two Tensors, no keyword arguments, the form of every binary
        operator (``y * w``, methods.py) and of the binary ops' functions (ops/binary.py).
        The same steps as ``apply`` without building the argument tuple and keyword dict or
        choosing by arity (~80 ns of the ~2.3 µs an operator costs in a long chain, forward
        and backward); the node's ``params`` is the shared empty ``_NO_PARAMS``."""
        op = _new(cls)
        op.saved = None
        try:
            if ANOMALY.enabled or _device.CUPY_LOADED:
                y = forward_checked(op, (a, b), _NO_PARAMS)
            else:
                y = op.forward(a.data, b.data)
        except ValueError:
            explain_value_error(cls, (a, b))
            raise
        if type(y) is not _ndarray:
            if type(y) is tuple:
                return link_outputs(op, y, (a, b), _NO_PARAMS)
            y = as_array(y)
        # (apply's last steps, spelled out again: a shared helper would cost both ~40 ns)
        out = _new(Tensor)
        out.data = y
        out.grad = None
        out._hooks = None
        out.name = None
        out.output_nr = 0
        if RECORDED:  # (a recorded in-place write happened: rare)
            after_recorded_write(cls, (a, b), out)
        if MODE.enabled and cls.differentiable and (a._requires_grad or b._requires_grad):
            big = not cls.saves_inputs and y.nbytes >= DROP_BYTES
            op.inputs = without_values((a, b), y) if big else (a, b)
            op.needs_input_grad = _NEEDS2[a._requires_grad][b._requires_grad]
            op.seq = _next_seq()
            op.params = _NO_PARAMS
            op.out = y if cls.save_output else None
            out._requires_grad = True
            out.node = op
            return out
        out._requires_grad = False
        out.node = None
        if WATCH.enabled:  # checkpoint's unrecorded forward: which tensors it read
            note_inputs((a, b))
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} op {self.label!r}>"


def edges_of_pair(op: Op) -> tuple[Any, Any]:
    """The ``edges`` of ``op``, released, with two inputs: ``_edge`` of each, spelled out
    (most nodes have two inputs: ~40 ns less per node than two calls). ``Op.release`` and the
    sweep's fast loop, which releases the usual node itself, call it."""
    (a, b), needs = op.inputs, op.needs_input_grad
    ea, eb = a.node, b.node
    if ea is None:
        ea = a if needs[0] else None
    elif a.output_nr:
        ea = (ea, a.output_nr)
    if eb is None:
        eb = b if needs[1] else None
    elif b.output_nr:
        eb = (eb, b.output_nr)
    return ea, eb


def _edge(t: Tensor, needed: bool) -> Any:
    """What a released node keeps of its input ``t``, whose gradient it ``needed``."""
    node = t.node
    if node is None:
        return t if needed else None
    return (node, t.output_nr) if t.output_nr else node
