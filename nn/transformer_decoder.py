"""The Transformer decoder and the full encoder–decoder model: ``TransformerDecoderLayer``
(masked self-attention, attention over the encoder's output and a feed-forward block, each
with a residual connection and layer normalisation), ``TransformerDecoder`` (a stack of copies
of one layer) and ``Transformer`` — PyTorch's modules, submodule names and semantics, so a
PyTorch ``state_dict`` loads as it is."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.attention import MultiheadAttention
from nn.containers import ModuleList
from nn.layers import Dropout, Linear
from nn.module import Module
from nn.normalization import LayerNorm
from nn.transformer import (
    TransformerEncoder,
    TransformerEncoderLayer,
    is_causal_mask,
    resolve_activation,
)

__all__ = ["TransformerDecoderLayer", "TransformerDecoder", "Transformer"]


def _check_layers(owner: str, num_layers: Any) -> int:
    if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 0:
        raise ValueError(f"{owner}: num_layers must be a non-negative integer, got {num_layers!r}.")
    return num_layers


class TransformerDecoderLayer(Module):
    r"""One decoder layer of "Attention is all you need" (Vaswani et al., NeurIPS 2017):
    self-attention over the target, attention from the target to ``memory`` (the encoder's
    output), then a position-wise feed-forward network, each added to its input.

    Post-norm (``norm_first=False``, PyTorch's default)::

        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
        x = norm3(x + dropout3(linear2(dropout(activation(linear1(x))))))

    Pre-norm (``norm_first=True``): each block reads ``normᵢ(x)`` and is added to ``x``.

    Args:
        d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
        norm_first, bias: as in ``TransformerEncoderLayer``.

    Shape:
        tgt (T, N, E), memory (S, N, E) — (N, ·, E) with ``batch_first``, or (T, E), (S, E)
        unbatched → the shape of ``tgt``.

    Attributes:
        self_attn, multihead_attn: ``MultiheadAttention(d_model, nhead, dropout, bias,
            batch_first)``; linear1, linear2; dropout, dropout1, dropout2, dropout3; norm1,
            norm2, norm3 — PyTorch's names, each with its default initialisation.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer(ac.ones(3, 4, 8), ac.ones(3, 6, 8)).shape
        (3, 4, 8)
    """

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        attn = {"dropout": dropout, "bias": bias, "batch_first": batch_first, **kw}
        self.self_attn = MultiheadAttention(d_model, nhead, **attn)
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attn)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = resolve_activation(activation, "TransformerDecoderLayer")

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Decode ``tgt`` attending to ``memory``. The masks follow ``MultiheadAttention``
        (True or −∞ = ignored): ``tgt_mask`` (T, T) or (N·nhead, T, T), ``memory_mask``
        (T, S) or (N·nhead, T, S), ``tgt_key_padding_mask`` (N, T), ``memory_key_padding_mask``
        (N, S). ``tgt_is_causal`` / ``memory_is_causal`` are hints that the matching mask is
        causal; as in PyTorch, the mask must still be given."""
        x = tgt
        sa = (tgt_mask, tgt_key_padding_mask, tgt_is_causal)
        mha = (memory, memory_mask, memory_key_padding_mask, memory_is_causal)
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), *sa)
            x = x + self._mha_block(self.norm2(x), *mha)
            return x + self._ff_block(self.norm3(x))
        x = self.norm1(x + self._sa_block(x, *sa))
        x = self.norm2(x + self._mha_block(x, *mha))
        return self.norm3(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, mask: Any, kpm: Any, is_causal: bool) -> Tensor:
        out, _ = self.self_attn(
            x, x, x, attn_mask=mask, key_padding_mask=kpm, need_weights=False, is_causal=is_causal
        )
        return self.dropout1(out)

    def _mha_block(self, x: Tensor, mem: Tensor, mask: Any, kpm: Any, is_causal: bool) -> Tensor:
        out, _ = self.multihead_attn(
            x,
            mem,
            mem,
            attn_mask=mask,
            key_padding_mask=kpm,
            need_weights=False,
            is_causal=is_causal,
        )
        return self.dropout2(out)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoder(Module):
    """A stack of ``num_layers`` copies of ``decoder_layer`` (each with its own parameters,
    deep-copied from the given layer as PyTorch does), then an optional final ``norm``.

    Attributes:
        layers: ``ModuleList`` of the copies (``layers.0.multihead_attn.in_proj_weight`` …).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)
        >>> decoder = nn.TransformerDecoder(layer, num_layers=2, norm=nn.LayerNorm(8))
        >>> decoder(ac.ones(4, 3, 8), ac.ones(6, 3, 8)).shape
        (4, 3, 8)
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        num_layers = _check_layers("TransformerDecoder", num_layers)
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Tensor,
        memory: Tensor,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Pass ``tgt`` through the layers in turn, each attending to ``memory``.
        ``tgt_is_causal=None`` detects whether ``tgt_mask`` is the causal mask of the target
        length, as PyTorch does."""
        if tgt_is_causal is None:
            attn = getattr(self.layers[0], "self_attn", None) if len(self.layers) else None
            seq_axis = 1 if getattr(attn, "batch_first", False) and tgt.ndim == 3 else 0
            tgt_is_causal = is_causal_mask(tgt_mask, tgt.shape[seq_axis])
        out = tgt
        for layer in self.layers:
            out = layer(
                out,
                memory,
                tgt_mask=tgt_mask,
                memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=tgt_is_causal,
                memory_is_causal=memory_is_causal,
            )
        return out if self.norm is None else self.norm(out)


class Transformer(Module):
    r"""The encoder–decoder Transformer of "Attention is all you need" (Vaswani et al.,
    NeurIPS 2017): ``encoder`` (``num_encoder_layers`` encoder layers and a final LayerNorm)
    reads ``src``; ``decoder`` (``num_decoder_layers`` decoder layers and a final LayerNorm)
    reads ``tgt`` and attends to the encoder's output. No embedding or positional encoding
    (as in PyTorch: feed embedded sequences).

    Args:
        d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
        norm_first, bias: as in the layers.
        num_encoder_layers, num_decoder_layers: the depth of each stack.
        custom_encoder, custom_decoder: modules used in place of the built stacks.

    Initialisation: as PyTorch, every parameter with more than one axis is redrawn from
    ``xavier_uniform_`` after the stacks are built (biases and norms keep theirs).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> model = nn.Transformer(8, 2, 1, 1, dim_feedforward=16, batch_first=True)
        >>> mask = nn.Transformer.generate_square_subsequent_mask(4)
        >>> model(ac.ones(3, 6, 8), ac.ones(3, 4, 8), tgt_mask=mask).shape
        (3, 4, 8)
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str | Callable[[Tensor], Tensor] = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        layer_kw = {
            "dim_feedforward": dim_feedforward,
            "dropout": dropout,
            "activation": activation,
            "layer_norm_eps": layer_norm_eps,
            "batch_first": batch_first,
            "norm_first": norm_first,
            "bias": bias,
            **kw,
        }
        norm_kw = {"eps": layer_norm_eps, "bias": bias, **kw}
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, **layer_kw)
            n = _check_layers("Transformer", num_encoder_layers)
            self.encoder = TransformerEncoder(layer, n, LayerNorm(d_model, **norm_kw))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, **layer_kw)
            n = _check_layers("Transformer", num_decoder_layers)
            self.decoder = TransformerDecoder(layer, n, LayerNorm(d_model, **norm_kw))
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(
        self,
        src: Tensor,
        tgt: Tensor,
        src_mask: Any = None,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        src_key_padding_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src`` (S, N, E) and decode ``tgt`` (T, N, E) against it ((N, ·, E) with
        ``batch_first``; (S, E), (T, E) unbatched); returns the shape of ``tgt``. Masks as in
        the encoder and decoder: ``src_mask`` (S, S), ``tgt_mask`` (T, T), ``memory_mask``
        (T, S), key padding masks (N, S) / (N, T) / (N, S)."""
        batch_axis = 0 if self.batch_first else 1
        if src.ndim == 3 and (tgt.ndim != 3 or src.shape[batch_axis] != tgt.shape[batch_axis]):
            raise ShapeError(
                f"Transformer: the batch number of src and tgt must be equal; got src "
                f"{tuple(src.shape)} and tgt {tuple(tgt.shape)} (batch axis {batch_axis}, "
                f"batch_first={self.batch_first})."
            )
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ShapeError(
                f"Transformer: the feature number of src and tgt must be equal to d_model "
                f"({self.d_model}); got src {tuple(src.shape)} and tgt {tuple(tgt.shape)}."
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt,
            memory,
            tgt_mask=tgt_mask,
            memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal,
            memory_is_causal=memory_is_causal,
        )

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device: Any = None, dtype: Any = None) -> Tensor:
        """The (sz, sz) causal mask: −∞ above the diagonal (a position may not attend to later
        ones), 0 elsewhere; in ``dtype``, else the default dtype (``ac.get_default_dtype()``)."""
        dtype = ac.get_default_dtype() if dtype is None else dtype
        return ac.triu(ac.full((sz, sz), -math.inf, dtype=dtype, device=device), 1)
