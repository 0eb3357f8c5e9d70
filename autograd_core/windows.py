r"""Spectral window functions as PyTorch's: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``.

Each is a length-``L`` tensor over n = 0 … L − 1 with N = L + 1 when ``periodic`` (the default:
the first L points of a symmetric window of L + 1, the form spectral analysis wants) and N = L
otherwise; L = 0 gives an empty tensor and L = 1 gives ``[1.]``. Values are computed in float64
on the host and rounded once to ``dtype``; PyTorch computes in ``dtype`` itself, so float16 and
float32 windows can differ from ours in the last place (torch's float16 Hann window of 3 points
has 0.7505 where ours has the exact 0.75).
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core import dtypes
from autograd_core.creation import tensor
from autograd_core.errors import DTypeError
from autograd_core.tensor import Tensor

__all__ = [
    "hann_window",
    "hamming_window",
    "blackman_window",
    "bartlett_window",
    "kaiser_window",
]


def _positions(name: str, window_length: int, periodic: bool, dtype: Any) -> tuple[Any, int]:
    """(n as float64, N) after checking the arguments as PyTorch does."""
    if isinstance(window_length, bool) or not isinstance(window_length, (int, numpy.integer)):
        raise TypeError(
            f"{name}: window_length must be an int, got {type(window_length).__name__}."
        )
    if window_length < 0:
        raise ValueError(
            f"{name} requires non-negative window_length, got window_length={window_length}."
        )
    dt = numpy.dtype(dtypes.get_default_dtype() if dtype is None else dtype)
    if dt.kind != "f":
        raise DTypeError(
            f"{name} expects floating point dtypes, got {dt}. Pass dtype=ac.float32 or "
            "ac.float64 and convert afterwards."
        )
    n = numpy.arange(int(window_length), dtype=numpy.float64)
    return n, int(window_length) + 1 if periodic else int(window_length)


def _finish(
    values: Any, window_length: int, dtype: Any, device: Any, requires_grad: bool
) -> Tensor:
    if window_length == 1:
        values = numpy.ones(1)
    dt = dtypes.get_default_dtype() if dtype is None else dtype
    return tensor(values, dtype=dt, device=device, requires_grad=requires_grad)


def _cosine_sum(
    name: str,
    window_length: int,
    periodic: bool,
    coefficients: tuple[float, ...],
    dtype: Any,
    device: Any,
    requires_grad: bool,
) -> Tensor:
    """Σ_k (−1)^k a_k cos(2πkn/(N − 1)): the generalised cosine window."""
    n, N = _positions(name, window_length, periodic, dtype)
    phase = 2.0 * numpy.pi * n / max(N - 1, 1)
    values = sum((-1) ** k * a * numpy.cos(k * phase) for k, a in enumerate(coefficients))
    return _finish(values, window_length, dtype, device, requires_grad)


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    r"""The Hann window, w[n] = 0.5 − 0.5 cos(2πn / (N − 1)) (see the module docstring for N).

    Example:
        >>> import autograd_core as ac
        >>> ac.hann_window(4)
        tensor([0. , 0.5, 1. , 0.5])
    """
    return _cosine_sum(
        "hann_window", window_length, periodic, (0.5, 0.5), dtype, device, requires_grad
    )


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    r"""The Hamming window, w[n] = α − β cos(2πn / (N − 1)), α = 0.54 and β = 0.46 by default.

    Example:
        >>> import autograd_core as ac
        >>> ac.hamming_window(3, False, dtype=ac.float64)
        tensor([0.08, 1.  , 0.08], dtype=float64)
    """
    return _cosine_sum(
        "hamming_window",
        window_length,
        periodic,
        (float(alpha), float(beta)),
        dtype,
        device,
        requires_grad,
    )


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    r"""The Blackman window, w[n] = 0.42 − 0.5 cos(2πn / (N − 1)) + 0.08 cos(4πn / (N − 1)).

    Example:
        >>> import autograd_core as ac
        >>> [round(v, 4) for v in ac.blackman_window(5, False, dtype=ac.float64).tolist()[1:4]]
        [0.34, 1.0, 0.34]
    """
    coefficients = (0.42, 0.5, 0.08)
    return _cosine_sum(
        "blackman_window", window_length, periodic, coefficients, dtype, device, requires_grad
    )


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    r"""The Bartlett (triangular) window, w[n] = 1 − |2n / (N − 1) − 1|.

    Example:
        >>> import autograd_core as ac
        >>> ac.bartlett_window(4)
        tensor([0. , 0.5, 1. , 0.5])
    """
    n, N = _positions("bartlett_window", window_length, periodic, dtype)
    values = 1.0 - numpy.abs(2.0 * n / max(N - 1, 1) - 1.0)
    return _finish(values, window_length, dtype, device, requires_grad)


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    r"""The Kaiser window, w[n] = I₀(β √(1 − ((n − m) / m)²)) / I₀(β) with m = (N − 1)/2 and
    I₀ the modified Bessel function of the first kind, order 0.

    Example:
        >>> import autograd_core as ac
        >>> w = ac.kaiser_window(5, False, 5.0, dtype=ac.float64)
        >>> round(w[0].item(), 4), w[2].item()
        (0.0367, 1.0)
    """
    n, N = _positions("kaiser_window", window_length, periodic, dtype)
    m = max(N - 1, 1) / 2.0
    ratio = numpy.clip(1.0 - ((n - m) / m) ** 2, 0.0, None)
    values = numpy.i0(float(beta) * numpy.sqrt(ratio)) / numpy.i0(float(beta))
    return _finish(values, window_length, dtype, device, requires_grad)
