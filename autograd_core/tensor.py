"""Tensor: an array, whether it needs a gradient, its gradient, and the node that produced it.

Tensor holds no derivative formulas and knows no op: its operators (``+``, ``@``, ``x[i]``),
its conversions (``.to``, ``.float``, ``.T``) and its op methods (``x.exp()``) are attached by
``autograd_core/methods.py`` once the ops are registered, and ``backward`` delegates to
``autograd_core.graph``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy

from autograd_core import device as _device
from autograd_core.dtypes import is_floating
from autograd_core.errors import DTypeError, GraphError
from autograd_core.hooks import RemovableHandle, add_post_accumulate
from autograd_core.print_options import array_text
from autograd_core.version import NEVER, WRITES, refuse_stale, stale_after, stale_leaf

if TYPE_CHECKING:
    from autograd_core.op import Op

__all__ = ["Tensor"]


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
        output_nr: which output of ``node`` this tensor is (0 unless the op has several).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    __slots__ = (
        "data",
        "grad",
        "_requires_grad",
        "node",
        "output_nr",
        "_hooks",
        "name",
        "_seen",  # (set only after a recorded in-place write: version.made_now)
        "_view_meta",  # (set only on some views without a node: op_forward.mark_view_origin)
        "_view_parent",  # (likewise)
        "__weakref__",
    )
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
        self.output_nr = 0
        self._hooks = None
        self.name = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, node: Op | None, output_nr: int = 0) -> Tensor:
        # The engine's fast constructor: no validation, called once per op.
        t = object.__new__(cls)
        t.data = data
        t.grad = None
        t._requires_grad = requires_grad
        t.node = node
        t.output_nr = output_nr
        t._hooks = None
        t.name = None
        return t

    # -- properties ------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to this tensor (a view that a recorded in-place write into its
        base made a non-leaf is given its node first, as ``grad_fn`` says)."""
        if not self._requires_grad and WRITES.recorded:
            self._regenerate("requires_grad")
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag and not is_floating(self.data.dtype):
            raise DTypeError(
                f"requires_grad: only floating-point tensors can require gradients; this tensor "
                f"has dtype {self.data.dtype} and shape {tuple(self.data.shape)}. Convert it "
                "first, e.g. t.to(ac.float32).requires_grad_()."
            )
        if flag and WRITES.recorded:
            refuse_stale("requires_grad_", self)
        if not flag and self.node is not None:
            raise GraphError(
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
        """True for tensors created by the user rather than by an op (read as ``grad_fn``)."""
        return self.grad_fn is None

    @property
    def grad_fn(self) -> Op | None:
        """The op that produced this tensor (PyTorch's name for ``node``). A view whose memory
        was written in place since it was made gets a node that describes the write first
        (``inplace_views.regenerated``), as PyTorch regenerates a view's grad_fn when read."""
        if WRITES.recorded:
            self._regenerate("grad_fn")
        return self.node

    def _regenerate(self, name: str) -> None:
        """``inplace_views.regenerated`` for a view that a recorded in-place write made stale:
        one with a node that describes old values, or one without whose base now requires
        grad (PyTorch regenerates both when read)."""
        stale = stale_after(self) if self.node is not None else stale_leaf(self)
        if stale and self.data.base is not None:
            from autograd_core.inplace_views import regenerated  # (rare: after such a write)

            regenerated(name, self)

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
        return _device.to_device(self.data, "cpu").item()  # an explicit copy from a GPU

    def numpy(self) -> numpy.ndarray:
        """The data as a NumPy array (copied from the GPU if needed; shared on the CPU)."""
        return _device.to_device(self.data, "cpu")

    def tolist(self) -> Any:
        """The data as nested Python lists."""
        return self.numpy().tolist()

    # -- graph -----------------------------------------------------------------------------

    def detach(self) -> Tensor:
        """A new leaf sharing this data, cut from the graph."""
        t = Tensor._make(self.data, False, None)
        t._seen = NEVER  # (never a stale view: version.stale_leaf)
        return t

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return self."""
        self.requires_grad = requires_grad
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            if WRITES.recorded:
                refuse_stale("retain_grad", self)
            raise GraphError(
                f"retain_grad: this tensor (shape {tuple(self.shape)}) does not require grad, "
                "so it will get no gradient to keep. Call requires_grad_() first, or compute "
                "it from a tensor that requires grad."
            )
        if self.node is None:
            return
        if self.node.retained is None:
            self.node.retained = []
            self.node.plain = False  # (the sweep's fast loop does not store retained grads)
        if all(r() is not self for r in self.node.retained):  # (kept once, however often)
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
            if WRITES.recorded:
                refuse_stale("register_hook", self)
            raise GraphError(
                "register_hook: this tensor does not require grad, so no gradient will reach "
                "the hook. Call requires_grad_() first."
            )
        if self.node is not None:  # kept on the node, with the output it is for
            if self.node.hooks is None:
                self.node.hooks = []
                self.node.plain = False  # (the sweep's fast loop runs no hooks)
            hooks, entry = self.node.hooks, (self.output_nr, hook)
        else:
            if self._hooks is None:
                self._hooks = []
            hooks, entry = self._hooks, hook
        hooks.append(entry)
        return RemovableHandle(hooks, entry)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Call ``hook(self)`` during ``backward`` as soon as this leaf's gradient for that pass
        is complete and has been added into ``.grad``, before the rest of the backward pass
        finishes (``torch.Tensor.register_post_accumulate_grad_hook``). The hook returns None.

        The sweep counts, before it starts, the edges by which each hooked leaf will receive
        a gradient, and finishes the leaf when the last one arrives: the parameters of the
        last layer are final first. That is what data-parallel training needs (all-reduce a
        gradient while the backward pass goes on) and what fusing the optimizer step into
        the backward pass needs (every op that reads the parameter has already run its VJP).
        ``grad()`` accumulates nothing and calls no such hook.

        Example:
            >>> import autograd_core as ac
            >>> w = ac.tensor([1.0, 2.0], requires_grad=True)
            >>> h = w.register_post_accumulate_grad_hook(lambda p: print("final:", p.grad))
            >>> (w * 3).sum().backward()
            final: tensor([3., 3.])
            >>> h.remove()
        """
        if self.node is not None:
            raise GraphError(
                "register_post_accumulate_grad_hook: this tensor is the output of an op, not a "
                "leaf, and only leaves accumulate into .grad. Register it on the leaf (a "
                "parameter), or use register_hook for a gradient passing through."
            )
        if not self.requires_grad:
            raise GraphError(
                "register_post_accumulate_grad_hook: this tensor does not require grad, so no "
                "gradient will be accumulated. Call requires_grad_() first."
            )
        return add_post_accumulate(self, hook)

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

    def __array__(self, dtype: Any = None, copy: Any = None) -> numpy.ndarray:
        if type(self.data) is not numpy.ndarray and not _device.on_host(self.data):
            # PyTorch's rule, and CuPy's for its arrays: no silent copy from a GPU
            raise TypeError(
                f"numpy: cannot convert a {self.device} tensor implicitly (shape "
                f"{tuple(self.shape)}); use t.cpu().numpy() or t.numpy() to copy it to the host."
            )
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    # -- Python protocol -------------------------------------------------------------------

    def __repr__(self) -> str:
        body = array_text(self.numpy(), prefix="tensor(")
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

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool: the truth value of a tensor with {self.data.size} elements is ambiguous. "
                "Use .any() or .all()."
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors can be used as an index, not {self.dtype}")
        return int(self.item())


def read_only_error(name: str, x: Tensor, e: Exception) -> GraphError:
    """The error for an in-place write (``name``: setitem, add_ ...) into a read-only array,
    a broadcast view made by ``expand``; ``e`` is NumPy's refusal."""
    return GraphError(
        f"{name}: the tensor's array (shape {tuple(x.shape)}) cannot be written in place ({e}); "
        "an expanded tensor shares one element among many positions. Write into a copy: "
        "x = x.clone().",
        reason="expanded-write",
    )


def _requires_grad(value: Any) -> bool:
    return isinstance(value, Tensor) and value.requires_grad
