"""Views as PyTorch's: view shares memory or raises instead of copying, the *_as methods, a
write into a view reaches its base exactly where torch's does, narrow/movedim/unflatten,
diagonal and trace, tril/triu and outer against torch in values and gradients, and their error
messages. Only the tests taking the ``torch`` fixture need PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

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
