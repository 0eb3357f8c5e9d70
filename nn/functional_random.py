"""Functions that draw random numbers, in PyTorch's ``nn.functional`` names: alpha_dropout,
feature_alpha_dropout (the dropouts of self-normalising SELU networks) and gumbel_softmax.

Numbers come from ``generator`` (the default generator if None) and are drawn on the input's
device, so nothing is copied from the host. The noise is a constant of the graph: gradients
flow through the input only.
"""

from __future__ import annotations

import math

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.inplace import apply_in_place
from autograd_core.ops.common import normalize_axis
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn.functional_act import SELU_ALPHA, SELU_SCALE, check_float

__all__ = ["alpha_dropout", "feature_alpha_dropout", "gumbel_softmax"]

# The value SELU saturates to for x → −∞ is −λα; alpha dropout sets dropped units to it.
_SELU_SATURATION = SELU_ALPHA * SELU_SCALE


def _check_p(name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(
            f"{name}: dropout probability has to be between 0 and 1, but got {p!r}. "
            "Pass p in [0, 1]."
        )


def _alpha_dropout(
    name: str,
    x: Tensor,
    p: float,
    training: bool,
    noise_shape: tuple,
    generator: Generator | None,
    inplace: bool,
) -> Tensor:
    """y = a (x · m + α'(1 − m)) + b with m ~ Bernoulli(1 − p) of ``noise_shape``, written as
    PyTorch computes it: y = x · (a m) + (m − 1) λα a + λα a p, a = ((λα)² p + 1)(1 − p))^−½."""
    check_float(name, x)
    _check_p(name, p)
    if not training or p == 0.0:
        return x
    if inplace:
        return apply_in_place(
            f"{name}_",
            x,
            lambda t: _alpha_dropout(name, t, p, training, noise_shape, generator, False),
        )
    if p == 1.0:
        return x * 0.0
    u = ac.rand(*noise_shape, generator=generator, dtype=x.dtype, device=x.device).data
    keep = (u >= p).astype(x.dtype)
    a = 1.0 / math.sqrt((_SELU_SATURATION**2 * p + 1) * (1 - p))
    shift = (keep - 1) * (_SELU_SATURATION * a) + _SELU_SATURATION * a * p
    return x * ac.as_tensor(keep * a) + ac.as_tensor(shift)


def alpha_dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = False,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Alpha dropout (Klambauer et al., 2017): each element is dropped with probability p and
    set to SELU's saturation value −λα, then an affine map a·y + b restores the input's mean and
    variance for zero-mean unit-variance inputs (what SELU networks keep). Identity when
    ``training`` is False (the default, as PyTorch's functional form) or p = 0 (then ``input``
    itself is returned); ``inplace=True`` writes the result into ``input``.

    Raises:
        ValueError: p outside [0, 1].

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> x = ac.randn(100000, generator=ac.Generator(0))
        >>> y = F.alpha_dropout(x, 0.2, training=True, generator=ac.Generator(1))
        >>> abs(y.mean().item()) < 0.02, abs(y.std().item() - 1) < 0.02
        (True, True)
    """
    return _alpha_dropout(
        "alpha_dropout", input, p, training, tuple(input.shape), generator, inplace
    )


def feature_alpha_dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = False,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Alpha dropout of whole channels: one draw per (sample, channel) of an (N, C, *) input,
    shared by all positions of that channel; otherwise as ``alpha_dropout``.

    Raises:
        ValueError: p outside [0, 1].
        ShapeError: fewer than 2 dimensions.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> y = F.feature_alpha_dropout(ac.zeros(1, 8, 3), 0.5, True, generator=ac.Generator(0))
        >>> bool((y.amax(axis=2) == y.amin(axis=2)).all())
        True
    """
    if input.ndim < 2:
        raise ShapeError(
            f"feature_alpha_dropout: feature dropout requires at least 2 dimensions in the "
            f"input, got shape {tuple(input.shape)}. Pass (N, C, *)."
        )
    noise_shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return _alpha_dropout(
        "feature_alpha_dropout", input, p, training, noise_shape, generator, inplace
    )


def _gumbel_noise(logits: Tensor, generator: Generator | None) -> Tensor:
    """−log E with E ~ Exponential(1), drawn in float64 and kept ≥ the smallest normal float64
    (so E = 0, which has probability 2⁻⁵³ per draw, cannot give an infinite sample)."""
    u = ac.rand(*logits.shape, generator=generator, dtype=ac.float64, device=logits.device).data
    xp = logits.xp
    e = xp.maximum(-xp.log1p(-u), 2.2250738585072014e-308)
    return ac.as_tensor((-xp.log(e)).astype(logits.dtype))


def gumbel_softmax(
    logits: Tensor,
    tau: float = 1,
    hard: bool = False,
    eps: float = 1e-10,
    dim: int = -1,
    generator: Generator | None = None,
) -> Tensor:
    """A sample of the Gumbel-softmax (Concrete) distribution (Jang et al., 2017; Maddison et
    al., 2017): softmax((logits + g) / τ) along ``dim`` with g ~ Gumbel(0, 1) drawn per element.

    With ``hard=True`` the result is the one-hot vector of the sample's argmax (the first on
    ties), with the soft sample's gradient (straight-through: y_hard − sg(y_soft) + y_soft).
    ``eps`` is accepted and unused, as in PyTorch.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> y = F.gumbel_softmax(ac.zeros(2, 3), hard=True, generator=ac.Generator(0))
        >>> y.sum(axis=-1).tolist(), sorted(set(y.flatten().tolist()))
        ([1.0, 1.0], [0.0, 1.0])
    """
    check_float("gumbel_softmax", logits)
    (d,) = normalize_axis("gumbel_softmax", dim, logits.shape, word="dim")
    y_soft = ac.softmax((logits + _gumbel_noise(logits, generator)) / tau, d)
    if not hard:
        return y_soft
    xp = logits.xp
    index = xp.expand_dims(xp.argmax(y_soft.data, axis=d), d)
    positions = xp.arange(logits.shape[d]).reshape((-1,) + (1,) * (logits.ndim - d - 1))
    y_hard = ac.as_tensor((positions == index).astype(logits.dtype))
    return y_hard - y_soft.detach() + y_soft
