"""OpSpecs of svd, qr and matrix_exp: random (generically full-rank, distinct singular values)
matrices, tall, wide and square, batched, 1×1, empty batches and non-contiguous inputs. The
singular vectors' signs are arbitrary, so svd is checked through (U ∘ U, S, Vh ∘ Vh)."""

from __future__ import annotations

import math

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _torch_linalg():
    import torch  # only called by the torch comparison, which skips without torch

    return torch.linalg


def _shapes_cases(rng, shapes, kwargs=None):
    kw = {} if kwargs is None else kwargs
    cases = [Case((rng.standard_normal(s),), dict(kw), f"{s}") for s in shapes]
    cases.append(Case((noncontig(rng.standard_normal((2, 4, 3))),), dict(kw), "non-contiguous"))
    return cases


_SHAPES = [(3, 3), (4, 2), (2, 4), (2, 3, 4), (1, 1), (0, 3, 2)]


def _separated(rng, batch, n):
    """Matrices U·diag(n, …, 2, 1)·Vᵀ with random orthogonal U, V: singular values 1 apart, so
    that the SVD's gradient (1/(s_j² − s_i²) terms) is well conditioned in float32 too."""
    u = np.linalg.qr(rng.standard_normal((batch, n, n)))[0]
    v = np.linalg.qr(rng.standard_normal((batch, n, n)))[0]
    return (u * np.arange(n, 0, -1.0)[None, None, :]) @ np.swapaxes(v, -1, -2)


def _svd_cases(rng):
    cases = _shapes_cases(rng, _SHAPES, {"full_matrices": False})
    square = _separated(rng, 2, 3)
    return cases + [Case((square,), {"full_matrices": True}, "full_matrices square")]


def _svd(a, full_matrices):
    u, s, vh = ac.linalg.svd(a, full_matrices=full_matrices)
    return u * u, s, vh * vh


def _np_svd(a, full_matrices):
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    return u * u, s, vh * vh


def _torch_svd(a, full_matrices):
    u, s, vh = _torch_linalg().svd(a, full_matrices=full_matrices)
    return u * u, s, vh * vh


def _qr_cases(rng):
    cases = _shapes_cases(rng, _SHAPES + [(3, 5)], {"mode": "reduced"})
    return cases + [
        # (a well-conditioned leading block: float32's second differences stay meaningful)
        Case(
            (rng.standard_normal((2, 3, 5)) + 3 * np.eye(3, 5),),
            {"mode": "complete"},
            "complete wide",
        ),  # fmt: skip
        Case((rng.standard_normal((3, 3)),), {"mode": "complete"}, "complete square"),
    ]


def _np_qr(a, mode):
    q, r = np.linalg.qr(a, mode=mode)
    return q, r


def _expm_cases(rng):
    """Norms below θ₁₃ (no squaring) and above (one squaring), mixed in one batch; the
    largest kept small enough that float32's finite differences of e^A stay accurate."""
    mixed = rng.standard_normal((3, 3, 3)) * np.array([0.1, 2.0, 3.0])[:, None, None]
    return [
        Case((rng.standard_normal((3, 3)),), {}, "(3,3)"),
        Case((mixed,), {}, "batch of scales 0.1 to 3"),
        Case((rng.standard_normal((1, 1)),), {}, "1x1"),
        Case((rng.standard_normal((0, 3, 3)),), {}, "empty batch"),
        Case((noncontig(rng.standard_normal((2, 4, 4))),), {}, "non-contiguous"),
    ]


def np_expm_taylor(a):
    """exp(A) by a 30-term Taylor series of A/2ˢ (‖A/2ˢ‖₁ ≤ 1/2), squared s times: an
    algorithm independent of the op's Padé approximant, for the reference."""
    a = np.asarray(a)
    if a.size == 0:
        return a.copy()
    norm = float(np.abs(a).sum(axis=-2).max())
    s = max(0, math.ceil(math.log2(norm * 2))) if norm > 0 else 0
    x = a / 2.0**s
    term = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    out = term.copy()
    for k in range(1, 31):
        term = term @ x / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


_ALL_OF_A = (0,)

OP_DB += [
    OpSpec(
        "svd",
        _svd,
        _svd_cases,
        ref=_np_svd,
        grad_args=_ALL_OF_A,
        fwd_rtol=1e-4,
        torch_fn=_torch_svd,
        notes="checked through (U ∘ U, S, Vh ∘ Vh): the singular vectors' signs are arbitrary",
    ),
    OpSpec(
        "qr",
        lambda a, mode: tuple(ac.linalg.qr(a, mode=mode)),
        _qr_cases,
        ref=_np_qr,
        grad_args=_ALL_OF_A,
        fwd_rtol=1e-4,
        torch_fn=lambda a, mode: tuple(_torch_linalg().qr(a, mode=mode)),
        notes="LAPACK's Householder signs, the same in NumPy and torch",
    ),
    OpSpec(
        "matrix_exp",
        ac.linalg.matrix_exp,
        _expm_cases,
        ref=np_expm_taylor,
        grad_args=_ALL_OF_A,
        fwd_rtol=1e-4,
        torch_fn=lambda a: _torch_linalg().matrix_exp(a),
    ),
]


def _pinv_cases(rng):
    def low_rank(shape, rank):
        left = rng.standard_normal(shape[:-1] + (rank,))
        return left @ rng.standard_normal(shape[:-2] + (rank, shape[-1]))

    sym = rng.standard_normal((2, 3, 3))
    return [
        Case((rng.standard_normal((4, 3)),), {}, "tall"),
        Case((rng.standard_normal((2, 3, 5)),), {}, "wide batched"),
        # cutoffs far above float32's step (4.9e-3): the finite differences keep the rank
        Case((low_rank((5, 4), 2),), {"atol": 0.05}, "rank 2 of 4"),
        Case((low_rank((2, 4, 4), 1),), {"rtol": 0.05}, "rank 1, batched"),
        Case((rng.standard_normal((1, 1)),), {}, "1x1"),
        Case((rng.standard_normal((0, 3, 2)),), {}, "empty batch"),
        Case((sym + np.swapaxes(sym, -1, -2),), {"hermitian": True}, "hermitian"),
        Case((noncontig(rng.standard_normal((2, 4, 3))),), {}, "non-contiguous"),
    ]


def _np_pinv(a, atol=None, rtol=None, hermitian=False):
    """By NumPy's SVD (of the symmetrised matrix for ``hermitian``, which reads one triangle)."""
    if hermitian:
        a = (a + np.swapaxes(a, -1, -2)) / 2
    if atol is None and rtol is None:
        rtol = np.finfo(a.dtype).eps * max(a.shape[-2:])
    tol = max(atol or 0.0, 0.0)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cut = np.maximum(tol, (rtol or 0.0) * s[..., :1])
    s_plus = np.where(s > cut, 1 / np.where(s > cut, s, 1), 0).astype(a.dtype)
    return np.swapaxes((u * s_plus[..., None, :]) @ vh, -1, -2)


def _pinv_sym(a, **kw):
    """Hermitian cases symmetrised first: the op reads only the lower triangle."""
    return ac.linalg.pinv((a + a.mT) * 0.5 if kw.get("hermitian") else a, **kw)


def _torch_pinv(a, **kw):
    return _torch_linalg().pinv((a + a.mT) * 0.5 if kw.get("hermitian") else a, **kw)


OP_DB += [
    OpSpec(
        "pinv",
        _pinv_sym,
        _pinv_cases,
        ref=_np_pinv,
        grad_args=_ALL_OF_A,
        fwd_rtol=1e-4,
        torch_fn=_torch_pinv,
        notes="rank-deficient cases with atol/rtol ≫ eps: the finite differences keep the rank",
    ),
]
