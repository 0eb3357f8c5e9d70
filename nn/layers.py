"""Basic layers: Linear, Bilinear, Identity, Flatten, Dropout, Maxout (Embedding is in
embedding.py, LayerNorm and BatchNorm1d in normalization.py).

Each layer documents its formula, shapes and default initialisation; ``reset_parameters()``
re-draws the parameters and is separate from ``__init__``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.module import Module, Parameter

__all__ = [
    "Linear",
    "Bilinear",
    "Identity",
    "Flatten",
    "Dropout",
    "Maxout",
]


def empty_parameter(*shape: int, dtype: Any = None, device: Any = None) -> Parameter:
    """A zero-filled Parameter of ``shape`` that ``reset_parameters`` then initialises."""
    return Parameter(ac.zeros(*shape, dtype=dtype, device=device))


class Linear(Module):
    """y = x Wᵀ + b, the dense (fully connected) layer.

    Args:
        in_features: size of each input sample.
        out_features: size of each output sample.
        bias: learn an additive bias.
        generator: the random source of the initial weights (the default generator if None).

    Shape:
        input (…, in_features) → output (…, out_features).

    Attributes:
        weight: (out_features, in_features), initialised from U(−k, k) with k = 1/√in_features
            (PyTorch's default: ``kaiming_uniform_(a=√5)``).
        bias: (out_features,), from U(−k, k), or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.Linear(3, 2)
        >>> layer.weight.shape, layer(ac.ones(5, 3)).shape
        ((2, 3), (5, 2))
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise TypeError(
                    f"Linear: {name} must be an integer; got {n!r} ({type(n).__name__}). Pass "
                    "whole numbers of features, e.g. nn.Linear(784, 10)."
                )
            if n < 0:
                raise ShapeError(
                    f"Linear: {name} must be non-negative; got in_features={in_features}, "
                    f"out_features={out_features}. Pass the numbers of input and output features."
                )
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.weight = empty_parameter(out_features, in_features, dtype=dtype, device=device)
        if bias:
            self.bias = empty_parameter(out_features, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw W and b from U(−1/√in, 1/√in); with in_features = 0 the weight is empty and
        the bias 0, as in PyTorch."""
        if self.weight.numel():  # kaiming's bound divides by fan_in, which is 0 here
            init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Bilinear(Module):
    """y = x₁ᵀ A x₂ + b: yₒ = Σᵢⱼ x₁ᵢ Aₒᵢⱼ x₂ⱼ + bₒ over the last axis (``F.bilinear``).

    Args:
        in1_features: size of each first input sample (must be positive).
        in2_features: size of each second input sample.
        out_features: size of each output sample.
        bias: learn an additive bias.
        generator: the random source of the initial weights (the default generator if None).

    Shape:
        input1 (…, in1_features), input2 (…, in2_features) with the same leading shape →
        output (…, out_features).

    Attributes:
        weight: (out_features, in1_features, in2_features), from U(−k, k) with
            k = 1/√in1_features (PyTorch's default).
        bias: (out_features,), from U(−k, k), or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.Bilinear(3, 4, 2)
        >>> layer.weight.shape, layer(ac.ones(5, 3), ac.ones(5, 4)).shape
        ((2, 3, 4), (5, 2))
    """

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        sizes = (
            ("in1_features", in1_features),
            ("in2_features", in2_features),
            ("out_features", out_features),
        )
        for name, n in sizes:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise TypeError(
                    f"Bilinear: {name} must be an integer; got {n!r} ({type(n).__name__}). "
                    "Pass whole numbers of features, e.g. nn.Bilinear(20, 30, 40)."
                )
            if n < (1 if name == "in1_features" else 0):
                raise ValueError(
                    f"Bilinear: {name} must be {'> 0' if name == 'in1_features' else '>= 0'}; "
                    f"got in1_features={in1_features}, in2_features={in2_features}, "
                    f"out_features={out_features}. (The initial bound is 1/√in1_features.)"
                )
        self.in1_features = int(in1_features)
        self.in2_features = int(in2_features)
        self.out_features = int(out_features)
        self.weight = empty_parameter(
            out_features, in1_features, in2_features, dtype=dtype, device=device
        )
        if bias:
            self.bias = empty_parameter(out_features, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw A and b from U(−1/√in1_features, 1/√in1_features)."""
        bound = 1.0 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound, generator)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound, generator)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )


class Identity(Module):
    """y = x; a placeholder that keeps a model's structure (any arguments are ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Merge axes ``start_dim`` … ``end_dim`` into one: (N, C, H, W) → (N, C·H·W) by default.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Flatten()(ac.zeros(2, 3, 4)).shape
        (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x: Tensor) -> Tensor:
        s = self.start_dim % x.ndim
        e = self.end_dim % x.ndim
        shape = (
            x.shape[:s] + (-1,) + x.shape[e + 1 :]
            if x.numel()
            else (x.shape[:s] + (math.prod(x.shape[s : e + 1]),) + x.shape[e + 1 :])
        )
        return x.reshape(shape)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the kept
    ones by 1/(1 − p); in eval mode, the identity (Srivastava et al., JMLR 2014).

    Note that p is the probability of *dropping* (PyTorch's and Keras' convention); the course
    notes' "keep with probability p" is ``Dropout(1 - p)``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> d = nn.Dropout(0.5).eval()
        >>> d(ac.ones(3)).tolist()
        [1.0, 1.0, 1.0]
    """

    def __init__(
        self, p: float = 0.5, inplace: bool = False, generator: Generator | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p must be in [0, 1], got {p!r}.")
        self.p = p
        self.inplace = inplace
        self.generator = generator

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training, self.inplace, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Maxout(Module):
    """Maxout units: ``hᵢ = max_{j<k} (x Wᵀ + b)_{i·k + j}``, a linear map to out·k values and
    the maximum over each group of k consecutive ones (Goodfellow et al., ICML 2013; the
    course notes, ``002``). A maxout unit learns a convex piecewise-linear activation of up to
    k pieces; with k = 2 it can represent ReLU, leaky ReLU or the absolute-value rectifier.

    Args:
        in_features: input size.
        out_features: number of maxout units.
        pieces: k, the linear pieces per unit.

    Attributes:
        linear: an ``nn.Linear(in_features, out_features · pieces)`` with its default
            initialisation.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        pieces: int = 2,
        bias: bool = True,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        if pieces < 1:
            raise ValueError(f"Maxout: pieces must be at least 1, got {pieces}.")
        self.in_features = in_features
        self.out_features = out_features
        self.pieces = pieces
        self.linear = Linear(in_features, out_features * pieces, bias=bias, generator=generator)

    def forward(self, x: Tensor) -> Tensor:
        return F.maxout(self.linear(x), self.pieces)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"pieces={self.pieces}"
        )
