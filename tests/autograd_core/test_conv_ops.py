"""The convolution, padding and unfold/fold functions as a user meets them: PyTorch's argument
forms, unbatched inputs, dtypes, second derivatives against PyTorch, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F
from autograd_core.errors import DTypeError, ShapeError


def _t(a, grad=False):
    return ac.tensor(a, requires_grad=grad)


def test_conv2d_keeps_float32_and_takes_an_unbatched_input(rng):
    x = rng.standard_normal((3, 6, 5)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    y = F.conv2d(_t(x), _t(w), padding=1)
    assert y.shape == (4, 6, 5) and y.dtype == np.float32
    batched = F.conv2d(_t(x[None]), _t(w), padding=1)
    np.testing.assert_array_equal(y.data, batched.data[0])


def test_conv_matches_the_seeds_output_size_formula():
    # (m1 - m2 + 2P)/S + 1 with m1 = 9, m2 = 3, P = 1, S = 2 → 5
    y = F.conv2d(ac.ones(1, 1, 9, 9), ac.ones(1, 1, 3, 3), stride=2, padding=1)
    assert y.shape == (1, 1, 5, 5)


def test_conv_second_derivatives_match_torch(torch, rng):
    x = rng.standard_normal((2, 4, 6, 5))
    w = rng.standard_normal((6, 2, 3, 2))
    kw = {"stride": (2, 1), "padding": 1, "dilation": (1, 2), "groups": 2}
    X, W = _t(x, True), _t(w, True)
    (gx,) = ac.grad([(F.conv2d(X, W, **kw) ** 2).sum()], [X], create_graph=True)
    (hw,) = ac.grad([(gx * gx).sum()], [W])
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    (tgx,) = torch.autograd.grad(
        (torch.nn.functional.conv2d(tx, tw, **kw) ** 2).sum(), tx, create_graph=True
    )
    (thw,) = torch.autograd.grad((tgx * tgx).sum(), tw)
    np.testing.assert_allclose(gx.data, tgx.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(hw.data, thw.numpy(), rtol=1e-10, atol=1e-10)


def test_conv_transpose_inverts_the_shape_of_a_strided_conv():
    x = ac.ones(1, 2, 9, 8)
    w = ac.ones(3, 2, 3, 3)
    y = F.conv2d(x, w, stride=2, padding=1)
    back = F.conv_transpose2d(y, w, stride=2, padding=1, output_padding=(0, 1))
    assert back.shape == x.shape


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"padding": 0},
            r"conv2d: the output would have spatial size \(0, 4\).*input shape "
            r"\(1, 1, 2, 6\), kernel \(3, 3\).*Pass a larger padding",
        ),
        ({"padding": "same", "stride": 2}, r"conv2d: padding='same' needs stride 1"),
        ({"padding": "full"}, r"conv2d: padding must be an int, a tuple of 2 ints, 'valid'"),
        ({"stride": 0}, r"conv2d: stride must be >= 1"),
        ({"dilation": (1, 2, 3)}, r"conv2d: dilation must be an int or a tuple of 2 ints"),
    ],
)
def test_conv2d_argument_errors(kwargs, match):
    with pytest.raises(ShapeError, match=match):
        F.conv2d(ac.ones(1, 1, 2, 6), ac.ones(1, 1, 3, 3), **kwargs)


def test_conv_channel_and_group_errors():
    with pytest.raises(
        ShapeError,
        match=r"conv2d: input of shape \(1, 4, 5, 5\) \(4 channels\) "
        r"does not fit weight of shape \(2, 3, 3, 3\) with groups=1",
    ):
        F.conv2d(ac.ones(1, 4, 5, 5), ac.ones(2, 3, 3, 3))
    with pytest.raises(ShapeError, match=r"groups=3.*divisible by groups"):
        F.conv2d(ac.ones(1, 4, 5, 5), ac.ones(6, 2, 3, 3), groups=3)
    with pytest.raises(ShapeError, match=r"conv1d: input must have 3 dimensions"):
        F.conv1d(ac.ones(5), ac.ones(1, 1, 3))
    with pytest.raises(ShapeError, match=r"conv1d: weight must have 3 dimensions"):
        F.conv1d(ac.ones(1, 1, 5), ac.ones(1, 3))
    with pytest.raises(ShapeError, match=r"conv1d: bias of shape \(3,\) does not fit 2 output"):
        F.conv1d(ac.ones(1, 1, 5), ac.ones(2, 1, 3), ac.ones(3))
    with pytest.raises(ShapeError, match=r"conv_transpose2d: input of shape \(1, 3, 4, 4\) has 3"):
        F.conv_transpose2d(ac.ones(1, 3, 4, 4), ac.ones(2, 1, 3, 3))


def test_conv_dtype_error():
    x = ac.ones(1, 1, 5, dtype=ac.float32)
    with pytest.raises(DTypeError, match=r"conv1d: .*got float32, float64. Convert"):
        F.conv1d(x, ac.ones(1, 1, 3, dtype=ac.float64))


def test_conv_transpose_errors():
    with pytest.raises(ShapeError, match=r"output_padding must be smaller than stride"):
        F.conv_transpose1d(ac.ones(1, 1, 4), ac.ones(1, 1, 3), stride=2, output_padding=2)
    with pytest.raises(ShapeError, match=r"conv_transpose1d: the output would have spatial size"):
        F.conv_transpose1d(ac.ones(1, 1, 1), ac.ones(1, 1, 1), padding=1)


def test_pad_modes_and_errors():
    x = ac.tensor([[[1.0, 2.0, 3.0]]])
    assert F.pad(x, (2, 1), mode="circular").tolist() == [[[2.0, 3.0, 1.0, 2.0, 3.0, 1.0]]]
    assert F.pad(x, (2, 1), mode="replicate").tolist() == [[[1.0, 1.0, 1.0, 2.0, 3.0, 3.0]]]
    assert F.pad(x, (1, 1), value=7.0).tolist() == [[[7.0, 1.0, 2.0, 3.0, 7.0]]]
    with pytest.raises(ShapeError, match=r"pad: reflect padding of \(3, 0\) on axis 2 of length 3"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(ValueError, match=r"pad: unknown mode 'wrap'"):
        F.pad(x, (1, 1), mode="wrap")
    with pytest.raises(ShapeError, match=r"pad: pad must be an even number of ints"):
        F.pad(x, (1, 1, 1), mode="replicate")
    with pytest.raises(ValueError, match=r"pad: value=2.0 only applies to mode='constant'"):
        F.pad(x, (1, 1), mode="replicate", value=2.0)


def test_fold_of_unfold_counts_the_windows_covering_each_pixel():
    x = ac.ones(1, 1, 4, 4)
    cover = F.fold(F.unfold(x, 3, padding=1), (4, 4), 3, padding=1)
    assert cover.data[0, 0].tolist() == [
        [4.0, 6.0, 6.0, 4.0],
        [6.0, 9.0, 9.0, 6.0],
        [6.0, 9.0, 9.0, 6.0],
        [4.0, 6.0, 6.0, 4.0],
    ]


def test_fold_errors():
    with pytest.raises(
        ShapeError,
        match=r"fold: input of shape \(1, 4, 5\) does not fit "
        r"output_size \(3, 3\).*expected \(N, C·4, 4\)",
    ):
        F.fold(ac.ones(1, 4, 5), (3, 3), 2)
    with pytest.raises(ShapeError, match=r"unfold: input must be 4-D"):
        F.unfold(ac.ones(2, 1, 3, 3, 3), 2)


def test_conv_keeps_no_im2col_buffer_and_builds_it_in_chunks(torch, rng, monkeypatch):
    # the docstrings' claims: conv saves only its parents (W̄ rebuilds an im2col matrix); at
    # stride 1 the forward copies LARGE_CHUNK_BYTES of input rows at a time into one
    # workspace buffer and gives it (and x's batch-last copy) back; the backward copies
    # CHUNK_BYTES of output rows
    from autograd_core.ops import conv_gemm

    # forward: an input row of the row-stacked im2col is C·k₂ · O₂·N = 9 · 6·10 float64s;
    # 4 of them per chunk hold 2 output rows of a k₁ = 3 kernel
    monkeypatch.setattr(conv_gemm, "LARGE_CHUNK_BYTES", 4 * 9 * 6 * 10 * 8)
    # backward: a row of output is C·∏k · O₂·N = 27 · 6·10 float64s: two rows per chunk
    monkeypatch.setattr(conv_gemm, "CHUNK_BYTES", 2 * 27 * 6 * 10 * 8)
    sizes, chunk_bytes, taken = [], [], []
    original_fill, original_take = conv_gemm._Im2col.fill, conv_gemm._SCRATCH.take

    def fill(im, a, b):
        cols = original_fill(im, a, b)
        sizes.append(b - a)
        chunk_bytes.append(cols.nbytes)
        return cols

    def take(xp, shape, dtype, zero=False):
        taken.append(tuple(shape))
        return original_take(xp, shape, dtype, zero)

    monkeypatch.setattr(conv_gemm._Im2col, "fill", fill)
    monkeypatch.setattr(conv_gemm._SCRATCH, "take", take)
    conv_gemm._SCRATCH.clear()
    x = _t(rng.standard_normal((10, 3, 8, 8)), True)
    w = _t(rng.standard_normal((4, 3, 3, 3)), True)
    y = F.conv2d(x, w)
    assert y.node.saved is None
    # x's batch-last copy (C, L…, N), then (G, input rows, C/G, 1, k₂, O₂, N): 2 output
    # rows per chunk need 4 input rows
    assert taken == [(3, 8, 8, 10), (1, 4, 3, 1, 3, 6, 10)] and sizes == []
    assert conv_gemm._SCRATCH.nbytes == (3 * 8 * 8 * 10 + 4 * 9 * 6 * 10) * 8  # given back
    y.sum().backward()  # x̄ builds chunks of ȳ's windows, then W̄ its own im2col of x
    assert max(chunk_bytes[:-1]) <= conv_gemm.CHUNK_BYTES
    # W̄'s im2col spans the axes after the first (C·k₂ = 9 rows of O₂·N = 60 columns) over
    # every row of x: the 6 output rows fit one chunk, filled with the k₁ − 1 = 2 rows below
    assert sizes[-1] == 8 and chunk_bytes[-1] == 9 * 8 * 60 * 8
    xt = torch.from_numpy(x.numpy()).requires_grad_()
    wt = torch.from_numpy(w.numpy()).requires_grad_()
    yt = torch.nn.functional.conv2d(xt, wt)
    yt.sum().backward()
    np.testing.assert_allclose(y.numpy(), yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), wt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-12)


def test_im2col_chunks_stay_cache_sized_unless_one_row_is_too_large():
    from autograd_core.ops import conv_gemm

    kib = 1024
    # rows of 100 KiB: two per 256 KiB chunk
    assert conv_gemm._row_chunks(np, 5, 100, kib) == [(0, 2), (2, 4), (4, 5)]
    # a row of 300 KiB: one per chunk
    assert conv_gemm._row_chunks(np, 3, 300, kib) == [(0, 1), (1, 2), (2, 3)]
    # rows of 2.3 MiB (a 64→64 3×3 conv on 32×32, batch 32): 3 per 8 MiB chunk
    assert conv_gemm._row_chunks(np, 7, 1024, 576 * 4) == [(0, 3), (3, 6), (6, 7)]
    assert conv_gemm._row_chunks(np, 4, 0, kib) == [(0, 4)]  # an empty batch
