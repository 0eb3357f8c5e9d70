r"""The per-axis maps of ``interpolate``: every mode but ``'area'`` is separable, so resizing one
spatial axis from ``n_in`` to ``n_out`` entries is a product with a constant (n_out, n_in)
matrix (``matmul_along``), built here on the input's device. The rules are PyTorch's (ATen's
``UpSample.h`` and ``UpSampleKernel.cpp``, checked entry by entry against torch 2.13 by
tests/nn/test_interpolate_modes.py):

- the coordinate scale s: (n_in − 1)/(n_out − 1) with ``align_corners`` (0 for one output),
  else 1/scale_factor when the caller passes one, else n_in/n_out;
- ``'nearest'``: source ⌊o·s⌋ (for 2 spatial axes a copy when the length does not change and
  o >> 1 when it doubles), ``'nearest-exact'``: ⌊(o + ½)·s⌋, both with s in float32 and
  clipped to n_in − 1;
- linear: source (o + ½)s − ½ clamped at 0 (o·s with ``align_corners``), two taps;
- cubic: the same source without the clamp, four taps at ⌊src⌋ − 1 … ⌊src⌋ + 2 clamped into the
  input, Keys' cubic convolution with A = −0.75 (Keys, "Cubic convolution interpolation for
  digital image processing", IEEE Trans. ASSP 29(6), 1981);
- antialias (``antialias=True``, PIL's resampling): output o is centred on c = s(o + ½) and reads
  the inputs j with ⌊c − r + ½⌋ ≤ j < ⌊c + r + ½⌋ (clipped to the input), weighted by
  f((j − c + ½)/max(s, 1)) and normalised to sum 1, where r = max(s, 1)·(support of f): the
  triangle 1 − |x| (support 1) for bilinear, Keys with A = −0.5 (support 2) for bicubic, and
  Lanczos-3, sinc(x)·sinc(x/3) (support 3), for ``'lanczos'`` (PIL's ``Image.LANCZOS``).
"""

from __future__ import annotations

from typing import Any

KEYS_A = -0.75  # PyTorch's bicubic (OpenCV's); its antialiased bicubic uses PIL's −0.5
KEYS_A_ANTIALIAS = -0.5


def coordinate_scale(n_in: int, n_out: int, scale: float | None, align_corners: bool) -> float:
    """PyTorch's ``area_pixel_compute_scale``: output step measured in input entries."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale else n_in / n_out


def nearest_index(xp: Any, n_in: int, n_out: int, scale: float | None, shortcuts: bool) -> Any:
    """PyTorch's ``nearest_idx``: ⌊o · s⌋ (computed in float32, as PyTorch), clipped to the
    input. With ``shortcuts`` (torch 2.13 takes them for 2 spatial axes only, not for 1 or 3),
    an axis of unchanged length is copied and one of twice the length reads o >> 1, whatever
    scale_factor says."""
    o = xp.arange(n_out)
    if shortcuts and n_out == n_in:
        return o
    if shortcuts and n_out == 2 * n_in:
        return o >> 1
    s = xp.float32(1.0 / scale if scale else n_in / n_out)
    return xp.minimum(xp.floor(o.astype(xp.float32) * s).astype(xp.int64), n_in - 1)


def nearest_exact_index(xp: Any, n_in: int, n_out: int, scale: float | None) -> Any:
    """PyTorch's ``nearest_exact_idx``: ⌊(o + ½) · s⌋ clipped to the input, s in float32 and the
    product rounded to float32 before the floor, as PyTorch (exact arithmetic would move some
    indices by one, e.g. near integers of 1/scale_factor)."""
    s = float(xp.float32(1.0 / scale if scale else n_in / n_out))
    src = ((xp.arange(n_out, dtype=xp.float64) + 0.5) * s).astype(xp.float32)
    return xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)


def one_hot_rows(xp: Any, index: Any, n_in: int, dtype: Any) -> Any:
    """The (n_out, n_in) matrix that picks entry ``index[o]`` for output o."""
    return (index[:, None] == xp.arange(n_in)).astype(dtype)


def linear_weights(
    xp: Any, n_in: int, n_out: int, scale: float | None, align_corners: bool, dtype: Any
) -> Any:
    """(n_out, n_in) linear-interpolation weights: src = o·s with align_corners, else
    max(0, (o + ½)·s − ½); taps ⌊src⌋ and ⌊src⌋ + 1 (the last entry alone at the end)."""
    s = coordinate_scale(n_in, n_out, scale, align_corners)
    o = xp.arange(n_out, dtype=xp.float64)
    src = o * s if align_corners else xp.maximum((o + 0.5) * s - 0.5, 0.0)
    lo = src.astype(xp.int64)
    hi = lo + (lo < n_in - 1)
    frac = xp.clip(src - lo, 0.0, 1.0)
    j = xp.arange(n_in)
    w = (1.0 - frac)[:, None] * (j == lo[:, None]) + frac[:, None] * (j == hi[:, None])
    return w.astype(dtype)


def keys_kernel(xp: Any, x: Any, a: float) -> Any:
    """Keys' cubic convolution kernel W(x) with parameter a: (a+2)|x|³ − (a+3)|x|² + 1 on
    |x| ≤ 1, a|x|³ − 5a|x|² + 8a|x| − 4a on 1 < |x| < 2, 0 beyond."""
    x = xp.abs(x)
    inner = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    outer = ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    return xp.where(x <= 1.0, inner, xp.where(x < 2.0, outer, 0.0))


def cubic_weights(
    xp: Any, n_in: int, n_out: int, scale: float | None, align_corners: bool, dtype: Any
) -> Any:
    """(n_out, n_in) bicubic weights along one axis: src = o·s with align_corners, else
    (o + ½)·s − ½ (not clamped); with i = min(⌊src⌋, n_in − 1) and t = src − i clipped to
    [0, 1], taps i − 1 … i + 2 clamped into the input (so the border entry repeats) weigh
    W(t + 1), W(t), W(1 − t), W(2 − t) (``keys_kernel``, a = −0.75)."""
    s = coordinate_scale(n_in, n_out, scale, align_corners)
    o = xp.arange(n_out, dtype=xp.float64)
    src = o * s if align_corners else (o + 0.5) * s - 0.5
    base = xp.minimum(xp.floor(src).astype(xp.int64), n_in - 1)
    t = xp.clip(src - base, 0.0, 1.0)
    j = xp.arange(n_in)
    w = xp.zeros((n_out, n_in), dtype=xp.float64)
    for k in range(4):  # clamped taps may coincide: their weights add
        tap = xp.clip(base + (k - 1), 0, n_in - 1)
        w += keys_kernel(xp, t - (k - 1), KEYS_A)[:, None] * (j == tap[:, None])
    return w.astype(dtype)


def antialias_weights(
    xp: Any,
    n_in: int,
    n_out: int,
    scale: float | None,
    align_corners: bool,
    mode: str,
    dtype: Any,
) -> Any:
    """(n_out, n_in) antialiased weights (PyTorch's ``_upsample_bilinear2d_aa``,
    ``_upsample_bicubic2d_aa`` and ``_upsample_lanczos2d_aa``): the filter of ``mode``
    (``FILTERS``: triangle, Keys with a = −0.5, or Lanczos-3) stretched by the scale s when
    downsampling (s > 1), centred on c = s(o + ½), truncated to the input and normalised per
    output (a row whose weights sum to 0 stays 0). Upsampling (s ≤ 1) keeps the filter's
    width, so borders renormalise instead of clamping."""
    s = coordinate_scale(n_in, n_out, scale, align_corners)
    stretch = s if s >= 1.0 else 1.0
    support, kernel = FILTERS[mode]
    reach = support * stretch
    centre = s * (xp.arange(n_out, dtype=xp.float64) + 0.5)
    lo = xp.maximum(xp.floor(centre - reach + 0.5), 0.0)[:, None]
    hi = xp.minimum(xp.floor(centre + reach + 0.5), n_in)[:, None]
    j = xp.arange(n_in, dtype=xp.float64)
    x = (j[None, :] - centre[:, None] + 0.5) / stretch
    w = xp.where((j >= lo) & (j < hi), kernel(xp, x), 0.0)
    total = w.sum(axis=1, keepdims=True)
    w = w / xp.where(total == 0.0, 1.0, total)
    return w.astype(dtype)


def _triangle(xp: Any, x: Any) -> Any:
    return xp.maximum(1.0 - xp.abs(x), 0.0)


def _lanczos3(xp: Any, x: Any) -> Any:
    """sinc(x)·sinc(x/3) on |x| < 3, else 0 (``xp.sinc`` is sin(πx)/(πx), 1 at 0)."""
    return xp.where(xp.abs(x) < 3.0, xp.sinc(x) * xp.sinc(x / 3.0), 0.0)


FILTERS = {  # antialias filters by mode: (support, kernel)
    "bilinear": (1.0, _triangle),
    "bicubic": (2.0, lambda xp, x: keys_kernel(xp, x, KEYS_A_ANTIALIAS)),
    "lanczos": (3.0, _lanczos3),
}
