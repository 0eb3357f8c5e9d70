"""OpSpecs of the fused recurrent ops (ops/recurrent.py): short sequences, every option (bias,
projection, reverse, variable lengths), with plain NumPy loops as forward oracles."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _loop(cell, xw, states, lengths, reverse):
    """Run ``cell(xw_t, states) -> states`` (states[0] is h) over time with the ops' rules for
    lengths and reverse; returns (y, final states)."""
    T, B = xw.shape[:2]
    lengths = np.full(B, T) if lengths is None else np.asarray(lengths)
    ys = np.zeros((T, B, states[0].shape[1]), xw.dtype)
    for t in range(T - 1, -1, -1) if reverse else range(T):
        new = cell(xw[t], states)
        active = (lengths > t)[:, None]
        states = tuple(np.where(active, n, s) for n, s in zip(new, states))
        ys[t] = np.where(active, states[0], 0)
    return ys, states


def _project(xw, w_ih, b_ih):
    """xw itself, or x W_ihᵀ + b_ih when the op is given w_ih (then xw is x)."""
    return xw if w_ih is None else xw @ w_ih.T + (0 if b_ih is None else b_ih)


def _rnn_ref(
    xw, h0, w_hh, b_hh=None, w_ih=None, b_ih=None, nonlinearity="tanh", lengths=None, reverse=False
):
    xw = _project(xw, w_ih, b_ih)

    def cell(x, s):
        a = x + s[0] @ w_hh.T + (0 if b_hh is None else b_hh)
        return (np.maximum(a, 0) if nonlinearity == "relu" else np.tanh(a),)

    ys, (h,) = _loop(cell, xw, (h0,), lengths, reverse)
    return ys, h


def _lstm_ref(
    xw, h0, c0, w_hh, b_hh=None, w_hr=None, w_ih=None, b_ih=None, lengths=None, reverse=False
):
    xw = _project(xw, w_ih, b_ih)

    def cell(x, s):
        i, f, g, o = np.split(x + s[0] @ w_hh.T + (0 if b_hh is None else b_hh), 4, axis=-1)
        c = _sigmoid(f) * s[1] + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        return (h if w_hr is None else h @ w_hr.T), c

    ys, (h, c) = _loop(cell, xw, (h0, c0), lengths, reverse)
    return ys, h, c


def _gru_ref(xw, h0, w_hh, b_hh=None, w_ih=None, b_ih=None, lengths=None, reverse=False):
    xw = _project(xw, w_ih, b_ih)

    def cell(x, s):
        xr, xz, xn = np.split(x, 3, axis=-1)
        hr, hz, hn = np.split(s[0] @ w_hh.T + (0 if b_hh is None else b_hh), 3, axis=-1)
        r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        return ((1 - z) * n + z * s[0],)

    ys, (h,) = _loop(cell, xw, (h0,), lengths, reverse)
    return ys, h


T, B, H = 3, 3, 2
I = 2  # input size of the cases where the op projects x itself (w_ih given)  # noqa: E741
LENGTHS = {"lengths": (3, 2, 1)}


def _rnn_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((T, B, H)), r((B, H)), r((H, H)), r(H)), {}, "tanh with bias"),
        Case((r((T, B, H)), r((B, H)), r((H, H))), {}, "tanh no bias"),
        Case((r((T, B, H)), r((B, H)), r((H, H)), r(H)), {"nonlinearity": "relu"}, "relu"),
        Case((r((T, B, H)), r((B, H)), r((H, H)), r(H)), {"reverse": True}, "reverse"),
        Case((r((T, B, H)), r((B, H)), r((H, H)), r(H)), dict(LENGTHS), "lengths"),
        Case(
            (r((T, B, H)), r((B, H)), r((H, H)), r(H)),
            {**LENGTHS, "reverse": True},
            "lengths reverse",
        ),
        Case((r((1, 1, 1)), r((1, 1)), r((1, 1))), {}, "one step, size 1"),
        Case((noncontig(r((T, B, H))), r((B, H)), r((H, H)).T, r(H)), {}, "non-contiguous"),
        Case((r((T, B, I)), r((B, H)), r((H, H)), r(H), r((H, I)), r(H)), {}, "projects x"),
        Case(
            (r((T, B, I)), r((B, H)), r((H, H)), None, r((H, I))),
            {**LENGTHS, "reverse": True, "nonlinearity": "relu"},
            "projects x, no biases, relu, lengths, reverse",
        ),
    ]


def _lstm_cases(rng):
    r = rng.standard_normal
    P = 1
    return [
        Case((r((T, B, 4 * H)), r((B, H)), r((B, H)), r((4 * H, H)), r(4 * H)), {}, "with bias"),
        Case((r((T, B, 4 * H)), r((B, H)), r((B, H)), r((4 * H, H))), {}, "no bias"),
        Case(
            (r((T, B, 4 * H)), r((B, P)), r((B, H)), r((4 * H, P)), r(4 * H), r((P, H))),
            {},
            "projection",
        ),
        Case(
            (r((T, B, 4 * H)), r((B, P)), r((B, H)), r((4 * H, P)), None, r((P, H))),
            {**LENGTHS, "reverse": True},
            "projection, no bias, lengths, reverse",
        ),
        Case(
            (r((T, B, 4 * H)), r((B, H)), r((B, H)), r((4 * H, H)), r(4 * H)),
            dict(LENGTHS),
            "lengths",
        ),
        Case(
            (noncontig(r((T, B, 4 * H))), r((B, H)), r((B, H)), r((H, 4 * H)).T, r(4 * H)),
            {"reverse": True},
            "non-contiguous, reverse",
        ),
        Case(
            (
                r((T, B, I)),
                r((B, H)),
                r((B, H)),
                r((4 * H, H)),
                None,
                None,
                r((4 * H, I)),
                r(4 * H),
            ),
            {},
            "projects x",
        ),
        Case(
            (r((T, B, I)), r((B, P)), r((B, H)), r((4 * H, P)), r(4 * H), r((P, H)), r((4 * H, I))),
            {**LENGTHS, "reverse": True},
            "projects x (no b_ih), projection, lengths, reverse",
        ),
        Case(
            (r((T, B, I)), r((B, H)), r((B, H)), r((4 * H, H)), r(4 * H), None, r((4 * H, I)))
            + (r(4 * H),),
            {"reverse": True},
            "projects x, both biases, reverse",
        ),
    ]


def _gru_cases(rng):
    r = rng.standard_normal
    return [
        Case((r((T, B, 3 * H)), r((B, H)), r((3 * H, H)), r(3 * H)), {}, "with bias"),
        Case((r((T, B, 3 * H)), r((B, H)), r((3 * H, H))), {}, "no bias"),
        Case((r((T, B, 3 * H)), r((B, H)), r((3 * H, H)), r(3 * H)), {"reverse": True}, "reverse"),
        Case(
            (r((T, B, 3 * H)), r((B, H)), r((3 * H, H)), r(3 * H)),
            {**LENGTHS, "reverse": True},
            "lengths reverse",
        ),
        Case(
            (noncontig(r((T, B, 3 * H))), r((B, H)), r((H, 3 * H)).T, r(3 * H)),
            dict(LENGTHS),
            "non-contiguous, lengths",
        ),
        Case(
            (r((T, B, I)), r((B, H)), r((3 * H, H)), r(3 * H), r((3 * H, I)), r(3 * H)),
            dict(LENGTHS),
            "projects x, lengths",
        ),
    ]


_NOTES = (
    "One op per layer direction; a recorded backward unrolls the cells (ops/recurrent_cells.py), "
    "so the second order checks those against finite differences of the fused VJP."
)

OP_DB += [
    OpSpec("rnn", ac.rnn, _rnn_cases, ref=_rnn_ref, notes=_NOTES),
    OpSpec("lstm", ac.lstm, _lstm_cases, ref=_lstm_ref, notes=_NOTES),
    OpSpec("gru", ac.gru, _gru_cases, ref=_gru_ref, notes=_NOTES),
]
