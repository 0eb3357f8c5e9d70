"""``nn.Embedding``: a lookup table of vectors, with torch's constructor (``_weight`` and
``_freeze`` included) and ``from_pretrained``; the lookup is ``F.embedding``."""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import empty_parameter
from nn.module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: row ``i`` of the weight is the vector of index ``i``.

    Args:
        num_embeddings: number of rows (vocabulary size).
        embedding_dim: length of each vector.
        padding_idx: a row that stays zero and receives no gradient.
        max_norm: renormalise, in place, each looked-up row whose ``norm_type``-norm exceeds
            it to that norm, before the lookup (``F.embedding``).
        norm_type: the p of the norm for ``max_norm`` (2.0).
        scale_grad_by_freq: divide each row's gradient by its index's count in the batch.
        sparse: only False (no sparse gradients here).
        _weight: a (num_embeddings, embedding_dim) table to use as the weight instead of a
            random one; as in torch the parameter shares its memory (no copy) and the padding
            row is left as given (torch's private argument, used by ``from_pretrained``).
        _freeze: the weight gets ``requires_grad=False`` (torch's private argument).

    Shape:
        integer indices of any shape (…) → (…, embedding_dim).

    Attributes:
        weight: (num_embeddings, embedding_dim), initialised from N(0, 1) (PyTorch's default),
            with the padding row set to 0.
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Any = None,
        _freeze: bool = False,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        if sparse:
            raise NotImplementedError(
                "Embedding: sparse=True is not supported (no sparse gradients); drop it."
            )
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx {padding_idx} is out of range for "
                    f"{num_embeddings} embeddings."
                )
            padding_idx %= num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = empty_parameter(num_embeddings, embedding_dim, dtype=dtype, device=device)
            self.reset_parameters(generator)
            self.weight.requires_grad = not _freeze
        else:
            w = ac.as_tensor(_weight)
            if tuple(w.shape) != (num_embeddings, embedding_dim):
                raise ShapeError(
                    f"Embedding: _weight of shape {tuple(w.shape)} does not match "
                    f"num_embeddings={num_embeddings} and embedding_dim={embedding_dim}; pass "
                    "those as its shape, or use Embedding.from_pretrained(table)."
                )
            self.weight = Parameter(w.detach(), requires_grad=not _freeze)

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Any,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An Embedding whose weight is the 2-D ``embeddings`` (its memory, not a copy, as in
        torch); ``freeze`` (the default) turns its gradient off. The padding row is not
        zeroed, only kept out of the gradient.

        Example:
            >>> import autograd_core as ac
            >>> import nn
            >>> emb = nn.Embedding.from_pretrained(ac.tensor([[1.0, 2.0], [3.0, 4.0]]))
            >>> emb(ac.tensor([1])), emb.weight.requires_grad
            (tensor([[3., 4.]]), False)
        """
        emb = ac.as_tensor(embeddings)
        if emb.ndim != 2:
            raise ShapeError(
                f"Embedding.from_pretrained: embeddings must be 2-D (num_embeddings, "
                f"embedding_dim), got shape {tuple(emb.shape)}."
            )
        return cls(
            emb.shape[0],
            emb.shape[1],
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=emb,
            _freeze=freeze,
        )

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw the table from N(0, 1) and zero the padding row."""
        init.normal_(self.weight, generator=generator)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, indices: Any) -> Tensor:
        return F.embedding(
            indices,
            self.weight,
            self.padding_idx,
            self.max_norm,
            self.norm_type,
            self.scale_grad_by_freq,
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s
