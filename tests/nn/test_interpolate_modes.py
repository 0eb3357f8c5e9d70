"""interpolate's modes 'bicubic', 'area', 'nearest-exact', 'lanczos' and antialias=True against
torch 2.13 in float64 (values and gradients at 1e-10), their weight matrices entry by entry,
numeric gradient checks of first and second order, the regions where torch's own kernels are
wrong (pinned against torch's forward taken as a linear map), and the errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from fuzz_compare import Arg, compare, normal

import autograd_core as ac
import nn
import nn.functional as F
from nn.resample_weights import (
    antialias_weights,
    cubic_weights,
    nearest_exact_index,
    one_hot_rows,
)

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def torch_forward_map(shape, **kw) -> np.ndarray:
    """torch's interpolate on one (H, W) plane as an (out, in) matrix, read off its forward on
    the unit inputs (every mode is linear): an oracle for gradients where torch's backward
    disagrees with its own forward."""
    m = int(np.prod(shape))
    basis = torch.eye(m, dtype=torch.float64).reshape(m, 1, *shape)
    return TF.interpolate(basis, **kw).reshape(m, -1).T.numpy()


def _axis_map(n_in, n_out, **kw):
    """torch's matrix along H alone (W = 2 → 2: torch's antialias is wrong for W = 1)."""
    return torch_forward_map((n_in, 2), size=(n_out, 2), **kw)[::2, ::2]


@pytest.mark.parametrize("align", [False, True])
def test_bicubic_and_antialias_weights_are_torchs(align):
    for n_in, n_out in itertools.product(range(1, 9), range(1, 12)):
        args = (np, n_in, n_out, None, align)
        want = _axis_map(n_in, n_out, mode="bicubic", align_corners=align)
        np.testing.assert_allclose(cubic_weights(*args, np.float64), want, atol=1e-13)
        for mode in ("bilinear", "bicubic") + (() if align else ("lanczos",)):
            want = _axis_map(n_in, n_out, mode=mode, align_corners=align, antialias=True)
            got = antialias_weights(*args, mode, np.float64)
            np.testing.assert_allclose(got, want, atol=1e-13, err_msg=f"{mode} {n_in}->{n_out}")


def test_nearest_exact_index_is_torchs_including_float32_rounding():
    scales = [0.3, 0.7, 1.1, 1.7, 2.3, 1 / 3, 2 / 3, 4 / 3, 1.9, 2.9, 0.6, 2.2]
    for n_in in range(1, 40):
        cases = [(o, None) for o in range(1, 50)]
        cases += [(int(n_in * f), f) for f in scales if int(n_in * f) >= 1]
        for n_out, f in cases:
            kw = {"size": (n_out, 2)} if f is None else {"scale_factor": (f, 1.0)}
            want = torch_forward_map((n_in, 2), mode="nearest-exact", **kw)[::2, ::2]
            got = one_hot_rows(np, nearest_exact_index(np, n_in, n_out, f), n_in, np.float64)
            np.testing.assert_array_equal(got, want, err_msg=f"{n_in}->{n_out} scale {f}")


CASES = [
    ({"mode": "bicubic"}, {"size": (7, 3)}),
    ({"mode": "bicubic", "align_corners": True}, {"size": (2, 9)}),
    ({"mode": "bicubic"}, {"scale_factor": (0.6, 2.5)}),
    ({"mode": "bicubic", "align_corners": True}, {"scale_factor": 1.7}),
    ({"mode": "bicubic"}, {"scale_factor": 0.4, "recompute_scale_factor": True}),
    ({"mode": "bicubic"}, {"size": (1, 1)}),
    ({"mode": "nearest-exact"}, {"size": (3, 11)}),
    ({"mode": "nearest-exact"}, {"scale_factor": (1.7, 0.45)}),
    ({"mode": "area"}, {"size": (3, 4)}),
    ({"mode": "area"}, {"scale_factor": (0.5, 1.5)}),
    ({"mode": "bilinear", "antialias": True}, {"size": (2, 3)}),
    ({"mode": "bilinear", "antialias": True, "align_corners": True}, {"scale_factor": 0.3}),
    ({"mode": "bicubic", "antialias": True}, {"size": (3, 2)}),
    ({"mode": "bicubic", "antialias": True}, {"size": (9, 2)}),  # up in H: renormalised borders
    ({"mode": "bicubic", "antialias": True, "align_corners": True}, {"size": (2, 12)}),
    ({"mode": "lanczos", "antialias": True}, {"size": (2, 3)}),
    ({"mode": "lanczos", "antialias": True}, {"size": (11, 4)}),  # up in H, down in W
    ({"mode": "lanczos", "antialias": True}, {"scale_factor": (0.4, 1.6)}),
]


@pytest.mark.parametrize(("mode", "sizing"), CASES, ids=str)
def test_new_modes_match_torch(mode, sizing):
    kw = {**mode, **sizing}
    compare(
        lambda x: F.interpolate(x, **kw),
        lambda x: TF.interpolate(x, **kw),
        [Arg(normal(0, (2, 3, 5, 7)), "strided")],
        gy_seed=1,
    )


@pytest.mark.parametrize(
    ("shape", "kw"),
    [
        ((2, 3, 7), {"mode": "nearest-exact", "size": 4}),
        ((2, 3, 7), {"mode": "area", "scale_factor": 0.5}),
        ((1, 2, 3, 4, 5), {"mode": "area", "size": (2, 3, 2)}),
        ((1, 2, 3, 4, 5), {"mode": "nearest-exact", "scale_factor": (2, 1.5, 0.6)}),
    ],
    ids=str,
)
def test_new_modes_in_1d_and_3d_match_torch(shape, kw):
    compare(
        lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), [Arg(normal(2, shape))]
    )


@pytest.mark.parametrize(("mode", "shape"), [("linear", (2, 2, 3)), ("nearest", (2, 2, 3, 3))])
def test_an_axis_of_unchanged_length_is_copied_whatever_the_scale(mode, shape):
    # torch copies an axis whose length the scale does not change (3 · 1.3 → 3); ours used to
    # resample it with 1/1.3 in the linear modes
    kw = {"scale_factor": 1.3, "mode": mode}
    compare(
        lambda x: F.interpolate(x, **kw), lambda x: TF.interpolate(x, **kw), [Arg(normal(3, shape))]
    )
    x = ac.tensor(normal(3, shape))
    np.testing.assert_array_equal(F.interpolate(x, **kw).numpy(), x.numpy())


def _our_gradient(shape, gy, kw):
    x = ac.tensor(normal(4, shape), requires_grad=True)
    F.interpolate(x, **kw).backward(ac.tensor(gy))
    return x.grad.numpy()


@pytest.mark.parametrize(
    ("shape", "kw"),
    [
        # torch's bicubic backward copies when no length changes; its forward resamples
        ((2, 3, 3, 3), {"mode": "bicubic", "scale_factor": 1.3}),
        # torch's antialiased forward copies an axis of unchanged length; its backward resamples
        ((2, 3, 3, 3), {"mode": "bilinear", "antialias": True, "scale_factor": (1.3, 0.5)}),
        ((2, 3, 3, 3), {"mode": "bicubic", "antialias": True, "scale_factor": (2.0, 1.3)}),
        # torch's 1-D and 3-D nearest forward reads ⌊o·s⌋ even when the length is unchanged or
        # doubled (ours took the 2-D kernel's shortcuts there: a copy, o >> 1); its backward
        # takes the shortcuts
        ((2, 3, 3), {"mode": "nearest", "scale_factor": 1.3}),
        ((2, 3, 2), {"mode": "nearest", "scale_factor": 2.2}),
        ((1, 2, 3, 2, 5), {"mode": "nearest", "scale_factor": (1.3, 2.2, 2.1)}),
    ],
    ids=str,
)
def test_gradient_is_the_transpose_of_torchs_forward_where_torchs_backward_is_not(shape, kw):
    want_y = TF.interpolate(torch.tensor(normal(4, shape)), **kw).numpy()
    y = F.interpolate(ac.tensor(normal(4, shape)), **kw)
    np.testing.assert_allclose(y.numpy(), want_y, rtol=1e-10, atol=1e-10)
    gy = normal(5, y.shape)
    a = torch_forward_map(shape[2:], **kw)
    planes = shape[0] * shape[1]
    want = (gy.reshape(planes, -1) @ a).reshape(shape)
    np.testing.assert_allclose(_our_gradient(shape, gy, kw), want, rtol=1e-10, atol=1e-10)
    t = torch.tensor(normal(4, shape), requires_grad=True)
    TF.interpolate(t, **kw).backward(torch.tensor(gy))
    assert not np.allclose(t.grad.numpy(), want)  # still torch's bug: drop this test's premise


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_antialias_to_width_one_is_the_per_axis_rule(mode):
    # torch 2.13's antialiased kernels repeat one output row when the output width is 1 and the
    # height changes; the oracle is torch applied one axis at a time (W first, then H as the
    # width of the transposed plane), where its kernels are right
    x = normal(6, (2, 3, 5, 4))
    kw = {"mode": mode, "antialias": True}
    step = TF.interpolate(torch.tensor(x), size=(5, 1), **kw).transpose(2, 3)
    want = TF.interpolate(step, size=(1, 2), **kw).transpose(2, 3).numpy()
    y = F.interpolate(ac.tensor(x), size=(2, 1), **kw)
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-10, atol=1e-10)
    buggy = TF.interpolate(torch.tensor(x), size=(2, 1), **kw).numpy()
    assert not np.allclose(buggy, want)  # still torch's bug: drop this test's premise


@pytest.mark.parametrize(
    "kw",
    [
        {"mode": "bicubic", "size": (4, 2)},
        {"mode": "bicubic", "scale_factor": 1.5, "align_corners": True},
        {"mode": "bilinear", "antialias": True, "size": (2, 2)},
        {"mode": "bicubic", "antialias": True, "size": (2, 4)},
        {"mode": "nearest-exact", "size": (2, 5)},
        {"mode": "area", "size": (2, 2)},
        {"mode": "area", "size": (0, 2)},
        {"mode": "lanczos", "antialias": True, "size": (2, 5)},
    ],
    ids=str,
)
def test_new_modes_gradcheck_first_and_second_order(kw):
    x = ac.tensor(normal(7, (1, 2, 3, 3)), requires_grad=True)
    assert ac.gradcheck(lambda t: F.interpolate(t, **kw), [x])
    assert ac.gradgradcheck(lambda t: F.interpolate(t, **kw) ** 2, [x])


def test_upsample_module_and_function_take_the_new_modes():
    x = normal(8, (2, 3, 4, 5))
    for mode in ["bicubic", "area", "nearest-exact"]:
        compare(
            nn.Upsample(size=(3, 7), mode=mode), torch.nn.Upsample(size=(3, 7), mode=mode), [Arg(x)]
        )
        compare(
            lambda t, m=mode: F.upsample(t, scale_factor=2, mode=m),
            lambda t, m=mode: TF.interpolate(t, scale_factor=2, mode=m),
            [Arg(x)],
        )
    assert repr(nn.Upsample(scale_factor=2, mode="bicubic")) == repr(
        torch.nn.Upsample(scale_factor=2, mode="bicubic")
    )


def test_interpolate_errors_name_what_fits():
    with pytest.raises(
        ValueError,
        match=r"interpolate: mode 'bicubic' does not fit an input with 1 spatial axes .*"
        r"\['nearest', 'nearest-exact', 'area', 'linear'\]",
    ):
        F.interpolate(ac.ones(1, 1, 4), size=8, mode="bicubic")
    with pytest.raises(ValueError, match=r"mode 'cubic' .* 'bilinear', 'bicubic', 'lanczos'\]"):
        F.interpolate(ac.ones(1, 1, 4, 4), size=8, mode="cubic")
    with pytest.raises(ValueError, match=r"align_corners can only be set .* for 'area'"):
        F.interpolate(ac.ones(1, 1, 4), size=2, mode="area", align_corners=False)
    with pytest.raises(ValueError, match=r"antialias=True needs mode 'bilinear', 'bicubic' or 'l"):
        F.interpolate(ac.ones(1, 1, 4, 4), size=2, mode="nearest", antialias=True)
    with pytest.raises(ValueError, match=r"antialias=True needs .* shape \(1, 1, 4\)"):
        F.interpolate(ac.ones(1, 1, 4), size=2, mode="linear", antialias=True)
    with pytest.raises(ValueError, match=r"recompute_scale_factor=True needs scale_factor"):
        F.interpolate(ac.ones(1, 1, 4), size=2, recompute_scale_factor=True)


def test_lanczos_needs_antialias_and_no_align_corners_as_torch():
    x = normal(9, (1, 1, 4, 4))
    for kw in ({}, {"antialias": True, "align_corners": True}):
        with pytest.raises(ValueError):
            TF.interpolate(torch.tensor(x), size=2, mode="lanczos", **kw)
        with pytest.raises(ValueError, match=r"mode 'lanczos' needs antialias=True and align_c"):
            F.interpolate(ac.tensor(x), size=2, mode="lanczos", **kw)
    with pytest.raises(ValueError, match=r"mode 'lanczos' does not fit an input with 1 spatial"):
        F.interpolate(ac.tensor(x[0]), size=2, mode="lanczos", antialias=True)


def test_sizes_below_one_are_refused_except_by_area():
    x = ac.tensor(normal(10, (1, 1, 4, 4)))
    with pytest.raises(RuntimeError):
        TF.interpolate(torch.tensor(x.numpy()), size=(0, 3), mode="bilinear")
    with pytest.raises(ValueError, match=r"output size \(0, 3\) .* at least 1\)"):
        F.interpolate(x, size=(0, 3), mode="bilinear")
    want = TF.interpolate(torch.tensor(x.numpy()), scale_factor=0.2, mode="area")
    x.requires_grad_()
    y = F.interpolate(x, scale_factor=0.2, mode="area")  # ours raised; torch's is empty
    assert y.shape == tuple(want.shape) == (1, 1, 0, 0)
    y.sum().backward()  # torch's backward raises on the empty output; ours: a zero gradient
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((1, 1, 4, 4)))
