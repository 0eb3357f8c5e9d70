"""torch's ``*_copy`` view functions and split spellings against torch: values, that the result
owns its memory, and float64 gradients."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import ShapeError

X = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7.0
W = np.cos(np.arange(200, dtype=np.float64))  # fixed upstream weights, enough for any output

CASES = [
    ("view_copy", ((4, 6),)),
    ("transpose_copy", (0, 2)),
    ("permute_copy", ((2, 0, 1),)),
    ("expand_copy", ((5, 2, 3, 4),)),
    ("squeeze_copy", ()),
    ("unsqueeze_copy", (1,)),
    ("diagonal_copy", (1, 1, 2)),
    ("select_copy", (1, -1)),
    ("slice_copy", (2, 1, None, 2)),
    ("slice_copy", (1, -5, 10, 2)),
    ("slice_copy", ()),
    ("narrow_copy", (2, 1, 2)),
    ("alias_copy", ()),
    ("as_strided_copy", ((3, 3), (2, 1), 1)),
]


def _weighted(out, lib):
    w = W[: int(np.prod(out.shape))].reshape(tuple(out.shape))
    return (out * (lib.tensor(w) if lib is not np else w)).sum()


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_copy_functions_match_torch_values_and_gradients(torch, name, args):
    x = ac.tensor(X, requires_grad=True)
    tx = torch.tensor(X, requires_grad=True)
    ours = getattr(ac, name)(x, *args)
    theirs = getattr(torch, name)(tx, *args)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    assert not np.shares_memory(ours.data, x.data)
    _weighted(ours, ac).backward()
    _weighted(theirs, torch).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=0)


def test_t_copy_and_squeeze_copy_dims_match_torch(torch):
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(ac.t_copy(ac.tensor(m)).numpy(), torch.t_copy(torch.tensor(m)))
    s = np.ones((1, 2, 1))
    for dim in [0, [0, 2], None]:
        ours = ac.squeeze_copy(ac.tensor(s), dim)
        theirs = (
            torch.squeeze_copy(torch.tensor(s), dim)
            if dim is not None
            else torch.squeeze_copy(torch.tensor(s))
        )
        assert ours.shape == tuple(theirs.shape)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("split_copy", (2, 2)),
        ("split_with_sizes_copy", ([1, 3], 2)),
        ("unbind_copy", (1,)),
        ("split_with_sizes", ([1, 1], 0)),
        ("unsafe_split", (2, 1)),
        ("unsafe_split_with_sizes", ([3, 1], 2)),
        ("unsafe_chunk", (3, 2)),
    ],
)
def test_multi_output_copies_match_torch(torch, name, args):
    x = ac.tensor(X, requires_grad=True)
    tx = torch.tensor(X, requires_grad=True)
    ours = getattr(ac, name)(x, *args)
    theirs = getattr(torch, name)(tx, *args)
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for o, t in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(o.detach().numpy(), t.detach().numpy())
    sum(_weighted(o, ac) * (i + 1) for i, o in enumerate(ours)).backward()
    sum(_weighted(t, torch) * (i + 1) for i, t in enumerate(theirs)).backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=0)


def test_detach_copy_is_a_copy_outside_the_graph(torch):
    x = ac.tensor(X, requires_grad=True)
    d = ac.detach_copy(x)
    assert not d.requires_grad and not np.shares_memory(d.data, x.data)
    # torch 2.13's detach_copy keeps requires_grad with a NotImplemented grad_fn (no formula),
    # so backward through it raises; ours is detached, as its name says
    theirs = torch.detach_copy(torch.tensor(X, requires_grad=True))
    with pytest.raises(RuntimeError):
        theirs.sum().backward()


def test_slice_copy_refuses_a_non_positive_step(torch):
    with pytest.raises(RuntimeError, match="step must be positive"):
        torch.slice_copy(torch.ones(3), 0, 0, 3, 0)
    with pytest.raises(ShapeError, match="slice_copy: slice step must be positive"):
        ac.slice_copy(ac.ones(3), 0, 0, 3, 0)
    with pytest.raises(ShapeError, match="0-d"):
        ac.slice_copy(ac.tensor(1.0))


def test_split_with_sizes_needs_a_list(torch):
    with pytest.raises(TypeError):
        torch.split_with_sizes(torch.ones(4), 2)
    with pytest.raises(TypeError, match="split_sizes must be a list"):
        ac.split_with_sizes(ac.ones(4), 2)
    with pytest.raises(ShapeError):
        ac.split_with_sizes(ac.ones(4), [1, 2])


def test_unfold_copy_is_torchs_and_owns_its_memory(torch):
    values = np.arange(24.0).reshape(2, 12)
    x = ac.tensor(values, requires_grad=True)
    t = torch.tensor(values, requires_grad=True)
    got, want = ac.unfold_copy(x, 1, 4, 3), torch.unfold_copy(t, 1, 4, 3)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    assert got.data.base is None or not np.shares_memory(got.data, x.data)
    w = np.random.default_rng(0).standard_normal(tuple(want.shape))
    (got * ac.tensor(w)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
