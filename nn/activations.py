"""Activation functions as modules (``nn.ReLU()``), each a thin wrapper over ``nn.functional``."""

from __future__ import annotations

import warnings
from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.module import Module, Parameter


def inplace_repr(inplace: bool, sep: str = ", ") -> str:
    """PyTorch's way to print ``inplace`` in an activation's ``extra_repr``: only when True."""
    return f"{sep}inplace=True" if inplace else ""


__all__ = [
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Sigmoid",
    "Tanh",
    "Hardtanh",
    "Softplus",
    "LogSigmoid",
    "Softmax",
    "LogSoftmax",
]


class ReLU(Module):
    """y = max(0, x) (gradient 0 at 0).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ReLU()(ac.tensor([-1.0, 1.0]))
        tensor([0., 1.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x, inplace=self.inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self.inplace, "")


class LeakyReLU(Module):
    """y = x for x > 0, a·x otherwise (a = ``negative_slope``, 0.01 by default)."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + inplace_repr(self.inplace)


class PReLU(Module):
    """y = max(0, x) + a · min(0, x) with a learnable slope a (He et al., 2015).

    The course notes' family: a = −1 gives the absolute-value rectifier |x|
    (``PReLU(init=-1.0)``, freeze it with ``requires_grad_(False)``), a small fixed a gives
    leaky ReLU, and a learnable a is the parametric ReLU.

    Args:
        num_parameters: 1 (one slope shared by all) or the number of channels (axis 1).
        init: the initial slope (0.25, PyTorch's default).

    Attributes:
        weight: the slopes, shape (num_parameters,), initialised to ``init``.
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(ac.zeros(num_parameters, dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, x: Tensor) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """y = x for x > 0, α(eˣ − 1) otherwise (Clevert et al., 2016)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.elu(x, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + inplace_repr(self.inplace)


class GELU(Module):
    """y = x Φ(x) (Hendrycks & Gimpel, 2016); ``approximate='tanh'`` for the tanh form."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """y = x σ(x) (swish)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.silu(x, inplace=self.inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self.inplace, "")


class Sigmoid(Module):
    """y = 1 / (1 + e⁻ˣ), the logistic function of the perceptron notes."""

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class Tanh(Module):
    """y = tanh x."""

    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class Hardtanh(Module):
    """y = x clipped to [min_val, max_val]. ``min_value``/``max_value`` are PyTorch's deprecated
    spellings: they override min_val/max_val with a FutureWarning, as PyTorch does."""

    def __init__(
        self,
        min_val: float = -1.0,
        max_val: float = 1.0,
        inplace: bool = False,
        min_value: float | None = None,
        max_value: float | None = None,
    ) -> None:
        super().__init__()
        for old, new in (("min_value", min_value), ("max_value", max_value)):
            if new is not None:
                warnings.warn(
                    f"Hardtanh: keyword argument `{old}` is deprecated and renamed to "
                    f"`{old[:3]}_val`.",
                    FutureWarning,
                    stacklevel=3,
                )
        min_val = min_val if min_value is None else min_value
        max_val = max_val if max_value is None else max_value
        if min_val >= max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} must be below max_val {max_val}.")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, x: Tensor) -> Tensor:
        return F.hardtanh(x, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + inplace_repr(self.inplace)


class ReLU6(Hardtanh):
    """y = min(max(x, 0), 6), ``Hardtanh(0, 6)`` (printed as PyTorch's ``ReLU6``).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.ReLU6()(ac.tensor([-1.0, 3.0, 7.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return inplace_repr(self.inplace, "")


class Softplus(Module):
    """y = (1/β) log(1 + e^{βx}), linear above ``threshold``."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, x: Tensor) -> Tensor:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class LogSigmoid(Module):
    """y = log σ(x)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.logsigmoid(x)


class Softmax(Module):
    """y = softmax(x) along ``dim`` (probabilities that sum to 1)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """y = log softmax(x) along ``dim`` (pair with ``NLLLoss``)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
