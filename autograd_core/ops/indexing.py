"""Gather and scatter: take_along_axis/gather, index_select, scatter_add, index_add.

The four ops come in adjoint pairs: the VJP of ``gather`` is a ``scatter_add`` into zeros and the
VJP of ``scatter_add`` (for ``src``) is a ``gather``; likewise ``index_select`` and ``index_add``.
Scatters accumulate with ``array_methods.add_at`` (``xp.add.at``), so repeated indices add up in
values and in gradients.
Index arrays are constants (parameters of the op), never differentiated.
"""

from __future__ import annotations

from typing import Any

from autograd_core.device import to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.array_methods import add_at
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.ops.shape import broadcast_to, flatten, reshape
from autograd_core.ops.subscript import getitem
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["gather", "take_along_axis", "index_select", "scatter_add", "index_add"]


def along_dim(xp: Any, index: Any, dim: int) -> tuple[Any, ...]:
    """The advanced index addressing x[i₀, …, index[i₀, …, iₙ], …, iₙ] at each position of
    ``index`` (``index`` on axis ``dim``, an arange on every other axis)."""
    out = []
    for d, n in enumerate(index.shape):
        if d == dim:
            out.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            out.append(xp.arange(n).reshape(shape))
    return tuple(out)


@register_op("gather", array_vjp=True, saves_inputs=False)
class Gather(Op):
    r"""y[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (any dim likewise): PyTorch's
    ``gather``, NumPy's ``take_along_axis``.

    VJP: x̄ = scatter_add(zeros like x, dim, index, ȳ) (a new array; the zeros are a constant);
    an entry of x picked k times receives the sum of the k gradients. Saves only the input shape;
    ``index`` is a constant parameter. Does not broadcast (``take_along_axis`` broadcasts before
    calling it).
    """

    fresh_grads = True

    def forward(self, x: Any, dim: int, index: Any) -> Any:
        self.in_shape = x.shape
        return x[along_dim(self.xp, index, dim)]

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        zeros = self.xp.zeros(self.in_shape, gy.dtype)
        return (ScatterAdd.call(zeros, gy, **self.params),)


@register_op("scatter_add", array_vjp=True, saves_inputs=False)
class ScatterAdd(Op):
    r"""y = x, then y[i][index[i][j][k]][k] += src[i][j][k] for dim = 1 (PyTorch's
    ``scatter_add``; ``src`` has the shape of ``index``). Repeated indices accumulate.

    VJP: x̄ = ȳ (passed on as is); src̄ = gather(ȳ, dim, index). Saves nothing; ``index`` is a
    constant parameter. Does not broadcast.
    """

    def forward(self, x: Any, src: Any, dim: int, index: Any) -> Any:
        out = x.copy()
        add_at(self.xp, out, along_dim(self.xp, index, dim), src)
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        gsrc = Gather.call(gy, **self.params) if self.needs_input_grad[1] else None
        return gy, gsrc


@register_op("index_select", array_vjp=True, saves_inputs=False)
class IndexSelect(Op):
    r"""y = x with axis ``dim`` replaced by the entries ``index`` (1-D) of that axis:
    y[…, i, …] = x[…, index[i], …].

    VJP: x̄ = index_add(zeros like x, dim, index, ȳ) (a new array; the zeros are a constant);
    repeated indices accumulate. Saves only the input shape; ``index`` is a constant parameter.
    Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, dim: int, index: Any) -> Any:
        self.in_shape = x.shape
        return self.xp.take(x, index, axis=dim)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        zeros = self.xp.zeros(self.in_shape, gy.dtype)
        return (IndexAdd.call(zeros, gy, alpha=1.0, **self.params),)


@register_op("index_add", array_vjp=True, saves_inputs=False)
class IndexAdd(Op):
    r"""y = x, then y[…, index[i], …] += α · source[…, i, …] along axis ``dim`` (PyTorch's
    ``index_add``). Repeated indices accumulate.

    VJP: x̄ = ȳ (passed on as is); sourcē = α · index_select(ȳ, dim, index). Saves nothing;
    ``index`` and α are constant parameters. Does not broadcast.
    """

    def forward(self, x: Any, source: Any, dim: int, index: Any, alpha: float) -> Any:
        out = x.copy()
        added = source if alpha == 1 else alpha * source
        add_at(self.xp, out, (slice(None),) * dim + (index,), added)
        return out

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        gsource = None
        if self.needs_input_grad[1]:
            alpha = self.params["alpha"]
            gsource = IndexSelect.call(gy, dim=self.params["dim"], index=self.params["index"])
            gsource = gsource if alpha == 1 else gsource * alpha
        return gy, gsource


# -- argument checks shared by the public functions ----------------------------------------


def index_array(op: str, index: Any, x: Tensor) -> Any:
    """``index`` (a Tensor, array or list) as an integer array on x's device."""
    data = index.data if isinstance(index, Tensor) else index
    arr = x.xp.asarray(data)
    if arr.size == 0 and arr.dtype.kind not in "iu":
        arr = arr.astype(x.xp.int64)  # an empty list arrives as float64
    if arr.dtype.kind not in "iu":
        raise DTypeError(
            f"{op}: index must hold integers, got dtype {arr.dtype} (shape {tuple(arr.shape)}). "
            "Pass an integer tensor, e.g. index.long()."
        )
    return arr


def check_index_bounds(op: str, index: Any, size: int, dim: int, x: Tensor) -> None:
    # device indices: an explicit (and counted) copy of one bool, not an implicit sync
    if index.size and bool(to_device(((index < -size) | (index >= size)).any(), "cpu")):
        lo, hi = int(to_device(index.min(), "cpu")), int(to_device(index.max(), "cpu"))
        raise ShapeError(
            f"{op}: index values from {lo} to {hi} are out of range "
            f"for dim {dim} of size {size} (tensor of shape {tuple(x.shape)}). Pass indices in "
            f"[-{size}, {size})."
        )


def _promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    dtype = a.xp.result_type(a.dtype, b.dtype)
    return a.astype(dtype), b.astype(dtype)


def check_gather_shapes(op: str, x: Tensor, index: Any, d: int, other: str) -> None:
    if index.ndim != x.ndim or any(index.shape[k] > x.shape[k] for k in range(x.ndim) if k != d):
        raise ShapeError(
            f"{op}: index of shape {tuple(index.shape)} does not fit {other} of shape "
            f"{tuple(x.shape)} along dim {d}; index needs the same number of axes and, on every "
            f"axis except {d}, a size no larger than {other}'s. Reshape or slice the index."
        )


# -- public functions ------------------------------------------------------------------------


def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """Pick entries of x along ``dim`` at ``index``, as ``torch.gather``:
    ``out[i][j] = x[index[i][j]][j]`` for dim 0.

    ``index`` (integers, same number of axes as x, no larger than x on the other axes) gives the
    output shape; negative indices count from the end (PyTorch rejects them). Repeated indices
    accumulate in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, [[0, 0], [1, 0]])
        tensor([[1., 1.],
                [4., 3.]])
    """
    x = lift(x)
    idx = index_array("gather", index, x)
    (d,) = normalize_axis("gather", int(dim), x.shape, word="dim")
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.ndim:
            raise ShapeError(f"gather: a 0-d x needs a 0-d index, got shape {tuple(idx.shape)}.")
        return reshape(gather(reshape(x, (1,)), 0, idx.reshape(1)), ())
    check_gather_shapes("gather", x, idx, d, "x")
    check_index_bounds("gather", idx, x.shape[d], d, x)
    return Gather.apply(x, dim=d, index=idx)


def take_along_axis(x: Tensor, indices: Any, axis: int | None) -> Tensor:
    """NumPy's ``take_along_axis``: like ``gather``, but x and ``indices`` broadcast against each
    other on the axes other than ``axis``; ``axis=None`` works on the flattened x.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
        >>> ac.take_along_axis(x, [[0], [1]], axis=1)
        tensor([[10.],
                [40.]])
    """
    x = lift(x)
    idx = index_array("take_along_axis", indices, x)
    if axis is None:
        if idx.ndim != 1:
            raise ShapeError(
                f"take_along_axis: with axis=None the indices must be 1-D, got shape "
                f"{tuple(idx.shape)}. Flatten the indices or pass an axis."
            )
        return gather(flatten(x), 0, idx)
    (d,) = normalize_axis("take_along_axis", int(axis), x.shape, word="dim")
    if idx.ndim != x.ndim:
        raise ShapeError(
            f"take_along_axis: indices of shape {tuple(idx.shape)} and x of shape "
            f"{tuple(x.shape)} need the same number of axes. Add size-1 axes to the indices."
        )
    from autograd_core.broadcast import broadcast_shapes

    rest = broadcast_shapes(
        tuple(1 if k == d else n for k, n in enumerate(x.shape)),
        tuple(1 if k == d else n for k, n in enumerate(idx.shape)),
        op="take_along_axis",
    )
    x = broadcast_to(x, rest[:d] + (x.shape[d],) + rest[d + 1 :])
    idx = x.xp.broadcast_to(idx, rest[:d] + (idx.shape[d],) + rest[d + 1 :])
    return gather(x, d, idx)


def index_select(x: Tensor, dim: int, index: Any) -> Tensor:
    """The entries ``index`` (0-d or 1-D integers) of x along ``dim``, as ``torch.index_select``.
    Repeated indices accumulate in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6.0).reshape(2, 3).index_select(1, [2, 0, 2])
        tensor([[2., 0., 2.],
                [5., 3., 5.]])
    """
    x = lift(x)
    idx = index_array("index_select", index, x)
    (d,) = normalize_axis("index_select", int(dim), x.shape, word="dim")
    if idx.ndim > 1:
        raise ShapeError(
            f"index_select: index must be 0-d or 1-D, got shape {tuple(idx.shape)} (x of shape "
            f"{tuple(x.shape)}). Flatten the index, or use gather for an index per entry."
        )
    idx = idx.reshape(-1)
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.size != 1:
            raise ShapeError(f"index_select: a 0-d x takes one index, got {idx.size}.")
        return reshape(index_select(reshape(x, (1,)), 0, idx), ())
    check_index_bounds("index_select", idx, x.shape[d], d, x)
    return IndexSelect.apply(x, dim=d, index=idx)


def scatter_source(op: str, x: Tensor, idx: Any, src: Tensor, d: int, x_name: str) -> Tensor:
    """Check a scatter's operands (index against ``x`` as ``gather`` does, index no larger than
    ``src`` on any axis, indices in range along ``d``) and return ``src`` cropped to the
    index's shape, the part a scatter reads (PyTorch's rule)."""
    check_gather_shapes(op, x, idx, d, x_name)
    if src.ndim != idx.ndim or any(i > s for i, s in zip(idx.shape, src.shape)):
        raise ShapeError(
            f"{op}: index of shape {tuple(idx.shape)} is larger than src of shape "
            f"{tuple(src.shape)} ({x_name} of shape {tuple(x.shape)}); every axis of index must "
            "be no larger than src's. Slice the index or pass a larger src."
        )
    check_index_bounds(op, idx, x.shape[d], d, x)
    if src.shape != idx.shape:
        src = getitem(src, tuple(slice(0, n) for n in idx.shape))
    return src


def scatter_add(x: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """x with ``src[i][j]`` added at ``[index[i][j]][j]`` (dim 0), as ``torch.scatter_add``;
    repeated indices accumulate. Only the leading ``index.shape`` block of ``src`` is used.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(3).scatter_add(0, [0, 2, 0], ac.tensor([1.0, 2.0, 3.0]))
        tensor([4., 0., 2.])
    """
    x = lift(x)
    src = lift(src, x)
    idx = index_array("scatter_add", index, x)
    (d,) = normalize_axis("scatter_add", int(dim), x.shape, word="dim")
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.ndim or src.ndim:
            raise ShapeError(
                f"scatter_add: a 0-d x needs a 0-d index and src, got shapes "
                f"{tuple(idx.shape)} and {tuple(src.shape)}."
            )
        return reshape(scatter_add(reshape(x, (1,)), 0, idx.reshape(1), reshape(src, (1,))), ())
    src = scatter_source("scatter_add", x, idx, src, d, "x")
    x, src = _promote(x, src)
    return ScatterAdd.apply(x, src, dim=d, index=idx)


def index_add(x: Tensor, dim: int, index: Any, source: Any, alpha: float = 1) -> Tensor:
    """x with ``alpha * source[…, i, …]`` added at ``x[…, index[i], …]`` along ``dim``, as
    ``torch.index_add``; repeated indices accumulate.

    ``source`` has x's shape with axis ``dim`` of size ``len(index)``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 3).index_add(1, [0, 0], ac.ones(2, 2), alpha=2)
        tensor([[4., 0., 0.],
                [4., 0., 0.]])
    """
    x = lift(x)
    source = lift(source, x)
    idx = index_array("index_add", index, x)
    (d,) = normalize_axis("index_add", int(dim), x.shape, word="dim")
    if idx.ndim > 1:
        raise ShapeError(
            f"index_add: index must be 0-d or 1-D, got shape {tuple(idx.shape)} (x of shape "
            f"{tuple(x.shape)}). Flatten the index."
        )
    idx = idx.reshape(-1)
    if x.ndim == 0:  # PyTorch treats a 0-d tensor as one entry along dim 0
        if idx.size != 1 or source.numel() != 1:
            raise ShapeError(
                f"index_add: a 0-d x takes one index and one source entry, got index of shape "
                f"{tuple(idx.shape)} and source of shape {tuple(source.shape)}."
            )
        one = index_add(reshape(x, (1,)), 0, idx, reshape(source, (1,)), alpha)
        return reshape(one, ())
    expected = x.shape[:d] + (idx.size,) + x.shape[d + 1 :]
    if source.shape != expected:
        raise ShapeError(
            f"index_add: source has shape {tuple(source.shape)}, but x of shape "
            f"{tuple(x.shape)} with {idx.size} indices along dim {d} needs {expected}. Pass a "
            "source of that shape."
        )
    check_index_bounds("index_add", idx, x.shape[d], d, x)
    x, source = _promote(x, source)
    return IndexAdd.apply(x, source, dim=d, index=idx, alpha=alpha)
