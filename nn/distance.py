"""Module forms of the distance functions: ``nn.CosineSimilarity`` and ``nn.PairwiseDistance``.

They hold no parameters or buffers, only their arguments; see ``nn/functional_distance.py``
for the maths and what the computation holds.
"""

from __future__ import annotations

from typing import Any

from autograd_core.tensor import Tensor
from nn.functional_distance import cosine_similarity, pairwise_distance
from nn.module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine similarity of two inputs along ``dim`` (torch's defaults: dim=1, eps=1e-8).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.CosineSimilarity(dim=0)(ac.tensor([1.0, 0.0]), ac.tensor([0.0, 2.0]))
        tensor(0.)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8) -> None:
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1: Any, x2: Any) -> Tensor:
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm of ``x1 - x2 + eps`` over the last axis (torch's defaults: p=2, eps=1e-6,
    keepdim=False).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.PairwiseDistance(eps=0.0)(ac.tensor([[1.0, 1.0]]), ac.tensor([[1.0, 3.0]]))
        tensor([2.])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> None:
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1: Any, x2: Any) -> Tensor:
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
