"""The convolution layers against PyTorch in float64 with copied weights: forward, input and
parameter gradients to 1e-10, every padding_mode and groups; PyTorch's initialisation and a
PyTorch state_dict loaded after converting its tensors to arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn

TOL = {"rtol": 1e-10, "atol": 1e-10}
F64 = ac.float64


def _copy_from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()})


def _compare(torch, ours, theirs, x, rng, **call):
    """Forward and every gradient (input, weight, bias) of one random cotangent."""
    X = ac.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    y, ty = ours(X, **call), theirs(tx, **call)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **TOL)
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(X.grad.data, tx.grad.numpy(), **TOL)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.data, p.grad.numpy(), **TOL)


CONV_CASES = [
    (1, {"kernel_size": 3, "stride": 2, "padding": 1}, (3, 4, 11)),
    (1, {"kernel_size": 4, "padding": "same", "dilation": 2, "groups": 2}, (2, 4, 9)),
    (2, {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 2)}, (2, 4, 7, 6)),
    (2, {"kernel_size": 3, "padding": "valid", "dilation": 2, "bias": False}, (2, 4, 9, 8)),
    (2, {"kernel_size": 3, "groups": 4, "padding": 1}, (2, 4, 6, 5)),  # depthwise, out = 2·in
    (3, {"kernel_size": 2, "stride": (1, 2, 1), "padding": 1, "groups": 2}, (1, 4, 4, 5, 3)),
    (2, {"kernel_size": 1, "groups": 2}, (2, 4, 3, 5)),  # a GEMM over channels
]


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(("nd", "kwargs", "shape"), CONV_CASES)
def test_conv_matches_torch(torch, rng, nd, kwargs, shape, padding_mode):
    c_in = shape[1]
    c_out = 8 if kwargs.get("groups", 1) == 4 else 6
    if padding_mode != "zeros" and kwargs.get("padding") == "valid":
        pytest.skip("nothing to pad")
    ours = getattr(nn, f"Conv{nd}d")(c_in, c_out, padding_mode=padding_mode, dtype=F64, **kwargs)
    theirs = getattr(torch.nn, f"Conv{nd}d")(c_in, c_out, padding_mode=padding_mode, **kwargs)
    theirs = theirs.double()
    _copy_from_torch(ours, theirs)
    _compare(torch, ours, theirs, rng.standard_normal(shape), rng)


TRANSPOSE_CASES = [
    (1, {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, (2, 4, 5)),
    (2, {"kernel_size": (3, 2), "stride": 2, "groups": 2, "dilation": (1, 2)}, (2, 4, 3, 4)),
    (2, {"kernel_size": 4, "stride": 2, "padding": 1, "bias": False}, (1, 4, 5, 5)),
    (3, {"kernel_size": 2, "stride": 2, "output_padding": (1, 0, 1)}, (1, 4, 2, 3, 2)),
]


@pytest.mark.parametrize(("nd", "kwargs", "shape"), TRANSPOSE_CASES)
def test_conv_transpose_matches_torch(torch, rng, nd, kwargs, shape):
    ours = getattr(nn, f"ConvTranspose{nd}d")(shape[1], 6, dtype=F64, **kwargs)
    theirs = getattr(torch.nn, f"ConvTranspose{nd}d")(shape[1], 6, **kwargs).double()
    _copy_from_torch(ours, theirs)
    _compare(torch, ours, theirs, rng.standard_normal(shape), rng)


CHUNKED_CASES = [
    *[("Conv", nd, kw, shape) for nd, kw, shape in CONV_CASES],
    *[("ConvTranspose", nd, kw, shape) for nd, kw, shape in TRANSPOSE_CASES],
    ("Conv", 2, {"kernel_size": 2, "stride": 2, "groups": 4}, (3, 4, 6, 7)),  # tiles, depthwise
    ("Conv", 2, {"kernel_size": (2, 3), "stride": (2, 3), "groups": 2}, (2, 4, 4, 7)),  # tiles
    ("ConvTranspose", 2, {"kernel_size": (2, 4)}, (2, 4, 3, 1)),  # stride 1, widened 4×
]


@pytest.mark.parametrize(("kind", "nd", "kwargs", "shape"), CHUNKED_CASES)
def test_convs_built_one_output_row_at_a_time_match_torch(
    torch, rng, monkeypatch, kind, nd, kwargs, shape
):
    # the im2col and col2im chunks of ops/conv_gemm.py at their smallest: one row each
    from autograd_core.ops import conv_gemm

    monkeypatch.setattr(conv_gemm, "CHUNK_BYTES", 1)
    monkeypatch.setattr(conv_gemm, "LARGE_CHUNK_BYTES", 1)
    c_out = 8 if kwargs.get("groups", 1) == 4 else 6
    ours = getattr(nn, f"{kind}{nd}d")(shape[1], c_out, dtype=F64, **kwargs)
    theirs = getattr(torch.nn, f"{kind}{nd}d")(shape[1], c_out, **kwargs).double()
    _copy_from_torch(ours, theirs)
    _compare(torch, ours, theirs, rng.standard_normal(shape), rng)


def test_conv_output_is_a_batch_last_view_and_takes_any_layout(torch, rng):
    # ops/conv_gemm.py: (N, C, L…) values in (C, L…, N) memory; an input in either layout
    # (or neither) gives PyTorch's numbers
    conv = nn.Conv2d(3, 4, 3, padding=1, dtype=F64)
    theirs = torch.nn.Conv2d(3, 4, 3, padding=1).double()
    _copy_from_torch(conv, theirs)
    x = rng.standard_normal((2, 3, 5, 6))
    y = conv(ac.tensor(x))
    assert np.moveaxis(y.data, 0, -1).flags.c_contiguous
    np.testing.assert_allclose(y.data, theirs(torch.tensor(x)).detach().numpy(), **TOL)
    batch_last = np.moveaxis(np.moveaxis(x, 0, -1).copy(), -1, 0)
    for layout in (batch_last, np.asfortranarray(x)):
        np.testing.assert_array_equal(conv(ac.tensor(layout)).data, y.data)


def test_a_stack_of_convs_in_the_batch_last_layout_matches_torch(torch, rng):
    # each conv hands the next (and the 1×1 convs, which keep their input's layout) a
    # batch-last array; gradients flow back through the same layouts
    def stack(m, **kw):
        return m.Sequential(
            m.Conv2d(3, 4, 3, padding=1, **kw),
            m.ReLU(),
            m.Conv2d(4, 6, 1, groups=2, **kw),
            m.Conv2d(6, 6, 2, stride=2, groups=6, **kw),
            m.Conv2d(6, 2, 1, **kw),
        )

    ours, theirs = stack(nn, dtype=F64), stack(torch.nn).double()
    _copy_from_torch(ours, theirs)
    X = ac.tensor(rng.standard_normal((3, 3, 6, 4)), requires_grad=True)
    tx = torch.tensor(X.numpy(), requires_grad=True)
    y, ty = ours(X), theirs(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **TOL)
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(X.grad.data, tx.grad.numpy(), **TOL)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), **TOL, err_msg=name)


def test_conv_transpose_output_size_matches_torch(torch, rng):
    ours = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, dtype=F64)
    theirs = torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1).double()
    _copy_from_torch(ours, theirs)
    _compare(torch, ours, theirs, rng.standard_normal((1, 3, 4, 4)), rng, output_size=(8, 7))
    with pytest.raises(ac.ShapeError, match=r"ConvTranspose2d: output_size \(9, 7\) cannot be"):
        ours(ac.ones(1, 3, 4, 4), output_size=(9, 7))


def test_unfold_fold_modules_match_torch(torch, rng):
    x = rng.standard_normal((2, 3, 6, 5))
    kw = {"kernel_size": (2, 3), "padding": 1, "stride": (2, 1)}
    _compare(torch, nn.Unfold(**kw), torch.nn.Unfold(**kw), x, rng)
    cols = rng.standard_normal((2, 18, 20))
    fold_kw = {"output_size": (6, 5), **kw}
    _compare(torch, nn.Fold(**fold_kw), torch.nn.Fold(**fold_kw), cols, rng)


def test_unflatten_matches_torch(torch):
    x = np.arange(48.0).reshape(2, 24)
    ours = nn.Unflatten(1, (2, -1, 4))(ac.tensor(x))
    theirs = torch.nn.Unflatten(1, (2, 3, 4))(torch.tensor(x))
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    with pytest.raises(ac.ShapeError, match=r"Unflatten: axis 1 of size 24 .* cannot be split"):
        nn.Unflatten(1, (5, -1))(ac.tensor(x))


def test_a_pytorch_state_dict_loads_into_a_cnn(torch, rng):
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect"),
        torch.nn.ReLU(),
        torch.nn.Conv2d(4, 4, 3, groups=2),
        torch.nn.ConvTranspose2d(4, 2, 2, stride=2),
        torch.nn.Flatten(),
        torch.nn.Linear(2 * 12 * 12, 3),
    ).double()
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, padding_mode="reflect", dtype=F64),
        nn.ReLU(),
        nn.Conv2d(4, 4, 3, groups=2, dtype=F64),
        nn.ConvTranspose2d(4, 2, 2, stride=2, dtype=F64),
        nn.Flatten(),
        nn.Linear(2 * 12 * 12, 3, dtype=F64),
    )
    state = {k: v.numpy() for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)
    assert list(ours.state_dict()) == list(state)
    x = rng.standard_normal((2, 1, 8, 8))
    np.testing.assert_allclose(
        ours(ac.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), **TOL
    )


@pytest.mark.parametrize(
    ("ours", "theirs_shape", "fan_in"),
    [
        (lambda: nn.Conv2d(6, 16, 5, generator=ac.Generator(0)), (16, 6, 5, 5), 6 * 25),
        (lambda: nn.Conv1d(4, 8, 3, groups=2, generator=ac.Generator(0)), (8, 2, 3), 2 * 3),
        (
            lambda: nn.ConvTranspose2d(8, 4, 3, generator=ac.Generator(0)),
            (8, 4, 3, 3),
            4 * 9,
        ),
    ],
)
def test_default_init_is_pytorchs(ours, theirs_shape, fan_in):
    layer = ours()
    w, b = layer.weight.data, layer.bias.data
    bound = 1.0 / math.sqrt(fan_in)  # kaiming_uniform(a=√5): √(6/((1+5)·fan_in))
    assert w.shape == theirs_shape
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # a uniform on (−k, k) has variance k²/3
    assert abs(w.var() - bound**2 / 3) < 0.25 * bound**2 / 3


def test_conv_layer_errors():
    with pytest.raises(ac.ShapeError, match=r"Conv2d: in_channels=3 and out_channels=4 must both"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"Conv2d: padding_mode must be one of"):
        nn.Conv2d(3, 4, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match=r"ConvTranspose2d: only padding_mode='zeros'"):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")
    with pytest.raises(ac.ShapeError, match=r"Conv2d: kernel_size must be an int or a tuple of 2"):
        nn.Conv2d(3, 4, (3, 3, 3))
    with pytest.raises(ac.ShapeError, match=r"Conv1d: in_channels must be a positive int"):
        nn.Conv1d(0, 4, 3)
