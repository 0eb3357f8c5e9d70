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
