"""Lazy layers (LazyLinear, LazyConv1d/2d/3d) against PyTorch's: the uninitialised state, input
sizes inferred from the first input, the class each becomes, initialisation equal to the eager
layer's with the same seed, optimizers built before and after the first forward, state_dicts of
uninitialised modules, and the errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim
from autograd_core.errors import ShapeError, UninitializedError

F64 = ac.float64


@pytest.fixture
def tnn(torch):
    warnings.filterwarnings("ignore", message="Lazy modules are a new feature")
    return torch.nn


def _copy_from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def test_uninitialised_state_matches_torch(tnn):
    ours, theirs = nn.LazyLinear(3), tnn.LazyLinear(3)
    assert ours.in_features == theirs.in_features == 0
    assert ours.has_uninitialized_params() and theirs.has_uninitialized_params()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd) == ["weight", "bias"]
    assert all(type(v).__name__ == "UninitializedParameter" for v in [*sd.values(), *tsd.values()])
    assert repr(ours.weight) == repr(theirs.weight) == "<UninitializedParameter>"
    assert list(nn.LazyLinear(3, bias=False).state_dict()) == ["weight"]
    assert ours.num_parameters() == 0 and "<uninitialized>" in repr(ours)
    conv, tconv = nn.LazyConv2d(4, 3), tnn.LazyConv2d(4, 3)
    assert conv.in_channels == tconv.in_channels == 0
    assert list(conv.state_dict()) == list(tconv.state_dict())


@pytest.mark.parametrize("read", ["shape", "numel", "size", "ndim"])
def test_reading_the_shape_of_an_uninitialised_parameter_raises(read):
    w = nn.LazyLinear(3).weight
    with pytest.raises(UninitializedError, match=r"Call the module on an input first"):
        attr = getattr(w, read)
        if callable(attr):
            attr()


@pytest.mark.parametrize("shape", [(2, 5), (5,), (4, 2, 5)])
def test_lazy_linear_infers_in_features_and_becomes_linear(torch, tnn, rng, shape):
    x = rng.standard_normal(shape)
    ours, theirs = nn.LazyLinear(3, dtype=F64), tnn.LazyLinear(3, dtype=torch.float64)
    y, ty = ours(ac.tensor(x)), theirs(torch.tensor(x))
    assert ours.in_features == theirs.in_features == 5
    assert type(ours) is nn.Linear and type(theirs) is tnn.Linear
    assert type(ours.weight) is nn.Parameter and ours.weight.shape == tuple(theirs.weight.shape)
    assert y.shape == tuple(ty.shape)
    assert not hasattr(ours, "has_uninitialized_params")  # a Linear now, in PyTorch too
    assert not hasattr(theirs, "has_uninitialized_params")
    assert repr(ours).startswith("Linear(in_features=5, out_features=3, bias=True)")
    _copy_from_torch(ours, theirs)
    np.testing.assert_allclose(ours(ac.tensor(x)).numpy(), theirs(torch.tensor(x)).detach())


def test_initialisation_equals_the_eager_layer_with_the_same_seed(torch, tnn):
    # PyTorch's rule, checked on PyTorch itself …
    tx = torch.randn(2, 5)
    torch.manual_seed(0)
    lazy = tnn.LazyLinear(3)
    lazy(tx)
    torch.manual_seed(0)
    assert torch.equal(lazy.weight, tnn.Linear(5, 3).weight)
    # … and here, for the linear and the convolution layers
    x = ac.randn(2, 5)
    ac.manual_seed(0)
    ours = nn.LazyLinear(3)
    ours(x)
    ac.manual_seed(0)
    eager = nn.Linear(5, 3)
    np.testing.assert_array_equal(ours.weight.numpy(), eager.weight.numpy())
    np.testing.assert_array_equal(ours.bias.numpy(), eager.bias.numpy())
    xc = ac.randn(2, 6, 9, 9)
    ac.manual_seed(1)
    conv = nn.LazyConv2d(4, 3, groups=2)
    conv(xc)
    ac.manual_seed(1)
    eager_conv = nn.Conv2d(6, 4, 3, groups=2)
    np.testing.assert_array_equal(conv.weight.numpy(), eager_conv.weight.numpy())
    np.testing.assert_array_equal(conv.bias.numpy(), eager_conv.bias.numpy())
    g = ac.Generator().manual_seed(5)
    seeded = nn.LazyLinear(2, generator=g)
    seeded(ac.ones(1, 4))
    ref = nn.Linear(4, 2, generator=ac.Generator().manual_seed(5))
    np.testing.assert_array_equal(seeded.weight.numpy(), ref.weight.numpy())


@pytest.mark.parametrize("when", ["after", "before"])
def test_an_optimizer_trains_the_materialised_parameters_as_torch(torch, tnn, rng, when):
    x = rng.standard_normal((6, 4))
    target = rng.standard_normal((6, 2))
    ours, theirs = nn.LazyLinear(2, dtype=F64), tnn.LazyLinear(2, dtype=torch.float64)
    if when == "before":  # PyTorch allows it too: the parameter objects stay the same
        opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
        topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    ours(ac.tensor(x)), theirs(torch.tensor(x))
    _copy_from_torch(ours, theirs)
    if when == "after":
        opt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
        topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        opt.zero_grad()
        topt.zero_grad()
        ((ours(ac.tensor(x)) - ac.tensor(target)) ** 2).mean().backward()
        ((theirs(torch.tensor(x)) - torch.tensor(target)) ** 2).mean().backward()
        opt.step()
        topt.step()
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach(), rtol=1e-12)
    np.testing.assert_allclose(ours.bias.numpy(), theirs.bias.detach(), rtol=1e-12)


def test_load_state_dict_into_an_uninitialised_module_takes_its_shapes(torch, tnn, rng):
    theirs = tnn.Linear(4, 3).double()
    ours = nn.LazyLinear(3, dtype=F64)
    _copy_from_torch(ours, theirs)
    assert ours.weight.shape == (3, 4) and not ours.has_uninitialized_params()
    x = rng.standard_normal((2, 4))
    np.testing.assert_allclose(ours(ac.tensor(x)).numpy(), theirs(torch.tensor(x)).detach())
    assert type(ours) is nn.Linear and ours.in_features == 4
    # an uninitialised state_dict cannot fill an initialised module (PyTorch refuses too)
    with pytest.raises(UninitializedError, match="cannot read the shape"):
        ours.load_state_dict(nn.LazyLinear(3).state_dict())
    with pytest.raises(RuntimeError, match="uninitialized parameter"):
        theirs.load_state_dict(tnn.LazyLinear(3).state_dict())


def test_dtype_and_device_come_from_the_module_not_the_input(torch, tnn):
    m = nn.LazyLinear(3)
    m.double()  # before the first forward: the placeholder takes it, as in PyTorch
    m(ac.ones(2, 5, dtype=F64))
    assert m.weight.dtype == np.float64
    t = tnn.LazyLinear(3)
    t.double()
    t(torch.ones(2, 5, dtype=torch.float64))
    assert t.weight.dtype == torch.float64
    assert nn.LazyConv1d(2, 3, dtype=F64)(ac.ones(1, 2, 5, dtype=F64)).dtype == np.float64


CONV_CASES = [
    ("LazyConv1d", "Conv1d", {"kernel_size": 3, "stride": 2, "padding": 1}, (3, 4, 11)),
    ("LazyConv1d", "Conv1d", {"kernel_size": 3, "padding": 1, "padding_mode": "reflect"}, (4, 7)),
    ("LazyConv2d", "Conv2d", {"kernel_size": 3, "groups": 2, "bias": False}, (2, 4, 7, 6)),
    ("LazyConv2d", "Conv2d", {"kernel_size": (2, 3), "dilation": 2}, (3, 8, 8)),
    ("LazyConv3d", "Conv3d", {"kernel_size": 3, "padding": "same"}, (1, 2, 4, 5, 3)),
]


@pytest.mark.parametrize(("lazy", "eager", "kwargs", "shape"), CONV_CASES)
def test_lazy_convolutions_infer_in_channels_as_torch(torch, tnn, rng, lazy, eager, kwargs, shape):
    ours = getattr(nn, lazy)(4, dtype=F64, **kwargs)
    theirs = getattr(tnn, lazy)(4, dtype=torch.float64, **kwargs)
    x = rng.standard_normal(shape)
    y, ty = ours(ac.tensor(x)), theirs(torch.tensor(x))
    assert ours.in_channels == theirs.in_channels
    assert type(ours) is getattr(nn, eager) and type(theirs) is getattr(tnn, eager)
    assert ours.weight.shape == tuple(theirs.weight.shape) and y.shape == tuple(ty.shape)
    _copy_from_torch(ours, theirs)
    X, tx = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(X), theirs(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(X.grad.numpy(), tx.grad, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad, rtol=1e-10)


def test_errors(torch, tnn):
    with pytest.raises(ShapeError, match=r"LazyLinear: the first input has no feature axis"):
        nn.LazyLinear(3)(ac.tensor(1.0))
    with pytest.raises(IndexError):  # (PyTorch: an IndexError from shape[-1])
        tnn.LazyLinear(3)(torch.tensor(1.0))
    with pytest.raises(ShapeError, match=r"in_channels=3 .* must be divisible by groups=2"):
        nn.LazyConv2d(4, 3, groups=2)(ac.ones(1, 3, 8, 8))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        tnn.LazyConv2d(4, 3, groups=2)(torch.ones(1, 3, 8, 8))
    with pytest.raises(ShapeError, match=r"LazyConv2d: expected a 3-d \(unbatched\) or 4-d"):
        nn.LazyConv2d(4, 3)(ac.ones(8, 8))
    with pytest.raises(ShapeError, match=r"out_channels=3 must both be divisible by groups=2"):
        nn.LazyConv2d(3, 3, groups=2)  # (PyTorch refuses it only in the first forward)
    with pytest.raises(TypeError, match=r"LazyLinear: the first call must pass the input"):
        nn.LazyLinear(3)()
    m = nn.LazyLinear(3)
    m(ac.ones(2, 5))
    with pytest.raises(ValueError):  # after the first call, a Linear(5, 3) like any other
        m(ac.ones(2, 4))


def test_lazy_layers_in_a_sequential_train(rng):
    model = nn.Sequential(nn.LazyConv1d(3, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(1))
    x = ac.tensor(rng.standard_normal((16, 2, 8)), dtype=ac.float32)
    y = ac.tensor(rng.standard_normal((16, 1)), dtype=ac.float32)
    model(x)
    opt = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]
    assert [type(m).__name__ for m in model] == ["Conv1d", "ReLU", "Flatten", "Linear"]


def test_materialised_on_the_device(fake_cuda):
    m = nn.LazyLinear(3, device="cuda")
    y = m(ac.ones(2, 4, device="cuda"))
    assert isinstance(m.weight.data, fake_cuda.ndarray) and isinstance(y.data, fake_cuda.ndarray)
    c = nn.LazyConv2d(2, 3, device="cuda")
    c(ac.ones(1, 3, 5, 5, device="cuda"))
    assert isinstance(c.weight.data, fake_cuda.ndarray) and c.weight.shape == (2, 3, 3, 3)
