"""nn.TransformerDecoderLayer / nn.TransformerDecoder / nn.Transformer against PyTorch in float64
with its state_dict loaded (outputs and the gradients of target, memory and every parameter, to
1e-10), gradcheck of order 1 and 2, generate_square_subsequent_mask, causal hints and errors."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim

TOL = 1e-10
D, HEADS, FF, T, S, N = 6, 2, 10, 4, 5, 3


def _make(lib, kind, kw):
    """A decoder layer, a decoder of 2 copies with a final LayerNorm, or a full Transformer."""
    torch_nn = lib.nn if lib is not ac else nn
    if kw.get("activation") == "module":
        kw = dict(kw, activation=torch_nn.GELU())
    f64 = {"dtype": lib.float64}
    if kind == "model":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch's nested-tensor notice
            return torch_nn.Transformer(D, HEADS, 2, 2, dim_feedforward=FF, **kw, **f64)
    layer = torch_nn.TransformerDecoderLayer(D, HEADS, dim_feedforward=FF, **kw, **f64)
    if kind == "layer":
        return layer
    decoder = torch_nn.TransformerDecoder(layer, 2, norm=torch_nn.LayerNorm(D, **f64))
    if lib is not ac:
        # PyTorch's TransformerDecoderLayer.__setstate__ looks for "activation" in the state
        # dict, where a module activation is not (it is in _modules), so deepcopy swaps a module
        # activation for F.relu; ours keeps it, so give PyTorch's copies theirs back.
        for copied in decoder.layers:
            copied.activation = layer.activation
    return decoder


def _run(module, lib, inputs, fwd):
    xs = [lib.tensor(x, requires_grad=True) for x in inputs]
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    y = module(*xs, **kw)
    gy = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (y * lib.tensor(gy)).sum().backward()
    as_np = lambda t: t.detach().numpy() if hasattr(t, "detach") else t.numpy()  # noqa: E731
    grads = {f"input{i}": as_np(x.grad) for i, x in enumerate(xs)}
    grads.update({n: as_np(p.grad) for n, p in module.named_parameters()})
    return as_np(y), grads


def _inputs(kind, layout):
    rng = np.random.default_rng(0)
    shape = {"tf": lambda n: (n, N, D), "bf": lambda n: (N, n, D), "unbatched": lambda n: (n, D)}
    tgt, mem = rng.standard_normal(shape[layout](T)), rng.standard_normal(shape[layout](S))
    return [mem, tgt] if kind == "model" else [tgt, mem]


def _masks(masks, layout):
    rng = np.random.default_rng(2)
    batch = () if layout == "unbatched" else (N,)
    out = {}
    if "causal" in masks:
        out["tgt_mask"] = np.triu(np.ones((T, T), bool), 1)
    if "causal_float" in masks:
        out["tgt_mask"] = np.triu(np.full((T, T), -np.inf), 1)
    if "memory" in masks:
        out["memory_mask"] = rng.standard_normal((T, S))
    if "padding" in masks:
        tgt_pad, mem_pad = rng.random((*batch, T)) < 0.4, rng.random((*batch, S)) < 0.4
        tgt_pad[..., 0] = mem_pad[..., 0] = False
        out["tgt_key_padding_mask"], out["memory_key_padding_mask"] = tgt_pad, mem_pad
    return out


def _compare(torch, kind, kw, fwd, layout, train=True):
    torch.manual_seed(0)
    theirs = _make(torch, kind, kw)
    ours = _make(ac, kind, kw)
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    ours.load_state_dict(state)
    if not train:
        ours.eval()
        theirs.eval()
    inputs = _inputs(kind, layout)
    mine, ref = _run(ours, ac, inputs, fwd), _run(theirs, torch, inputs, fwd)
    np.testing.assert_allclose(mine[0], ref[0], rtol=TOL, atol=TOL)
    assert list(mine[1]) == list(ref[1])
    for name, g in ref[1].items():
        np.testing.assert_allclose(mine[1][name], g, rtol=TOL, atol=TOL, err_msg=name)


CONFIGS = [
    {"dropout": 0.0},
    {"dropout": 0.0, "norm_first": True},
    {"dropout": 0.0, "activation": "gelu", "bias": False, "norm_first": True},
    {"dropout": 0.0, "activation": "module", "layer_norm_eps": 1e-3},
]
MASKS = [(), ("causal",), ("causal_float", "memory", "padding")]
CASES = list(itertools.product(range(len(CONFIGS)), ["tf", "bf", "unbatched"], range(3)))


@pytest.mark.parametrize(("cfg", "layout", "masks"), CASES)
@pytest.mark.parametrize("kind", ["layer", "decoder"])
def test_decoder_matches_torch(torch, kind, cfg, layout, masks):
    kw = dict(CONFIGS[cfg], batch_first=layout == "bf")
    _compare(torch, kind, kw, _masks(MASKS[masks], layout), layout)


@pytest.mark.parametrize("layout", ["tf", "bf", "unbatched"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_matches_torch(torch, layout, norm_first):
    kw = {"dropout": 0.0, "norm_first": norm_first, "batch_first": layout == "bf"}
    fwd = _masks(("causal_float", "memory", "padding"), layout)
    pads = fwd.pop("tgt_key_padding_mask"), fwd.pop("memory_key_padding_mask")
    fwd.update(tgt_key_padding_mask=pads[0], memory_key_padding_mask=pads[1])
    fwd.update(src_key_padding_mask=pads[1], src_mask=np.random.default_rng(5).normal(size=(S, S)))
    _compare(torch, "model", kw, fwd, layout)


@pytest.mark.parametrize("norm_first", [False, True])
def test_eval_mode_turns_default_dropout_off(torch, norm_first):
    """Default dropout 0.1, eval(): equal to PyTorch's eval() outputs and gradients."""
    fwd = _masks(("causal_float", "memory"), "tf")
    _compare(torch, "model", {"norm_first": norm_first}, fwd, "tf", train=False)


def test_causal_hints_match_torch(torch):
    """tgt_is_causal / memory_is_causal with their masks given, as PyTorch requires."""
    causal = np.triu(np.ones((T, T), bool), 1)
    mem = np.triu(np.ones((T, S), bool), 1)
    fwd = {"tgt_mask": causal, "memory_mask": mem, "tgt_is_causal": True, "memory_is_causal": True}
    _compare(torch, "decoder", {"dropout": 0.0}, fwd, "tf")


def test_generate_square_subsequent_mask(torch):
    ours = nn.Transformer.generate_square_subsequent_mask(5)
    ref = torch.nn.Transformer.generate_square_subsequent_mask(5)
    assert ours.dtype == ac.get_default_dtype()
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())
    mask64 = nn.Transformer.generate_square_subsequent_mask(3, dtype=ac.float64)
    assert mask64.dtype == ac.float64


@pytest.mark.parametrize("norm_first", [False, True])
def test_gradcheck_first_and_second_order(norm_first):
    layer = nn.TransformerDecoderLayer(
        4, 2, dim_feedforward=3, dropout=0.0, norm_first=norm_first, activation="gelu"
    ).double()
    rng = np.random.default_rng(3)
    tgt = ac.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    mem = ac.tensor(rng.standard_normal((2, 2, 4)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=ac.float64)
    kpm = ac.tensor(np.array([[False, True], [False, False]]))
    params = list(layer.parameters())

    def fn(tgt, mem, *ps):  # the parameters are perturbed in place by gradcheck
        return layer(tgt, mem, tgt_mask=mask, memory_key_padding_mask=kpm)

    assert ac.gradcheck(fn, [tgt, mem, *params])
    assert ac.gradgradcheck(fn, [tgt, mem, *params], fast_mode=True)


def test_structure_and_init():
    model = nn.Transformer(8, 2, 3, 2, dim_feedforward=16)
    assert len(model.encoder.layers) == 3 and len(model.decoder.layers) == 2
    assert isinstance(model.encoder.norm, nn.LayerNorm)
    a = model.decoder.layers[0].linear1.weight
    b = model.decoder.layers[1].linear1.weight
    assert a is not b and not np.array_equal(a.numpy(), b.numpy())  # redrawn, xavier_uniform_
    bound = np.sqrt(6 / (8 + 16))
    assert np.abs(a.numpy()).max() <= bound
    np.testing.assert_array_equal(model.decoder.layers[0].linear1.bias.numpy() != 0, True)
    custom = nn.Linear(2, 2)
    assert nn.Transformer(8, 2, custom_encoder=custom, num_decoder_layers=1).encoder is custom


def test_trains_copy_task():
    """A tiny model learns to copy a short sequence (teacher forcing, causal target mask)."""
    ac.manual_seed(0)
    rng = np.random.default_rng(0)
    vocab, length, d = 5, 4, 16
    embed, pos = nn.Embedding(vocab, d), nn.Embedding(length, d)  # learned positions
    model = nn.Transformer(d, 2, 1, 1, dim_feedforward=32, dropout=0.0, batch_first=True)
    head = nn.Linear(d, vocab)
    params = [*embed.parameters(), *pos.parameters(), *model.parameters(), *head.parameters()]
    opt = optim.Adam(params, lr=1e-2)
    mask = nn.Transformer.generate_square_subsequent_mask(length)
    steps = ac.arange(length)
    losses = []
    for _ in range(150):
        seq = rng.integers(1, vocab, size=(16, length))
        src = ac.tensor(seq)
        tgt_in = ac.tensor(np.concatenate([np.zeros((16, 1), int), seq[:, :-1]], axis=1))
        positions = pos(steps)
        out = model(embed(src) + positions, embed(tgt_in) + positions, tgt_mask=mask)
        logits = head(out)
        loss = nn.functional.cross_entropy(logits.reshape(-1, vocab), src.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < 0.1 * np.mean(losses[:10])


def test_errors():
    with pytest.raises(ValueError, match="TransformerDecoderLayer: activation should be"):
        nn.TransformerDecoderLayer(4, 2, activation="tanh")
    with pytest.raises(TypeError, match="callable"):
        nn.TransformerDecoderLayer(4, 2, activation=3)
    with pytest.raises(ValueError, match="num_layers"):
        nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2), -1)
    model = nn.Transformer(4, 2, 1, 1, dim_feedforward=8)
    with pytest.raises(ac.ShapeError, match="batch number of src and tgt"):
        model(ac.ones(5, 2, 4), ac.ones(3, 3, 4))
    with pytest.raises(ac.ShapeError, match="feature number"):
        model(ac.ones(5, 2, 4), ac.ones(3, 2, 6))
    layer = nn.TransformerDecoderLayer(4, 2, dim_feedforward=8)
    with pytest.raises(ValueError, match="is_causal"):
        layer(ac.ones(3, 2, 4), ac.ones(5, 2, 4), memory_is_causal=True)
    with pytest.raises(ac.ShapeError, match="attn_mask"):
        layer(ac.ones(3, 2, 4), ac.ones(5, 2, 4), memory_mask=ac.ones(3, 3))
