"""CTC loss (nn/losses_ctc.py): values and gradients against torch in float64 (1e-10) for every
reduction, padded and concatenated targets, unbatched input, mixed lengths, repeated labels,
impossible targets and blank ≠ 0; a brute-force sum over all alignments without torch;
gradcheck and gradgradcheck; every error; the module; and a GRU that learns under CTC."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import DTypeError, ShapeError

REDUCTIONS = ["mean", "sum", "none"]


def _log_softmax(x: np.ndarray) -> np.ndarray:
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _concat(targets: np.ndarray, lengths: list[int]) -> np.ndarray:
    return np.concatenate([row[:k] for row, k in zip(targets, lengths)]).astype(np.int64)


def _torch_loss(torch, lp, targets, il, tl, **kw):
    def lengths(v):  # torch takes an unbatched length only as a tensor
        if isinstance(v, ac.Tensor):
            return torch.tensor(v.numpy())
        return torch.tensor(v) if isinstance(v, int) else v

    return torch.nn.functional.ctc_loss(lp, torch.tensor(targets), lengths(il), lengths(tl), **kw)


def _compare(torch, rng, x, targets, il, tl, **kw):
    """Ours against torch: values, gradients of the logits x (through log_softmax), and
    gradients of the log-probabilities themselves (torch's carries an extra exp(lp) term)."""
    w = rng.standard_normal(x.shape[1]) if x.ndim == 3 else rng.standard_normal(())
    # through log_softmax: the two gradients are the same function
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out = F.ctc_loss(ac.log_softmax(xa, -1), ac.tensor(targets), il, tl, **kw)
    ref = _torch_loss(torch, xt.log_softmax(-1), targets, il, tl, **kw)
    assert out.shape == tuple(ref.shape) and out.dtype == ac.float64
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weight = w if kw.get("reduction") == "none" else np.ones(())
    finite = np.isfinite(ref.detach().numpy()).all()
    if finite:
        (out * ac.tensor(weight)).sum().backward()
        (ref * torch.tensor(weight)).sum().backward()
        np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)

    # directly on log_probs: ours is ∂ℓ/∂lp, torch's is that plus exp(lp)·∂L/∂ℓₙ on used frames
    lp = _log_softmax(x)
    la, lt = ac.tensor(lp, requires_grad=True), torch.tensor(lp, requires_grad=True)
    out = F.ctc_loss(la, ac.tensor(targets), il, tl, **kw)
    ref = _torch_loss(torch, lt, targets, il, tl, **kw)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    if not finite:
        return
    (out * ac.tensor(weight)).sum().backward()
    (ref * torch.tensor(weight)).sum().backward()
    unzeroed = {**kw, "reduction": "none", "zero_infinity": False}
    per_seq = _torch_loss(torch, torch.tensor(lp), targets, il, tl, **unzeroed)
    lp3 = lp if lp.ndim == 3 else lp[:, None]
    n_batch = lp3.shape[1]
    dl = np.broadcast_to(weight, (n_batch,)).astype(float)
    il, tl = (np.atleast_1d(v.numpy() if isinstance(v, ac.Tensor) else v) for v in (il, tl))
    if kw.get("reduction", "mean") == "mean":
        dl = dl / (n_batch * np.maximum(tl, 1))
    dl = np.where(np.isfinite(np.atleast_1d(per_seq.numpy())), dl, 0.0)  # zero_infinity rows
    used = np.arange(lp3.shape[0])[:, None] < il[None, :]
    extra = np.exp(lp3) * (dl * used)[:, :, None]
    expected = lt.grad.numpy() - extra.reshape(lp.shape)
    np.testing.assert_allclose(la.grad.numpy(), expected, rtol=1e-10, atol=1e-12)


def _batch(rng, T=8, N=5, C=6, S=4, blank=0):
    """Logits and padded targets whose labels avoid ``blank``, with some repeated labels."""
    x = 2.0 * rng.standard_normal((T, N, C))
    labels = [c for c in range(C) if c != blank]
    targets = rng.choice(labels, (N, S))
    targets[0, 1] = targets[0, 0]  # a repeat: needs a blank between the copies
    targets[1, :3] = targets[1, 0]  # three in a row
    return x, targets


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("concatenated", [False, True])
def test_matches_torch_mixed_lengths(reduction, concatenated, torch, rng):
    x, targets = _batch(rng)
    il, tl = [8, 7, 8, 3, 5], [4, 3, 1, 0, 2]
    tg = _concat(targets, tl) if concatenated else targets
    _compare(torch, rng, x, tg, il, tl, reduction=reduction)


@pytest.mark.parametrize("lengths", ["list", "tuple", "tensor", "int32"])
def test_lengths_as_lists_tuples_and_tensors(lengths, torch, rng):
    x, targets = _batch(rng, N=3)
    il, tl = [8, 6, 5], [4, 2, 3]
    make = {
        "list": list,
        "tuple": tuple,
        "tensor": lambda v: ac.tensor(v),
        "int32": lambda v: ac.tensor(v, dtype=ac.int32),
    }[lengths]
    out = F.ctc_loss(ac.tensor(_log_softmax(x)), ac.tensor(targets), make(il), make(tl))
    ref = _torch_loss(torch, torch.tensor(_log_softmax(x)), targets, il, tl)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_unbatched_matches_torch(reduction, torch, rng):
    x = rng.standard_normal((6, 4))
    _compare(torch, rng, x, np.array([1, 1, 3]), 6, 3, reduction=reduction)
    _compare(torch, rng, x, np.array([2, 3]), ac.tensor(5), ac.tensor(2), reduction=reduction)
    _compare(
        torch, rng, x, np.array([[2, 3, 1]]), ac.tensor([5]), ac.tensor([2]), reduction=reduction
    )


@pytest.mark.parametrize("blank", [2, 5])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_blank_not_zero(blank, reduction, torch, rng):
    x, targets = _batch(rng, C=6, blank=blank)
    il, tl = [8, 8, 6, 7, 4], [4, 3, 2, 4, 1]
    _compare(torch, rng, x, targets, il, tl, blank=blank, reduction=reduction)
    _compare(torch, rng, x, _concat(targets, tl), il, tl, blank=blank, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_impossible_targets(reduction, zero_infinity, torch, rng):
    x = rng.standard_normal((4, 4, 5))
    # 'a a' needs 3 frames; 4 labels need 4; 'a b c' fits in 3; a label with no frame
    targets = np.array([[1, 1, 0, 0], [1, 2, 3, 4], [1, 2, 3, 0], [2, 0, 0, 0]])
    il, tl = [2, 3, 3, 0], [2, 4, 3, 1]
    kw = dict(reduction=reduction, zero_infinity=zero_infinity)
    _compare(torch, rng, x, targets, il, tl, **kw)
    lp = ac.tensor(_log_softmax(x))
    per_seq = F.ctc_loss(lp, targets, il, tl, reduction="none", zero_infinity=zero_infinity)
    expected = 0.0 if zero_infinity else np.inf
    assert per_seq.numpy()[[0, 1, 3]].tolist() == [expected] * 3
    assert np.isfinite(per_seq.numpy()[2])


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_impossible_target_gets_zero_gradient(zero_infinity, torch, rng):
    """Torch gives the inf loss's sequence NaN gradients unless zero_infinity; here always 0,
    and the possible sequences get exactly torch's (logits) gradients."""
    x = rng.standard_normal((3, 2, 4))
    targets, il, tl = np.array([[1, 1], [1, 2]]), [2, 3], [2, 2]
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    kw = dict(reduction="none", zero_infinity=zero_infinity)
    out = F.ctc_loss(ac.log_softmax(xa, -1), targets, il, tl, **kw)
    ref = _torch_loss(torch, xt.log_softmax(-1), targets, il, tl, **kw)
    out.sum().backward()
    ref.sum().backward()
    assert (xa.grad.numpy()[:, 0] == 0).all()
    assert zero_infinity or np.isnan(xt.grad.numpy()[:2, 0]).all()
    np.testing.assert_allclose(xa.grad.numpy()[:, 1], xt.grad.numpy()[:, 1], rtol=1e-10)


def test_minus_inf_log_probs_match_torch_values(torch, rng):
    """A class with probability exactly 0 (log −inf) is unreachable, not NaN."""
    lp = _log_softmax(rng.standard_normal((5, 2, 4)))
    lp[:, :, 3] = -np.inf
    lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
    targets, il, tl = np.array([[1, 2], [3, 1]]), [5, 5], [2, 2]
    la = ac.tensor(lp, requires_grad=True)
    out = F.ctc_loss(la, targets, il, tl, reduction="none")
    ref = _torch_loss(torch, torch.tensor(lp), targets, il, tl, reduction="none")
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-10)
    assert out.numpy()[1] == np.inf
    F.ctc_loss(la, targets, il, tl, zero_infinity=True).backward()
    assert np.isfinite(la.grad.numpy()).all()


def test_float32_matches_torch(torch, rng):
    x, targets = _batch(rng)
    lp = _log_softmax(x).astype(np.float32)
    il, tl = [8, 7, 8, 3, 5], [4, 3, 1, 0, 2]
    out = F.ctc_loss(ac.tensor(lp), targets, il, tl, reduction="none")
    ref = _torch_loss(torch, torch.tensor(lp), targets, il, tl, reduction="none")
    assert out.dtype == ac.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5)


def test_module_matches_functional(rng):
    x, targets = _batch(rng)
    lp = ac.tensor(_log_softmax(x))
    il, tl = [8, 7, 8, 3, 5], [4, 3, 1, 0, 2]
    loss = nn.CTCLoss(blank=0, reduction="sum")
    assert repr(nn.CTCLoss()) == "CTCLoss()"  # torch's form; non-default options print
    assert loss(lp, targets, il, tl).item() == F.ctc_loss(lp, targets, il, tl, 0, "sum").item()


# -- without torch ---------------------------------------------------------------------------


def _collapse(path: tuple[int, ...], blank: int) -> list[int]:
    merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return [c for c in merged if c != blank]


def _brute_force(lp: np.ndarray, labels: list[int], blank: int) -> float:
    """−log Σ over every alignment of the frames that collapses to ``labels``."""
    total = 0.0
    for path in itertools.product(range(lp.shape[1]), repeat=lp.shape[0]):
        if _collapse(path, blank) == labels:
            total += np.exp(sum(lp[t, c] for t, c in enumerate(path)))
    return -np.log(total) if total > 0 else np.inf


@pytest.mark.parametrize("blank", [0, 1, 2])
def test_brute_force_sum_over_alignments(blank, rng):
    T, C = 5, 3
    lp = _log_softmax(rng.standard_normal((T, 6, C)))
    others = [c for c in range(C) if c != blank]
    a, b = others
    rows = [[a], [a, a], [a, b, a], [b, b, b], [], [a, b]]
    il = [5, 5, 5, 4, 3, 1]  # the last two: the empty target, and too few frames (inf)
    padded = np.array([r + [a] * (3 - len(r)) for r in rows])
    out = F.ctc_loss(
        ac.tensor(lp), padded, il, [len(r) for r in rows], blank=blank, reduction="none"
    ).numpy()
    expected = [_brute_force(lp[:k, n], r, blank) for n, (r, k) in enumerate(zip(rows, il))]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert out[-1] == np.inf


def test_uniform_frames_count_alignments():
    """With equal class probabilities the loss is −log(#alignments / Cᵀ): 'a' over 3 frames of
    {blank, a} has 6 of the 8 alignments ('a--', 'aa-', 'aaa', '-a-', '-aa', '--a')."""
    lp = ac.log_softmax(ac.zeros(3, 1, 2, dtype=ac.float64), dim=-1)
    assert F.ctc_loss(lp, [[1]], [3], [1], reduction="sum").item() == pytest.approx(
        -np.log(6 / 8), rel=1e-14
    )
    # no frames: the empty target has probability 1, any other 0
    out = F.ctc_loss(lp, [[1]], [0], [0], reduction="none")
    assert out.tolist() == [0.0]


def test_gradcheck_first_and_second_order(rng):
    x = ac.tensor(rng.standard_normal((5, 3, 4)), requires_grad=True)
    targets = ac.tensor([[1, 1, 2], [3, 2, 0], [2, 0, 0]])
    il, tl = [5, 4, 2], [3, 2, 1]

    def through_softmax(z):
        return F.ctc_loss(ac.log_softmax(z, -1), targets, il, tl)

    def direct(lp):  # any real lp, not only log-softmax outputs: the derivative is exact
        return F.ctc_loss(lp, targets, il, tl, reduction="none")

    def impossible_zeroed(lp):  # sequence 0 cannot fit 2 frames
        return F.ctc_loss(lp, targets, [2, 4, 2], tl, reduction="sum", zero_infinity=True)

    def unbatched(lp):
        return F.ctc_loss(lp[:, 0], ac.tensor([1, 2]), 5, 2, blank=3)

    def concatenated(lp):
        return F.ctc_loss(lp, ac.tensor([2, 1, 1, 3]), il, [1, 3, 0], blank=0, reduction="none")

    for fn in [through_softmax, direct, impossible_zeroed, unbatched, concatenated]:
        assert ac.gradcheck(fn, (x,))
        assert ac.gradgradcheck(fn, (x,))


def test_gru_learns_label_sequences(rng):
    """A small GRU reads 10-frame inputs and learns to emit 2–3 labels under CTC (greedy
    decoding, then collapse)."""
    ac.manual_seed(0)
    T, D, C = 10, 4, 4
    inputs = ac.tensor(rng.standard_normal((T, 4, D)).astype(np.float32))
    rows = [[1, 2], [2, 1], [1, 1], [3, 2, 1]]
    targets = ac.tensor([r + [0] * (3 - len(r)) for r in rows])
    tl = [len(r) for r in rows]
    gru, head = nn.GRU(D, 24), nn.Linear(24, C)
    params = list(gru.parameters()) + list(head.parameters())
    import optim

    opt = optim.Adam(params, lr=0.03)
    for _ in range(150):
        h, _ = gru(inputs)
        loss = F.ctc_loss(ac.log_softmax(head(h), -1), targets, [T] * 4, tl)
        opt.zero_grad()
        loss.backward()
        opt.step()
    best = head(gru(inputs)[0]).numpy().argmax(-1)  # (T, N)
    decoded = [_collapse(tuple(best[:, n].tolist()), 0) for n in range(4)]
    assert decoded == rows, (decoded, loss.item())
    assert loss.item() < 0.1


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "error", "match"),
    [
        (dict(input_lengths=[9, 8]), ValueError, r"input_lengths must lie in \[0, T\] = \[0, 8\]"),
        (dict(input_lengths=[-1, 8]), ValueError, "input_lengths must lie in"),
        (dict(target_lengths=[-1, 2]), ValueError, "target_lengths must be ≥ 0"),
        (dict(target_lengths=[4, 2]), ShapeError, r"S ≥ max\(target_lengths\) = 4"),
        (dict(input_lengths=[8, 8, 8]), ShapeError, r"input_lengths must be N = 2 values"),
        (dict(target_lengths=[[3, 2]]), ShapeError, "target_lengths must be N = 2"),
        (dict(input_lengths=[8.0, 8.0]), DTypeError, "input_lengths must hold integers"),
        (dict(targets=[[0, 2, 1], [2, 1, 1]]), ValueError, "sequence 0 contain the blank class 0"),
        (
            dict(targets=[[1, 2, 1], [2, 5, 1]]),
            IndexError,
            r"sequence 1 must lie in \[0, 5\).*got 5",
        ),
        (dict(targets=[[1, 2, 1], [-1, 1, 1]]), IndexError, r"got -1"),
        (dict(targets=[[1.0, 2.0, 1.0], [2.0, 1.0, 1.0]]), DTypeError, "targets must hold int"),
        (dict(targets=[1, 2, 1, 2]), ShapeError, "sum\\(target_lengths\\) = 5 labels, got 4"),
        (dict(targets=[[1, 2, 1]]), ShapeError, "N = 2 sequences"),
        (dict(targets=np.ones((2, 3, 1), int)), ShapeError, r"padded \(N, S\) or concatenated"),
        (dict(blank=5), ValueError, r"blank must be a class index in \[0, 5\)"),
        (dict(blank=-1), ValueError, "blank must be a class index"),
        (dict(reduction="avg"), ValueError, "reduction must be one of"),
    ],
)
def test_errors(kw, error, match, rng):
    args = dict(
        log_probs=ac.tensor(_log_softmax(rng.standard_normal((8, 2, 5)))),
        targets=[[1, 2, 1], [2, 1, 1]],
        input_lengths=[8, 8],
        target_lengths=[3, 2],
    )
    args.update(kw)
    with pytest.raises(error, match=match):
        F.ctc_loss(**args)


def test_padding_past_a_length_is_not_read(rng):
    """As in torch: a padded row may hold anything (blank, out of range) past its length."""
    lp = ac.tensor(_log_softmax(rng.standard_normal((6, 2, 4))))
    clean = F.ctc_loss(lp, [[1, 2, 3], [2, 2, 1]], [6, 6], [3, 1], reduction="none")
    messy = F.ctc_loss(lp, [[1, 2, 3], [2, 0, 99]], [6, 6], [3, 1], reduction="none")
    assert clean.tolist() == messy.tolist()


def test_log_probs_errors(rng):
    lp = _log_softmax(rng.standard_normal((4, 2, 3)))
    args = ([[1, 2], [2, 1]], [4, 4], [2, 2])
    with pytest.raises(ShapeError, match=r"must be \(T, N, C\).*got shape \(4, 2, 3, 1\)"):
        F.ctc_loss(ac.tensor(lp[..., None]), *args)
    with pytest.raises(DTypeError, match="float32 or float64, got float16"):
        F.ctc_loss(ac.tensor(lp.astype(np.float16)), *args)
    with pytest.raises(DTypeError, match="float32 or float64, got int64"):
        F.ctc_loss(ac.tensor(np.zeros((4, 2, 3), np.int64)), *args)
    with pytest.raises(ShapeError, match="must not be empty"):
        F.ctc_loss(ac.tensor(lp[:, :0]), np.zeros((0, 2), np.int64), [], [])
    with pytest.raises(ShapeError, match="an int"):  # unbatched: one length, not two
        F.ctc_loss(ac.tensor(lp[:, 0]), [1, 2], [4, 4], 2)
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.CTCLoss(reduction="avg")


def test_on_each_device(device, rng):
    """The same numbers on every device, with targets and lengths given as host data."""
    x, targets = _batch(rng)
    il, tl = [8, 7, 2, 3, 5], [4, 3, 2, 0, 2]  # sequence 2 is impossible
    values, grads = [], []
    for dev in ("cpu", device):
        lp = ac.tensor(_log_softmax(x), device=dev, requires_grad=True)
        loss = F.ctc_loss(lp, ac.tensor(targets, device=dev), il, tl, zero_infinity=True)
        loss.backward()
        values.append(loss.item())
        grads.append(lp.grad.numpy())
    np.testing.assert_allclose(values[1], values[0], rtol=1e-12)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-15)
