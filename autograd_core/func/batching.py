"""``vmap``: ``torch.vmap``'s semantics by mapping over the batch dimension and stacking.

PyTorch batches each op with a batching rule, so ``vmap(f)(x)`` runs one batched op per op of
``f``. Writing such a rule for every op is out of scope here: ``vmap`` calls ``f`` once per
sample, on slices that ``unbind`` cuts (one op, whose backward is one ``stack``), and ``stack``s
the results. The values, the shapes, the errors and the gradients are PyTorch's; the speed is
that of a Python loop.
"""

from __future__ import annotations

import functools
import numbers
import operator
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from autograd_core.device import Device
from autograd_core.errors import ShapeError
from autograd_core.func.levels import func_name
from autograd_core.func.pytree import broadcast_prefix, tree_flatten, tree_unflatten
from autograd_core.random import Generator, watching_draws
from autograd_core.tensor import Tensor

__all__ = ["vmap", "DrawRule", "check_randomness", "check_chunk_size"]

RANDOMNESS = ("error", "different", "same")


def check_randomness(randomness: Any) -> None:
    """Refuse a ``randomness`` that is not one of PyTorch's three."""
    if randomness not in RANDOMNESS:
        raise ValueError(
            f"vmap: randomness must be 'error', 'different' or 'same', got {randomness!r}."
        )


def check_chunk_size(chunk_size: Any, api: str) -> None:
    """Refuse a ``chunk_size`` that PyTorch refuses, with its exception types: ValueError for a
    number that is not > 0 (also False, 0.0, NaN), TypeError for anything else that is not an
    integer (True, a float > 0, a str). PyTorch raises the TypeError for True or a float only
    when the transform is first called; here both come when it is built. Integers of any kind
    (``operator.index``: NumPy's, a one-element integer Tensor) are accepted."""
    if chunk_size is None:
        return
    try:
        n = operator.index(chunk_size)
    except TypeError:
        n = None
    if (n is not None and n <= 0) or (
        n is None and isinstance(chunk_size, numbers.Real) and not chunk_size > 0
    ):
        raise ValueError(
            f"{api}: chunk_size must be None or greater than 0, got {chunk_size!r}. Pass a "
            "positive int, or None."
        )
    if n is None or isinstance(chunk_size, bool):
        raise TypeError(
            f"{api}: chunk_size must be None or an int, got {type(chunk_size).__name__} "
            f"{chunk_size!r}. Pass a positive int, or None."
        )


class DrawRule:
    """What a random draw inside one vmap call does (``random.watching_draws`` reports each):
    ``"error"`` refuses it; ``"different"`` lets each sample draw its own numbers (what a loop
    does anyway); ``"same"`` marks each stream at its first draw and, through ``rewind``
    before each later sample, replays it, so every sample draws the same numbers.
    """

    def __init__(self, randomness: str, api: str = "vmap") -> None:
        self.randomness = randomness
        self.api = api
        self.marks: dict[tuple[int, Device], tuple[Generator, Device, Any]] = {}

    def __call__(self, generator: Generator, device: Device) -> None:
        if self.randomness == "error":
            raise RuntimeError(
                f"{self.api}: the function drew random numbers while randomness='error'. Pass "
                "randomness='different' (each sample draws its own) or 'same' (all samples "
                "share one draw), or draw them outside the transform and pass them in."
            )
        key = (id(generator), device)
        if self.randomness == "same" and key not in self.marks:
            self.marks[key] = (generator, device, generator.mark_stream(device))

    def watching(self) -> Any:
        """The context in which draws are reported to this rule ("different" needs none)."""
        return nullcontext() if self.randomness == "different" else watching_draws(self)

    def rewind(self) -> None:
        """Return every stream drawn from so far to its mark ("same")."""
        for generator, device, mark in self.marks.values():
            generator.replay_stream(device, mark)


def vmap(
    func: Callable[..., Any],
    in_dims: Any = 0,
    out_dims: Any = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """``func`` mapped over a batch dimension of its inputs (``torch.vmap``).

    Args:
        func: takes the per-sample inputs; returns Tensors (or tuples, lists, dicts of them).
        in_dims: where the batch dimension of each input is: an int for all, or a tuple with
            one entry per positional argument, nested like the argument (an int, or None for
            an argument passed whole to every sample). Keyword arguments are never mapped.
        out_dims: where to put the batch dimension in each output, the same way (None: an
            output that does not depend on the sample, returned as is).
        randomness: ``"error"`` (a random draw inside raises), ``"different"`` (each sample
            draws its own numbers) or ``"same"`` (every sample gets the same numbers).
        chunk_size: None or a positive int, refused as PyTorch refuses it (ValueError for 0
            or less, TypeError for a non-integer; here when ``vmap`` is called, where PyTorch
            raises for a float only at the first call). It changes nothing: in PyTorch it
            bounds how many samples each batched op computes at once (``chunk_size=1`` being a
            for-loop), trading speed for memory. This vmap is that loop for any value: each op
            sees one sample, and all samples' outputs are kept until stacked, as PyTorch keeps
            all chunks' until concatenated. Nor do random draws change: ``"same"`` replays the
            streams for each sample as PyTorch restores its RNG state for each chunk. With a
            chunk_size PyTorch 2.13 fails on an empty batch and on an ``out_dims=None``
            output; here both work as without one.

    Differences from PyTorch: a loop over samples, with PyTorch's results at a loop's speed;
    an out_dims None output is recognised as unbatched by being equal for all samples; for a
    batch of size 0, ``func`` runs once on zeros to learn the outputs' shapes.

    Example:
        >>> import autograd_core as ac
        >>> x, w = ac.ones(3, 2), ac.tensor([1.0, 2.0])
        >>> ac.vmap(lambda row, v: (row * v).sum(), in_dims=(0, None))(x, w)
        tensor([3., 3., 3.])
    """
    check_randomness(randomness)
    check_chunk_size(chunk_size, "vmap")

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return _vmap_call(func, in_dims, out_dims, randomness, args, kwargs)

    return wrapped


def _vmap_call(
    func: Callable[..., Any],
    in_dims: Any,
    out_dims: Any,
    randomness: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    name = func_name(func)
    _check_out_dims(out_dims, name)
    flat, dims, spec = _mapped_inputs(func, in_dims, args)
    size = _batch_size(flat, dims)
    rule = DrawRule(randomness)
    results = []
    with rule.watching():
        if size == 0:
            sample = [a if d is None else _empty_sample(a, d) for a, d in zip(flat, dims)]
            results.append(func(*tree_unflatten(sample, spec), **kwargs))
        else:
            pieces = [None if d is None else a.unbind(d) for a, d in zip(flat, dims)]
            for i in range(size):
                if i:
                    rule.rewind()
                sample = [a if p is None else p[i] for a, p in zip(flat, pieces)]
                results.append(func(*tree_unflatten(sample, spec), **kwargs))
    return _stacked(results, out_dims, size, name)


def _mapped_inputs(func: Any, in_dims: Any, args: tuple[Any, ...]) -> tuple[list, list, Any]:
    """The flat arguments, the in_dim of each (normalised, None where unmapped) and the spec."""
    name = func_name(func)
    call = f"vmap({name}, in_dims={in_dims!r}, ...)(<inputs>)"
    if isinstance(in_dims, bool) or not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"{call}: in_dims must be an int or a tuple (nested like the inputs), got "
            f"{type(in_dims).__name__}."
        )
    if not args:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs; vmap maps over the positional arguments, "
            "so the function needs at least one."
        )
    flat, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, spec)
    if dims is None:
        raise ValueError(
            f"{call}: in_dims does not fit the inputs: in_dims is {tree_flatten(in_dims)[1]} "
            f"but the inputs are {spec}. Give one entry per argument, nested like it."
        )
    for i, (a, d) in enumerate(zip(flat, dims)):
        if d is None:
            continue
        if isinstance(d, bool) or not isinstance(d, int):
            raise ValueError(f"{call}: got in_dim={d!r}; each in_dim must be an int or None.")
        if not isinstance(a, Tensor):
            raise ValueError(
                f"{call}: got in_dim={d} for an input of type {type(a).__name__}; only Tensors "
                "can be mapped over. Use None as its in_dim."
            )
        if not -a.ndim <= d < a.ndim:
            raise ValueError(
                f"{call}: got in_dim={d} for an input of {a.ndim} dimension(s) (shape "
                f"{tuple(a.shape)}); it must satisfy -{a.ndim} <= in_dim < {a.ndim}."
            )
        dims[i] = d % a.ndim
    return flat, dims, spec


def _batch_size(flat: list[Any], dims: list[int | None]) -> int:
    sizes = [a.shape[d] for a, d in zip(flat, dims) if d is not None]
    if not sizes:
        raise ValueError(
            "vmap: no input is mapped over (every in_dim is None); give at least one Tensor "
            "an int in_dim."
        )
    if any(s != sizes[0] for s in sizes):
        raise ShapeError(
            f"vmap: the mapped inputs must all have the same size in their mapped dimension, "
            f"got sizes {sizes}."
        )
    return sizes[0]


def _empty_sample(a: Tensor, d: int) -> Tensor:
    """Zeros shaped like one sample of ``a`` (which has none), still connected to ``a``."""
    if a.dtype.kind == "f":
        return a.narrow(d, 0, 0).sum(d)
    return a.new_zeros(a.shape[:d] + a.shape[d + 1 :])


def _check_out_dims(out_dims: Any, name: str) -> None:
    leaves = [out_dims] if isinstance(out_dims, int) else tree_flatten(out_dims)[0]
    if any(isinstance(d, bool) or not isinstance(d, int) for d in leaves):
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims!r}): out_dims must be an int, None, or a "
            "tuple/list/dict of them saying where each output's batch dimension goes."
        )


def _stacked(results: list[Any], out_dims: Any, size: int, name: str) -> Any:
    flat0, spec = tree_flatten(results[0])
    columns = [[x] for x in flat0]
    for i, r in enumerate(results[1:], start=1):
        flat, s = tree_flatten(r)
        if s != spec:
            raise ValueError(
                f"vmap({name}, ...): the function returned {s} for sample {i} but {spec} for "
                "sample 0; it must return the same structure for every sample."
            )
        for column, x in zip(columns, flat):
            column.append(x)
    if spec.is_leaf() and isinstance(out_dims, tuple) and len(out_dims) == 1:
        flat_dims: list[Any] | None = list(out_dims)
    elif spec.is_leaf() and (out_dims is None or isinstance(out_dims, int)):
        flat_dims = [out_dims]
    else:
        flat_dims = broadcast_prefix(out_dims, spec)
    if flat_dims is None:
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims!r}): out_dims does not fit the outputs: "
            f"out_dims is {tree_flatten(out_dims)[1]} but the outputs are {spec}."
        )
    joined = [_joined(k, c, d, size, name) for k, (c, d) in enumerate(zip(columns, flat_dims))]
    return tree_unflatten(joined, spec)


def _joined(k: int, column: list[Any], d: int | None, size: int, name: str) -> Any:
    """Output ``k`` of every sample, joined along out_dim ``d``."""
    from autograd_core.ops import stack

    first = column[0]
    if d is None:
        if all(_same(first, x) for x in column[1:]):
            return first
        raise ValueError(
            f"vmap({name}, ...): output {k} differs from sample to sample, so it is batched, "
            "but its out_dim is None. Give it an int out_dim."
        )
    for x in column:
        if not isinstance(x, Tensor):
            raise ValueError(
                f"vmap({name}, ...): output {k} is a {type(x).__name__}; only Tensors can be "
                "stacked along a batch dimension. Give it out_dim None to return it as is."
            )
        if x.shape != first.shape:
            raise ShapeError(
                f"vmap({name}, ...): output {k} has shape {tuple(x.shape)} for one sample and "
                f"{tuple(first.shape)} for sample 0; each output must have one shape."
            )
    r = first.ndim
    if not -(r + 1) <= d <= r:
        raise IndexError(
            f"vmap({name}, ...): out_dim={d} for output {k}, which has {r + 1} dimension(s) "
            f"with the batch one; out_dim must be in [-{r + 1}, {r}]."
        )
    out = stack(column, dim=d)
    return out.narrow(d, 0, 0) if size == 0 else out


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return isinstance(a, Tensor) and isinstance(b, Tensor) and a.equal(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
