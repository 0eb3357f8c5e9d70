"""Fitting, saving and loading on a CUDA device, run on the strict CuPy stand-in."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
import optim


def _trained_on(device: str):
    ac.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).to(device)
    opt = optim.Adam(model.parameters(), lr=1e-2)
    x = ac.tensor(np.random.default_rng(0).standard_normal((6, 4)), dtype=ac.float32)
    y = ac.tensor([0, 1, 2, 0, 1, 2])
    F.cross_entropy(model(x.to(device)), y.to(device)).backward()
    opt.step()
    return model, opt


def test_a_checkpoint_saved_on_the_device_restores_model_and_optimizer(fake_cuda, tmp_path):
    model, opt = _trained_on("cuda")
    path = tmp_path / "ckpt.npz"
    nn.save_checkpoint(path, model=model, optimizer=opt, epoch=3)
    fresh, fresh_opt = _trained_on("cuda")
    for p in fresh.parameters():
        p.data[...] = 0.0
    ckpt = nn.load_checkpoint(path, model=fresh, optimizer=fresh_opt)
    assert ckpt["epoch"] == 3
    for a, b in zip(model.parameters(), fresh.parameters(), strict=True):
        assert b.device == ac.device("cuda")
        np.testing.assert_array_equal(a.cpu().numpy(), b.cpu().numpy())
    state = fresh_opt.state[next(iter(fresh.parameters()))]
    moments = [v for v in state.values() if hasattr(v, "shape") and v.shape != ()]
    assert moments and all(isinstance(getattr(v, "data", v), fake_cuda.ndarray) for v in moments)


@pytest.mark.parametrize("suffix", ["npz", "safetensors"])
def test_load_with_map_location_puts_every_tensor_there(fake_cuda, tmp_path, suffix):
    model, _ = _trained_on("cuda")
    path = tmp_path / f"weights.{suffix}"
    nn.save(model.state_dict(), path)
    on_cpu = nn.load(path)
    on_gpu = nn.load(path, map_location="cuda")
    assert {str(t.device) for t in on_cpu.values()} == {"cpu"}
    assert {str(t.device) for t in on_gpu.values()} == {"cuda:0"}
    cpu_model = copy.deepcopy(model).to("cpu")
    cpu_model.load_state_dict(nn.load(path, map_location="cpu"))
    for a, b in zip(model.parameters(), cpu_model.parameters(), strict=True):
        np.testing.assert_array_equal(a.cpu().numpy(), b.numpy())


def test_fit_on_the_device_matches_the_cpu_and_copies_once_per_step(fake_cuda):
    x, y = nn.datasets.load_iris()
    ac.manual_seed(0)
    cpu_model = nn.Linear(4, 3)
    gpu_model = copy.deepcopy(cpu_model).to("cuda")
    histories = []
    for model, device in ((cpu_model, "cpu"), (gpu_model, "cuda")):
        xd, yd = x.to(device), y.to(device)
        fake_cuda.TRANSFERS.reset()
        h = nn.fit(
            model,
            nn.CrossEntropyLoss(),
            optim.Adam(model.parameters(), lr=0.05),
            xd,
            yd,
            epochs=3,
            batch_size=50,
            verbose=0,
            generator=ac.Generator(1),
        )
        histories.append(h.history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    # per epoch: the shuffled order goes over once; per step: the loss value fit reports
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (3, 3 * 3)


def test_fit_and_evaluate_move_host_data_to_the_model_once(fake_cuda):
    x, y = nn.datasets.load_iris()  # CPU tensors
    ac.manual_seed(0)
    cpu_model = nn.Linear(4, 3)
    gpu_model = copy.deepcopy(cpu_model).to("cuda")
    kwargs = dict(epochs=2, batch_size=50, verbose=0)
    opt = optim.Adam(cpu_model.parameters())
    h_cpu = nn.fit(cpu_model, nn.CrossEntropyLoss(), opt, x, y, generator=ac.Generator(1), **kwargs)
    fake_cuda.TRANSFERS.reset()
    opt = optim.Adam(gpu_model.parameters())
    h_gpu = nn.fit(gpu_model, nn.CrossEntropyLoss(), opt, x, y, generator=ac.Generator(1), **kwargs)
    # x and y once, the shuffled order once per epoch; the loss value read once per step
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (2 + 2, 2 * 3)
    np.testing.assert_allclose(h_gpu.history["loss"], h_cpu.history["loss"], rtol=1e-5)
    res = nn.evaluate(gpu_model, nn.CrossEntropyLoss(), x, y, metrics=["accuracy"])
    ref = nn.evaluate(cpu_model, nn.CrossEntropyLoss(), x, y, metrics=["accuracy"])
    assert res["accuracy"] == ref["accuracy"]
    loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=50)
    nn.fit(gpu_model, nn.CrossEntropyLoss(), optim.SGD(gpu_model.parameters(), lr=0.1), loader,
           epochs=1, verbose=0)  # fmt: skip
    assert gpu_model.weight.device == ac.device("cuda")
