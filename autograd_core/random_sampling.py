"""Random permutations and discrete samples: randperm, multinomial and bernoulli.

All draw from the project's generators (random.py): ``generator=`` or the default one that
``ac.manual_seed`` seeds, on the device of the tensor they sample from, so a seed makes them
reproducible (on each device; the streams are not PyTorch's). Results are samples, not
functions of the inputs, so none has a gradient.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy

from autograd_core.creation import made, target_device
from autograd_core.device import on_device, to_device
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.common import const, lift
from autograd_core.ops.sorting import stable_order
from autograd_core.random import Generator, device_rng, rng_of
from autograd_core.tensor import Tensor

__all__ = ["randperm", "multinomial", "bernoulli"]


def _count(name: str, what: str, n: Any) -> int:
    if isinstance(n, bool) or not hasattr(n, "__index__"):
        raise TypeError(f"{name}: {what} must be an int, got {n!r}.")
    return operator.index(n)


def _holds(dtype: numpy.dtype, n: int) -> bool:
    """Whether ``dtype`` holds 0, …, n − 1 exactly."""
    if dtype.kind == "f":
        return n <= 2 ** (numpy.finfo(dtype).nmant + 1) + 1
    return n - 1 <= numpy.iinfo(dtype).max


def randperm(
    n: int,
    *,
    generator: Generator | None = None,
    dtype: Any = numpy.int64,
    device: Any = None,
) -> Tensor:
    """A random permutation of 0, …, n − 1, as ``torch.randperm`` (int64 unless ``dtype``
    says otherwise; every permutation equally likely).

    Raises:
        TypeError: ``n`` not an int.
        ValueError: ``n`` negative, or too large for ``dtype``.
        DTypeError: ``dtype`` bool.

    Example:
        >>> import autograd_core as ac
        >>> sorted(ac.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    n = _count("randperm", "n", n)
    dt = numpy.dtype(dtype)
    if n < 0:
        raise ValueError(f"randperm: n must be >= 0, got {n}.")
    if dt.kind not in "iuf":
        raise DTypeError(f"randperm: dtype must be an integer or floating dtype, got {dt}.")
    if not _holds(dt, n):
        raise ValueError(f"randperm: n={n} is too large for dtype {dt}. Use dtype=ac.int64.")
    dev = target_device(device)
    if dev is None:
        arr = rng_of(generator).permutation(n).astype(dt)
    else:  # on the device: the order of n uniform draws (ties have probability ~2⁻⁵³)
        with on_device(dev):
            arr = device_rng(generator, dev).random(n).argsort().astype(dt)
    return made(arr, dev, False)


def _check_probabilities(name: str, p: Any) -> None:
    """Refuse NaN, inf and negative probabilities (one host copy of one bool)."""
    xp = p.xp
    if p.data.size and bool(to_device((~xp.isfinite(p.data) | (p.data < 0)).any(), "cpu")):
        raise ValueError(
            f"{name}: the probabilities (shape {tuple(p.shape)}) contain inf, NaN or a negative "
            "entry. Pass finite, non-negative weights (they need not sum to 1)."
        )


def multinomial(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Generator | None = None,
) -> Tensor:
    """Draw ``num_samples`` category indices from each row of non-negative weights, as
    ``torch.multinomial``: category k has probability input[k] / sum(input) (weights need not
    be normalised).

    ``input`` is 1-D (one distribution; the result has shape (num_samples,)) or 2-D (one per
    row; shape (rows, num_samples)). Without ``replacement`` a category is drawn at most once
    per row, in the order sequential draws would give (zero-weight categories come last, so
    ``num_samples`` may reach the number of categories). int64 indices, no gradient.

    Raises:
        ShapeError: ``input`` not 1-D or 2-D.
        DTypeError: ``input`` not floating.
        ValueError: ``num_samples`` < 1, more samples than categories without replacement,
            weights with inf, NaN or a negative entry, or a row summing to 0.

    Example:
        >>> import autograd_core as ac
        >>> ac.multinomial(ac.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
        tensor([1, 1])
    """
    p = lift(input)
    n = _count("multinomial", "num_samples", num_samples)
    if p.ndim not in (1, 2):
        raise ShapeError(
            f"multinomial: input must be 1-D (one distribution) or 2-D (one per row), got shape "
            f"{tuple(p.shape)}. Reshape it to (rows, categories)."
        )
    if p.dtype.kind != "f":
        raise DTypeError(
            f"multinomial: input must be floating, got dtype {p.dtype}. Convert with .float()."
        )
    if n < 1:
        raise ValueError(f"multinomial: num_samples must be >= 1, got {n}.")
    k = p.shape[-1]
    if not replacement and n > k:
        raise ValueError(
            f"multinomial: {n} samples without replacement from {k} categories; pass "
            f"num_samples <= {k}, or replacement=True."
        )
    _check_probabilities("multinomial", p)
    xp = p.xp
    rows = p.data.reshape(math.prod(p.shape[:-1]), k).astype(xp.float64)
    total = rows.sum(axis=1)
    if rows.shape[0] and bool(to_device((total <= 0).any(), "cpu")):
        raise ValueError(
            "multinomial: a row of input sums to 0, so it is not a distribution. Give every row "
            "a positive weight."
        )
    with on_device(p.device):
        rng = device_rng(generator, p.device)
        if replacement:
            # inverse CDF: the first category whose cumulative weight exceeds u · total
            u = rng.random((rows.shape[0], n))
            cdf = xp.cumsum(rows, axis=1)
            out = xp.empty((rows.shape[0], n), xp.int64)
            last = k - 1 - xp.argmax(rows[:, ::-1] > 0, axis=1)  # the last positive category
            for r in range(rows.shape[0]):
                picked = xp.searchsorted(cdf[r], u[r] * total[r], side="right")
                out[r] = xp.minimum(picked, last[r])  # u · total rounded up to total
        else:
            # exponential races: category k finishes at E_k / p_k; the first n to finish are
            # distributed as n sequential draws without replacement (zero weights never finish)
            with numpy.errstate(divide="ignore"):
                keys = -xp.log1p(-rng.random(rows.shape)) / rows
            out = stable_order(xp, keys, 1, False)[:, :n]
    return const(out.reshape(p.shape[:-1] + (n,)))


def bernoulli(
    input: Any,  # noqa: A002  (PyTorch's name)
    p: float | None = None,
    *,
    generator: Generator | None = None,
) -> Tensor:
    """0/1 samples, 1 with probability ``input[i]`` (or ``p`` for every entry when given), as
    ``torch.bernoulli``; the result has ``input``'s shape and dtype. No gradient (PyTorch
    records a zero one).

    Raises:
        DTypeError: without ``p``, ``input`` not floating.
        ValueError: a probability outside [0, 1] (or NaN).

    Example:
        >>> import autograd_core as ac
        >>> ac.bernoulli(ac.tensor([0.0, 1.0, 1.0]))
        tensor([0., 1., 1.])
    """
    x = lift(input)
    if p is None:
        if x.dtype.kind != "f":
            raise DTypeError(
                f"bernoulli: input holds the probabilities and must be floating, got dtype "
                f"{x.dtype}. Convert with .float(), or pass p=."
            )
        prob = x.data
        if prob.size and bool(to_device(~((prob >= 0) & (prob <= 1)).all(), "cpu")):
            raise ValueError(
                f"bernoulli: the probabilities in input (shape {tuple(x.shape)}) must lie in "
                "[0, 1]; some are outside (or NaN). Clamp them: input.clamp(0, 1)."
            )
    else:
        if not 0 <= p <= 1:
            raise ValueError(f"bernoulli: p must be in [0, 1], got {p!r}.")
        prob = p
    return const(bernoulli_draw(x, prob, generator))


def bernoulli_draw(x: Tensor, prob: Any, generator: Generator | None) -> Any:
    """1 where a uniform draw falls below ``prob``, else 0, of x's shape and dtype."""
    with on_device(x.device):
        u = device_rng(generator, x.device).random(x.shape)
        return (u < prob).astype(x.dtype)
