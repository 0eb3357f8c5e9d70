"""nn.EmbeddingBag: a lookup table that returns one reduced vector (sum, mean or max) per bag of
indices — PyTorch's module, arguments and parameter name (``weight``)."""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import init
from nn.functional_embedding_bag import embedding_bag
from nn.layers import empty_parameter
from nn.module import Module
from nn.parameter import Parameter

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Module):
    """Sums, averages or takes the maximum of the embedding rows of each bag, as
    ``nn.functional.embedding_bag`` (see there for bags, offsets, ``per_sample_weights``,
    ``padding_idx`` and the deliberate differences).

    Args:
        num_embeddings, embedding_dim: the table's shape.
        mode: ``"sum"``, ``"mean"`` (default) or ``"max"``.
        include_last_offset: the offsets include the end of the last bag.
        padding_idx: a row that starts at zero, is left out of every bag and gets no gradient.
        max_norm, norm_type, scale_grad_by_freq, sparse: PyTorch's; only their defaults are
            supported (the functional raises otherwise).
        _weight: an initial table (num_embeddings, embedding_dim) used instead of N(0, 1).

    Shape:
        input (B, L) with offsets None, or (n,) with offsets (B,) — (B + 1,) with
        ``include_last_offset``; per_sample_weights the shape of input → (B, embedding_dim).

    Attributes:
        weight: (num_embeddings, embedding_dim), from N(0, 1) (PyTorch's default), the padding
            row zero.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
        >>> bag(ac.tensor([1, 2, 4, 5, 4]), ac.tensor([0, 2])).shape
        (2, 3)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        _weight: Any = None,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
        device: Any = None,
        dtype: Any = None,
        *,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"EmbeddingBag: padding_idx {padding_idx} is out of range for "
                    f"{num_embeddings} embeddings."
                )
            padding_idx %= num_embeddings
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode must be 'sum', 'mean' or 'max', got {mode!r}.")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = empty_parameter(num_embeddings, embedding_dim, dtype=dtype, device=device)
            self.reset_parameters(generator)
        else:
            w = ac.as_tensor(_weight)
            if tuple(w.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"EmbeddingBag: _weight must have shape {(num_embeddings, embedding_dim)}, "
                    f"got {tuple(w.shape)}."
                )
            self.weight = Parameter(w.detach().clone())

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw the table from N(0, 1) and zero the padding row."""
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(
        self, input: Any, offsets: Any = None, per_sample_weights: Tensor | None = None
    ) -> Tensor:  # noqa: A002  (PyTorch's name)
        return embedding_bag(
            input,
            self.weight,
            offsets,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
            self.mode,
            self.sparse,
            per_sample_weights,
            self.include_last_offset,
            self.padding_idx,
        )

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        mode: str = "mean",
        sparse: bool = False,
        include_last_offset: bool = False,
        padding_idx: int | None = None,
    ) -> EmbeddingBag:
        """An EmbeddingBag whose table is a copy of ``embeddings`` (2-D); ``freeze`` turns its
        gradient off (PyTorch's default)."""
        emb = ac.as_tensor(embeddings)
        if emb.ndim != 2:
            raise ValueError(
                f"EmbeddingBag.from_pretrained: embeddings must be 2-D, got shape "
                f"{tuple(emb.shape)}."
            )
        bag = cls(
            emb.shape[0],
            emb.shape[1],
            max_norm,
            norm_type,
            scale_grad_by_freq,
            mode,
            sparse,
            emb,
            include_last_offset,
            padding_idx,
        )
        bag.weight.requires_grad = not freeze
        return bag

    def extra_repr(self) -> str:
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}{pad}"
