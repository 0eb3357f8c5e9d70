"""Ops that join or split tensors: cat/concatenate and stack, and their adjoints split and
unbind, which are single ops with one output per piece (so the backward of a loop over the
pieces is one ``cat``/``stack``, not one zero-filled scatter per piece)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from autograd_core.device import get_array_module
from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import dim_arg, lift, normalize_axis
from autograd_core.ops.shape import flatten
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["cat", "concatenate", "stack", "split", "chunk", "unbind"]


@register_op("cat", array_vjp=True, saves_inputs=False)
class Cat(Op):
    r"""y = the inputs x₀, x₁, … joined along ``axis`` (their other axes are equal).

    VJP: (x̄₀, x̄₁, …) = split(ȳ, sizes, axis), the slices of ȳ that each input filled (one
    ``split`` op; a zero-size input gets a zero-size slice). Saves only the sizes along
    ``axis``. Does not broadcast.
    """

    def forward(self, *xs: Any, axis: int) -> Any:
        self.sizes = tuple(x.shape[axis] for x in xs)
        return self.xp.concatenate(xs, axis=axis)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        pieces = Split.call(gy, sizes=self.sizes, axis=self.params["axis"])
        return tuple(p if need else None for p, need in zip(pieces, self.needs_input_grad))


@register_op("split", array_vjp=True, saves_inputs=False)
class Split(Op):
    r"""(y₀, y₁, …) = consecutive slices of x along ``axis``, of the given ``sizes``: one op
    with one output per piece (each a view of x).

    VJP: x̄ = cat(ȳ₀, ȳ₁, …) along ``axis``, with zeros for the pieces that received no
    gradient: one concatenation, however many pieces. Saves nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, sizes: tuple[int, ...], axis: int) -> tuple[Any, ...]:
        lead, pieces, start = (slice(None),) * axis, [], 0
        for size in sizes:
            pieces.append(x[lead + (slice(start, start + size),)])
            start += size
        return tuple(pieces)

    def vjp(self, *gys: Any) -> tuple[Any, ...]:
        x = self.inputs[0].data
        axis = self.params["axis"]
        parts = [_zeros_for(g, x, axis, size) for g, size in zip(gys, self.params["sizes"])]
        return (Cat.call(*parts, axis=axis),)


@register_op("stack", array_vjp=True, saves_inputs=False)
class Stack(Op):
    r"""y = the inputs x₀, x₁, … (of equal shapes) stacked along a new axis ``axis``:
    y[…, i, …] = xᵢ.

    VJP: (x̄₀, x̄₁, …) = unbind(ȳ, axis), the entries of ȳ along ``axis`` (one ``unbind`` op).
    Saves nothing. Does not broadcast.
    """

    def forward(self, *xs: Any, axis: int) -> Any:
        return self.xp.stack(xs, axis=axis)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        pieces = Unbind.call(gy, axis=self.params["axis"])
        return tuple(p if need else None for p, need in zip(pieces, self.needs_input_grad))


@register_op("unbind", array_vjp=True, saves_inputs=False)
class Unbind(Op):
    r"""(y₀, y₁, …) = the entries of x along ``axis`` (that axis removed): one op with one
    output per entry (each a view of x), as ``torch.unbind``.

    VJP: x̄ = stack(ȳ₀, ȳ₁, …) along ``axis``, with zeros for entries that received no
    gradient: one stack, however many entries. Saves nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, axis: int) -> tuple[Any, ...]:
        lead = (slice(None),) * axis
        # (the trailing ... keeps a 0-d piece a view of x, not a NumPy scalar copy)
        return tuple(x[lead + (i, Ellipsis)] for i in range(x.shape[axis]))

    def vjp(self, *gys: Any) -> tuple[Any, ...]:
        x = self.inputs[0].data
        axis = self.params["axis"]
        parts = [_zeros_for(g, x, axis, None) for g in gys]
        return (Stack.call(*parts, axis=axis),)


def _zeros_for(g: Any, x: Any, axis: int, size: int | None) -> Any:
    """``g``, or where a piece got no gradient, zeros of that piece's shape (an ``axis`` of
    ``size``, or no ``axis`` at all when ``size`` is None)."""
    if g is not None:
        return g
    shape = list(x.shape)
    if size is None:
        del shape[axis]
    else:
        shape[axis] = size
    return get_array_module(x).zeros(tuple(shape), x.dtype)


def lift_all(op: str, tensors: Any) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence) or not tensors:
        raise ShapeError(
            f"{op}: expected a non-empty list or tuple of tensors, got {type(tensors).__name__}"
            f"{'' if not isinstance(tensors, Sequence) else f' of length {len(tensors)}'}. "
            f"Pass the tensors as a list: {op}([a, b])."
        )
    return [lift(t) for t in tensors]


def _shapes(xs: list[Tensor]) -> str:
    return ", ".join(str(tuple(x.shape)) for x in xs)


def cat(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing axis ``dim`` (alias ``axis``, default 0), as ``torch.cat``.

    Every input has the same number of axes and the same size on every axis except ``dim``;
    inputs of size 0 along ``dim`` are allowed. Mixed dtypes are promoted as in NumPy.

    Raises:
        ShapeError: an empty list, a 0-d input, or shapes that differ outside ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> ac.cat([ac.ones(2, 3), ac.zeros(1, 3)]).shape, ac.cat([ac.ones(2, 1)] * 3, dim=-1).shape
        ((3, 3), (2, 3))
    """
    xs = lift_all("cat", tensors)
    first = xs[0]
    for i, x in enumerate(xs):
        if x.ndim == 0:
            raise ShapeError(
                f"cat: input {i} is 0-d (shapes: {_shapes(xs)}); a 0-d tensor has no axis to join "
                "along. Use stack, or reshape the scalars to (1,) first."
            )
    d = 0 if dim is None and axis is None else dim_arg("cat", dim, axis)
    (d,) = normalize_axis("cat", int(d), first.shape, word="dim", subject="inputs")
    for i, x in enumerate(xs):
        if x.ndim != first.ndim or any(
            a != b for k, (a, b) in enumerate(zip(x.shape, first.shape)) if k != d
        ):
            raise ShapeError(
                f"cat: input {i} has shape {tuple(x.shape)}, which does not match input 0's shape "
                f"{tuple(first.shape)} outside dim {d}. Shapes: {_shapes(xs)}. Make every axis "
                f"except dim {d} equal (reshape, pad or broadcast the inputs), or join along "
                "another dim."
            )
    return Cat.apply(*xs, axis=d)


def concatenate(tensors: Sequence[Any], axis: int | None = 0) -> Tensor:
    """NumPy's name for ``cat``; ``axis=None`` flattens every input first (as NumPy).

    Example:
        >>> import autograd_core as ac
        >>> ac.concatenate([ac.ones(2, 2), ac.zeros(1, 2)], axis=None).shape
        (6,)
    """
    if axis is None:
        return cat([flatten(t) for t in lift_all("concatenate", tensors)], dim=0)
    return cat(tensors, dim=axis)


def stack(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Stack tensors of equal shape along a new axis ``dim`` (alias ``axis``, default 0), which
    may be −ndim−1 … ndim, as ``torch.stack``.

    Raises:
        ShapeError: an empty list or inputs of different shapes.

    Example:
        >>> import autograd_core as ac
        >>> ac.stack([ac.ones(2, 3), ac.zeros(2, 3)]).shape, ac.stack([ac.ones(2)] * 3, -1).shape
        ((2, 2, 3), (2, 3))
    """
    xs = lift_all("stack", tensors)
    first = xs[0]
    for i, x in enumerate(xs):
        if x.shape != first.shape:
            raise ShapeError(
                f"stack: input {i} has shape {tuple(x.shape)} but input 0 has shape "
                f"{tuple(first.shape)}; stack needs inputs of one shape. Shapes: {_shapes(xs)}. "
                "Use cat to join along an existing axis, or pad/broadcast the inputs to one shape."
            )
    d = 0 if dim is None and axis is None else dim_arg("stack", dim, axis)
    (d,) = normalize_axis(
        "stack", int(d), first.shape, positions=first.ndim + 1, word="dim", subject="inputs"
    )
    return Stack.apply(*xs, axis=d)


def split(
    x: Tensor, split_size_or_sections: int | Sequence[int], dim: int = 0
) -> tuple[Tensor, ...]:
    """Split x along ``dim`` into pieces, as ``torch.split``: an int gives pieces of that size
    (the last one smaller if the size does not divide), a list gives the size of each piece.

    The pieces are the outputs of one ``split`` op, so back-propagating through all of them
    costs one concatenation (not one zero-filled scatter per piece).

    Raises:
        ShapeError: a 0-d x, a size below 1 (0 only for an empty axis), or sections that do not
            sum to the size of ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.arange(5.0).split(2)]
        [(2,), (2,), (1,)]
        >>> [p.shape for p in ac.ones(2, 5).split([1, 4], dim=1)]
        [(2, 1), (2, 4)]
    """
    x = lift(x)
    if x.ndim == 0:
        raise ShapeError("split: cannot split a 0-d tensor (shape ()). Reshape it to (1,) first.")
    (d,) = normalize_axis("split", int(dim), x.shape, word="dim", subject="inputs")
    size = x.shape[d]
    if not isinstance(split_size_or_sections, (tuple, list)):
        step = int(split_size_or_sections)
        if step < 0 or (step == 0 and size > 0):
            raise ShapeError(
                f"split: split size {step} cannot split dim {d} of size {size} (shape "
                f"{tuple(x.shape)}). Pass a split size of at least 1."
            )
        count = max(math.ceil(size / step), 1) if step else 1
        sizes = [step] * (count - 1) + [size - step * (count - 1)]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or sum(sizes) != size:
            raise ShapeError(
                f"split: sections {sizes} sum to {sum(sizes)}, but dim {d} of shape "
                f"{tuple(x.shape)} has size {size}. Pass non-negative sizes that sum to {size}, "
                "or an int piece size."
            )
    return Split.apply(x, sizes=tuple(sizes), axis=d)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Split x into ``chunks`` pieces of size ceil(n / chunks) along ``dim``, as ``torch.chunk``
    (so there may be fewer pieces than asked for). An alias of ``split``.

    Example:
        >>> import autograd_core as ac
        >>> [p.shape for p in ac.arange(5.0).chunk(4)]
        [(2,), (2,), (1,)]
    """
    x = lift(x)
    if int(chunks) < 1:
        raise ShapeError(
            f"chunk: chunks must be at least 1, got {chunks} (tensor of shape {tuple(x.shape)}). "
            "Pass a positive number of pieces."
        )
    if x.ndim == 0:
        raise ShapeError("chunk: cannot chunk a 0-d tensor (shape ()). Reshape it to (1,) first.")
    (d,) = normalize_axis("chunk", int(dim), x.shape, word="dim", subject="inputs")
    size = x.shape[d]
    if size == 0:
        return split(x, [0] * int(chunks), dim)
    return split(x, math.ceil(size / int(chunks)), dim)


def unbind(x: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The entries of ``x`` along ``dim``, that axis removed, as ``torch.unbind``; iterating a
    tensor (``for row in x``) gives the same.

    This is the fast way to walk a sequence step by step: ``for t in range(T): x[t]`` makes T
    ``getitem`` ops, each of whose gradients is a zero-filled array of x's full shape (a backward
    quadratic in T), while ``for x_t in x.unbind(0)`` is one op whose backward is one ``stack``.

    Example:
        >>> import autograd_core as ac
        >>> [r.tolist() for r in ac.tensor([[1.0, 2.0], [3.0, 4.0]]).unbind(1)]
        [[1.0, 3.0], [2.0, 4.0]]
    """
    x = lift(x)
    if x.ndim == 0:
        raise ShapeError("unbind: cannot unbind a 0-d tensor (shape ()). Reshape it to (1,) first.")
    (d,) = normalize_axis("unbind", int(dim), x.shape, word="dim", subject="inputs")
    return Unbind.apply(x, axis=d)
