"""Copying rearrangements: constant padding (pad), reversal (flip) and tiling (repeat, tile).

Unlike the views in ``ops/shape.py`` these build a new array; their VJPs slice, flip or sum the
gradient back into x's shape.
"""

from __future__ import annotations

import operator
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, normalize_axis
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["pad", "flip", "roll", "repeat", "tile"]


@register_op("pad", array_vjp=True, saves_inputs=False)
class Pad(Op):
    r"""Constant padding: y = x with ``before`` and ``after`` entries equal to ``value`` added on
    each axis (``widths`` holds one (before, after) pair per axis); a negative width crops.

    VJP: x̄ = pad(ȳ, −widths, value=0), i.e. ȳ with the padding sliced off (and cropped parts
    given a zero gradient), a new array. The padded entries do not depend on x, and ``value`` is
    a constant with no gradient. Saves nothing. Does not broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, widths: tuple[tuple[int, int], ...], value: float) -> Any:
        crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for (b, a), n in zip(widths, x.shape))
        grow = [(max(b, 0), max(a, 0)) for b, a in widths]
        return self.xp.pad(x[crop], grow, mode="constant", constant_values=value)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        negated = tuple((-b, -a) for b, a in self.params["widths"])
        return (Pad.call(gy, widths=negated, value=0.0),)


def pad(x: Tensor, pad: Any, value: float = 0.0) -> Tensor:
    """Constant padding with PyTorch's ``F.pad`` width order: last axis first.

    ``pad = (left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two, and
    so on; negative widths crop, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).pad((1, 2)).shape, ac.ones(2, 3).pad((0, 0, 1, 0), value=5.0)[0]
        ((2, 6), tensor([5., 5., 5.]))
    """
    x = lift(x)
    widths_in = tuple(int(p) for p in pad)
    if len(widths_in) % 2 or len(widths_in) > 2 * x.ndim:
        raise ShapeError(
            f"pad: got {len(widths_in)} widths {widths_in} for a tensor of shape "
            f"{tuple(x.shape)}; pass an even number of widths, at most 2 * {x.ndim}, ordered "
            "(last-axis left, last-axis right, second-to-last left, ...)."
        )
    widths = [(0, 0)] * x.ndim
    for k in range(len(widths_in) // 2):
        widths[x.ndim - 1 - k] = (widths_in[2 * k], widths_in[2 * k + 1])
    for axis, ((b, a), n) in enumerate(zip(widths, x.shape)):
        if n + b + a < 0:
            raise ShapeError(
                f"pad: widths ({b}, {a}) on axis {axis} of a tensor of shape {tuple(x.shape)} "
                f"would give size {n + b + a}. Crop at most {n} entries from that axis."
            )
    if all(w == (0, 0) for w in widths):
        return x
    return Pad.apply(x, widths=tuple(widths), value=float(value))


@register_op("flip", array_vjp=True, saves_inputs=False)
class Flip(Op):
    r"""y = x reversed along the axes ``dims`` (a view). VJP: x̄ = flip(ȳ, dims) (a flip is its
    own inverse; a view of ȳ). Saves nothing. Does not broadcast."""

    def forward(self, x: Any, dims: tuple[int, ...]) -> Any:
        return self.xp.flip(x, axis=dims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        return (Flip.call(gy, dims=self.params["dims"]),)


def flip(x: Tensor, dims: Any) -> Tensor:
    """Reverse the order of the entries along ``dims`` (an int or a tuple), as ``torch.flip``.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(3.0).flip(0)
        tensor([2., 1., 0.])
    """
    x = lift(x)
    axes = normalize_axis("flip", dims, x.shape)
    if x.ndim == 0 or not axes:
        return x
    return Flip.apply(x, dims=axes)


@register_op("roll", array_vjp=True, saves_inputs=False)
class Roll(Op):
    r"""y = x shifted cyclically by ``shifts[k]`` along axis ``dims[k]`` (every axis of the
    flattened x when ``dims`` is None): y[(i + s) mod n] = x[i].

    VJP: x̄ = roll(ȳ, −shifts, dims), the opposite shift (a roll is a permutation, so its
    adjoint is its inverse); linear in ȳ, so double backward records it again. Saves nothing.
    Does not broadcast.
    """

    def forward(self, x: Any, shifts: tuple[int, ...], dims: tuple[int, ...] | None) -> Any:
        return self.xp.roll(x, shifts[0] if dims is None else shifts, axis=dims)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        back = tuple(-s for s in self.params["shifts"])
        return (Roll.call(gy, shifts=back, dims=self.params["dims"]),)


def _int_tuple(op: str, name: str, value: Any) -> tuple[int, ...]:
    """An int or a sequence of ints as a tuple of Python ints (bools refused, as PyTorch)."""
    items = value if isinstance(value, (tuple, list)) else (value,)
    if any(isinstance(v, bool) or not hasattr(v, "__index__") for v in items):
        raise TypeError(f"{op}: {name} must be an int or a tuple of ints, got {value!r}.")
    return tuple(operator.index(v) for v in items)


def roll(x: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift the entries cyclically along ``dims``, as ``torch.roll``: an entry that leaves one
    end comes back at the other. ``shifts`` and ``dims`` are ints or tuples of the same length;
    without ``dims`` the tensor is rolled as if flattened (one shift) and then reshaped.
    Differentiable: the gradient is rolled back by ``-shifts``.

    Example:
        >>> import autograd_core as ac
        >>> ac.arange(6.0).reshape(2, 3).roll(1, 1)
        tensor([[2., 0., 1.],
                [5., 3., 4.]])
    """
    x = lift(x)
    steps = _int_tuple("roll", "shifts", shifts)
    axes = None if dims is None else _int_tuple("roll", "dims", dims)
    if not steps:
        raise ValueError("roll: shifts is empty; pass at least one shift (an int).")
    if len(steps) != (1 if axes is None else len(axes)):
        raise ValueError(
            f"roll: {len(steps)} shift(s) {steps} and {0 if axes is None else len(axes)} dim(s) "
            f"{axes} must pair up (one shift per dim; a single shift without dims rolls the "
            f"flattened tensor of shape {tuple(x.shape)}). Pass as many shifts as dims."
        )
    if axes is None:
        n = x.data.size
        return Roll.apply(x, shifts=(steps[0] % n if n else 0,), dims=None)
    if x.ndim == 0:
        raise ShapeError(
            f"roll: a 0-d tensor has no dims to roll along, got dims {axes}. Leave dims out (a "
            "0-d tensor rolls to itself)."
        )
    axes = tuple(normalize_axis("roll", a, x.shape, positions=x.ndim, word="dim")[0] for a in axes)
    steps = tuple(s % x.shape[a] if x.shape[a] else 0 for s, a in zip(steps, axes))
    return Roll.apply(x, shifts=steps, dims=axes)


@register_op("repeat", array_vjp=True, saves_inputs=False)
class Repeat(Op):
    r"""y = x tiled ``reps[i]`` times along axis i (PyTorch's ``repeat``, NumPy's ``tile``); x
    is first viewed with leading 1-axes up to ``len(reps)`` axes, shape s.

    VJP: x̄ = the sum of ȳ over the copies: ȳ reshaped to (r₀, s₀, r₁, s₁, …), summed over the
    r axes (a new array), and reshaped to x's shape. Saves only the input shape. Does not
    broadcast.
    """

    fresh_grads = True

    def forward(self, x: Any, reps: tuple[int, ...]) -> Any:
        self.in_shape = x.shape
        return self.xp.tile(x, reps)

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        reps = self.params["reps"]
        s = (1,) * (len(reps) - len(self.in_shape)) + tuple(self.in_shape)
        interleaved = tuple(n for pair in zip(reps, s) for n in pair)
        copies = tuple(range(0, 2 * len(reps), 2))
        return (gy.reshape(interleaved).sum(axis=copies).reshape(self.in_shape),)


def _int_sizes(op: str, sizes: tuple[Any, ...], x: Tensor) -> tuple[int, ...]:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    out = tuple(int(s) for s in sizes)
    if any(s < 0 for s in out):
        raise ShapeError(
            f"{op}: repetitions {out} for a tensor of shape {tuple(x.shape)} include a negative "
            "count. Pass counts >= 0."
        )
    return out


def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """Tile x ``sizes[i]`` times along axis i, as ``torch.Tensor.repeat``: ``len(sizes)`` must
    be at least ``x.ndim``, and extra leading sizes add new leading axes.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0]).repeat(2), ac.tensor([1.0, 2.0]).repeat(3, 1).shape
        (tensor([1., 2., 1., 2.]), (3, 2))
    """
    x = lift(x)
    reps = _int_sizes("repeat", sizes, x)
    if len(reps) < x.ndim:
        raise ShapeError(
            f"repeat: got {len(reps)} repetition counts {reps} for a tensor of shape "
            f"{tuple(x.shape)}; pass at least {x.ndim} (one per axis, 1 to keep an axis), or use "
            "tile, which pads the counts with leading 1s."
        )
    if reps == (1,) * x.ndim:
        return x
    return Repeat.apply(x, reps=reps)


def tile(x: Tensor, reps: Any) -> Tensor:
    """Tile x ``reps`` times, as ``numpy.tile``/``torch.tile``: fewer counts than axes are padded
    with leading 1s. The same op as ``repeat``.

    Example:
        >>> import autograd_core as ac
        >>> ac.ones(2, 3).tile(2).shape, ac.ones(3).tile((2, 2)).shape
        ((2, 6), (2, 6))
    """
    x = lift(x)
    counts = _int_sizes("tile", (reps,) if isinstance(reps, int) else (tuple(reps),), x)
    return repeat(x, (1,) * (x.ndim - len(counts)) + counts)
