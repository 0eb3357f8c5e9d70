"""OpSpec of geqrf (linalg_householder.py): tall, wide, square, batched, 1×1, empty and
non-contiguous matrices against a Householder QR written here in NumPy (LAPACK dlarfg's
conventions), not against the ``qr(mode='raw')`` call the op makes. geqrf is not
differentiable (its VJP raises, as torch's), so its spec checks the forward only;
householder_product and ormqr are compositions of recorded ops, checked to second order in
tests/autograd_core/test_householder.py."""

from __future__ import annotations

import math

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _householder_qr(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LAPACK's geqrf of one matrix, column by column: the reflector of column j maps
    x = A[j:, j] to β e₁ with β = −sign(α)‖x‖ (α = x₀), τ = (β − α)/β, v = x / (α − β) below
    the one at row j; τ = 0 where x has nothing below α (dlarfg)."""
    r = a.astype(np.float64, copy=True)
    m, n = r.shape
    tau = np.zeros(min(m, n))
    for j in range(min(m, n)):
        alpha, below = r[j, j], r[j + 1 :, j]
        rest = float(np.linalg.norm(below))
        if rest == 0.0:
            continue
        beta = -math.copysign(math.hypot(alpha, rest), alpha)
        tau[j] = (beta - alpha) / beta
        r[j + 1 :, j] = below / (alpha - beta)
        r[j, j] = beta
        w = np.concatenate(([1.0], r[j + 1 :, j]))
        r[j:, j + 1 :] -= tau[j] * np.outer(w, w @ r[j:, j + 1 :])
    return r, tau


def _np_geqrf(a):
    a = np.asarray(a)
    flat = a.reshape((math.prod(a.shape[:-2]),) + a.shape[-2:])
    k = min(a.shape[-2:])
    rs, taus = np.empty(flat.shape), np.empty((flat.shape[0], k))
    for b, mat in enumerate(flat):
        rs[b], taus[b] = _householder_qr(mat)
    return rs.reshape(a.shape).astype(a.dtype), taus.reshape(a.shape[:-2] + (k,)).astype(a.dtype)


def _geqrf_cases(rng):
    shapes = [(3, 3), (5, 3), (3, 5), (2, 4, 3), (1, 1), (0, 3, 2), (4, 1), (0, 3)]
    cases = [Case((rng.standard_normal(s),), {}, f"{s}") for s in shapes]
    below_zero = rng.standard_normal((3, 3))
    below_zero[1:, 0] = 0.0  # (a column already reduced: τ = 0, dlarfg's early return)
    cases.append(Case((below_zero,), {}, "reduced first column"))
    cases.append(Case((noncontig(rng.standard_normal((2, 4, 3))),), {}, "non-contiguous"))
    return cases


def _torch_geqrf(a):
    import torch  # only called by the torch comparison, which skips without torch

    return tuple(torch.geqrf(a))


OP_DB.extend(
    [
        OpSpec(
            "geqrf",
            lambda a: tuple(ac.geqrf(a)),
            _geqrf_cases,
            ref=_np_geqrf,
            grad_args=(),
            fwd_rtol=1e-4,
            torch_fn=_torch_geqrf,
            notes="not differentiable (the VJP raises, as torch's); forward only",
        ),
    ]
)
