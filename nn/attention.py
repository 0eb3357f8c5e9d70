r"""nn.MultiheadAttention: h parallel scaled dot-product attentions over learned projections of
query, key and value, concatenated and projected back (PyTorch's module, names and shapes).

The attention core (masked softmax, fully masked rows) is ``attend`` in
``nn/functional_attention.py``; this file holds the projections, PyTorch's mask conventions and
the shape bookkeeping of ``torch.nn.functional.multi_head_attention_forward``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.functional_attention import attend
from nn.layers import Linear, empty_parameter
from nn.module import Module

__all__ = ["MultiheadAttention"]


def _float_mask(mask: Any, name: str, like: Tensor) -> Tensor | None:
    """PyTorch's canonical mask: a boolean mask (True = masked out) becomes 0 / −∞ in the
    query's dtype; a floating one is added as given (cast to the query's dtype)."""
    if mask is None:
        return None
    t = mask if isinstance(mask, Tensor) else ac.as_tensor(like.xp.asarray(mask))
    if t.dtype.kind == "b":
        return ac.masked_fill(
            ac.zeros(*t.shape, dtype=like.dtype, device=like.device), t.data, -math.inf
        )
    if t.dtype.kind != "f":
        raise DTypeError(
            f"MultiheadAttention: {name} must be boolean (True = ignore) or floating (added to "
            f"the scores); got dtype {t.dtype}. Use mask.bool() or mask.to(query.dtype)."
        )
    return t if t.dtype == like.dtype else t.astype(like.dtype)


def _check_shapes(
    query: Tensor, key: Tensor, value: Tensor, kpm: Any, attn_mask: Any, heads: int
) -> bool:
    """PyTorch's rank checks; returns whether the input is batched."""
    if query.ndim not in (2, 3):
        raise ShapeError(
            "MultiheadAttention: query must be 2-D (L, E) unbatched or 3-D batched; got shape "
            f"{tuple(query.shape)}."
        )
    batched = query.ndim == 3
    kind = "batched (3-D)" if batched else "unbatched (2-D)"
    if key.ndim != query.ndim or value.ndim != query.ndim:
        raise ShapeError(
            f"MultiheadAttention: for a {kind} query, key and value must be {query.ndim}-D too; "
            f"got key {tuple(key.shape)} and value {tuple(value.shape)}."
        )
    if kpm is not None and len(kpm.shape) != query.ndim - 1:
        raise ShapeError(
            f"MultiheadAttention: for a {kind} query, key_padding_mask must be "
            f"{query.ndim - 1}-D ({'(N, S)' if batched else '(S,)'}); got shape "
            f"{tuple(kpm.shape)}."
        )
    if attn_mask is not None and len(attn_mask.shape) not in (2, 3):
        raise ShapeError(
            "MultiheadAttention: attn_mask must be 2-D (L, S) or 3-D (N·num_heads, L, S); got "
            f"shape {tuple(attn_mask.shape)}."
        )
    return batched


class MultiheadAttention(Module):
    r"""MultiHead(Q, K, V) = Concat(head₁, …, head_h) W_Oᵀ + b_O with
    headᵢ = softmax(Q W_Qᵢᵀ (K W_Kᵢᵀ)ᵀ / √d + M) V W_Vᵢᵀ and d = embed_dim / num_heads
    (Vaswani et al., "Attention is all you need", NeurIPS 2017).

    PyTorch's module: the same parameters, initialisation, masks, shapes and outputs. Masks
    follow ``nn.MultiheadAttention``'s convention, the opposite of ``scaled_dot_product_attention``:
    in a boolean ``key_padding_mask`` or ``attn_mask``, True marks a pair that is *ignored*; a
    floating mask is added to the scores. A query row whose keys are all masked gives NaN with
    ``need_weights=True`` (a plain softmax, as PyTorch) and 0 with ``need_weights=False`` (the
    SDPA path, as PyTorch). ``is_causal`` is only a hint that ``attn_mask`` is causal, as in
    PyTorch: an ``attn_mask`` must be given, and with ``need_weights=False`` and no
    ``key_padding_mask`` the causal mask ``tril(ones(L, S))`` is used in its place. Dropout
    applies to the attention weights in training mode.

    Args:
        embed_dim: E, the model size (query features and output size).
        num_heads: h; E must be divisible by h.
        dropout: probability of dropping an attention weight in training.
        bias: learn in-projection and out-projection biases.
        add_bias_kv: learn one extra key and value (``bias_k``, ``bias_v``) appended to the
            sequence.
        add_zero_attn: append a key and a value of zeros (after ``bias_k``/``bias_v``).
        kdim, vdim: key and value feature sizes (E when None).
        batch_first: inputs and output are (N, L, E) instead of (L, N, E).
        generator: the random source of the initial weights (the default generator if None).

    Shape:
        query (L, N, E), key (S, N, kdim), value (S, N, vdim) — (N, ·, ·) with ``batch_first``,
        or (L, E), (S, kdim), (S, vdim) unbatched; key_padding_mask (N, S) or (S,);
        attn_mask (L, S) or (N·h, L, S). Output (L, N, E) (batch_first: (N, L, E); unbatched
        (L, E)) and weights (N, L, S) averaged over heads, (N, h, L, S) otherwise ((L, S) or
        (h, L, S) unbatched), S counting the extra bias and zero keys.

    Attributes:
        in_proj_weight: (3E, E), xavier_uniform_ — when kdim = vdim = E; otherwise
            q_proj_weight (E, E), k_proj_weight (E, kdim), v_proj_weight (E, vdim), each
            xavier_uniform_.
        in_proj_bias: (3E,), zeros.
        out_proj: ``nn.Linear(E, E)``: weight from Linear's default U(−1/√E, 1/√E), bias zeros.
        bias_k, bias_v: (1, 1, E), xavier_normal_, or None.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = ac.ones(3, 5, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        ((3, 5, 8), (3, 5, 5))
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        device: Any = None,
        dtype: Any = None,
        *,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        for n in (embed_dim, num_heads):
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
                raise ValueError(
                    f"MultiheadAttention: embed_dim and num_heads must be positive integers; got "
                    f"embed_dim={embed_dim!r}, num_heads={num_heads!r}."
                )
        if embed_dim % num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads "
                f"{num_heads}. Choose num_heads among the divisors of embed_dim."
            )
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"MultiheadAttention: dropout must be in [0, 1], got {dropout!r}.")
        self.embed_dim = int(embed_dim)
        self.kdim = self.embed_dim if kdim is None else int(kdim)
        self.vdim = self.embed_dim if vdim is None else int(vdim)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.num_heads = int(num_heads)
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = self.embed_dim // self.num_heads
        self.add_zero_attn = add_zero_attn
        E, kw = self.embed_dim, {"dtype": dtype, "device": device}
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty_parameter(3 * E, E, **kw)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = empty_parameter(E, E, **kw)
            self.k_proj_weight = empty_parameter(E, self.kdim, **kw)
            self.v_proj_weight = empty_parameter(E, self.vdim, **kw)
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = empty_parameter(3 * E, **kw)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(E, E, bias=bias, generator=generator, **kw)
        if add_bias_kv:
            self.bias_k = empty_parameter(1, 1, E, **kw)
            self.bias_v = empty_parameter(1, 1, E, **kw)
        else:
            self.register_parameter("bias_k", None)
            self.register_parameter("bias_v", None)
        self._reset_parameters(generator)

    def _reset_parameters(self, generator: Generator | None = None) -> None:
        """PyTorch's initialisation: xavier_uniform_ in-projections, zero biases, xavier_normal_
        bias_k/bias_v; out_proj.weight keeps Linear's default."""
        names = (
            ["in_proj_weight"]
            if self._qkv_same_embed_dim
            else ["q_proj_weight", "k_proj_weight", "v_proj_weight"]
        )
        for name in names:
            init.xavier_uniform_(getattr(self, name), generator=generator)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        for p in (self.bias_k, self.bias_v):
            if p is not None:
                init.xavier_normal_(p, generator=generator)

    def _project(self, query: Tensor, key: Tensor, value: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E : 2 * E], b[2 * E :])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            wq, wk, wv = w[:E], w[E : 2 * E], w[2 * E :]
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def _check_sizes(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        L, N, E = query.shape
        ok = (
            E == self.embed_dim
            and key.shape[-1] == self.kdim
            and value.shape[-1] == self.vdim
            and key.shape[:2] == value.shape[:2]
            and key.shape[1] == N
        )
        if not ok:
            raise ShapeError(
                f"MultiheadAttention: expected query (L, N, {self.embed_dim}), key (S, N, "
                f"{self.kdim}) and value (S, N, {self.vdim}) (batch_first swaps L/S and N); got "
                f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)} after moving "
                "the batch axis second. Match the sizes given to the constructor."
            )

    def _masks(
        self, kpm: Tensor | None, mask: Tensor | None, L: int, N: int, S: int
    ) -> tuple[Tensor | None, Tensor | None]:
        """Check the masks' sizes; return them as (N, 1, 1, S) and (1 or N, 1 or h, L, S)."""
        if kpm is not None and tuple(kpm.shape) != (N, S):
            raise ShapeError(
                f"MultiheadAttention: key_padding_mask must have shape (N, S) = {(N, S)}; got "
                f"{tuple(kpm.shape)}."
            )
        if mask is not None:
            want = (L, S) if mask.ndim == 2 else (N * self.num_heads, L, S)
            if tuple(mask.shape) != want:
                raise ShapeError(
                    f"MultiheadAttention: a {mask.ndim}-D attn_mask must have shape {want}; got "
                    f"{tuple(mask.shape)}. Use (L, S) for one mask, or (N·num_heads, L, S)."
                )
            mask = mask.reshape((1, 1, L, S) if mask.ndim == 2 else (N, self.num_heads, L, S))
        return (None if kpm is None else kpm.reshape(N, 1, 1, S)), mask

    def _extend(
        self, k: Tensor, v: Tensor, kpm: Tensor | None, mask: Tensor | None
    ) -> tuple[Any, ...]:
        """Append bias_k/bias_v, then a zero key and value, extending the masks with 0."""
        extra = []
        if self.bias_k is not None:
            extra.append(
                (
                    self.bias_k.reshape(1, 1, -1, self.head_dim).swapaxes(1, 2),
                    self.bias_v.reshape(1, 1, -1, self.head_dim).swapaxes(1, 2),
                )
            )
        if self.add_zero_attn:
            zero = ac.zeros(1, self.num_heads, 1, self.head_dim, dtype=k.dtype, device=k.device)
            extra.append((zero, zero))
        for ek, ev in extra:
            N = k.shape[0]
            k = ac.cat([k, ac.broadcast_to(ek, (N, *ek.shape[1:]))], dim=2)
            v = ac.cat([v, ac.broadcast_to(ev, (N, *ev.shape[1:]))], dim=2)
            kpm = None if kpm is None else F.pad(kpm, (0, 1))
            mask = None if mask is None else F.pad(mask, (0, 1))
        return k, v, kpm, mask

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` to ``key``/``value``; returns (output, weights or None).

        Args:
            key_padding_mask: (N, S) or (S,): True (or −∞) marks padding keys to ignore.
            need_weights: also return the attention weights (after dropout).
            attn_mask: (L, S) or (N·num_heads, L, S): True (or −∞) forbids a pair.
            average_attn_weights: average the returned weights over the heads.
            is_causal: a hint that ``attn_mask`` is the causal mask (see the class docstring).
        """
        batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, self.num_heads)
        if batched and self.batch_first:
            query, key, value = (t.swapaxes(0, 1) for t in (query, key, value))
        if not batched:
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = ac.as_tensor(key_padding_mask).unsqueeze(0)
        self._check_sizes(query, key, value)
        L, N, S, h, d = query.shape[0], query.shape[1], key.shape[0], self.num_heads, self.head_dim
        if key_padding_mask is not None and attn_mask is not None:
            if key_padding_mask.dtype != attn_mask.dtype:
                warnings.warn(
                    "Support for mismatched key_padding_mask and attn_mask is deprecated. Use "
                    "same type for both instead.",
                    UserWarning,
                    stacklevel=2,
                )
        if is_causal and attn_mask is None:
            raise ValueError(
                "MultiheadAttention: is_causal=True is only a hint and needs the causal attn_mask "
                "too, as in PyTorch. Pass attn_mask=ac.ones(L, S, dtype=ac.bool).triu(1) (True "
                "above the diagonal = masked) with it, or drop is_causal."
            )
        causal = is_causal and key_padding_mask is None and not need_weights
        kpm = _float_mask(key_padding_mask, "key_padding_mask", query)
        mask = None if causal else _float_mask(attn_mask, "attn_mask", query)
        kpm, mask = self._masks(kpm, mask, L, N, S)
        q, k, v = self._project(query, key, value)
        q, k, v = (t.reshape(t.shape[0], N, h, d).permute(1, 2, 0, 3) for t in (q, k, v))
        k, v, kpm, mask = self._extend(k, v, kpm, mask)
        bias = mask if kpm is None else kpm if mask is None else mask + kpm
        allowed = None
        if causal:
            allowed = query.xp.tril(query.xp.ones((L, k.shape[2]), dtype=bool))
        out, weights = attend(
            q,
            k,
            v,
            scale=1.0 / math.sqrt(d),
            allowed=allowed,
            bias=bias,
            dropout_p=self.dropout if self.training else 0.0,
            safe=not need_weights,
        )
        out = self.out_proj(out.permute(2, 0, 1, 3).reshape(L, N, self.embed_dim))
        if not need_weights:
            weights = None
        else:
            if average_attn_weights:
                weights = weights.mean(axis=1)
        if not batched:
            out = out.squeeze(1)
            weights = None if weights is None else weights.squeeze(0)
        elif self.batch_first:
            out = out.swapaxes(0, 1)
        return out, weights

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}, "
            f"batch_first={self.batch_first}"
        )
