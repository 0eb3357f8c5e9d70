"""OpSpecs of the decomposition ops (inv, solve, slogdet, det, cholesky, lu_factor):
well-conditioned random matrices (A Aᵀ + n·I where a positive-definite one is needed), batched,
1×1, empty batches and non-contiguous inputs; wide and tall ones for lu_factor."""

from __future__ import annotations

import numpy as np

import autograd_core as ac
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _square(rng, shape):
    """Random matrices of ``shape`` (*, n, n) with n + 2 on the diagonal added (well
    conditioned, also 1×1: away from 0 so that a float32 gradcheck of 1/a is meaningful)."""
    n = shape[-1]
    return rng.standard_normal(shape) + (n + 2) * np.eye(n)


def _spd(rng, shape):
    """Symmetric positive-definite matrices A Aᵀ + n·I of ``shape`` (*, n, n)."""
    a = rng.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _matrix_cases(rng, make):
    return [
        Case((make(rng, (3, 3)),), {}, "(3,3)"),
        Case((make(rng, (2, 3, 3)),), {}, "batched (2,3,3)"),
        Case((make(rng, (1, 1)),), {}, "1x1"),
        Case((make(rng, (0, 3, 3)),), {}, "empty batch (0,3,3)"),
        Case((noncontig(make(rng, (2, 4, 4))),), {}, "non-contiguous"),
    ]


def _solve_cases(rng):
    return [
        Case((_square(rng, (3, 3)), rng.standard_normal((3, 2))), {}, "(3,3) (3,2)"),
        Case((_square(rng, (2, 3, 3)), rng.standard_normal((2, 3, 4))), {}, "batched"),
        Case((_square(rng, (3, 3)), rng.standard_normal((2, 3, 1))), {}, "broadcast A"),
        Case((_square(rng, (2, 1, 3, 3)), rng.standard_normal((4, 3, 2))), {}, "broadcast both"),
        Case((_square(rng, (1, 1)), rng.standard_normal((1, 3))), {}, "1x1"),
        Case((_square(rng, (0, 3, 3)), rng.standard_normal((0, 3, 2))), {}, "empty batch"),
        Case((noncontig(_square(rng, (3, 3))), noncontig(rng.standard_normal((3, 2)))), {}, "nc"),
    ]


def _sym(a):
    """(A + Aᵀ)/2: the Cholesky factor reads one triangle, so it is checked on symmetric input
    (as torch's own gradcheck of cholesky does)."""
    return (a + a.mT) * 0.5


def _np_cholesky(a):
    return np.linalg.cholesky((a + np.swapaxes(a, -1, -2)) / 2)


def _np_slogdet(a):
    sign, logabs = np.linalg.slogdet(a)
    return sign.astype(a.dtype), logabs.astype(a.dtype)


def _np_solve(a, b):
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return np.linalg.solve(
        np.broadcast_to(a, batch + a.shape[-2:]), np.broadcast_to(b, batch + b.shape[-2:])
    )


def _torch_linalg():
    import torch  # only called by the torch comparison, which skips without torch

    return torch.linalg


def _sym_cases(rng):
    def sym(rng, shape):
        a = rng.standard_normal(shape)
        return a + np.swapaxes(a, -1, -2)  # distinct eigenvalues with probability 1

    return _matrix_cases(rng, sym)


def _eigh(a, uplo="L"):
    """(w, V ∘ V): the eigenvectors' signs are arbitrary, so V enters squared (sign-free)."""
    w, v = ac.linalg.eigh(_sym(a), UPLO=uplo)
    return w, v * v


def _np_eigh(a, uplo="L"):
    w, v = np.linalg.eigh((a + np.swapaxes(a, -1, -2)) / 2, UPLO=uplo)
    return w, v * v


def _torch_eigh(a, uplo="L"):
    w, v = _torch_linalg().eigh(_sym(a), UPLO=uplo)
    return w, v * v


def _lu_cases(rng):
    """Square (well conditioned), wide and tall matrices: their pivots are distinct with
    probability 1, so the finite differences do not switch rows."""
    return [
        *_matrix_cases(rng, _square),
        Case((rng.standard_normal((0, 0)),), {}, "0x0"),
        Case((rng.standard_normal((2, 3, 5)),), {}, "wide batched (2,3,5)"),
        Case((rng.standard_normal((5, 3)),), {}, "tall (5,3)"),
        Case((rng.standard_normal((1, 4)),), {}, "1x4"),
        Case((rng.standard_normal((4, 1)),), {}, "4x1"),
    ]


# grad_args is declared (every argument, as None would mean) for these matrix ops: it also keeps
# them out of test_property_graphs.py, whose random programs feed ops values squashed into an
# elementwise interval in shapes that only broadcast; invertible, positive-definite or
# symmetric square matrices are a domain that generator cannot express.
_ALL_OF_A = (0,)

OP_DB += [
    OpSpec(
        "inv",
        ac.linalg.inv,
        lambda rng: _matrix_cases(rng, _square),
        ref=np.linalg.inv,
        grad_args=_ALL_OF_A,
        torch_fn=lambda a: _torch_linalg().inv(a),
    ),
    OpSpec(
        "solve",
        ac.linalg.solve,
        _solve_cases,
        ref=_np_solve,
        grad_args=(0, 1),
        torch_fn=lambda a, b: _torch_linalg().solve(a, b),
    ),
    OpSpec(
        "slogdet",
        ac.slogdet,
        lambda rng: _matrix_cases(rng, _square),
        ref=_np_slogdet,
        grad_args=_ALL_OF_A,
        torch_fn=lambda a: tuple(_torch_linalg().slogdet(a)),
        notes="sign is piecewise constant: no gradient",
    ),
    OpSpec(
        "det",
        ac.linalg.det,
        lambda rng: _matrix_cases(rng, _square),
        ref=np.linalg.det,
        grad_args=_ALL_OF_A,
        torch_fn=lambda a: _torch_linalg().det(a),
        notes="singular A: cofactor gradient from the SVD (test_linalg_fuzz_regressions.py)",
    ),
    OpSpec(
        "cholesky",
        lambda a: ac.linalg.cholesky(_sym(a)),
        lambda rng: _matrix_cases(rng, _spd),
        ref=_np_cholesky,
        grad_args=_ALL_OF_A,
        torch_fn=lambda a: _torch_linalg().cholesky(_sym(a)),
        notes="checked on (A + Aᵀ)/2: the factor reads only the lower triangle",
    ),
    OpSpec(
        "eigh",
        _eigh,
        _sym_cases,
        ref=_np_eigh,
        grad_args=_ALL_OF_A,
        torch_fn=_torch_eigh,
        notes="checked on (A + Aᵀ)/2 through (w, V ∘ V): V's signs are arbitrary",
    ),
    OpSpec(
        "lu_factor",
        lambda a: ac.linalg.lu_factor(a).LU,
        _lu_cases,
        grad_args=_ALL_OF_A,
        torch_fn=lambda a: _torch_linalg().lu_factor(a).LU,
        notes="the packed LU (L's multipliers and U); the int32 pivots get no gradient",
    ),
]
