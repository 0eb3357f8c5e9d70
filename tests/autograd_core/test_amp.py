"""Mixed precision: autocast's op lists and dtypes against torch.autocast, GradScaler's
bookkeeping against torch.amp.GradScaler, and a float16 training run against float32."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim


def _data(rng):
    x = rng.standard_normal((8, 5)).astype(np.float32)
    w = rng.standard_normal((3, 5)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    y = rng.integers(0, 3, 8)
    return x, w, b, y


def test_autocast_runs_linear_in_float16_and_returns_float32_gradients(rng):
    x, w, b, y = _data(rng)
    wt, bt = ac.tensor(w, requires_grad=True), ac.tensor(b, requires_grad=True)
    with ac.amp.autocast("cpu"):
        z = nn.functional.linear(ac.tensor(x), wt, bt)
        loss = nn.functional.cross_entropy(z, ac.tensor(y))
    assert z.dtype == np.float16 and loss.dtype == np.float32
    loss.backward()
    assert wt.grad.dtype == np.float32 and bt.grad.dtype == np.float32
    # the same computation in float32, by hand: float16 rounding only
    z32 = x @ w.T + b
    np.testing.assert_allclose(z.data.astype(np.float32), z32, rtol=2e-3, atol=2e-3)
    p = np.exp(z32 - z32.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    p[np.arange(8), y] -= 1
    np.testing.assert_allclose(wt.grad.data, p.T @ x / 8, rtol=1e-2, atol=1e-3)


def _autocast_dtypes(torch, device, x, w, b, y):
    """The result dtype of each op of both autocast lists, under torch's and ours."""
    F = torch.nn.functional
    tt = {k: torch.from_numpy(v).to(device) for k, v in dict(x=x, w=w, b=b, y=y).items()}
    with torch.autocast(device, dtype=torch.float16):
        tz = F.linear(tt["x"], tt["w"], tt["b"])
        theirs = {
            "linear": tz.dtype,
            "matmul": (tt["x"] @ tt["w"].T).dtype,
            "softmax": F.softmax(tz, -1).dtype,
            "log_softmax": F.log_softmax(tz, -1).dtype,
            "cross_entropy": F.cross_entropy(tz, tt["y"]).dtype,
            "mse_loss": F.mse_loss(tz, torch.zeros(8, 3, device=device)).dtype,
            "add": (tz + torch.ones(3, device=device)).dtype,
            "layer_norm": F.layer_norm(tz, (3,)).dtype,
        }
    a = {k: ac.tensor(v).to(device) for k, v in dict(x=x, w=w, b=b, y=y).items()}
    with ac.amp.autocast(device):
        z = nn.functional.linear(a["x"], a["w"], a["b"])
        ours = {
            "linear": z.dtype,
            "matmul": (a["x"] @ a["w"].T).dtype,
            "softmax": nn.functional.softmax(z, -1).dtype,
            "log_softmax": nn.functional.log_softmax(z, -1).dtype,
            "cross_entropy": nn.functional.cross_entropy(z, a["y"]).dtype,
            "mse_loss": nn.functional.mse_loss(z, ac.zeros(8, 3, device=device)).dtype,
            "add": (z + ac.ones(3, device=device)).dtype,
            "layer_norm": nn.functional.layer_norm(z, (3,)).dtype,
        }
    ours = {k: str(v) for k, v in ours.items()}
    return ours, {k: str(v).removeprefix("torch.") for k, v in theirs.items()}


def test_autocast_dtypes_follow_torch_autocast_on_cpu(rng, torch):
    """Our lists are CUDA autocast's (the device where mixed precision pays); PyTorch's CPU
    autocast keeps softmax, log_softmax and layer_norm in float16, so those three differ."""
    ours, theirs = _autocast_dtypes(torch, "cpu", *_data(rng))
    cuda_only = {"softmax", "log_softmax", "layer_norm"}
    assert {k: v for k, v in ours.items() if k not in cuda_only} == {
        k: v for k, v in theirs.items() if k not in cuda_only
    }
    assert {ours[k] for k in cuda_only} == {"float32"}


@pytest.mark.gpu
@pytest.mark.skipif(not ac.cuda.is_available(), reason="needs CuPy and a GPU")
def test_autocast_dtypes_follow_torch_autocast_on_cuda(rng, torch):
    if not torch.cuda.is_available():
        pytest.skip("PyTorch without CUDA")
    ours, theirs = _autocast_dtypes(torch, "cuda", *_data(rng))
    assert ours == theirs


def test_autocast_is_per_thread_nests_and_only_touches_its_device(rng):
    a = ac.ones(2, 2)
    seen = []
    with ac.amp.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.append((a @ a).dtype))
        t.start()
        t.join()
        assert (a @ a).dtype == np.float16
        with ac.amp.autocast("cpu", enabled=False):
            assert (a @ a).dtype == np.float32
        assert (a @ a).dtype == np.float16
    assert seen == [np.float32]  # the other thread is not inside autocast
    assert (a @ a).dtype == np.float32
    with ac.amp.autocast("cuda"):  # a CPU tensor is left alone by a CUDA autocast
        assert (a @ a).dtype == np.float32

    @ac.amp.autocast("cpu")
    def f():
        return (a @ a).dtype

    assert f() == np.float16 and (a @ a).dtype == np.float32


def test_autocast_refuses_what_it_cannot_do():
    with pytest.raises(TypeError, match="bfloat16 is not available.*float16"):
        ac.amp.autocast("cuda", dtype="bfloat16")
    with pytest.raises(ValueError, match="device_type must be one of"):
        ac.amp.autocast("cuda:0")


# -- GradScaler ---------------------------------------------------------------------------------


def _scaler_run(make_w, make_scaler, make_sgd, mul, bad_steps, n=9):
    """n steps of loss = Σ c·w with c = inf on bad_steps; the scale and w after each step."""
    w = make_w()
    opt = make_sgd(w)
    scaler = make_scaler()
    trace = []
    for i in range(n):
        opt.zero_grad()
        c = float("inf") if i in bad_steps else 0.5 + i
        loss = mul(w, c).sum()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        trace.append((scaler.get_scale(), np.asarray(w.detach().numpy()).copy()))
    return trace


def test_grad_scaler_matches_torch_step_for_step(torch):
    kw = {"init_scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 3}
    bad = {1, 5, 6}
    with np.errstate(invalid="ignore"):  # inf·1 + inf·(−2) is NaN, on purpose
        ours = _scaler_run(
            lambda: ac.tensor([1.0, -2.0], requires_grad=True),
            lambda: ac.amp.GradScaler("cpu", **kw),
            lambda w: optim.SGD([w], lr=0.1),
            lambda w, c: w * c,
            bad,
        )
    theirs = _scaler_run(
        lambda: torch.tensor([1.0, -2.0], requires_grad=True),
        lambda: torch.amp.GradScaler("cpu", **kw),
        lambda w: torch.optim.SGD([w], lr=0.1),
        lambda w, c: w * c,
        bad,
    )
    assert [s for s, _ in ours] == [s for s, _ in theirs]
    for (_, a), (_, b) in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert [s for s, _ in ours] == [8.0, 4.0, 4.0, 4.0, 8.0, 4.0, 2.0, 2.0, 2.0]


def test_grad_scaler_unscale_then_clip_and_state_dict():
    w = ac.tensor([3.0, 4.0], requires_grad=True)
    opt = optim.SGD([w], lr=1.0)
    scaler = ac.amp.GradScaler("cpu", init_scale=1024.0)
    scaler.scale((w * w).sum() / 2).backward()
    assert np.allclose(w.grad.data, [3072.0, 4096.0])
    scaler.unscale_(opt)
    np.testing.assert_allclose(w.grad.data, [3.0, 4.0])
    nn.utils.clip_grad_norm_([w], 1.0)  # clipping sees the true gradient
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.data, [3.0 - 0.6, 4.0 - 0.8], rtol=1e-6)
    state = scaler.state_dict()
    assert state == {
        "scale": 1024.0,
        "growth_factor": 2.0,
        "backoff_factor": 0.5,
        "growth_interval": 2000,
        "_growth_tracker": 1,
    }
    other = ac.amp.GradScaler("cpu")
    other.load_state_dict(state)
    assert other.state_dict() == state


def test_grad_scaler_errors_name_the_fix():
    w = ac.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    scaler = ac.amp.GradScaler("cpu")
    with pytest.raises(RuntimeError, match="no step\\(\\) was taken"):
        scaler.update()
    scaler.scale(w.sum()).backward()
    scaler.unscale_(opt)
    with pytest.raises(RuntimeError, match="already called on this optimizer"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="already called since the last update"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="called after step"):
        scaler.unscale_(opt)
    scaler.update()
    h = ac.tensor(np.ones(1, np.float16), requires_grad=True)
    h.sum().backward()
    with pytest.raises(ValueError, match="gradient is float16.*float32"):
        scaler.unscale_(optim.SGD([h], lr=0.1))
    with pytest.raises(ValueError, match="backoff_factor"):
        ac.amp.GradScaler(backoff_factor=1.5)


def test_a_disabled_scaler_is_a_plain_step():
    w = ac.tensor([1.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.5)
    scaler = ac.amp.GradScaler(enabled=False)
    loss = (w * 2).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.step(opt)
    scaler.update()
    assert float(w.data[0]) == 0.0 and scaler.get_scale() == 1.0 and scaler.state_dict() == {}


def test_mixed_precision_training_tracks_float32_training():
    """An MLP on a smooth regression task: autocast float16 + GradScaler ends within 10% of the
    float32 run's loss, and the scaler took every step (no overflow on this task)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 8)).astype(np.float32)
    y = np.sin(x @ rng.standard_normal((8, 1))).astype(np.float32)

    def train(amp):
        ac.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1))
        opt = optim.Adam(model.parameters(), lr=1e-2)
        scaler = ac.amp.GradScaler("cpu", enabled=amp)
        skipped = 0
        for _ in range(200):
            opt.zero_grad()
            with ac.amp.autocast("cpu", enabled=amp):
                loss = nn.functional.mse_loss(model(ac.tensor(x)), ac.tensor(y))
            scaler.scale(loss).backward()
            scale = scaler.get_scale()
            scaler.step(opt)
            scaler.update()
            skipped += scaler.get_scale() < scale  # a skipped step halves the scale
        assert all(p.dtype == np.float32 for p in model.parameters())
        return float(loss.item()), skipped

    full, _ = train(False)
    mixed, skipped = train(True)
    assert full < 0.05
    assert abs(mixed - full) < 0.1 * full + 2e-3, (mixed, full)
    assert skipped <= 1  # at most the first step, if 65,536 × the loss overflowed
