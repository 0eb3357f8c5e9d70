"""``inplace=True`` on activation and dropout functions and modules, against PyTorch: the value,
that the input object itself is written and returned, gradients through a non-leaf, views of
the input, and the same refusals (a leaf that requires grad, a saved tensor overwritten)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# name, positional args after the input; deterministic (rrelu in eval mode)
DETERMINISTIC = [
    ("relu", ()),
    ("relu6", ()),
    ("leaky_relu", (0.2,)),
    ("elu", (0.7,)),
    ("selu", ()),
    ("celu", (1.5,)),
    ("hardtanh", (-0.5, 0.8)),
    ("hardsigmoid", ()),
    ("hardswish", ()),
    ("silu", ()),
    ("mish", ()),
    ("rrelu", (0.1, 0.3, False)),
    ("threshold", (0.1, -2.0)),
]
# torch's float64 hardsigmoid backward multiplies by 1/6 rounded to float32 (relative error
# 3e-8); ours uses the float64 1/6, pinned in test_hardsigmoid_gradient_closed_form.
GRAD_RTOL = {"hardsigmoid": 1e-7}
DATA = np.array([[-4.0, -1.5, -0.2, 0.0], [0.05, 0.3, 2.5, 7.0]])


def _ours(name, x, args):
    return getattr(F, name)(x, *args, inplace=True)


def _theirs(name, x, args):
    return getattr(TF, name)(x, *args, inplace=True)


@pytest.mark.parametrize("name,args", DETERMINISTIC)
def test_value_and_identity(name, args):
    x = ac.tensor(DATA)
    y = _ours(name, x, args)
    t = torch.tensor(DATA)
    _theirs(name, t, args)
    assert y is x
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,args", DETERMINISTIC)
def test_gradient_through_non_leaf(name, args):
    w = np.arange(1.0, 9.0).reshape(2, 4)
    a = ac.tensor(DATA, requires_grad=True)
    x = a * 2
    y = _ours(name, x, args)
    assert y is x
    (y * ac.tensor(w)).sum().backward()
    ta = torch.tensor(DATA, requires_grad=True)
    tx = ta * 2
    (_theirs(name, tx, args) * torch.tensor(w)).sum().backward()
    rtol = GRAD_RTOL.get(name, 1e-10)
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=rtol, atol=1e-12)


def test_hardsigmoid_gradient_closed_form():
    a = ac.tensor(DATA, requires_grad=True)
    x = a * 2
    F.hardsigmoid(x, inplace=True).sum().backward()
    inside = (2 * DATA > -3) & (2 * DATA < 3)
    np.testing.assert_array_equal(a.grad.numpy(), np.where(inside, 2.0 / 6.0, 0.0))


@pytest.mark.parametrize("name,args", DETERMINISTIC)
def test_leaf_that_requires_grad_is_refused(name, args):
    with pytest.raises(RuntimeError, match="leaf"):
        _theirs(name, torch.tensor(DATA, requires_grad=True), args)
    with pytest.raises(RuntimeError, match="leaf"):
        _ours(name, ac.tensor(DATA, requires_grad=True), args)


@pytest.mark.parametrize("name,args", DETERMINISTIC)
def test_overwriting_a_saved_tensor_refuses_backward(name, args):
    ta = torch.tensor(DATA, requires_grad=True)
    tx = ta.exp()  # exp saves its output
    _theirs(name, tx, args)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        tx.sum().backward()
    a = ac.tensor(DATA, requires_grad=True)
    x = a.exp()
    _ours(name, x, args)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        x.sum().backward()


@pytest.mark.parametrize("name,args", DETERMINISTIC)
@pytest.mark.parametrize("recorded", [False, True])
def test_views_see_the_change(name, args, recorded):
    a = ac.tensor(DATA, requires_grad=recorded)
    base = a * 1 if recorded else a
    _ours(name, base[1], args)
    ta = torch.tensor(DATA, requires_grad=recorded)
    tbase = ta * 1 if recorded else ta
    _theirs(name, tbase[1], args)
    np.testing.assert_allclose(base.detach().numpy(), tbase.detach().numpy(), rtol=1e-12)
    if recorded:
        base.sum().backward()
        tbase.sum().backward()
        np.testing.assert_allclose(
            a.grad.numpy(), ta.grad.numpy(), rtol=GRAD_RTOL.get(name, 1e-10), atol=1e-12
        )


DROPOUTS = [
    ("dropout", (4, 6)),
    ("dropout1d", (2, 3, 4)),
    ("dropout2d", (2, 3, 2, 2)),
    ("dropout3d", (2, 3, 1, 2, 2)),
    ("alpha_dropout", (4, 6)),
    ("feature_alpha_dropout", (2, 3, 4)),
]


@pytest.mark.parametrize("name,shape", DROPOUTS)
def test_dropout_inplace_writes_the_input(name, shape):
    """The result written into x is what the out-of-place form gives with the same draw, and
    the gradient through a non-leaf is the factor applied to each element."""
    fn = getattr(F, name)
    data = np.random.default_rng(0).uniform(0.5, 2.0, shape)
    expected = fn(ac.tensor(data), 0.4, True, generator=ac.Generator(3))
    a = ac.tensor(data, requires_grad=True)
    x = a * 1
    y = fn(x, 0.4, True, True, generator=ac.Generator(3))
    assert y is x
    np.testing.assert_allclose(x.detach().numpy(), expected.numpy(), rtol=1e-12)
    x.sum().backward()
    slope = expected - fn(ac.zeros(*shape, dtype=ac.float64), 0.4, True, generator=ac.Generator(3))
    np.testing.assert_allclose(a.grad.numpy(), slope.numpy() / data, rtol=1e-10)


@pytest.mark.parametrize("name,shape", DROPOUTS)
@pytest.mark.parametrize("p,training", [(0.5, False), (0.0, True), (1.0, True)])
def test_dropout_identity_cases_match_torch(name, shape, p, training):
    """Out of training (or p = 0) torch returns the input unchanged, even a leaf that requires
    grad; with p = 1 in training it writes, so a leaf is refused."""
    t = torch.ones(shape, requires_grad=True)
    x = ac.ones(*shape, requires_grad=True)
    try:
        got_t = getattr(TF, name)(t, p, training, True)
    except RuntimeError:
        with pytest.raises(RuntimeError, match="leaf"):
            getattr(F, name)(x, p, training, True)
        return
    assert got_t is t
    assert getattr(F, name)(x, p, training, True) is x


def test_rrelu_training_inplace_slopes():
    data = np.array([-2.0, -1.0, 0.5, 3.0])
    a = ac.tensor(data, requires_grad=True)
    x = a * 1
    y = F.rrelu(x, 0.1, 0.3, True, True, generator=ac.Generator(1))
    assert y is x
    x.sum().backward()
    slopes = a.grad.numpy()
    assert np.all(slopes[2:] == 1) and np.all((slopes[:2] >= 0.1) & (slopes[:2] <= 0.3))
    np.testing.assert_allclose(x.detach().numpy(), data * slopes)


MODULES = [
    ("ReLU", ()),
    ("ReLU6", ()),
    ("LeakyReLU", (0.2,)),
    ("ELU", (0.5,)),
    ("SELU", ()),
    ("CELU", (2.0,)),
    ("Hardtanh", (-2.0, 2.0)),
    ("Hardsigmoid", ()),
    ("Hardswish", ()),
    ("SiLU", ()),
    ("Mish", ()),
    ("RReLU", (0.1, 0.3)),
    ("Threshold", (0.1, 20.0)),
    ("Dropout", (0.3,)),
    ("Dropout1d", (0.3,)),
    ("Dropout2d", (0.3,)),
    ("Dropout3d", (0.3,)),
    ("AlphaDropout", (0.3,)),
    ("FeatureAlphaDropout", (0.3,)),
]


@pytest.mark.parametrize("name,args", MODULES)
@pytest.mark.parametrize("inplace", [False, True])
def test_module_extra_repr_matches_torch(name, args, inplace):
    ours = getattr(nn, name)(*args, inplace=inplace)
    theirs = getattr(torch.nn, name)(*args, inplace=inplace)
    assert ours.extra_repr() == theirs.extra_repr()
    assert ours.inplace is inplace


@pytest.mark.parametrize("name,args", [m for m in MODULES if "Dropout" not in m[0]])
def test_module_inplace_writes_its_input(name, args):
    x = ac.tensor(DATA)
    t = torch.tensor(DATA)
    ours = getattr(nn, name)(*args, inplace=True).eval()
    theirs = getattr(torch.nn, name)(*args, inplace=True).eval()
    assert ours(x) is x
    theirs(t)
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=1e-12, atol=1e-12)


def test_module_dropout_inplace_in_training():
    x = ac.ones(50)
    y = nn.Dropout(0.5, inplace=True, generator=ac.Generator(0))(x)
    assert y is x and set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_hardtanh_deprecated_names_warn_as_torch():
    with pytest.warns(FutureWarning, match="min_value"):
        ours = nn.Hardtanh(min_value=-3.0)
    with pytest.warns(FutureWarning, match="min_value"):
        theirs = torch.nn.Hardtanh(min_value=-3.0)
    assert ours.extra_repr() == theirs.extra_repr()
