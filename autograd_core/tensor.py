"""Tensor: an array, whether it needs a gradient, its gradient, and the node that produced it.

Tensor holds no derivative formulas: every operator delegates to a registered op in
``autograd_core.ops``, and ``backward`` delegates to ``autograd_core.graph``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy

from autograd_core import device as _device
from autograd_core.dtypes import is_floating
from autograd_core.errors import DTypeError
from autograd_core.grad_mode import MODE

if TYPE_CHECKING:
    from autograd_core.op import Op

__all__ = ["Tensor", "RemovableHandle"]


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks = hooks
        self._hook = hook

    def remove(self) -> None:
        """Unregister the hook (a no-op when already removed)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class Tensor:
    """A multi-dimensional array that records the operations applied to it.

    Create tensors with ``autograd_core.tensor``, ``zeros``, ``randn`` and friends rather than
    with this class directly.

    Attributes:
        data: the underlying ``numpy.ndarray`` (or ``cupy.ndarray`` on a GPU).
        grad: after ``backward()``, ∂ℒ/∂self as a Tensor of the same shape (leaves, and
            non-leaves that called ``retain_grad()``); otherwise None.
        requires_grad: whether operations on this tensor are recorded.
        node: the op that produced this tensor, or None for a leaf.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    __slots__ = ("data", "grad", "_requires_grad", "node", "_hooks", "name", "__weakref__")
    # NumPy defers binary operators with a Tensor on the right to Tensor's reflected methods.
    __array_ufunc__ = None

    data: Any
    grad: Tensor | None
    node: Op | None

    def __init__(self, data: Any, requires_grad: bool = False) -> None:
        from autograd_core.creation import as_array

        self.data = as_array(data)
        self.grad = None
        self.node = None
        self._hooks = None
        self.name = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, node: Op | None) -> Tensor:
        # The engine's fast constructor: no validation, called once per op.
        t = object.__new__(cls)
        t.data = data
        t.grad = None
        t._requires_grad = requires_grad
        t.node = node
        t._hooks = None
        t.name = None
        return t

    # -- properties ------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag and not is_floating(self.data.dtype):
            raise DTypeError(
                f"requires_grad: only floating-point tensors can require gradients; this tensor "
                f"has dtype {self.data.dtype} and shape {tuple(self.data.shape)}. Convert it "
                "first, e.g. t.to(ac.float32).requires_grad_()."
            )
        if not flag and self.node is not None:
            raise DTypeError(
                "requires_grad: cannot switch off requires_grad on a non-leaf tensor "
                f"(produced by {self.node.label}). Use t.detach() instead."
            )
        self._requires_grad = bool(flag)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape as a tuple of ints."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    @property
    def dtype(self) -> numpy.dtype:
        """The NumPy dtype of the data."""
        return self.data.dtype

    @property
    def device(self) -> _device.Device:
        """The Device the data lives on."""
        return _device.device_of(self.data)

    @property
    def is_leaf(self) -> bool:
        """True for tensors created by the user rather than by an op."""
        return self.node is None

    @property
    def grad_fn(self) -> Op | None:
        """The op that produced this tensor (PyTorch's name for ``node``)."""
        return self.node

    @property
    def T(self) -> Tensor:
        """The tensor with its axes reversed (``permute(ndim-1, ..., 0)``)."""
        if self.data.ndim == 2:  # the common case (every matmul VJP): no axis validation
            return _transpose2(self, dims=(1, 0))
        return _O.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def xp(self) -> Any:
        """The array module (numpy or cupy) of this tensor's data."""
        return _device.get_array_module(self.data)

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        """The shape, or the length of one dimension."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def dim(self) -> int:
        """Number of dimensions (PyTorch's name for ``ndim``)."""
        return self.data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return int(self.data.size)

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item: only one-element tensors convert to a Python number; this one has shape "
                f"{tuple(self.shape)}. Index it first or call .tolist()."
            )
        return self.data.item()

    def numpy(self) -> numpy.ndarray:
        """The data as a NumPy array (copied from the GPU if needed; shared on the CPU)."""
        return _device.to_device(self.data, "cpu")

    def tolist(self) -> Any:
        """The data as nested Python lists."""
        return self.numpy().tolist()

    # -- graph -----------------------------------------------------------------------------

    def detach(self) -> Tensor:
        """A new leaf sharing this data, cut from the graph."""
        return Tensor._make(self.data, False, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return self."""
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves always keep it)."""
        if self.node is None:
            return
        if self.node.retained is None:
            self.node.retained = []
        self.node.retained.append(weakref.ref(self))

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient.

        Example:
            >>> import autograd_core as ac
            >>> x = ac.tensor([1.0, 2.0], requires_grad=True)
            >>> h = x.register_hook(lambda g: g * 10)
            >>> x.sum().backward()
            >>> x.grad
            tensor([10., 10.])
        """
        if not self.requires_grad:
            raise DTypeError(
                "register_hook: this tensor does not require grad, so no gradient will reach "
                "the hook. Call requires_grad_() first."
            )
        if self.node is not None:
            if self.node.hooks is None:
                self.node.hooks = []
            hooks = self.node.hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def backward(
        self,
        gradient: Tensor | Any | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Back-propagate from this tensor, accumulating ∂self/∂leaf into every leaf's ``.grad``.

        Args:
            gradient: ∂ℒ/∂self; may be omitted only for a one-element tensor (then 1).
            retain_graph: keep saved arrays so that backward can run again; defaults to
                ``create_graph``.
            create_graph: record the backward pass, so gradients can be differentiated again.
        """
        from autograd_core.graph import backward

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    # -- conversion ------------------------------------------------------------------------

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Move to a device and/or cast to a dtype: ``t.to("cuda")``, ``t.to(ac.float64)``,
        ``t.to(other_tensor)``, ``t.to(device="cpu", dtype="float32")``.

        Both are recorded ops, so gradients flow back to the original device and dtype.
        """
        device, dtype = _device.parse_to_args(args, kwargs)
        out = self
        if dtype is not None and numpy.dtype(dtype) != self.dtype:
            out = _O.astype(out, dtype)
        if device is not None and _device.Device(device) != self.device:
            out = _O.to_device(out, _device.Device(device))
        return out

    def astype(self, dtype: Any) -> Tensor:
        """Cast to ``dtype`` (a recorded op: the gradient is cast back)."""
        return self.to(dtype=dtype)

    def cpu(self) -> Tensor:
        """Move to the CPU."""
        return self.to("cpu")

    def cuda(self, index: int = 0) -> Tensor:
        """Move to CUDA device ``index``."""
        return self.to(f"cuda:{index}")

    def float(self) -> Tensor:
        """Cast to float32."""
        return self.to(dtype=numpy.float32)

    def double(self) -> Tensor:
        """Cast to float64."""
        return self.to(dtype=numpy.float64)

    def long(self) -> Tensor:
        """Cast to int64 (not differentiable)."""
        return self.to(dtype=numpy.int64)

    def __array__(self, dtype: Any = None, copy: Any = None) -> numpy.ndarray:
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    # -- Python protocol -------------------------------------------------------------------

    def __repr__(self) -> str:
        body = numpy.array2string(
            self.numpy(), separator=", ", prefix="tensor(", threshold=200, edgeitems=3
        )
        extras = []
        if self.dtype not in (numpy.float32, numpy.int64, numpy.bool_):
            extras.append(f"dtype={self.dtype}")
        if self.device.type != "cpu":
            extras.append(f"device='{self.device}'")
        if self.node is not None:
            extras.append(f"grad_fn=<{self.node.label}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    # Hash by identity, as ``object`` does (``__eq__`` is elementwise, which would otherwise
    # make Tensor unhashable). The C slot, not a Python method: the backward pass keys its grad
    # table by leaf tensors, so this runs several times per leaf.
    __hash__ = object.__hash__

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self.shape[0]):
            yield self[i]

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool: the truth value of a tensor with {self.data.size} elements is ambiguous. "
                "Use .any() or .all()."
            )
        return bool(self.data.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype}")
        return int(self.item())

    # -- operators (each delegates to one registered op) ----------------------------------

    def __add__(self, other: Any) -> Tensor:
        if type(other) is Tensor:  # nothing to lift: straight to the op
            return _add(self, other)
        return _O.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _O.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        if type(other) is Tensor:  # nothing to lift: straight to the op
            return _sub(self, other)
        return _O.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _O.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        if type(other) is Tensor:  # nothing to lift: straight to the op
            return _mul(self, other)
        return _O.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _O.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        if type(other) is Tensor:  # nothing to lift: straight to the op
            return _div(self, other)
        return _O.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _O.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _O.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _O.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _O.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _O.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _O.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _O.abs(self)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _O.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _O.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return _O.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _O.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _O.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _O.ge(self, other)

    def __invert__(self) -> Tensor:
        return _O.logical_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _O.logical_and(self, other)

    def __or__(self, other: Any) -> Tensor:
        return _O.logical_or(self, other)

    def __getitem__(self, index: Any) -> Tensor:
        return _O.getitem(self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        if MODE.enabled and (self.requires_grad or _requires_grad(value)):
            raise DTypeError(
                "setitem: in-place assignment into a tensor that takes part in a recorded graph "
                "would silently corrupt its gradients. Build a new tensor instead (ac.where, "
                "ac.cat, index_add), or assign under ac.no_grad() to edit parameters."
            )
        if isinstance(index, Tensor):
            index = index.data
        self.data[index] = value.data if isinstance(value, Tensor) else value


def _requires_grad(value: Any) -> bool:
    return isinstance(value, Tensor) and value.requires_grad


# autograd_core.ops imports this module, so the ops package binds itself here once it is loaded
# (see autograd_core/ops/__init__.py); the operators above look it up as a module global.
_O: Any = None
# ``Op.apply`` of add, sub, mul and div, also bound by the ops package: when both operands are
# Tensors there is no scalar to lift, and calling the op directly skips two Python calls on the
# engine's hottest path (about 5% of the per-op time of a long chain).
_add: Any = None
_sub: Any = None
_mul: Any = None
_div: Any = None
# ``Op.apply`` of permute, for ``.T`` of a matrix (twice in every matmul VJP).
_transpose2: Any = None
