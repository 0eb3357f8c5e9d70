"""One-step recurrent cells, ``nn.RNNCell``, ``nn.LSTMCell`` and ``nn.GRUCell``: each step is a
small graph of ordinary ops, for models that need to act between steps (teacher forcing,
attention, a decoder fed its own outputs). ``nn.RNN``/``nn.LSTM``/``nn.GRU`` (rnn.py) run the
same maths over a whole sequence as one fused op.
"""

from __future__ import annotations

import math
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.recurrent_cells import gru_cell, lstm_cell, rnn_cell
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.module import Module, Parameter

__all__ = ["RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


class RNNCellBase(Module):
    """The parameters every cell has: weight_ih (G·H, input_size), weight_hh (G·H, H),
    bias_ih and bias_hh (G·H,), all drawn from U(−1/√H, 1/√H), with G gate blocks."""

    gates = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        for label, n in (("input_size", input_size), ("hidden_size", hidden_size)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"{name}: {label} must be a positive int; got {n!r}.")
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        rows = self.gates * hidden_size
        self.weight_ih = Parameter(ac.zeros(rows, input_size, dtype=dtype, device=device))
        self.weight_hh = Parameter(ac.zeros(rows, hidden_size, dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(ac.zeros(rows, dtype=dtype, device=device))
            self.bias_hh = Parameter(ac.zeros(rows, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw every parameter from U(−1/√H, 1/√H) (PyTorch's default for recurrent layers)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound, generator)

    def _inputs(self, x: Tensor, hx: Any) -> tuple[Tensor, bool]:
        """The input as (B, input_size) and whether it was unbatched."""
        x = ac.as_tensor(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ShapeError(
                f"{type(self).__name__}: input must be (batch, {self.input_size}) or "
                f"({self.input_size},); got {tuple(x.shape)}. Feed one time step at a time."
            )
        return (x.reshape(1, -1), True) if x.ndim == 1 else (x, False)

    def _state(self, h: Any, x: Tensor, unbatched: bool) -> Tensor:
        if h is None:
            return ac.zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
        h = ac.as_tensor(h)
        h = h.reshape(1, -1) if unbatched and h.ndim == 1 else h
        if tuple(h.shape) != (x.shape[0], self.hidden_size):
            raise ShapeError(
                f"{type(self).__name__}: the state must have shape "
                f"({x.shape[0]}, {self.hidden_size}) for an input of shape {tuple(x.shape)}; got "
                f"{tuple(h.shape)}. Pass one state row per input row."
            )
        return h

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class RNNCell(RNNCellBase):
    """h' = φ(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), φ = tanh or relu (``torch.nn.RNNCell``).

    Args:
        input_size, hidden_size: feature sizes of x and h.
        bias: learn b_ih and b_hh.
        nonlinearity: ``"tanh"`` or ``"relu"``.

    Shape:
        x (B, input_size) or (input_size,), h (B, H) or (H,) or None (zeros) → h' like h.

    Attributes:
        weight_ih (H, input_size), weight_hh (H, H), bias_ih, bias_hh (H,): U(−1/√H, 1/√H).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.RNNCell(3, 4)(ac.ones(2, 3)).shape
        (2, 4)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        **kwargs: Any,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNNCell: nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}."
            )
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, **kwargs)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        x, single = self._inputs(x, hx)
        h = self._state(hx, x, single)
        h = rnn_cell(
            F.linear(x, self.weight_ih, self.bias_ih),
            h,
            self.weight_hh,
            self.bias_hh,
            self.nonlinearity,
        )
        return h.reshape(-1) if single else h


class LSTMCell(RNNCellBase):
    """One LSTM step (``torch.nn.LSTMCell``): with i, f, g, o the four blocks of
    x W_ihᵀ + b_ih + h W_hhᵀ + b_hh, c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g), h' = σ(o) ⊙ tanh(c').

    Shape:
        x (B, input_size), (h, c) each (B, H) or None (zeros) → (h', c').

    Attributes:
        weight_ih (4H, input_size), weight_hh (4H, H), bias_ih, bias_hh (4H,), gates in the
        order i, f, g, o: U(−1/√H, 1/√H).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> h, c = nn.LSTMCell(3, 4)(ac.ones(2, 3))
        >>> h.shape, c.shape
        ((2, 4), (2, 4))
    """

    gates = 4

    def forward(self, x: Tensor, hx: Any = None) -> tuple[Tensor, Tensor]:
        x, single = self._inputs(x, hx)
        h, c = (None, None) if hx is None else hx
        h, c = self._state(h, x, single), self._state(c, x, single)
        xw = F.linear(x, self.weight_ih, self.bias_ih)
        h, c = lstm_cell(xw, h, c, self.weight_hh, self.bias_hh)
        return (h.reshape(-1), c.reshape(-1)) if single else (h, c)


class GRUCell(RNNCellBase):
    """One GRU step (``torch.nn.GRUCell``): r, z = σ(·) of their blocks of x W_ihᵀ + b_ih +
    h W_hhᵀ + b_hh, n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.

    Shape:
        x (B, input_size), h (B, H) or None (zeros) → h' (B, H).

    Attributes:
        weight_ih (3H, input_size), weight_hh (3H, H), bias_ih, bias_hh (3H,), blocks r, z, n:
        U(−1/√H, 1/√H).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.GRUCell(3, 4)(ac.ones(2, 3)).shape
        (2, 4)
    """

    gates = 3

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        x, single = self._inputs(x, hx)
        h = self._state(hx, x, single)
        h = gru_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        return h.reshape(-1) if single else h
