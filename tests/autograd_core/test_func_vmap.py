"""ac.vmap against torch.vmap: in_dims/out_dims (ints, None, nested), nesting, gradients
through it, its errors, and the three randomness modes."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.func import grad, vmap


def dot_plus(a, b):
    return (a * b).sum() + a[0]


@pytest.mark.parametrize(
    ("in_dims", "shapes"),
    [
        (0, [(4, 3), (4, 3)]),
        ((1, None), [(3, 4), (3,)]),
        ((None, -1), [(3,), (3, 4)]),
        ((0, 1), [(4, 3), (3, 4)]),
    ],
)
def test_in_dims_match_torch(torch, rng, in_dims, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    got = vmap(dot_plus, in_dims=in_dims)(*map(ac.tensor, arrays))
    want = torch.vmap(dot_plus, in_dims=in_dims)(*map(torch.tensor, arrays))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


def test_nested_vmap_with_none_0_1_and_out_dims_1_matches_torch(torch, rng):
    x0, y0, z0 = rng.standard_normal((3, 5)), rng.standard_normal((5, 4)), rng.standard_normal(5)

    def outer(f_vmap):
        # inner maps over y's columns; outer over x's rows; z is shared
        inner = f_vmap(lambda x, y, z: (x * y + z, (x * y).sum()), in_dims=(None, 1, None))
        return f_vmap(inner, in_dims=(0, None, None), out_dims=1)

    got = outer(vmap)(ac.tensor(x0), ac.tensor(y0), ac.tensor(z0))
    want = outer(torch.vmap)(torch.tensor(x0), torch.tensor(y0), torch.tensor(z0))
    for a, b in zip(got, want):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_nested_in_dims_pytrees_kwargs_and_out_dims_trees(torch, rng):
    a0, b0 = rng.standard_normal((2, 3)), rng.standard_normal(3)

    def f(p, scale=1.0):
        return {"u": p["a"] * p["b"] * scale, "v": [p["a"].sum(), p["b"]]}

    in_dims = ({"a": 0, "b": None}, None)
    out_dims = {"u": 1, "v": [0, None]}
    got = vmap(f, in_dims=in_dims, out_dims=out_dims)({"a": ac.tensor(a0), "b": ac.tensor(b0)}, 2.0)
    want = torch.vmap(f, in_dims=in_dims, out_dims=out_dims)(
        {"a": torch.tensor(a0), "b": torch.tensor(b0)}, 2.0
    )
    np.testing.assert_allclose(got["u"].numpy(), want["u"].numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["v"][0].numpy(), want["v"][0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(got["v"][1].numpy(), b0)
    # keyword arguments are passed whole to every sample
    kw = vmap(lambda a, scale: a * scale)(ac.ones(3, 2), scale=ac.tensor([1.0, 2.0]))
    assert kw.tolist() == [[1.0, 2.0]] * 3


def test_unbatched_outputs(torch):
    w = ac.tensor([3.0, 4.0])
    assert vmap(lambda a: w, out_dims=None)(ac.zeros(3, 2)) is w
    assert vmap(lambda a: 3.0, out_dims=None)(ac.zeros(3, 2)) == 3.0
    # with an int out_dim an unbatched output is repeated, as torch does
    expanded = vmap(lambda a: w)(ac.zeros(3, 2))
    assert (
        expanded.tolist()
        == torch.vmap(lambda a: torch.tensor([3.0, 4.0]))(torch.zeros(3, 2)).tolist()
    )
    assert vmap(lambda a: a.sum(), out_dims=-1)(ac.ones(3, 2)).tolist() == [2.0, 2.0, 2.0]


def test_batch_of_size_zero(torch):
    got = vmap(lambda a, b: (a * b).sum(-1), in_dims=(1, None))(ac.ones(4, 0, 3), ac.ones(3))
    want = torch.vmap(lambda a, b: (a * b).sum(-1), in_dims=(1, None))(
        torch.ones(4, 0, 3), torch.ones(3)
    )
    assert got.shape == tuple(want.shape) == (0, 4)


def test_gradients_flow_through_vmap(torch, rng):
    x0, w0 = rng.standard_normal((4, 3)), rng.standard_normal(3)
    x = ac.tensor(x0, requires_grad=True)
    w = ac.tensor(w0, requires_grad=True)
    y = vmap(lambda r, v: (r * v).tanh().sum() * r, in_dims=(0, None), out_dims=1)(x, w)
    gx, gw = ac.grad((y**2).sum(), (x, w))
    tx = torch.tensor(x0, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    ty = torch.vmap(lambda r, v: (r * v).tanh().sum() * r, in_dims=(0, None), out_dims=1)(tx, tw)
    tgx, tgw = torch.autograd.grad((ty**2).sum(), (tx, tw))
    np.testing.assert_allclose(gx.numpy(), tgx.numpy(), rtol=1e-10)
    np.testing.assert_allclose(gw.numpy(), tgw.numpy(), rtol=1e-10)


def test_vmap_composites_pass_gradcheck(rng):
    x = ac.tensor(rng.standard_normal((3, 2)), requires_grad=True)
    w = ac.tensor(rng.standard_normal(2), requires_grad=True)

    def rowwise(a, b):
        return vmap(lambda r, v: (r * v).sin() * r.sum(), in_dims=(0, None), out_dims=1)(a, b)

    assert ac.gradcheck(rowwise, (x, w))
    assert ac.gradgradcheck(rowwise, (x, w))
    per_row = vmap(grad(lambda r, v: ((r * v).exp()).sum()), in_dims=(0, None))
    assert ac.gradcheck(per_row, (x, w))


def test_vmap_of_grad_matches_torch(torch, rng):
    x0, w0 = rng.standard_normal((5, 3)), rng.standard_normal(3)

    def loss(v, r):
        return ((r * v).sin() ** 2).sum()

    got = vmap(grad(loss), in_dims=(None, 0))(ac.tensor(w0), ac.tensor(x0))
    want = torch.vmap(torch.func.grad(loss), in_dims=(None, 0))(torch.tensor(w0), torch.tensor(x0))
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
    assert not got.requires_grad


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: vmap(lambda a: a, in_dims=[0])(ac.ones(2)),
            ValueError,
            "must be an int or a tuple",
        ),
        (lambda: vmap(lambda a: a, in_dims=None)(ac.ones(2)), ValueError, "got NoneType"),
        (
            lambda: vmap(lambda a: a, in_dims=(0, 0))(ac.ones(2)),
            ValueError,
            "does not fit the inputs",
        ),
        (
            lambda: vmap(lambda d: d["a"], in_dims=({"a": 0, "c": None},))(
                {"a": ac.ones(2), "b": 1}
            ),
            ValueError,
            "does not fit the inputs",
        ),
        (lambda: vmap(lambda a: a, in_dims=(1,))(ac.ones(2)), ValueError, "-1 <= in_dim < 1"),
        (lambda: vmap(lambda a: a)(ac.tensor(1.0)), ValueError, "-0 <= in_dim < 0"),
        (lambda: vmap(lambda a: a, in_dims=(0.5,))(ac.ones(2)), ValueError, "in_dim=0.5"),
        (lambda: vmap(lambda a, b: a, in_dims=(0, 0))(ac.ones(2), 2), ValueError, "of type int"),
        (
            lambda: vmap(lambda a, b: a + b)(ac.ones(2), ac.ones(3)),
            ac.ShapeError,
            r"same size in their mapped dimension, got sizes \[2, 3\]",
        ),
        (lambda: vmap(lambda a: a, in_dims=(None,))(ac.ones(2)), ValueError, "no input is mapped"),
        (lambda: vmap(lambda: 1)(), ValueError, "got no inputs"),
        (lambda: vmap(lambda a: a, randomness="foo"), ValueError, "randomness must be"),
        (lambda: vmap(lambda a: a, chunk_size=0), ValueError, "chunk_size must be None"),
        (
            lambda: vmap(lambda a: (a, a), out_dims=(0, 0, 0))(ac.ones(2)),
            ValueError,
            "does not fit the outputs",
        ),
        (
            lambda: vmap(lambda a: a, out_dims=(0, 0))(ac.ones(2)),
            ValueError,
            "does not fit the outputs",
        ),
        (
            lambda: vmap(lambda a: a, out_dims="a")(ac.ones(2)),
            ValueError,
            "out_dims must be an int",
        ),
        (lambda: vmap(lambda a: 3.0)(ac.ones(2)), ValueError, "output 0 is a float"),
        (
            lambda: vmap(lambda a: a, out_dims=None)(ac.tensor([1.0, 2.0])),
            ValueError,
            "out_dim is None",
        ),
        (lambda: vmap(lambda a: a.sum(), out_dims=1)(ac.ones(3, 2)), IndexError, r"\[-1, 0\]"),
        (
            lambda: vmap(lambda a: a[: int(a.sum().item())])(ac.tensor([[1.0, 0.0], [1.0, 1.0]])),
            ac.ShapeError,
            "each output must have one shape",
        ),
        (
            lambda: vmap(lambda a: (a,) if a.item() > 0 else [a])(ac.tensor([1.0, -1.0])),
            ValueError,
            r"returned \[\*\] for sample 1 but \(\*,\) for sample 0",
        ),
    ],
)
def test_vmap_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_randomness_error_refuses_every_kind_of_draw():
    x = ac.ones(3, 4)
    for draw in (
        lambda a: a + ac.rand(4),
        lambda a: a + ac.randn_like(a),
        lambda a: F.dropout(a, 0.5),
        lambda a: ac.bernoulli(a * 0.5),
    ):
        with pytest.raises(RuntimeError, match="drew random numbers while randomness='error'"):
            vmap(draw)(x)
    # the refusal ends with the call
    assert ac.rand(2).shape == (2,)
    # nested: an outer 'error' level refuses what an inner 'different' one allows
    with pytest.raises(RuntimeError, match="randomness='error'"):
        vmap(vmap(lambda a: a + ac.rand(()), randomness="different"))(ac.ones(2, 2))


def test_randomness_different_and_same(device):
    x = ac.zeros(4, 3, device=device)
    ac.manual_seed(0)
    different = vmap(lambda a: a + ac.rand(3, device=device), randomness="different")(x).numpy()
    assert len({tuple(r) for r in different}) == 4
    ac.manual_seed(0)
    same = vmap(lambda a: a + ac.rand(3, device=device), randomness="same")(x)
    after_same = ac.rand(3, device=device).numpy()
    rows = same.numpy()
    assert (rows == rows[0]).all()
    # 'same' consumes the stream as one draw would: the next numbers are the same either way
    ac.manual_seed(0)
    once = ac.rand(3, device=device).numpy()
    after_once = ac.rand(3, device=device).numpy()
    if device == "cpu":  # on a GPU the stream restarts from a seed it draws (random.py)
        np.testing.assert_array_equal(rows[0], once)
        np.testing.assert_array_equal(after_same, after_once)


def test_randomness_same_with_a_generator_dropout_and_nesting():
    g = ac.Generator(3)
    x = ac.ones(5, 8, dtype=ac.float64)
    masks = vmap(lambda a: F.dropout(a, 0.5, generator=g), randomness="same")(x).numpy()
    assert (masks == masks[0]).all() and 0 < (masks[0] == 0).sum() < 8
    # outer 'same', inner 'different': rows differ inside, repeat across the outer batch
    nested = vmap(vmap(lambda a: a + ac.rand(()), randomness="different"), randomness="same")(
        ac.zeros(3, 4)
    ).numpy()
    assert (nested == nested[0]).all() and len(set(nested[0])) == 4
    # outer 'different', inner 'same': each outer sample has one value, the samples differ
    nested = vmap(vmap(lambda a: a + ac.rand(()), randomness="same"), randomness="different")(
        ac.zeros(3, 4)
    ).numpy()
    assert (nested == nested[:, :1]).all() and len(set(nested[:, 0])) == 3
