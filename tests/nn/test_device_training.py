"""Training on a CUDA device, run on the strict CuPy stand-in: one step of an MLP makes no
host↔device copy apart from the loss value the user reads, matches the same step on the CPU,
and class targets are validated without reading the device."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
import optim


def _mlp() -> nn.Module:
    ac.manual_seed(0)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


def _steps(model: nn.Module, x: ac.Tensor, y: ac.Tensor, n: int, counts=None) -> list[float]:
    opt = optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(n):
        if counts is not None:
            counts.reset()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if counts is not None:
            assert (counts.h2d, counts.d2h) == (0, 0), f"the step copied: {counts}"
        losses.append(loss.item())
        if counts is not None:
            assert (counts.h2d, counts.d2h) == (0, 1)  # the loss value asked for
    return losses


def test_an_mlp_step_copies_nothing_but_the_loss_and_matches_the_cpu(fake_cuda):
    rng = np.random.default_rng(0)
    x_host = rng.standard_normal((32, 8)).astype(np.float32)
    y_host = rng.integers(0, 3, 32)
    cpu_model = _mlp()
    gpu_model = copy.deepcopy(cpu_model).to("cuda")
    x, y = ac.tensor(x_host, device="cuda"), ac.tensor(y_host, device="cuda")
    gpu = _steps(gpu_model, x, y, 3, fake_cuda.TRANSFERS)
    cpu = _steps(cpu_model, ac.tensor(x_host), ac.tensor(y_host), 3)
    np.testing.assert_allclose(gpu, cpu, rtol=1e-6)
    assert all(isinstance(p.data, fake_cuda.ndarray) for p in gpu_model.parameters())


def test_host_targets_are_range_checked_without_reading_the_device(fake_cuda):
    logits = ac.randn(4, 3, device="cuda")
    fake_cuda.TRANSFERS.reset()
    with pytest.raises(IndexError, match=r"cross_entropy: .*\[0, 3\) for 3 classes.*0 to 3"):
        F.cross_entropy(logits, [0, 1, 2, 3])
    with pytest.raises(IndexError, match=r"nll_loss: .*\[0, 3\)"):
        F.nll_loss(logits, np.array([0, 5, 1, 1]))
    assert fake_cuda.TRANSFERS.d2h == 0


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_an_out_of_range_device_target_gives_nan_without_a_sync(fake_cuda, loss):
    x_host = np.random.default_rng(1).standard_normal((4, 3)).astype(np.float32)
    logits = ac.tensor(x_host, device="cuda")
    target = ac.tensor([0, 2, 7, 1], device="cuda")
    fake_cuda.TRANSFERS.reset()
    each = loss(logits, target, reduction="none")
    mean = loss(logits, target)
    assert fake_cuda.TRANSFERS.d2h == 0
    got = each.cpu().numpy()
    assert np.isnan(got[2]) and np.isnan(mean.item())
    expected = loss(ac.tensor(x_host), ac.tensor([0, 2, 0, 1]), reduction="none").numpy()
    np.testing.assert_allclose(got[[0, 1, 3]], expected[[0, 1, 3]], rtol=1e-6)


def test_ignored_device_targets_are_not_out_of_range(fake_cuda):
    logits = ac.zeros(3, 4, device="cuda")
    target = ac.tensor([1, -100, 3], device="cuda")
    assert F.cross_entropy(logits, target).item() == pytest.approx(np.log(4), rel=1e-6)


def test_an_embedding_of_device_indices_checks_without_a_sync(fake_cuda):
    weight = ac.arange(12.0, device="cuda").reshape(6, 2)
    fake_cuda.TRANSFERS.reset()
    out = F.embedding(ac.tensor([[1, 9]], device="cuda"), weight)
    assert fake_cuda.TRANSFERS.d2h == 0
    got = out.cpu().numpy()
    np.testing.assert_array_equal(got[0, 0], [2.0, 3.0])
    assert np.isnan(got[0, 1]).all()
    with pytest.raises(IndexError, match=r"embedding: indices must lie in \[0, 6\)"):
        F.embedding([[1, 9]], weight)


def test_dropout_draws_its_mask_on_the_device(fake_cuda):
    x = ac.ones(1000, device="cuda")
    y = F.dropout(x, 0.5, training=True)
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    kept = y.cpu().numpy()
    assert set(np.unique(kept)) <= {0.0, 2.0} and 400 < (kept == 0).sum() < 600


def test_clip_grad_norm_on_the_device_clips_there_and_returns_a_device_tensor(fake_cuda):
    from nn.utils import clip_grad_norm_

    grads = [np.array([3.0, 0.0]), np.array([[0.0], [4.0]])]
    params = []
    for g in grads:
        p = ac.zeros(g.shape, dtype=ac.float64, device="cuda", requires_grad=True)
        p.grad = ac.tensor(g, device="cuda")
        params.append(p)
    fake_cuda.TRANSFERS.reset()
    total = clip_grad_norm_(params, max_norm=1.0)
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    assert total.device == ac.device("cuda") and total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(params[0].grad.cpu().numpy(), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.cpu().numpy(), [[0.0], [0.8]], rtol=1e-6)


def test_binary_cross_entropy_on_the_device_flags_non_probabilities_without_a_sync(fake_cuda):
    p_host = np.array([0.2, 0.9, 1.5, 0.5], np.float32)
    t_host = np.array([0.0, 1.0, 1.0, 1.0], np.float32)
    p = ac.tensor(p_host, device="cuda", requires_grad=True)
    fake_cuda.TRANSFERS.reset()
    each = F.binary_cross_entropy(p, ac.tensor(t_host, device="cuda"), reduction="none")
    assert fake_cuda.TRANSFERS.d2h == 0
    got = each.cpu().numpy()
    assert np.isnan(got[2])
    ok = [0, 1, 3]
    p_ok, t_ok = p_host[ok], t_host[ok]
    expected = -(t_ok * np.log(p_ok) + (1 - t_ok) * np.log(1 - p_ok))
    np.testing.assert_allclose(got[ok], expected, rtol=1e-6)
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]; got values from 0.2 to 1.5"):
        F.binary_cross_entropy(ac.tensor(p_host), ac.tensor(t_host))


def _with_grad(device: str) -> ac.Tensor:
    p = ac.zeros(2, device=device, requires_grad=True)
    p.grad = ac.tensor([3.0, 4.0], device=device)
    return p


@pytest.mark.parametrize(
    "call",
    [
        lambda d: F.one_hot(ac.tensor([0, 2], device=d)),
        lambda d: F.gaussian_nll_loss(
            ac.ones(3, device=d), ac.ones(3, device=d), ac.ones(3, device=d)
        ),
        lambda d: nn.losses_keras.sparse_categorical_crossentropy(
            ac.tensor([[0.9, 0.1], [0.2, 0.8]], device=d), ac.tensor([0.0, 1.0], device=d)
        ),
        lambda d: nn.utils.clip_grad_norm_([_with_grad(d)], 1.0, error_if_nonfinite=True),
    ],
)
def test_checks_that_must_read_the_device_copy_explicitly(fake_cuda, monkeypatch, call):
    """Under the strict stand-in, float()/int()/bool() of a device array raise: these checks
    read their value with an explicit copy (one sync), so they run on any CuPy stand-in."""
    from autograd_core.testing.fake_cupy_state import STATE

    expected = call("cpu").numpy() if hasattr(call("cpu"), "numpy") else call("cpu")
    monkeypatch.setattr(STATE, "strict", True)
    got = call("cuda")
    got = got.cpu().numpy() if hasattr(got, "cpu") else got
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize(
    "loss",
    [
        lambda x, t: F.binary_cross_entropy(x.sigmoid(), t),
        lambda x, t: F.cross_entropy(x, ac.softmax(t, dim=1)),
        lambda x, t: F.kl_div(F.log_softmax(x, dim=1), ac.softmax(t, dim=1), reduction="batchmean"),
        lambda x, t: F.mse_loss(x, t) + F.smooth_l1_loss(x, t),
    ],
)
def test_losses_and_their_backward_copy_nothing(fake_cuda, loss):
    """Python numbers inside a loss (a count to divide by, a neutral value for ``where``) are
    filled in on the device, not copied from the host."""
    x = ac.randn(8, 6, device="cuda", requires_grad=True)
    t = ac.rand(8, 6, device="cuda")
    fake_cuda.TRANSFERS.reset()
    loss(x, t).backward()
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)


@pytest.mark.parametrize(
    "pool",
    [
        lambda x: F.max_pool2d(x, 2),
        lambda x: F.max_pool2d(x, 3, stride=2, padding=1),
        lambda x: F.adaptive_max_pool2d(x, 5),
    ],
)
def test_max_pooling_on_the_device_waits_for_nothing(fake_cuda, pool):
    """max pooling asked "does x hold a NaN?" (and "did a padded window lose?") on every
    forward, a device→host read each, and copied its index tables from Python lists; on a
    device it now takes the NaN-aware path always and builds the tables there."""
    x_host = np.random.default_rng(0).standard_normal((2, 3, 12, 12)).astype(np.float32)
    x_host[0, 1, 4, 4] = np.nan
    x = ac.tensor(x_host, device="cuda", requires_grad=True)
    fake_cuda.TRANSFERS.reset()
    y = pool(x)
    y.sum().backward()
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    x_cpu = ac.tensor(x_host, requires_grad=True)
    y_cpu = pool(x_cpu)
    np.testing.assert_array_equal(y.cpu().numpy(), y_cpu.numpy())


def test_a_mixed_precision_step_reads_one_flag_explicitly(fake_cuda, monkeypatch):
    """autocast + GradScaler on the device: the one read per step is GradScaler's found-inf
    flag (as in PyTorch), an explicit copy that a strict stand-in accepts."""
    from autograd_core.testing.fake_cupy_state import STATE

    monkeypatch.setattr(STATE, "strict", True)
    model = _mlp().to("cuda")
    opt = optim.Adam(model.parameters(), lr=1e-3)
    scaler = ac.amp.GradScaler()
    x, y = ac.randn(4, 8, device="cuda"), ac.randint(3, size=(4,), device="cuda")
    for _ in range(2):
        fake_cuda.TRANSFERS.reset()
        opt.zero_grad()
        with ac.amp.autocast("cuda", dtype=ac.float16):
            loss = F.cross_entropy(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 1)
    assert model[0].weight.dtype == ac.float32
