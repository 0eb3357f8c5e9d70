"""PyTorch's top-level recurrent functions with their signatures: one step of a cell
(``rnn_tanh_cell``, ``rnn_relu_cell``, ``lstm_cell``, ``gru_cell``: input (B, input_size),
weights as ``nn.RNNCell`` keeps them) and whole multi-layer sequences from a flat parameter
list (``rnn_tanh``, ``rnn_relu``, and the torch forms of ``lstm`` and ``gru``: the list
``nn.RNN._flat_weights`` holds, layer by layer and direction by direction, w_ih, w_hh, then
b_ih, b_hh when ``has_biases``).

The cells are ``linear`` plus the cell functions of ops/recurrent_cells.py; the sequences run
the fused ops (``rnn``, ``lstm``, ``gru``: one op per layer direction, BPTT on arrays), as
``nn.RNN`` does. Neither keeps state: they compute what the modules compute from the same
weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.errors import ShapeError
from autograd_core.ops.common import lift
from autograd_core.ops.join import cat, stack
from autograd_core.ops.nn_ops import linear
from autograd_core.ops.recurrent_cells import gru_cell as _gru_cell
from autograd_core.ops.recurrent_cells import lstm_cell as _lstm_cell
from autograd_core.ops.recurrent_cells import rnn_cell
from autograd_core.ops.recurrent_functions import check_dtypes, gru, lstm, rnn
from autograd_core.tensor import Tensor

__all__ = ["rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell", "rnn_tanh", "rnn_relu"]
__all__ += ["torch_lstm", "torch_gru"]

_GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def _check_cell(name: str, x: Tensor, hs: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor, biases):
    """torch's checks of a cell's arguments, with the shapes seen and the fix in each message."""
    gates = _GATES[name.removesuffix("_cell")]
    H = hs[0].shape[-1] if hs[0].ndim == 2 else -1
    if x.ndim != 2 or any(h.ndim != 2 for h in hs):
        raise ShapeError(
            f"{name}: input must be (batch, input_size) and hx (batch, hidden_size); got input "
            f"{tuple(x.shape)} and hx {[tuple(h.shape) for h in hs]}. For one sample, "
            "unsqueeze(0) both (nn.RNNCell does it for you)."
        )
    if any(h.shape[0] != x.shape[0] for h in hs):
        raise ShapeError(
            f"{name}: input batch size {x.shape[0]} doesn't match hidden batch size "
            f"{[h.shape[0] for h in hs]}. Pass one state row per input row."
        )
    wanted = {"w_ih": (gates * H, x.shape[1]), "w_hh": (gates * H, H)}
    for label, w in (("w_ih", w_ih), ("w_hh", w_hh)):
        if tuple(w.shape) != wanted[label]:
            raise ShapeError(
                f"{name}: {label} must have shape {wanted[label]} ({gates}·hidden_size = "
                f"{gates * H}, input {tuple(x.shape)}, hx {tuple(hs[0].shape)}); got "
                f"{tuple(w.shape)}. Check input_size and hidden_size against the weights."
            )
    for label, b in zip(("b_ih", "b_hh"), biases):
        if b is not None and tuple(b.shape) != (gates * H,):
            raise ShapeError(
                f"{name}: {label} must have shape ({gates * H},); got {tuple(b.shape)}."
            )
    check_dtypes(name, [x, *hs, w_ih, w_hh, *biases])


def _lifted(*ts: Any) -> list[Any]:
    return [None if t is None else lift(t) for t in ts]


def rnn_tanh_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None):  # noqa: A002
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (``torch.rnn_tanh_cell``): one step of
    ``nn.RNNCell``, input (B, input_size), hx (B, H).

    Example:
        >>> import autograd_core as ac
        >>> ac.rnn_tanh_cell(ac.ones(2, 3), ac.zeros(2, 4), ac.zeros(4, 3), ac.eye(4)).shape
        (2, 4)
    """
    x, h, w_ih, w_hh, b_ih, b_hh = _lifted(input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell("rnn_tanh_cell", x, [h], w_ih, w_hh, (b_ih, b_hh))
    return rnn_cell(linear(x, w_ih, b_ih), h, w_hh, b_hh, "tanh")


def rnn_relu_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None):  # noqa: A002
    """h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (``torch.rnn_relu_cell``)."""
    x, h, w_ih, w_hh, b_ih, b_hh = _lifted(input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell("rnn_relu_cell", x, [h], w_ih, w_hh, (b_ih, b_hh))
    return rnn_cell(linear(x, w_ih, b_ih), h, w_hh, b_hh, "relu")


def lstm_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None):  # noqa: A002
    """(h', c') of one LSTM step from hx = (h, c) (``torch.lstm_cell``; gates i, f, g, o in
    the rows of w_ih and w_hh, as ``nn.LSTMCell``).

    Example:
        >>> import autograd_core as ac
        >>> h, c = ac.lstm_cell(ac.ones(2, 3), (ac.zeros(2, 4), ac.zeros(2, 4)),
        ...                     ac.zeros(16, 3), ac.zeros(16, 4))
        >>> h.shape, c.shape
        ((2, 4), (2, 4))
    """
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        got = f"{len(hx)} tensors" if isinstance(hx, (tuple, list)) else type(hx).__name__
        raise ShapeError(
            f"lstm_cell: expects two hidden states, hx = (h, c); got {got}. Pass both, "
            "each (batch, hidden_size)."
        )
    x, h, c, w_ih, w_hh, b_ih, b_hh = _lifted(input, *hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell("lstm_cell", x, [h, c], w_ih, w_hh, (b_ih, b_hh))
    return _lstm_cell(linear(x, w_ih, b_ih), h, c, w_hh, b_hh)


def gru_cell(input: Any, hx: Any, w_ih: Any, w_hh: Any, b_ih: Any = None, b_hh: Any = None):  # noqa: A002
    """h' of one GRU step (``torch.gru_cell``; blocks r, z, n, with r applied to the
    recurrent term after its bias, as ``nn.GRUCell``)."""
    x, h, w_ih, w_hh, b_ih, b_hh = _lifted(input, hx, w_ih, w_hh, b_ih, b_hh)
    _check_cell("gru_cell", x, [h], w_ih, w_hh, (b_ih, b_hh))
    return _gru_cell(linear(x, w_ih, b_ih), h, w_hh, b_hh)


def _layers(name: str, params: Sequence[Any], has_biases: bool, num_layers: int, D: int):
    """The flat parameter list cut into (w_ih, w_hh, b_ih, b_hh, w_hr) per layer direction
    (an LSTM's list may end each group with its projection w_hr, as nn.LSTM(proj_size=…)'s)."""
    per = 4 if has_biases else 2
    params = [lift(p) for p in params]
    groups = num_layers * D
    projected = name == "lstm" and len(params) == (per + 1) * groups
    if not projected and len(params) != per * groups:
        raise ShapeError(
            f"{name}: params must hold {per} tensors per layer and direction (w_ih, w_hh"
            f"{', b_ih, b_hh' if has_biases else ''}), {per * groups} for num_layers="
            f"{num_layers}{' bidirectional' if D == 2 else ''}; got {len(params)}. Pass "
            "the module's _flat_weights, or check has_biases."
        )
    per += projected
    layers = []
    for i in range(0, len(params), per):
        w_ih, w_hh, *rest = params[i : i + per]
        b_ih, b_hh = rest[:2] if has_biases else (None, None)
        layers.append((w_ih, w_hh, b_ih, b_hh, rest[-1] if projected else None))
    return layers


def _sequence(mode: str, input: Any, hx: Any, params, has_biases, num_layers, dropout, train,
              bidirectional, batch_first):  # fmt: skip
    """(output, states) of a multi-layer recurrent sequence in torch's top-level form."""
    from autograd_core.nn_functions import dropout as drop

    D = 2 if bidirectional else 1
    x = lift(input)
    states = [lift(s) for s in (hx if mode == "lstm" else [hx])]
    if x.ndim != 3 or any(s.ndim != 3 or s.shape[0] != num_layers * D for s in states):
        raise ShapeError(
            f"{mode}: input must be (T, B, input_size) ((B, T, ·) with batch_first) and hx "
            f"(num_layers·directions = {num_layers * D}, B, hidden); got input "
            f"{tuple(x.shape)}, hx {[tuple(s.shape) for s in states]}. For unbatched or "
            "packed input use the nn module."
        )
    x = x.transpose(0, 1) if batch_first else x
    layers = _layers(mode, params, bool(has_biases), int(num_layers), D)
    finals: list[list[Tensor]] = [[] for _ in states]
    for k in range(int(num_layers)):
        outs = []
        for d in range(D):
            j = k * D + d
            w_ih, w_hh, b_ih, b_hh, w_hr = layers[j]
            kw = {"w_ih": w_ih, "b_ih": b_ih, "reverse": d == 1}
            if mode == "lstm":
                y, *ends = lstm(x, states[0][j], states[1][j], w_hh, b_hh, w_hr, **kw)
            elif mode == "gru":
                y, *ends = gru(x, states[0][j], w_hh, b_hh, **kw)
            else:
                nonlinearity = "relu" if mode == "rnn_relu" else "tanh"
                y, *ends = rnn(x, states[0][j], w_hh, b_hh, nonlinearity=nonlinearity, **kw)
            outs.append(y)
            for f, e in zip(finals, ends):
                f.append(e)
        x = outs[0] if D == 1 else cat(outs, dim=-1)
        if dropout and train and k < num_layers - 1:
            x = drop(x, float(dropout), True)
    output = x.transpose(0, 1) if batch_first else x
    return output, [stack(f, dim=0) for f in finals]


def rnn_tanh(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,  # noqa: A002
             batch_first):  # fmt: skip
    """(output, h_n) of a multi-layer tanh RNN over the sequence (``torch.rnn_tanh``, what
    ``nn.RNN`` computes from its ``_flat_weights``). input (T, B, input_size), hx (L·D, B, H);
    dropout between layers when ``train``.

    Example:
        >>> import autograd_core as ac
        >>> params = [ac.zeros(4, 3), ac.eye(4), ac.zeros(4), ac.zeros(4)]
        >>> out, h = ac.rnn_tanh(ac.ones(5, 2, 3), ac.zeros(1, 2, 4), params, True, 1, 0.0,
        ...                      False, False, False)
        >>> out.shape, h.shape
        ((5, 2, 4), (1, 2, 4))
    """
    out, (h,) = _sequence("rnn_tanh", input, hx, params, has_biases, num_layers, dropout, train,
                          bidirectional, batch_first)  # fmt: skip
    return out, h


def rnn_relu(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,  # noqa: A002
             batch_first):  # fmt: skip
    """(output, h_n) of a multi-layer ReLU RNN (``torch.rnn_relu``), as ``rnn_tanh``."""
    out, (h,) = _sequence("rnn_relu", input, hx, params, has_biases, num_layers, dropout, train,
                          bidirectional, batch_first)  # fmt: skip
    return out, h


def torch_lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,  # noqa: A002
               batch_first):  # fmt: skip
    """(output, h_n, c_n): ``torch.lstm``'s form, hx = (h0, c0), each group of params ending
    with w_hr when the layers project; ``ac.lstm`` takes this form when its second argument
    is such a pair."""
    out, (h, c) = _sequence("lstm", input, hx, params, has_biases, num_layers, dropout, train,
                            bidirectional, batch_first)  # fmt: skip
    return out, h, c


def torch_gru(input, hx, params, has_biases, num_layers, dropout, train, bidirectional,  # noqa: A002
              batch_first):  # fmt: skip
    """(output, h_n): ``torch.gru``'s form; ``ac.gru`` takes it when its third argument is the
    parameter list."""
    out, (h,) = _sequence("gru", input, hx, params, has_biases, num_layers, dropout, train,
                          bidirectional, batch_first)  # fmt: skip
    return out, h
