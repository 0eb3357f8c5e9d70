"""kron, diag, diag_embed, diagflat, block_diag, meshgrid, cartesian_prod, tril_indices and
triu_indices against PyTorch: values and gradients in float64, float32 values, empty and
non-contiguous inputs, gradcheck and gradgradcheck, the device stand-in, and every error."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.testing.op_db import random_operands

# name, operand shapes, keyword arguments (torch takes the same ones)
CASES = [
    ("kron", [(2, 3), (3, 2)], {}),
    ("kron", [(2,), (2, 3, 1)], {}),
    ("kron", [(), (3,)], {}),
    ("kron", [(0, 2), (2, 2)], {}),
    ("diag", [(3,)], {}),
    ("diag", [(3,)], {"diagonal": 2}),
    ("diag", [(3,)], {"diagonal": -1}),
    ("diag", [(3, 4)], {"diagonal": 1}),
    ("diag", [(3, 4)], {"diagonal": -2}),
    ("diag", [(0,)], {}),
    ("diag_embed", [(2, 3)], {}),
    ("diag_embed", [(2, 3)], {"offset": 1, "dim1": 0, "dim2": 2}),
    ("diag_embed", [(2, 3)], {"offset": -2, "dim1": -1, "dim2": 0}),
    ("diag_embed", [(4,)], {"offset": 1}),
    ("diagflat", [(2, 2)], {}),
    ("diagflat", [(3,)], {"offset": -1}),
    ("diagflat", [()], {}),
    ("block_diag", [(2, 3), (), (2,), (1, 1)], {}),
    ("block_diag", [(0, 2), (2, 0)], {}),
    ("cartesian_prod", [(2,), (3,), (2,)], {}),
    ("cartesian_prod", [(3,)], {}),
]
IDS = [f"{name}-{shapes}-{kw}" for name, shapes, kw in CASES]


@pytest.mark.parametrize("noncontig", [False, True])
@pytest.mark.parametrize(("name", "shapes", "kw"), CASES, ids=IDS)
def test_values_and_gradients_match_torch(name, shapes, kw, noncontig, torch, rng, device):
    arrays = random_operands(rng, shapes, noncontig)
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    y, ty = getattr(ac, name)(*xs, **kw), getattr(torch, name)(*ts, **kw)
    assert y.shape == tuple(ty.shape) and y.dtype == ac.float64
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = rng.standard_normal(y.shape)
    (y * ac.tensor(w, device=device)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for x, t in zip(xs, ts):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(("name", "shapes", "kw"), CASES, ids=IDS)
def test_float32_values_match_torch(name, shapes, kw, torch, rng):
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    y = getattr(ac, name)(*[ac.tensor(a) for a in arrays], **kw)
    ty = getattr(torch, name)(*[torch.tensor(a) for a in arrays], **kw)
    assert y.dtype == ac.float32
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


SMALL = [c for c in CASES if 0 not in [n for s in c[1] for n in s]]


@pytest.mark.parametrize(("name", "shapes", "kw"), SMALL)
def test_gradcheck_and_gradgradcheck(name, shapes, kw, rng):
    xs = [ac.tensor(a, requires_grad=True) for a in random_operands(rng, shapes)]

    def f(*args):
        return getattr(ac, name)(*args, **kw)

    assert ac.gradcheck(f, xs) and ac.gradgradcheck(f, xs)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
@pytest.mark.parametrize("shapes", [[(3,), (2,)], [(2,), (), (4,)], [(3,)], [(0,), (2,)]])
def test_meshgrid_matches_torch_in_values_and_gradients(indexing, shapes, torch, rng, device):
    arrays = [rng.standard_normal(s) for s in shapes]
    xs = [ac.tensor(a, requires_grad=True, device=device) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    ys, tys = ac.meshgrid(*xs, indexing=indexing), torch.meshgrid(*ts, indexing=indexing)
    assert isinstance(ys, tuple) and len(ys) == len(tys)
    total, ttotal = 0, 0
    for k, (y, ty) in enumerate(zip(ys, tys)):
        np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
        total, ttotal = total + (k + 1) * y.sum(), ttotal + (k + 1) * ty.sum()
    if ys[0].size:
        total.backward()
        ttotal.backward()
        for x, t in zip(xs, ts):
            np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_meshgrid_gradchecks_and_accepts_a_list(rng):
    a, b = (ac.tensor(rng.standard_normal(n), requires_grad=True) for n in (3, 2))

    def f(a, b):
        x, y = ac.meshgrid([a, b], indexing="xy")
        return x * y

    assert ac.gradcheck(f, (a, b)) and ac.gradgradcheck(f, (a, b))


def test_meshgrid_without_indexing_warns_like_torch_and_uses_ij(torch):
    a, b = ac.arange(3.0), ac.arange(2.0)
    with pytest.warns(UserWarning, match="meshgrid: .* required to pass the indexing"):
        x, _ = ac.meshgrid(a, b)
    assert x.shape == (3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ac.meshgrid(a, b, indexing="ij")


@pytest.mark.parametrize(
    ("row", "col", "offset"), [(3, 3, 0), (3, 4, -1), (4, 3, 2), (0, 0, 0), (2, 5, -3), (3, 3, 9)]
)
@pytest.mark.parametrize("name", ["tril_indices", "triu_indices"])
def test_triangle_indices_match_torch(name, row, col, offset, torch, device):
    y = getattr(ac, name)(row, col, offset, device=device)
    ty = getattr(torch, name)(row, col, offset)
    assert y.dtype == ac.int64 and y.shape == tuple(ty.shape)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    assert getattr(ac, name)(row, col, offset, dtype=ac.int32).dtype == ac.int32


def test_integer_inputs_keep_their_dtype(torch):
    a, b = np.array([1, 2]), np.array([3, 4, 5])
    y = ac.cartesian_prod(ac.tensor(a), ac.tensor(b))
    np.testing.assert_array_equal(y.numpy(), torch.cartesian_prod(torch.tensor(a), torch.tensor(b)))
    assert y.dtype == ac.int64
    assert ac.kron(ac.tensor(a), ac.tensor(b)).dtype == ac.int64
    assert ac.block_diag(ac.tensor(a), ac.tensor(2.5)).dtype == ac.float32


def test_methods_exist_only_where_torch_has_them():
    for name in ["kron", "diag", "diag_embed", "diagflat"]:
        assert getattr(ac.Tensor, name) is getattr(ac, name)
    for name in ["block_diag", "cartesian_prod", "meshgrid", "tril_indices", "triu_indices"]:
        assert not hasattr(ac.Tensor, name)


def test_block_diag_of_nothing_is_an_empty_row_as_torch(torch):
    assert ac.block_diag().shape == tuple(torch.block_diag().shape) == (1, 0)


ERRORS = [
    (lambda: ac.diag(ac.ones(2, 2, 2)), ac.ShapeError, r"diag: needs a vector or a matrix"),
    (lambda: ac.diag_embed(ac.tensor(1.0)), ac.ShapeError, r"diag_embed: needs at least 1"),
    (lambda: ac.diag_embed(ac.ones(2), dim1=0, dim2=-2), ac.ShapeError, "the same output axis"),
    (lambda: ac.diag_embed(ac.ones(2), dim1=2), ac.ShapeError, r"dim 2 is out of range"),
    (lambda: ac.block_diag(ac.ones(1, 1, 1)), ac.ShapeError, r"block 0 has shape \(1, 1, 1\)"),
    (lambda: ac.meshgrid(ac.ones(2, 2), indexing="ij"), ac.ShapeError, r"tensor 0 has shape"),
    (lambda: ac.meshgrid(ac.ones(2), indexing="yx"), ValueError, r"indexing must be 'ij' or"),
    (lambda: ac.meshgrid(indexing="ij"), ac.ShapeError, r"meshgrid: needs at least one"),
    (
        lambda: ac.meshgrid(ac.ones(2), ac.ones(2, dtype=ac.float64), indexing="ij"),
        ac.DTypeError,
        r"meshgrid: all tensors need one dtype; got float32, float64",
    ),
    (lambda: ac.cartesian_prod(ac.tensor(1.0)), ac.ShapeError, r"each must be 1-D"),
    (lambda: ac.tril_indices(-1, 2), ValueError, r"tril_indices: row and col must be non-neg"),
    (lambda: ac.triu_indices(2, 2, dtype=ac.float32), ac.DTypeError, r"must be an integer"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_bad_input_raises_typed_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
