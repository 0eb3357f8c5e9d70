"""nn.AdaptiveLogSoftmaxWithLoss against torch.nn.AdaptiveLogSoftmaxWithLoss in float64, from the
same weights (torch's state_dict loaded into ours): output, loss, log_prob, predict and the
gradients of the input and of every parameter, batched and unbatched, for several cutoffs,
div_value and head_bias; targets in the head and in every cluster, and batches where some
cluster gets none. Also the parameter shapes and default initialisation, and the module on each
device. Errors, gradcheck and training are in test_adaptive_softmax_training.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn

# torch warns when it initialises the empty weights of a cluster whose hidden size is 0
pytestmark = pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")
TOL = {"rtol": 1e-10, "atol": 1e-10}
# (in_features, n_classes, cutoffs, div_value, head_bias); the third has a cluster whose hidden
# size is 16 // 4**3 = 0, the fourth a non-integer div_value and one-class clusters
SETTINGS = [
    (8, 12, [3, 6, 9], 2.0, True),
    (10, 20, [5], 4.0, False),
    (16, 30, [4, 10, 20], 4.0, True),
    (6, 7, [1, 2, 5], 1.5, False),
]
IDS = ["three_clusters", "one_cluster", "empty_hidden", "div_1.5"]


def _pair(torch, setting, seed=0):
    """A torch module (float64) and ours with its weights."""
    in_features, n_classes, cutoffs, div_value, head_bias = setting
    torch.manual_seed(seed)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(
        in_features, n_classes, cutoffs, div_value=div_value, head_bias=head_bias
    ).double()
    ours = nn.AdaptiveLogSoftmaxWithLoss(
        in_features, n_classes, cutoffs, div_value=div_value, head_bias=head_bias, dtype="float64"
    )
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _every_cluster_targets(setting, n, rng):
    """n ≥ 2·(clusters + 1) targets with one at the low and one at the high end of the head and
    of every cluster, the rest random, shuffled."""
    _, n_classes, cutoffs, _, _ = setting
    bounds = [0, *cutoffs, n_classes]
    ends = [b for lo, hi in zip(bounds, bounds[1:]) for b in (lo, hi - 1)]
    t = np.concatenate([ends, rng.integers(0, n_classes, n - len(ends))])
    return rng.permutation(t)


def _forward_both(torch, ours, theirs, x, t):
    """Run both modules' forward and backward of the loss; the results as NumPy."""
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, tout = ours(xa, ac.tensor(t)), theirs(xt, torch.tensor(t))
    assert type(out).__name__.endswith("ASMoutput") and out._fields == tout._fields
    out.loss.backward()
    tout.loss.backward()
    return out, tout, xa.grad, xt.grad


def _compare_forward(torch, ours, theirs, x, t):
    out, tout, gx, gxt = _forward_both(torch, ours, theirs, x, t)
    assert out.output.shape == tuple(tout.output.shape) and out.output.dtype == ac.float64
    assert out.loss.shape == ()
    np.testing.assert_allclose(out.output.numpy(), tout.output.detach().numpy(), **TOL)
    np.testing.assert_allclose(out.loss.item(), tout.loss.item(), **TOL)
    np.testing.assert_allclose(gx.numpy(), gxt.numpy(), **TOL)
    theirs_params = dict(theirs.named_parameters())
    assert [name for name, _ in ours.named_parameters()] == list(theirs_params)
    for name, p in ours.named_parameters():
        q = theirs_params[name]
        if q.grad is None:  # a cluster no target reached: no gradient on either side
            assert p.grad is None, name
        else:
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), **TOL, err_msg=name)
    return out, tout


@pytest.mark.parametrize("setting", SETTINGS, ids=IDS)
def test_batched_forward_every_cluster(torch, setting):
    rng = np.random.default_rng(1)
    ours, theirs = _pair(torch, setting)
    t = _every_cluster_targets(setting, 17, rng)
    x = rng.standard_normal((17, setting[0]))
    _compare_forward(torch, ours, theirs, x, t)
    for _, q in theirs.named_parameters():  # every parameter was reached
        assert q.grad is not None


@pytest.mark.parametrize("setting", SETTINGS[:1] + SETTINGS[2:], ids=IDS[:1] + IDS[2:])
@pytest.mark.parametrize("missing", ["first", "last", "all_tails"])
def test_batched_forward_with_clusters_without_targets(torch, setting, missing):
    _, n_classes, cutoffs, _, _ = setting
    rng = np.random.default_rng(2)
    ours, theirs = _pair(torch, setting, seed=3)
    if missing == "first":  # cluster 0 empty: head and the other clusters only
        pool = np.r_[0 : cutoffs[0], cutoffs[1] : n_classes]
    elif missing == "last":
        pool = np.arange(cutoffs[-1])
    else:
        pool = np.arange(cutoffs[0])
    t = rng.choice(pool, 9)
    x = rng.standard_normal((9, setting[0]))
    _compare_forward(torch, ours, theirs, x, t)
    skipped = [name for name, q in theirs.named_parameters() if q.grad is None]
    assert skipped  # the case this test is about
    assert [name for name, p in ours.named_parameters() if p.grad is None] == skipped


@pytest.mark.parametrize("setting", SETTINGS, ids=IDS)
def test_one_row_batch_and_unbatched_sample(torch, setting):
    rng = np.random.default_rng(4)
    n_classes = setting[1]
    for target in (0, setting[2][0], n_classes - 1):  # head, first cluster, last cluster
        x = rng.standard_normal(setting[0])
        ours, theirs = _pair(torch, setting, seed=target)
        _compare_forward(torch, ours, theirs, x[None], np.array([target]))
        ours, theirs = _pair(torch, setting, seed=target)
        out, _ = _compare_forward(torch, ours, theirs, x, np.array(target))
        assert out.output.shape == ()


def test_empty_batch_gives_nan_loss_as_torch(torch):
    ours, theirs = _pair(torch, SETTINGS[0])
    x = np.zeros((0, 8))
    out = ours(ac.tensor(x), ac.tensor(np.zeros(0, np.int64)))
    tout = theirs(torch.tensor(x), torch.tensor(np.zeros(0, np.int64)))
    assert out.output.shape == (0,) == tuple(tout.output.shape)
    assert math.isnan(out.loss.item()) and math.isnan(tout.loss.item())


@pytest.mark.parametrize("setting", SETTINGS, ids=IDS)
def test_log_prob_values_gradients_and_normalisation(torch, setting):
    rng = np.random.default_rng(5)
    ours, theirs = _pair(torch, setting)
    x = rng.standard_normal((6, setting[0]))
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    lp, tlp = ours.log_prob(xa), theirs.log_prob(xt)
    assert lp.shape == (6, setting[1])
    np.testing.assert_allclose(lp.numpy(), tlp.detach().numpy(), **TOL)
    np.testing.assert_allclose(np.exp(lp.numpy()).sum(1), 1.0, rtol=1e-12)
    w = rng.standard_normal(lp.shape)
    (lp * ac.tensor(w)).sum().backward()
    (tlp * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), **TOL)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(), theirs_params[name].grad.numpy(), **TOL, err_msg=name
        )
    # the forward's output is log_prob at the targets
    t = _every_cluster_targets(setting, 6, rng) if len(setting[2]) < 3 else rng.integers(0, 6, 6)
    out = ours(ac.tensor(x), ac.tensor(t)).output.numpy()
    np.testing.assert_allclose(out, lp.numpy()[np.arange(6), t], rtol=1e-12)
    # one unbatched sample (torch takes only batches): its row of the batched result
    np.testing.assert_allclose(ours.log_prob(ac.tensor(x[2])).numpy(), lp.numpy()[2], rtol=1e-12)


@pytest.mark.parametrize("setting", SETTINGS, ids=IDS)
def test_predict_matches_torch_on_both_paths(torch, setting):
    rng = np.random.default_rng(6)
    ours, theirs = _pair(torch, setting)
    shortlist = setting[2][0]
    with torch.no_grad():  # make the head's cluster entries win for about half of the rows
        theirs.head.weight[shortlist:] *= 4.0
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = rng.standard_normal((64, setting[0]))
    pred, tpred = ours.predict(ac.tensor(x)), theirs.predict(torch.tensor(x))
    assert pred.dtype == ac.int64 and pred.shape == (64,)
    np.testing.assert_array_equal(pred.numpy(), tpred.numpy())
    np.testing.assert_array_equal(pred.numpy(), ours.log_prob(ac.tensor(x)).numpy().argmax(1))
    head_best = theirs.head(torch.tensor(x)).argmax(1).numpy()
    assert (head_best < shortlist).any() and (head_best >= shortlist).any()  # both paths ran
    assert ours.predict(ac.tensor(x[5])).shape == ()
    assert ours.predict(ac.tensor(x[5])).item() == tpred[5].item()


@pytest.mark.parametrize("setting", SETTINGS, ids=IDS)
def test_parameter_names_shapes_and_attributes_as_torch(torch, setting):
    in_features, n_classes, cutoffs, div_value, head_bias = setting
    ours, theirs = _pair(torch, setting)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    for attr in ("in_features", "n_classes", "cutoffs", "div_value", "head_bias"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    for attr in ("shortlist_size", "n_clusters", "head_size"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert all(p.dtype == ac.float64 for p in ours.parameters())


def test_default_initialisation_is_linear_kaiming_uniform():
    """Each weight (out, in) uniform on ±1/√in (``nn.Linear``'s scheme, as PyTorch's module)
    and the head's bias too: inside the bound, and spread over it."""
    gen = ac.Generator().manual_seed(0)
    asm = nn.AdaptiveLogSoftmaxWithLoss(64, 400, [100, 300], head_bias=True, generator=gen)
    for name, p in asm.named_parameters():
        fan_in = asm.in_features if name.startswith("head") else p.shape[-1]
        bound = 1.0 / math.sqrt(fan_in)
        w = p.numpy()
        assert np.abs(w).max() <= bound, name
        assert np.abs(w).max() > 0.9 * bound, name  # not a narrower law
        if w.size > 1000:  # uniform: variance bound²/3
            np.testing.assert_allclose(w.var(), bound**2 / 3, rtol=0.1, err_msg=name)
    again = nn.AdaptiveLogSoftmaxWithLoss(
        64, 400, [100, 300], head_bias=True, generator=ac.Generator().manual_seed(0)
    )
    np.testing.assert_array_equal(again.tail[1][0].weight.numpy(), asm.tail[1][0].weight.numpy())
    before = asm.head.weight.numpy().copy()
    asm.reset_parameters()
    assert not np.array_equal(before, asm.head.weight.numpy())


def test_on_each_device(device):
    """The forward, log_prob and predict on ``device`` equal the CPU's."""
    rng = np.random.default_rng(7)
    cpu = nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 6, 9], div_value=2.0, dtype="float64")
    with ac.no_grad():
        cpu.head.weight.mul_(4.0)  # some rows predicted through the tails
    dev = nn.AdaptiveLogSoftmaxWithLoss(8, 12, [3, 6, 9], div_value=2.0, dtype="float64")
    dev.load_state_dict(cpu.state_dict())
    dev.to(device)
    x = rng.standard_normal((16, 8))
    t = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3, 9, 0, 0])
    ref = cpu(ac.tensor(x), ac.tensor(t))
    xd = ac.tensor(x, device=device, requires_grad=True)
    got = dev(xd, ac.tensor(t, device=device))
    got.loss.backward()
    assert got.loss.device.type == device
    np.testing.assert_allclose(got.output.cpu().numpy(), ref.output.numpy(), rtol=1e-12)
    lp = dev.log_prob(ac.tensor(x, device=device))
    np.testing.assert_allclose(lp.cpu().numpy(), cpu.log_prob(ac.tensor(x)).numpy(), rtol=1e-12)
    pred = dev.predict(ac.tensor(x, device=device))
    assert pred.device.type == device
    np.testing.assert_array_equal(pred.cpu().numpy(), cpu.predict(ac.tensor(x)).numpy())
