"""MNIST-1D generated locally: Greydanus's procedural 1-D digits, with the published defaults.

Ten hand-made templates of length 12 are padded, stretched, scaled, translated, given
correlated and i.i.d. noise, sheared and resampled to length 40; 5,000 examples are split
4,000 / 1,000 (Greydanus, "Scaling down deep learning", 2020,
https://github.com/greydanus/mnist1d). The random calls follow the reference generator in the
same order from ``numpy.random.RandomState(seed)``; SciPy's ``gaussian_filter`` and ``interp1d``
are reimplemented with NumPy (reflect mode, truncate 4; linear interpolation). No network
access is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np  # dataset generation runs on the host

__all__ = ["MNIST1DArgs", "make_mnist1d", "templates"]


@dataclass
class MNIST1DArgs:
    """The generator's arguments, defaulting to the published ones."""

    num_samples: int = 5000
    train_split: float = 0.8
    template_len: int = 12
    padding: tuple[int, int] = (36, 60)
    scale_coeff: float = 0.4
    max_translation: int = 48
    corr_noise_scale: float = 0.25
    iid_noise_scale: float = 2e-2
    shear_scale: float = 0.75
    shuffle_seq: bool = False
    final_seq_length: int = 40
    seed: int = 42
    extra: dict[str, Any] = field(default_factory=dict)


def templates() -> dict[str, np.ndarray]:
    """The ten digit templates (whitened, starting at 0, divided by 6)."""
    d = np.asarray(
        [
            [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
            [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
            [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
            [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
            [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
            [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
            [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
            [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
            [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
            [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
        ]
    )
    x = d - d.mean(1, keepdims=True)
    x /= x.std(1, keepdims=True)
    x -= x[:, :1]
    return {"x": x / 6.0, "t": np.linspace(-5, 5, d.shape[1]) / 6.0, "y": np.arange(10)}


def _gaussian_filter1d(x: np.ndarray, sigma: float, truncate: float = 4.0) -> np.ndarray:
    radius = int(truncate * sigma + 0.5)
    k = np.arange(-radius, radius + 1)
    w = np.exp(-0.5 * (k / sigma) ** 2)
    w /= w.sum()
    padded = np.pad(x, radius, mode="symmetric")  # SciPy's 'reflect' (d c b a | a b c d)
    return np.convolve(padded, w, mode="valid")


def _interpolate(x: np.ndarray, n: int) -> np.ndarray:
    return np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(x)), x)


def _transform(x: np.ndarray, args: MNIST1DArgs, rs: np.random.RandomState) -> np.ndarray:
    low, high = args.padding
    p = low + int(rs.rand() * (high - low + 1))
    new_x = np.concatenate([x + 1e-8, np.zeros(p)])
    new_x = _interpolate(new_x, args.template_len + high)
    new_x = new_x * (1 + args.scale_coeff * (rs.rand() - 0.5))
    k = rs.choice(args.max_translation)
    new_x = np.concatenate([new_x[-k:], new_x[:-k]])
    mask = new_x != 0
    noise = _gaussian_filter1d(args.corr_noise_scale * rs.randn(*new_x.shape), 2)
    new_x = mask * new_x + (1 - mask) * noise
    new_x = new_x + args.iid_noise_scale * rs.randn(*new_x.shape)
    coeff = args.shear_scale * (rs.rand() - 0.5)
    new_x = new_x - coeff * np.linspace(-0.5, 0.5, len(new_x))
    return _interpolate(new_x, args.final_seq_length)


def make_mnist1d(args: MNIST1DArgs | None = None) -> dict[str, np.ndarray]:
    """Generate MNIST-1D: ``{"x": (4000, 40), "y": (4000,), "x_test": (1000, 40),
    "y_test": (1000,)}`` with the default arguments (float64 signals, int64 labels).

    Example:
        >>> from nn.mnist1d import MNIST1DArgs, make_mnist1d
        >>> d = make_mnist1d(MNIST1DArgs(num_samples=100))
        >>> d["x"].shape, d["x_test"].shape
        ((80, 40), (20, 40))
    """
    args = args or MNIST1DArgs()
    tpl = templates()
    rs = np.random.RandomState(args.seed)
    xs, ys = [], []
    per_class = args.num_samples // len(tpl["y"])
    for label in range(len(tpl["y"])):
        for _ in range(per_class):
            xs.append(_transform(tpl["x"][label], args, rs))
            ys.append(label)
    order = rs.permutation(len(ys))
    x = np.stack(xs)[order]
    y = np.asarray(ys, dtype=np.int64)[order]
    if args.shuffle_seq:
        x = x[..., rs.permutation(args.final_seq_length)]
    x = (x - x.mean()) / x.std()
    split = int(len(y) * args.train_split)
    return {"x": x[:split], "y": y[:split], "x_test": x[split:], "y_test": y[split:]}
