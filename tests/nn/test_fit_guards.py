"""What ``fit`` refuses, and when: a non-finite loss before the step that would spoil the weights,
a ModelCheckpoint whose file name or monitor needs a metric the run will never log."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim


def _data(n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 2)).astype(np.float32)
    return x, (x[:, :1] * 2.0).astype(np.float32)


def _weights(model):
    return [p.data.copy() for p in model.parameters()]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_loss_leaves_weights_untouched(bad):
    x, y = _data()
    x[3, 0] = bad  # one poisoned sample: the loss of its batch is NaN / inf
    model = nn.Linear(2, 1)
    before = _weights(model)
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    with pytest.raises(FloatingPointError, match=r"fit: the loss became (nan|inf) at epoch 1, "):
        nn.fit(model, nn.MSELoss(), opt, x, y, batch_size=8, shuffle=False, verbose=0)
    for b, a in zip(before, _weights(model)):
        np.testing.assert_array_equal(a, b)
        assert np.isfinite(a).all()


def test_nonfinite_loss_in_a_later_batch_keeps_the_earlier_steps():
    x, y = _data()
    x[6, 1] = np.nan  # second batch of 4
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    reference = nn.Linear(2, 1)
    reference.load_state_dict(model.state_dict())
    with pytest.raises(FloatingPointError, match="batch 2"):
        nn.fit(model, nn.MSELoss(), opt, x, y, batch_size=4, shuffle=False, verbose=0)
    # the first batch's step happened, exactly as one hand-written step does
    ref_opt = optim.SGD(reference.parameters(), lr=0.1)
    loss = nn.MSELoss()(reference(ac.tensor(x[:4])), ac.tensor(y[:4]))
    loss.backward()
    ref_opt.step()
    for a, b in zip(_weights(model), _weights(reference)):
        np.testing.assert_array_equal(a, b)


# -- callbacks that need a metric the run will not log fail before the first batch ---------------


def _batches_seen():
    seen = []
    return seen, nn.LambdaCallback(on_train_batch_begin=lambda b, logs: seen.append(b))


def test_checkpoint_filepath_with_val_loss_but_no_validation_fails_at_fit_start(tmp_path):
    x, y = _data()
    model = nn.Linear(2, 1)
    before = _weights(model)
    seen, counter = _batches_seen()
    ckpt = nn.ModelCheckpoint(str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.3f}.npz"))
    opt = optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(KeyError, match=r"ModelCheckpoint: the filepath .* needs the metric "):
        nn.fit(model, nn.MSELoss(), opt, x, y, callbacks=[counter, ckpt], verbose=0)
    assert seen == [] and list(tmp_path.iterdir()) == []
    for a, b in zip(_weights(model), before):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(KeyError, match=r"'val_loss'.*Pass validation_split or validation_data"):
        nn.fit(model, nn.MSELoss(), opt, x, y, callbacks=[ckpt], verbose=0)
    # with validation data the same callback writes its file, named from the logs
    nn.fit(model, nn.MSELoss(), opt, x, y, validation_split=0.25, callbacks=[ckpt], verbose=0)
    assert [p.name[:8] for p in tmp_path.iterdir()] == ["ckpt-01-"]


def test_monitors_that_are_never_logged_fail_at_fit_start(tmp_path):
    x, y = _data()
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.parameters(), lr=0.1)
    seen, counter = _batches_seen()
    best = nn.ModelCheckpoint(str(tmp_path / "best.npz"), monitor="val_mae", save_best_only=True)
    with pytest.raises(KeyError, match=r"monitor \(save_best_only\) needs the metric 'val_mae'"):
        nn.fit(
            model,
            nn.MSELoss(),
            opt,
            x,
            y,
            validation_split=0.25,
            callbacks=[counter, best],
            verbose=0,
        )
    stop = nn.EarlyStopping(monitor="accuracy")
    with pytest.raises(
        KeyError,
        match=r"EarlyStopping: monitor needs the metric 'accuracy'.*"
        r"logs \['loss'\]. Add it to fit's metrics",
    ):
        nn.fit(model, nn.MSELoss(), opt, x, y, callbacks=[counter, stop], verbose=0)
    assert seen == []


def test_checkpoint_filepath_with_a_positional_field(tmp_path):
    with pytest.raises(ValueError, match=r"ModelCheckpoint: the filepath 'ckpt-\{\}.npz' has a "):
        nn.ModelCheckpoint("ckpt-{}.npz")
    with pytest.raises(ValueError, match=r"'ckpt-\{epoch.npz' is not a valid format template"):
        nn.ModelCheckpoint("ckpt-{epoch.npz")
    # doubled braces are literal and need no metric
    x, y = _data()
    model = nn.Linear(2, 1)
    ckpt = nn.ModelCheckpoint(str(tmp_path / "ckpt-{{best}}-{epoch}.npz"))
    nn.fit(model, nn.MSELoss(), optim.SGD(model.parameters()), x, y, callbacks=[ckpt], verbose=0)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt-{best}-1.npz"]


# -- layers and state dicts -----------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # PyTorch's, not ours
def test_linear_with_zero_inputs_is_pytorchs_empty_layer(torch):
    layer = nn.Linear(0, 3)
    ref = torch.nn.Linear(0, 3)  # PyTorch allows it: weight (3, 0), bias 0, output = bias
    assert layer.weight.shape == tuple(ref.weight.shape) == (3, 0)
    np.testing.assert_array_equal(layer.bias.data, ref.bias.detach().numpy())
    out = layer(ac.zeros(2, 0))
    assert out.shape == (2, 3) and not out.data.any()


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((-1, 3), ac.ShapeError, r"Linear: in_features must be non-negative; got in_features=-1"),
        ((3, -2), ac.ShapeError, r"Linear: out_features must be non-negative"),
        ((2.5, 3), TypeError, r"Linear: in_features must be an integer; got 2.5 \(float\)"),
        ((2, "3"), TypeError, r"Linear: out_features must be an integer; got '3' \(str\)"),
    ],
)
def test_linear_refuses_bad_sizes(args, error, match):
    with pytest.raises(error, match=match):
        nn.Linear(*args)


def test_load_state_dict_with_a_list():
    model = nn.Linear(2, 3)
    values = [p.data * 0 + 1 for p in model.parameters()]
    with pytest.raises(
        TypeError,
        match=r"load_state_dict \(Linear\): expected a mapping .* got "
        r"list. .* dict\(zip\(model.state_dict\(\), values\)\)",
    ):
        model.load_state_dict(values)
    model.load_state_dict(dict(zip(model.state_dict(), values)))  # the fix the message gives
    assert model.weight.data.tolist() == [[1.0, 1.0]] * 3


def test_model_checkpoint_refuses_a_safetensors_path_when_created(tmp_path):
    with pytest.raises(ValueError, match="ModelCheckpoint: .*safetensors path.*Use a .npz path"):
        nn.ModelCheckpoint(str(tmp_path / "ckpt.safetensors"))
