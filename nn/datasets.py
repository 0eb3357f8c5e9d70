"""Datasets that need no download: scikit-learn's bundled tables (Iris, digits, breast cancer,
diabetes), XOR, two moons, the house prices of the course notes, and MNIST-1D (generated).

Every loader returns ``(x, y)`` as Tensors: float32 features, int64 class labels (float32
targets for regression). The scikit-learn files are read directly from the installed package's
data folder (``pip install scikit-learn``); nothing is fetched from the network.
"""

from __future__ import annotations

import csv
import gzip
import os
from typing import Any

import numpy as np  # data loading runs on the host

import autograd_core as ac
from autograd_core.random import Generator, rng_of
from autograd_core.tensor import Tensor

__all__ = [
    "load_iris",
    "load_digits",
    "load_breast_cancer",
    "load_diabetes",
    "make_xor",
    "make_moons",
    "load_house_prices",
    "make_house_prices",
    "load_mnist1d",
    "train_test_split",
    "standardize",
]


def _sklearn_data_dir() -> str:
    try:
        import importlib.util

        spec = importlib.util.find_spec("sklearn")
    except ImportError:  # pragma: no cover
        spec = None
    if spec is None or spec.origin is None:
        raise ImportError(
            "nn.datasets: this loader reads the data files bundled with scikit-learn, which is "
            "not installed. Install it with `pip install scikit-learn` (no download of the data "
            "itself is needed)."
        )
    return os.path.join(os.path.dirname(spec.origin), "datasets", "data")


def _read_csv_with_header(name: str) -> tuple[np.ndarray, np.ndarray]:
    # scikit-learn's format: first row "n_samples, n_features, class names…", then rows.
    path = os.path.join(_sklearn_data_dir(), name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt") as f:
        reader = csv.reader(f)
        header = next(reader)
        n, d = int(header[0]), int(header[1])
        x = np.empty((n, d))
        y = np.empty(n, dtype=np.int64)
        for i, row in enumerate(reader):
            x[i] = np.asarray(row[:-1], dtype=np.float64)
            y[i] = int(row[-1])
    return x, y


def _pack(x: np.ndarray, y: np.ndarray, regression: bool = False) -> tuple[Tensor, Tensor]:
    xt = ac.tensor(x.astype(np.float32))
    yt = ac.tensor(y.astype(np.float32 if regression else np.int64))
    return xt, yt


def load_iris() -> tuple[Tensor, Tensor]:
    """Fisher's Iris: 150 flowers × 4 measurements (sepal length/width, petal length/width in
    cm), 3 species (0 setosa, 1 versicolor, 2 virginica).

    Example:
        >>> import nn
        >>> x, y = nn.datasets.load_iris()
        >>> x.shape, sorted(set(y.tolist()))
        ((150, 4), [0, 1, 2])
    """
    return _pack(*_read_csv_with_header("iris.csv"))


def load_breast_cancer() -> tuple[Tensor, Tensor]:
    """Wisconsin breast cancer: 569 samples × 30 features; 0 malignant, 1 benign."""
    return _pack(*_read_csv_with_header("breast_cancer.csv"))


def load_digits() -> tuple[Tensor, Tensor]:
    """Handwritten digits: 1,797 images of 8×8 pixels with values 0–16, flattened to 64
    features; classes 0–9. Divide by 16 to scale to [0, 1]."""
    path = os.path.join(_sklearn_data_dir(), "digits.csv.gz")
    data = np.loadtxt(path, delimiter=",")
    return _pack(data[:, :-1], data[:, -1].astype(np.int64))


def load_diabetes() -> tuple[Tensor, Tensor]:
    """Diabetes progression: 442 patients × 10 raw features (age, sex, bmi, bp, s1–s6) and a
    quantitative measure of progression one year later (a float32 regression target)."""
    base = _sklearn_data_dir()
    x = np.loadtxt(os.path.join(base, "diabetes_data_raw.csv.gz"))
    y = np.loadtxt(os.path.join(base, "diabetes_target.csv.gz"))
    return _pack(x, y, regression=True)


def make_xor(
    repeats: int = 1, noise: float = 0.0, generator: Generator | None = None
) -> tuple[Tensor, Tensor]:
    """The XOR truth table: x ∈ {0, 1}², y = x₁ ⊕ x₂ (float32 targets of shape (n, 1), for a
    sigmoid output). ``repeats`` copies, with optional Gaussian ``noise`` on the inputs.

    Example:
        >>> import nn
        >>> x, y = nn.datasets.make_xor()
        >>> x.tolist(), y.reshape(-1).tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    x = np.tile(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64), (repeats, 1))
    y = np.logical_xor(x[:, 0], x[:, 1]).astype(np.float64)[:, None]
    if noise:
        x = x + noise * rng_of(generator).standard_normal(x.shape)
    return _pack(x, y, regression=True)


def make_moons(
    n_samples: int = 200, noise: float = 0.1, generator: Generator | None = None
) -> tuple[Tensor, Tensor]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` construction): class 0 on
    the upper arc, class 1 on the lower arc shifted by (1, 0.5), plus Gaussian noise."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    x = np.concatenate(
        [
            np.stack([np.cos(t_out), np.sin(t_out)], 1),
            np.stack([1 - np.cos(t_in), 0.5 - np.sin(t_in)], 1),
        ]
    )
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    rng = rng_of(generator)
    if noise:
        x = x + noise * rng.standard_normal(x.shape)
    perm = rng.permutation(n_samples)
    return _pack(x[perm], y[perm])


# The table of the course notes (004): house size (m²) and price (USD).
_HOUSES = np.array(
    [
        [433.71, 61590.60],
        [446.84, 69741.66],
        [582.16, 56292.42],
        [833.68, 113220.61],
        [920.39, 145932.16],
        [931.33, 126830.14],
        [1326.25, 171278.58],
    ]
)


def load_house_prices() -> tuple[Tensor, Tensor]:
    """The seven houses of the course notes: x = size in m² (7, 1), y = price in USD (7, 1).

    Example:
        >>> import nn
        >>> x, y = nn.datasets.load_house_prices()
        >>> x.shape, y.shape
        ((7, 1), (7, 1))
    """
    return _pack(_HOUSES[:, :1], _HOUSES[:, 1:], regression=True)


def make_house_prices(
    n_samples: int = 100, noise: float = 15000.0, generator: Generator | None = None
) -> tuple[Tensor, Tensor]:
    """More houses like the notes' table: sizes uniform in [400, 1400] m², price from the
    least-squares line through the seven houses plus Gaussian noise (std ``noise`` USD)."""
    slope, intercept = np.polyfit(_HOUSES[:, 0], _HOUSES[:, 1], 1)
    rng = rng_of(generator)
    size = rng.uniform(400, 1400, (n_samples, 1))
    price = intercept + slope * size + noise * rng.standard_normal((n_samples, 1))
    return _pack(size, price, regression=True)


def load_mnist1d(num_samples: int = 5000) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """MNIST-1D with the published defaults, generated locally: ``(x_train (4000, 40),
    y_train, x_test (1000, 40), y_test)``. ``num_samples`` smaller than 5,000 gives a quick
    subset (same generator, 80/20 split)."""
    from nn.mnist1d import MNIST1DArgs, make_mnist1d

    d = make_mnist1d(MNIST1DArgs(num_samples=num_samples))
    xt, yt = _pack(d["x"], d["y"])
    xv, yv = _pack(d["x_test"], d["y_test"])
    return xt, yt, xv, yv


def train_test_split(
    *arrays: Any, test_size: float = 0.25, shuffle: bool = True, generator: Generator | None = None
) -> list[Tensor]:
    """Split tensors along the first axis into train and test parts:
    ``x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2)``."""
    n = arrays[0].shape[0]
    n_test = int(round(n * test_size)) if isinstance(test_size, float) else int(test_size)
    idx = rng_of(generator).permutation(n) if shuffle else np.arange(n)
    test, train = idx[:n_test], idx[n_test:]
    out: list[Tensor] = []
    for a in arrays:
        data = a.data if isinstance(a, Tensor) else np.asarray(a)
        out += [Tensor(data[train]), Tensor(data[test])]
    return out


def standardize(train: Tensor, *others: Tensor) -> list[Tensor]:
    """Scale features to zero mean and unit variance using the statistics of ``train`` only
    (and apply the same transform to ``others``, e.g. the test set)."""
    mu = train.data.mean(axis=0, keepdims=True)
    sd = train.data.std(axis=0, keepdims=True)
    sd = np.where(sd > 0, sd, 1.0).astype(train.dtype)
    return [Tensor(((t.data - mu) / sd).astype(train.dtype)) for t in (train, *others)]
