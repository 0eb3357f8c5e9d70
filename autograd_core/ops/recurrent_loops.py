"""The array loops of the fused recurrent ops (recurrent.py): each cell's forward over a whole
sequence, saving its gates, and the reverse loop of back-propagation through time that reuses
them.

Layout shared by every loop. ``xw`` is the input projection x(t) W_ihᵀ + b_ih of all steps,
(T, B, G·H) with the G gate blocks in PyTorch's order. The states live in one array ``S`` of
T + 1 rows indexed by time: step t reads ``prev[t]`` and writes ``new[t]``, where
``prev, new = S[:-1], S[1:]`` running forward and ``S[1:], S[:-1]`` running in reverse (the
initial state sits in row 0, or row T in reverse). So the gates, the states and the gradients
all line up by t, ``new`` is already the output sequence, and the weight gradients are one GEMM
over all steps at the end (Σ_t ā(t)ᵀ h(t−1) = Āᵀ H_prev with the steps stacked as rows).

Variable lengths come as ``batch_sizes``: at step t only the first ``batch_sizes[t]`` rows (the
sequences longer than t, sorted longest first) are updated; the others keep their state, so a
sequence's final state is the one at its true end, and in reverse its state starts at its own
last element. In backward those rows pass their gradient through unchanged.

Per step the gate math is a handful of NumPy calls on contiguous blocks: the derivative factors
that do not depend on the recurrent gradient (σ' = s(1 − s), 1 − tanh², …) are computed for all
steps at once before the reverse loop.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "rnn_forward",
    "rnn_backward",
    "lstm_forward",
    "lstm_backward",
    "gru_forward",
    "gru_backward",
    "state_views",
]


def state_views(S: Any, reverse: bool) -> tuple[Any, Any]:
    """(prev, new): the states before and after each step t, both indexed by t."""
    return (S[1:], S[:-1]) if reverse else (S[:-1], S[1:])


def _order(T: int, reverse: bool) -> range:
    return range(T - 1, -1, -1) if reverse else range(T)


def _rows(batch_sizes: tuple[int, ...] | None, t: int, B: int) -> int:
    return B if batch_sizes is None else batch_sizes[t]


def _alloc(xp: Any, shape: tuple[int, ...], dtype: Any, masked: bool) -> Any:
    # Rows past a sequence's end are never written: zeros keep them finite for the bulk maths.
    return xp.zeros(shape, dtype) if masked else xp.empty(shape, dtype)


def _seed(xp: Any, g: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """A writable gradient buffer holding ``g`` (zeros when no gradient arrived)."""
    return xp.zeros(shape, dtype) if g is None else xp.array(g, dtype=dtype, copy=True)


def _new_states(xp: Any, h0: Any, T: int, reverse: bool, masked: bool) -> Any:
    S = _alloc(xp, (T + 1, *h0.shape), h0.dtype, masked)
    S[T if reverse else 0] = h0
    return S


# -- Elman RNN: h(t) = φ(xw(t) + h(t−1) W_hhᵀ + b_hh) ----------------------------------------


def rnn_forward(xp: Any, xw: Any, h0: Any, w_hh: Any, b_hh: Any, relu: bool, bs: Any, rev: bool):
    T, B, _ = xw.shape
    x = xw if b_hh is None else xw + b_hh
    S = _new_states(xp, h0, T, rev, bs is not None)
    prev, new = state_views(S, rev)
    w_t = xp.ascontiguousarray(w_hh.T)  # a transposed view makes every step's GEMM slower
    for t in _order(T, rev):
        n = _rows(bs, t, B)
        h = new[t, :n]
        xp.matmul(prev[t, :n], w_t, out=h)
        h += x[t, :n]
        if relu:
            xp.maximum(h, 0, out=h)
        else:
            xp.tanh(h, out=h)
        if n < B:
            new[t, n:] = prev[t, n:]
    return S


def rnn_backward(xp: Any, S: Any, w_hh: Any, gys: Any, gh: Any, relu: bool, bs: Any, rev: bool):
    """Returns (x̄w, h̄0, W̄_hh, b̄_hh): the seeds' BPTT equations, see ``RNN``."""
    prev, new = state_views(S, rev)
    T, B, H = new.shape
    # diag(1 − h(t)²) (tanh) or 1[h(t) > 0] (relu) for every step at once
    fac = (new > 0).astype(new.dtype) if relu else 1 - new * new
    da = _alloc(xp, new.shape, new.dtype, bs is not None)
    gh = _seed(xp, gh, (B, H), new.dtype)
    w = xp.ascontiguousarray(w_hh)
    for t in _order(T, not rev):
        n = _rows(bs, t, B)
        g = gh[:n]
        if gys is not None:
            g += gys[t, :n]  # ∇_h(t) L gathers the output's gradient and the next step's
        xp.multiply(g, fac[t, :n], out=da[t, :n])  # ā(t) = diag(1 − h(t)²) ∇_h(t) L
        xp.matmul(da[t, :n], w, out=g)  # ∇_h(t−1) L += W_hhᵀ ā(t)
    flat = da.reshape(T * B, H)
    gw = flat.T @ prev.reshape(T * B, H)  # ∇_W L = Σ_t ā(t) h(t−1)ᵀ
    return da, gh, gw, flat.sum(axis=0)  # ∇_U L flows through x̄w = ā; ∇_b L = Σ_t ā(t)


# -- LSTM ------------------------------------------------------------------------------------
# The four gates i, f, g, o in one (B, 4H) block. σ(a) = ½ tanh(a/2) + ½, so with the i, f, o
# pre-activations halved (exact: a power of two) one tanh over the whole block, one multiply
# and one add give all four nonlinearities.


def _lstm_affine(xp: Any, H: int, dtype: Any) -> tuple[Any, Any]:
    half = xp.full((4, H), 0.5, dtype)
    half[2] = 1.0
    shift = xp.full((4, H), 0.5, dtype)
    shift[2] = 0.0
    return half.reshape(-1), shift.reshape(-1)


def lstm_forward(xp: Any, xw: Any, h0: Any, c0: Any, w_hh: Any, b_hh: Any, w_hr: Any, bs, rev):
    """Returns the saved arrays (S, C, G, TC, M): states h, cells c, gates, tanh c(t), and
    o ⊙ tanh c(t) before the projection (None without ``w_hr``)."""
    T, B, G4 = xw.shape
    H, masked, dtype = G4 // 4, bs is not None, xw.dtype
    half, shift = _lstm_affine(xp, H, dtype)
    x = xw * half if b_hh is None else (xw + b_hh) * half
    w_t = xp.ascontiguousarray((w_hh * half[:, None]).T)
    S = _new_states(xp, h0, T, rev, masked)
    C = _new_states(xp, c0, T, rev, masked)
    G = _alloc(xp, (T, B, G4), dtype, masked)
    TC = _alloc(xp, (T, B, H), dtype, masked)
    M = None if w_hr is None else _alloc(xp, (T, B, H), dtype, masked)
    h_prev, h_new = state_views(S, rev)
    c_prev, c_new = state_views(C, rev)
    for t in _order(T, rev):
        n = _rows(bs, t, B)
        g = G[t, :n]
        xp.matmul(h_prev[t, :n], w_t, out=g)
        g += x[t, :n]
        xp.tanh(g, out=g)
        g *= half
        g += shift  # i, f, o = σ(a), g = tanh(a)
        c = c_new[t, :n]
        xp.multiply(g[:, H : 2 * H], c_prev[t, :n], out=c)
        c += g[:, :H] * g[:, 2 * H : 3 * H]  # c(t) = f ⊙ c(t−1) + i ⊙ g
        tc = xp.tanh(c, out=TC[t, :n])
        if M is None:
            xp.multiply(g[:, 3 * H :], tc, out=h_new[t, :n])  # h(t) = o ⊙ tanh c(t)
        else:
            m = xp.multiply(g[:, 3 * H :], tc, out=M[t, :n])
            xp.matmul(m, w_hr.T, out=h_new[t, :n])  # h(t) = (o ⊙ tanh c(t)) W_hrᵀ
        if n < B:
            h_new[t, n:] = h_prev[t, n:]
            c_new[t, n:] = c_prev[t, n:]
    return S, C, G, TC, M


def lstm_backward(xp: Any, saved: Any, w_hh: Any, w_hr: Any, gys: Any, gh: Any, gc: Any, bs, rev):
    """Returns (x̄w, h̄0, c̄0, W̄_hh, b̄_hh, W̄_hr)."""
    S, C, G, TC, M = saved
    h_prev, _ = state_views(S, rev)
    c_prev, _ = state_views(C, rev)
    T, B, G4 = G.shape
    H, P, dtype = G4 // 4, S.shape[-1], G.dtype
    # dgate/da for all steps, G ⊙ (lin − G) + const: σ' = s − s² for i, f, o (lin 1, const 0)
    # and tanh' = 1 − g² for g (lin 0, const 1). Each block is then multiplied by what c̄(t)
    # (i, f, g) or m̄(t) (o) meets on its way to the gate: [g, c(t−1), i | tanh c(t)]. The
    # reverse loop overwrites these factors with ā(t) in place: one array instead of four.
    lin = xp.ones(G4, dtype)
    lin[2 * H : 3 * H] = 0.0
    da = lin - G
    da *= G
    da += 1.0 - lin
    dar, Gr = da.reshape(T, B, 4, H), G.reshape(T, B, 4, H)
    dar[:, :, 0] *= Gr[:, :, 2]
    dar[:, :, 1] *= c_prev
    dar[:, :, 2] *= Gr[:, :, 0]
    dar[:, :, 3] *= TC
    c_fac = TC * TC  # c̄(t) += m̄ ⊙ o ⊙ (1 − tanh² c)
    xp.subtract(1.0, c_fac, out=c_fac)
    c_fac *= Gr[:, :, 3]
    f = Gr[:, :, 1]
    gh = _seed(xp, gh, (B, P), dtype)
    gc = _seed(xp, gc, (B, H), dtype)
    GH = None if w_hr is None else xp.zeros((T, B, P), dtype)
    w = xp.ascontiguousarray(w_hh)
    for t in _order(T, not rev):
        n = _rows(bs, t, B)
        g = gh[:n]
        if gys is not None:
            g += gys[t, :n]
        if GH is not None:
            GH[t, :n] = g
            g = g @ w_hr  # m̄(t) = h̄(t) W_hr
        c = gc[:n]
        c += g * c_fac[t, :n]
        a = dar[t, :n]
        xp.multiply(c[:, None, :], a[:, :3], out=a[:, :3])
        xp.multiply(g, a[:, 3], out=a[:, 3])
        if n < B:
            da[t, n:] = 0.0  # rows past their sequence's end: no gradient
        c *= f[t, :n]  # c̄(t−1) = c̄(t) ⊙ f
        xp.matmul(da[t, :n], w, out=gh[:n])  # h̄(t−1) = ā(t) W_hh
    flat = da.reshape(T * B, G4)
    gw = flat.T @ h_prev.reshape(T * B, P)
    gw_hr = None if GH is None else GH.reshape(T * B, P).T @ M.reshape(T * B, H)
    return da, gh, gc, gw, flat.sum(axis=0), gw_hr


# -- GRU: r, z = σ(·), n = tanh(xw_n + r ⊙ (h W_hnᵀ + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h --------


def gru_forward(xp: Any, xw: Any, h0: Any, w_hh: Any, b_hh: Any, bs: Any, rev: bool):
    """Returns the saved arrays (S, G, HN): states, gates r, z, n, and h W_hnᵀ + b_hn."""
    T, B, G3 = xw.shape
    H, masked, dtype = G3 // 3, bs is not None, xw.dtype
    S = _new_states(xp, h0, T, rev, masked)
    G = _alloc(xp, (T, B, G3), dtype, masked)
    HH = xp.empty((B, G3), dtype)
    HN = _alloc(xp, (T, B, H), dtype, masked)
    prev, new = state_views(S, rev)
    w_t = xp.ascontiguousarray(w_hh.T)  # a transposed view makes every step's GEMM slower
    for t in _order(T, rev):
        n = _rows(bs, t, B)
        g, hh, x = G[t, :n], HH[:n], xw[t, :n]
        xp.matmul(prev[t, :n], w_t, out=hh)
        if b_hh is not None:
            hh += b_hh
        rz = xp.add(x[:, : 2 * H], hh[:, : 2 * H], out=g[:, : 2 * H])
        rz *= 0.5
        xp.tanh(rz, out=rz)
        rz *= 0.5
        rz += 0.5  # σ(a) = ½ tanh(a/2) + ½
        HN[t, :n] = hh[:, 2 * H :]
        cand = xp.multiply(g[:, :H], hh[:, 2 * H :], out=g[:, 2 * H :])
        cand += x[:, 2 * H :]
        xp.tanh(cand, out=cand)
        h = xp.subtract(prev[t, :n], cand, out=new[t, :n])
        h *= g[:, H : 2 * H]
        h += cand  # h(t) = n + z ⊙ (h(t−1) − n)
        if n < B:
            new[t, n:] = prev[t, n:]
    return S, G, HN


def gru_backward(xp: Any, saved: Any, w_hh: Any, gys: Any, gh: Any, bs: Any, rev: bool):
    """Returns (x̄w, h̄0, W̄_hh, b̄_hh)."""
    S, G, HN = saved
    prev, _ = state_views(S, rev)
    T, B, G3 = G.shape
    H, dtype = G3 // 3, G.dtype
    Gr = G.reshape(T, B, 3, H)
    r, z, n_ = Gr[:, :, 0], Gr[:, :, 1], Gr[:, :, 2]
    # h̄ multiplies [(h(t−1) − n) σ'(z), (1 − z)(1 − n²)] for the z and n blocks of x̄w
    zn = xp.empty((T, B, 2, H), dtype)
    xp.multiply(prev - n_, z - z * z, out=zn[:, :, 0])
    xp.multiply(1 - z, 1 - n_ * n_, out=zn[:, :, 1])
    r_fac = HN * (r - r * r)  # ā_r = ā_n ⊙ (h W_hnᵀ + b_hn) σ'(r)
    masked = bs is not None
    dx = _alloc(xp, G.shape, dtype, masked)
    dh = _alloc(xp, G.shape, dtype, masked)  # the gradient of h W_hhᵀ + b_hh
    dxr = dx.reshape(T, B, 3, H)
    gh = _seed(xp, gh, (B, H), dtype)
    w = xp.ascontiguousarray(w_hh)
    for t in _order(T, not rev):
        n = _rows(bs, t, B)
        g = gh[:n]
        if gys is not None:
            g += gys[t, :n]
        xp.multiply(g[:, None, :], zn[t, :n], out=dxr[t, :n, 1:])
        xp.multiply(dxr[t, :n, 2], r_fac[t, :n], out=dxr[t, :n, 0])
        dh[t, :n, : 2 * H] = dx[t, :n, : 2 * H]
        xp.multiply(dxr[t, :n, 2], r[t, :n], out=dh[t, :n, 2 * H :])
        g *= z[t, :n]  # h̄(t−1) = h̄(t) ⊙ z + [ā_r, ā_z, r ⊙ ā_n] W_hh
        g += dh[t, :n] @ w
    flat = dh.reshape(T * B, G3)
    gw = flat.T @ prev.reshape(T * B, H)
    return dx, gh, gw, flat.sum(axis=0)
