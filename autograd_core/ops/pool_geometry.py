"""Window geometry of the pooling ops: argument checks, PyTorch's output-size rule, and the
strided views of one kernel offset (no loop over output positions anywhere).

A pooling window along one axis of length L starts at ``o·s − p`` (output position o, stride s,
left padding p) and covers ``k`` entries ``d`` apart (dilation d), so its extent is
``e = d(k − 1) + 1``. PyTorch's output size is

    out = ⌊(L + 2p − e) / s⌋ + 1                (floor mode)
    out = ⌈(L + 2p − e) / s⌉ + 1, minus 1 if the last window would start at or past L + p
                                                 (ceil mode: the last window must start inside
                                                 the input or the left padding)

The pooling section of Goodfellow, Bengio & Courville, *Deep Learning* (§9.3, which the course
notes follow) draws exactly this: width-3 windows with stride 2, where the rightmost region is
smaller (ceil mode keeps it "so as not to ignore detector units").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from autograd_core.errors import ShapeError

__all__ = [
    "Window",
    "as_tuple",
    "window_geometry",
    "adaptive_bounds",
    "adaptive_size",
    "batched",
    "plane_strides",
    "grid",
]


def as_tuple(op: str, name: str, value: Any, n: int, *, minimum: int) -> tuple[int, ...]:
    """``value`` (an int or a sequence of n ints) as an n-tuple of ints ≥ ``minimum``."""
    if isinstance(value, int):
        out = (int(value),) * n
    else:
        out = tuple(int(v) for v in value)
        if len(out) == 1:
            out = out * n
    if len(out) != n or any(v < minimum for v in out):
        raise ShapeError(
            f"{op}: {name} must be an int or {n} ints, each at least {minimum}; got {value!r}. "
            f"Pass e.g. {name}={max(minimum, 1)}."
        )
    return out


def batched(op: str, x: Any, n: int) -> tuple[Any, bool]:
    """x as (N, C, *spatial) with n spatial axes, and whether it came unbatched (C, *spatial)
    (then with a batch axis of 1 added, which the caller removes from the result)."""
    if x.ndim not in (n + 1, n + 2):
        stars = ", ".join("*" * n)
        raise ShapeError(
            f"{op}: expected a {n + 1}-D (C, {stars}) or {n + 2}-D (N, C, {stars}) input, got "
            f"shape {tuple(x.shape)}. Add or remove axes (x.unsqueeze(0) for one sample)."
        )
    if x.ndim == n + 1:
        return x.reshape((1, *x.shape)), True
    return x, False


def adaptive_size(op: str, output_size: Any, size: tuple[int, ...]) -> tuple[int, ...]:
    """``output_size`` (an int, or n ints/None; None keeps that input size) as an n-tuple."""
    n = len(size)
    if isinstance(output_size, int) or output_size is None:
        raw: tuple[Any, ...] = (output_size,) * n
    else:
        raw = tuple(output_size)
    if len(raw) != n:
        raise ShapeError(
            f"{op}: output_size must be an int or {n} values, got {output_size!r}. Pass e.g. "
            f"output_size={(1,) * n}."
        )
    out = tuple(s if o is None else int(o) for o, s in zip(raw, size))
    if any(o < 0 for o in out) or any(s < 1 for s in size):  # PyTorch: an output of 0 is empty
        raise ShapeError(
            f"{op}: output_size {out} must be at least 0 and the input spatial size {size} at "
            "least 1. Pass a non-negative output_size and a non-empty input."
        )
    return out


@dataclass(frozen=True)
class Window:
    """The geometry of one pooling call over the spatial axes of an (N, C, *L) input.

    Attributes:
        size: the spatial input shape L.
        kernel, stride, padding, dilation: one int per spatial axis.
        out: the output spatial shape.
        pad_after: right padding needed so that every window fits (≥ ``padding`` in ceil
            mode when the last window overhangs).
    """

    size: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    out: tuple[int, ...]
    pad_after: tuple[int, ...]

    @property
    def padded(self) -> bool:
        """Whether any window reaches outside the input."""
        return any(self.padding) or any(self.pad_after)

    @property
    def overlapping(self) -> bool:
        """Whether two windows can share an input entry (stride shorter than the extent)."""
        return any(s < d * (k - 1) + 1 for k, s, d in zip(self.kernel, self.stride, self.dilation))

    def padded_shape(self, lead: tuple[int, ...]) -> tuple[int, ...]:
        """The shape of the input padded on both sides: ``lead`` + (p + L + pad_after, ...)."""
        return lead + tuple(p + n + a for p, n, a in zip(self.padding, self.size, self.pad_after))

    def interior(self) -> tuple[slice, ...]:
        """The slices of the padded spatial axes that hold the input."""
        return tuple(slice(p, p + n) for p, n in zip(self.padding, self.size))

    def offsets(self) -> Iterator[tuple[int, ...]]:
        """Every kernel offset (j₁, …, j_d), row-major: the order ties are broken in."""
        return itertools.product(*[range(k) for k in self.kernel])

    def taps(self, offset: tuple[int, ...]) -> tuple[slice, ...]:
        """Strided slices of the padded spatial axes picking, for every output position, the
        entry at kernel ``offset`` of its window (a view: one slice per axis)."""
        return tuple(
            slice(j * d, j * d + (o - 1) * s + 1, s)
            for j, d, o, s in zip(offset, self.dilation, self.out, self.stride)
        )


def window_geometry(
    op: str,
    in_shape: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    ceil_mode: bool,
) -> Window:
    """The window geometry of a pooling op over the trailing ``len(kernel)`` axes of an input of
    shape ``in_shape``, with PyTorch's checks and output-size rule (module docstring).

    Raises:
        ShapeError: padding larger than half the kernel, or an output size below 1; the
            message names the op, the input shape, kernel/stride/padding/dilation and the
            computed size, and which argument to change.
    """
    size = tuple(in_shape[-len(kernel) :])
    shown = (
        f"input {tuple(in_shape)}, kernel_size={kernel}, stride={stride}, padding={padding}, "
        f"dilation={dilation}, ceil_mode={ceil_mode}"
    )
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ShapeError(
            f"{op}: padding must be at most half the kernel size ({shown}). Lower padding to at "
            f"most {tuple(k // 2 for k in kernel)} or enlarge kernel_size."
        )
    out, after = [], []
    for n, k, s, p, d in zip(size, kernel, stride, padding, dilation):
        extent = d * (k - 1) + 1
        span = n + 2 * p - extent
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + p:
            o -= 1
        out.append(o)
        after.append(max(0, (o - 1) * s + extent - n - p) if o > 0 else p)
    if any(o < 1 for o in out):
        raise ShapeError(
            f"{op}: the computed output size {tuple(out)} is too small ({shown}). Each window "
            "spans dilation*(kernel_size-1)+1 entries, more than the padded input holds: use a "
            "larger input, a smaller kernel_size or dilation, or more padding."
        )
    return Window(size, kernel, stride, padding, dilation, tuple(out), tuple(after))


def adaptive_bounds(n_in: int, n_out: int) -> tuple[list[int], list[int]]:
    """Start and end (exclusive) of the n_out adaptive windows over n_in entries, PyTorch's
    ``start = ⌊i·n_in/n_out⌋``, ``end = ⌈(i+1)·n_in/n_out⌉``: regions that scale with the input,
    the seeds' "pooling regions proportional to the input size" for variable-size inputs."""
    starts = [(i * n_in) // n_out for i in range(n_out)]
    ends = [-(-((i + 1) * n_in) // n_out) for i in range(n_out)]
    return starts, ends


def plane_strides(size: tuple[int, ...]) -> list[int]:
    """Row-major strides (in entries) of a spatial plane of shape ``size``."""
    return [math.prod(size[i + 1 :]) for i in range(len(size))]


def grid(xp: Any, vectors: list[Any]) -> Any:
    """Σᵢ vectors[i] broadcast along axis i: a (len(v₁), …, len(v_d)) integer array."""
    d = len(vectors)
    total = 0
    for i, v in enumerate(vectors):
        total = total + v.reshape((-1,) + (1,) * (d - 1 - i))
    return total
