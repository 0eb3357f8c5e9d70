"""OpSpec of ``ctc_nll`` (ops/ctc.py): short sequences over few classes, with a forward oracle
that sums the probability of every alignment of the frames (Cᵀ paths) that collapses to the
target. Impossible targets (ℓ = inf, where finite differences mean nothing) are tested in
tests/autograd_core/test_ctc_op.py instead."""

from __future__ import annotations

import itertools

import numpy as np

from autograd_core.ops.ctc import ctc_nll
from autograd_core.testing.op_db import OP_DB, Case, OpSpec, noncontig


def _collapse(path: tuple[int, ...], blank: int) -> list[int]:
    """Merge runs of equal classes, then drop the blanks (Graves et al. 2006, §3.1)."""
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return [c for c in merged if c != blank]


def _brute_force_ref(log_probs, labels, input_lengths, blank=0):
    """−log Σ_π Π_t y^t_{π_t} over the alignments π of each sequence's frames that collapse to
    its labels, in float64 (inf when none does), cast to log_probs' dtype."""
    lp = log_probs.astype(np.float64)
    out = []
    for n, (row, frames) in enumerate(zip(labels, input_lengths)):
        total = 0.0
        for path in itertools.product(range(lp.shape[2]), repeat=frames):
            if _collapse(path, blank) == list(row):
                total += np.exp(sum(lp[t, n, c] for t, c in enumerate(path)))
        out.append(-np.log(total) if total > 0 else np.inf)
    return np.asarray(out, dtype=log_probs.dtype)


def _cases(rng):
    r = rng.standard_normal

    def kw(labels, lengths, blank=0):
        return {"labels": labels, "input_lengths": lengths, "blank": blank}

    return [
        Case((r((4, 2, 3)),), kw([[1, 2], [2]], [4, 4]), "two sequences"),
        Case((r((5, 2, 3)),), kw([[1, 1], [2, 2, 2]], [4, 5]), "repeated labels"),
        Case((r((5, 3, 4)),), kw([[1, 2, 3], [3, 1], [2, 3, 2]], [5, 4, 5]), "skips"),
        Case((r((5, 3, 3)),), kw([[2], [], [1, 2]], [3, 2, 5]), "input_lengths < T, empty"),
        Case((r((3, 2, 2)),), kw([[], [1]], [0, 3]), "no frames, empty target"),
        Case((r((4, 2, 3)),), kw([[0, 1], [1, 1]], [4, 3], blank=2), "blank 2"),
        Case((noncontig(r((4, 2, 3))),), kw([[2, 1], [1]], [4, 2]), "non-contiguous"),
        Case((r((1, 1, 1)),), kw([[]], [1]), "one frame, one class"),
    ]


OP_DB += [
    OpSpec(
        "ctc_nll",
        ctc_nll,
        _cases,
        ref=_brute_force_ref,
        notes=(
            "The exact derivative of ℓ (PyTorch's ctc_loss backward adds exp(log_probs)); a "
            "recorded backward differentiates the composite ctc_log_likelihood_composite."
        ),
    ),
]
