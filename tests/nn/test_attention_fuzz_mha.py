"""Differential fuzzing of nn.MultiheadAttention against PyTorch in float64, eval mode (a
nonzero dropout switched off): random module options (heads, head size, kdim/vdim, bias,
add_bias_kv, add_zero_attn, batch_first), batched or unbatched inputs (self-attention with one
tensor as query, key and value too), key_padding_mask and attn_mask (2-D and 3-D, boolean and
float, rows fully masked), need_weights, average_attn_weights and the is_causal hint. Our module
draws its weights; torch's gets them through its state_dict. Compared to 1e-10: the output, the
weights, the gradients of query, key, value and of every parameter, and the "mismatched mask
types" warning. Then the errors: ours raises where torch raises.

SDPA: test_attention_fuzz.py. Fixed cases: test_attention.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from fuzz_compare import fuzz_settings, slow_settings  # tests/nn/
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")
TOL = 1e-10


@dataclass
class Case:
    heads: int
    head_dim: int
    ctor: dict
    batched: bool
    self_attn: bool
    N: int
    L: int
    S: int
    kpm: str | None  # None, "bool", "float"
    attn: str | None  # None or "bool2d", "float3d", …
    causal_mask: bool  # with is_causal: the true causal mask (else a random one)
    fwd: dict
    dead_rows: bool
    seed: int


ATTN_MASKS = [None, "bool2d", "float2d", "bool3d", "float3d"]


@st.composite
def cases(draw, attn: str | None | bool = False) -> Case:
    """A random call; ``attn`` fixes the attn_mask kind (one of ``ATTN_MASKS``) when not False."""
    heads, head_dim = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    self_attn = draw(st.booleans())
    ctor = {
        "bias": draw(st.booleans()),
        "add_bias_kv": draw(st.booleans()),
        "add_zero_attn": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
    }
    if not self_attn:
        ctor["kdim"] = draw(st.none() | st.integers(1, 4))
        ctor["vdim"] = draw(st.none() | st.integers(1, 4))
    L = draw(st.integers(1, 4))
    attn = draw(st.sampled_from(ATTN_MASKS)) if attn is False else attn
    fwd = {
        "need_weights": draw(st.booleans()),
        "average_attn_weights": draw(st.booleans()),
        "is_causal": attn is not None and draw(st.booleans()),
    }
    return Case(
        heads=heads,
        head_dim=head_dim,
        ctor=ctor,
        batched=draw(st.booleans()),
        self_attn=self_attn,
        N=draw(st.integers(1, 3)),
        L=L,
        S=L if self_attn else draw(st.integers(1, 4)),
        kpm=draw(st.sampled_from([None, "bool", "float"])),
        attn=attn,
        causal_mask=draw(st.booleans()),
        fwd=fwd,
        dead_rows=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def _inputs(case: Case) -> list[np.ndarray]:
    rng = np.random.default_rng(case.seed)
    E = case.heads * case.head_dim
    dims = [(case.L, E)]
    if not case.self_attn:
        kdim, vdim = case.ctor.get("kdim") or E, case.ctor.get("vdim") or E
        dims += [(case.S, kdim), (case.S, vdim)]
    out = []
    for length, d in dims:
        if not case.batched:
            shape = (length, d)
        else:
            shape = (case.N, length, d) if case.ctor["batch_first"] else (length, case.N, d)
        out.append(rng.standard_normal(shape))
    return out


def _masks(case: Case) -> dict:
    """The forward's masks (True / −∞ = ignored); without ``dead_rows`` every query keeps key
    0, with it the first query of the first batch element may see no key (unless bias_k or a
    zero key is appended: those are never masked)."""
    rng = np.random.default_rng(case.seed + 1)
    out = {}
    batch = (case.N,) if case.batched else ()
    L, S = case.L, case.S
    if case.kpm:
        ignore = rng.random((*batch, S)) < 0.4
        ignore[..., 0] = case.dead_rows and ignore[..., 0]
        out["key_padding_mask"] = (
            ignore if case.kpm == "bool" else np.where(ignore, -np.inf, rng.standard_normal(S))
        )
    if case.attn:
        kind, rank = case.attn[:-2], case.attn[-2:]
        shape = (
            (L, S) if rank == "2d" else (case.N * case.heads if case.batched else case.heads, L, S)
        )
        if case.fwd["is_causal"] and case.causal_mask:
            ignore = np.broadcast_to(np.triu(np.ones((L, S), bool), 1), shape).copy()
        else:
            ignore = rng.random(shape) < 0.4
            ignore[..., 0] = case.dead_rows and ignore[..., 0]
            if case.dead_rows:
                ignore[..., 0, :] = True
        values = rng.standard_normal(shape)
        out["attn_mask"] = ignore if kind == "bool" else np.where(ignore, -np.inf, values)
    return out


def _pair(case: Case):
    E = case.heads * case.head_dim
    ac.manual_seed(case.seed)
    ours = nn.MultiheadAttention(E, case.heads, dropout=0.3, dtype=ac.float64, **case.ctor)
    theirs = torch.nn.MultiheadAttention(
        E, case.heads, dropout=0.3, dtype=torch.float64, **case.ctor
    )
    state = {k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()}
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict(state)
    ours.eval()
    theirs.eval()
    return ours, theirs


def _run(case: Case, module, lib, arrays, fwd):
    """Forward and backward of a random weighting of the output and the weights; returns
    (output, weights, input grads, parameter grads, whether it warned of mismatched masks)."""
    leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
    inputs = leaves * 3 if case.self_attn else leaves
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out, weights = module(*inputs, **kw)
    mismatched = any("mismatched" in str(w.message) for w in seen)
    rng = np.random.default_rng(case.seed + 2)
    loss = (out * lib.tensor(rng.standard_normal(tuple(out.shape)))).sum()
    if weights is not None:
        loss = loss + (weights * lib.tensor(rng.standard_normal(tuple(weights.shape)))).sum()
    loss.backward()
    as_np = lambda t: (
        None if t is None else t.detach().numpy() if hasattr(t, "detach") else t.numpy()
    )  # noqa: E731
    return (
        as_np(out),
        as_np(weights),
        [as_np(t.grad) for t in leaves],
        {n: as_np(p.grad) for n, p in module.named_parameters()},
        mismatched,
    )


def _same(a, b, what):
    assert (a is None) == (b is None), what
    if a is not None:
        assert a.shape == b.shape, (what, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL, equal_nan=True, err_msg=what)


def check(case: Case) -> None:
    ours, theirs = _pair(case)
    arrays, fwd = _inputs(case), dict(case.fwd, **_masks(case))
    with np.errstate(invalid="ignore", divide="ignore"):
        got = _run(case, ours, ac, arrays, fwd)
    want = _run(case, theirs, torch, arrays, fwd)
    _same(got[0], want[0], "output")
    _same(got[1], want[1], "weights")
    for i, (g, w) in enumerate(zip(got[2], want[2], strict=True)):
        _same(g, w, f"gradient of input {i}")
    assert list(got[3]) == list(want[3])
    for name, w in want[3].items():
        _same(got[3][name], w, f"gradient of {name}")
    assert got[4] == want[4], "the mismatched-mask warning"


@pytest.mark.parametrize("attn", ATTN_MASKS)
@fuzz_settings(10)
@given(data=st.data())
def test_mha_matches_torch(attn, data):
    """Per attn_mask kind, so that the fixed draws of the default run cover each of them."""
    check(data.draw(cases(attn)))


@pytest.mark.slow
@slow_settings(1500)
@given(cases())
def test_mha_matches_torch_many(case):
    check(case)


# -- errors: ours raises where torch raises ---------------------------------------------------


def _raises(fn) -> bool:
    try:
        fn()
    except (RuntimeError, ValueError, AssertionError, IndexError):
        return True
    return False


@fuzz_settings(40)
@given(st.integers(1, 12), st.integers(1, 6))
def test_num_heads_must_divide_as_torch(embed_dim, num_heads):
    want = _raises(lambda: torch.nn.MultiheadAttention(embed_dim, num_heads))
    assert _raises(lambda: nn.MultiheadAttention(embed_dim, num_heads)) == want


@st.composite
def bad_mask_shapes(draw):
    which = draw(st.sampled_from(["key_padding_mask", "attn_mask"]))
    rank = draw(st.integers(1, 2) if which == "key_padding_mask" else st.integers(2, 3))
    return which, tuple(draw(st.integers(1, 5)) for _ in range(rank)), draw(st.booleans())


@fuzz_settings(60)
@given(bad_mask_shapes())
def test_mask_shape_errors_as_torch(drawn):
    """Masks of random shapes of the accepted ranks, on (L, N, E) = (3, 2, 4), S = 4, 2 heads:
    ours raises exactly when torch does."""
    which, shape, is_bool = drawn
    mask = np.zeros(shape, bool) if is_bool else np.zeros(shape)
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in ((3, 2, 4), (4, 2, 4), (4, 2, 4))]
    results = []
    for lib, mod in ((torch, torch.nn), (ac, nn)):
        module = mod.MultiheadAttention(4, 2, dtype=lib.float64)
        kw = {which: lib.tensor(mask)}
        inputs = [lib.tensor(a) for a in arrays]
        results.append(_raises(lambda m=module, x=inputs, kw=kw: m(*x, **kw)))
    assert results[1] == results[0], (which, shape)
