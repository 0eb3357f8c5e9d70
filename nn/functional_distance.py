"""Distances within one set of points: ``pdist`` (``torch.nn.functional.pdist``)."""

from __future__ import annotations

from autograd_core.ops.distances import pairwise_rows
from autograd_core.tensor import Tensor

__all__ = ["pdist"]


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """‖x[i] − x[j]‖ₚ for every pair of rows i < j of an (N, M) input, in row-major order: a
    vector of N(N−1)/2 distances, as ``torch.nn.functional.pdist``. p ≥ 0 or inf; the gradient
    of a zero distance is 0. Holds the (N(N−1)/2, M) pairwise differences for backward.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> F.pdist(ac.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]]))
        tensor([5., 0., 5.])
    """
    return pairwise_rows("pdist", input, p)
