"""nn.AdaptiveLogSoftmaxWithLoss: its argument and input errors (PyTorch's checks, with messages
naming the module, what was seen and the fix), gradcheck of the loss in float64 with respect to
the input and every weight (first and second order), and training: the loss falls on a toy
problem, and a few SGD steps follow torch's loss trajectory from the same weights."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim
from autograd_core.errors import DTypeError, ShapeError
from nn.utils.stateless import functional_call

# torch warns when it initialises the empty weights of a cluster whose hidden size is 0
pytestmark = pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning")


def _asm(**kw):
    args = {"in_features": 4, "n_classes": 10, "cutoffs": [3, 6], "dtype": "float64"}
    return nn.AdaptiveLogSoftmaxWithLoss(**{**args, **kw})


@pytest.mark.parametrize(
    ("cutoffs", "error", "seen"),
    [
        ([], ValueError, "length larger than 0"),
        ([6, 3], ValueError, "[6, 3]"),
        ([3, 3, 6], ValueError, "[3, 3, 6]"),
        ([0, 6], ValueError, "[0, 6]"),
        ([-2, 6], ValueError, "[-2, 6]"),
        ([3, 10], ValueError, "n_classes=10"),
        ([3, 12], ValueError, "n_classes-1 = 9"),
        ([3.0, 6], TypeError, "[3.0, 6]"),
        ([True, 6], TypeError, "[True, 6]"),
        (5, TypeError, "5"),
        ("36", TypeError, "'36'"),
    ],
)
def test_bad_cutoffs(cutoffs, error, seen):
    with pytest.raises(error, match="AdaptiveLogSoftmaxWithLoss: cutoffs") as info:
        _asm(cutoffs=cutoffs)
    assert seen in str(info.value)


def test_cutoffs_torch_rejects_too(torch):
    """Every ValueError case above is one torch rejects as well."""
    for cutoffs in ([], [6, 3], [3, 3, 6], [0, 6], [3, 10]):
        with pytest.raises(ValueError, match="cutoffs"):
            torch.nn.AdaptiveLogSoftmaxWithLoss(4, 10, cutoffs)


def test_cutoffs_as_numpy_and_tuple_are_taken():
    asm = _asm(cutoffs=np.array([3, 6]))
    assert asm.cutoffs == [3, 6, 10] and all(type(c) is int for c in asm.cutoffs)
    assert _asm(cutoffs=(3,)).cutoffs == [3, 10]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"div_value": 0.0}, "div_value must be a positive number, got 0.0"),
        ({"div_value": -2.0}, "div_value must be a positive number, got -2.0"),
        ({"in_features": 0}, "in_features must be a positive integer, got 0"),
        ({"in_features": 4.5}, "in_features must be a positive integer, got 4.5"),
        ({"n_classes": "10"}, "n_classes must be a positive integer, got '10'"),
    ],
)
def test_bad_sizes_and_div_value(kw, match):
    with pytest.raises(ValueError, match=f"AdaptiveLogSoftmaxWithLoss: {match}"):
        _asm(**kw)


@pytest.mark.parametrize(
    ("x_shape", "target", "error", "match"),
    [
        ((3, 4), [0, 1], ShapeError, r"input \(3, 4\) and target \(2,\)"),
        ((4,), [0], ShapeError, r"1-D target .* input \(4,\) and target \(1,\)"),
        ((2, 4), 1, ShapeError, r"0-D target needs a 1-D input .* got input \(2, 4\)"),
        ((2, 4), [[0, 1]], ShapeError, r"multi-target not supported; got target \(1, 2\)"),
        ((2, 5), [0, 1], ShapeError, r"\(N, 4\) or \(4,\) .* got \(2, 5\)"),
        ((2, 3, 4), [0, 1], ShapeError, r"got \(2, 3, 4\)"),
        (
            (2, 4),
            [0, 10],
            IndexError,
            r"target values must lie in \[0, 10\); got values from 0 to 10",
        ),
        ((2, 4), [-1, 3], IndexError, r"got values from -1 to 3\. Use classes 0 … 9"),
        ((2, 4), [0.0, 1.0], DTypeError, r"integer class indices, got dtype float"),
    ],
)
def test_bad_input_or_target(x_shape, target, error, match):
    asm = _asm()
    x = ac.tensor(np.zeros(x_shape))
    with pytest.raises(error, match=r"AdaptiveLogSoftmaxWithLoss[.:].*" + match):
        asm(x, ac.tensor(target))


def test_integer_input_and_bad_log_prob_shapes():
    asm = _asm()
    with pytest.raises(DTypeError, match=r"forward: input must be floating point, got dtype int"):
        asm(ac.tensor([[1, 2, 3, 4]]), ac.tensor([0]))
    with pytest.raises(ShapeError, match=r"log_prob: input must have shape \(N, 4\)"):
        asm.log_prob(ac.zeros(2, 3, dtype="float64"))
    with pytest.raises(ShapeError, match=r"predict: .* got \(2, 2, 4\)"):
        asm.predict(ac.zeros(2, 2, 4, dtype="float64"))


def test_torch_rejects_the_same_targets(torch):
    """The shape and range errors above are errors in torch too (RuntimeError there)."""
    asm = torch.nn.AdaptiveLogSoftmaxWithLoss(4, 10, [3, 6])
    for x_shape, target in (((3, 4), [0, 1]), ((4,), [0]), ((2, 4), 1), ((2, 4), [0, 10])):
        with pytest.raises(RuntimeError):
            asm(torch.zeros(x_shape), torch.tensor(target))


def test_gradcheck_loss_wrt_input_and_every_weight():
    """First order w.r.t. the input and every parameter, second order w.r.t. the input and the
    head, on a tiny case with targets in the head and both clusters."""
    asm = _asm(in_features=4, n_classes=7, cutoffs=[2, 4], div_value=2.0, head_bias=True)
    rng = np.random.default_rng(0)
    x = ac.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    t = ac.tensor([0, 3, 6, 1, 4])
    names = [name for name, _ in asm.named_parameters()]
    params = [p.detach().clone().requires_grad_(True) for p in asm.parameters()]

    def loss(x, *ps):
        return functional_call(asm, dict(zip(names, ps)), (x, t)).loss

    assert ac.gradcheck(loss, [x, *params])

    def output(x, w, b):
        return functional_call(asm, {"head.weight": w, "head.bias": b}, (x, t)).output

    assert ac.gradgradcheck(output, [x, params[0], params[1]])


def _toy(rng, n_classes=12, in_features=6, n=240):
    """Classes drawn Zipf-like (frequent ones first), each with its own mean input."""
    p = 1.0 / np.arange(1, n_classes + 1)
    y = rng.choice(n_classes, size=n, p=p / p.sum())
    means = 2.0 * rng.standard_normal((n_classes, in_features))
    x = means[y] + 0.5 * rng.standard_normal((n, in_features))
    return x, y


def test_training_lowers_the_loss_and_learns_the_classes():
    rng = np.random.default_rng(0)
    x, y = _toy(rng, in_features=16)
    asm = nn.AdaptiveLogSoftmaxWithLoss(
        16, 12, [2, 6], div_value=2.0, head_bias=True, generator=ac.Generator().manual_seed(0)
    )
    opt = optim.Adam(asm.parameters(), lr=0.05)
    xb, yb = ac.tensor(x, dtype="float32"), ac.tensor(y)
    losses = []
    for _ in range(150):
        opt.zero_grad()
        loss = asm(xb, yb).loss
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.05 * losses[0]
    assert (asm.predict(xb).numpy() == y).mean() > 0.95


def test_sgd_steps_follow_torch_from_the_same_weights(torch):
    rng = np.random.default_rng(1)
    x, y = _toy(rng, n=40)
    torch.manual_seed(0)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(6, 12, [2, 6], div_value=2.0, head_bias=True)
    theirs = theirs.double()
    ours = nn.AdaptiveLogSoftmaxWithLoss(6, 12, [2, 6], div_value=2.0, head_bias=True)
    ours.to(dtype="float64")
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    opt = optim.SGD(ours.parameters(), lr=0.5, momentum=0.9)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.5, momentum=0.9)
    mine, ref = [], []
    for step in range(6):
        rows = slice(8 * (step % 5), 8 * (step % 5) + 8)  # minibatches: some miss a cluster
        opt.zero_grad()
        loss = ours(ac.tensor(x[rows]), ac.tensor(y[rows])).loss
        loss.backward()
        opt.step()
        topt.zero_grad()
        tloss = theirs(torch.tensor(x[rows]), torch.tensor(y[rows])).loss
        tloss.backward()
        topt.step()
        mine.append(loss.item())
        ref.append(tloss.item())
    np.testing.assert_allclose(mine, ref, rtol=1e-10, atol=1e-12)
    assert mine[-1] < mine[0]
    for name, p in theirs.state_dict().items():
        np.testing.assert_allclose(
            ours.state_dict()[name].numpy(), p.numpy(), rtol=1e-10, atol=1e-12, err_msg=name
        )
