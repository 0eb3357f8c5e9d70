"""In-place random fills (``exponential_``, ``cauchy_``, ``log_normal_``, ``geometric_``,
``random_``) and the Python maps ``apply_``/``map_``, with PyTorch's rules.

The fills draw from ``generator`` (or the default one) as ``normal_`` and ``uniform_`` do
(inplace.py), on the host, and write the draws into the tensor's memory: views of it see them.
Like those, a fill is refused on a tensor that requires grad while gradients are recorded
(deliberate difference: PyTorch records it on a non-leaf, with a zero gradient; a leaf is
refused by both). ``apply_``/``map_`` call a Python function once per element, in row-major
order, on the CPU only, and refuse a tensor that requires grad in any grad mode, as PyTorch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy

from autograd_core.errors import DeviceError, DTypeError, GraphError, ShapeError
from autograd_core.grad_mode import MODE
from autograd_core.inplace import write_in_place
from autograd_core.inplace_views import refuse_marked_view
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor
from autograd_core.version import WRITES, mark_written, refuse_stale

__all__ = ["FILL_METHODS"]


def _fill(name: str, x: Tensor, draw: Callable[[numpy.random.Generator], Any], g: Any) -> Tensor:
    """Write ``draw(rng)`` (a host array of x's shape) into x, with the refusals of the
    module docstring, and count the write on the buffer's clock."""
    if MODE.enabled:
        if WRITES.recorded:
            refuse_stale(name, x)
        refuse_marked_view(name, x, False)
        if x.requires_grad:
            raise GraphError(
                f"{name}: refilling a tensor that requires grad (shape {tuple(x.shape)}, "
                f"{'produced by ' + x.node.label if x.node else 'a leaf'}) while gradients "
                "are recorded would cut its gradient. Fill it under ac.no_grad(), or make a "
                "new tensor (ac.empty_like(x).exponential_())."
            )
    value = x.xp.asarray(numpy.asarray(draw(rng_of(g))).astype(x.dtype, copy=False))
    return write_in_place(name, x, lambda: value)


def _floating(name: str, x: Tensor, what: str) -> None:
    if x.dtype.kind != "f":
        raise DTypeError(
            f"{name}: the {what} distribution is continuous; the tensor's dtype must be a "
            f"floating-point one, got {x.dtype}. Fill a float tensor and cast it."
        )


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with samples of the exponential distribution of rate ``lambd`` (density
    λ·e^(−λx), mean 1/λ), in place.

    Example:
        >>> import autograd_core as ac
        >>> bool((ac.empty(100).exponential_(2.0) >= 0).all())
        True
    """
    _floating("exponential_", self, "exponential")
    if not lambd > 0:
        raise ValueError(f"exponential_: expects lambda > 0.0, but found lambda={lambd}.")
    return _fill("exponential_", self, lambda r: r.exponential(1.0 / lambd, self.shape), generator)


def cauchy_(
    self: Tensor, median: float = 0.0, sigma: float = 1.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of the Cauchy distribution (density
    1 / (πσ (1 + ((x − median)/σ)²))), in place."""
    _floating("cauchy_", self, "Cauchy")
    if not sigma > 0:
        raise ValueError(f"cauchy_: expects sigma > 0.0, but found sigma={sigma}.")
    return _fill(
        "cauchy_", self, lambda r: median + sigma * r.standard_cauchy(self.shape), generator
    )


def log_normal_(
    self: Tensor, mean: float = 1.0, std: float = 2.0, *, generator: Generator | None = None
) -> Tensor:
    """Fill with samples of exp(N(mean, std²)) (the log-normal distribution), in place."""
    _floating("log_normal_", self, "log-normal")
    if not std > 0:
        raise ValueError(f"log_normal_: expects std > 0.0, but found std={std}.")
    return _fill("log_normal_", self, lambda r: r.lognormal(mean, std, self.shape), generator)


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with the number of Bernoulli(p) trials up to the first success (1, 2, ...; mean
    1/p), in place; float and integer dtypes, as PyTorch (not bool)."""
    if self.dtype.kind not in "fiu":
        raise DTypeError(f"geometric_: not implemented for dtype {self.dtype} (as PyTorch).")
    if not 0 < p < 1:
        raise ValueError(f"geometric_: expects p to be in (0, 1), but got p={p}.")
    return _fill("geometric_", self, lambda r: r.geometric(p, self.shape), generator)


def _bounds(dtype: numpy.dtype) -> tuple[int, int]:
    """The integers ``random_`` may draw for ``dtype`` without arguments: [0, 2^digits] for a
    float (every integer there is exact), the dtype's range from 0 for an integer one."""
    if dtype.kind == "f":
        return 0, 2 ** (numpy.finfo(dtype).nmant + 1)
    if dtype.kind == "b":
        return 0, 1
    return 0, int(numpy.iinfo(dtype).max)


def random_(self: Tensor, *args: Any, generator: Generator | None = None, **kw: Any) -> Tensor:
    """Fill with integers drawn uniformly from [from, to − 1], in place (``random_(to)``,
    ``random_(from, to)``, ``random_(from, None)``, or ``random_()``: [0, 2^digits] for a
    float dtype, so that every value is exact, [0, max] for an integer one, {0, 1} for bool).

    Raises:
        ValueError: from >= to, or a bound outside an integer dtype's range (for a float
            dtype beyond ±2^digits, a warning, as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> sorted(set(ac.zeros(200, dtype=ac.int64).random_(3, 5).tolist()))
        [3, 4]
    """
    lo, hi = _random_range(self.dtype, args, kw)
    kind = numpy.uint64 if self.dtype == numpy.uint64 else numpy.int64
    return _fill(
        "random_",
        self,
        lambda r: r.integers(lo, hi, size=self.shape, dtype=kind, endpoint=True),
        generator,
    )


def _random_range(dtype: numpy.dtype, args: tuple, kw: dict) -> tuple[int, int]:
    """random_'s inclusive range [from, to − 1] from its arguments, checked as PyTorch."""
    named = dict(zip(("from", "to"), args))
    if len(args) > 2 or set(kw) - {"from", "to"} or set(named) & set(kw):
        raise TypeError(
            f"random_: takes random_(to), random_(from, to), random_(from, None) or "
            f"random_(), got {len(args)} positional argument(s) and keywords {sorted(kw)}."
        )
    if len(args) == 1 and not kw:  # random_(to)
        named = {"to": args[0]}
    named.update(kw)
    start, stop = named.get("from", 0), named.get("to")
    for v in (start, stop):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, numpy.integer))):
            raise TypeError(f"random_: from and to must be ints, got {v!r}.")
    lo, top = int(start), (_bounds(dtype)[1] if stop is None else int(stop) - 1)
    if stop is not None and lo >= int(stop):
        raise ValueError(
            f"random_: expects 'from' to be less than 'to', but got from={lo} >= to={stop}."
        )
    if stop is None and lo > top:
        raise ValueError(f"random_: from={lo} lies above the largest value {top} of {dtype}.")
    _check_range(dtype, lo, top)
    return lo, top


def _check_range(dtype: numpy.dtype, lo: int, top: int) -> None:
    if dtype.kind == "f":
        limit = 2 ** (numpy.finfo(dtype).nmant + 1)
        for what, v in (("from", lo), ("to - 1", top)):
            if not -limit <= v <= limit:
                warnings.warn(
                    f"random_: {what} is out of bounds [-(2^{limit.bit_length() - 1}), "
                    f"2^{limit.bit_length() - 1}]: {dtype} represents every integer only "
                    "within it, so the draws are rounded (PyTorch warns too).",
                    UserWarning,
                    stacklevel=4,
                )
        return
    low, high = (0, 1) if dtype.kind == "b" else (numpy.iinfo(dtype).min, numpy.iinfo(dtype).max)
    for what, v in (("from", lo), ("to - 1", top)):
        if not low <= v <= high:
            raise ValueError(
                f"random_: {what} = {v} is out of bounds for {dtype} ([{low}, {high}])."
            )


def map2_(
    self: Tensor,
    x: Tensor,
    y: Tensor,
    callable: Callable[[Any, Any, Any], Any],  # noqa: A002
) -> Tensor:
    """Replace each element a by ``callable(a, b, c)``, b and c the matching elements of
    ``x`` and ``y`` (this dtype, broadcast to this shape), in place. CPU only."""
    others = [_other("map2_", self, t) for t in (x, y)]
    _refuse_map("map2_", self, x, y)
    rows = zip(self.data.ravel().tolist(), *[o.ravel().tolist() for o in others], strict=True)
    return _store("map2_", self, [callable(a, b, c) for a, b, c in rows])


def _other(name: str, x: Tensor, t: Any) -> Any:
    """``t``'s array broadcast to x's shape, after the checks of map_ (type, dtype, shape)."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{name}: the other operands must be Tensors, not {type(t).__name__}.")
    if t.dtype != x.dtype:
        raise TypeError(
            f"{name}: expected the other tensors in this tensor's dtype {x.dtype}, got {t.dtype}."
        )
    try:
        return numpy.broadcast_to(t.data, x.shape)
    except ValueError:
        raise ShapeError(
            f"{name}: an operand of shape {tuple(t.shape)} does not broadcast to this "
            f"tensor's shape {tuple(x.shape)}."
        ) from None


callable_ = callable  # (the builtin, which apply_'s argument name shadows)


def _refuse_map(name: str, *tensors: Tensor) -> None:
    for t in tensors:
        if t.requires_grad:
            raise GraphError(
                f"{name}: a tensor that requires grad (shape {tuple(t.shape)}) cannot be "
                "changed by a Python function: the function has no gradient (refused in every "
                f"grad mode, as PyTorch). Use x.detach().{name}(...), or build the function "
                "from ops."
            )
        if t.device.type != "cpu":
            raise DeviceError(f"{name}: only CPU tensors (as PyTorch); this one is on {t.device}.")


def _store(name: str, x: Tensor, results: list[Any]) -> Tensor:
    """Write the function's ``results`` (row-major) into x, each converted to x's dtype."""
    number = (int, float, numpy.number, numpy.bool_)
    bad = [v for v in results if not isinstance(v, number)]
    if bad:
        raise TypeError(
            f"{name}: the function must return a real number, got {type(bad[0]).__name__} "
            f"({bad[0]!r})."
        )
    if x.dtype.kind in "iu":
        info = numpy.iinfo(x.dtype)
        over = next((v for v in results if not info.min <= int(v) <= info.max), None)
        if over is not None:
            raise ValueError(
                f"{name}: the value {over!r} cannot be converted to {x.dtype} without overflow."
            )
        results = [int(v) for v in results]
    with numpy.errstate(over="ignore"):
        x.data[...] = numpy.array(results, dtype=object).astype(x.dtype).reshape(x.shape)
    mark_written(x.data)
    return x


def apply_(self: Tensor, callable: Callable[[Any], Any]) -> Tensor:  # noqa: A002
    """Replace each element v by ``callable(v)`` (a Python float, int or bool, in row-major
    order), in place; the results are converted to the tensor's dtype (a float to an int
    dtype by truncation). CPU only; slow: for code that is not performance-critical.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([1.0, 2.0]).apply_(lambda v: v * 10)
        tensor([10., 20.])
    """
    _refuse_map("apply_", self)
    if not callable_(callable):
        raise TypeError(f"apply_: expects a callable, got {type(callable).__name__}.")
    return _store("apply_", self, [callable(v) for v in self.data.ravel().tolist()])


def map_(self: Tensor, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:  # noqa: A002
    """Replace each element a by ``callable(a, b)``, b the matching element of ``tensor``
    (same dtype, broadcast to this tensor's shape), in place. CPU only.

    Example:
        >>> import autograd_core as ac
        >>> ac.tensor([[1.0, 2.0]]).map_(ac.tensor([10.0]), lambda a, b: a + b)
        tensor([[11., 12.]])
    """
    other = _other("map_", self, tensor)
    _refuse_map("map_", self, tensor)
    pairs = zip(self.data.ravel().tolist(), other.ravel().tolist(), strict=True)
    return _store("map_", self, [callable(a, b) for a, b in pairs])


FILL_METHODS: dict[str, Any] = {
    "exponential_": exponential_,
    "cauchy_": cauchy_,
    "log_normal_": log_normal_,
    "geometric_": geometric_,
    "random_": random_,
    "apply_": apply_,
    "map_": map_,
    "map2_": map2_,
}
