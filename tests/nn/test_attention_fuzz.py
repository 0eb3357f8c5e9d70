"""Differential fuzzing of F.scaled_dot_product_attention against PyTorch in float64: random
shapes (0–2 batch dimensions that broadcast between query, key and value, L and S from 0, E ≠
Ev), boolean and float masks of every broadcastable rank, is_causal with L ≠ S, an explicit
scale, enable_gqa, and fully masked rows; outputs and the gradients of query, key, value and a
float mask (tests/nn/fuzz_compare.py, 1e-10), each input entered as a contiguous, transposed or
strided view. Then the error paths: a mask ours refuses is one torch refuses.

nn.MultiheadAttention: test_attention_fuzz_mha.py; the Transformer layers:
test_attention_fuzz_transformer.py. Fixed cases: test_functional_attention.py.

Fully masked rows: the brief of this file expected NaN from torch for a boolean mask; PyTorch
2.13 on CPU returns 0 with zero gradients for both mask kinds (its math path), and ours does the
same — ``test_fully_masked_row_is_zero_as_torch`` pins it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from fuzz_compare import LAYOUTS, Arg, compare, fuzz_settings, normal, slow_settings  # tests/nn/
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
import nn.functional as F

torch = pytest.importorskip("torch")


@dataclass
class Case:
    """One call: shapes of q, k, v; the mask (kind None/"bool"/"float", its shape); options."""

    q: tuple[int, ...]
    k: tuple[int, ...]
    v: tuple[int, ...]
    mask: str | None
    mask_shape: tuple[int, ...]
    is_causal: bool
    scale: float | None
    gqa: bool
    layouts: tuple[str, str, str]
    dead_rows: bool
    seed: int


def _some_ones(draw, shape):
    """``shape`` with each axis kept or set to 1, and perhaps fewer leading axes."""
    out = tuple(n if draw(st.booleans()) else 1 for n in shape)
    return out[draw(st.integers(0, len(out))) :] if draw(st.booleans()) else out


MASKS = [None, "bool", "float", "causal"]


@st.composite
def cases(draw, mask_kind: str | None | bool = False) -> Case:
    """A random call; ``mask_kind`` fixes the mask (one of ``MASKS``) when not False."""
    nb = draw(st.integers(0, 2))
    batch = tuple(draw(st.integers(1, 3)) for _ in range(nb))
    gqa = nb >= 1 and draw(st.booleans())
    # an empty sequence about one draw in ten (hypothesis would otherwise favour it)
    L, S = (0 if draw(st.sampled_from(range(10))) == 9 else draw(st.integers(1, 5)) for _ in "LS")
    E, Ev = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if gqa:
        # torch needs the head axis on all three: (…, Hq, L, E), (…, Hk, S, E), (…, Hv, S, Ev)
        # with Hk and Hv dividing Hq; the axes before it broadcast as usual.
        hq = batch[-1]
        divisors = [d for d in range(1, hq + 1) if hq % d == 0]
        lead = batch[:-1]
        qb = (*tuple(n if draw(st.booleans()) else 1 for n in lead), hq)
        kb = (
            *tuple(n if draw(st.booleans()) else 1 for n in lead),
            draw(st.sampled_from(divisors)),
        )
        vb = (
            *tuple(n if draw(st.booleans()) else 1 for n in lead),
            draw(st.sampled_from(divisors)),
        )
    else:
        qb, kb, vb = (_some_ones(draw, batch) for _ in range(3))
    if L * S == 0:
        # PyTorch 2.13 returns an empty or zero output shaped from the query alone, (*q_batch,
        # L, Ev), when an input is empty, instead of the broadcast batch shape it gives
        # otherwise; ours broadcasts (test_empty_input_broadcasts_the_batch). Keep the
        # query's batch the full one there.
        if gqa:
            qb = (*np.broadcast_shapes(qb[:-1], kb[:-1], vb[:-1]), qb[-1])
        else:
            qb = tuple(np.broadcast_shapes(qb, kb, vb))
    # The mask broadcasts to the scores of query and key alone: PyTorch 2.13 adds it in place
    # to q·kᵀ, so a mask that also spans a batch axis only the value has fails there ("output
    # with shape … doesn't match the broadcast shape"), though the docs give the mask the
    # output's batch shape; ours takes it (test_mask_may_span_the_value_batch).
    if gqa:
        scores = (*np.broadcast_shapes(qb[:-1], kb[:-1]), qb[-1], L, S)
    else:
        scores = (*np.broadcast_shapes(qb, kb), L, S)
    mask = draw(st.sampled_from(MASKS)) if mask_kind is False else mask_kind
    # A mask of at least 2 dimensions: PyTorch's math path (the one that gives gradients) takes
    # a (S,) mask for a (…, L) one and fails with an IndexError; ours broadcasts it as the docs
    # say (test_functional_attention.py::test_one_dimensional_mask_broadcasts_over_queries).
    rank = draw(st.integers(2, len(scores))) if mask in ("bool", "float") else 0
    mask_shape = tuple(n if draw(st.booleans()) else 1 for n in scores[len(scores) - rank :])
    scale = draw(st.none() | st.floats(-2.0, 2.0, allow_nan=False))
    return Case(
        q=(*qb, L, E),
        k=(*kb, S, E),
        v=(*vb, S, Ev),
        mask=None if mask == "causal" else mask,
        mask_shape=mask_shape,
        is_causal=mask == "causal",
        scale=scale,
        gqa=gqa,
        layouts=tuple(draw(st.sampled_from(LAYOUTS)) for _ in range(3)),
        dead_rows=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def _mask(case: Case) -> np.ndarray | None:
    """Allowed pairs (bool) or additive scores with −∞ (float); with ``dead_rows`` one query row
    of the mask excludes every key."""
    if case.mask is None:
        return None
    rng = np.random.default_rng(case.seed + 1)
    allowed = rng.random(case.mask_shape) < 0.7
    if case.dead_rows and allowed.size and case.mask_shape[-2] > 0:
        row = rng.integers(case.mask_shape[-2])
        allowed[..., row, :] = False
    if case.mask == "bool":
        return allowed
    return np.where(allowed, rng.standard_normal(case.mask_shape), -np.inf)


def check(case: Case) -> None:
    mask = _mask(case)
    arrays = [normal(case.seed + i, s) for i, s in enumerate((case.q, case.k, case.v))]
    args = [Arg(a, lay) for a, lay in zip(arrays, case.layouts)]
    kw = {"is_causal": case.is_causal, "scale": case.scale, "enable_gqa": case.gqa}
    if case.mask == "float":  # differentiated too
        args.append(Arg(mask, "contiguous"))

    def ours(q, k, v, m=None):
        m = ac.tensor(mask) if case.mask == "bool" else m
        return F.scaled_dot_product_attention(q, k, v, m, **kw)

    def theirs(q, k, v, m=None):
        m = torch.tensor(mask) if case.mask == "bool" else m
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, m, **kw)

    with np.errstate(invalid="ignore"):
        compare(ours, theirs, args, gy_seed=case.seed)


@pytest.mark.parametrize("mask_kind", MASKS)
@fuzz_settings(40)
@given(data=st.data())
def test_sdpa_matches_torch(mask_kind, data):
    """Per mask kind, so that the fixed draws of the default run cover each of them."""
    check(data.draw(cases(mask_kind)))


@pytest.mark.slow
@slow_settings(1500)
@given(cases())
def test_sdpa_matches_torch_many(case):
    check(case)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_fully_masked_row_is_zero_as_torch(kind):
    """A query that may see no key: output 0 and zero gradients, in torch 2.13 and in ours."""
    case = Case(
        (2, 3, 4),
        (2, 5, 4),
        (2, 5, 2),
        kind,
        (2, 3, 5),
        False,
        None,
        False,
        ("contiguous",) * 3,
        True,
        7,
    )
    check(case)
    mask = _mask(case)
    dead = ~np.any(mask if kind == "bool" else np.isfinite(mask), axis=-1)
    assert dead.any()
    q, k, v = (ac.tensor(normal(7 + i, s)) for i, s in enumerate((case.q, case.k, case.v)))
    y = F.scaled_dot_product_attention(q, k, v, ac.tensor(mask)).numpy()
    assert np.all(y[dead] == 0)


def test_empty_input_broadcasts_the_batch():
    """With no keys every query row is fully masked, so 0 in the broadcast shape (NumPy's
    einsum gives the same shape); torch 2.13 returns (1, 2, 3) here, the query's batch alone,
    although it broadcasts the batch when no input is empty (excluded from the fuzz)."""
    q, k, v = normal(0, (1, 2, 4)), normal(1, (2, 0, 4)), normal(2, (1, 0, 3))
    y = F.scaled_dot_product_attention(*(ac.tensor(a) for a in (q, k, v))).numpy()
    want = np.einsum("bls,bsv->blv", np.einsum("ble,bse->bls", q, k), v)
    assert y.shape == want.shape == (2, 2, 3)
    np.testing.assert_array_equal(y, 0.0)


def test_mask_may_span_the_value_batch():
    """A mask with the batch axis of the value (q and k unbatched): the output's batch shape,
    as documented; torch 2.13 raises here (excluded from the fuzz). NumPy reference."""
    q, k, v = normal(0, (3, 4)), normal(1, (5, 4)), normal(2, (2, 5, 3))
    allowed = np.random.default_rng(3).random((2, 3, 5)) < 0.6
    allowed[..., 0] = True
    y = F.scaled_dot_product_attention(*(ac.tensor(a) for a in (q, k, v)), ac.tensor(allowed))
    scores = np.where(allowed, q @ k.T / 2.0, -np.inf)
    p = np.exp(scores - scores.max(-1, keepdims=True))
    want = (p / p.sum(-1, keepdims=True)) @ v
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-12, atol=1e-12)


# -- errors: ours refuses what torch refuses --------------------------------------------------


@st.composite
def bad_masks(draw):
    batch = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(0, 2))))
    L, S = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(draw(st.integers(2, 4))))
    return batch, L, S, shape, draw(st.booleans())


def _raises(fn) -> bool:
    try:
        fn()
    except (RuntimeError, ValueError, IndexError):
        return True
    return False


@fuzz_settings(60)
@given(bad_masks())
def test_mask_shape_errors_as_torch(drawn):
    """A mask of any shape of rank ≥ 2 (1-D: see ``cases``): ours raises exactly when torch
    does (ours a ShapeError naming the weights' shape)."""
    batch, L, S, shape, is_bool = drawn
    q, k, v = normal(0, (*batch, L, 3)), normal(1, (*batch, S, 3)), normal(2, (*batch, S, 2))
    m = np.ones(shape, bool) if is_bool else np.zeros(shape)
    want = _raises(
        lambda: torch.nn.functional.scaled_dot_product_attention(
            *(torch.tensor(a, requires_grad=True) for a in (q, k, v)), torch.tensor(m)
        )
    )
    got = _raises(
        lambda: F.scaled_dot_product_attention(
            *(ac.tensor(a, requires_grad=True) for a in (q, k, v)), ac.tensor(m)
        )
    )
    assert got == want, (batch, L, S, shape)
