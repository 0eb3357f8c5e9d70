"""``ac.special``: PyTorch's ``torch.special`` names, as aliases of the functions of this package
(``expit`` is ``sigmoid``, ``gammaln`` is ``lgamma``, ``psi`` is ``digamma``, ``multigammaln``
is ``mvlgamma``, …) and the functions only ``torch.special`` has (erfcx, ndtr, ndtri, log_ndtr,
entr, xlog1py, i0e, i1, i1e, spherical_bessel_j0, in ``ops/special_more.py``; the orthogonal
polynomials, in ``ops/special_polynomials.py``; zeta, in ``ops/special_zeta.py``).

The Bessel functions J₀, J₁, Y₀, Y₁, K₀, K₁ and the scaled K's are in
``ops/special_bessel.py``; gammainc and gammaincc in ``ops/special_gamma_inc.py``; the Airy
function airy_ai in ``ops/special_airy.py``. Every ``torch.special`` function is here.
``modified_bessel_i0``/``_i1`` are ``i0``/``i1``: PyTorch gives them no gradient; here they have
the gradients of ``i0`` and ``i1`` (a deliberate superset).
"""

from __future__ import annotations

from typing import Any

from autograd_core.ops import softmaxes
from autograd_core.ops.activation import sigmoid
from autograd_core.ops.common import lift_float
from autograd_core.ops.exp_log import exp2, logit, xlogy
from autograd_core.ops.rounding import round  # noqa: A004  (PyTorch's name)
from autograd_core.ops.special_airy import airy_ai
from autograd_core.ops.special_bessel import (
    bessel_j0,
    bessel_j1,
    bessel_y0,
    bessel_y1,
    modified_bessel_k0,
    modified_bessel_k1,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
)
from autograd_core.ops.special_functions import digamma, erfinv, i0, i1, lgamma, mvlgamma, polygamma
from autograd_core.ops.special_gamma_inc import gammainc, gammaincc
from autograd_core.ops.special_more import (
    entr,
    erfcx,
    i0e,
    i1e,
    log_ndtr,
    ndtr,
    ndtri,
    spherical_bessel_j0,
    xlog1py,
)
from autograd_core.ops.special_polynomials import (
    chebyshev_polynomial_t,
    chebyshev_polynomial_u,
    chebyshev_polynomial_v,
    chebyshev_polynomial_w,
    hermite_polynomial_h,
    hermite_polynomial_he,
    laguerre_polynomial_l,
    legendre_polynomial_p,
    shifted_chebyshev_polynomial_t,
    shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
)
from autograd_core.ops.special_zeta import zeta
from autograd_core.ops.statistics import logsumexp
from autograd_core.ops.trigonometric import sinc
from autograd_core.ops.unary import erf, erfc, expm1, log1p

__all__ = [
    "airy_ai",
    "gammainc",
    "gammaincc",
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "zeta",
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
]

expit = sigmoid
gammaln = lgamma
psi = digamma
multigammaln = mvlgamma
modified_bessel_i0 = i0
modified_bessel_i1 = i1


def softmax(input: Any, dim: int, *, dtype: Any = None) -> Any:  # noqa: A002
    """``torch.special.softmax``: e^x / Σ e^x along ``dim``; with ``dtype``, the input is cast
    to it first (as PyTorch does, to avoid overflow in a narrow dtype).

    Example:
        >>> import autograd_core as ac
        >>> ac.special.softmax(ac.tensor([0.0, 0.0]), 0)
        tensor([0.5, 0.5])
    """
    return softmaxes.softmax(_cast(input, dtype), dim)


def log_softmax(input: Any, dim: int, *, dtype: Any = None) -> Any:  # noqa: A002
    """``torch.special.log_softmax``: x − ln Σ e^x along ``dim``; ``dtype`` as in ``softmax``.

    Example:
        >>> import autograd_core as ac
        >>> ac.special.log_softmax(ac.tensor([1.0, 1.0], dtype=ac.float64), 0).tolist()
        [-0.6931471805599453, -0.6931471805599453]
    """
    return softmaxes.log_softmax(_cast(input, dtype), dim)


def _cast(x: Any, dtype: Any) -> Any:
    """``x`` as a Tensor of ``dtype`` (recorded, so gradients flow back through the cast)."""
    x = lift_float(x)
    return x if dtype is None else x.to(dtype)
