"""Differential fuzzing of nn.TransformerEncoderLayer, nn.TransformerDecoderLayer and
nn.Transformer against PyTorch in float64, eval mode (a nonzero dropout switched off): random
sizes, norm_first, activation relu/gelu, bias, batch_first or unbatched input, and every mask of
the forward (src_mask, tgt_mask, memory_mask in 2-D or 3-D, boolean, float or causal; the key
padding masks boolean or float; the is_causal hints, given or detected). Our module draws its
weights; torch's gets them through its state_dict. Compared to 1e-10: the output, the gradients
of the inputs and of every parameter, and whether a "mismatched mask types" warning is given.

SDPA: test_attention_fuzz.py; MultiheadAttention: test_attention_fuzz_mha.py. Fixed cases:
test_transformer.py, test_transformer_decoder.py.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest
from fuzz_compare import fuzz_settings, slow_settings  # tests/nn/
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")
TOL = 1e-10
MASK_KINDS = [None, "bool", "float", "causal_bool", "causal_float"]


@dataclass
class Case:
    kind: str  # "encoder_layer", "decoder_layer", "transformer"
    heads: int
    ctor: dict
    batched: bool
    N: int
    T: int  # target length (the encoder layer's sequence)
    S: int  # source / memory length
    masks: dict = field(default_factory=dict)  # name -> (kind, rank)
    hints: dict = field(default_factory=dict)  # is_causal arguments
    seed: int = 0


KINDS = ["encoder_layer", "decoder_layer", "transformer"]


@st.composite
def cases(draw, kind: str | None = None) -> Case:
    """A random call of a random module, or of ``kind`` (one of ``KINDS``) when given."""
    kind = draw(st.sampled_from(KINDS)) if kind is None else kind
    heads = draw(st.integers(1, 2))
    ctor = {
        "d_model": heads * draw(st.integers(1, 3)),
        "dim_feedforward": draw(st.integers(1, 5)),
        "activation": draw(st.sampled_from(["relu", "gelu"])),
        "norm_first": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bias": draw(st.booleans()),
    }
    masks, hints = {}, {}
    square = {"encoder_layer": ["src_mask"], "decoder_layer": ["tgt_mask"]}.get(
        kind, ["src_mask", "tgt_mask"]
    )
    for name in square:
        masks[name] = (draw(st.sampled_from(MASK_KINDS)), draw(st.sampled_from([2, 3])))
    if kind != "encoder_layer":
        masks["memory_mask"] = (draw(st.sampled_from([None, "bool", "float"])), 2)
    pads = {
        "encoder_layer": ["src_key_padding_mask"],
        "decoder_layer": ["tgt_key_padding_mask", "memory_key_padding_mask"],
        "transformer": ["src_key_padding_mask", "tgt_key_padding_mask", "memory_key_padding_mask"],
    }[kind]
    for name in pads:
        masks[name] = (draw(st.sampled_from([None, "bool", "float"])), 1)
    # The hints: True only with a mask (PyTorch refuses is_causal without one); the stacks
    # of nn.Transformer also take None (detect the causal mask).
    hint_of = {
        "src_mask": "is_causal",
        "tgt_mask": "tgt_is_causal",
        "memory_mask": "memory_is_causal",
    }
    if kind == "transformer":
        hint_of["src_mask"] = "src_is_causal"
    for name, hint in hint_of.items():
        if name in masks and masks[name][0] is not None:
            choices = [False, True] + (
                [None] if kind == "transformer" and name != "memory_mask" else []
            )
            hints[hint] = draw(st.sampled_from(choices))
    return Case(
        kind=kind,
        heads=heads,
        ctor=ctor,
        batched=draw(st.booleans()),
        N=draw(st.integers(1, 2)),
        T=draw(st.integers(1, 4)),
        S=draw(st.integers(1, 4)),
        masks=masks,
        hints=hints,
        seed=draw(st.integers(0, 2**32 - 1)),
    )


def _mask(case: Case, name: str, kind: str, rank: int, rng) -> np.ndarray:
    """A mask in MultiheadAttention's convention (True / −∞ = ignored)."""
    rows = case.S if name.startswith("src") else case.T
    cols = case.T if name.startswith("tgt") else case.S
    if rank == 1:  # key padding: (N, length) or (length,)
        shape = (case.N, cols) if case.batched else (cols,)
    elif rank == 2:
        shape = (rows, cols)
    else:
        shape = ((case.N if case.batched else 1) * case.heads, rows, cols)
    if kind.startswith("causal"):
        ignore = np.broadcast_to(np.triu(np.ones((rows, cols), bool), 1), shape).copy()
    else:
        ignore = rng.random(shape) < 0.3
    if kind.endswith("bool"):
        return ignore
    return np.where(
        ignore, -np.inf, 0.0 if kind.startswith("causal") else rng.standard_normal(shape)
    )


def _inputs(case: Case) -> list[np.ndarray]:
    rng = np.random.default_rng(case.seed)
    d = case.ctor["d_model"]

    def shape(length):
        if not case.batched:
            return (length, d)
        return (case.N, length, d) if case.ctor["batch_first"] else (length, case.N, d)

    lengths = {"encoder_layer": [case.S], "decoder_layer": [case.T, case.S]}.get(
        case.kind, [case.S, case.T]
    )
    return [rng.standard_normal(shape(n)) for n in lengths]


def _build(case: Case, lib):
    mod = nn if lib is ac else torch.nn
    kw = dict(case.ctor, dropout=0.2, dtype=lib.float64)
    d = kw.pop("d_model")
    if case.kind == "encoder_layer":
        return mod.TransformerEncoderLayer(d, case.heads, **kw)
    if case.kind == "decoder_layer":
        return mod.TransformerDecoderLayer(d, case.heads, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's nested-tensor notice
        return mod.Transformer(d, case.heads, 1, 1, **kw)


def _run(case: Case, module, lib, arrays, fwd):
    leaves = [lib.tensor(a, requires_grad=True) for a in arrays]
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        y = module(*leaves, **kw)
    mismatched = any("mismatched" in str(w.message) for w in seen)
    gy = np.random.default_rng(case.seed + 2).standard_normal(tuple(y.shape))
    (y * lib.tensor(gy)).sum().backward()
    as_np = lambda t: t.detach().numpy() if hasattr(t, "detach") else t.numpy()  # noqa: E731
    grads = {f"input {i}": as_np(t.grad) for i, t in enumerate(leaves)}
    grads.update({n: as_np(p.grad) for n, p in module.named_parameters()})
    return as_np(y), grads, mismatched


def check(case: Case) -> None:
    ac.manual_seed(case.seed)
    ours, theirs = _build(case, ac), _build(case, torch)
    state = {k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()}
    assert list(state) == list(theirs.state_dict())
    theirs.load_state_dict(state)
    ours.eval()
    theirs.eval()
    rng = np.random.default_rng(case.seed + 1)
    fwd = {n: _mask(case, n, k, r, rng) for n, (k, r) in case.masks.items() if k is not None}
    fwd.update(case.hints)
    arrays = _inputs(case)
    with np.errstate(invalid="ignore"):
        got = _run(case, ours, ac, arrays, fwd)
    want = _run(case, theirs, torch, arrays, fwd)
    assert got[0].shape == want[0].shape
    np.testing.assert_allclose(
        got[0], want[0], rtol=TOL, atol=TOL, equal_nan=True, err_msg="output"
    )
    assert list(got[1]) == list(want[1])
    for name, w in want[1].items():
        np.testing.assert_allclose(
            got[1][name], w, rtol=TOL, atol=TOL, equal_nan=True, err_msg=name
        )
    assert got[2] == want[2], "the mismatched-mask warning"


@pytest.mark.parametrize("kind", KINDS)
@fuzz_settings(6)
@given(data=st.data())
def test_transformer_layers_match_torch(kind, data):
    """Per module, so that the fixed draws of the default run cover each of them."""
    check(data.draw(cases(kind)))


@pytest.mark.slow
@slow_settings(600)
@given(cases())
def test_transformer_layers_match_torch_many(case):
    check(case)
