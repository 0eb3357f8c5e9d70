"""nn.save/nn.load in the .safetensors format: round trips of state dicts with this project and
with PyTorch (safetensors.torch as the oracle), format selection, and refused inputs."""

from __future__ import annotations

import numpy as np
import pytest
import safetensors.numpy

import autograd_core as ac
import nn
import optim


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Tanh(), nn.Linear(4, 2))


def _trained_model():
    ac.manual_seed(0)
    model = _model()
    model(ac.randn(8, 3))  # training-mode BatchNorm: running stats and the batch counter move
    return model


def _assert_same_state(a, b):
    assert list(a) == list(b)
    for key in a:
        x, y = np.asarray(a[key].data), np.asarray(b[key].data)
        assert x.dtype == y.dtype, key
        np.testing.assert_array_equal(x, y, err_msg=key)


def test_state_dict_round_trip(tmp_path):
    model = _trained_model()
    path = tmp_path / "model.safetensors"
    nn.save(model.state_dict(), path)
    # the file is plain safetensors: the package itself reads back the same arrays
    raw = safetensors.numpy.load_file(path)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(raw[key], value.data, err_msg=key)
    loaded = nn.load(path)
    assert all(isinstance(v, ac.Tensor) for v in loaded.values())
    fresh = _model()
    fresh.load_state_dict(loaded)
    _assert_same_state(model.state_dict(), fresh.state_dict())
    assert int(fresh.state_dict()["1.num_batches_tracked"].data) == 1


def test_format_argument_overrides_the_suffix(tmp_path):
    state = {"w": np.arange(6, dtype=np.float32).reshape(2, 3)}
    path = tmp_path / "weights.bin"
    nn.save(state, path, format="safetensors")
    assert safetensors.numpy.load_file(path)["w"].tolist() == state["w"].tolist()
    assert nn.load(path, format="safetensors")["w"].tolist() == state["w"].tolist()
    with pytest.raises(nn.CheckpointError, match="not a readable .npz"):
        nn.load(path)  # the suffix says npz
    nn.save(state, tmp_path / "w.safetensors", format="npz")
    assert nn.load(tmp_path / "w.safetensors", format="npz")["w"].tolist() == state["w"].tolist()
    with pytest.raises(ValueError, match="unknown format 'pt'"):
        nn.save(state, path, format="pt")
    with pytest.raises(ValueError, match="unknown format 'pt'"):
        nn.load(path, format="pt")


def test_safetensors_refuses_what_it_cannot_hold(tmp_path):
    path = tmp_path / "m.safetensors"
    with pytest.raises(TypeError, match="'epoch' has type int.*use a .npz path"):
        nn.save({"w": ac.ones(2), "epoch": 3}, path)
    with pytest.raises(TypeError, match="'model' has type dict"):
        nn.save({"model": {"w": ac.ones(2)}}, path)
    with pytest.raises(TypeError, match="flat dict of named tensors, not a list"):
        nn.save([ac.ones(2)], path)
    with pytest.raises(TypeError, match="names must be str; got key 3"):
        nn.save({3: ac.ones(2)}, path)
    assert not list(tmp_path.iterdir())


def test_corrupt_or_oversized_safetensors_raise_checkpoint_error(tmp_path):
    path = tmp_path / "m.safetensors"
    nn.save({"w": np.ones(100)}, path)
    with pytest.raises(nn.CheckpointError, match="more than max_bytes=100"):
        nn.load(path, max_bytes=100)
    raw = path.read_bytes()
    (tmp_path / "trunc.safetensors").write_bytes(raw[:-10])
    with pytest.raises(nn.CheckpointError, match="not a readable .safetensors"):
        nn.load(tmp_path / "trunc.safetensors")
    (tmp_path / "huge.safetensors").write_bytes((2**62).to_bytes(8, "little") + raw[8:])
    with pytest.raises(nn.CheckpointError, match="not a readable .safetensors"):
        nn.load(tmp_path / "huge.safetensors")


def _torch_model(torch):
    return torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Tanh(), torch.nn.Linear(4, 2)
    )


def test_pytorch_state_dict_round_trips_through_safetensors(tmp_path, torch):
    from safetensors.torch import load_file, save_file

    torch.manual_seed(0)
    tm = _torch_model(torch)
    tm(torch.randn(8, 3))  # moves BatchNorm's running statistics
    tm.eval()
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)

    # PyTorch writes, we read into the equivalent module
    save_file(tm.state_dict(), tmp_path / "torch.safetensors")
    ours = _model()
    ours.load_state_dict(nn.load(tmp_path / "torch.safetensors"))
    ours.eval()
    with torch.no_grad():
        expected = tm(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(ac.tensor(x)).data, expected, rtol=1e-6, atol=1e-6)

    # we write, PyTorch reads (strict: every key, shape and dtype must fit)
    ours[0].weight.data[...] = 0.5
    nn.save(ours.state_dict(), tmp_path / "ours.safetensors")
    tm2 = _torch_model(torch)
    tm2.load_state_dict(load_file(tmp_path / "ours.safetensors"), strict=True)
    tm2.eval()
    with torch.no_grad():
        got = tm2(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, ours(ac.tensor(x)).data, rtol=1e-6, atol=1e-6)
    assert tm2.state_dict()["1.num_batches_tracked"].dtype == torch.int64


def test_bfloat16_weights_from_pytorch_raise_checkpoint_error(tmp_path, torch):
    from safetensors.torch import save_file

    save_file({"w": torch.ones(3, dtype=torch.bfloat16)}, tmp_path / "bf16.safetensors")
    with pytest.raises(nn.CheckpointError, match=r"bfloat16.*\.float\(\)"):
        nn.load(tmp_path / "bf16.safetensors")


def test_training_checkpoints_stay_npz(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match=r"save_checkpoint: .*\.safetensors path.*Use a \.npz"):
        nn.save_checkpoint(tmp_path / "ckpt.safetensors", model)
    nn.save(model.state_dict(), tmp_path / "weights.safetensors")
    with pytest.raises(nn.CheckpointError, match="not a training checkpoint.*load_state_dict"):
        nn.load_checkpoint(tmp_path / "weights.safetensors", model)
    with pytest.raises(nn.CheckpointError, match="not a training checkpoint"):
        nn.fit(
            model,
            nn.MSELoss(),
            optim.SGD(model.parameters(), lr=0.1),
            ac.randn(4, 3),
            ac.randn(4, 2),
            verbose=0,
            resume_from=tmp_path / "weights.safetensors",
        )
