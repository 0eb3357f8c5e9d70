"""Stateless forms of the layers: activations, linear, dropout, embedding, normalisation, losses.

The conv-net functions (pooling, channel dropout, group/instance norm, interpolate,
pixel_shuffle) live in ``nn/functional_pool.py``, ``nn/functional_norm.py``,
``nn/functional_interpolate.py`` and ``nn/functional_resample.py`` and are re-exported here,
and so are ``affine_grid`` and ``grid_sample`` (``nn/functional_sampling.py``).

Everything here is written with autograd_core ops, so gradients (and second derivatives) come
from the engine. Where the engine has a dedicated op (``sigmoid``, ``softmax``, ``gelu`` …) the
function calls it; the rest (``prelu``, ``maxout``, the normalisations) are composed from smaller
ops in a numerically stable way. The loss functions live in ``nn/losses_functional.py`` and are
re-exported here (``F.cross_entropy``), and so are the convolutions, ``pad``, ``unfold`` and
``fold``, which are ops of their own (``autograd_core/ops/conv.py``, ``padding.py``, ``fold.py``).
"""

from __future__ import annotations

import warnings
from typing import Any

import autograd_core as ac
from autograd_core.device import get_array_module, to_device
from autograd_core.errors import ShapeError
from autograd_core.inplace import apply_in_place
from autograd_core.ops.common import normalize_axis
from autograd_core.ops.conv_functions import (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from autograd_core.ops.fold import fold, unfold
from autograd_core.ops.padding import pad
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor
from nn.functional_act import *  # noqa: F403
from nn.functional_act import __all__ as _act_names
from nn.functional_attention import scaled_dot_product_attention
from nn.functional_bilinear import *  # noqa: F403
from nn.functional_bilinear import __all__ as _bilinear_names
from nn.functional_distance import *  # noqa: F403
from nn.functional_distance import __all__ as _distance_names
from nn.functional_embedding import embedding
from nn.functional_embedding_bag import embedding_bag
from nn.functional_interpolate import *  # noqa: F403
from nn.functional_interpolate import __all__ as _interpolate_names
from nn.functional_norm import *  # noqa: F403
from nn.functional_norm import __all__ as _norm_names
from nn.functional_norm_more import *  # noqa: F403
from nn.functional_norm_more import __all__ as _norm_more_names
from nn.functional_pool import *  # noqa: F403
from nn.functional_pool import __all__ as _pool_names
from nn.functional_random import *  # noqa: F403
from nn.functional_random import __all__ as _random_names
from nn.functional_resample import *  # noqa: F403
from nn.functional_resample import __all__ as _resample_names
from nn.functional_sampling import *  # noqa: F403
from nn.functional_sampling import __all__ as _sampling_names
from nn.losses_functional import *  # noqa: F403
from nn.losses_functional import __all__ as _loss_names

__all__ = [
    "linear",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "gelu",
    "silu",
    "sigmoid",
    "tanh",
    "hardtanh",
    "relu6",
    "softplus",
    "logsigmoid",
    "softmax",
    "log_softmax",
    "maxout",
    "dropout",
    "embedding",
    "embedding_bag",
    "one_hot",
    *_act_names,
    *_bilinear_names,
    *_loss_names,
    *_pool_names,
    *_norm_names,
    *_norm_more_names,
    *_random_names,
    *_interpolate_names,
    *_resample_names,
    *_sampling_names,
    *_distance_names,
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "pad",
    "unfold",
    "fold",
    "scaled_dot_product_attention",
]


def _dim(op: str, x: Tensor, dim: int | None, stacklevel: int = 3) -> int:
    if dim is None:  # PyTorch's legacy choice for softmax without dim, and its warning
        d = 0 if x.ndim in (0, 1, 3) else 1
        warnings.warn(
            f"{op}: no dim given, so dim={d} is used (PyTorch's legacy choice for a "
            f"{x.ndim}-D input; ac.{op} without dim takes the last axis instead). "
            "Pass dim= explicitly.",
            UserWarning,
            stacklevel=stacklevel,
        )
        return d
    (d,) = normalize_axis(op, dim, x.shape, word="dim")
    return d


# -- affine --------------------------------------------------------------------------------


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b (one fused op), for x (…, in), W (out, in), b (out,) or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.linear(ac.ones(2, 3), ac.ones(4, 3)).shape
        (2, 4)
    """
    return ac.linear(input, weight, bias)


# -- activations ---------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002  (PyTorch's names)
    """max(x, 0); gradient 0 at x = 0. ``inplace=True`` writes the result into ``input`` and
    returns it (``input.relu_()``, with the in-place rules of ``autograd_core/inplace.py``).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.relu(ac.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return input.relu_() if inplace else ac.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, ``negative_slope · x`` otherwise (gradient ``negative_slope`` at 0);
    ``inplace=True`` writes into ``input`` (as ``relu``)."""
    if inplace:
        return apply_in_place("leaky_relu_", input, ac.leaky_relu, negative_slope)
    return ac.leaky_relu(input, negative_slope)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + a · min(0, x) with a learnable slope a (one per channel, axis 1, or one in
    all). With a = −1 this is the absolute-value rectifier |x|; with a small a, leaky ReLU.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.prelu(ac.tensor([-2.0, 3.0]), ac.tensor([-1.0]))
        tensor([2., 3.])
    """
    if weight.numel() != 1:
        if input.ndim < 2 or input.shape[1] != weight.numel():
            raise ShapeError(
                f"prelu: {weight.numel()} slopes need an input with that many channels on axis "
                f"1; got input shape {tuple(input.shape)}. Use num_parameters=1 or "
                "num_parameters=<channels>."
            )
        weight = weight.reshape((weight.numel(),) + (1,) * (input.ndim - 2))
    else:
        weight = weight.reshape(())
    return ac.where(input > 0, input, input * weight)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, α(eˣ − 1) otherwise; ``inplace=True`` writes into ``input``."""
    if inplace:
        return apply_in_place("elu_", input, ac.elu, alpha)
    return ac.elu(input, alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x · Φ(x) with Φ the standard normal CDF; ``approximate='tanh'`` uses
    0.5 x (1 + tanh(√(2/π)(x + 0.044715 x³)))."""
    return ac.gelu(input, approximate=approximate)


def sigmoid(input: Tensor) -> Tensor:
    """σ(x) = 1 / (1 + e⁻ˣ), the engine's ``sigmoid`` op.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.sigmoid(ac.tensor([0.0]))
        tensor([0.5])
    """
    return ac.sigmoid(input)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x · σ(x) (also called swish); ``inplace=True`` writes into ``input``."""
    return apply_in_place("silu_", input, ac.silu) if inplace else ac.silu(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return ac.tanh(input)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clipped to [min_val, max_val]; gradient 1 inside, 0 outside; ``inplace=True`` writes
    into ``input``."""
    if inplace:
        return apply_in_place("hardtanh_", input, ac.hardtanh, min_val, max_val)
    return ac.hardtanh(input, min_val, max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002  (PyTorch's name)
    """min(max(x, 0), 6): ``hardtanh(x, 0, 6)``, as ``F.relu6`` (gradient 0 at 0 and 6);
    ``inplace=True`` writes into ``input``."""
    if inplace:
        return apply_in_place("relu6_", input, ac.hardtanh, 0.0, 6.0)
    return ac.hardtanh(input, 0.0, 6.0)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/β) log(1 + e^{βx}), linear where βx > threshold (PyTorch's rule)."""
    return ac.softplus(input, beta=beta, threshold=threshold)


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x) = −softplus(−x), stable for large |x|."""
    return ac.logsigmoid(input)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """log softmax along ``dim``: x − max − log Σ exp(x − max). ``dtype`` casts the input
    first (as PyTorch); ``_stacklevel`` places the no-dim warning, as PyTorch's.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.log_softmax(ac.tensor([[0.0, 0.0]]), dim=1).exp()
        tensor([[0.5, 0.5]])
    """
    if dtype is not None:
        input = input.to(dtype)
    return ac.log_softmax(input, _dim("log_softmax", input, dim, _stacklevel))


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """exp(xᵢ) / Σⱼ exp(xⱼ) along ``dim`` (stable: the max is subtracted first). ``dtype``
    casts the input first (as PyTorch); ``_stacklevel`` places the no-dim warning.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.softmax(ac.tensor([[1.0, 1.0, 1.0, 1.0]]), dim=1)
        tensor([[0.25, 0.25, 0.25, 0.25]])
    """
    if dtype is not None:
        input = input.to(dtype)
    return ac.softmax(input, _dim("softmax", input, dim, _stacklevel))


def maxout(x: Tensor, pieces: int, dim: int = -1) -> Tensor:
    """Maxout: split axis ``dim`` into groups of ``pieces`` consecutive units and keep the
    maximum of each group (Goodfellow et al., 2013), so (…, n·k) becomes (…, n).

    Ties split the gradient equally between the tied units (the engine's maximum rule).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.maxout(ac.tensor([[1.0, 5.0, -2.0, -3.0]]), pieces=2)
        tensor([[ 5., -2.]])
    """
    dim = dim % x.ndim
    n = x.shape[dim]
    if pieces < 1 or n % pieces:
        raise ShapeError(
            f"maxout: axis {dim} of size {n} cannot be split into groups of {pieces}; the size "
            "must be a multiple of pieces."
        )
    shape = x.shape[:dim] + (n // pieces, pieces) + x.shape[dim + 1 :]
    grouped = x.reshape(shape)
    index: list[Any] = [slice(None)] * len(shape)
    out = None
    for k in range(pieces):
        index[dim + 1] = k
        piece = grouped[tuple(index)]
        out = piece if out is None else ac.maximum(out, piece)
    return out


# -- regularisation and lookup ---------------------------------------------------------------


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    inplace: bool = False,
    generator: Generator | None = None,
) -> Tensor:
    """Inverted dropout: zero each element with probability p and scale the rest by 1/(1 − p),
    so the expected value is unchanged and nothing needs rescaling at test time. Identity
    (``input`` itself) when ``training`` is False or p = 0. ``inplace=True`` writes the result
    into ``input`` (the in-place rules of ``autograd_core/inplace.py``, as PyTorch's).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> x = ac.ones(1000)
        >>> y = F.dropout(x, 0.5, generator=ac.Generator(0))
        >>> sorted(set(y.tolist())), 400 < int((y == 0).sum().item()) < 600
        ([0.0, 2.0], True)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p must be in [0, 1], got {p!r}.")
    if not training or p == 0.0:
        return input
    if inplace:
        return apply_in_place("dropout_", input, dropout, p, training, generator=generator)
    x = input
    if p == 1.0:
        return x * 0.0
    if x.device.type == "cpu":
        keep = rng_of(generator).random(x.shape) >= p
    else:  # drawn on x's device by its generator: no host copy
        keep = ac.rand(*x.shape, generator=generator, dtype="float32", device=x.device).data >= p
    mask = keep.astype(x.dtype) * (1.0 / (1.0 - p))
    return x * ac.as_tensor(mask.astype(x.dtype, copy=False))


def one_hot(input: Any, num_classes: int = -1) -> Tensor:
    """Integer class indices ``input`` (any shape) to one-hot rows of length ``num_classes``
    (int64); ``num_classes=-1`` takes the largest index + 1.

    The first parameter is ``input``, as torch's binding takes it: torch's docstring says
    ``one_hot(tensor, num_classes=-1)`` but ``tensor=`` is a TypeError there (torch 2.13).

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.one_hot(ac.tensor([0, 2]), 3).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    idx = input.data if isinstance(input, Tensor) else ac.tensor(input).data
    if num_classes < 0:
        num_classes = int(to_device(idx.max(), "cpu")) + 1 if idx.size else 0  # as PyTorch
    xp = get_array_module(idx)
    return Tensor(xp.eye(num_classes, dtype="int64")[idx])
