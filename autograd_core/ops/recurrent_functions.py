"""The public functions of the fused recurrent ops (recurrent.py): ``rnn``, ``lstm``, ``gru``,
which check their arguments and apply the ops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core.errors import DTypeError, ShapeError
from autograd_core.ops.common import lift
from autograd_core.ops.recurrent import GRU, LSTM, RNN
from autograd_core.tensor import Tensor

__all__ = ["rnn", "lstm", "gru"]


def _xw_shape(name: str, first: Tensor, gates: int, w_ih: Tensor | None, b_ih: Tensor | None):
    """The shape (T, B, G·H) of the input projection: ``first``'s (it is xw), or that of
    x W_ihᵀ for x = ``first`` when the op is given w_ih."""
    if w_ih is None:
        if b_ih is not None:
            raise ValueError(
                f"{name}: b_ih needs w_ih (the op projects x only when given w_ih); got b_ih of "
                f"shape {tuple(b_ih.shape)} and no w_ih. Pass w_ih too, or add b_ih to xw."
            )
        return tuple(first.shape)
    G = w_ih.shape[0] if w_ih.ndim == 2 else 0
    if first.ndim != 3 or w_ih.ndim != 2 or w_ih.shape[1] != first.shape[2] or G % gates:
        raise ShapeError(
            f"{name}: with w_ih, x must be (T, B, input_size) and w_ih ({gates}·hidden_size, "
            f"input_size); got x {tuple(first.shape)} and w_ih {tuple(w_ih.shape)}. Check "
            "input_size and hidden_size against the weights."
        )
    if b_ih is not None and tuple(b_ih.shape) != (G,):
        raise ShapeError(
            f"{name}: b_ih must have shape ({G},), one bias per row of w_ih {tuple(w_ih.shape)}; "
            f"got {tuple(b_ih.shape)}. Pass the input bias of the same layer as w_ih."
        )
    return (first.shape[0], first.shape[1], G)


def _check(name: str, xw: tuple[int, ...], gates: int, states, weights, tensors):
    """Validate the shapes against the projection's shape ``xw`` and the dtypes of every
    tensor given; returns (T, B, H)."""
    if len(xw) != 3 or xw[2] % gates:
        raise ShapeError(
            f"{name}: xw must have shape (T, B, {gates}·hidden_size), the input projection of "
            f"every step; got {xw}. Compute it as linear(x, w_ih, b_ih) on x of shape "
            "(T, B, input_size), or pass x with w_ih."
        )
    T, B, H = xw[0], xw[1], xw[2] // gates
    for label, t, size in states:
        if tuple(t.shape) != (B, size):
            raise ShapeError(
                f"{name}: {label} must have shape (B, {size}) = ({B}, {size}) to match xw of "
                f"shape {xw}; got {tuple(t.shape)}. Pass one state row per sequence."
            )
    for label, t, shape in weights:
        if t is not None and tuple(t.shape) != shape:
            raise ShapeError(
                f"{name}: {label} must have shape {shape} for xw of shape {xw}; got "
                f"{tuple(t.shape)}. Check hidden_size (and proj_size) against the weights."
            )
    check_dtypes(name, tensors)
    return T, B, H


def check_dtypes(name: str, tensors: Sequence[Tensor | None]) -> None:
    """Refuse tensors (None skipped) that are not all of one floating dtype."""
    tensors = [t for t in tensors if t is not None]
    if tensors[0].dtype.kind != "f" or any(t.dtype != tensors[0].dtype for t in tensors):
        shown = ", ".join(str(t.dtype) for t in tensors)
        raise DTypeError(
            f"{name}: every input must have the same floating dtype; got {shown}. Cast them "
            "with .to(dtype) (the weights' dtype, usually)."
        )


def _no_more(name: str, extra: tuple[Any, ...]) -> None:
    if extra:
        form = "the states as a pair (h0, c0)" if name == "lstm" else "params as a list"
        raise TypeError(
            f"{name}: {len(extra)} positional argument(s) too many for the one-op form; "
            f"torch.{name}'s form takes {form}."
        )


def _lift_all(*ts: Any) -> list[Tensor | None]:
    return [None if t is None else lift(t) for t in ts]


def _projection(w_ih: Tensor | None, b_ih: Tensor | None) -> tuple[Tensor, ...]:
    return tuple(t for t in (w_ih, b_ih) if t is not None)


def _batch_sizes(name: str, lengths: Any, T: int, B: int) -> tuple[int, ...] | None:
    """How many sequences are longer than t, for each t; None when all have length T."""
    if lengths is None:
        return None
    values = lengths.tolist() if hasattr(lengths, "tolist") else list(lengths)
    ok = len(values) == B and all(isinstance(v, int) and 1 <= v <= T for v in values)
    if not ok or any(a < b for a, b in zip(values, values[1:])):
        raise ShapeError(
            f"{name}: lengths must be {B} integers between 1 and T = {T}, longest first; got "
            f"{values}. Sort the batch by decreasing length (pack_padded_sequence with "
            "enforce_sorted=False does it and undoes it)."
        )
    if all(v == T for v in values):
        return None
    return tuple(sum(1 for v in values if v > t) for t in range(T))


def rnn(
    xw: Tensor,
    h0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    w_ih: Tensor | None = None,
    b_ih: Tensor | None = None,
    *,
    nonlinearity: str = "tanh",
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """An Elman RNN over a whole sequence as one op: returns (y, h_n), see ``RNN``.

    Args:
        xw: (T, B, H) input projection x(t) W_ihᵀ + b_ih of every step; or, with ``w_ih``,
            x itself, (T, B, input_size).
        h0: (B, H) initial state.
        w_hh, b_hh: (H, H) recurrent weight and optional (H,) bias.
        w_ih, b_ih: optional (H, input_size) input weight and (H,) bias: the op then projects
            x itself (one GEMM into its workspace, see the module docstring).
        nonlinearity: ``"tanh"`` or ``"relu"``.
        lengths: per-sequence lengths, longest first (None: all T).
        reverse: run from the last step to the first (the backward half of a bidirectional
            layer).

    Example:
        >>> import autograd_core as ac
        >>> y, h = ac.rnn(ac.zeros(5, 2, 3), ac.ones(2, 3), ac.eye(3) * 0.5)
        >>> y.shape, h.shape
        ((5, 2, 3), (2, 3))
    """
    xw, h0, w_hh, b_hh, w_ih, b_ih = _lift_all(xw, h0, w_hh, b_hh, w_ih, b_ih)
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(
            f"rnn: nonlinearity must be 'tanh' or 'relu'; got {nonlinearity!r}. Pick one of them."
        )
    shape = _xw_shape("rnn", xw, 1, w_ih, b_ih)
    H = shape[2] if len(shape) == 3 else 0
    weights = [("w_hh", w_hh, (H, H)), ("b_hh", b_hh, (H,))]
    tensors = [xw, h0, w_hh, b_hh, w_ih, b_ih]
    T, B, _ = _check("rnn", shape, 1, [("h0", h0, H)], weights, tensors)
    bs = _batch_sizes("rnn", lengths, T, B)
    proj = _projection(w_ih, b_ih)
    args = [xw, h0, w_hh] + ([] if b_hh is None else [b_hh]) + list(proj)
    relu = nonlinearity == "relu"
    return RNN.apply(*args, relu=relu, batch_sizes=bs, reverse=bool(reverse), project=len(proj))


def lstm(
    xw: Tensor,
    h0: Tensor,
    c0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    w_hr: Tensor | None = None,
    w_ih: Tensor | None = None,
    b_ih: Tensor | None = None,
    *torch_form: Any,
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor, Tensor]:
    """An LSTM over a whole sequence as one op: returns (y, h_n, c_n), see ``LSTM``. Called
    as ``torch.lstm`` is, ``lstm(input, (h0, c0), params, has_biases, num_layers, dropout,
    train, bidirectional, batch_first)`` (the pair tells the forms apart), it runs every
    layer as ``nn.LSTM`` does (``recurrent_torch.torch_lstm``).

    Args:
        xw: (T, B, 4H) input projection of every step, gates in PyTorch's order i, f, g, o;
            or, with ``w_ih``, x itself, (T, B, input_size).
        h0, c0: (B, P) and (B, H) initial states (P = proj_size, or H without projection).
        w_hh, b_hh: (4H, P) recurrent weight and optional (4H,) bias.
        w_hr: optional (P, H) projection weight (PyTorch's ``proj_size``).
        w_ih, b_ih: optional (4H, input_size) input weight and (4H,) bias, as in ``rnn``.
        lengths, reverse: as in ``rnn``.

    Example:
        >>> import autograd_core as ac
        >>> y, h, c = ac.lstm(ac.zeros(5, 2, 8), ac.zeros(2, 2), ac.zeros(2, 2), ac.ones(8, 2))
        >>> y.shape, h.shape, c.shape
        ((5, 2, 2), (2, 2), (2, 2))
    """
    if isinstance(h0, (tuple, list)):
        from autograd_core.recurrent_torch import torch_lstm

        return torch_lstm(xw, h0, c0, w_hh, b_hh, w_hr, w_ih, b_ih, *torch_form)
    _no_more("lstm", torch_form)
    xw, h0, c0, w_hh, b_hh, w_hr, w_ih, b_ih = _lift_all(xw, h0, c0, w_hh, b_hh, w_hr, w_ih, b_ih)
    shape = _xw_shape("lstm", xw, 4, w_ih, b_ih)
    H = shape[2] // 4 if len(shape) == 3 else 0
    P = H if w_hr is None else w_hr.shape[0]
    weights = [("w_hh", w_hh, (4 * H, P)), ("b_hh", b_hh, (4 * H,)), ("w_hr", w_hr, (P, H))]
    tensors = [xw, h0, c0, w_hh, b_hh, w_hr, w_ih, b_ih]
    T, B, _ = _check("lstm", shape, 4, [("h0", h0, P), ("c0", c0, H)], weights, tensors)
    bs = _batch_sizes("lstm", lengths, T, B)
    proj = _projection(w_ih, b_ih)
    args = [xw, h0, c0, w_hh] + [t for t in (b_hh, w_hr) if t is not None] + list(proj)
    return LSTM.apply(
        *args, has_bias=b_hh is not None, batch_sizes=bs, reverse=bool(reverse), project=len(proj)
    )


def gru(
    xw: Tensor,
    h0: Tensor,
    w_hh: Tensor,
    b_hh: Tensor | None = None,
    w_ih: Tensor | None = None,
    b_ih: Tensor | None = None,
    *torch_form: Any,
    lengths: Sequence[int] | None = None,
    reverse: bool = False,
) -> tuple[Tensor, Tensor]:
    """A GRU over a whole sequence as one op: returns (y, h_n), see ``GRU``. Called as
    ``torch.gru`` is, ``gru(input, hx, params, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)`` (the list of parameters tells the forms apart), it runs
    every layer as ``nn.GRU`` does (``recurrent_torch.torch_gru``).

    Args:
        xw: (T, B, 3H) input projection of every step, blocks in PyTorch's order r, z, n; or,
            with ``w_ih``, x itself, (T, B, input_size).
        h0: (B, H) initial state.
        w_hh, b_hh: (3H, H) recurrent weight and optional (3H,) bias.
        w_ih, b_ih: optional (3H, input_size) input weight and (3H,) bias, as in ``rnn``.
        lengths, reverse: as in ``rnn``.

    Example:
        >>> import autograd_core as ac
        >>> y, h = ac.gru(ac.zeros(5, 2, 6), ac.zeros(2, 2), ac.ones(6, 2))
        >>> y.shape, h.shape
        ((5, 2, 2), (2, 2))
    """
    if isinstance(w_hh, (tuple, list)):
        from autograd_core.recurrent_torch import torch_gru

        return torch_gru(xw, h0, w_hh, b_hh, w_ih, b_ih, *torch_form)
    _no_more("gru", torch_form)
    xw, h0, w_hh, b_hh, w_ih, b_ih = _lift_all(xw, h0, w_hh, b_hh, w_ih, b_ih)
    shape = _xw_shape("gru", xw, 3, w_ih, b_ih)
    H = shape[2] // 3 if len(shape) == 3 else 0
    weights = [("w_hh", w_hh, (3 * H, H)), ("b_hh", b_hh, (3 * H,))]
    tensors = [xw, h0, w_hh, b_hh, w_ih, b_ih]
    T, B, _ = _check("gru", shape, 3, [("h0", h0, H)], weights, tensors)
    bs = _batch_sizes("gru", lengths, T, B)
    proj = _projection(w_ih, b_ih)
    args = [xw, h0, w_hh] + ([] if b_hh is None else [b_hh]) + list(proj)
    return GRU.apply(*args, batch_sizes=bs, reverse=bool(reverse), project=len(proj))
