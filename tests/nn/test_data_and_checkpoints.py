"""Data loading, datasets, safe checkpoints (atomic, corruption-checked) and exact resume."""

from __future__ import annotations

import math
import os
import warnings
import zipfile

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim
from nn.checkpoints import callback_states, restore_callback_states
from nn.data import DataLoader, TensorDataset, random_split


def test_dataloader_batches_shuffle_drop_last():
    ds = TensorDataset(ac.arange(10.0), ac.arange(10))
    loader = DataLoader(ds, batch_size=4, shuffle=True, generator=ac.Generator(0))
    seen = np.concatenate([yb.data for _, yb in loader])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    assert [len(xb) for xb, _ in DataLoader(ds, batch_size=4, drop_last=True)] == [4, 4]
    assert len(DataLoader(ds, batch_size=4)) == 3
    a = [yb.tolist() for _, yb in DataLoader(ds, 3, shuffle=True, generator=ac.Generator(5))]
    b = [yb.tolist() for _, yb in DataLoader(ds, 3, shuffle=True, generator=ac.Generator(5))]
    assert a == b


def test_dataloader_state_replays_order():
    ds = TensorDataset(ac.arange(20))
    loader = DataLoader(ds, batch_size=5, shuffle=True, generator=ac.Generator(1))
    list(loader)
    state = loader.state_dict()
    expected = [b[0].tolist() for b in loader]
    loader.load_state_dict(state)
    assert [b[0].tolist() for b in loader] == expected


def test_random_split_and_generic_dataset():
    ds = TensorDataset(ac.arange(10))
    parts = random_split(ds, [7, 3], generator=ac.Generator(0))
    idx = sorted(parts[0].indices + parts[1].indices)
    assert idx == list(range(10))
    assert [len(p) for p in random_split(ds, [0.5, 0.5])] == [5, 5]
    with pytest.raises(ValueError, match="add up to"):
        random_split(ds, [3, 3])
    loader = DataLoader(parts[1], batch_size=2)
    assert sum(len(b[0]) for b in loader) == 3
    with pytest.raises(ValueError, match="same first dimension"):
        TensorDataset(ac.zeros(3), ac.zeros(4))


def test_datasets_shapes():
    x, y = nn.datasets.load_iris()
    assert x.shape == (150, 4) and y.dtype == np.int64 and np.bincount(y.data).tolist() == [50] * 3
    x, y = nn.datasets.load_digits()
    assert x.shape == (1797, 64) and float(x.data.max()) == 16.0
    x, y = nn.datasets.load_breast_cancer()
    assert x.shape == (569, 30) and set(y.tolist()) == {0, 1}
    x, y = nn.datasets.load_diabetes()
    assert x.shape == (442, 10) and y.dtype == np.float32
    x, y = nn.datasets.make_moons(100, generator=ac.Generator(0))
    assert x.shape == (100, 2) and int(y.data.sum()) == 50
    x, y = nn.datasets.load_house_prices()
    assert x.shape == (7, 1) and y.data[0, 0] == pytest.approx(61590.60)


def test_mnist1d_published_sizes_and_determinism():
    from nn.mnist1d import MNIST1DArgs, make_mnist1d

    d = make_mnist1d()
    assert d["x"].shape == (4000, 40) and d["x_test"].shape == (1000, 40)
    assert sorted(set(d["y"].tolist())) == list(range(10))
    assert abs(np.concatenate([d["x"], d["x_test"]]).std() - 1.0) < 1e-9
    small = make_mnist1d(MNIST1DArgs(num_samples=200))
    np.testing.assert_array_equal(small["x"], make_mnist1d(MNIST1DArgs(num_samples=200))["x"])


def test_mnist1d_matches_scipy_reference_filter():
    scipy_ndimage = pytest.importorskip("scipy.ndimage")
    from nn.mnist1d import _gaussian_filter1d

    x = np.random.default_rng(0).standard_normal(72)
    np.testing.assert_allclose(
        _gaussian_filter1d(x, 2), scipy_ndimage.gaussian_filter(x, 2), atol=1e-12
    )


def test_save_load_roundtrip(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01, betas=(0.8, 0.9))
    model(ac.randn(5, 3)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.npz"
    gen = ac.Generator(3)
    nn.save(
        {
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "epoch": 7,
            "gen": gen.get_state(),
            "note": None,
            "tup": (1, 2.5, "x"),
        },
        path,
    )
    ck = nn.load(path)
    assert ck["epoch"] == 7 and ck["note"] is None and ck["tup"] == (1, 2.5, "x")
    assert ck["gen"] == gen.get_state()
    assert ck["optimizer"]["param_groups"][0]["betas"] == (0.8, 0.9)
    model2 = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    model2.load_state_dict(ck["model"])
    for (k, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items(), strict=True):
        np.testing.assert_array_equal(a.data, b.data, err_msg=k)
    opt2 = optim.Adam(model2.parameters(), lr=0.5)
    opt2.load_state_dict(ck["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.01
    # no pickle anywhere in the file
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            np.lib.format.read_array(z.open(name), allow_pickle=False)


def test_save_is_atomic_and_rejects_unsupported(tmp_path):
    path = tmp_path / "m.npz"
    nn.save({"a": ac.ones(2)}, path)
    with pytest.raises(TypeError, match="cannot save object"):
        nn.save({"a": object()}, path)
    assert nn.load(path)["a"].tolist() == [1.0, 1.0]  # previous checkpoint intact
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary left behind


def test_crash_mid_save_keeps_previous(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    nn.save({"w": ac.zeros(3)}, path)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"w": ac.ones(3)}, path)
    monkeypatch.undo()
    assert nn.load(path)["w"].tolist() == [0.0, 0.0, 0.0]
    assert len(list(tmp_path.iterdir())) == 1


def test_corrupt_and_truncated_files(tmp_path):
    path = tmp_path / "m.npz"
    nn.save({"layer.weight": ac.ones(50, 50)}, path)
    raw = path.read_bytes()
    (tmp_path / "trunc.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(nn.CheckpointError, match="truncated"):
        nn.load(tmp_path / "trunc.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    with pytest.raises(nn.CheckpointError, match="not a readable .npz"):
        nn.load(tmp_path / "junk.npz")
    np.savez(tmp_path / "plain.npz", a=np.ones(2))
    with pytest.raises(nn.CheckpointError, match="not a checkpoint written by nn.save"):
        nn.load(tmp_path / "plain.npz")
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        nn.load(tmp_path / "missing.npz")
    # a member whose bytes were altered: the zip CRC check names the member
    flipped = bytearray(raw)
    start = raw.find(b"\x93NUMPY", raw.find(b"layer.weight")) + 200
    flipped[start] ^= 0xFF
    (tmp_path / "flip.npz").write_bytes(bytes(flipped))
    with pytest.raises(nn.CheckpointError, match="layer.weight"):
        nn.load(tmp_path / "flip.npz")


def _fit(epochs, callbacks=(), resume=None, lr=0.01, validation_split=0.0):
    """A small classifier trained with dropout and shuffling: every source of randomness a
    resume has to restore."""
    ac.manual_seed(0)
    x = ac.randn(64, 5)
    y = (x.data[:, 0] > 0).astype(np.int64)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 2))
    hist = nn.fit(
        model,
        nn.CrossEntropyLoss(),
        optim.Adam(model.parameters(), lr=lr),
        x,
        ac.tensor(y),
        epochs=epochs,
        batch_size=10,
        verbose=0,
        validation_split=validation_split,
        generator=ac.Generator(42),
        callbacks=list(callbacks),
        resume_from=resume,
    )
    return model, hist


def _train(tmp_path, epochs, resume=None, checkpoint=None):
    cbs = [nn.ModelCheckpoint(checkpoint, monitor="loss")] if checkpoint else []
    return _fit(epochs, cbs, resume)


def test_resume_is_exact(tmp_path):
    full, h_full = _train(tmp_path, 4)
    ckpt = str(tmp_path / "ck-{epoch}.npz")
    _train(tmp_path, 2, checkpoint=ckpt)
    resumed, h_res = _train(tmp_path, 4, resume=tmp_path / "ck-2.npz")
    for (k, a), (_, b) in zip(full.state_dict().items(), resumed.state_dict().items(), strict=True):
        np.testing.assert_array_equal(a.data, b.data, err_msg=k)
    assert h_res.history["loss"] == h_full.history["loss"]


def _train_early_stopping(epochs, resume=None, checkpoint=None, early_stopping=True):
    es = nn.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    # ModelCheckpoint first: fit must still save after EarlyStopping has seen the epoch
    cbs = [nn.ModelCheckpoint(checkpoint)] if checkpoint else []
    cbs += [es] if early_stopping else []
    model, hist = _fit(epochs, cbs, resume, lr=0.05, validation_split=0.25)
    return model, hist, es


def test_resume_with_early_stopping_stops_where_the_uninterrupted_run_stops(tmp_path):
    full, h_full, es_full = _train_early_stopping(40)
    # the setting is chosen so that early stopping ends the run, and the interruption falls
    # while its patience counter is running: a fresh counter would stop later
    assert 15 < es_full.stopped_epoch < 39 and es_full.best_epoch < 15 - 1
    _train_early_stopping(15, checkpoint=str(tmp_path / "ck-{epoch}.npz"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the callbacks match: no warning
        resumed, h_res, es_res = _train_early_stopping(40, resume=tmp_path / "ck-15.npz")
    assert (es_res.stopped_epoch, es_res.best_epoch) == (es_full.stopped_epoch, es_full.best_epoch)
    assert h_res.history == h_full.history
    # restore_best_weights: the best weights (from before the interruption) came from the file
    for (k, a), (_, b) in zip(full.state_dict().items(), resumed.state_dict().items(), strict=True):
        np.testing.assert_array_equal(a.data, b.data, err_msg=k)


def test_resume_warns_when_the_callbacks_differ_from_the_checkpoint(tmp_path):
    _train_early_stopping(3, checkpoint=str(tmp_path / "es-{epoch}.npz"))
    with pytest.warns(UserWarning, match=r"state for \['EarlyStopping'\], which no callback"):
        _train_early_stopping(4, resume=tmp_path / "es-3.npz", early_stopping=False)
    _train_early_stopping(3, checkpoint=str(tmp_path / "plain-{epoch}.npz"), early_stopping=False)
    with pytest.warns(UserWarning, match=r"\['EarlyStopping'\] find no state .* start fresh"):
        _train_early_stopping(4, resume=tmp_path / "plain-3.npz")


def test_callback_states_round_trip_through_a_checkpoint(tmp_path):
    first, second = nn.EarlyStopping(patience=2), nn.EarlyStopping(monitor="val_accuracy")
    keep_best = nn.ModelCheckpoint(str(tmp_path / "m.npz"), save_best_only=True)
    cbs = [nn.History(), first, second, keep_best, nn.ModelCheckpoint(str(tmp_path / "n.npz"))]
    for cb in cbs:
        cb.on_train_begin()
    first.wait, first.best, first.best_epoch = 1, 0.25, 4
    keep_best.best = 0.5
    states = callback_states(cbs)
    # History is saved on its own; a ModelCheckpoint without save_best_only has no state
    assert sorted(states) == ["EarlyStopping", "EarlyStopping#2", "ModelCheckpoint"]
    assert states["EarlyStopping#2"]["best"] == -math.inf  # max mode, nothing seen yet
    nn.save({"callbacks": states}, tmp_path / "c.npz")
    fresh = [nn.EarlyStopping(patience=2), nn.EarlyStopping(monitor="val_accuracy")]
    fresh.append(nn.ModelCheckpoint(str(tmp_path / "m.npz"), save_best_only=True))
    for cb in fresh:
        cb.on_train_begin()
    restore_callback_states(fresh, nn.load(tmp_path / "c.npz")["callbacks"])
    assert (fresh[0].wait, fresh[0].best, fresh[0].best_epoch) == (1, 0.25, 4)
    assert fresh[1].best == -math.inf and fresh[2].best == 0.5
