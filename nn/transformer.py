"""The Transformer encoder: ``TransformerEncoderLayer`` (self-attention and a feed-forward
block, each with a residual connection and layer normalisation) and ``TransformerEncoder``, a
stack of copies of one layer — PyTorch's modules, submodule names and semantics."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from autograd_core.device import get_array_module
from autograd_core.tensor import Tensor
from nn import functional as F
from nn.attention import MultiheadAttention
from nn.containers import ModuleList
from nn.layers import Dropout, Linear
from nn.module import Module
from nn.normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder"]

_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {"relu": F.relu, "gelu": F.gelu}


def resolve_activation(activation: Any, owner: str) -> Callable[[Tensor], Tensor]:
    """The feed-forward activation of a Transformer layer: ``"relu"``/``"gelu"`` name
    ``F.relu``/``F.gelu``; a callable (function or module) is used as given."""
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(
                f"{owner}: activation should be relu/gelu, not {activation!r}. Pass 'relu', "
                "'gelu' or a callable."
            )
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(
            f"{owner}: activation must be 'relu', 'gelu' or a callable; got "
            f"{type(activation).__name__}."
        )
    return activation


def is_causal_mask(mask: Any, size: int) -> bool:
    """Whether ``mask`` is exactly the (size, size) causal mask: True (boolean) or −∞ (float)
    above the diagonal and False / 0 elsewhere (PyTorch's ``_detect_is_causal_mask``)."""
    if mask is None or tuple(mask.shape) != (size, size):
        return False
    raw = mask.data if isinstance(mask, Tensor) else mask
    xp = get_array_module(raw)
    above = xp.triu(xp.ones((size, size), dtype=bool), 1)
    if raw.dtype.kind == "b":
        return bool(xp.all(raw == above))
    return bool(xp.all(xp.where(above, xp.isneginf(raw), raw == 0)))


class TransformerEncoderLayer(Module):
    r"""One encoder layer of "Attention is all you need" (Vaswani et al., NeurIPS 2017):
    self-attention, then a position-wise feed-forward network, each added to its input.

    Post-norm (``norm_first=False``, PyTorch's default)::

        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))

    Pre-norm (``norm_first=True``): ``x = x + dropout1(self_attn(norm1(x)))``, then
    ``x = x + dropout2(ff(norm2(x)))``.

    Args:
        d_model: E, the feature size of the sequence elements.
        nhead: the number of attention heads (E must be divisible by it).
        dim_feedforward: the hidden size of the feed-forward network.
        dropout: the dropout probability (attention weights, feed-forward, residual branches).
        activation: ``"relu"``, ``"gelu"`` or a callable (a function or a module).
        layer_norm_eps: ε of both layer norms.
        batch_first: inputs and output are (N, L, E) instead of (L, N, E).
        norm_first: normalise before each block instead of after the residual sum.
        bias: biases in the linear layers, the attention and the layer norms.

    Shape:
        src (L, N, E), (N, L, E) with ``batch_first``, or (L, E) unbatched → the same shape.

    Attributes:
        self_attn: ``MultiheadAttention(d_model, nhead, dropout, bias, batch_first)``.
        linear1, linear2: ``Linear(d_model, dim_feedforward)``, ``Linear(dim_feedforward,
            d_model)``; dropout, dropout1, dropout2: ``Dropout(dropout)``; norm1, norm2:
            ``LayerNorm(d_model, eps=layer_norm_eps)``. Each with its default initialisation.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True)
        >>> layer(ac.ones(3, 5, 8)).shape
        (3, 5, 8)
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
        self.self_attn = MultiheadAttention(
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first, **kw
        )
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **kw)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **kw)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **kw)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = resolve_activation(activation, "TransformerEncoderLayer")

    def forward(
        self,
        src: Tensor,
        src_mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool = False,
    ) -> Tensor:
        """Encode ``src``; the masks are those of ``MultiheadAttention`` (True or −∞ =
        ignored): ``src_mask`` (L, L) or (N·nhead, L, L), ``src_key_padding_mask`` (N, L).
        ``is_causal`` is the hint of ``MultiheadAttention``."""
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x: Tensor, mask: Any, kpm: Any, is_causal: bool) -> Tensor:
        out, _ = self.self_attn(
            x, x, x, attn_mask=mask, key_padding_mask=kpm, need_weights=False, is_causal=is_causal
        )
        return self.dropout1(out)

    def _ff_block(self, x: Tensor) -> Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """A stack of ``num_layers`` copies of ``encoder_layer`` (each with its own parameters,
    copied from the given layer as PyTorch does), then an optional final ``norm``.

    Args:
        encoder_layer: the layer to copy (a ``TransformerEncoderLayer`` or a module with the
            same ``forward(src, src_mask=..., src_key_padding_mask=..., is_causal=...)``).
        num_layers: the number of copies.
        norm: a module applied to the output, or None.
        enable_nested_tensor, mask_check: accepted for scripts written for PyTorch; they only
            steer PyTorch's inference fast path, which this engine does not have (outputs are
            those of PyTorch's regular path).

    Attributes:
        layers: ``ModuleList`` of the copies (``layers.0.self_attn.in_proj_weight`` …).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)
        >>> encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(8))
        >>> encoder(ac.ones(5, 3, 8)).shape
        (5, 3, 8)
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 0:
            raise ValueError(
                f"TransformerEncoder: num_layers must be a non-negative integer, got "
                f"{num_layers!r}."
            )
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check

    def forward(
        self,
        src: Tensor,
        mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool | None = None,
    ) -> Tensor:
        """Pass ``src`` through the layers in turn. ``is_causal=None`` detects whether
        ``mask`` is the causal mask of the sequence length, as PyTorch does."""
        if is_causal is None:
            attn = getattr(self.layers[0], "self_attn", None) if len(self.layers) else None
            seq_axis = 1 if getattr(attn, "batch_first", False) and src.ndim == 3 else 0
            is_causal = is_causal_mask(mask, src.shape[seq_axis])
        out = src
        for layer in self.layers:
            out = layer(
                out, src_mask=mask, src_key_padding_mask=src_key_padding_mask, is_causal=is_causal
            )
        return out if self.norm is None else self.norm(out)
