r"""``torch.special``'s orthogonal polynomials of degree n at x: Chebyshev T, U, V, W (and their
shifted forms on [0, 1]), Hermite H and He, Laguerre L and Legendre P.

Each is evaluated by its three-term recurrence p₍ₖ₊₁₎ = f(x, k, pₖ, pₖ₋₁) from p₀ = 1 and p₁,
up to the largest degree asked for, in whole-array arithmetic (NumPy or CuPy); every lane takes
the value of its own degree. As in PyTorch: x and n broadcast, a non-integer n counts as its
integer part, a negative n gives 0, the result has the promoted dtype of x and n (the default
float dtype for two integer operands), and there is no gradient (PyTorch's derivatives are not
implemented: the result here is a constant). PyTorch switches to trigonometric forms for
n > 6 (T) or n > 8 (U, V, W) on |x| < 1; the recurrence agrees with them to rounding.

Reading the largest degree costs one device-to-host copy of n's maximum on a GPU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core.ops.common import const, float_pair
from autograd_core.ops.trigonometric import quiet
from autograd_core.tensor import Tensor

__all__ = [
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
]

Step = Callable[[Any, int, Any, Any], Any]


def _chebyshev_step(x: Any, k: int, p: Any, q: Any) -> Any:
    return 2 * x * p - q


def _hermite_step(x: Any, k: int, p: Any, q: Any) -> Any:
    return 2 * x * p - 2 * k * q


def _hermite_e_step(x: Any, k: int, p: Any, q: Any) -> Any:
    return x * p - k * q


def _laguerre_step(x: Any, k: int, p: Any, q: Any) -> Any:
    return ((2 * k + 1 - x) * p - k * q) / (k + 1)


def _legendre_step(x: Any, k: int, p: Any, q: Any) -> Any:
    return ((2 * k + 1) * x * p - k * q) / (k + 1)


def _evaluate(
    input: Any,  # noqa: A002
    n: Any,
    first: Callable[[Any], Any],
    step: Step,
    shifted: bool = False,
) -> Tensor:
    """p_n(x) by the recurrence ``step`` from p₀ = 1 and p₁ = ``first(x)``."""
    x, deg = float_pair(input, n)
    xp = x.xp
    dtype = x.dtype if x.dtype.kind == "f" else deg.dtype
    xa, na = xp.broadcast_arrays(x.data.astype(dtype), deg.data)
    na = xp.trunc(na) if na.dtype.kind == "f" else na
    if shifted:
        xa = xa + xa - 1
    top = int(na.max()) if na.size else 0  # (a host copy of one number on a GPU)
    p_prev = xp.ones_like(xa)
    p = first(xa)
    out = xp.where(na == 0, p_prev, xp.zeros_like(xa))
    out = xp.where(na == 1, p, out)
    with quiet():  # |x| > 1 and high degrees overflow to ±inf, as in PyTorch
        for k in range(1, top):
            p, p_prev = step(xa, k, p, p_prev), p
            out = xp.where(na == k + 1, p, out)
    return const(out.astype(dtype, copy=False))


def chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Tₙ(x), the Chebyshev polynomial of the first kind (T₀ = 1, T₁ = x, Tₖ₊₁ = 2xTₖ − Tₖ₋₁).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.chebyshev_polynomial_t(ac.tensor([0.5, 2.0]), 3)
        tensor([-1., 26.])
    """
    return _evaluate(input, n, lambda x: x, _chebyshev_step)


def chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Uₙ(x), of the second kind (U₀ = 1, U₁ = 2x, the recurrence of Tₙ).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.chebyshev_polynomial_u(ac.tensor([1.0, 2.0]), 2)
        tensor([ 3., 15.])
    """
    return _evaluate(input, n, lambda x: 2 * x, _chebyshev_step)


def chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Vₙ(x), of the third kind (V₀ = 1, V₁ = 2x − 1, the recurrence of Tₙ).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.chebyshev_polynomial_v(ac.tensor([1.0, 2.0]), 2)
        tensor([ 1., 11.])
    """
    return _evaluate(input, n, lambda x: 2 * x - 1, _chebyshev_step)


def chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Wₙ(x), of the fourth kind (W₀ = 1, W₁ = 2x + 1, the recurrence of Tₙ).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.chebyshev_polynomial_w(ac.tensor([1.0, 2.0]), 2)
        tensor([ 5., 19.])
    """
    return _evaluate(input, n, lambda x: 2 * x + 1, _chebyshev_step)


def shifted_chebyshev_polynomial_t(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Tₙ*(x) = Tₙ(2x − 1), on [0, 1].

    Example:
        >>> import autograd_core as ac
        >>> ac.special.shifted_chebyshev_polynomial_t(ac.tensor([0.0, 0.75]), 2)
        tensor([ 1. , -0.5])
    """
    return _evaluate(input, n, lambda x: x, _chebyshev_step, True)


def shifted_chebyshev_polynomial_u(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Uₙ*(x) = Uₙ(2x − 1).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.shifted_chebyshev_polynomial_u(ac.tensor([1.0]), 3)
        tensor([4.])
    """
    return _evaluate(input, n, lambda x: 2 * x, _chebyshev_step, True)


def shifted_chebyshev_polynomial_v(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Vₙ*(x) = Vₙ(2x − 1).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.shifted_chebyshev_polynomial_v(ac.tensor([1.0]), 3)
        tensor([1.])
    """
    return _evaluate(input, n, lambda x: 2 * x - 1, _chebyshev_step, True)


def shifted_chebyshev_polynomial_w(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Wₙ*(x) = Wₙ(2x − 1).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.shifted_chebyshev_polynomial_w(ac.tensor([1.0]), 3)
        tensor([7.])
    """
    return _evaluate(input, n, lambda x: 2 * x + 1, _chebyshev_step, True)


def hermite_polynomial_h(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Hₙ(x), the physicists' Hermite polynomial (H₁ = 2x, Hₖ₊₁ = 2xHₖ − 2kHₖ₋₁).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.hermite_polynomial_h(ac.tensor([1.0]), 3)  # 8x³ − 12x
        tensor([-4.])
    """
    return _evaluate(input, n, lambda x: 2 * x, _hermite_step)


def hermite_polynomial_he(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Heₙ(x), the probabilists' Hermite polynomial (He₁ = x, Heₖ₊₁ = xHeₖ − kHeₖ₋₁).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.hermite_polynomial_he(ac.tensor([2.0]), 3)  # x³ − 3x
        tensor([2.])
    """
    return _evaluate(input, n, lambda x: x, _hermite_e_step)


def laguerre_polynomial_l(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Lₙ(x), the Laguerre polynomial (L₁ = 1 − x, (k+1)Lₖ₊₁ = (2k + 1 − x)Lₖ − kLₖ₋₁).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.laguerre_polynomial_l(ac.tensor([2.0]), 2)  # (x² − 4x + 2) / 2
        tensor([-1.])
    """
    return _evaluate(input, n, lambda x: 1 - x, _laguerre_step)


def legendre_polynomial_p(input: Any, n: Any) -> Tensor:  # noqa: A002
    """Pₙ(x), the Legendre polynomial (P₁ = x, (k+1)Pₖ₊₁ = (2k+1)xPₖ − kPₖ₋₁).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.legendre_polynomial_p(ac.tensor([0.5]), 2)  # (3x² − 1) / 2
        tensor([-0.125])
    """
    return _evaluate(input, n, lambda x: x, _legendre_step)
