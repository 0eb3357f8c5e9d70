"""Subscripting: ``x[index]`` (getitem) with NumPy's indexing rules, and its adjoint scatter.

Basic indices (ints, slices, None, ...) and advanced ones (bool masks, int arrays) are both
supported; the VJP scatters ȳ back into zeros (``getitem_grad``), accumulating repeated indices.
Gather/scatter along one axis (``gather``, ``index_select``, ...) live in ``ops/indexing.py``.
"""

from __future__ import annotations

from typing import Any

from autograd_core.op import Op
from autograd_core.ops.array_methods import add_at
from autograd_core.ops.common import lift
from autograd_core.ops.subscript_key import is_trivial, split_key
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["getitem"]


def _has_advanced(index: tuple[Any, ...]) -> bool:
    return any(not isinstance(i, (int, slice, type(None), type(Ellipsis))) for i in index)


@register_op("getitem", array_vjp=True, saves_inputs=False)
class GetItem(Op):
    r"""y = x[index] with NumPy semantics (ints, slices, None, ..., bool masks, int arrays).
    VJP: x̄ = getitem_grad(ȳ): zeros like x with ȳ scattered into x[index] (a new array);
    repeated integer indices accumulate. Saves only the input shape."""

    fresh_grads = True

    def forward(self, x: Any, index: Any) -> Any:
        self.in_shape = x.shape
        y = x[index]
        if type(y) is not type(x) and not _has_advanced(index):
            # NumPy returns a scalar copy for one element; with a trailing ... it returns a 0-d
            # view, as PyTorch's x[i] is (an in-place op on it writes into x)
            key = index if isinstance(index, tuple) else (index,)
            if not any(k is Ellipsis for k in key):
                y = x[(*key, Ellipsis)]
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (GetItemGrad.call(gy, index=self.params["index"], shape=self.in_shape),)


@register_op("getitem_grad", array_vjp=True, saves_inputs=False)
class GetItemGrad(Op):
    r"""The adjoint of ``getitem``: y = zeros(shape) with g added at ``index`` (``np.add.at``, so
    repeated indices accumulate). VJP: ḡ = getitem(ȳ, index) (a view of ȳ for a basic index).
    Saves nothing."""

    def forward(self, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
        return _scatter(self.xp, g, index, shape)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (GetItem.call(gy, index=self.params["index"]),)


def _scatter(xp: Any, g: Any, index: Any, shape: tuple[int, ...]) -> Any:
    """zeros(shape) with g added at ``index`` (getitem's adjoint, on arrays)."""
    out = xp.zeros(shape, g.dtype)
    if _has_advanced(index):
        add_at(xp, out, index, g)
    else:
        out[index] = g  # basic indexing never repeats an element
    return out


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with PyTorch's indexing rules: ints, slices (positive steps), None,
    Ellipsis, bools, integer arrays/lists/tensors and bool masks; repeated indices accumulate in
    the gradient. Where PyTorch's rules differ from NumPy's (an int among index arrays is a
    plain ``select``, so ``x[0, :, [0, 1]]`` of a (2, 3, 4) tensor has shape (3, 2), not
    NumPy's (2, 3)) this follows PyTorch; ``ops/subscript_key.py`` lists the differences.

    Each ``x[index]`` is one op (two when the key mixes ints, bools or partial slices with index
    arrays: the basic part, a view, then the advanced part) whose gradient is a zero-filled
    array of x's whole shape, so walking a sequence with ``for t in range(T): x[t]``
    back-propagates in time quadratic in T. ``for x_t in x.unbind(0)`` (or ``for x_t in x``)
    is one op whose backward is one ``stack``; ``x.split(k)`` likewise for pieces of k steps
    (``bench/bench_sequence.py``).

    Raises:
        IndexingError: (an ``IndexError``) too many indices, an index out of range, a bool mask
            of the wrong shape, a slice step below 1, or a float index.

    Example:
        >>> import autograd_core as ac
        >>> x = ac.arange(6.0).reshape(2, 3)
        >>> x[1], x[:, ::2].shape, x[x > 2]
        (tensor([3., 4., 5.]), (2, 2), tensor([3., 4., 5.]))
        >>> ac.zeros(2, 3, 4)[0, :, [0, 1]].shape
        (3, 2)
    """
    x = lift(x)
    basic, advanced = split_key(tuple(x.shape), index, x.xp)
    if advanced is None:
        return GetItem.apply(x, index=basic)
    y = x if is_trivial(basic) else GetItem.apply(x, index=basic)
    return GetItem.apply(y, index=advanced)
