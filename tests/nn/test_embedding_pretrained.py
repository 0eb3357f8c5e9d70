"""nn.Embedding's ``_weight=`` / ``_freeze=`` constructor arguments and ``from_pretrained``
against torch: values, shared memory, requires_grad, the padding row (kept as given, no
gradient), max_norm's in-place renormalisation, the parameter order, and the shape errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import ShapeError


def test_constructor_parameters_in_torchs_order(torch):
    ours = list(inspect.signature(nn.Embedding.__init__).parameters)
    theirs = list(inspect.signature(torch.nn.Embedding.__init__).parameters)
    assert ours[: ours.index("dtype") + 1] == theirs
    ours = list(inspect.signature(nn.Embedding.from_pretrained).parameters)
    theirs = list(inspect.signature(torch.nn.Embedding.from_pretrained).parameters)
    assert ours == theirs


@pytest.mark.parametrize("freeze", [False, True])
def test_weight_and_freeze_as_torch(freeze, torch, rng):
    table = rng.standard_normal((5, 3))
    w, tw = ac.tensor(table.copy()), torch.tensor(table.copy())
    ours = nn.Embedding(5, 3, padding_idx=1, _weight=w, _freeze=freeze)
    theirs = torch.nn.Embedding(5, 3, padding_idx=1, _weight=tw, _freeze=freeze)
    assert ours.weight.requires_grad == theirs.weight.requires_grad == (not freeze)
    np.testing.assert_array_equal(ours.weight.numpy(), theirs.weight.detach().numpy())
    assert ours.weight.numpy()[1].any()  # the padding row is kept as given, as torch does
    w.data[0, 0] = tw.data[0, 0] = 7.0  # the parameter shares the table's memory
    assert ours.weight.numpy()[0, 0] == theirs.weight.detach().numpy()[0, 0] == 7.0


def test_freeze_without_weight(torch):
    ours, theirs = nn.Embedding(4, 2, _freeze=True), torch.nn.Embedding(4, 2, _freeze=True)
    assert ours.weight.requires_grad is theirs.weight.requires_grad is False
    assert tuple(ours.weight.shape) == tuple(theirs.weight.shape) == (4, 2)
    assert nn.Embedding(4, 2).weight.requires_grad


def test_from_pretrained_forward_and_gradient_as_torch(torch, rng):
    table = rng.standard_normal((6, 4)) * 2
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    ours = nn.Embedding.from_pretrained(ac.tensor(table.copy()), freeze=False, padding_idx=2)
    theirs = torch.nn.Embedding.from_pretrained(
        torch.tensor(table.copy()), freeze=False, padding_idx=2
    )
    g = rng.standard_normal((2, 3, 4))
    got, want = ours(ac.tensor(idx)), theirs(torch.tensor(idx))
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-15)
    (got * ac.tensor(g)).sum().backward()
    (want * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-14)
    assert not ours.weight.grad.numpy()[2].any()
    frozen = nn.Embedding.from_pretrained(ac.tensor(table))
    assert frozen.weight.requires_grad is False
    their_frozen = torch.nn.Embedding.from_pretrained(torch.tensor(table), padding_idx=1)
    assert nn.Embedding.from_pretrained(ac.tensor(table), padding_idx=1).extra_repr() == (
        their_frozen.extra_repr()
    )


def test_from_pretrained_max_norm_renormalises_in_place_as_torch(torch, rng):
    table = rng.standard_normal((4, 3)) * 3
    ours = nn.Embedding.from_pretrained(ac.tensor(table.copy()), max_norm=1.0)
    theirs = torch.nn.Embedding.from_pretrained(torch.tensor(table.copy()), max_norm=1.0)
    idx = np.array([0, 3])
    np.testing.assert_allclose(
        ours(ac.tensor(idx)).numpy(), theirs(torch.tensor(idx)).numpy(), rtol=1e-12
    )
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.numpy(), rtol=1e-12)


def test_shape_errors_name_the_fix(torch):
    with pytest.raises(AssertionError, match="Shape of weight does not match"):
        torch.nn.Embedding(3, 2, _weight=torch.zeros(2, 3))
    with pytest.raises(ShapeError, match=r"_weight of shape \(2, 3\).*num_embeddings=3"):
        nn.Embedding(3, 2, _weight=ac.zeros(2, 3))
    with pytest.raises(ShapeError, match=r"from_pretrained: embeddings must be 2-D.*\(4,\)"):
        nn.Embedding.from_pretrained(ac.zeros(4))
