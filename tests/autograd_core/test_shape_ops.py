"""Shape, join and indexing ops beyond the op database: aliases (which have no registry entry and
no OpSpec) against NumPy and PyTorch, and repeated-index accumulation. Their error messages are
tested in test_shape_ops_errors.py, views and the view-like functions in test_shape_views.py."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

torch = pytest.importorskip("torch")


def _leaf(a: np.ndarray) -> ac.Tensor:
    return ac.tensor(np.asarray(a, np.float64), requires_grad=True)


def _outputs(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _check(fn, tfn, arrays, npfn=None):
    """Forward vs NumPy and torch, gradient vs torch, then first and second order gradcheck."""
    xs = [_leaf(a) for a in arrays]
    txs = [torch.tensor(np.asarray(a, np.float64), requires_grad=True) for a in arrays]
    outs, touts = _outputs(fn(*xs)), _outputs(tfn(*txs))
    assert len(outs) == len(touts)
    if npfn is not None:
        for o, e in zip(outs, _outputs(npfn(*arrays)), strict=True):
            assert o.shape == np.shape(e)
            np.testing.assert_allclose(o.data, e, rtol=1e-12)
    for o, t in zip(outs, touts, strict=True):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-12)
    gys = [np.random.default_rng(3).standard_normal(o.shape) for o in outs]
    ours = ac.grad(outs, xs, [ac.tensor(g) for g in gys], allow_unused=True)
    theirs = torch.autograd.grad(touts, txs, [torch.tensor(g) for g in gys], allow_unused=True)
    for x, g, tg in zip(xs, ours, theirs, strict=True):
        g = np.zeros(x.shape) if g is None else g.data
        tg = np.zeros(x.shape) if tg is None else tg.numpy()
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)
    assert ac.gradcheck(fn, xs)
    assert ac.gradgradcheck(fn, xs)


# -- aliases: no registry entry, checked here ----------------------------------------------

ALIASES = [
    ("flatten", lambda x: ac.flatten(x), lambda x: torch.flatten(x), (2, 3, 4), np.ravel),
    ("flatten 1..2", lambda x: x.flatten(1, -1), lambda x: x.flatten(1, -1), (2, 3, 4), None),
    ("flatten 0-d", lambda x: x.flatten(), lambda x: x.flatten(), (), None),
    ("flatten 0..1", lambda x: x.flatten(-3, 1), lambda x: x.flatten(-3, 1), (2, 0, 4), None),
    ("squeeze all", lambda x: x.squeeze(), lambda x: x.squeeze(), (1, 3, 1), np.squeeze),
    ("squeeze -1", lambda x: x.squeeze(-1), lambda x: x.squeeze(-1), (1, 3, 1), None),
    ("squeeze non-1", lambda x: x.squeeze(1), lambda x: x.squeeze(1), (1, 3, 1), None),
    ("squeeze tuple", lambda x: x.squeeze((0, 1)), lambda x: x.squeeze((0, 1)), (1, 3, 1), None),
    ("squeeze 0-d", lambda x: x.squeeze(0), lambda x: x.squeeze(0), (), None),
    ("unsqueeze 0", lambda x: x.unsqueeze(0), lambda x: x.unsqueeze(0), (2, 3), None),
    ("unsqueeze -1", lambda x: x.unsqueeze(-1), lambda x: x.unsqueeze(-1), (2, 3), None),
    ("unsqueeze 0-d", lambda x: x.unsqueeze(-1), lambda x: x.unsqueeze(-1), (), None),
    ("transpose", lambda x: x.transpose(0, -1), lambda x: x.transpose(0, -1), (2, 3, 4), None),
    (
        "swapaxes",
        lambda x: ac.swapaxes(x, 1, 2),
        lambda x: x.swapaxes(1, 2),
        (2, 3, 4),
        lambda x: np.swapaxes(x, 1, 2),
    ),
    ("view", lambda x: x.view(4, -1), lambda x: x.view(4, -1), (2, 3, 4), None),
    ("expand", lambda x: x.expand(2, -1, 4), lambda x: x.expand(2, -1, 4), (3, 1), None),
    ("tile", lambda x: x.tile(2), lambda x: x.tile((2,)), (2, 3), lambda x: np.tile(x, 2)),
    (
        "tile longer reps",
        lambda x: ac.tile(x, (2, 1, 3)),
        lambda x: x.tile((2, 1, 3)),
        (2, 3),
        lambda x: np.tile(x, (2, 1, 3)),
    ),
    (
        "split int",
        lambda x: ac.split(x, 2, dim=1),
        lambda x: torch.split(x, 2, dim=1),
        (3, 5),
        None,
    ),
    (
        "split sections",
        lambda x: x.split([1, 0, 3], -1),
        lambda x: x.split([1, 0, 3], -1),
        (2, 4),
        None,
    ),
    ("split empty axis", lambda x: x.split(2), lambda x: x.split(2), (0, 3), None),
    ("chunk", lambda x: x.chunk(3, 1), lambda x: x.chunk(3, 1), (2, 7), None),
    ("chunk fewer pieces", lambda x: x.chunk(4), lambda x: x.chunk(4), (5,), None),
    ("chunk empty axis", lambda x: x.chunk(3), lambda x: x.chunk(3), (0,), None),
]


@pytest.mark.parametrize(
    ("name", "fn", "tfn", "shape", "npfn"), ALIASES, ids=[a[0] for a in ALIASES]
)
def test_alias_matches_torch_and_numpy(name, fn, tfn, shape, npfn, rng):
    _check(fn, tfn, [rng.standard_normal(shape)], npfn)


def test_concatenate_is_cat(rng):
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal((2, 1)), rng.standard_normal((2, 0))]
    _check(
        lambda *xs: ac.concatenate(xs, axis=-1),
        lambda *xs: torch.cat(xs, -1),
        arrays,
        lambda *xs: np.concatenate(xs, axis=-1),
    )
    _check(
        lambda *xs: ac.concatenate(xs, axis=None),
        lambda *xs: torch.cat([x.ravel() for x in xs]),
        arrays,
        lambda *xs: np.concatenate(xs, axis=None),
    )


def test_take_along_axis_matches_numpy(rng):
    x = rng.standard_normal((3, 4))
    idx = np.array([[0, 3, 3], [1, 1, 1], [2, 0, 2]])
    _check(
        lambda t: ac.take_along_axis(t, idx, axis=1),
        lambda t: torch.gather(t, 1, torch.tensor(idx)),
        [x],
        lambda a: np.take_along_axis(a, idx, axis=1),
    )
    # broadcasting: x (1, 4) against indices (3, 2), and axis=None on the flattened x
    row = rng.standard_normal((1, 4))
    bidx = np.array([[0, 3], [3, 3], [1, 2]])
    out = ac.take_along_axis(ac.tensor(row), bidx, axis=1)
    np.testing.assert_array_equal(out.data, np.take_along_axis(row, bidx, axis=1))
    assert ac.gradcheck(lambda t: ac.take_along_axis(t, bidx, axis=1), [_leaf(row)])
    flat = np.array([0, 11, 11, 5])
    np.testing.assert_array_equal(
        ac.take_along_axis(ac.tensor(x), flat, axis=None).data,
        np.take_along_axis(x, flat, axis=None),
    )


def test_cat_and_stack_accept_arrays_and_lists():
    out = ac.stack([[1.0, 2.0], np.array([3.0, 4.0])], dim=1)
    np.testing.assert_array_equal(out.data, [[1.0, 3.0], [2.0, 4.0]])
    np.testing.assert_array_equal(ac.cat([[1.0], [2.0, 3.0]]).data, [1.0, 2.0, 3.0])


# -- repeated indices accumulate in the gradient --------------------------------------------

IDX = np.array([2, 0, 2, 2, 1])


def test_getitem_int_array_accumulates(rng):
    x = rng.standard_normal((3, 2))
    _check(lambda t: t[IDX], lambda t: t[torch.tensor(IDX)], [x], lambda a: a[IDX])
    xl = _leaf(x)
    (g,) = ac.grad(xl[IDX].sum(), [xl])
    np.testing.assert_array_equal(g.data, [[1, 1], [1, 1], [3, 3]])


def test_gather_accumulates(rng):
    x = rng.standard_normal((3, 4))
    idx = np.array([[1, 1, 1, 1, 0], [2, 2, 3, 3, 3], [0, 0, 0, 0, 0]])
    _check(lambda t: ac.gather(t, 1, idx), lambda t: torch.gather(t, 1, torch.tensor(idx)), [x])
    xl = _leaf(x)
    (g,) = ac.grad(ac.gather(xl, 1, idx).sum(), [xl])
    np.testing.assert_array_equal(g.data, [[1, 4, 0, 0], [0, 0, 2, 3], [5, 0, 0, 0]])


def test_index_select_accumulates(rng):
    x = rng.standard_normal((3, 4))
    _check(
        lambda t: ac.index_select(t, 0, IDX),
        lambda t: t.index_select(0, torch.tensor(IDX)),
        [x],
        lambda a: np.take(a, IDX, axis=0),
    )
    xl = _leaf(x)
    (g,) = ac.grad(ac.index_select(xl, 0, IDX).sum(), [xl])
    np.testing.assert_array_equal(g.data, np.array([[1] * 4, [1] * 4, [3] * 4]))


def test_index_add_accumulates(rng):
    x, src = rng.standard_normal((3, 2)), rng.standard_normal((5, 2))
    _check(
        lambda t, s: ac.index_add(t, 0, IDX, s, alpha=-1.5),
        lambda t, s: t.index_add(0, torch.tensor(IDX), s, alpha=-1.5),
        [x, src],
    )
    out = ac.index_add(ac.tensor(x), 0, IDX, ac.tensor(src))
    np.testing.assert_allclose(out.data[2], x[2] + src[0] + src[2] + src[3])


def test_scatter_add_accumulates(rng):
    x, src = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    idx = np.array([[2, 2, 0, 2], [2, 2, 2, 1]])
    _check(
        lambda t, s: ac.scatter_add(t, 0, idx, s),
        lambda t, s: torch.scatter_add(t, 0, torch.tensor(idx), s),
        [x, src],
    )
    out = ac.scatter_add(ac.tensor(x), 0, idx, ac.tensor(src))
    np.testing.assert_allclose(out.data[2, 0], x[2, 0] + src[0, 0] + src[1, 0])


def test_index_arguments_can_be_tensors_arrays_or_lists():
    x = ac.arange(6.0).reshape(2, 3)
    for idx in ([2, 0], np.array([2, 0]), ac.tensor([2, 0])):
        np.testing.assert_array_equal(ac.index_select(x, 1, idx).data, [[2, 0], [5, 3]])
    assert ac.index_select(x, 1, []).shape == (2, 0)
