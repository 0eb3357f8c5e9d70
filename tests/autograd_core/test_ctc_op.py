"""The CTC op ``ctc_nll`` (autograd_core/ops/ctc.py) against the composite it replaced in
``ctc_loss`` (``ctc_log_likelihood_composite``: the α recursion of engine ops, whose gradient is
the engine's): values and gradients in float64 to 1e-12 over random batches with variable
lengths, repeated labels, impossible and empty targets and unused frames; zero gradients where
the op promises them; gradcheck and gradgradcheck of ``ctc_loss`` through the op; the recorded
backward's nested sweep; the same numbers on every device. The op database checks the op
against a brute-force sum over alignments (autograd_core/testing/specs/ctc.py)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import ShapeError
from autograd_core.ops.ctc import (
    IMPOSSIBLE,
    CTCNegLogLikelihood,
    ctc_log_likelihood_composite,
    ctc_nll,
)

RTOL, ATOL = 1e-12, 1e-14


def _log_softmax(x: np.ndarray) -> np.ndarray:
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def _random_case(rng: np.random.Generator) -> tuple[np.ndarray, list[list[int]], list[int], int]:
    """log_probs (T, N, C), labels, input lengths and blank drawn so that a batch mixes every
    situation: repeats, empty targets, too-long (impossible) targets, frames left unused."""
    T, N, C = int(rng.integers(1, 13)), int(rng.integers(1, 6)), int(rng.integers(2, 7))
    blank = int(rng.integers(0, C))
    classes = [c for c in range(C) if c != blank]
    labels, lengths = [], []
    for _ in range(N):
        row = [int(c) for c in rng.choice(classes, int(rng.integers(0, 6)))]
        if len(row) > 1 and rng.random() < 0.5:
            row[1] = row[0]  # a repeat: needs a blank between its copies
        labels.append(row)
        lengths.append(int(rng.integers(0, T + 1)))
    x = 2.0 * rng.standard_normal((T, N, C))
    lp = _log_softmax(x) if rng.random() < 0.7 else x  # the derivative is exact for any lp
    return lp, labels, lengths, blank


def _composite(lp: np.ndarray, labels, lengths, blank, weights):
    """ℓ from the composite, inf where impossible, and ∂(Σ wₙ ℓₙ)/∂lp with 0 for impossible
    sequences: what ctc_loss computed before the op."""
    x = ac.tensor(lp, requires_grad=True)
    ll = ctc_log_likelihood_composite(x, labels, lengths, blank)
    impossible = ll.data < IMPOSSIBLE
    loss = ac.where(impossible, float("inf"), -ll)
    ac.where(impossible, 0.0, -ll).mul(ac.tensor(weights)).sum().backward()
    return loss.numpy(), x.grad.numpy()


def _op(lp: np.ndarray, labels, lengths, blank, weights):
    x = ac.tensor(lp, requires_grad=True)
    nll = ctc_nll(x, labels, lengths, blank)
    assert isinstance(nll.node, CTCNegLogLikelihood)
    nll.backward(ac.tensor(weights))
    return nll.numpy(), x.grad.numpy()


@pytest.mark.parametrize("seed", range(40))
def test_op_matches_the_composite(seed):
    rng = np.random.default_rng(seed)
    lp, labels, lengths, blank = _random_case(rng)
    weights = rng.standard_normal(len(labels))
    loss, grad = _op(lp, labels, lengths, blank, weights)
    ref_loss, ref_grad = _composite(lp, labels, lengths, blank, weights)
    np.testing.assert_array_equal(np.isinf(loss), np.isinf(ref_loss))
    np.testing.assert_allclose(loss, ref_loss, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(grad, ref_grad, rtol=RTOL, atol=ATOL)


def test_op_matches_the_composite_with_minus_inf_log_probs(rng):
    """A class of probability 0 (log −inf) is unreachable: finite values, 0 gradient there."""
    lp = _log_softmax(rng.standard_normal((7, 3, 5)))
    lp[:, :, 4] = -np.inf
    lp[2, 1, 1] = -np.inf
    labels, lengths = [[1, 2, 1], [1, 3], [4]], [7, 6, 7]
    weights = rng.standard_normal(3)
    loss, grad = _op(lp, labels, lengths, 0, weights)
    ref_loss, ref_grad = _composite(lp, labels, lengths, 0, weights)
    assert np.isfinite(loss[:2]).all() and loss[2] == np.inf
    np.testing.assert_allclose(loss, ref_loss, rtol=RTOL)
    np.testing.assert_allclose(grad, ref_grad, rtol=RTOL, atol=ATOL)
    assert (grad[:, :, 4] == 0).all() and grad[2, 1, 1] == 0


def test_nan_propagates_as_in_the_composite(rng):
    """A NaN log-probability on a used frame gives a NaN loss and gradient, not inf and 0."""
    lp = _log_softmax(rng.standard_normal((4, 2, 3)))
    lp[1, 0, 1] = np.nan  # (a class the target never reads would not matter)
    loss, grad = _op(lp, [[1], [2]], [4, 4], 0, np.ones(2))
    ref_loss, _ = _composite(lp, [[1], [2]], [4, 4], 0, np.ones(2))
    assert np.isnan(loss[0]) and np.isnan(ref_loss[0]) and np.isnan(grad[:, 0]).any()
    assert np.isfinite(loss[1]) and np.isfinite(grad[:, 1]).all()


def test_zero_gradient_past_input_lengths_and_for_impossible_targets(rng):
    lp = _log_softmax(rng.standard_normal((6, 4, 4)))
    # fits in 4 of 6 frames; 'a a' cannot fit 2 frames; the empty target with no frames;
    # 3 labels over all 6 frames
    labels, lengths = [[1, 2], [3, 3], [], [1, 2, 3]], [4, 2, 0, 6]
    x = ac.tensor(lp, requires_grad=True)
    nll = ctc_nll(x, labels, lengths)
    assert nll.numpy()[1] == np.inf and nll.numpy()[2] == 0.0
    nll.sum().backward()  # the inf loss's upstream gradient is 1, not 0: still 0 here
    g = x.grad.numpy()
    assert np.isfinite(g).all()
    assert (g[4:, 0] == 0).all() and (g[:, 1] == 0).all() and (g[:, 2] == 0).all()
    assert (g[:4, 0] != 0).any(-1).all() and (g[:, 3] != 0).any(-1).all()  # every used frame


def test_gradient_of_log_softmax_outputs_sums_to_minus_one_per_used_frame(rng):
    """Σ_k ∂ℓ/∂log y^t_k = −Σ_s γ_t(s) = −1 on every frame a possible sequence uses (the
    occupation probabilities of one frame sum to 1: Graves et al. eq. 14), 0 after."""
    lp = _log_softmax(rng.standard_normal((9, 3, 6)))
    x = ac.tensor(lp, requires_grad=True)
    ctc_nll(x, [[1, 5, 5], [2], [3, 4]], [9, 5, 7], blank=0).sum().backward()
    sums = x.grad.numpy().sum(-1)
    used = np.arange(9)[:, None] < np.array([9, 5, 7])[None, :]
    np.testing.assert_allclose(sums, np.where(used, -1.0, 0.0), atol=1e-13)


def test_float32_close_to_float64(rng):
    lp, labels, lengths, blank = _random_case(np.random.default_rng(3))
    weights = rng.standard_normal(len(labels))
    loss64, grad64 = _op(lp, labels, lengths, blank, weights)
    loss32, grad32 = _op(lp.astype(np.float32), labels, lengths, blank, weights)
    assert loss32.dtype == np.float32 and grad32.dtype == np.float32
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5)
    np.testing.assert_allclose(grad32, grad64, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_gradcheck_and_gradgradcheck_of_ctc_loss_through_the_op(reduction, zero_infinity, rng):
    lp = ac.tensor(_log_softmax(rng.standard_normal((6, 4, 4))), requires_grad=True)
    # repeats, an empty target, a sequence using 3 of 6 frames, and (with zero_infinity, where
    # its loss is 0 and not inf) an impossible one
    n = 4 if zero_infinity else 3
    targets = ac.tensor([[1, 1, 2], [3, 2, 0], [2, 0, 0], [1, 2, 3]][:n])
    il, tl = [6, 5, 3, 2][:n], [3, 0, 1, 3][:n]

    def fn(x):
        return F.ctc_loss(
            x[:, :n], targets, il, tl, reduction=reduction, zero_infinity=zero_infinity
        )

    assert any(isinstance(t.node, CTCNegLogLikelihood) for t in _ancestors(fn(lp)))
    assert ac.gradcheck(fn, (lp,))
    assert ac.gradgradcheck(fn, (lp,))


def _ancestors(t):
    """Every tensor-producing node of t's graph, as the tensors' nodes (a walk of inputs)."""
    seen, stack, found = set(), [t], []
    while stack:
        u = stack.pop()
        node = u.node
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        found.append(u)
        stack.extend(node.inputs)
    return found


def test_second_derivative_through_log_softmax_matches_the_composite(rng):
    """A Hessian-vector product through the op (its recorded VJP) equals the composite's."""
    z = rng.standard_normal((5, 2, 4))
    labels, lengths = [[1, 2], [3, 3]], [5, 4]
    v = rng.standard_normal(z.shape)
    hv = []
    for use_op in (True, False):
        x = ac.tensor(z, requires_grad=True)
        lp = ac.log_softmax(x, -1)
        if use_op:
            loss = ctc_nll(lp, labels, lengths).sum()
        else:
            loss = -ctc_log_likelihood_composite(lp, labels, lengths, 0).sum()
        (g,) = ac.grad(loss, x, create_graph=True)
        (h,) = ac.grad((g * ac.tensor(v)).sum(), x)
        hv.append(h.numpy())
    np.testing.assert_allclose(hv[0], hv[1], rtol=1e-11, atol=1e-14)


def test_recorded_backward_runs_log_probs_hooks_once(rng):
    """The recorded VJP's nested sweep stops at its own copy of log_probs: a hook on
    log_probs (a non-leaf) runs once, in the outer sweep, which then reaches x."""
    x = ac.tensor(rng.standard_normal((4, 2, 3)), requires_grad=True)
    lp = ac.log_softmax(x, -1)
    calls = []
    lp.register_hook(lambda g: calls.append(g.shape))
    (g,) = ac.grad(ctc_nll(lp, [[1], [2, 1]], [4, 3]).sum(), x, create_graph=True)
    assert calls == [(4, 2, 3)]
    assert g.requires_grad
    (plain,) = ac.grad(ctc_nll(ac.log_softmax(x, -1), [[1], [2, 1]], [4, 3]).sum(), x)
    np.testing.assert_allclose(g.numpy(), plain.numpy(), rtol=1e-12, atol=1e-15)


def test_on_each_device(device, rng):
    lp, labels, lengths, blank = _random_case(np.random.default_rng(7))
    weights = rng.standard_normal(len(labels))
    results = []
    for dev in ("cpu", device):
        x = ac.tensor(lp, device=dev, requires_grad=True)
        nll = ctc_nll(x, labels, lengths, blank)
        nll.backward(ac.tensor(weights, device=dev))
        results.append((nll.numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-13)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (dict(log_probs=np.zeros((3, 2))), ShapeError, r"\(T, N, C\) tensor, got shape \(3, 2\)"),
        (dict(labels=[[1]]), ShapeError, "N = 2 sequences; got 1 label sequences"),
        (dict(input_lengths=[4, 2]), ValueError, r"lie in \[0, T\] = \[0, 3\]"),
        (dict(labels=[[1], [0]]), ValueError, "sequence 1, \\[0\\], must lie in"),
        (dict(labels=[[1], [3]]), ValueError, r"must lie in \[0, 3\)"),
        (dict(blank=3), ValueError, r"blank in \[0, 3\)"),
    ],
)
def test_errors(args, error, match):
    call = dict(log_probs=np.zeros((3, 2, 3)), labels=[[1], [2]], input_lengths=[3, 3], blank=0)
    call.update(args)
    call["log_probs"] = ac.tensor(call["log_probs"])
    with pytest.raises(error, match=match):
        ctc_nll(**call)
