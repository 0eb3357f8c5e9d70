"""checkpoint_sequential against the plain run and a list of functions, checkpoint and
checkpoint_sequential against PyTorch's, and the memory held between forward and backward."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from checkpoint_models import assert_all_equal, grads_by_backward, input_x, mlp, mlp_loss, weights

import autograd_core as ac
from autograd_core.utils.checkpoint import checkpoint, checkpoint_sequential

pytestmark = pytest.mark.usefixtures("float64_default")


# -- checkpoint_sequential ----------------------------------------------------------------------


@pytest.mark.parametrize("segments", [1, 2, 3, 5])
def test_checkpoint_sequential_equals_plain(segments):
    model, x = mlp(), input_x()
    y_plain = model(x).numpy()
    plain = grads_by_backward(model, x, lambda m, x: mlp_loss(m, x, False))
    y = checkpoint_sequential(model, segments, x)
    np.testing.assert_array_equal(y.numpy(), y_plain)
    ckpt = grads_by_backward(
        model, x, lambda m, x: (checkpoint_sequential(m, segments, x) * weights((5, 3))).sum()
    )
    assert_all_equal(ckpt, plain)


def test_checkpoint_sequential_takes_a_list_of_functions():
    x = input_x((3,))
    y = checkpoint_sequential([ac.sin, ac.exp, lambda t: t * 2], 2, x)
    y.sum().backward()
    expected = 2 * x.sin().exp() * x.cos()
    np.testing.assert_allclose(x.grad.numpy(), expected.detach().numpy(), rtol=1e-15)


# -- against PyTorch ---------------------------------------------------------------------------


def _torch_mlp(model, torch):
    t = torch.nn.Sequential(
        torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
        torch.nn.Linear(16, 3),
    ).double()  # fmt: skip
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(model.named_parameters(), t.named_parameters()):
            assert name == tname
            tp.copy_(torch.tensor(p.numpy()))
    return t


@pytest.mark.parametrize("segments", [1, 2, 3])
def test_checkpoint_sequential_matches_torch(torch, segments):
    from torch.utils.checkpoint import checkpoint_sequential as torch_sequential

    model, x = mlp(), input_x()
    tmodel = _torch_mlp(model, torch)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    w = weights((5, 3))
    y = checkpoint_sequential(model, segments, x)
    (y * w).sum().backward()
    ty = torch_sequential(tmodel, segments, tx, use_reentrant=False)
    (ty * torch.tensor(w.numpy())).sum().backward()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    for p, tp in zip(model.parameters(), tmodel.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-10)


def test_checkpoint_matches_torch_with_keyword_arguments_and_ac_grad(torch):
    from torch.utils.checkpoint import checkpoint as torch_checkpoint

    model, x = mlp(), input_x()
    tmodel = _torch_mlp(model, torch)
    tx = torch.tensor(x.numpy(), requires_grad=True)

    def f(lib, m, x, *, shift):
        return lib.tanh(m(x) + shift)

    y = checkpoint(f, ac, model, x, shift=0.25)
    ty = torch_checkpoint(f, torch, tmodel, tx, shift=0.25, use_reentrant=False)
    grads = ac.grad(y.sum(), [*model.parameters(), x])
    tgrads = torch.autograd.grad(ty.sum(), [*tmodel.parameters(), tx])
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), atol=1e-12)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), atol=1e-10)


# -- memory ---------------------------------------------------------------------------------


def test_memory_held_between_forward_and_backward_drops():
    """A chain of 24 layers tanh(h @ w) with (256, 256) float64 activations (512 KiB each),
    measured by tracemalloc from before the forward pass to the loss: the plain graph holds
    one activation per layer (the tanh's output, which the next matmul saves too); 4
    checkpoint_sequential segments of 6 layers hold the outputs of the first 3 and the 6
    activations of the last, plain, segment (9 in all); one checkpoint over the chain holds
    its output only."""
    rng = np.random.default_rng(0)
    ws = [ac.tensor(rng.standard_normal((256, 256)) / 16, requires_grad=True) for _ in range(24)]
    layers = [lambda h, w=w: (h @ w).tanh() for w in ws]
    x = ac.tensor(rng.standard_normal((256, 256)), requires_grad=True)
    activation = 256 * 256 * 8

    def held(forward):
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            loss = forward()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        loss.backward()
        return kept

    plain = held(lambda: checkpoint_sequential(layers, 1, x).sum())
    segments = held(lambda: checkpoint_sequential(layers, 4, x).sum())
    whole = held(lambda: checkpoint(checkpoint_sequential, layers, 1, x).sum())
    assert plain > 24 * activation
    assert segments < 0.5 * plain, (segments, plain)
    assert segments < 10 * activation
    assert whole < 0.1 * plain, (whole, plain)
