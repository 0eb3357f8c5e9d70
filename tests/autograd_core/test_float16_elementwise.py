"""float16 elementwise results that a dtype sweep found wrong (task H4): erf and erfc (and gelu,
which uses erfc) overflowed in float16 arithmetic (erf(2) was 1, erf(-4) NaN), sinc(1) was 3e-4
instead of 0, and softmax of a 0-d float16 tensor came back float32. float16 is now computed
in float32 and rounded once, as PyTorch's float16 kernels do; each result is compared with
PyTorch on a float16 grid and, where possible, with Python's ``math`` rounded to float16.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac
import nn.functional as F

# float16 rounding: half an ulp is 2⁻¹¹ ≈ 4.9e-4 relative; 1e-3 leaves room for one more rounding
RTOL = ATOL = 1e-3

# every float16 value in [-12, 12] on a 1/200 grid (rounded), with the specials
GRID = np.unique(np.linspace(-12.0, 12.0, 4801).astype(np.float16))
GRID = np.concatenate([GRID, np.float16([np.inf, -np.inf, np.nan, -0.0])])
FINITE = GRID[np.isfinite(GRID)]
UNIT = np.unique(np.linspace(-1.0, 1.0, 4001).astype(np.float16))  # erfinv's domain


def _values(t: ac.Tensor) -> np.ndarray:
    assert t.dtype == ac.float16
    return t.numpy().astype(np.float64)


def _torch_half(torch, fn, grid: np.ndarray) -> np.ndarray:
    return fn(torch.tensor(grid, dtype=torch.float16)).double().numpy()


@pytest.mark.parametrize(
    "name, ours, theirs, grid",
    [
        ("erf", ac.erf, lambda t, x: t.erf(x), GRID),
        ("erfc", ac.erfc, lambda t, x: t.erfc(x), GRID),
        ("erfinv", ac.erfinv, lambda t, x: t.erfinv(x), UNIT),
        ("gelu", F.gelu, lambda t, x: t.nn.functional.gelu(x), FINITE),  # torch: NaN at ±inf
        ("sinc", ac.sinc, lambda t, x: t.sinc(x), GRID),
    ],
)
def test_float16_matches_torch_on_a_grid(name, ours, theirs, grid, torch):
    got = _values(ours(ac.tensor(grid, dtype=ac.float16)))
    want = _torch_half(torch, lambda x: theirs(torch, x), grid)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=name)


def test_float16_erf_and_erfc_at_two_match_torch(torch):
    x = ac.tensor(2.0, dtype=ac.float16)
    tx = torch.tensor(2.0, dtype=torch.float16)
    assert ac.erf(x).item() == pytest.approx(torch.erf(tx).item(), rel=RTOL)  # 0.9951, was 1
    assert ac.erfc(x).item() == pytest.approx(torch.erfc(tx).item(), rel=RTOL)  # 0.0047, was 0


def test_float16_erf_erfc_match_math_rounded(device):
    x = ac.tensor(FINITE, dtype=ac.float16, device=device)
    for ours, ref in ((ac.erf, math.erf), (ac.erfc, math.erfc)):
        got = ours(x).cpu().numpy()
        assert got.dtype == np.float16
        want = np.float16([ref(float(v)) for v in FINITE]).astype(np.float64)
        np.testing.assert_allclose(got.astype(np.float64), want, rtol=RTOL, atol=ATOL)
    assert ac.erf(ac.tensor([np.inf, -np.inf], dtype=ac.float16)).tolist() == [1.0, -1.0]
    assert ac.erfc(ac.tensor([np.inf, -np.inf], dtype=ac.float16)).tolist() == [0.0, 2.0]


def test_float16_sinc_is_zero_at_the_integers(torch):
    k = np.float16([-100, -3, -2, -1, 1, 2, 3, 100])
    got = ac.sinc(ac.tensor(k, dtype=ac.float16)).numpy()
    assert got.dtype == np.float16 and (got == 0).all(), got  # sin(πk) = 0; was ±3e-4
    assert (torch.sinc(torch.tensor(k, dtype=torch.float16)).numpy() == 0).all()
    assert ac.sinc(ac.tensor(0.0, dtype=ac.float16)).item() == 1.0


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_softmax_of_a_0d_tensor_keeps_its_dtype(fn, dtype, torch):
    x = ac.tensor(2.5, dtype=getattr(ac, dtype), requires_grad=True)
    y = getattr(ac, fn)(x, dim=0)
    want = getattr(torch, fn)(torch.tensor(2.5, dtype=getattr(torch, dtype)), dim=0)
    assert str(y.dtype) == str(want.dtype).removeprefix("torch.") == dtype
    assert y.shape == () and y.item() == want.item() == (1.0 if fn == "softmax" else 0.0)
    y.backward()
    assert x.grad.dtype == x.dtype and x.grad.item() == 0.0  # y is constant in x


def test_float32_and_float64_erf_keep_their_dtype():
    for dt in (ac.float32, ac.float64):
        y = ac.erf(ac.tensor([0.3, 2.0, -5.0], dtype=dt))
        assert y.dtype == dt
        np.testing.assert_allclose(y.numpy(), [math.erf(v) for v in (0.3, 2.0, -5.0)], rtol=1e-6)
