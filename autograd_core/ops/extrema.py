"""Extreme values over axes: max/min, amax/amin and argmax/argmin, with the tie rule that
splits their gradient equally among tied elements."""

from __future__ import annotations

from typing import Any, NamedTuple

from autograd_core.op import Op
from autograd_core.ops.common import lift, refuse_bool
from autograd_core.ops.reduce import expand_reduced, kept_shape, reduction_args
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["max", "min", "amax", "amin", "argmax", "argmin"]


class ValuesIndices(NamedTuple):
    """What ``max(x, dim)`` and ``min(x, dim)`` return (PyTorch's ``torch.return_types.max``)."""

    values: Tensor
    indices: Tensor


def tie_weights(xp: Any, x: Any, y_kept: Any, axes: tuple[int, ...] | None) -> Any:
    """1/k on each of the k elements of a slice equal to its reduced value, 0 elsewhere. NaN
    counts as equal to a NaN result (NaN propagates through max)."""
    hit = x == y_kept
    if x.dtype.kind == "f":
        hit |= xp.isnan(x) & xp.isnan(y_kept)
    return hit / hit.sum(axis=axes, keepdims=True).astype(x.dtype)


# The name that _Extremum.vjp calls; that body is left as it is until the op rewrite.


# -- amax, amin: values over any axes; max, min: (values, indices) along one axis ----------


class _Extremum(Op):
    r"""y = max (or min) of x over ``axis`` (``amax``/``amin``, and ``max(x)`` over all axes).

    VJP: x̄ = ȳ · w, where w spreads ȳ equally over the elements that attain the extremum of
    their slice (w = 1/k on each of k tied elements), so max([1, 3, 3]) gives x̄ = [0, ½, ½]:
    PyTorch's rule for ``amax``/``amin`` and ``max()`` without ``dim``. The weights are
    constants: the second derivative is 0 away from ties. Saves the output (to find the maximal
    elements again in the VJP). Does not broadcast.
    """

    reduce: str = "max"
    fresh_grads = True

    def forward(self, x: Any, axis: tuple[int, ...] | None, keepdims: bool) -> Any:
        return getattr(x, self.reduce)(axis=axis, keepdims=keepdims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x = self.inputs[0].data
        axes = self.params["axis"]
        y_kept = self.out.reshape(kept_shape(x.shape, axes))
        w = tie_weights(self.xp, x, y_kept, axes).astype(x.dtype, copy=False)
        return (expand_reduced(gy, x.shape, axes) * w,)


@register_op("amax", save_output=True, array_vjp=True)
class Amax(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "max"


@register_op("amin", save_output=True, array_vjp=True)
class Amin(_Extremum):
    __doc__ = _Extremum.__doc__
    reduce = "min"


class _ExtremumAlongDim(Op):
    r"""(values, indices) = max (or min) of x along one ``axis``, and where it is: one op with
    two outputs (PyTorch's ``torch.max(x, dim)``). The indices are the first extremum on a tie
    (NumPy's and PyTorch's ``argmax``); they are integers and have no gradient.

    VJP: x̄ = ȳ_values placed at the returned index of each slice, 0 elsewhere: on a tie the
    whole gradient goes to the returned (first) element, as PyTorch's ``max(x, dim)`` does
    (``amax`` splits it instead). The one-hot placement is a constant: the second derivative is
    0. Saves both outputs; reads only the indices (the values may be written in place, as in
    PyTorch). Does not broadcast.
    """

    reduce: str = "max"
    fresh_grads = True
    reads_outputs = (1,)

    def forward(self, x: Any, axis: int, keepdims: bool) -> tuple[Any, Any]:
        xp = self.xp
        if x.ndim == 0:
            return x.copy(), xp.zeros((), xp.int64)
        index = getattr(x, "arg" + self.reduce)(axis=axis, keepdims=True)
        values = xp.take_along_axis(x, index, axis)
        if not keepdims:
            values, index = values.squeeze(axis), index.squeeze(axis)
        return values, index

    def vjp(self, g_values: Any, g_indices: Any = None) -> tuple[Any, ...]:
        x = self.inputs[0].data
        if x.ndim == 0:  # the one element is the extremum: its one-hot weight is 1
            return (g_values * self.xp.ones((), x.dtype),)
        axis = self.params["axis"]
        index = self.out[1].reshape(kept_shape(x.shape, (axis,)))
        positions = self.xp.arange(x.shape[axis]).reshape((-1,) + (1,) * (x.ndim - axis - 1))
        one_hot = (positions == index).astype(x.dtype)
        return (expand_reduced(g_values, x.shape, (axis,)) * one_hot,)


@register_op("max", save_output=True, array_vjp=True, saves_inputs=False)
class Max(_ExtremumAlongDim):
    __doc__ = _ExtremumAlongDim.__doc__
    reduce = "max"


@register_op("min", save_output=True, array_vjp=True, saves_inputs=False)
class Min(_ExtremumAlongDim):
    __doc__ = _ExtremumAlongDim.__doc__
    reduce = "min"


@register_op("argmax", differentiable=False)
class Argmax(Op):
    """Index of the largest element over one axis (flat index over all axes); the first one on a
    tie, as NumPy and PyTorch. Integer output, no gradient."""

    def forward(self, x: Any, axis: int | None, keepdims: bool) -> Any:
        return x.argmax(axis=axis, keepdims=keepdims)


@register_op("argmin", differentiable=False)
class Argmin(Op):
    """Index of the smallest element over one axis (flat index over all axes); the first one on a
    tie. Integer output, no gradient."""

    def forward(self, x: Any, axis: int | None, keepdims: bool) -> Any:
        return x.argmin(axis=axis, keepdims=keepdims)


def _max_or_min(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Any:
    x = lift(x)
    if isinstance(dim, Tensor):  # torch.max(a, b) is the elementwise maximum
        from autograd_core.ops.binary import maximum, minimum

        return (maximum if name == "max" else minimum)(x, dim)
    fix = f"Use a{name}(x, dim=(...)) to reduce several axes."
    x, axes, keep = reduction_args(
        name, x, dim, keepdim, axis, keepdims, one_axis=fix, nonempty=True
    )
    if dim is None and axis is None:  # over all axes: the value only, ties split (as amax)
        return (Amax if name == "max" else Amin).apply(x, axis=None, keepdims=keep)
    axis_ = 0 if axes is None else axes[0]  # (dim 0 or -1 of a 0-d tensor: its one element)
    values, indices = (Max if name == "max" else Min).apply(x, axis=axis_, keepdims=keep)
    return ValuesIndices(values, indices)


def max(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """Largest element: over all axes a Tensor; with ``dim`` (alias ``axis``, one int) a named
    tuple ``(values, indices)`` like ``torch.max``. ``max(a, b)`` with a Tensor ``b`` is
    ``maximum(a, b)``.

    Gradient, as PyTorch: over all axes it is split equally among tied maxima
    (``max([1, 3, 3])`` gives ``[0, ½, ½]``); with ``dim`` it all goes to the returned index,
    the first maximum on a tie. Values and indices come from one op with two outputs.

    Raises:
        ShapeError: dim out of range, or reducing over an empty axis.
        TypeError: a tuple dim (use ``amax``).

    Example:
        >>> import autograd_core as ac
        >>> x = ac.tensor([[1.0, 5.0], [4.0, 2.0]])
        >>> x.max(), x.max(dim=1).indices
        (tensor(5.), tensor([1, 0]))
    """
    return _max_or_min("max", x, dim, keepdim, axis, keepdims)


def min(  # noqa: A001  (the NumPy/PyTorch name)
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Any:
    """Smallest element: over all axes a Tensor; with ``dim`` a named tuple ``(values, indices)``.

    Same conventions as ``max``: over all axes ties split the gradient equally; with ``dim`` it
    goes to the returned index, the first minimum.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([3.0, 1.0, 2.0]).min(dim=0)
        ValuesIndices(values=tensor(1.), indices=tensor(1))
    """
    return _max_or_min("min", x, dim, keepdim, axis, keepdims)


def amax(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Largest value over ``dim`` (int, tuple or None for all); values only. Ties split the
    gradient equally (``torch.amax``'s rule).

    NaN propagates; where a slice's maximum is NaN, its gradient is split equally among the
    slice's NaNs, as ``torch.max()`` (no dim) and ``torch.median()`` do. A deliberate
    difference: ``torch.amax``/``amin``/``aminmax`` give NaN to every entry of such a slice
    (their backward divides the mask x == y, all False there, by its count: 0/0).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 5.0], [4.0, 2.0]]).amax(dim=(0, 1))
        tensor(5.)
    """
    x, axes, keep = reduction_args("amax", x, dim, keepdim, axis, keepdims, nonempty=True)
    return Amax.apply(x, axis=axes, keepdims=keep)


def amin(
    x: Tensor,
    dim: Any = None,
    keepdim: bool | None = None,
    *,
    axis: Any = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Smallest value over ``dim`` (int, tuple or None for all); values only; ties split equally.
    At a NaN minimum the gradient is split among the slice's NaNs, where ``torch.amin`` gives
    NaN (see ``amax``).

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 5.0], [4.0, 2.0]]).amin(dim=1)
        tensor([1., 2.])
    """
    x, axes, keep = reduction_args("amin", x, dim, keepdim, axis, keepdims, nonempty=True)
    return Amin.apply(x, axis=axes, keepdims=keep)


def _arg(name: str, x: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    fix = "Reshape the axes into one first."
    refuse_bool(name, lift(x))
    x, axes, keep = reduction_args(
        name, x, dim, keepdim, axis, keepdims, one_axis=fix, nonempty=True
    )
    op = Argmax if name == "argmax" else Argmin
    return op.apply(x, axis=None if axes is None else axes[0], keepdims=keep)


def argmax(
    x: Tensor,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the largest element along ``dim`` (the flat index when None); the first on a tie.
    No gradient. A bool input raises DTypeError, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 3.0, 3.0]).argmax()
        tensor(1)
    """
    return _arg("argmax", x, dim, keepdim, axis, keepdims)


def argmin(
    x: Tensor,
    dim: int | None = None,
    keepdim: bool | None = None,
    *,
    axis: int | None = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Index of the smallest element along ``dim`` (the flat index when None); the first on a tie.
    No gradient. A bool input raises DTypeError, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[2.0, 1.0], [0.0, 0.0]]).argmin(dim=1)
        tensor([1, 0])
    """
    return _arg("argmin", x, dim, keepdim, axis, keepdims)
