"""Recurrent layers over whole sequences, ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU``, with PyTorch's
arguments, parameter names, initialisation and output shapes.

Each layer and direction is one GEMM for the input projection of every step (``linear``) and
one fused sequence op for the recurrence (``ac.rnn``/``ac.lstm``/``ac.gru``), whose backward
is back-propagation through time on arrays. Packed variable-length batches
(``nn.utils.rnn.pack_padded_sequence``) give each sequence's final state at its true end.
"""

from __future__ import annotations

import math
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.module import Module, Parameter
from nn.utils.rnn import PackedSequence, repack, sorted_padded

__all__ = ["RNNBase", "RNN", "LSTM", "GRU"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: the stacked, optionally bidirectional layers,
    their parameters, and the forward over padded or packed batches.

    Parameters of layer k (direction suffix ``""`` or ``"_reverse"``), in PyTorch's order and
    names: ``weight_ih_l{k}`` (G·H, input size of the layer), ``weight_hh_l{k}`` (G·H, P),
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` (G·H,), and with ``proj_size`` ``weight_hr_l{k}``
    (P, H); G is the number of gate blocks, P = proj_size or H. All are drawn from
    U(−1/√H, 1/√H).
    """

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        for label, n, low in (
            ("input_size", input_size, 1),
            ("hidden_size", hidden_size, 1),
            ("num_layers", num_layers, 1),
            ("proj_size", proj_size, 0),
        ):
            if isinstance(n, bool) or not isinstance(n, int) or n < low:
                raise ValueError(f"{name}: {label} must be an int >= {low}; got {n!r}.")
        if proj_size and (mode != "LSTM" or proj_size >= hidden_size):
            raise ValueError(
                f"{name}: proj_size={proj_size} needs an LSTM with hidden_size > proj_size "
                f"(hidden_size={hidden_size}). Use nn.LSTM with a smaller proj_size, or 0."
            )
        if not 0.0 <= float(dropout) <= 1.0:
            raise ValueError(f"{name}: dropout must be in [0, 1]; got {dropout!r}.")
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        self.generator = generator
        G, H, P = _GATES[mode], hidden_size, proj_size or hidden_size
        D = 2 if bidirectional else 1

        def param(*shape: int) -> Parameter:
            return Parameter(ac.zeros(*shape, dtype=dtype, device=device))

        for k in range(num_layers):
            for sfx in ("", "_reverse")[:D]:
                n_in = input_size if k == 0 else P * D
                setattr(self, f"weight_ih_l{k}{sfx}", param(G * H, n_in))
                setattr(self, f"weight_hh_l{k}{sfx}", param(G * H, P))
                if bias:
                    setattr(self, f"bias_ih_l{k}{sfx}", param(G * H))
                    setattr(self, f"bias_hh_l{k}{sfx}", param(G * H))
                if proj_size:
                    setattr(self, f"weight_hr_l{k}{sfx}", param(P, H))
        self.reset_parameters(generator)

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw every parameter from U(−1/√H, 1/√H), PyTorch's default."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound, generator)

    def flatten_parameters(self) -> None:
        """Does nothing: PyTorch packs the weights for cuDNN here; the fused ops read the
        parameters as they are. Kept so that PyTorch scripts run unchanged."""

    def _layer(self, k: int, sfx: str) -> tuple[Any, ...]:
        get = self._parameters.get
        return tuple(
            get(f"{n}_l{k}{sfx}")
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        )

    def _states(self, hx: Any, B: int, x: Tensor, unbatched: bool, order: Any) -> list[Tensor]:
        """The initial state(s) as (L·D, B, ·) tensors: hx, or zeros."""
        D = 2 if self.bidirectional else 1
        P = self.proj_size or self.hidden_size
        sizes = [P, self.hidden_size] if self.mode == "LSTM" else [P]
        given = [None] * len(sizes) if hx is None else hx if self.mode == "LSTM" else [hx]
        if (
            self.mode == "LSTM"
            and hx is not None
            and (not isinstance(hx, (tuple, list)) or len(hx) != 2)
        ):
            raise ShapeError("LSTM: hx must be a pair (h0, c0) of tensors. Pass (h0, c0) or None.")
        states = []
        for label, s, size in zip(("h0", "c0"), given, sizes):
            if s is None:
                states.append(
                    ac.zeros(self.num_layers * D, B, size, dtype=x.dtype, device=x.device)
                )
                continue
            s = ac.as_tensor(s)
            s = s.reshape(s.shape[0], 1, -1) if unbatched and s.ndim == 2 else s
            expected = (self.num_layers * D, B, size)
            if tuple(s.shape) != expected:
                raise ShapeError(
                    f"{type(self).__name__}: {label} must have shape (num_layers * "
                    f"num_directions, batch, {size}) = {expected}; got {tuple(s.shape)}. "
                    "Pass zeros of that shape, or None."
                )
            states.append(s if order is None else s[:, order])
        return states

    def _direction(self, x, k, sfx, states, j, lengths) -> tuple[Tensor, list[Tensor]]:
        w_ih, w_hh, b_ih, b_hh, w_hr = self._layer(k, sfx)
        if b_hh is not None and self.mode != "GRU":
            # b_hh enters every step's pre-activation next to b_ih: add it once, to the
            # projection of all steps, instead of in the loop (and Σ_t ā(t) is summed once
            # for both). The GRU's b_hn sits inside r ⊙ (h W_hnᵀ + b_hn) and stays in the op.
            b_ih, b_hh = b_ih + b_hh, None
        # The op projects x itself (one GEMM for every step) into its workspace
        rev, proj = sfx == "_reverse", {"w_ih": w_ih, "b_ih": b_ih, "lengths": lengths}
        if self.mode == "LSTM":
            y, h, c = ac.lstm(x, states[0][j], states[1][j], w_hh, b_hh, w_hr, reverse=rev, **proj)
            return y, [h, c]
        if self.mode == "GRU":
            y, h = ac.gru(x, states[0][j], w_hh, b_hh, reverse=rev, **proj)
            return y, [h]
        nonlinearity = "relu" if self.mode == "RNN_RELU" else "tanh"
        y, h = ac.rnn(x, states[0][j], w_hh, b_hh, nonlinearity=nonlinearity, reverse=rev, **proj)
        return y, [h]

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        """Run every layer over the sequence; returns (output, h_n) (LSTM: (output, (h_n,
        c_n))). Input (T, B, input_size) (``batch_first``: (B, T, ·)), (T, input_size)
        unbatched, or a PackedSequence; output (T, B, D·P) alike (packed when the input was)."""
        packed = isinstance(input, PackedSequence)
        lengths, order, unbatched = None, None, False
        if packed:
            x, lengths = sorted_padded(input)
            order, unorder = input.sorted_indices, input.unsorted_indices
        else:
            x = ac.as_tensor(input)
            unbatched = x.ndim == 2
            if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
                raise ShapeError(
                    f"{type(self).__name__}: input must be (T, B, {self.input_size}) "
                    f"({'batch_first: (B, T, ·)' if self.batch_first else 'or batch_first'}), "
                    f"(T, {self.input_size}) or a PackedSequence; got {tuple(x.shape)}. Check "
                    "input_size and batch_first."
                )
            x = x.reshape(x.shape[0], 1, -1) if unbatched else x
            x = x.transpose(0, 1) if self.batch_first and not unbatched else x
        B = x.shape[1]
        order_ = None if order is None else order.numpy()
        states = self._states(hx, B, x, unbatched, order_)
        finals: list[list[Tensor]] = [[] for _ in states]
        sfxs = ("", "_reverse") if self.bidirectional else ("",)
        for k in range(self.num_layers):
            outs = []
            for d, sfx in enumerate(sfxs):
                y, ends = self._direction(x, k, sfx, states, k * len(sfxs) + d, lengths)
                outs.append(y)
                for f, e in zip(finals, ends):
                    f.append(e)
            x = outs[0] if len(outs) == 1 else ac.cat(outs, dim=-1)
            if self.dropout and self.training and k < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True, generator=self.generator)
        ends = [ac.stack(f, dim=0) for f in finals]
        if packed:
            output: Any = PackedSequence(repack(x, input.batch_sizes), *input[1:])
            if unorder is not None:
                ends = [e[:, unorder.numpy()] for e in ends]
        elif unbatched:
            output, ends = x.reshape(x.shape[0], -1), [e.reshape(e.shape[0], -1) for e in ends]
        else:
            output = x.transpose(0, 1) if self.batch_first else x
        return output, (tuple(ends) if self.mode == "LSTM" else ends[0])

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        for name, default in (
            ("num_layers", 1),
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0.0),
            ("bidirectional", False),
            ("proj_size", 0),
        ):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s


class RNN(RNNBase):
    """An Elman RNN, h(t) = φ(x(t) W_ihᵀ + b_ih + h(t−1) W_hhᵀ + b_hh), φ = tanh or relu, over
    whole sequences (``torch.nn.RNN``).

    Args:
        input_size, hidden_size: feature sizes of x and h.
        num_layers: stacked layers, each reading the previous one's outputs.
        nonlinearity: ``"tanh"`` or ``"relu"``.
        bias: learn b_ih and b_hh.
        batch_first: input and output are (B, T, ·) instead of (T, B, ·).
        dropout: dropout probability on the outputs of every layer but the last (training only).
        bidirectional: add a layer running backwards in time; outputs are concatenated.
        generator: random source of the initial weights and of the dropout masks.

    Shape:
        input (T, B, input_size), h0 (L·D, B, H) or None → output (T, B, D·H), h_n (L·D, B, H),
        with D = 2 if bidirectional else 1. Packed input gives packed output.

    Attributes:
        weight_ih_l{k}[_reverse], weight_hh_l{k}[_reverse], bias_ih_l{k}[_reverse],
        bias_hh_l{k}[_reverse]: see ``RNNBase``; U(−1/√H, 1/√H).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y, h = nn.RNN(3, 4, num_layers=2, bidirectional=True)(ac.ones(5, 2, 3))
        >>> y.shape, h.shape
        ((5, 2, 8), (4, 2, 4))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        **kwargs: Any,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}.")
        self.nonlinearity = nonlinearity
        super().__init__(
            f"RNN_{nonlinearity.upper()}", input_size, hidden_size, num_layers, **kwargs
        )


class LSTM(RNNBase):
    """A long short-term memory layer over whole sequences (``torch.nn.LSTM``): per step, with
    i, f, g, o the blocks of x W_ihᵀ + b_ih + h W_hhᵀ + b_hh, c = σ(f) ⊙ c + σ(i) ⊙ tanh g,
    h = σ(o) ⊙ tanh c (times W_hrᵀ with ``proj_size``).

    Args: as ``RNN`` (no nonlinearity), plus ``proj_size``: project h to this size (< H).

    Shape:
        input (T, B, input_size), (h0, c0) of (L·D, B, P) and (L·D, B, H), or None → output
        (T, B, D·P), (h_n, c_n) like (h0, c0); P = proj_size or H.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y, (h, c) = nn.LSTM(3, 4, proj_size=2, batch_first=True)(ac.ones(2, 5, 3))
        >>> y.shape, h.shape, c.shape
        ((2, 5, 2), (1, 2, 2), (1, 2, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, **kwargs: Any):
        super().__init__("LSTM", input_size, hidden_size, num_layers, **kwargs)


class GRU(RNNBase):
    """A gated recurrent unit layer over whole sequences (``torch.nn.GRU``): r, z = σ(·),
    n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn)), h = (1 − z) ⊙ n + z ⊙ h.

    Args and Shape: as ``RNN`` (no nonlinearity).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> y, h = nn.GRU(3, 4)(ac.ones(5, 2, 3))
        >>> y.shape, h.shape
        ((5, 2, 4), (1, 2, 4))
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, **kwargs: Any):
        super().__init__("GRU", input_size, hidden_size, num_layers, **kwargs)
