"""nn.TransformerEncoderLayer / nn.TransformerEncoder against PyTorch in float64 with its
state_dict loaded (outputs and the gradients of the input and every parameter, to 1e-10),
gradcheck of order 1 and 2, causal-mask detection, dropout and errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac
import nn
from nn.transformer import is_causal_mask

TOL = 1e-10
D, HEADS, FF, L, N = 6, 2, 10, 4, 3


def _make(lib, layers, kw):
    """A layer (layers=0) or an encoder of ``layers`` copies with a final LayerNorm."""
    float64 = lib.float64
    activation = kw.get("activation")
    if activation == "module":
        kw = dict(kw, activation=lib.nn.GELU() if lib is not ac else nn.GELU())
    torch_nn = lib.nn if lib is not ac else nn
    layer = torch_nn.TransformerEncoderLayer(D, HEADS, dim_feedforward=FF, dtype=float64, **kw)
    if not layers:
        return layer
    norm = torch_nn.LayerNorm(D, dtype=float64)
    extra = {"enable_nested_tensor": False}
    return torch_nn.TransformerEncoder(layer, layers, norm=norm, **extra)


def _run(module, lib, x, fwd):
    xt = lib.tensor(x, requires_grad=True)
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    y = module(xt, **kw)
    gy = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (y * lib.tensor(gy)).sum().backward()
    as_np = lambda t: t.detach().numpy() if hasattr(t, "detach") else t.numpy()  # noqa: E731
    return as_np(y), as_np(xt.grad), {n: as_np(p.grad) for n, p in module.named_parameters()}


def _compare(torch, layers, kw, fwd, layout="tf", train=True):
    torch.manual_seed(0)
    theirs = _make(torch, layers, kw)
    ours = _make(ac, layers, kw)
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state)
    if not train:
        ours.eval()
        theirs.eval()
    shape = {"tf": (L, N, D), "bf": (N, L, D), "unbatched": (L, D)}[layout]
    x = np.random.default_rng(0).standard_normal(shape)
    mine, ref = _run(ours, ac, x, fwd), _run(theirs, torch, x, fwd)
    np.testing.assert_allclose(mine[0], ref[0], rtol=TOL, atol=TOL)
    np.testing.assert_allclose(mine[1], ref[1], rtol=TOL, atol=TOL)
    assert list(mine[2]) == list(ref[2])
    for name, g in ref[2].items():
        np.testing.assert_allclose(mine[2][name], g, rtol=TOL, atol=TOL, err_msg=name)


def _masks(kind, layout):
    rng = np.random.default_rng(2)
    if kind == "causal_bool":
        return {"mask": np.triu(np.ones((L, L), bool), 1)}
    if kind == "causal_float":
        return {"mask": np.triu(np.full((L, L), -np.inf), 1)}
    if kind == "padding":
        ignore = rng.random((L,) if layout == "unbatched" else (N, L)) < 0.4
        ignore[..., 0] = False
        return {"src_key_padding_mask": ignore}
    if kind == "both":
        ignore = rng.random((N, L)) < 0.4
        ignore[:, 0] = False
        return {
            "mask": rng.standard_normal((L, L)),
            "src_key_padding_mask": np.where(ignore, -np.inf, 0.0),
        }
    return {}


CONFIGS = [
    {"dropout": 0.0},
    {"dropout": 0.0, "norm_first": True},
    {"dropout": 0.0, "activation": "gelu", "bias": False},
    {"dropout": 0.0, "activation": "module", "layer_norm_eps": 1e-3},
]
CASES = list(
    itertools.product(
        range(len(CONFIGS)), ["tf", "bf", "unbatched"], [None, "causal_bool", "padding"], [0, 2]
    )
)


@pytest.mark.parametrize(
    ("cfg", "layout", "mask", "layers"),
    CASES,
    ids=[f"c{c}-{lay}-{m}-L{n}" for c, lay, m, n in CASES],
)
def test_matches_torch(torch, cfg, layout, mask, layers):
    kw = dict(CONFIGS[cfg], batch_first=layout == "bf")
    fwd = _masks(mask, layout)
    if layers == 0 and "mask" in fwd:
        fwd = {"src_mask": fwd.pop("mask"), **fwd}
    _compare(torch, layers, kw, fwd, layout)


@pytest.mark.parametrize("mask", ["causal_float", "both"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_eval_mode_float_masks_match_torch(torch, mask, norm_first):
    """Eval mode turns the default dropout (0.1) off, as in PyTorch."""
    _compare(torch, 2, {"norm_first": norm_first}, _masks(mask, "tf"), train=False)


def test_causal_mask_detection():
    causal = np.triu(np.ones((4, 4), bool), 1)
    assert is_causal_mask(ac.tensor(causal), 4)
    assert is_causal_mask(np.where(causal, -np.inf, 0.0), 4)
    assert not is_causal_mask(np.where(causal, -1e9, 0.0), 4)
    assert not is_causal_mask(causal, 5)
    assert not is_causal_mask(~causal, 4)
    assert not is_causal_mask(None, 4)


@pytest.mark.parametrize("norm_first", [False, True])
def test_gradcheck_first_and_second_order(norm_first):
    layer = nn.TransformerEncoderLayer(
        4, 2, dim_feedforward=3, dropout=0.0, norm_first=norm_first, activation="gelu"
    ).double()
    x = ac.tensor(np.random.default_rng(3).standard_normal((3, 2, 4)), requires_grad=True)
    kpm = ac.tensor(np.array([[False, False, True], [False, False, False]]))
    params = list(layer.parameters())
    fn = lambda x, *ps: layer(x, src_key_padding_mask=kpm)  # noqa: E731  (params perturbed in place)
    assert ac.gradcheck(fn, [x, *params])
    assert ac.gradgradcheck(fn, [x, *params], fast_mode=True)


def test_layers_are_independent_copies():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    encoder = nn.TransformerEncoder(layer, 3)
    assert len(encoder.layers) == 3
    first = encoder.layers[0].linear1.weight
    assert first is not encoder.layers[1].linear1.weight and first is not layer.linear1.weight
    np.testing.assert_array_equal(first.numpy(), encoder.layers[2].linear1.weight.numpy())
    assert "layers.2.self_attn.in_proj_weight" in encoder.state_dict()


def test_dropout_only_in_training():
    ac.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.5).double()
    x = ac.tensor(np.random.default_rng(4).standard_normal((5, 3, 8)))
    a, b = layer(x).numpy(), layer(x).numpy()
    assert not np.allclose(a, b)
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())


def test_errors():
    with pytest.raises(ValueError, match="relu/gelu"):
        nn.TransformerEncoderLayer(4, 2, activation="tanh")
    with pytest.raises(TypeError, match="callable"):
        nn.TransformerEncoderLayer(4, 2, activation=3)
    with pytest.raises(ValueError, match="not divisible"):
        nn.TransformerEncoderLayer(6, 4)
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), -1)
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=8)
    with pytest.raises(ac.ShapeError, match="attn_mask"):
        layer(ac.ones(3, 2, 4), src_mask=ac.ones(2, 2))
