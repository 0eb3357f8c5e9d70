"""``cupy.random`` on the stand-in: the Generator API (``cupy/random/_generator_api.pyx``) and
the legacy RandomState (``cupy/random/_generator.py``), drawing "on the device": the samples
are device arrays and no transfer is counted. The streams are NumPy's, not cuRAND's, so a seed
gives different numbers here and on a GPU (as it does between NumPy and CuPy)."""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.testing.fake_cupy_array import ndarray, unwrap, wrap

__all__ = ["Generator", "default_rng", "RandomState", "seed", "get_random_state"]


def _size(size: Any) -> Any:
    return () if size is None else size


def _into(y: Any, out: Any) -> Any:
    if out is None:
        return wrap(y)
    if not isinstance(out, ndarray):
        raise TypeError("out must be a cupy.ndarray")
    out._a[...] = y
    return out


class Generator:
    """``cupy.random.Generator``: ``random``, ``standard_normal``, ``uniform``, ``integers``,
    ``poisson`` (CuPy's Generator has no ``normal``)."""

    def __init__(self, seed: Any = None) -> None:
        self._rng = numpy.random.default_rng(seed)

    def random(self, size: Any = None, dtype: Any = numpy.float64, out: Any = None) -> Any:
        dt = numpy.dtype(dtype)
        y = self._rng.random(_size(size), dtype=numpy.float64 if dt.char == "d" else numpy.float32)
        return _into(y.astype(dt, copy=False), out)

    def standard_normal(self, size: Any = None, dtype: Any = numpy.float64, out: Any = None) -> Any:
        dt = numpy.dtype(dtype if out is None else out.dtype)
        if dt.char not in "fd":
            raise TypeError(f"Unsupported dtype {dt.name} for standard_normal")
        return _into(self._rng.standard_normal(_size(size), dtype=dt), out)

    def uniform(self, low: Any = 0.0, high: Any = 1.0, size: Any = None,
                dtype: Any = numpy.float64) -> Any:  # fmt: skip
        y = self._rng.uniform(unwrap(low), unwrap(high), _size(size))
        return wrap(y.astype(dtype, copy=False))

    def integers(self, low: Any, high: Any = None, size: Any = None, dtype: Any = numpy.int64,
                 endpoint: bool = False) -> Any:  # fmt: skip
        y = self._rng.integers(low, high, _size(size), dtype=dtype, endpoint=endpoint)
        return wrap(numpy.asarray(y))

    def poisson(self, lam: Any = 1.0, size: Any = None) -> Any:
        """int64 samples; ``lam`` is a device array or a Python float or int, as in CuPy."""
        if not isinstance(lam, ndarray) and type(lam) not in (float, int):
            raise TypeError("lam is required to be a cupy.ndarray or a scalar")
        rates = numpy.asarray(unwrap(lam), dtype=numpy.float64)
        shape = rates.shape if size is None else size
        return wrap(self._rng.poisson(numpy.broadcast_to(rates, shape)).astype(numpy.int64))


def default_rng(seed: Any = None) -> Generator:
    """``cupy.random.default_rng``: a Generator (given one, returns it unaltered)."""
    return seed if isinstance(seed, Generator) else Generator(seed)


class RandomState:
    """``cupy.random.RandomState``: the legacy interface (float64 unless ``dtype`` says)."""

    def __init__(self, seed: Any = None) -> None:
        self.seed(seed)

    def seed(self, seed: Any = None) -> None:
        self._rng = numpy.random.RandomState(seed)

    def rand(self, *size: int, dtype: Any = float) -> Any:
        return wrap(numpy.asarray(self._rng.random_sample(size)).astype(dtype))

    def randn(self, *size: int, dtype: Any = float) -> Any:
        return wrap(numpy.asarray(self._rng.standard_normal(size)).astype(dtype))

    def random_sample(self, size: Any = None, dtype: Any = float) -> Any:
        return wrap(numpy.asarray(self._rng.random_sample(_size(size))).astype(dtype))

    def standard_normal(self, size: Any = None, dtype: Any = float) -> Any:
        return wrap(numpy.asarray(self._rng.standard_normal(_size(size))).astype(dtype))

    def uniform(self, low: Any = 0.0, high: Any = 1.0, size: Any = None, dtype: Any = float) -> Any:
        y = self._rng.uniform(unwrap(low), unwrap(high), _size(size))
        return wrap(numpy.asarray(y).astype(dtype))

    def normal(self, loc: Any = 0.0, scale: Any = 1.0, size: Any = None, dtype: Any = float) -> Any:
        y = self._rng.normal(unwrap(loc), unwrap(scale), _size(size))
        return wrap(numpy.asarray(y).astype(dtype))

    def randint(self, low: int, high: Any = None, size: Any = None, dtype: Any = int) -> Any:
        return wrap(numpy.asarray(self._rng.randint(low, high, _size(size), dtype=dtype)))

    def permutation(self, a: Any) -> Any:
        return wrap(self._rng.permutation(unwrap(a)))


_GLOBAL = RandomState()


def get_random_state() -> RandomState:
    """The RandomState behind the module-level functions."""
    return _GLOBAL


def seed(seed: Any = None) -> None:
    """Reseed the global RandomState."""
    _GLOBAL.seed(seed)


def __getattr__(name: str) -> Any:
    if name in ("rand", "randn", "random_sample", "standard_normal", "uniform", "normal",
                "randint", "permutation"):  # fmt: skip
        return getattr(_GLOBAL, name)
    if name in ("random", "random_sample"):
        return _GLOBAL.random_sample
    raise AttributeError(f"module 'cupy.random' has no attribute {name!r}")
