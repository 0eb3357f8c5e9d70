"""PyTorch's indexed reads and writes that ``index_utils.py`` lacks: ``take_along_dim``,
``index_put`` (``x[indices] = values`` out of place, or ``+=`` with ``accumulate``) and ``put``
(the same on x flattened).

The positions are found once from the index arrays, which are constants, as flat positions
into x; the values then move through ``index_add`` (accumulate) or ``scatter`` (assign) on x
flattened, so every gradient, second order included, is those ops'.
"""

from __future__ import annotations

from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.common import lift
from autograd_core.ops.indexing import index_add, index_array, take_along_axis
from autograd_core.ops.scattering import scatter
from autograd_core.ops.shape import astype, broadcast_to, flatten, reshape
from autograd_core.ops.subscript import getitem
from autograd_core.ops.subscript_key import split_key
from autograd_core.tensor import Tensor

__all__ = ["take_along_dim", "index_put", "put"]


def take_along_dim(input: Tensor, indices: Any, dim: int | None = None) -> Tensor:  # noqa: A002
    """The entries of ``input`` at ``indices`` along ``dim``, as ``torch.take_along_dim``:
    ``input`` and ``indices`` have the same number of axes and broadcast against each other on
    the axes other than ``dim``. With ``dim=None`` both are flattened (the result is 1-D).
    Repeated indices accumulate in the gradient.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
        >>> ac.take_along_dim(x, x.argmax(dim=1, keepdim=True), dim=1)
        tensor([[30.],
                [60.]])
    """
    x = lift(input)
    if dim is None:
        idx = index_array("take_along_dim", indices, x)
        return take_along_axis(x, idx.reshape(-1), None)
    return take_along_axis(x, indices, dim)


def _positions(api: str, x: Tensor, indices: tuple[Any, ...]) -> Any:
    """The flat positions in x of ``x[indices]`` (an integer array of that result's shape)."""
    xp = x.xp
    arrays = []
    for i, index in enumerate(indices):
        arr = index.data if isinstance(index, Tensor) else xp.asarray(index)
        if arr.dtype.kind not in "iub":
            raise DTypeError(
                f"{api}: index {i} has dtype {arr.dtype}; indices must be integer or boolean "
                "tensors. Convert with .long() or .bool()."
            )
        arrays.append(arr.astype(xp.int64) if arr.dtype.kind == "u" else arr)
    try:
        return xp.arange(x.numel()).reshape(x.shape)[tuple(arrays)]
    except IndexError as e:
        shapes = [tuple(a.shape) for a in arrays]
        raise ShapeError(
            f"{api}: the indices (shapes {shapes}) do not index a tensor of shape "
            f"{tuple(x.shape)}: {e}. Give at most one index per axis, each within the axis's "
            "size (negative counts from the end), or a boolean mask of the axes it covers."
        ) from None


def placed_at(api: str, x: Tensor, pos: Any, values: Any, accumulate: bool) -> Tensor:
    """x with ``values`` (broadcast to ``pos.shape``) written at the flat positions ``pos``."""
    v = lift(values, x)
    if v.dtype != x.dtype:
        v = astype(v, x.dtype)
    if v.shape != pos.shape:
        try:
            v = broadcast_to(v, pos.shape)
        except (ShapeError, ValueError):
            raise ShapeError(
                f"{api}: values of shape {tuple(v.shape)} cannot be broadcast to the indexed "
                f"shape {tuple(pos.shape)} (x of shape {tuple(x.shape)})."
            ) from None
    flat, src, where = flatten(x), reshape(v, (-1,)), pos.reshape(-1)
    if accumulate:
        return reshape(index_add(flat, 0, where, src), x.shape)
    xp = x.xp
    # a repeated position keeps the last of its values (as NumPy's x[i] = v does)
    _, first_from_end = xp.unique(where[::-1], return_index=True)
    last = where.size - 1 - first_from_end
    if last.size != where.size:
        src, where = getitem(src, last), where[last]
    return reshape(scatter(flat, 0, where, src), x.shape)


def index_put(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    indices: Any,
    values: Any,
    accumulate: bool = False,
) -> Tensor:
    """A copy of ``input`` with ``input[indices] = values`` done, or ``input[indices] +=
    values`` with ``accumulate`` (repeated positions then add up), as ``torch.index_put``.

    ``indices`` is a tuple of integer or boolean tensors, one per leading axis, that index
    together as in ``input[indices]`` (NumPy's advanced indexing); ``values`` is broadcast to
    the indexed shape and cast to ``input``'s dtype. Without ``accumulate`` a repeated position
    keeps the last of its values (PyTorch leaves which one unspecified). The in-place form is
    ``x.index_put_``.

    Gradients: input̄ = ȳ (with the overwritten positions zeroed unless ``accumulate``);
    values̄ = ȳ at the positions written (summed over broadcast axes).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.zeros(2, 3)
        >>> x.index_put((ac.tensor([0, 1, 0]), ac.tensor([2, 0, 2])), ac.tensor(1.0), True)
        tensor([[0., 0., 2.],
                [1., 0., 0.]])
    """
    x = lift(input)
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError(
            f"index_put: indices must be a tuple of tensors (one per indexed axis), got "
            f"{type(indices).__name__}. Wrap a single index: (index,)."
        )
    return placed_at("index_put", x, _positions("index_put", x, tuple(indices)), values, accumulate)


def put(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    index: Any,
    source: Any,
    accumulate: bool = False,
) -> Tensor:
    """A copy of ``input`` with ``source``'s entries written at the positions ``index`` of
    ``input`` flattened (row-major), as ``torch.put``; negative indices count from the end.
    ``index`` and ``source`` have the same number of entries (any shapes); with
    ``accumulate`` the entries add to ``input`` and repeated positions add up, otherwise a
    repeated position keeps the last of its entries. The in-place form is ``x.put_``.

    Example:
        >>> import autograd_core as ac
        >>> ac.zeros(2, 2).put(ac.tensor([0, -1]), ac.tensor([5.0, 6.0]))
        tensor([[5., 0.],
                [0., 6.]])
    """
    x = lift(input)
    src = lift(source, x)
    idx = index_array("put", index, x)
    if idx.size != src.numel():
        raise ShapeError(
            f"put: index and source need the same number of entries; got index of shape "
            f"{tuple(idx.shape)} and source of shape {tuple(src.shape)}."
        )
    n = x.numel()
    if idx.size and (int(idx.min()) < -n or int(idx.max()) >= n):
        raise ShapeError(
            f"put: index values from {int(idx.min())} to {int(idx.max())} are out of range for "
            f"a tensor of {n} entries (shape {tuple(x.shape)}); use [-{n}, {n})."
        )
    pos = (idx.reshape(-1) % n) if n else idx.reshape(-1)
    return placed_at("put", x, pos, reshape(src, (-1,)), accumulate)


def setitem_at(x: Tensor, key: Any, value: Any) -> Tensor:
    """A copy of x with ``x[key] = value`` done, PyTorch's subscript rules for ``key``
    (``ops/subscript_key.py``): the recorded form of ``x[key] = value`` on a tensor in a graph.
    ``value`` is cast to x's dtype and broadcast to ``x[key]``'s shape (leading size-1 dims
    dropped first, as PyTorch and NumPy allow). A repeated position keeps the last of its values
    (PyTorch leaves which one unspecified).

    Gradients: x̄ = ȳ with the written positions zeroed; value̅ = ȳ at the positions written
    (summed over broadcast dims; 0 for a value that a later repeat overwrote).
    """
    xp = x.xp
    basic, advanced = split_key(tuple(x.shape), key, xp, op="setitem")
    pos = xp.arange(x.numel()).reshape(x.shape)[basic]
    pos = xp.asarray(pos if advanced is None else pos[advanced])
    v = lift(value, x)
    while v.ndim > pos.ndim and v.shape[0] == 1:
        v = reshape(v, v.shape[1:])
    return placed_at("setitem", x, pos, v, accumulate=False)
