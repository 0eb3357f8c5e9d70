"""RMSNorm / F.rms_norm and LocalResponseNorm / F.local_response_norm against PyTorch: values
(float32, float64; empty and non-contiguous inputs), gradients of input and weight in float64,
modules with copied parameters, first and second order gradcheck, the device stand-in, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import DTypeError, ShapeError

RMS_CASES = [
    ((2, 3, 4), (4,), True, None),
    ((2, 3, 4), (3, 4), True, None),
    ((2, 3, 4), 4, False, None),
    ((5, 4), [4], True, 1e-3),
    ((0, 4), (4,), True, None),
    ((4,), (4,), False, 0.0),
]


def _rms_inputs(shape, normalized_shape, with_weight, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    wshape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    w = rng.standard_normal(wshape) if with_weight else None
    return x, w


@pytest.mark.parametrize(("shape", "ns", "with_weight", "eps"), RMS_CASES, ids=str)
@pytest.mark.parametrize(("dtype", "rtol"), [("float32", 1e-5), ("float64", 1e-12)])
def test_rms_norm_values_match_torch(torch, shape, ns, with_weight, eps, dtype, rtol):
    x, w = _rms_inputs(shape, ns, with_weight)
    x, w = x.astype(dtype), None if w is None else w.astype(dtype)
    y = F.rms_norm(ac.tensor(x), ns, None if w is None else ac.tensor(w), eps)
    tns = [ns] if isinstance(ns, int) else list(ns)
    tw = None if w is None else torch.tensor(w)
    expected = torch.nn.functional.rms_norm(torch.tensor(x), tns, tw, eps).numpy()
    assert y.dtype == np.dtype(dtype) and y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected, rtol=rtol, atol=1e-6 if dtype == "float32" else 0)


@pytest.mark.parametrize(("shape", "ns", "with_weight", "eps"), RMS_CASES, ids=str)
def test_rms_norm_gradients_match_torch(torch, shape, ns, with_weight, eps):
    x, w = _rms_inputs(shape, ns, with_weight)
    xs = [ac.tensor(x, requires_grad=True)] + (
        [ac.tensor(w, requires_grad=True)] if w is not None else []
    )
    txs = [torch.tensor(x, requires_grad=True)] + (
        [torch.tensor(w, requires_grad=True)] if w is not None else []
    )
    tns = [ns] if isinstance(ns, int) else list(ns)
    y = F.rms_norm(xs[0], ns, xs[1] if len(xs) > 1 else None, eps)
    yt = torch.nn.functional.rms_norm(txs[0], tns, txs[1] if len(txs) > 1 else None, eps)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    ours = ac.grad(y, xs, ac.tensor(gy))
    theirs = torch.autograd.grad(yt, txs, torch.tensor(gy))
    for g, gt in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(g.data, gt.numpy(), rtol=1e-10, atol=1e-14)
    if x.size:
        assert ac.gradcheck(lambda *t: F.rms_norm(t[0], ns, t[1] if len(t) > 1 else None, eps), xs)
        assert ac.gradgradcheck(
            lambda *t: F.rms_norm(t[0], ns, t[1] if len(t) > 1 else None, eps), xs
        )


def test_rms_norm_non_contiguous_input(torch):
    b = np.random.default_rng(0).standard_normal((4, 3))
    y = F.rms_norm(ac.tensor(b).T, (4,))
    expected = torch.nn.functional.rms_norm(torch.tensor(b).T, [4])
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-12)


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    tiny = ac.tensor([[0.0, 0.0]], dtype=ac.float32)
    assert F.rms_norm(tiny + 1e-4, (2,)).tolist() != F.rms_norm(tiny + 1e-4, (2,), eps=0.0).tolist()
    x = ac.tensor([[1e-4, 1e-4]], dtype=ac.float64)
    expected = 1e-4 / np.sqrt(1e-8 + np.finfo(np.float64).eps)
    np.testing.assert_allclose(F.rms_norm(x, 2).data, expected, rtol=1e-15)


@pytest.mark.parametrize("affine", [True, False])
def test_rmsnorm_module_matches_torch_with_copied_weight(torch, affine):
    ours = nn.RMSNorm((3, 4), elementwise_affine=affine, dtype=ac.float64)
    theirs = torch.nn.RMSNorm((3, 4), elementwise_affine=affine, dtype=torch.float64)
    assert ours.extra_repr() == theirs.extra_repr()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    if affine:
        w = np.random.default_rng(1).standard_normal((3, 4))
        ours.weight.data[...] = w
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(w))
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, yt = ours(xa), theirs(xt)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-12)
    c = np.random.default_rng(2).standard_normal(y.shape)  # sum(y²) has gradient 0 without γ
    (y * y * ac.tensor(c)).sum().backward()
    (yt * yt * torch.tensor(c)).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10)
    if affine:
        np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-10)
    else:
        assert ours.weight is None


def test_rms_norm_on_the_device(device):
    x = ac.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, device=device)
    m = nn.RMSNorm(3, device=device)
    m(x).sum().backward()
    assert x.grad.device == x.device and m.weight.grad.device == x.device
    xc = ac.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    F.rms_norm(xc, 3, ac.ones(3, dtype=ac.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.to("cpu").data, xc.grad.data, rtol=1e-12)


def test_rms_norm_errors():
    with pytest.raises(ShapeError, match=r"rms_norm: input of shape \(2, 3\) does not end with"):
        F.rms_norm(ac.ones(2, 3), (4,))
    with pytest.raises(ShapeError, match=r"rms_norm: input of shape \(3,\) does not end with"):
        F.rms_norm(ac.ones(3), (2, 3))
    with pytest.raises(ShapeError, match=r"rms_norm: weight of shape \(2,\) does not match"):
        F.rms_norm(ac.ones(2, 3), (3,), ac.ones(2))
    with pytest.raises(DTypeError, match=r"rms_norm: expected a floating-point input"):
        F.rms_norm(ac.tensor([[1, 2]]), (2,))


# -- local response norm -------------------------------------------------------------------

LRN_CASES = [
    ((2, 5, 3), 1, {}),
    ((2, 5, 3), 2, {"alpha": 0.5, "beta": 0.75, "k": 2.0}),
    ((2, 5, 3, 4), 3, {"alpha": 1.0}),
    ((1, 4, 2, 2, 2), 5, {"alpha": 0.3, "beta": 1.5, "k": 0.5}),
    ((2, 3, 2), 8, {"alpha": 0.7}),
]


@pytest.mark.parametrize(("shape", "size", "kwargs"), LRN_CASES, ids=str)
@pytest.mark.parametrize(("dtype", "rtol"), [("float32", 1e-5), ("float64", 1e-12)])
def test_local_response_norm_values_match_torch(torch, shape, size, kwargs, dtype, rtol):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    y = F.local_response_norm(ac.tensor(x), size, **kwargs)
    expected = torch.nn.functional.local_response_norm(torch.tensor(x), size, **kwargs).numpy()
    assert y.dtype == np.dtype(dtype) and y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected, rtol=rtol, atol=1e-7 if dtype == "float32" else 0)


@pytest.mark.parametrize(("shape", "size", "kwargs"), LRN_CASES, ids=str)
def test_local_response_norm_gradients_match_torch(torch, shape, size, kwargs):
    x = np.random.default_rng(0).standard_normal(shape)
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y = F.local_response_norm(xa, size, **kwargs)
    yt = torch.nn.functional.local_response_norm(xt, size, **kwargs)
    gy = np.random.default_rng(1).standard_normal(y.shape)
    (g,) = ac.grad(y, [xa], ac.tensor(gy))
    (gt,) = torch.autograd.grad(yt, [xt], torch.tensor(gy))
    np.testing.assert_allclose(g.data, gt.numpy(), rtol=1e-10, atol=1e-14)
    assert ac.gradcheck(lambda t: F.local_response_norm(t, size, **kwargs), [xa])
    assert ac.gradgradcheck(lambda t: F.local_response_norm(t, size, **kwargs), [xa])


def test_local_response_norm_empty_and_non_contiguous(torch):
    assert F.local_response_norm(ac.ones(0, 3, 4), 2).shape == (0, 3, 4)
    b = np.random.default_rng(0).standard_normal((4, 3, 2))
    y = F.local_response_norm(ac.tensor(b).transpose(0, 2), 3, alpha=1.0)
    expected = torch.nn.functional.local_response_norm(torch.tensor(b).transpose(0, 2), 3, 1.0)
    np.testing.assert_allclose(y.data, expected.numpy(), rtol=1e-12)


def test_local_response_norm_module_matches_torch(torch):
    ours, theirs = (
        nn.LocalResponseNorm(3, 0.5, 0.6, 1.5),
        torch.nn.LocalResponseNorm(3, 0.5, 0.6, 1.5),
    )
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((2, 4, 3, 3))
    np.testing.assert_allclose(ours(ac.tensor(x)).data, theirs(torch.tensor(x)).numpy(), rtol=1e-12)


def test_local_response_norm_on_the_device(device):
    x = ac.tensor(np.linspace(-1, 1, 24).reshape(2, 4, 3), requires_grad=True, device=device)
    F.local_response_norm(x, 3, alpha=1.0).sum().backward()
    xc = ac.tensor(np.linspace(-1, 1, 24).reshape(2, 4, 3), requires_grad=True)
    F.local_response_norm(xc, 3, alpha=1.0).sum().backward()
    np.testing.assert_allclose(x.grad.to("cpu").data, xc.grad.data, rtol=1e-12)


def test_local_response_norm_errors():
    with pytest.raises(ShapeError, match=r"local_response_norm: expected 3D or higher .* got 2"):
        F.local_response_norm(ac.ones(2, 3), 2)
    with pytest.raises(ValueError, match=r"local_response_norm: size must be a positive int"):
        F.local_response_norm(ac.ones(2, 3, 4), 0)
    with pytest.raises(DTypeError, match=r"local_response_norm: expected a floating-point"):
        F.local_response_norm(ac.tensor([[[1]]]), 1)
