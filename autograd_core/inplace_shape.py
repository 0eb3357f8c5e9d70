"""In-place shape methods (``x.t_()``, ``x.transpose_(0, 1)``, ``x.squeeze_()``,
``x.unsqueeze_(0)``, ``x.as_strided_(size, stride)``), with PyTorch's rules.

The tensor object takes the view's shape and strides, its memory is untouched, and the method
returns it. Views taken before keep the old layout.

- A leaf that requires grad is refused while gradients are recorded, and so are the views
  PyTorch refuses to change in place (a view of such a leaf, one of several views an op
  returned, a view made under no_grad of a tensor that requires grad).
- A non-leaf is rebound to the view op's node (``a.t_()`` gives ``a.grad_fn`` the transpose),
  whose input is a tensor holding the old layout, so its gradient reaches the old value; a
  later in-place write through it reaches the tensor it views (inplace_views.py).
- The write is counted on the buffer's clock as PyTorch bumps the version counter: a node that
  saved this memory for its backward (``exp``'s output, ``sin``'s input) refuses backward.

Deliberate differences from PyTorch:

- A node recorded before the call with the tensor itself as an input (``b = a * 3``, or a view
  ``b = a[0]``) refuses backward; PyTorch's ``b.backward()`` still works there. Ours keeps the
  input as the tensor object, whose node is now the view's (version.mark_rebound), and refuses
  rather than send a gradient of the old shape into the new node.
- Under no_grad a non-leaf is refused: PyTorch changes its shape and keeps its grad_fn, and a
  later backward through it fails on the shape mismatch.
- A leaf that requires grad, reshaped under no_grad, is allowed, but a node recorded before
  with it as an input refuses backward (its gradient is laid out for the old shape):
  PyTorch there fails on the shape, or fills ``.grad`` with the old shape (``squeeze_``) or
  the old layout (``t_`` of a square matrix: misaligned with x's elements). Before this,
  ours sent that gradient nowhere (``.grad`` stayed None).
- ``as_strided_`` needs a contiguous tensor, and reads only its elements (ops/strided.py);
  ``storage_offset`` counts, as PyTorch, from the start of the memory the tensor views.

As PyTorch, a ``retain_grad()`` made before the call keeps the gradient of the old value (its
old shape): it stays with the old node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core import device as _device
from autograd_core import ops
from autograd_core.errors import GraphError, ShapeError
from autograd_core.grad_mode import MODE, no_grad
from autograd_core.inplace_views import is_view, refuse_marked_view, view_base
from autograd_core.op_forward import old_value
from autograd_core.tensor import Tensor
from autograd_core.version import (
    WRITES,
    mark_owner,
    mark_rebound,
    mark_recorded,
    mark_written,
    refuse_stale,
    root_of,
)

__all__ = ["SHAPE_METHODS", "reshape_in_place", "storage_offset", "storage_offset_of"]


def _refuse(name: str, x: Tensor) -> bool:
    """Refuse what PyTorch refuses (module docstring); whether the call is recorded."""
    if not MODE.enabled:
        if x.node is not None:
            raise GraphError(
                f"{name}: under no_grad, this tensor (shape {tuple(x.shape)}) made by "
                f"{x.node.label} cannot change its shape in place: its node would still "
                "describe the old shape (PyTorch fails later, at backward). Detach it first "
                f"(x = x.detach(); x.{name}(...)), or call {name} with grad mode on."
            )
        return False
    if WRITES.recorded:
        refuse_stale(name, x)
    recorded = x.requires_grad
    refuse_marked_view(name, x, recorded)
    if recorded and x.node is None:
        raise GraphError(
            f"{name}: a leaf tensor that requires grad (shape {tuple(x.shape)}) is being used "
            "in an in-place operation (refused, as PyTorch does: 'a leaf Variable that "
            "requires grad is being used in an in-place operation'). Call it under "
            f"ac.no_grad(), or use the out-of-place form (y = x.{name[:-1]}(...))."
        )
    if recorded:
        view_base(name, x)  # (its refusals: a view of such a leaf, one of several views)
    return recorded


def reshape_in_place(name: str, x: Tensor, view: Callable[[Tensor], Tensor]) -> Tensor:
    """Give ``x`` the layout of ``view(x)`` (a view op: same memory), in place, and return x.
    Recorded (grad mode on, x requires grad), x is rebound to the view's node, whose input is
    a tensor holding x's old layout and node."""
    recorded = _refuse(name, x)
    before = Tensor._make(x.data, x._requires_grad, x.node, x.output_nr)
    owned = not is_view(x)
    if recorded:
        out = view(before)
    else:
        with no_grad():
            out = view(before)
    x.data = out.data
    if owned:  # (x owned its memory: it still does, no view, as in PyTorch)
        mark_owner(x.data)
    if recorded:
        x.node, x.output_nr = out.node, out.output_nr
        # (PyTorch bumps the version: another view of x is regenerated from x's new node)
        mark_recorded(x.data, (x.node,))
    if x._requires_grad:  # (a leaf under no_grad: no old value kept, its old nodes refuse)
        mark_rebound(x, old_value(before) if recorded else None)
    mark_written(x.data)
    return x


def t_(self: Tensor) -> Tensor:
    """In place: ``x.t()`` (a matrix transposed; a 0-d or 1-D tensor unchanged).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.zeros(2, 3)
        >>> x.t_() is x, x.shape
        (True, (3, 2))
    """
    if self.ndim > 2:
        raise ShapeError(
            f"t_: expects a tensor with <= 2 dimensions, got shape {tuple(self.shape)}. Use "
            "x.transpose_(dim0, dim1) for a tensor with more."
        )
    return reshape_in_place("t_", self, ops.t)


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In place: ``x.transpose(dim0, dim1)`` (two axes swapped).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3, 4).transpose_(0, 2).shape
        (4, 3, 2)
    """
    return reshape_in_place("transpose_", self, lambda x: ops.transpose(x, dim0, dim1))


def swapaxes_(self: Tensor, axis0: int, axis1: int) -> Tensor:
    """In place: ``x.swapaxes(axis0, axis1)``, an alias of ``transpose_``."""
    return reshape_in_place("swapaxes_", self, lambda x: ops.transpose(x, axis0, axis1))


def swapdims_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In place: ``x.swapdims(dim0, dim1)``, an alias of ``transpose_``."""
    return reshape_in_place("swapdims_", self, lambda x: ops.transpose(x, dim0, dim1))


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """In place: ``x.squeeze(dim)``: the axes of size 1 removed (all, or those among ``dim``,
    an int or a tuple, that have size 1).

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(1, 3, 1, 2).squeeze_((0, 2)).shape
        (3, 2)
    """
    return reshape_in_place("squeeze_", self, lambda x: ops.squeeze(x, dim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In place: ``x.unsqueeze(dim)``: an axis of size 1 inserted at ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).unsqueeze_(-1).shape
        (2, 3, 1)
    """
    return reshape_in_place("unsqueeze_", self, lambda x: ops.unsqueeze(x, dim))


def as_strided_(self: Tensor, size: Any, stride: Any, storage_offset: int | None = None) -> Tensor:
    """In place: x takes shape ``size`` and element strides ``stride``, entry [i…] being
    element ``storage_offset + Σ i_d · stride[d]`` of the memory x views, counted from its
    start as PyTorch counts (None: x's own offset, ``x.storage_offset()``).

    Differs from PyTorch: x must be C-contiguous and the entries must lie among x's own
    elements (ours reads a tensor's elements, not its storage: ops/strided.py).

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6.0).as_strided_((2, 2), (1, 2), 1)
        tensor([[1., 3.],
                [2., 4.]])
    """
    if not self.data.flags.c_contiguous:
        raise ShapeError(
            f"as_strided_: the tensor (shape {tuple(self.shape)}, strides "
            f"{self.data.strides} in bytes) is not contiguous; ours reads a tensor's elements "
            "in row-major order, not its storage. Make it contiguous first: "
            "x = x.contiguous()."
        )
    start = 0 if storage_offset is None else storage_offset_of(self)
    offset = None if storage_offset is None else int(storage_offset) - start
    if offset is not None and offset < 0:
        raise ShapeError(
            f"as_strided_: storage_offset {storage_offset} lies before the tensor's first "
            f"element (at offset {start} of the memory it views); ours reads only the "
            "tensor's own elements. Pass a storage_offset of at least "
            f"{start}, or take the strided view of the tensor it views."
        )
    return reshape_in_place("as_strided_", self, lambda x: ops.as_strided(x, size, stride, offset))


def storage_offset_of(x: Tensor) -> int:
    """Where x's first element lies in the memory it views, in elements from its start."""
    d = x.data
    return (_device.pointer(d) - _device.pointer(root_of(d))) // d.itemsize


def storage_offset(self: Tensor) -> int:
    """The offset, in elements, of the tensor's first element from the start of the memory
    (the array) it views: 0 for a tensor that owns its memory, as PyTorch's storage offset.

    Differs from PyTorch where an op returns a view of a temporary of its own (PyTorch's
    result then owns its storage), and for ``flip``, a view here (its first element is the
    last in memory), a copy in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.arange(12.0).reshape(3, 4)
        >>> x.storage_offset(), x[1:, 2:].storage_offset()
        (0, 6)
    """
    return storage_offset_of(self)


SHAPE_METHODS: dict[str, Any] = {
    "t_": t_,
    "transpose_": transpose_,
    "swapaxes_": swapaxes_,
    "swapdims_": swapdims_,
    "squeeze_": squeeze_,
    "unsqueeze_": unsqueeze_,
    "as_strided_": as_strided_,
    "storage_offset": storage_offset,
}
