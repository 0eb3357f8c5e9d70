r"""Scaled dot-product attention, ``softmax(Q Kᵀ · scale + mask) V``, in PyTorch's
``nn.functional.scaled_dot_product_attention`` form.

Attention learns which elements of an input sequence each output element should look at (the
alignment of the encoder–decoder section of the course notes, ``002``; Bahdanau et al., ICLR
2015; the scaled dot-product form is Vaswani et al., "Attention is all you need", NeurIPS 2017).
It is a composite of engine ops (``matmul``, ``masked_fill``, ``softmax``, ``where``), so first
and second derivatives come from the engine. ``nn.MultiheadAttention`` (``nn/attention.py``)
uses ``attend``, the masked-softmax core shared by both.
"""

from __future__ import annotations

import math
from typing import Any

import autograd_core as ac
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.tensor import Tensor
from nn import functional as F

__all__ = ["scaled_dot_product_attention"]


def attend(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    *,
    scale: float,
    allowed: Any = None,
    bias: Tensor | None = None,
    dropout_p: float = 0.0,
    safe: bool = True,
) -> tuple[Tensor, Tensor]:
    """``(softmax(q kᵀ · scale + mask) v, the probabilities)`` over validated inputs.

    ``allowed`` is a boolean array (True = take part) and ``bias`` a float Tensor added to the
    scores; both broadcast to the scores (…, L, S). With ``safe`` a row whose scores are all −∞
    (every key masked) gets probability 0, hence output 0 and gradient 0, as PyTorch's SDPA
    does; without it such a row is NaN, as ``nn.MultiheadAttention`` returns with
    ``need_weights=True``. Dropout, when p > 0, is applied to the probabilities.
    """
    xp = query.xp
    scores = ac.matmul(query * scale, key.swapaxes(-1, -2))
    dead = None
    if allowed is not None:
        scores = ac.masked_fill(scores, xp.logical_not(allowed), float("-inf"))
        dead = xp.logical_not(xp.any(allowed, axis=-1))
    if bias is not None:
        scores = scores + bias
        bias_dead = xp.all(xp.isneginf(bias.data), axis=-1)
        dead = bias_dead if dead is None else dead | bias_dead
    # Only rows that are masked everywhere need the detour, and only the mask can make them
    # so: finding them on the mask costs no pass over the scores when there are none.
    if safe and dead is not None and bool(xp.any(dead)):
        dead = dead[..., None]
        scores = ac.where(dead, 0.0, scores)
        probs = ac.where(dead, 0.0, ac.softmax(scores, -1))
    else:
        probs = ac.softmax(scores, -1)
    if dropout_p > 0.0:
        probs = F.dropout(probs, dropout_p, training=True)
    return ac.matmul(probs, value), probs


def _batch_shape(name: str, shapes: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    try:
        return tuple(ac.broadcast_shapes(*shapes.values()))
    except ValueError:
        seen = ", ".join(f"{k} {v}" for k, v in shapes.items())
        raise ShapeError(
            f"scaled_dot_product_attention: the batch dimensions of {name} do not broadcast: "
            f"{seen}. Give query, key and value the same leading (batch, head) dimensions, or "
            "size-1 ones."
        ) from None


def _check_qkv(query: Tensor, key: Tensor, value: Tensor, enable_gqa: bool) -> None:
    named = {"query": query, "key": key, "value": value}
    for name, t in named.items():
        if not isinstance(t, Tensor):
            raise TypeError(
                f"scaled_dot_product_attention: {name} must be a Tensor, got "
                f"{type(t).__name__}. Wrap it with ac.tensor(...)."
            )
    if min(t.ndim for t in named.values()) < 2:
        raise ShapeError(
            "scaled_dot_product_attention: query, key and value need at least 2 dimensions "
            f"(…, sequence, features); got shapes {tuple(query.shape)}, {tuple(key.shape)}, "
            f"{tuple(value.shape)}. Add a sequence axis with unsqueeze(0)."
        )
    dtypes = {t.dtype for t in named.values()}
    if len(dtypes) != 1 or query.dtype.kind != "f":
        raise DTypeError(
            "scaled_dot_product_attention: query, key and value must share one floating dtype; "
            f"got {query.dtype}, {key.dtype}, {value.dtype}. Cast them with .to(dtype)."
        )
    if key.shape[-1] != query.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ShapeError(
            "scaled_dot_product_attention: expected query (…, L, E), key (…, S, E) and value "
            f"(…, S, Ev); got {tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}. "
            "key must have query's feature size E and value key's sequence length S."
        )
    if enable_gqa:
        if min(t.ndim for t in named.values()) < 3:
            raise ShapeError(
                "scaled_dot_product_attention: enable_gqa needs a head axis (…, heads, "
                f"sequence, features); got shapes {tuple(query.shape)}, {tuple(key.shape)}, "
                f"{tuple(value.shape)}."
            )
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if hk == 0 or hv == 0 or hq % hk or hq % hv:
            raise ShapeError(
                "scaled_dot_product_attention: with enable_gqa the numbers of key and value "
                f"heads must divide the number of query heads; got {hq} query, {hk} key and "
                f"{hv} value heads. Use a head count for key/value that divides {hq}."
            )
    batches = {n: tuple(t.shape[:-2]) for n, t in named.items()}
    if enable_gqa:
        batches = {n: s[:-1] for n, s in batches.items()}
    _batch_shape("query, key and value", batches)


def _broadcasts_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    """Whether ``shape`` broadcasts to ``target`` without growing it."""
    if len(shape) > len(target):
        return False
    return all(a in (1, b) for a, b in zip(shape[::-1], target[::-1], strict=False))


def _repeat_heads(t: Tensor, heads: int) -> Tensor:
    """(…, h, S, E) → (…, heads, S, E), each head repeated heads/h times in a row (PyTorch's
    ``repeat_interleave`` along dim −3)."""
    h = t.shape[-3]
    if h == heads:
        return t
    lead, (s, e) = t.shape[:-3], t.shape[-2:]
    grown = ac.broadcast_to(t.unsqueeze(-3), (*lead, h, heads // h, s, e))
    return grown.reshape((*lead, heads, s, e))


def _mask_parts(
    attn_mask: Any, query: Tensor, scores_shape: tuple[int, ...], is_causal: bool
) -> tuple[Any, Tensor | None]:
    """The mask as (allowed boolean array or None, additive float Tensor or None)."""
    xp = query.xp
    L, S = scores_shape[-2:]
    if is_causal:
        if attn_mask is not None:
            raise ValueError(
                "scaled_dot_product_attention: is_causal=True builds its own mask, so attn_mask "
                "must be None. Pass one or the other (combine them yourself into attn_mask)."
            )
        return xp.tril(xp.ones((L, S), dtype=bool)), None
    if attn_mask is None:
        return None, None
    raw = attn_mask.data if isinstance(attn_mask, Tensor) else xp.asarray(attn_mask)
    kind = raw.dtype.kind
    if kind not in "bf":
        raise DTypeError(
            "scaled_dot_product_attention: attn_mask must be boolean (True = take part) or "
            f"floating (added to the scores); got dtype {raw.dtype}. Use mask.bool() or "
            "mask.to(query.dtype)."
        )
    if not _broadcasts_to(tuple(raw.shape), scores_shape):
        raise ShapeError(
            f"scaled_dot_product_attention: attn_mask of shape {tuple(raw.shape)} does not "
            f"broadcast to the attention weights' shape {tuple(scores_shape)} (…, L, S). Give "
            "it shape (L, S) or (…, L, S) with size-1 axes where it is shared."
        )
    if kind == "b":
        return raw, None
    bias = attn_mask if isinstance(attn_mask, Tensor) else ac.as_tensor(raw)
    return None, bias if bias.dtype == query.dtype else bias.astype(query.dtype)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    r"""Attention(Q, K, V) = softmax(Q Kᵀ · scale + M) V, over any leading batch dimensions.

    .. math:: \mathrm{out} = \mathrm{softmax}\!\left(s\,QK^\top + M\right) V,
       \qquad s = 1/\sqrt{E} \text{ by default}

    PyTorch's semantics: a boolean ``attn_mask`` says which query–key pairs *take part*
    (True) — the others get score −∞; a floating ``attn_mask`` is added to the scores (use −∞
    to exclude a pair); either broadcasts to the weights' shape (…, L, S). ``is_causal`` uses
    the lower-triangular mask aligned to the top left, ``tril(ones(L, S))``: query i sees keys
    0 … i, also when L ≠ S. A query row whose keys are all excluded gets weights 0, so output 0
    and zero gradients — what PyTorch 2.13 returns on CPU (checked in the tests), rather than
    the NaN of a plain softmax. ``enable_gqa`` (grouped-query attention) lets key and value
    have fewer heads (axis −3) than query, each repeated for consecutive query heads.
    ``dropout_p`` > 0 drops attention weights whenever it is given (call it with 0 at eval
    time, as ``nn.MultiheadAttention`` does).

    Memory: backward keeps q·s, k, v and the weights P (…, L, S) — the engine's matmul and
    softmax save their operands and output — plus a boolean (…, L, S) mask when a boolean or
    causal mask is used (and a second copy of P when some row is fully masked); the raw scores
    are not kept. With ``enable_gqa`` k and v are
    repeated to the query's heads first (as PyTorch's reference path does).

    Args:
        query: (…, L, E).
        key: (…, S, E).
        value: (…, S, Ev).
        attn_mask: boolean or floating, broadcastable to (…, L, S), or None.
        dropout_p: probability of dropping an attention weight, in [0, 1].
        is_causal: apply the causal mask (``attn_mask`` must then be None).
        scale: the factor s; None means 1/√E.
        enable_gqa: repeat key/value heads to match the query's heads.

    Returns:
        (…, L, Ev), the leading dimensions broadcast from query, key and value.

    Raises:
        ShapeError: shapes that do not match or broadcast, or too few dimensions.
        DTypeError: q, k, v of different or non-float dtypes, or a mask that is neither
            boolean nor floating.
        ValueError: dropout_p outside [0, 1] (PyTorch only rejects p > 1), or both
            ``attn_mask`` and ``is_causal``.

    Example:
        >>> import autograd_core as ac
        >>> import nn.functional as F
        >>> q = ac.ones(2, 3, 4)
        >>> F.scaled_dot_product_attention(q, ac.ones(2, 5, 4), ac.ones(2, 5, 6)).shape
        (2, 3, 6)
    """
    _check_qkv(query, key, value, enable_gqa)
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(
            f"scaled_dot_product_attention: dropout_p must be in [0, 1], got {dropout_p!r}."
        )
    if enable_gqa:
        key = _repeat_heads(key, query.shape[-3])
        value = _repeat_heads(value, query.shape[-3])
    batch = ac.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    scores_shape = (*batch, query.shape[-2], key.shape[-2])
    allowed, bias = _mask_parts(attn_mask, query, scores_shape, is_causal)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    out, _ = attend(
        query, key, value, scale=s, allowed=allowed, bias=bias, dropout_p=dropout_p, safe=True
    )
    return out
