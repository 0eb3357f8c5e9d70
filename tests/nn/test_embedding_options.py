"""F.embedding / nn.Embedding: padding_idx, max_norm (in-place renorm), norm_type and
scale_grad_by_freq against torch, values, gradients and the weight after the call."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

torch = pytest.importorskip("torch")

IDX = np.array([[1, 3, 1, 0], [3, 3, 4, 1]])  # repeated indices; row 2 never looked up


def _weight(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((5, 3)) * np.array([[0.2], [2.0], [3.0], [0.5], [1.5]])


@pytest.mark.parametrize("padding_idx", [None, 3, -2, 0])
@pytest.mark.parametrize(
    ("max_norm", "norm_type"), [(None, 2.0), (1.0, 2.0), (1.0, 1.0), (1.0, float("inf"))]
)
@pytest.mark.parametrize("by_freq", [False, True])
def test_functional_embedding_matches_torch(padding_idx, max_norm, norm_type, by_freq):
    w = _weight()
    upstream = np.random.default_rng(1).standard_normal(IDX.shape + (3,))
    wa = ac.tensor(w, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    kw = dict(padding_idx=padding_idx, max_norm=max_norm, norm_type=norm_type)
    ya = F.embedding(ac.tensor(IDX), wa, scale_grad_by_freq=by_freq, **kw)
    yt = torch.nn.functional.embedding(torch.tensor(IDX), wt, scale_grad_by_freq=by_freq, **kw)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    # max_norm changed the weight in place, the same rows by the same factors
    np.testing.assert_allclose(wa.data, wt.detach().numpy(), rtol=1e-12, atol=1e-12)
    (ya * ac.tensor(upstream)).sum().backward()
    (yt * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(wa.grad.data, wt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_module_embedding_matches_torch_float32():
    ours = nn.Embedding(5, 3, padding_idx=1, max_norm=0.5, scale_grad_by_freq=True)
    theirs = torch.nn.Embedding(5, 3, padding_idx=1, max_norm=0.5, scale_grad_by_freq=True)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
    ya, yt = ours(ac.tensor(IDX)), theirs(torch.tensor(IDX))
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), rtol=1e-6)
    (ya**2).sum().backward()
    (yt**2).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-5)
    assert repr(ours).startswith(repr(theirs))  # ours adds the parameter shapes


def test_renorm_closed_form_and_untouched_rows():
    w = ac.tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=ac.float64)
    y = F.embedding(ac.tensor([0, 1, 0]), w, max_norm=2.0)
    np.testing.assert_allclose(w.data[0], np.array([3.0, 4.0]) * 2.0 / (5.0 + 1e-7))
    np.testing.assert_array_equal(w.data[1], [0.3, 0.4])  # under max_norm
    np.testing.assert_array_equal(w.data[2], [6.0, 8.0])  # not looked up
    np.testing.assert_array_equal(y.data[0], w.data[0])


def test_scale_grad_by_freq_closed_form_and_second_order():
    w = ac.tensor(np.arange(6.0).reshape(3, 2), dtype=ac.float64, requires_grad=True)
    idx = ac.tensor([2, 2, 2, 0])
    (g,) = ac.autograd.grad(
        (F.embedding(idx, w, scale_grad_by_freq=True) ** 2).sum(), w, create_graph=True
    )
    # d/dw_r of sum over lookups of w_r² is 2·count·w_r, divided by count: 2·w_r
    np.testing.assert_allclose(g.data, [[0, 2], [0, 0], [8, 10]])
    g.sum().backward()
    # torch's convention: the scale is applied once in the double backward (against torch)
    wt = torch.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    (gt,) = torch.autograd.grad(
        (
            torch.nn.functional.embedding(torch.tensor([2, 2, 2, 0]), wt, scale_grad_by_freq=True)
            ** 2
        ).sum(),
        wt,
        create_graph=True,
    )
    gt.sum().backward()
    np.testing.assert_allclose(w.grad.data, wt.grad.numpy())


def test_embedding_refusals():
    with pytest.raises(NotImplementedError, match="sparse=True"):
        nn.Embedding(3, 2, sparse=True)
    with pytest.raises(ValueError, match="padding_idx 5 is out of range"):
        F.embedding(ac.tensor([0]), ac.zeros(3, 2), padding_idx=5)
