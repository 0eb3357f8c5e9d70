"""F.scaled_dot_product_attention against PyTorch in float64 (outputs and the gradients of q,
k, v and a float mask, to 1e-10), against a NumPy reference without torch, by gradcheck of
order 1 and 2, and on its error paths."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import DTypeError, ShapeError

TOL = 1e-10


def _reference(q, k, v, mask=None, is_causal=False, scale=None, enable_gqa=False):
    """softmax(q kᵀ s + M) v in NumPy; rows with every key masked give 0 (PyTorch 2.13)."""
    if enable_gqa:
        k = np.repeat(k, q.shape[-3] // k.shape[-3], axis=-3)
        v = np.repeat(v, q.shape[-3] // v.shape[-3], axis=-3)
    s = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = np.einsum("...le,...se->...ls", q, k) * s
    L, S = scores.shape[-2:]
    if is_causal:
        mask = np.tril(np.ones((L, S), bool))
    if mask is not None and mask.dtype == bool:
        mask = np.where(mask, 0.0, -np.inf)
    if mask is not None:
        scores = scores + mask
    top = scores.max(axis=-1, keepdims=True)
    dead = np.isneginf(top)
    e = np.exp(scores - np.where(dead, 0.0, top))
    p = np.where(dead, 0.0, e / np.where(dead, 1.0, e.sum(axis=-1, keepdims=True)))
    return np.einsum("...ls,...se->...le", p, v)


def _inputs(rng, qs, ks, vs):
    return rng.standard_normal(qs), rng.standard_normal(ks), rng.standard_normal(vs)


def _compare_with_torch(torch, q, k, v, mask=None, **kw):
    """Outputs and the gradients of q, k, v (and a float mask) of ours and torch's."""
    rng = np.random.default_rng(5)
    grad_mask = mask is not None and mask.dtype != bool
    ours = [ac.tensor(a, requires_grad=True) for a in (q, k, v)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    if mask is not None:
        ours.append(ac.tensor(mask, requires_grad=grad_mask))
        theirs.append(torch.tensor(mask, requires_grad=grad_mask))
    y = F.scaled_dot_product_attention(*ours, **kw)
    yt = torch.nn.functional.scaled_dot_product_attention(*theirs, **kw)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=TOL, atol=TOL)
    gy = rng.standard_normal(y.shape)
    (y * ac.tensor(gy)).sum().backward()
    (yt * torch.tensor(gy)).sum().backward()
    n = 4 if grad_mask else 3
    for a, b in zip(ours[:n], theirs[:n], strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=TOL, atol=TOL)
    return y.numpy()


SHAPES = [
    ((4, 3), (5, 3), (5, 2)),  # unbatched, L != S, Ev != E
    ((2, 4, 3), (2, 6, 3), (2, 6, 5)),
    ((2, 3, 4, 5), (1, 3, 6, 5), (1, 3, 6, 7)),  # batch broadcast
    ((2, 3, 4, 5), (3, 6, 5), (3, 6, 5)),  # fewer key dims
    ((0, 2, 4, 3), (0, 2, 5, 3), (0, 2, 5, 3)),  # empty batch
    ((2, 0, 3), (2, 5, 3), (2, 5, 4)),  # no queries
    ((2, 4, 3), (2, 0, 3), (2, 0, 4)),  # no keys: output 0
]


@pytest.mark.parametrize(("qs", "ks", "vs"), SHAPES)
@pytest.mark.parametrize("is_causal", [False, True])
def test_sdpa_matches_torch_without_mask(torch, qs, ks, vs, is_causal):
    q, k, v = _inputs(np.random.default_rng(0), qs, ks, vs)
    _compare_with_torch(torch, q, k, v, is_causal=is_causal)


@pytest.mark.parametrize("mask_shape", [(4, 6), (1, 6), (3, 1, 6), (2, 3, 4, 6), (2, 1, 4, 1)])
@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_matches_torch_with_masks(torch, mask_shape, kind):
    rng = np.random.default_rng(1)
    q, k, v = _inputs(rng, (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7))
    allowed = rng.random(mask_shape) > 0.4
    mask = (
        allowed if kind == "bool" else np.where(allowed, rng.standard_normal(mask_shape), -np.inf)
    )
    _compare_with_torch(torch, q, k, v, mask)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_fully_masked_rows_give_zero_as_torch(torch, kind):
    """PyTorch 2.13 on CPU returns 0 (not NaN) for a query that may see no key, with zero
    gradients; a float mask of −∞ everywhere on the row counts as fully masked too."""
    rng = np.random.default_rng(2)
    q, k, v = _inputs(rng, (2, 4, 3), (2, 5, 3), (2, 5, 3))
    allowed = rng.random((2, 4, 5)) > 0.3
    allowed[0, 1] = False
    allowed[1, 3] = False
    mask = allowed if kind == "bool" else np.where(allowed, 0.5, -np.inf)
    y = _compare_with_torch(torch, q, k, v, mask)
    assert np.all(y[0, 1] == 0) and np.all(y[1, 3] == 0)


@pytest.mark.parametrize(("L", "S"), [(3, 5), (5, 3), (4, 4), (1, 6)])
def test_causal_mask_is_top_left_aligned(torch, L, S):
    q, k, v = _inputs(np.random.default_rng(3), (2, L, 4), (2, S, 4), (2, S, 3))
    y = _compare_with_torch(torch, q, k, v, is_causal=True)
    np.testing.assert_allclose(y, _reference(q, k, v, is_causal=True), rtol=TOL, atol=TOL)
    # query 0 sees key 0 only
    np.testing.assert_allclose(y[:, 0], v[:, 0], rtol=TOL, atol=TOL)


@pytest.mark.parametrize("scale", [0.3, 0.0, 2.5])
def test_explicit_scale(torch, scale):
    q, k, v = _inputs(np.random.default_rng(4), (2, 4, 3), (2, 5, 3), (2, 5, 2))
    _compare_with_torch(torch, q, k, v, scale=scale)


@pytest.mark.parametrize(("hk", "hv"), [(3, 3), (2, 2), (1, 1), (3, 2), (6, 6)])
def test_enable_gqa_repeats_kv_heads(torch, hk, hv):
    q, k, v = _inputs(np.random.default_rng(5), (2, 6, 4, 3), (2, hk, 5, 3), (2, hv, 5, 4))
    mask = np.random.default_rng(6).random((6, 4, 5)) > 0.3
    _compare_with_torch(torch, q, k, v, mask, enable_gqa=True)
    _compare_with_torch(torch, q, k, v, is_causal=True, enable_gqa=True)


# -- without torch ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"is_causal": True},
        {"scale": 0.7},
        {"mask": "bool"},
        {"mask": "float"},
        {"enable_gqa": True},
    ],
)
def test_sdpa_matches_numpy_reference(kw):
    rng = np.random.default_rng(7)
    kw = dict(kw)
    heads_kv = 2 if kw.get("enable_gqa") else 4
    q, k, v = _inputs(rng, (3, 4, 5, 6), (3, heads_kv, 7, 6), (3, heads_kv, 7, 2))
    mask = None
    if "mask" in kw:
        allowed = rng.random((4, 5, 7)) > 0.4
        allowed[1, 2] = False  # one fully masked row
        mask = allowed if kw.pop("mask") == "bool" else np.where(allowed, 0.3, -np.inf)
    y = F.scaled_dot_product_attention(
        *(ac.tensor(a) for a in (q, k, v)), None if mask is None else ac.tensor(mask), **kw
    )
    np.testing.assert_allclose(y.numpy(), _reference(q, k, v, mask, **kw), rtol=1e-12, atol=1e-12)


def test_one_dimensional_mask_broadcasts_over_queries():
    """A (S,) mask broadcasts as the docs say (PyTorch 2.13's math path, taken when grads are
    needed, rejects it with an IndexError although its fused CPU path accepts it)."""
    rng = np.random.default_rng(12)
    q, k, v = _inputs(rng, (2, 4, 3), (2, 5, 3), (2, 5, 2))
    mask = np.array([True, False, True, True, False])
    y = F.scaled_dot_product_attention(*(ac.tensor(a) for a in (q, k, v)), ac.tensor(mask))
    np.testing.assert_allclose(y.numpy(), _reference(q, k, v, mask), rtol=1e-12, atol=1e-12)


def test_uniform_weights_average_the_values():
    """Equal scores give the mean of the values: a closed form."""
    v = np.random.default_rng(8).standard_normal((2, 5, 3))
    y = F.scaled_dot_product_attention(
        ac.zeros(2, 4, 3, dtype=ac.float64), ac.ones(2, 5, 3, dtype=ac.float64), ac.tensor(v)
    )
    np.testing.assert_allclose(
        y.numpy(), np.broadcast_to(v.mean(1, keepdims=True), (2, 4, 3)), atol=1e-15
    )


@pytest.mark.parametrize(
    "kw",
    [{}, {"is_causal": True}, {"mask": "bool"}, {"mask": "float"}, {"enable_gqa": True}],
)
def test_sdpa_gradcheck_first_and_second_order(kw):
    rng = np.random.default_rng(9)
    kw = dict(kw)
    hk = 1 if kw.get("enable_gqa") else 2
    arrays = _inputs(rng, (2, 2, 3, 2), (1, hk, 4, 2), (1, hk, 4, 3))
    inputs = [ac.tensor(a, requires_grad=True) for a in arrays]
    if "mask" in kw:
        allowed = rng.random((2, 1, 3, 4)) > 0.4
        allowed[0, 0, 1] = False
        if kw.pop("mask") == "bool":
            kw["attn_mask"] = ac.tensor(allowed)
        else:  # the float mask is differentiated too; −∞ entries are held by a fixed bool part
            inputs.append(ac.tensor(rng.standard_normal((2, 1, 3, 4)), requires_grad=True))
            inf = ac.tensor(np.where(allowed, 0.0, -np.inf))

    def fn(*t):
        if len(t) == 4:
            return F.scaled_dot_product_attention(*t[:3], attn_mask=t[3] + inf, **kw)
        return F.scaled_dot_product_attention(*t, **kw)

    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs)


def test_dropout_drops_weights_and_keeps_their_mean():
    """With V = I the output is the (dropped) weight matrix: entries are 0 or P/(1−p), about
    p of them 0, and their mean over many draws is P."""
    ac.manual_seed(0)
    S, p = 6, 0.3
    q = ac.tensor(np.random.default_rng(10).standard_normal((400, 5, 4)))
    k = ac.tensor(np.random.default_rng(11).standard_normal((1, S, 4)))
    eye = ac.tensor(np.eye(S)[None])
    plain = F.scaled_dot_product_attention(q, k, eye).numpy()
    dropped = F.scaled_dot_product_attention(q, k, eye, dropout_p=p).numpy()
    kept = dropped != 0
    assert abs(1 - kept.mean() - p) < 0.02
    np.testing.assert_allclose(dropped[kept], plain[kept] / (1 - p), rtol=1e-12)
    assert F.scaled_dot_product_attention(q, k, eye, dropout_p=1.0).numpy().max() == 0


# -- errors -----------------------------------------------------------------------------------


def _qkv(qs=(2, 4, 3), ks=(2, 5, 3), vs=(2, 5, 2), dtype=np.float64):
    return [ac.tensor(np.ones(s, dtype)) for s in (qs, ks, vs)]


@pytest.mark.parametrize(
    ("args", "kw", "error", "match"),
    [
        (_qkv((3,), (5, 3), (5, 2)), {}, ShapeError, "at least 2 dimensions"),
        (_qkv(ks=(2, 5, 4)), {}, ShapeError, "feature size E"),
        (_qkv(vs=(2, 6, 2)), {}, ShapeError, "sequence length S"),
        (_qkv(ks=(3, 5, 3), vs=(3, 5, 2)), {}, ShapeError, "do not broadcast"),
        (_qkv()[:2] + [ac.tensor(np.ones((2, 5, 2), np.float32))], {}, DTypeError, "one floating"),
        (_qkv(dtype=np.int64), {}, DTypeError, "one floating"),
        (_qkv(), {"attn_mask": ac.tensor(np.ones((4, 5), np.int64))}, DTypeError, "boolean"),
        (_qkv(), {"attn_mask": ac.tensor(np.ones((4, 6), bool))}, ShapeError, "broadcast"),
        (_qkv(), {"attn_mask": ac.tensor(np.ones((3, 2, 4, 5), bool))}, ShapeError, "broadcast"),
        (_qkv(), {"attn_mask": ac.ones(4, 5), "is_causal": True}, ValueError, "is_causal"),
        (_qkv(), {"dropout_p": 1.5}, ValueError, "dropout_p"),
        (_qkv(), {"dropout_p": -0.1}, ValueError, "dropout_p"),
        (_qkv((6, 4, 3), (4, 5, 3), (4, 5, 2)), {"enable_gqa": True}, ShapeError, "divide"),
        (_qkv(ks=(3, 5, 3), vs=(3, 5, 2)), {"enable_gqa": True}, ShapeError, "divide"),
        (_qkv((4, 3), (5, 3), (5, 2)), {"enable_gqa": True}, ShapeError, "head axis"),
        (_qkv((6, 4, 3), (3, 5, 3), (3, 5, 2)), {}, ShapeError, "do not broadcast"),
    ],
)
def test_sdpa_errors(args, kw, error, match):
    with pytest.raises(error, match=match):
        F.scaled_dot_product_attention(*args, **kw)


def test_sdpa_needs_tensors():
    q, k, v = _qkv()
    with pytest.raises(TypeError, match="must be a Tensor"):
        F.scaled_dot_product_attention(q.numpy(), k, v)
