"""Pooling functions and layers against PyTorch in float64: values, indices, gradients and
second derivatives at 1e-10, over every option; the tie, NaN and -inf conventions (the errors
are in test_pooling_errors.py)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

TOL = {"rtol": 1e-10, "atol": 1e-12}


def _outputs(y):
    return list(y) if isinstance(y, (tuple, list)) else [y]


def _check(torch, ours, theirs, x, rng, second=False):
    """Forward (all outputs) and ∂/∂x of a random projection ⟨ȳ, y⟩; with ``second``, also the
    gradients of ⟨v, ∂⟨ȳ, y⟩/∂x⟩ with respect to x and ȳ (second derivatives through the
    recorded VJP, as gradgradcheck takes them)."""
    xa = ac.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ys, ts = _outputs(ours(xa)), _outputs(theirs(xt))
    assert len(ys) == len(ts)
    for y, t in zip(ys, ts, strict=True):
        assert y.shape == tuple(t.shape)
        if t.dtype == torch.int64:
            np.testing.assert_array_equal(y.numpy(), t.numpy())
        else:
            np.testing.assert_allclose(y.numpy(), t.detach().numpy(), **TOL)
    gy = rng.standard_normal(ys[0].shape)
    gya = ac.tensor(gy, requires_grad=second)
    gyt = torch.tensor(gy, requires_grad=second)
    (gx,) = ac.grad(ys[0], xa, gya, create_graph=second)
    (tg,) = torch.autograd.grad(ts[0], xt, gyt, create_graph=second)
    np.testing.assert_allclose(gx.numpy(), tg.detach().numpy(), **TOL)
    if second:
        v = rng.standard_normal(x.shape)
        ours2 = ac.grad((gx * ac.tensor(v)).sum(), [xa, gya], allow_unused=True)
        theirs2 = torch.autograd.grad((tg * torch.tensor(v)).sum(), [xt, gyt], allow_unused=True)
        for g, tg2, shape in zip(ours2, theirs2, (x.shape, gy.shape), strict=True):
            g = np.zeros(shape) if g is None else g.numpy()
            tg2 = np.zeros(shape) if tg2 is None else tg2.numpy()
            np.testing.assert_allclose(g, tg2, **TOL)


MAX_CASES = [
    (1, (2, 3, 10), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (1, (2, 3, 11), {"kernel_size": 3}),
    (1, (2, 3, 11), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (1, (3, 10), {"kernel_size": 2, "stride": 3, "dilation": 3, "padding": 1}),
    (2, (2, 3, 9, 8), {"kernel_size": 2}),
    (2, (2, 3, 9, 8), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (2, (2, 3, 9, 8), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    (
        2,
        (1, 2, 10, 9),
        {
            "kernel_size": (3, 2),
            "stride": (2, 1),
            "padding": (1, 1),
            "dilation": (2, 3),
            "ceil_mode": True,
        },
    ),
    (2, (3, 7, 7), {"kernel_size": 3, "stride": 1, "padding": 1}),
    (3, (1, 2, 5, 6, 7), {"kernel_size": 2}),
    (
        3,
        (1, 2, 5, 6, 7),
        {"kernel_size": (3, 2, 2), "stride": (2, 1, 2), "padding": (1, 0, 1), "ceil_mode": True},
    ),
]


@pytest.mark.parametrize(("dims", "shape", "kwargs"), MAX_CASES, ids=str)
def test_max_pool_matches_torch(torch, rng, dims, shape, kwargs):
    x = rng.standard_normal(shape)
    ours = getattr(F, f"max_pool{dims}d")
    theirs = getattr(torch.nn.functional, f"max_pool{dims}d")
    _check(
        torch,
        lambda t: ours(t, return_indices=True, **kwargs),
        lambda t: theirs(t, return_indices=True, **kwargs),
        x,
        rng,
        second=True,
    )


def test_max_pool_ties_send_the_gradient_to_one_element_per_window(torch, rng):
    # every window is a tie: PyTorch gives each window's gradient to its first element
    x = np.ones((1, 1, 4, 6))
    _check(
        torch,
        lambda t: F.max_pool2d(t, 2, return_indices=True),
        lambda t: torch.nn.functional.max_pool2d(t, 2, return_indices=True),
        x,
        rng,
    )
    y = F.max_pool2d(ac.tensor(x, requires_grad=True), 2)
    (gx,) = ac.grad(y.sum(), [y.node.inputs[0]])
    assert gx.numpy().sum() == 6.0 and set(np.unique(gx.numpy())) == {0.0, 1.0}
    assert gx.numpy()[0, 0, 0, ::2].tolist() == [1.0, 1.0, 1.0]


def test_overlapping_windows_accumulate_the_gradient_of_a_shared_maximum(torch, rng):
    x = np.zeros((1, 1, 1, 5))
    x[0, 0, 0, 2] = 9.0  # the maximum of all three stride-1 windows of width 3
    _check(
        torch,
        lambda t: F.max_pool2d(t, (1, 3), stride=1),
        lambda t: torch.nn.functional.max_pool2d(t, (1, 3), stride=1),
        x,
        rng,
    )


def test_max_pool_propagates_nan_and_reports_padding_like_torch(torch, rng):
    x = rng.standard_normal((2, 1, 6, 6))
    x[0, 0, 1, 1] = np.nan
    x[1, 0, 3, 2:4] = np.nan
    y, i = F.max_pool2d(ac.tensor(x), 3, 2, 1, return_indices=True)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())  # NaN where torch has NaN
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    # all -inf: every window's winner is its first real entry, never a padding position
    x = np.full((1, 1, 5, 5), -np.inf)
    y, i = F.max_pool2d(ac.tensor(x), 3, 2, 1, dilation=1, return_indices=True)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


AVG_CASES = [
    # the last (ceil-mode) window runs past the right padding: its size is clipped to L + p
    (1, (2, 3, 10), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (1, (2, 3, 11), {"kernel_size": 3}),
    (1, (2, 3, 11), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}),
    (
        1,
        (2, 3, 11),
        {
            "kernel_size": 4,
            "stride": 3,
            "padding": 2,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    (2, (2, 3, 9, 8), {"kernel_size": 2}),
    (2, (2, 3, 9, 8), {"kernel_size": 3, "stride": 2, "padding": 1}),
    (2, (2, 3, 9, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    (
        2,
        (2, 3, 9, 8),
        {
            "kernel_size": (3, 2),
            "stride": (2, 3),
            "padding": (1, 1),
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    (2, (3, 7, 7), {"kernel_size": 3, "stride": 2, "ceil_mode": True, "divisor_override": 5}),
    (3, (1, 2, 5, 6, 7), {"kernel_size": 2}),
    (
        3,
        (1, 2, 5, 6, 7),
        {
            "kernel_size": 3,
            "stride": 2,
            "padding": 1,
            "ceil_mode": True,
            "count_include_pad": False,
        },
    ),
    (3, (1, 2, 5, 6, 7), {"kernel_size": 2, "divisor_override": 3}),
]


@pytest.mark.parametrize(("dims", "shape", "kwargs"), AVG_CASES, ids=str)
def test_avg_pool_matches_torch(torch, rng, dims, shape, kwargs):
    x = rng.standard_normal(shape)
    ours = getattr(F, f"avg_pool{dims}d")
    theirs = getattr(torch.nn.functional, f"avg_pool{dims}d")
    _check(torch, lambda t: ours(t, **kwargs), lambda t: theirs(t, **kwargs), x, rng, second=True)


@pytest.mark.parametrize(
    ("dims", "p", "kwargs"),
    [
        (1, 2, {"kernel_size": 3, "stride": 2}),
        (1, 3, {"kernel_size": 2}),
        (1, 1, {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
        (2, 2, {"kernel_size": 2}),
        (2, 2.5, {"kernel_size": (3, 2), "stride": (2, 1), "ceil_mode": True}),
    ],
    ids=str,
)
def test_lp_pool_matches_torch(torch, rng, dims, p, kwargs):
    shape = (2, 3, 9) if dims == 1 else (2, 3, 7, 8)
    x = rng.uniform(0.2, 2.0, shape)  # the 1/p power is not differentiable at a zero sum
    ours = getattr(F, f"lp_pool{dims}d")
    theirs = getattr(torch.nn.functional, f"lp_pool{dims}d")
    _check(
        torch, lambda t: ours(t, p, **kwargs), lambda t: theirs(t, p, **kwargs), x, rng, second=True
    )


@pytest.mark.parametrize(
    ("dims", "shape", "size"),
    [
        (1, (2, 3, 10), 3),
        (1, (2, 3, 10), 5),
        (1, (3, 7), 7),
        (1, (2, 3, 5), 8),  # more outputs than inputs: windows repeat entries
        (2, (2, 3, 9, 8), (4, 3)),
        (2, (2, 3, 9, 8), 1),
        (2, (2, 3, 9, 8), (None, 5)),
        (2, (3, 6, 6), (3, 2)),
    ],
    ids=str,
)
@pytest.mark.parametrize("kind", ["avg", "max"])
def test_adaptive_pool_matches_torch(torch, rng, dims, shape, size, kind):
    x = rng.standard_normal(shape)
    ours = getattr(F, f"adaptive_{kind}_pool{dims}d")
    theirs = getattr(torch.nn.functional, f"adaptive_{kind}_pool{dims}d")
    extra = {"return_indices": True} if kind == "max" else {}
    _check(
        torch,
        lambda t: ours(t, size, **extra),
        lambda t: theirs(t, size, **extra),
        x,
        rng,
        second=True,
    )


def test_adaptive_max_pool_ties_and_nan_follow_torch(torch, rng):
    x = np.ones((1, 2, 7, 5))  # every window a tie: the first entry of each wins
    _check(
        torch,
        lambda t: F.adaptive_max_pool2d(t, (3, 2), return_indices=True),
        lambda t: torch.nn.functional.adaptive_max_pool2d(t, (3, 2), return_indices=True),
        x,
        rng,
    )
    x[0, 1, 2, 1] = x[0, 1, 2, 3] = x[0, 1, 4, 0] = np.nan  # the last NaN of a window wins
    y, i = F.adaptive_max_pool2d(ac.tensor(x), (3, 2), return_indices=True)
    ty, ti = torch.nn.functional.adaptive_max_pool2d(torch.tensor(x), (3, 2), return_indices=True)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


def test_global_avg_pool_is_adaptive_avg_pool_to_one(torch, rng):
    x = rng.standard_normal((2, 3, 5, 4))
    _check(
        torch,
        F.global_avg_pool,
        lambda t: torch.nn.functional.adaptive_avg_pool2d(t, 1).flatten(1),
        x,
        rng,
    )
    assert F.global_avg_pool(ac.tensor(x), keepdim=True).shape == (2, 3, 1, 1)


@pytest.mark.parametrize(
    ("dims", "shape", "kwargs"),
    [
        (1, (2, 3, 10), {"kernel_size": 2}),
        (2, (2, 3, 8, 6), {"kernel_size": 2}),
        (2, (2, 3, 9, 7), {"kernel_size": 3, "stride": 3, "padding": 1}),
        (3, (1, 2, 4, 6, 4), {"kernel_size": 2}),
    ],
    ids=str,
)
def test_max_unpool_matches_torch(torch, rng, dims, shape, kwargs):
    x = rng.standard_normal(shape)
    y, i = getattr(F, f"max_pool{dims}d")(ac.tensor(x), return_indices=True, **kwargs)
    ty, ti = getattr(torch.nn.functional, f"max_pool{dims}d")(
        torch.tensor(x), return_indices=True, **kwargs
    )
    size = shape[-dims:]
    _check(
        torch,
        lambda t: getattr(F, f"max_unpool{dims}d")(t, i, output_size=size, **kwargs),
        lambda t: getattr(torch.nn.functional, f"max_unpool{dims}d")(
            t, ti, output_size=size, **kwargs
        ),
        y.numpy(),
        rng,
        second=True,
    )


def test_pooling_keeps_float32_and_handles_empty_batches(rng):
    x = ac.tensor(rng.standard_normal((2, 3, 8, 8)), dtype=ac.float32)
    for y in (
        F.max_pool2d(x, 2),
        F.avg_pool2d(x, 3, 2, 1),
        F.adaptive_avg_pool2d(x, 3),
        F.adaptive_max_pool2d(x, 3),
        F.lp_pool2d(x.abs(), 2, 2),
    ):
        assert y.dtype == np.float32
    empty = ac.zeros(0, 3, 8, 8, requires_grad=True)
    y = F.max_pool2d(empty, 2) + F.avg_pool2d(empty, 2) + F.adaptive_max_pool2d(empty, 4)
    assert y.shape == (0, 3, 4, 4)
    y.sum().backward()
    assert empty.grad.shape == (0, 3, 8, 8)


# -- modules ---------------------------------------------------------------------------------

MODULES = [
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 10)),
    ("MaxPool2d", (3,), {"stride": 2, "dilation": 2, "padding": 1}, (2, 3, 11, 10)),
    ("MaxPool3d", (2,), {"stride": 1}, (1, 2, 4, 4, 4)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 10)),
    ("AvgPool2d", (3,), {"stride": 2, "ceil_mode": True, "divisor_override": 4}, (2, 3, 8, 9)),
    ("AvgPool3d", (2,), {"padding": 1}, (1, 2, 4, 5, 4)),
    ("LPPool1d", (2, 3), {"stride": 2}, (2, 3, 10)),
    ("LPPool2d", (2, 2), {"ceil_mode": True}, (2, 3, 7, 7)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((3, 4),), {}, (2, 3, 10, 9)),
    ("AdaptiveMaxPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveMaxPool2d", ((3, None),), {}, (2, 3, 10, 9)),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape"), MODULES, ids=lambda v: str(v))
def test_pooling_modules_match_torch(torch, rng, name, args, kwargs, shape):
    ours = getattr(nn, name)(*args, **kwargs)
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == []
    x = rng.uniform(0.1, 2.0, shape)
    _check(torch, ours, theirs, x, rng)


def test_max_pool_module_returns_indices_for_max_unpool(torch, rng):
    x = rng.standard_normal((2, 3, 8, 6))
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    tpool, tunpool = torch.nn.MaxPool2d(2, return_indices=True), torch.nn.MaxUnpool2d(2)
    y, i = pool(ac.tensor(x))
    ty, ti = tpool(torch.tensor(x))
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    np.testing.assert_allclose(unpool(y, i).numpy(), tunpool(ty, ti).numpy(), **TOL)
    np.testing.assert_allclose(
        unpool(y, i, output_size=(9, 7)).numpy(),
        tunpool(ty, ti, output_size=(9, 7)).numpy(),
        **TOL,
    )
    assert "kernel_size=2" in repr(pool)


UNPOOL = [
    (1, (3,), {"stride": 2, "padding": 1}, (2, 3, 9), (10,)),
    (2, (2,), {}, (2, 3, 8, 6), (9, 7)),
    (2, ((3, 2),), {"stride": (2, 1), "padding": (1, 0)}, (1, 2, 7, 5), None),
    (3, (2,), {"stride": 1, "padding": (0, 1, 0)}, (1, 2, 4, 3, 4), None),
    (3, (2,), {}, (2, 5, 4, 6), (5, 5, 7)),  # unbatched (C, D, H, W)
]


@pytest.mark.parametrize(("d", "args", "kwargs", "shape", "size"), UNPOOL, ids=lambda v: str(v))
def test_max_unpool_modules_match_torch(torch, rng, d, args, kwargs, shape, size):
    """MaxUnpool1d/2d/3d after MaxPool with the same arguments: values, the gradient of the
    pooled values, output_size, and PyTorch's attributes (tuples per axis) and repr."""
    pool = getattr(nn, f"MaxPool{d}d")(*args, return_indices=True, **kwargs)
    tpool = getattr(torch.nn, f"MaxPool{d}d")(*args, return_indices=True, **kwargs)
    unpool, tunpool = (
        getattr(nn, f"MaxUnpool{d}d")(*args, **kwargs),
        getattr(torch.nn, f"MaxUnpool{d}d")(*args, **kwargs),
    )
    assert repr(unpool) == repr(tunpool)
    for attr in ("kernel_size", "stride", "padding"):
        assert getattr(unpool, attr) == getattr(tunpool, attr), attr
    x = rng.standard_normal(shape)
    y, i = pool(ac.tensor(x))
    ty, ti = tpool(torch.tensor(x))
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    y = ac.tensor(y.numpy(), requires_grad=True)
    ty = ty.detach().requires_grad_(True)
    z, tz = unpool(y, i, output_size=size), tunpool(ty, ti, output_size=size)
    np.testing.assert_allclose(z.numpy(), tz.detach().numpy(), **TOL)
    g = rng.standard_normal(tuple(tz.shape))
    (z * ac.tensor(g)).sum().backward()
    (tz * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy(), **TOL)


def test_max_unpool_writes_a_repeated_position_once_as_torch(torch, rng):
    """Overlapping windows share maxima, so the indices repeat positions: each position gets
    its value once (PyTorch's partial inverse; summing would give it k times), and the
    gradient of every repeat is the whole upstream gradient of its position, as PyTorch's."""
    x = rng.standard_normal((2, 3, 7, 6))
    kw = {"kernel_size": 3, "stride": 1}
    y, i = F.max_pool2d(ac.tensor(x), return_indices=True, **kw)
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    assert len(np.unique(i.numpy())) < i.numpy().size  # positions do repeat
    y = ac.tensor(y.numpy(), requires_grad=True)
    ty = ty.detach().requires_grad_(True)
    z = F.max_unpool2d(y, i, output_size=(7, 6), **kw)
    tz = torch.nn.functional.max_unpool2d(ty, ti, output_size=(7, 6), **kw)
    np.testing.assert_array_equal(z.numpy(), tz.detach().numpy())
    want = np.zeros_like(x).reshape(6, -1)  # x where a window chose it, 0 elsewhere
    for plane, chosen in enumerate(i.numpy().reshape(6, -1)):
        want[plane, chosen] = x.reshape(6, -1)[plane, chosen]
    np.testing.assert_array_equal(z.numpy(), want.reshape(x.shape))
    g = rng.standard_normal(x.shape)
    (z * ac.tensor(g)).sum().backward()
    (tz * torch.tensor(g)).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), ty.grad.numpy())
