"""More activation modules in PyTorch's names (``nn.Mish()``, ``nn.GLU(dim)`` …), each a thin
wrapper over ``nn/functional_act.py``; they print as PyTorch's do.

``inplace=True`` (where PyTorch has it) writes the result into the input and returns it, with
PyTorch's in-place rules (see ``nn/functional_act.py``).
"""

from __future__ import annotations

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional_act as FA
from nn import functional_random as FR
from nn.activations import inplace_repr
from nn.module import Module

__all__ = [
    "Mish",
    "Hardswish",
    "Hardsigmoid",
    "SELU",
    "CELU",
    "Softsign",
    "Tanhshrink",
    "Softshrink",
    "Hardshrink",
    "Threshold",
    "GLU",
    "RReLU",
    "Softmin",
    "Softmax2d",
    "AlphaDropout",
    "FeatureAlphaDropout",
]


class Mish(Module):
    """y = x · tanh(softplus(x)).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Mish()(ac.tensor([0.0]))
        tensor([0.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.mish(input, self.inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self.inplace, "")


class Hardswish(Module):
    """y = x · min(max(x + 3, 0), 6) / 6 (printed without ``inplace``, as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Hardswish()(ac.tensor([-4.0, 0.0, 3.0]))
        tensor([-0.,  0.,  3.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.hardswish(input, self.inplace)


class Hardsigmoid(Module):
    """y = min(max(x + 3, 0), 6) / 6 (printed without ``inplace``, as PyTorch).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Hardsigmoid()(ac.tensor([-4.0, 0.0, 3.0]))
        tensor([0. , 0.5, 1. ])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.hardsigmoid(input, self.inplace)


class SELU(Module):
    """y = λ · elu(x, α), PyTorch's α and λ (``functional_act.SELU_ALPHA``, ``SELU_SCALE``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.SELU()(ac.tensor([0.0, 2.0]))
        tensor([0.      , 2.101402])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self.inplace, "")


class CELU(Module):
    """y = x for x > 0, α (exp(x/α) − 1) otherwise.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.CELU(0.5)(ac.tensor([-1.0, 2.0]))
        tensor([-0.43233237,  2.        ])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + inplace_repr(self.inplace)


class Softsign(Module):
    """y = x / (1 + |x|).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Softsign()(ac.tensor([-4.0, 1.0]))
        tensor([-0.8,  0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        return FA.softsign(input)


class Tanhshrink(Module):
    """y = x − tanh(x).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Tanhshrink()(ac.tensor([0.0]))
        tensor([0.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return FA.tanhshrink(input)


class Softshrink(Module):
    """y = x − λ above λ, x + λ below −λ, 0 between (λ = ``lambd``, 0.5 by default).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Softshrink(1.0)(ac.tensor([-4.0, 0.5, 2.0]))
        tensor([-3.,  0.,  1.])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return FA.softshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return str(self.lambd)


class Hardshrink(Module):
    """y = x where |x| > λ, else 0 (λ = ``lambd``, 0.5 by default).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Hardshrink(1.0)(ac.tensor([-4.0, -1.0, 2.0]))
        tensor([-4.,  0.,  2.])
    """

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return FA.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Threshold(Module):
    """y = x where x > ``threshold``, else ``value``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Threshold(0.0, -1.0)(ac.tensor([-4.0, 0.0, 2.0]))
        tensor([-1., -1.,  2.])
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return FA.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + inplace_repr(self.inplace)


class GLU(Module):
    """y = a ⊗ σ(b) with a, b the halves of the input along ``dim`` (-1 by default).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.GLU()(ac.tensor([[1.0, 2.0, 0.0, 0.0]]))
        tensor([[0.5, 1. ]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return FA.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class RReLU(Module):
    """Randomized leaky ReLU: in training each non-positive element gets a slope drawn from
    U(lower, upper) by ``generator`` (the default one, ``ac.manual_seed``, if None); in eval
    the mean slope (lower + upper) / 2.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.RReLU(0.25, 0.75).eval()(ac.tensor([-2.0, 2.0]))
        tensor([-1.,  2.])
    """

    def __init__(
        self,
        lower: float = 1.0 / 8,
        upper: float = 1.0 / 3,
        inplace: bool = False,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace
        self.generator = generator

    def forward(self, input: Tensor) -> Tensor:
        return FA.rrelu(
            input, self.lower, self.upper, self.training, self.inplace, generator=self.generator
        )

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + inplace_repr(self.inplace)


class Softmin(Module):
    """y = softmax(−x) along ``dim``.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Softmin(dim=0)(ac.tensor([1.0, 1.0]))
        tensor([0.5, 0.5])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return FA.softmin(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels (axis −3) of a (C, H, W) or (N, C, H, W) input.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.Softmax2d()(ac.zeros(1, 2, 1, 1)).flatten()
        tensor([0.5, 0.5])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ShapeError(
                f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D (shape "
                f"{tuple(input.shape)}). Pass (C, H, W) or (N, C, H, W)."
            )
        return ac.softmax(input, -3)


# -- dropouts of self-normalising (SELU) networks --------------------------------------------


class _AlphaDropoutBase(Module):
    def __init__(
        self, p: float = 0.5, inplace: bool = False, generator: Generator | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(
                f"{type(self).__name__}: dropout probability has to be between 0 and 1, but "
                f"got {p!r}. Pass p in [0, 1]."
            )
        self.p = p
        self.inplace = inplace
        self.generator = generator

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class AlphaDropout(_AlphaDropoutBase):
    """Alpha dropout in training (dropped units set to SELU's saturation value, then an affine
    map keeps mean 0 and variance 1); the identity in eval mode.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.AlphaDropout(0.2).eval()(ac.ones(2)).tolist()
        [1.0, 1.0]
    """

    def forward(self, input: Tensor) -> Tensor:
        return FR.alpha_dropout(
            input, self.p, self.training, self.inplace, generator=self.generator
        )


class FeatureAlphaDropout(_AlphaDropoutBase):
    """Alpha dropout of whole channels of (N, C, *) inputs in training; identity in eval.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.FeatureAlphaDropout(0.5).eval()(ac.ones(1, 2)).tolist()
        [[1.0, 1.0]]
    """

    def forward(self, input: Tensor) -> Tensor:
        return FR.feature_alpha_dropout(
            input, self.p, self.training, self.inplace, generator=self.generator
        )
