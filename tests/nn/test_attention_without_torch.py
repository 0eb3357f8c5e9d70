"""nn.MultiheadAttention without torch: its initialisation, a single-head closed form, gradcheck
of order 1 and 2, dropout in training only, the same numbers on the CUDA stand-in, constructor
and forward errors, and a small learning task (reversing a sequence)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from attention_inputs import E, H, L, N, S, make_inputs, make_masks  # tests/nn/

import autograd_core as ac
import nn
import nn.functional as F
import optim
from autograd_core.errors import DTypeError, ShapeError

# -- without torch ----------------------------------------------------------------------------


def test_default_initialisation():
    """xavier_uniform_ in-projections, zero biases, Linear's U(−1/√E, 1/√E) out_proj weight,
    xavier_normal_ bias_k/bias_v (fans E and E, so std 1/√E)."""
    e = 256
    m = nn.MultiheadAttention(e, 4, add_bias_kv=True, dtype=ac.float64, generator=ac.Generator(0))
    w = m.in_proj_weight.numpy()
    bound = math.sqrt(6 / (e + 3 * e))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.var() - bound**2 / 3) < 0.03 * bound**2
    np.testing.assert_array_equal(m.in_proj_bias.numpy(), 0)
    np.testing.assert_array_equal(m.out_proj.bias.numpy(), 0)
    ow = m.out_proj.weight.numpy()
    assert np.abs(ow).max() <= 1 / math.sqrt(e) and np.abs(ow).max() > 0.99 / math.sqrt(e)
    both = np.concatenate([m.bias_k.numpy().ravel(), m.bias_v.numpy().ravel()])
    assert abs(both.std() - 1 / math.sqrt(e)) < 0.15 / math.sqrt(e)
    sep = nn.MultiheadAttention(e, 4, kdim=64, vdim=32, generator=ac.Generator(1))
    kb = math.sqrt(6 / (e + 64))
    assert np.abs(sep.k_proj_weight.numpy()).max() <= kb
    assert np.abs(sep.k_proj_weight.numpy()).max() > 0.99 * kb


def test_single_head_closed_form():
    """One head, identity projections, no biases: softmax(q kᵀ/√E) v, computed by hand."""
    rng = np.random.default_rng(6)
    m = nn.MultiheadAttention(3, 1, bias=False, dtype=ac.float64)
    m.load_state_dict({"in_proj_weight": np.vstack([np.eye(3)] * 3), "out_proj.weight": np.eye(3)})
    q, k = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    out, w = m(ac.tensor(q), ac.tensor(k), ac.tensor(k))
    scores = q @ k.T / math.sqrt(3)
    p = np.exp(scores - scores.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(w.numpy(), p, rtol=1e-12)
    np.testing.assert_allclose(out.numpy(), p @ k, rtol=1e-12)


GRAD_CASES = [
    ({}, {}),
    ({"add_bias_kv": True, "add_zero_attn": True, "kdim": 2, "vdim": 3}, {"need_weights": False}),
    ({"batch_first": True}, {"key_padding_mask": "float", "average_attn_weights": False}),
]


@pytest.mark.parametrize(("ctor", "fwd"), GRAD_CASES)
def test_gradcheck_first_and_second_order(ctor, fwd):
    rng = np.random.default_rng(7)
    m = nn.MultiheadAttention(4, 2, dtype=ac.float64, generator=ac.Generator(2), **ctor)
    b, lq, ls = 2, 2, 3
    first = ctor.get("batch_first", False)
    shape = lambda n, d: (b, n, d) if first else (n, b, d)  # noqa: E731
    xs = [
        ac.tensor(rng.standard_normal(shape(n, d)), requires_grad=True)
        for n, d in ((lq, 4), (ls, ctor.get("kdim", 4)), (ls, ctor.get("vdim", 4)))
    ]
    kw = dict(fwd)
    if kw.get("key_padding_mask") == "float":
        kw["key_padding_mask"] = ac.tensor(rng.standard_normal((b, ls)))
    params = list(m.parameters())

    def fn(q, k, v, *ps):  # parameters are perturbed in place
        out, w = m(q, k, v, **kw)
        return out if w is None else (out, w)

    assert ac.gradcheck(fn, [*xs, *params])
    assert ac.gradgradcheck(fn, [*xs, *params], fast_mode=True)


def test_dropout_in_training_only():
    rng = np.random.default_rng(8)
    m = nn.MultiheadAttention(8, 2, dropout=0.4, dtype=ac.float64)
    plain = nn.MultiheadAttention(8, 2, dtype=ac.float64)
    plain.load_state_dict(m.state_dict())
    x = ac.tensor(rng.standard_normal((50, 40, 8)))
    ac.manual_seed(0)
    out, w = m(x, x, x, average_attn_weights=False)
    ref_out, ref_w = plain(x, x, x, average_attn_weights=False)
    kept = w.numpy() != 0
    assert abs(1 - kept.mean() - 0.4) < 0.01
    np.testing.assert_allclose(w.numpy()[kept], ref_w.numpy()[kept] / 0.6, rtol=1e-12)
    assert not np.allclose(out.numpy(), ref_out.numpy())
    m.eval()
    for need_weights in (True, False):
        a, _ = m(x, x, x, need_weights=need_weights)
        np.testing.assert_allclose(a.numpy(), ref_out.numpy(), rtol=1e-12, atol=1e-14)


def test_runs_on_the_cuda_stand_in(fake_cuda):
    """Same numbers on "cuda" (the strict CuPy stand-in) as on the CPU, numpy masks included."""
    rng = np.random.default_rng(10)
    cpu = nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True, dtype=ac.float64)
    gpu = nn.MultiheadAttention(E, H, add_bias_kv=True, add_zero_attn=True, dtype=ac.float64)
    gpu.load_state_dict(cpu.state_dict())
    gpu.to("cuda")
    arrays = make_inputs(rng, "tf")
    fwd = make_masks(rng, "tf", "bool", "bool2d")
    for need_weights in (True, False):
        a, _ = cpu(*[ac.tensor(x) for x in arrays], need_weights=need_weights, **fwd)
        b, _ = gpu(*[ac.tensor(x, device="cuda") for x in arrays], need_weights=need_weights, **fwd)
        assert b.device.type == "cuda"
        np.testing.assert_allclose(b.cpu().numpy(), a.numpy(), rtol=1e-12, atol=1e-14)


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [((6, 4), "not divisible"), ((0, 1), "positive"), ((4, 0), "positive"), ((4.0, 2), "positive")],
)
def test_constructor_errors(args, match):
    with pytest.raises(ValueError, match=match):
        nn.MultiheadAttention(*args)
    with pytest.raises(ValueError, match="dropout"):
        nn.MultiheadAttention(4, 2, dropout=1.5)


def _x(*shape):
    return ac.ones(*shape, dtype=ac.float64)


@pytest.mark.parametrize(
    ("args", "kw", "error", "match"),
    [
        ((_x(4), _x(4), _x(4)), {}, ShapeError, "2-D"),
        ((_x(L, N, E), _x(S, E), _x(S, E)), {}, ShapeError, "3-D too"),
        ((_x(L, N, 5), _x(S, N, E), _x(S, N, E)), {}, ShapeError, "expected query"),
        ((_x(L, N, E), _x(S, N, E), _x(S + 1, N, E)), {}, ShapeError, "expected query"),
        ((_x(L, N, E), _x(S, 2, E), _x(S, 2, E)), {}, ShapeError, "expected query"),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"key_padding_mask": np.zeros(S, bool)},
            ShapeError,
            "2-D",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"key_padding_mask": np.zeros((N, S + 1), bool)},
            ShapeError,
            r"\(N, S\)",
        ),
        (
            (_x(L, E), _x(S, E), _x(S, E)),
            {"key_padding_mask": np.zeros((1, S), bool)},
            ShapeError,
            "1-D",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"attn_mask": np.zeros(S, bool)},
            ShapeError,
            "2-D",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"attn_mask": np.zeros((S, L), bool)},
            ShapeError,
            "2-D attn_mask",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"attn_mask": np.zeros((H, L, S), bool)},
            ShapeError,
            "3-D attn_mask",
        ),
        (
            (_x(L, E), _x(S, E), _x(S, E)),
            {"attn_mask": np.zeros((1, L, S), bool)},
            ShapeError,
            "3-D attn_mask",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"attn_mask": np.zeros((L, S), np.int64)},
            DTypeError,
            "attn_mask must be boolean",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"key_padding_mask": np.zeros((N, S), np.int32)},
            DTypeError,
            "key_padding_mask must be boolean",
        ),
        (
            (_x(L, N, E), _x(S, N, E), _x(S, N, E)),
            {"is_causal": True},
            ValueError,
            "needs the causal attn_mask",
        ),
    ],
)
def test_forward_errors(args, kw, error, match):
    m = nn.MultiheadAttention(E, H, dtype=ac.float64)
    with pytest.raises(error, match=match):
        m(*args, **kw)


# -- learning ---------------------------------------------------------------------------------


def test_learns_to_reverse_a_sequence():
    """One attention layer reverses sequences of 5 tokens: each output position must learn to
    attend to the input position mirrored to it (keys carry token and position one-hots)."""
    T, V, B = 5, 4, 64
    rng = np.random.default_rng(9)
    gen = ac.Generator(3)
    attn = nn.MultiheadAttention(8, 1, kdim=V + T, vdim=V + T, generator=gen)
    head = nn.Linear(8, V, generator=gen)
    opt = optim.Adam([*attn.parameters(), *head.parameters()], lr=0.05)
    queries = ac.tensor(np.eye(8, dtype=np.float32)[:T, None].repeat(B, 1))  # (T, B, 8)
    for _ in range(150):
        tokens = rng.integers(0, V, (B, T))
        keys = np.concatenate([np.eye(V)[tokens], np.broadcast_to(np.eye(T), (B, T, T))], -1)
        keys = ac.tensor(keys.transpose(1, 0, 2).astype(np.float32))
        out, _ = attn(queries, keys, keys, need_weights=False)
        logits = head(out).reshape(T * B, V)
        target = tokens[:, ::-1].T.reshape(-1)
        loss = F.cross_entropy(logits, ac.tensor(target))
        opt.zero_grad()
        loss.backward()
        opt.step()
    accuracy = (logits.numpy().argmax(-1) == target).mean()
    assert accuracy > 0.98, (accuracy, loss.item())
