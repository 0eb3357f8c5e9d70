"""Keras' cross-entropy names mean what they mean in Keras: ``nn.compile(loss=
"categorical_crossentropy")`` takes probabilities (a model ending in Softmax), and
``from_logits=True`` takes raw scores. Oracles: Keras' closed form written in NumPy, and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim

EPS = 1e-7  # Keras' backend.epsilon()


def _keras_categorical(p, t):
    p = p / p.sum(-1, keepdims=True)
    return float(np.mean(-(t * np.log(np.clip(p, EPS, 1 - EPS))).sum(-1)))


def _keras_binary(p, t):
    p = np.clip(p, EPS, 1 - EPS)
    return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))


def _softmax_model(seed=0, n_in=4, n_out=3):
    ac.manual_seed(seed)
    return nn.Sequential(nn.Linear(n_in, n_out), nn.Softmax(dim=-1))


def _data(n=16, n_in=4, n_out=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, n_in))
    labels = rng.integers(0, n_out, n)
    return x, labels, np.eye(n_out)[labels]


def _torch_linear(torch, layer):
    lin = torch.nn.Linear(layer.in_features, layer.out_features).double()
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(layer.weight.data.astype(np.float64)))
        lin.bias.copy_(torch.from_numpy(layer.bias.data.astype(np.float64)))
    return lin


def test_compile_categorical_on_a_softmax_model_gives_the_keras_value(torch):
    x, labels, onehot = _data()
    model = _softmax_model().double()
    trainer = nn.compile(model, loss="categorical_crossentropy")
    got = trainer.evaluate(x, onehot, batch_size=None)["loss"]
    p = model(ac.tensor(x)).data
    assert got == pytest.approx(_keras_categorical(p, onehot), rel=1e-12)
    # the same number as PyTorch's cross-entropy on the logits before the Softmax
    logits = _torch_linear(torch, model[0])(torch.from_numpy(x))
    ref = torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels)).item()
    assert got == pytest.approx(ref, rel=1e-10)
    # softmax applied twice (the old meaning) is far from it
    twice = nn.CrossEntropyLoss()(ac.tensor(p), ac.tensor(labels)).item()
    assert abs(twice - ref) > 0.1


@pytest.mark.parametrize("label_shape", ["(N,)", "(N, 1)", "float (N,)"])
def test_compile_sparse_categorical_on_a_softmax_model(torch, label_shape):
    x, labels, onehot = _data(seed=1)
    y = {
        "(N,)": labels,
        "(N, 1)": labels[:, None],
        "float (N,)": labels.astype(np.float64),
    }[label_shape]
    model = _softmax_model(1).double()
    trainer = nn.compile(model, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    res = trainer.evaluate(x, y, batch_size=None)
    logits = _torch_linear(torch, model[0])(torch.from_numpy(x))
    ref = torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels)).item()
    assert res["loss"] == pytest.approx(ref, rel=1e-10)
    expected_acc = float((logits.argmax(1).numpy() == labels).mean())
    assert res["accuracy"] == pytest.approx(expected_acc)


def test_probability_losses_have_pytorch_gradients_through_the_softmax(torch):
    x, labels, onehot = _data(seed=2)
    model = _softmax_model(2).double()
    lin = _torch_linear(torch, model[0])
    ref = torch.nn.functional.cross_entropy(lin(torch.from_numpy(x)), torch.from_numpy(labels))
    ref.backward()
    for loss_fn, target in [
        (nn.CategoricalCrossentropy(), onehot),
        (nn.SparseCategoricalCrossentropy(), labels),
    ]:
        model.zero_grad()
        loss_fn(model(ac.tensor(x)), ac.tensor(target)).backward()
        np.testing.assert_allclose(model[0].weight.grad.data, lin.weight.grad.numpy(), rtol=1e-9)
        np.testing.assert_allclose(model[0].bias.grad.data, lin.bias.grad.numpy(), rtol=1e-9)


def test_from_logits_matches_pytorch_on_raw_scores(torch):
    rng = np.random.default_rng(3)
    z = rng.standard_normal((6, 4)) * 3
    labels = rng.integers(0, 4, 6)
    F = torch.nn.functional
    zt = torch.from_numpy(z).requires_grad_()
    ref = F.cross_entropy(zt, torch.from_numpy(labels))
    (g_ref,) = torch.autograd.grad(ref, zt)
    for loss_fn, target in [
        (nn.CategoricalCrossentropy(from_logits=True), np.eye(4)[labels]),
        (nn.SparseCategoricalCrossentropy(from_logits=True), labels),
    ]:
        zz = ac.tensor(z, requires_grad=True)
        loss = loss_fn(zz, ac.tensor(target))
        loss.backward()
        assert loss.item() == pytest.approx(ref.item(), rel=1e-12)
        np.testing.assert_allclose(zz.grad.data, g_ref.numpy(), rtol=1e-10)
    yb = (rng.random(6) > 0.5).astype(np.float64)
    zb = z[:, :1]  # (N, 1) scores against (N,) targets: Keras matches the ranks
    got = nn.BinaryCrossentropy(from_logits=True)(ac.tensor(zb), ac.tensor(yb)).item()
    ref_b = F.binary_cross_entropy_with_logits(torch.from_numpy(zb[:, 0]), torch.from_numpy(yb))
    assert got == pytest.approx(ref_b.item(), rel=1e-12)


def test_binary_crossentropy_on_probabilities_is_keras_clipped(torch):
    p = np.array([[0.9], [0.2], [0.6], [0.0], [1.0]])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    loss_fn = nn.compile(nn.Linear(1, 1), loss="binary_crossentropy").loss
    got = nn.evaluate(nn.Identity(), loss_fn, p, t, batch_size=None)["loss"]
    assert got == pytest.approx(_keras_binary(p[:, 0], t), rel=1e-10)
    # the p = 0, y = 1 row costs −log(1e-7) ≈ 16.1 (Keras), not PyTorch's clamped 100
    row = nn.BinaryCrossentropy()(ac.tensor([0.0]), ac.tensor([1.0])).item()
    assert row == pytest.approx(-np.log(EPS), rel=1e-6)
    # away from 0 and 1 it is PyTorch's BCELoss
    inner = torch.nn.functional.binary_cross_entropy(
        torch.from_numpy(p[:3, 0]), torch.from_numpy(t[:3])
    )
    assert nn.BinaryCrossentropy()(ac.tensor(p[:3]), ac.tensor(t[:3])).item() == pytest.approx(
        inner.item(), rel=1e-7
    )


def test_categorical_uses_the_last_axis_like_keras():
    rng = np.random.default_rng(4)
    p = rng.random((2, 5, 3))
    p /= p.sum(-1, keepdims=True)
    t = np.eye(3)[rng.integers(0, 3, (2, 5))]
    got = nn.CategoricalCrossentropy()(ac.tensor(p), ac.tensor(t)).item()
    assert got == pytest.approx(_keras_categorical(p, t), rel=1e-12)
    got_sparse = nn.SparseCategoricalCrossentropy()(ac.tensor(p), ac.tensor(t.argmax(-1))).item()
    assert got_sparse == pytest.approx(got, rel=1e-12)


def test_compile_maps_the_keras_names():
    model = nn.Linear(2, 2)
    cases = {
        "categorical_crossentropy": (nn.CategoricalCrossentropy, False),
        "sparse_categorical_crossentropy": (nn.SparseCategoricalCrossentropy, False),
        "binary_crossentropy": (nn.BinaryCrossentropy, False),
        "binary_crossentropy_from_logits": (nn.BinaryCrossentropy, True),
    }
    for name, (cls, from_logits) in cases.items():
        loss = nn.compile(model, loss=name).loss
        assert type(loss) is cls and loss.from_logits is from_logits
    assert "from_logits=True" in repr(nn.BinaryCrossentropy(from_logits=True))


def test_raw_scores_with_the_probability_default_are_refused():
    x, labels, onehot = _data()
    ac.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3))  # no Softmax: outputs are logits
    trainer = nn.compile(model, loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy: with from_logits=Fal"):
        trainer.fit(x * 10, labels, verbose=0)
    with pytest.raises(ValueError, match=r"nn.CategoricalCrossentropy\(from_logits=True\)"):
        nn.CategoricalCrossentropy()(ac.tensor([[2.0, -1.0]]), ac.tensor([[1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"binary_crossentropy: .* got values from -3 to 2"):
        nn.BinaryCrossentropy()(ac.tensor([-3.0, 2.0]), ac.tensor([1.0, 0.0]))


def test_shape_and_label_errors():
    p = ac.tensor([[0.5, 0.5], [0.1, 0.9]])
    with pytest.raises(ac.ShapeError, match="use 'sparse_categorical_crossentropy'"):
        nn.CategoricalCrossentropy()(p, ac.tensor([0, 1]))
    with pytest.raises(ac.ShapeError, match=r"expected \(2,\)"):
        nn.SparseCategoricalCrossentropy()(p, ac.tensor([0, 1, 1]))
    with pytest.raises(IndexError, match=r"must lie in \[0, 2\).*from 0 to 2"):
        nn.SparseCategoricalCrossentropy()(p, ac.tensor([0, 2]))
    with pytest.raises(TypeError, match="whole numbers"):
        nn.SparseCategoricalCrossentropy()(p, ac.tensor([0.5, 1.0]))
    with pytest.raises(ac.ShapeError, match="binary_crossentropy: output shape"):
        nn.BinaryCrossentropy()(ac.tensor([0.5, 0.5]), ac.tensor([1.0, 0.0, 1.0]))


def test_fit_trains_a_softmax_model_with_the_keras_string():
    x, labels, _ = _data(n=120, seed=5)
    x = x + 4.0 * np.eye(3, 4)[labels]  # separable classes
    model = _softmax_model(5)
    trainer = nn.compile(
        model,
        loss="sparse_categorical_crossentropy",
        optimizer=optim.Adam(model.parameters(), lr=0.05),
        metrics=["accuracy"],
    )
    h = trainer.fit(x.astype(np.float32), labels, epochs=15, batch_size=30, verbose=0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]
    assert h.history["accuracy"][-1] > 0.9


def test_accuracy_with_n_by_1_class_labels():
    out = ac.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0]])
    # closed form: predictions 0, 1, 2 against labels 0, 1, 1
    assert nn.accuracy(out, ac.tensor([[0], [1], [1]])) == pytest.approx(2 / 3)
    assert nn.accuracy(out, ac.tensor([0, 1, 1])) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "loss_fn, target",
    [
        (nn.BinaryCrossentropy(), [1.0, 0.0, 1.0]),
        (nn.CategoricalCrossentropy(), [[1.0, 0.0, 0.0]] * 3),
        (nn.SparseCategoricalCrossentropy(), [0, 0, 0]),
    ],
)
def test_float16_outputs_are_scored_in_float32(loss_fn, target):
    # 1 − 1e-7 rounds to 1 in float16: without the float32 scoring, p = 1 gives log 0 and NaN
    p16 = np.array([1.0, 0.5, 0.0], np.float16)
    p = p16 if isinstance(loss_fn, nn.BinaryCrossentropy) else np.tile(p16, (3, 1))
    x = ac.tensor(p, requires_grad=True)
    loss = loss_fn(x, ac.tensor(target))
    loss.backward()
    p32 = p.astype(np.float32)
    ref = loss_fn(ac.tensor(p32), ac.tensor(target)).item()
    assert loss.dtype == np.float32 and loss.item() == pytest.approx(ref, rel=1e-6)
    assert np.isfinite(ref) and x.grad.dtype == np.float16 and np.isfinite(x.grad.data).all()
