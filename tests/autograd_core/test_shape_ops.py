"""Shape, join and indexing ops beyond the op database: aliases (which have no registry entry and
no OpSpec) against NumPy and PyTorch, repeated-index accumulation, and error messages."""

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


# -- error messages name the op, the shapes and a fix ---------------------------------------


def test_cat_shape_mismatch_message():
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: input 1 has shape \(2, 4\), which does not "
        r"match input 0's shape \(3, 3\) outside dim 0\. Shapes: \(3, 3\), "
        r"\(2, 4\)\. Make every axis",
    ):
        ac.cat([ac.ones(3, 3), ac.ones(2, 4)])
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: input 1 has shape \(3,\).*Shapes: \(3, 3\), "
        r"\(3,\)",
    ):
        ac.cat([ac.ones(3, 3), ac.ones(3)], dim=1)
    with pytest.raises(ac.ShapeError, match=r"cat: input 0 is 0-d.*Use stack"):
        ac.cat([ac.tensor(1.0), ac.tensor(2.0)])
    with pytest.raises(ac.ShapeError, match=r"cat: expected a non-empty list.*length 0"):
        ac.cat([])
    with pytest.raises(
        ac.ShapeError,
        match=r"cat: dim 2 is out of range for inputs of shape "
        r"\(3, 3\); valid dims are -2 to 1",
    ):
        ac.cat([ac.ones(3, 3)], dim=2)


def test_stack_shape_mismatch_message():
    with pytest.raises(
        ac.ShapeError,
        match=r"stack: input 2 has shape \(3, 2\) but input 0 has "
        r"shape \(2, 3\); stack needs inputs of one shape\. Shapes: \(2, 3\), "
        r"\(2, 3\), \(3, 2\)\. Use cat",
    ):
        ac.stack([ac.ones(2, 3), ac.ones(2, 3), ac.ones(3, 2)])
    with pytest.raises(ac.ShapeError, match=r"stack: dim 3 is out of range .* -3 to 2"):
        ac.stack([ac.ones(2, 3)], dim=3)


def test_split_and_chunk_messages():
    x = ac.ones(2, 5)
    with pytest.raises(
        ac.ShapeError,
        match=r"split: sections \[1, 2\] sum to 3, but dim 1 of "
        r"shape \(2, 5\) has size 5",
    ):
        x.split([1, 2], dim=1)
    with pytest.raises(ac.ShapeError, match=r"split: split size 0 cannot split dim 0 of size 2"):
        x.split(0)
    with pytest.raises(ac.ShapeError, match=r"split: cannot split a 0-d tensor"):
        ac.split(ac.tensor(1.0), 1)
    with pytest.raises(ac.ShapeError, match=r"chunk: chunks must be at least 1, got 0"):
        x.chunk(0)


def test_shape_alias_messages():
    x = ac.ones(2, 3)
    with pytest.raises(
        ac.ShapeError,
        match=r"flatten: dim 2 is out of range for a tensor of "
        r"shape \(2, 3\); valid dims are -2 to 1",
    ):
        x.flatten(2)
    with pytest.raises(ac.ShapeError, match=r"flatten: start_dim 1 comes after end_dim 0"):
        x.flatten(1, 0)
    with pytest.raises(ac.ShapeError, match=r"squeeze: dim -3 is out of range .* \(2, 3\)"):
        x.squeeze(-3)
    with pytest.raises(ac.ShapeError, match=r"squeeze: dim \(0, -2\) names an axis twice"):
        x.squeeze((0, -2))
    with pytest.raises(
        ac.ShapeError,
        match=r"unsqueeze: dim 3 is out of range .* valid dims "
        r"are -3 to 2",
    ):
        x.unsqueeze(3)


def test_pad_flip_repeat_messages():
    x = ac.ones(2, 3)
    with pytest.raises(
        ac.ShapeError,
        match=r"pad: got 3 widths \(1, 1, 1\) for a tensor of "
        r"shape \(2, 3\); pass an even number",
    ):
        x.pad((1, 1, 1))
    with pytest.raises(ac.ShapeError, match=r"pad: got 6 widths .* at most 2 \* 2"):
        x.pad((1,) * 6)
    with pytest.raises(
        ac.ShapeError,
        match=r"pad: widths \(-2, -2\) on axis 1 of a tensor of "
        r"shape \(2, 3\) would give size -1",
    ):
        x.pad((-2, -2))
    with pytest.raises(ac.ShapeError, match=r"flip: axis 2 is out of range"):
        x.flip(2)
    with pytest.raises(ac.ShapeError, match=r"flip: axis \(0, -2\) repeats an axis"):
        x.flip((0, -2))
    with pytest.raises(
        ac.ShapeError,
        match=r"repeat: got 1 repetition counts \(2,\) for a "
        r"tensor of shape \(2, 3\); pass at least 2.*or use tile",
    ):
        x.repeat(2)
    with pytest.raises(ac.ShapeError, match=r"repeat: repetitions \(2, -1\) .* negative"):
        x.repeat(2, -1)


def test_indexing_messages():
    x = ac.ones(3, 4)
    with pytest.raises(
        ac.ShapeError,
        match=r"gather: index of shape \(3,\) does not fit x of "
        r"shape \(3, 4\) along dim 1",
    ):
        ac.gather(x, 1, [0, 1, 2])
    with pytest.raises(
        ac.ShapeError,
        match=r"gather: index values from 0 to 4 are out of range "
        r"for dim 1 of size 4 \(tensor of shape \(3, 4\)\)",
    ):
        ac.gather(x, 1, [[0, 4]])
    with pytest.raises(
        ac.DTypeError,
        match=r"index_select: index must hold integers, got dtype "
        r"float64.*index\.long\(\)",
    ):
        ac.index_select(x, 0, np.array([0.0, 1.0]))
    with pytest.raises(
        ac.ShapeError,
        match=r"index_select: dim 2 is out of range for a tensor "
        r"of shape \(3, 4\); valid dims are -2 to 1",
    ):
        ac.index_select(x, 2, [0])
    with pytest.raises(
        ac.ShapeError,
        match=r"index_select: index must be 0-d or 1-D, got shape "
        r"\(1, 1\)",
    ):
        ac.index_select(x, 0, [[0]])
    with pytest.raises(
        ac.ShapeError,
        match=r"index_add: source has shape \(2, 3\), but x of "
        r"shape \(3, 4\) with 2 indices along dim 0 needs \(2, 4\)",
    ):
        ac.index_add(x, 0, [0, 1], ac.ones(2, 3))
    with pytest.raises(
        ac.ShapeError,
        match=r"scatter_add: index of shape \(2, 3\) is larger "
        r"than src of shape \(2, 2\)",
    ):
        ac.scatter_add(x, 0, np.zeros((2, 3), np.int64), ac.ones(2, 2))
    with pytest.raises(
        ac.ShapeError,
        match=r"take_along_axis: indices of shape \(2,\) and x of "
        r"shape \(3, 4\) need the same number of axes",
    ):
        ac.take_along_axis(x, [0, 1], axis=0)


# -- view shares memory or raises, as PyTorch's view ------------------------------------------


def test_view_shares_memory_with_its_base():
    a = ac.arange(12.0).reshape(3, 4)
    v = a.view(2, 6)
    with ac.no_grad():
        v[0, 0] = 100.0
    assert a[0, 0].item() == 100.0
    s = a[:, :2].view(3, 2)  # a slice whose shape stays: still a view
    with ac.no_grad():
        s[2, 1] = -1.0
    assert a[2, 1].item() == -1.0


@pytest.mark.parametrize(
    "make",
    [lambda a: a.T, lambda a: a.permute(1, 0), lambda a: a[:, :2]],
    ids=["T", "permute", "slice"],
)
def test_view_of_a_non_contiguous_tensor_raises_instead_of_copying(make, torch):
    a = ac.arange(12.0).reshape(3, 4)
    x = make(a)
    with pytest.raises(ac.ShapeError, match=r"view: .* cannot be viewed as .* without copying"):
        x.view(-1)
    np.testing.assert_array_equal(x.reshape(-1).numpy(), x.numpy().reshape(-1))
    t = make(torch.arange(12.0).reshape(3, 4))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.view(-1)  # the oracle refuses the same views


def test_view_as_a_dtype_says_what_to_use():
    with pytest.raises(TypeError, match=r"view\(int32\) .* Use .to\(dtype\)"):
        ac.ones(2).view(ac.int32)


@pytest.mark.parametrize("name", ["view_as", "reshape_as", "expand_as", "type_as"])
def test_the_as_methods_match_torch(name, torch, rng):
    shapes = {
        "view_as": ((2, 6), (3, 4)),
        "reshape_as": ((2, 6), (12,)),
        "expand_as": ((3, 1), (3, 4)),
        "type_as": ((2, 3), (1,)),
    }
    src, like = shapes[name]
    a = rng.standard_normal(src)
    x = ac.tensor(a, requires_grad=True)
    other = ac.zeros(*like, dtype=ac.float32 if name == "type_as" else ac.float64)
    tx = torch.tensor(a, requires_grad=True)
    tother = torch.zeros(like, dtype=torch.float32 if name == "type_as" else torch.float64)
    y, ty = getattr(x, name)(other), getattr(tx, name)(tother)
    assert tuple(y.shape) == tuple(ty.shape) and str(y.dtype) == str(ty.dtype).split(".")[1]
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-7)
    w = rng.standard_normal(tuple(ty.shape))
    (y * ac.tensor(w, dtype=y.dtype)).sum().backward()
    (ty * torch.tensor(w, dtype=ty.dtype)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


# -- every view function aliases exactly where PyTorch's does ----------------------------------

ALIASING = {
    "view": lambda x: x.view(4, 6),
    "reshape": lambda x: x.reshape(6, 4),
    "flatten": lambda x: x.flatten(),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "transpose": lambda x: x.transpose(0, 1),
    "permute": lambda x: x.permute(1, 0),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "slice": lambda x: x[1:, ::2],
    "select": lambda x: x[1],
    "narrow": lambda x: x.narrow(1, 1, 2),
    "split": lambda x: x.split(2, dim=1)[1],
    "chunk": lambda x: x.chunk(2, dim=0)[1],
    "unbind": lambda x: x.unbind(0)[2],
    "movedim": lambda x: x.movedim(0, 1),
    "diagonal": lambda x: x.diagonal(1),
    "unflatten": lambda x: x.unflatten(1, (2, 3)),
    "view_as": lambda x: x.view_as(x.reshape(6, 4)),
    "detach": lambda x: x.detach(),
    "contiguous": lambda x: x.contiguous(),
    "fancy index (a copy)": lambda x: x[[0, 2]],
    "clone (a copy)": lambda x: x.clone(),
    "flatten of a transpose (a copy)": lambda x: x.T.flatten(),
}


def _writes_through(lib, no_grad, x, fn) -> bool:
    y = fn(x)
    before = x.numpy().copy()
    with no_grad():
        y[(0,) * y.ndim] = -1.0
    return bool((x.numpy() != before).any())


@pytest.mark.parametrize("name", list(ALIASING))
def test_a_write_into_a_view_reaches_its_base_exactly_where_torch_s_does(name, torch):
    fn = ALIASING[name]
    ours = _writes_through(ac, ac.no_grad, ac.arange(24.0).reshape(4, 6), fn)
    theirs = _writes_through(torch, torch.no_grad, torch.arange(24.0).reshape(4, 6), fn)
    assert ours == theirs


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.narrow(2, 1, 3),
        lambda x: x.narrow(0, -1, 1),
        lambda x: x.movedim(0, -1),
        lambda x: x.movedim((0, 1), (2, 0)),
        lambda x: x.unflatten(2, (2, 2)),
        lambda x: x.unflatten(1, (-1, 1)),
    ],
    ids=[
        "narrow",
        "narrow negative start",
        "movedim",
        "movedim pairs",
        "unflatten",
        "unflatten -1",
    ],
)
def test_view_functions_match_torch_in_values_and_gradients(fn, torch, rng):
    a = rng.standard_normal((2, 3, 4))
    x, tx = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = fn(x), fn(tx)
    assert tuple(y.shape) == tuple(ty.shape)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = rng.standard_normal(tuple(ty.shape))
    (y * ac.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_view_functions_name_bad_arguments():
    x = ac.zeros(2, 3)
    with pytest.raises(ac.ShapeError, match=r"narrow: start 2 and length 2 do not fit dim 1"):
        x.narrow(1, 2, 2)
    with pytest.raises(ac.ShapeError, match=r"movedim: 2 source dims"):
        x.movedim((0, 1), 0)
    with pytest.raises(ac.ShapeError, match=r"unflatten: sizes \(2, 2\) do not multiply"):
        x.unflatten(1, (2, 2))


def test_zeroing_a_diagonal_in_place_and_trace_match_torch(torch, rng):
    a = rng.standard_normal((4, 4))
    x, tx = ac.tensor(a), torch.tensor(a)
    with ac.no_grad():
        x.diagonal(-1).fill_(0.0)
    with torch.no_grad():
        tx.diagonal(-1).fill_(0.0)
    np.testing.assert_array_equal(x.numpy(), tx.numpy())
    w, tw = ac.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    (w.trace() * 3).backward()
    (tw.trace() * 3).backward()
    assert w.trace().item() == pytest.approx(tw.trace().item(), rel=1e-14)
    np.testing.assert_array_equal(w.grad.numpy(), tw.grad.numpy())
    with pytest.raises(ac.ShapeError, match="trace: needs a matrix"):
        ac.ones(2, 2, 2).trace()
    with pytest.raises(
        ac.ShapeError, match=r"diagonal: dim1 and dim2 are both 1 for a tensor of shape \(2, 2\)"
    ):
        ac.ones(2, 2).diagonal(0, 1, -1)


@pytest.mark.parametrize(
    ("name", "shape", "k"),
    [
        ("tril", (3, 4), 0),
        ("tril", (2, 4, 3), -1),
        ("triu", (3, 4), 1),
        ("triu", (2, 3, 3), -2),
        ("tril", (2, 5), 7),
    ],
)
def test_triangles_match_torch_in_values_and_gradients(name, shape, k, torch, rng, device):
    a = rng.standard_normal(shape)
    x = ac.tensor(a, requires_grad=True, device=device)
    tx = torch.tensor(a, requires_grad=True)
    y, ty = getattr(x, name)(k), getattr(tx, name)(k)
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    w = rng.standard_normal(shape)
    (y * ac.tensor(w, device=device)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_outer_matches_torch_and_gradchecks(torch, rng):
    a, b = rng.standard_normal(3), rng.standard_normal(4)
    x, y = ac.tensor(a, requires_grad=True), ac.tensor(b, requires_grad=True)
    np.testing.assert_array_equal(
        ac.outer(x, y).numpy(), torch.outer(torch.tensor(a), torch.tensor(b)).numpy()
    )
    assert ac.gradcheck(ac.outer, (x, y)) and ac.gradgradcheck(ac.outer, (x, y))
    with pytest.raises(ac.ShapeError, match="outer: needs two vectors"):
        ac.outer(ac.ones(2, 2), ac.ones(2))


def test_movedim_refuses_a_repeated_dim_naming_the_shape():
    with pytest.raises(ac.ShapeError, match=r"movedim: repeated dims .* shape \(2, 3\)"):
        ac.zeros(2, 3).movedim((0, 0), (0, 1))
