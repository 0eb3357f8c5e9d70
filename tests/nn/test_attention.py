"""nn.MultiheadAttention against torch.nn.MultiheadAttention in float64 with its state_dict
loaded: outputs, attention weights and the gradients of every input and parameter (to 1e-10)
for every layout, module option and mask kind, the is_causal hint, fully masked rows, mixed
mask types, the state_dict and the parameter names. Initialisation, dropout, gradcheck of order
1 and 2, the device, errors and a small learning task: test_attention_without_torch.py."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from attention_inputs import E, H, L, N, S, make_inputs, make_masks  # tests/nn/

import autograd_core as ac
import nn

TOL = 1e-10


def _pair(torch, seed=0, **kw):
    """Our module and torch's, ours loaded from torch's state_dict (tensors as arrays)."""
    torch.manual_seed(seed)
    theirs = torch.nn.MultiheadAttention(E, H, dtype=torch.float64, **kw)
    ours = nn.MultiheadAttention(E, H, dtype=ac.float64, **kw)
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state)
    return ours, theirs


def _run(module, lib, arrays, fwd, rng_seed=3):
    """Forward, then backward of a random weighting of output and weights; returns numpy
    (output, weights or None, input grads, {parameter name: grad})."""
    inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    out, weights = module(*inputs, **kw)
    rng = np.random.default_rng(rng_seed)
    loss = (out * lib.tensor(rng.standard_normal(tuple(out.shape)))).sum()
    if weights is not None:
        loss = loss + (weights * lib.tensor(rng.standard_normal(tuple(weights.shape)))).sum()
    loss.backward()
    as_np = lambda t: t.detach().numpy() if hasattr(t, "detach") else t.numpy()  # noqa: E731
    grads = {n: as_np(p.grad) for n, p in module.named_parameters()}
    return (
        as_np(out),
        None if weights is None else as_np(weights),
        [as_np(t.grad) for t in inputs],
        grads,
    )


def _assert_same(a, b):
    np.testing.assert_allclose(a, b, rtol=TOL, atol=TOL, equal_nan=True)


def _compare(torch, ctor, fwd, layout, seed=0):
    ours, theirs = _pair(torch, seed, **ctor)
    arrays = make_inputs(
        np.random.default_rng(seed), layout, ctor.get("kdim", E), ctor.get("vdim", E)
    )
    mine, ref = _run(ours, ac, arrays, fwd), _run(theirs, torch, arrays, fwd)
    assert mine[0].shape == ref[0].shape
    _assert_same(mine[0], ref[0])
    assert (mine[1] is None) == (ref[1] is None)
    if ref[1] is not None:
        assert mine[1].shape == ref[1].shape
        _assert_same(mine[1], ref[1])
    for a, b in zip(mine[2], ref[2], strict=True):
        _assert_same(a, b)
    assert list(mine[3]) == list(ref[3])
    for name in ref[3]:
        _assert_same(mine[3][name], ref[3][name])
    return mine


LAYOUTS = ["tf", "bf", "unbatched"]
MODULES = [
    {},
    {"kdim": 3, "vdim": 2},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"add_bias_kv": True, "add_zero_attn": True, "kdim": 4, "vdim": 5},
    {"bias": False},
]
MASKS = [
    (None, None),
    ("bool", None),
    ("float", None),
    (None, "bool2d"),
    (None, "float3d"),
    ("bool", "bool3d"),
    ("float", "float2d"),
]
CASES = list(itertools.product(LAYOUTS, range(len(MODULES)), MASKS, [True, False]))


@pytest.mark.parametrize(
    ("layout", "mod", "masks", "need_weights"),
    CASES,
    ids=[f"{lay}-m{m}-{k}-{a}-{'w' if w else 'nw'}" for lay, m, (k, a), w in CASES],
)
def test_matches_torch(torch, layout, mod, masks, need_weights):
    ctor = dict(MODULES[mod], batch_first=layout == "bf")
    fwd = make_masks(np.random.default_rng(1), layout, *masks)
    _compare(torch, ctor, dict(fwd, need_weights=need_weights), layout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_per_head_weights_match_torch(torch, layout):
    fwd = make_masks(np.random.default_rng(2), layout, "float", "float3d")
    mine = _compare(
        torch, {"batch_first": layout == "bf"}, dict(fwd, average_attn_weights=False), layout
    )
    assert mine[1].shape == ((H, L, S) if layout == "unbatched" else (N, H, L, S))


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("with_kpm", [False, True])
def test_is_causal_hint_as_torch(torch, need_weights, with_kpm):
    """The hint needs attn_mask; without weights or padding mask PyTorch then uses the causal
    mask in its place — shown here by passing a mask that is not causal."""
    rng = np.random.default_rng(4)
    fwd = {"attn_mask": rng.random((L, S)) < 0.3, "is_causal": True, "need_weights": need_weights}
    fwd["attn_mask"][:, 0] = False
    if with_kpm:
        fwd["key_padding_mask"] = np.zeros((N, S), bool)
    _compare(torch, {}, fwd, "tf")


@pytest.mark.parametrize("need_weights", [True, False])
def test_fully_masked_rows_as_torch(torch, need_weights):
    """A query whose keys are all masked gives NaN with need_weights (a plain softmax) and 0
    through the SDPA path, exactly as PyTorch 2.13."""
    ignore = np.zeros((N, S), bool)
    ignore[1] = True
    with np.errstate(invalid="ignore"):  # NumPy warns as it makes the NaN
        mine = _compare(torch, {}, {"key_padding_mask": ignore, "need_weights": need_weights}, "tf")
    if need_weights:
        assert np.isnan(mine[0][:, 1]).all() and not np.isnan(mine[0][:, [0, 2]]).any()
    else:
        np.testing.assert_array_equal(mine[0][:, 1], 0.0)  # out_proj.bias is 0 after init


def test_mismatched_mask_types_warn_as_torch(torch):
    fwd = make_masks(np.random.default_rng(5), "tf", "bool", "float2d")
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        _compare(torch, {}, fwd, "tf")


def test_torch_state_dict_loads_and_round_trips(torch):
    ours, theirs = _pair(torch, add_bias_kv=True, kdim=3, vdim=4)
    names = [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_parameters()] == names
    assert names == [
        "q_proj_weight",
        "k_proj_weight",
        "v_proj_weight",
        "in_proj_bias",
        "bias_k",
        "bias_v",
        "out_proj.weight",
        "out_proj.bias",
    ]
    for name, value in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[name].numpy(), value.numpy())
    assert ours.in_proj_weight is None and theirs.in_proj_weight is None


def test_parameter_shapes_and_names_match_torch(torch):
    for kw in ({}, {"bias": False}, {"kdim": 2, "vdim": 7, "add_bias_kv": True}):
        ours = nn.MultiheadAttention(8, 4, **kw)
        theirs = torch.nn.MultiheadAttention(8, 4, **kw)
        assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
            (n, tuple(p.shape)) for n, p in theirs.named_parameters()
        ]
