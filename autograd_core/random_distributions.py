"""More of PyTorch's random creators: ``normal`` (every form), ``poisson``, ``binomial`` and
``randint_like``.

All draw from the project's generators (random.py): ``generator=`` or the default one that
``ac.manual_seed`` seeds, on the device of the result, so a seed makes them reproducible (on
each device; the streams are not PyTorch's). The results are samples, not differentiable
functions of the parameters: they never require grad (PyTorch gives ``normal`` and
``poisson`` gradients that are identically zero, and ``binomial``'s backward raises).
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.broadcast import broadcast_shapes
from autograd_core.creation import like, made, target_device
from autograd_core.creation_args import floating_dtype, shape_from_size
from autograd_core.creation_random import randint
from autograd_core.device import CPU, on_device, to_device
from autograd_core.errors import DTypeError
from autograd_core.ops.common import const
from autograd_core.random import Generator, device_rng
from autograd_core.tensor import Tensor

__all__ = ["normal", "poisson", "binomial", "randint_like"]


def _standard_normal(generator: Generator | None, shape: tuple[int, ...], dev: Any) -> Any:
    """float64 standard normal draws of ``shape`` on ``dev`` (the CPU for None)."""
    dev = CPU if dev is None else dev
    with on_device(dev):
        return device_rng(generator, dev).standard_normal(shape, dtype=numpy.float64)


def _check_std(std: Any) -> None:
    """Refuse a negative (or NaN) std, as PyTorch (one host copy of one bool)."""
    if std.size and bool(to_device((~(std >= 0)).any(), "cpu")):
        raise ValueError(
            "normal: std must be >= 0 everywhere, got a negative (or NaN) entry. Pass "
            "non-negative standard deviations."
        )


def normal(
    mean: Any,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of N(mean, std²), as ``torch.normal``: mean and std tensors broadcast against
    each other (one sample per entry of the broadcast shape); a tensor and a number give the
    tensor's shape; two numbers need ``size`` (then ``dtype`` and ``device`` apply, default
    float dtype). The result has the (promoted) floating dtype of the tensor arguments.

    Raises:
        ValueError: a negative std.
        DTypeError: a non-floating mean or std tensor.
        TypeError: two numbers without ``size``, or ``size`` with a tensor argument.

    Example:
        >>> import autograd_core as ac
        >>> _ = ac.manual_seed(0)
        >>> ac.normal(ac.zeros(2, 3), 1.0).shape, ac.normal(2.0, 0.5, size=(4,)).dtype
        ((2, 3), dtype('float32'))
    """
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError(
                "normal: with a number for both mean and std, pass size=(...) for the shape, "
                "or pass mean or std as a tensor."
            )
        shape, dt = shape_from_size((size,), "normal"), floating_dtype(dtype, "normal")
        dev = target_device(device)
        _check_std(numpy.asarray(float(std)))
        z = _standard_normal(generator, shape, dev)
        return made((float(mean) + float(std) * z).astype(dt, copy=False), dev, requires_grad)
    if size is not None:
        raise TypeError("normal: size is only for number mean and std; the tensor sets the shape.")
    for t in tensors:
        if t.dtype.kind != "f":
            raise DTypeError(
                f"normal: mean and std tensors must be floating, got dtype {t.dtype}. Convert "
                "with .float() or .double()."
            )
    first = tensors[0]
    xp = first.xp
    m = mean.data if isinstance(mean, Tensor) else xp.asarray(float(mean))
    s = std.data if isinstance(std, Tensor) else xp.asarray(float(std))
    _check_std(s)
    shape = broadcast_shapes(m.shape, s.shape, op="normal")
    dt = xp.result_type(*(t.dtype for t in tensors))
    z = _standard_normal(generator, shape, first.device)
    return const((m + s * z).astype(dt, copy=False))


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:  # noqa: A002
    """Samples of Poisson(rate) for each entry of the floating tensor ``input`` of rates, in
    its dtype and shape, as ``torch.poisson``. No gradient.

    Raises:
        DTypeError: a non-floating input.
        ValueError: a negative (or NaN) rate.

    Example:
        >>> import autograd_core as ac
        >>> ac.poisson(ac.zeros(3))
        tensor([0., 0., 0.])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"poisson: input must be a tensor of rates, got {type(input).__name__}.")
    if input.dtype.kind != "f":
        raise DTypeError(
            f"poisson: the rates must be floating, got dtype {input.dtype}. Use .float()."
        )
    rates = input.data
    if rates.size and bool(to_device((~(rates >= 0)).any(), "cpu")):
        raise ValueError("poisson: rates must be non-negative, got a negative (or NaN) rate.")
    with on_device(input.device):
        drawn = device_rng(generator, input.device).poisson(rates.astype(numpy.float64))
    return const(drawn.astype(input.dtype))


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Samples of Binomial(count, prob), the number of successes in ``count`` trials of
    probability ``prob``, for each entry of the broadcast floating tensors (``torch.binomial``):
    count's dtype, on its device. No gradient. A NaN probability gives NaN, as PyTorch.

    Raises:
        DTypeError: a non-floating tensor, or count and prob of different dtypes.
        ValueError: a count that is negative or not a whole number, or a probability outside
            [0, 1] (PyTorch returns some number for those; ours refuses).

    Example:
        >>> import autograd_core as ac
        >>> ac.binomial(ac.tensor([4.0, 0.0, 3.0]), ac.tensor([1.0, 0.5, 0.0]))
        tensor([4., 0., 0.])
    """
    if not isinstance(count, Tensor) or not isinstance(prob, Tensor):
        raise TypeError(
            f"binomial: count and prob must be tensors, got {type(count).__name__} and "
            f"{type(prob).__name__}. Wrap them with ac.tensor(...)."
        )
    if count.dtype.kind != "f" or count.dtype != prob.dtype:
        raise DTypeError(
            f"binomial: count and prob must be floating tensors of one dtype, got {count.dtype} "
            f"and {prob.dtype}. Use .float() (or .double()) on both."
        )
    shape = broadcast_shapes(count.shape, prob.shape)
    xp = count.xp
    n, p = xp.broadcast_to(count.data, shape), xp.broadcast_to(prob.data, shape)
    bad = ~((n >= 0) & (n == xp.floor(n)))
    if n.size and bool(to_device(bad.any(), "cpu")):
        raise ValueError(
            f"binomial: count must hold non-negative whole numbers of trials; got "
            f"{float(to_device(n[bad][0], 'cpu'))} (shape {tuple(count.shape)}). Round it with "
            "count.floor().clamp(min=0)."
        )
    nan = xp.isnan(p)
    bad = (p < 0) | (p > 1)
    if p.size and bool(to_device(bad.any(), "cpu")):
        raise ValueError(
            f"binomial: prob must lie in [0, 1] (or be NaN); got "
            f"{float(to_device(p[bad][0], 'cpu'))} (shape {tuple(prob.shape)}). Clamp it with "
            "prob.clamp(0, 1)."
        )
    trials, chances = n.astype(numpy.int64), xp.where(nan, 0.0, p).astype(numpy.float64)
    dev = count.device
    with on_device(dev):
        rng = device_rng(generator, dev)
        if xp is numpy:
            drawn = rng.binomial(trials, chances)
        else:  # (CuPy's Generator has no binomial: the host draws, seeded by the device's)
            seed = int(to_device(rng.integers(0, 2**62, size=1), "cpu")[0])
            host = numpy.random.default_rng(seed)
            drawn = to_device(
                host.binomial(to_device(trials, "cpu"), to_device(chances, "cpu")), dev
            )
    return const(xp.where(nan, xp.nan, drawn).astype(count.dtype))


def randint_like(
    input: Tensor,  # noqa: A002  (PyTorch's name)
    low: int = 0,
    high: int | None = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Integers drawn uniformly from [low, high) with ``input``'s shape, and its dtype and
    device unless given, as ``torch.randint_like``: ``randint_like(x, high)`` starts at 0.
    A floating dtype holds the integer values.

    Raises:
        ValueError: low >= high.

    Example:
        >>> import autograd_core as ac
        >>> ac.randint_like(ac.zeros(2, 3), 1).tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    if high is None:
        low, high = 0, low
    shape, dt, dev = like(input, dtype, device)
    drawn = randint(low, high, size=shape, generator=generator, device=dev)
    return made(drawn.data.astype(dt, copy=False), target_device(drawn.device), requires_grad)
