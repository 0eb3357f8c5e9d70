"""More activation functions in PyTorch's ``nn.functional`` names: mish, hardswish, hardsigmoid,
selu, celu, softsign, tanhshrink, softshrink, hardshrink, threshold, glu, rrelu, softmin.

The piecewise ones whose composition from ``where`` was several times slower than PyTorch
(hardswish, hardsigmoid, selu, celu, threshold and the shrinks) call ops of their own
(``autograd_core/ops/activation_more.py``); the rest are composed from engine ops. Either way
first and second derivatives come from the engine, and the gradient at each kink is PyTorch's.
What each function keeps for backward is what its ops keep: the input, the output or a mask,
and for ``mish`` the intermediate softplus and tanh.

``inplace=True`` (where PyTorch has it) writes the result into the input tensor and returns
it, with PyTorch's in-place rules (``autograd_core.inplace.apply_in_place``): refused on a leaf
that requires grad while recording, views of the input see the change, and a node that saved
the input refuses to back-propagate after it is overwritten.
"""

from __future__ import annotations

import warnings
from typing import Any

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.inplace import apply_in_place
from autograd_core.ops import activation_more as ops
from autograd_core.ops.common import normalize_axis
from autograd_core.random import Generator
from autograd_core.tensor import Tensor

__all__ = [
    "mish",
    "hardswish",
    "hardsigmoid",
    "selu",
    "celu",
    "softsign",
    "tanhshrink",
    "softshrink",
    "hardshrink",
    "threshold",
    "glu",
    "rrelu",
    "softmin",
]

# SELU's constants (Klambauer et al., 2017), as PyTorch spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def check_float(name: str, x: Tensor) -> None:
    """Refuse a non-Tensor or an integer/bool input, as PyTorch's kernels do."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name}: expected a Tensor, got {type(x).__name__}. Wrap it with ac.tensor(...)."
        )
    if x.dtype.kind != "f":
        raise DTypeError(
            f"{name}: expected a floating-point input, got dtype {x.dtype}. "
            "Convert it with .float() or .double()."
        )


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · tanh(softplus(x)) (Misra, 2019); smooth, mish'(0) = 0.6.

    One op (``activation_more.Mish``) in every dtype. Its gradient is ȳ · (t + x σ(x)(1 − t²)),
    the bracket first, so that ȳ · x cannot overflow where 1 − t² is 0 (composed as
    ``x * tanh(softplus(x))``, x = 1e308 and ȳ = −2.3 gave (ȳ x) · 0 = NaN; PyTorch and the
    true value give ȳ). float16 is computed in float32 and rounded once in PyTorch's formula
    order, as PyTorch's kernel does (within one ulp of it, bitwise but for a few values);
    composed in float16 it was off by an ulp on a third of the values.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.mish(ac.tensor([0.0, 30.0]))
        tensor([ 0., 30.])
    """
    check_float("mish", input)
    if inplace:
        return apply_in_place("mish_", input, mish)
    return ops.mish(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x · min(max(x + 3, 0), 6) / 6 (Howard et al., 2019, MobileNetV3).

    Gradient 0 for x ≤ −3, x/3 + ½ for −3 < x < 3 and 1 for x ≥ 3 (PyTorch's values at
    the kinks −3 and 3). Keeps the input.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.hardswish(ac.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([-0.   ,  0.   ,  1.125,  4.   ])
    """
    check_float("hardswish", input)
    if inplace:
        return apply_in_place("hardswish_", input, ops.hardswish)
    return ops.hardswish(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x + 3, 0), 6) / 6, a piecewise-linear sigmoid; gradient 1/6 strictly between
    −3 and 3, and 0 at and beyond them (PyTorch's convention). Keeps one mask.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.hardsigmoid(ac.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.  , 0.5 , 0.75, 1.  ])
    """
    check_float("hardsigmoid", input)
    if inplace:
        return apply_in_place("hardsigmoid_", input, ops.hardsigmoid)
    return ops.hardsigmoid(input)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """λ · elu(x, α) with PyTorch's α = 1.6732632423543772 and λ = 1.0507009873554805
    (Klambauer et al., 2017); gradient λα at 0 (the left derivative, as PyTorch). Keeps the
    output and a mask.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.selu(ac.tensor([1.0, -1.0], dtype=ac.float64))
        tensor([ 1.05070099, -1.11133074], dtype=float64)
    """
    check_float("selu", input)
    if inplace:
        return apply_in_place("selu_", input, selu)
    return ops.scaled_elu(input, SELU_ALPHA, SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, α (exp(x/α) − 1) otherwise (Barron, 2017); gradient 1 at 0. Keeps the
    output and a mask.

    Raises:
        ValueError: α = 0.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.celu(ac.tensor([2.0, 0.0, -2.0]), alpha=2.0)
        tensor([ 2.       ,  0.       , -1.2642411])
    """
    check_float("celu", input)
    if alpha == 0:
        raise ValueError(
            "celu: alpha cannot be 0 (the input is divided by it). Got alpha=0. "
            "Pass a nonzero alpha (1.0 by default)."
        )
    if inplace:
        return apply_in_place("celu_", input, celu, alpha)
    return ops.scaled_elu(input, alpha, 1.0, 1.0 / alpha)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|); gradient 1 / (1 + |x|)² (1 at 0, as PyTorch's composite).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.softsign(ac.tensor([-3.0, 1.0]))
        tensor([-0.75,  0.5 ])
    """
    check_float("softsign", input)
    return input / (ac.abs(input) + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x − tanh(x).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.tanhshrink(ac.tensor([0.0]))
        tensor([0.])
    """
    check_float("tanhshrink", input)
    return input - ac.tanh(input)


def _check_lambd(name: str, lambd: float) -> None:
    if not lambd >= 0:
        raise ValueError(
            f"{name}: lambd must be at least 0, got {lambd!r}. Pass a threshold lambd >= 0."
        )


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x − λ for x > λ, x + λ for x < −λ, 0 otherwise; gradient 0 on [−λ, λ] (bounds
    included, as PyTorch). Keeps one mask.

    Raises:
        ValueError: λ < 0.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.softshrink(ac.tensor([-2.0, 0.25, 1.5]), 1.0)
        tensor([-1. ,  0. ,  0.5])
    """
    check_float("softshrink", input)
    _check_lambd("softshrink", lambd)
    return ops.softshrink(input, lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, else 0; gradient 0 on [−λ, λ] (bounds included, as PyTorch). Keeps
    one mask.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.hardshrink(ac.tensor([-2.0, 0.5, 1.5]), 1.0)
        tensor([-2. ,  0. ,  1.5])
    """
    check_float("hardshrink", input)
    return ops.hardshrink(input, lambd)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else ``value``; gradient 0 at the threshold (as PyTorch). Keeps
    one mask.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.threshold(ac.tensor([0.5, 1.0, 2.0]), 1.0, -5.0)
        tensor([-5., -5.,  2.])
    """
    check_float("threshold", input)
    if inplace:
        return apply_in_place("threshold_", input, ops.threshold, threshold, value)
    return ops.threshold(input, threshold, value)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """Gated linear unit a ⊗ σ(b), where a and b are the first and second halves of ``input``
    along ``dim`` (Dauphin et al., 2017); the output has half that axis's size.

    Raises:
        ShapeError: a 0-d input, or an odd size along ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.glu(ac.tensor([[2.0, 4.0, 0.0, 0.0]]))
        tensor([[1., 2.]])
    """
    check_float("glu", input)
    if input.ndim == 0:
        raise ShapeError(
            "glu: a 0-d input cannot be halved. Got shape (). Pass a tensor with an even-sized "
            "axis."
        )
    (d,) = normalize_axis("glu", dim, input.shape, word="dim")
    n = input.shape[d]
    if n % 2:
        raise ShapeError(
            f"glu: the halving dimension must be even, but dimension {d} has size {n} (input "
            f"shape {tuple(input.shape)}). Pass dim= of an even-sized axis."
        )
    a, b = ac.split(input, n // 2, d)
    return a * ac.sigmoid(b)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Randomized leaky ReLU (Xu et al., 2015): x for x > 0, a · x otherwise.

    In training each element draws its own slope a ~ U(lower, upper) from ``generator`` (the
    default generator if None; on the input's device); otherwise a = (lower + upper) / 2 for
    all. The gradient is a for x ≤ 0 (at 0 too, as PyTorch) and 1 for x > 0. Keeps the
    slopes as a constant.

    Raises:
        ValueError: lower > upper.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.rrelu(ac.tensor([-1.0, 2.0]), 0.25, 0.75)
        tensor([-0.5,  2. ])
    """
    check_float("rrelu", input)
    if lower > upper:
        raise ValueError(
            f"rrelu: lower must not exceed upper, got lower={lower!r} and upper={upper!r}. "
            "Swap them."
        )
    if inplace:
        return apply_in_place("rrelu_", input, rrelu, lower, upper, training, generator=generator)
    if not training:
        return ac.leaky_relu(input, (lower + upper) / 2)
    draw = ac.rand(*input.shape, generator=generator, dtype=input.dtype, device=input.device)
    slopes = draw.data * (upper - lower) + lower
    slopes[input.data > 0] = 1
    return input * ac.as_tensor(slopes.astype(input.dtype, copy=False))


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """softmax(−x) along ``dim``: weights that favour the smallest entries. Without ``dim``,
    PyTorch's legacy choice (0 for 0-, 1- and 3-D inputs, else 1) with its warning.
    ``dtype`` casts the input first (as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.softmin(ac.tensor([[0.0, 0.0]]), dim=1)
        tensor([[0.5, 0.5]])
    """
    check_float("softmin", input)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        dim = 0 if input.ndim in (0, 1, 3) else 1
        warnings.warn(
            f"softmin: no dim given, so dim={dim} is used (PyTorch's legacy choice for a "
            f"{input.ndim}-D input). Pass dim= explicitly.",
            UserWarning,
            stacklevel=_stacklevel - 1,
        )
    (d,) = normalize_axis("softmin", dim, input.shape, word="dim") if input.ndim else (0,)
    return ac.softmax(-input, d if input.ndim else -1)
