"""The padding layers against torch's: values and gradients (float64, 1e-10), int and tuple
padding, batched and unbatched inputs, non-contiguous inputs, float32, reprs and attributes,
gradcheck and gradgradcheck on both devices, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
from autograd_core.errors import ShapeError

KINDS = ["Zero", "Constant", "Reflection", "Replication", "Circular"]
TUPLES = {1: (2, 1), 2: (1, 2, 0, 1), 3: (1, 0, 2, 1, 1, 1)}


def _make(module, kind, n, padding):
    args = (padding, 2.5) if kind == "Constant" else (padding,)
    return getattr(module, f"{kind}Pad{n}d")(*args)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("padding", ["int", "tuple"])
def test_matches_torch(kind, n, batched, padding, torch, rng):
    pad = 1 if padding == "int" else TUPLES[n]
    shape = (2,) * batched + (3,) + (4,) * n
    a = rng.standard_normal(shape)
    ours, theirs = _make(nn, kind, n, pad), _make(torch.nn, kind, n, pad)
    assert repr(ours) == repr(theirs) and ours.padding == theirs.padding
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    assert y.shape == tuple(ty.shape)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = rng.standard_normal(y.shape)
    (y * ac.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_noncontiguous_and_float32(kind, torch, rng):
    a = rng.standard_normal((5, 4, 3)).astype(np.float32)
    ours, theirs = _make(nn, kind, 2, (1, 2, 2, 1)), _make(torch.nn, kind, 2, (1, 2, 2, 1))
    y = ours(ac.tensor(a).transpose(0, 2))
    ty = theirs(torch.tensor(a).transpose(0, 2))
    assert y.dtype == ac.float32
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_constant_pad_negative_amounts_crop_as_torch(torch, rng):
    a = rng.standard_normal((2, 5))
    y = nn.ConstantPad1d((-1, 2), 0.5)(ac.tensor(a))
    np.testing.assert_array_equal(y.numpy(), torch.nn.ConstantPad1d((-1, 2), 0.5)(torch.tensor(a)))


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_twice(kind, rng, device):
    x = ac.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True, device=device)
    layer = _make(nn, kind, 2, (1, 2, 2, 0))
    assert ac.gradcheck(layer, (x,)) and ac.gradgradcheck(layer, (x,))


def test_errors_name_the_layer_what_was_seen_and_a_fix():
    with pytest.raises(ShapeError, match=r"ZeroPad2d: padding must be an int or 4 ints.*\(1, 2\)"):
        nn.ZeroPad2d((1, 2))
    with pytest.raises(ShapeError, match=r"ReflectionPad1d: padding must be an int or 2 ints"):
        nn.ReflectionPad1d(1.5)
    with pytest.raises(ShapeError, match=r"ConstantPad3d: padding must be"):
        nn.ConstantPad3d((1, 1, 1, 1, 1, True), 0.0)
    with pytest.raises(
        ShapeError, match=r"ReplicationPad2d: expected a 3-d or 4-d input.*\(4, 4\)"
    ):
        nn.ReplicationPad2d(1)(ac.ones((4, 4)))
    with pytest.raises(ShapeError, match=r"CircularPad1d: expected a 2-d or 3-d input"):
        nn.CircularPad1d(1)(ac.ones((1, 1, 2, 4)))
    with pytest.raises(ShapeError, match=r"pad: "):  # F.pad's own check: reflect amount too big
        nn.ReflectionPad1d(3)(ac.ones((1, 3)))
