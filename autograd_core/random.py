"""Reproducible randomness: a Generator, the default one, and ``manual_seed``.

On the CPU numbers come from NumPy's PCG64. On a CUDA device they are drawn there, by CuPy's
generator for that device (``cupy.random.default_rng``), seeded from the same seed and the
device number, so nothing is copied from the host; as in PyTorch, a seed then gives
reproducible numbers on each device, but not the same numbers on the CPU and on a GPU.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy

from autograd_core.device import CPU, Device, on_device, to_device

__all__ = [
    "Generator",
    "manual_seed",
    "get_rng_state",
    "set_rng_state",
    "default_generator",
    "seed",
    "rng_of",
    "device_rng",
    "watching_draws",
]


class Generator:
    """A source of random numbers with its own state.

    Example:
        >>> import autograd_core as ac
        >>> g = ac.Generator().manual_seed(0)
        >>> a = ac.rand(2, generator=g)
        >>> b = ac.rand(2, generator=ac.Generator().manual_seed(0))
        >>> bool((a == b).all())
        True
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self.rng = numpy.random.default_rng(seed)
        self.device_rngs: dict[int, Any] = {}  # CUDA device number -> its CuPy generator

    def manual_seed(self, seed: int) -> Generator:
        """Reset the state from ``seed`` (on the CPU and on every device) and return self."""
        self._seed = int(seed)
        self.rng = numpy.random.default_rng(self._seed)
        self.device_rngs = {}
        return self

    def on(self, device: Device) -> Any:
        """The generator that draws on ``device``: NumPy's for the CPU, else CuPy's for that
        CUDA device, made on first use from the seed and the device number."""
        if device.type == "cpu":
            return self.rng
        rng = self.device_rngs.get(device.index)
        if rng is None:
            seed = None
            if self._seed is not None:
                words = numpy.random.SeedSequence([self._seed, device.index]).generate_state(2)
                seed = int(words[0]) << 32 | int(words[1])
            with on_device(device):
                rng = device.xp.random.default_rng(seed)
            self.device_rngs[device.index] = rng
        return rng

    def initial_seed(self) -> int | None:
        """The seed last set."""
        return self._seed

    def get_state(self) -> dict[str, Any]:
        """The full state of the CPU stream, as a dict that ``set_state`` accepts
        (checkpointable); the CUDA devices' streams are not part of it."""
        return self.rng.bit_generator.state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a state returned by ``get_state``."""
        self.rng.bit_generator.state = state

    def mark_stream(self, device: Device) -> Any:
        """A mark from which ``replay_stream`` makes the stream on ``device`` draw the same
        numbers again (vmap's ``randomness="same"``). On the CPU it is the exact state; a CuPy
        generator's state cannot be copied, so its stream is restarted from a seed drawn from
        it, and the mark is that seed."""
        if device.type == "cpu":
            return self.get_state()  # a new dict each time (NumPy builds it on every read)
        drawn = self.on(device).integers(0, 2**63 - 1, size=1, dtype=numpy.int64)
        seed = int(to_device(drawn, CPU)[0])
        self.replay_stream(device, seed)
        return seed

    def replay_stream(self, device: Device, mark: Any) -> None:
        """Return the stream on ``device`` to a mark from ``mark_stream``."""
        if device.type == "cpu":
            self.set_state(mark)
            return
        with on_device(device):
            self.device_rngs[device.index] = device.xp.random.default_rng(mark)


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (used when no ``generator=`` is passed)."""
    return default_generator.manual_seed(seed)


def get_rng_state() -> Any:
    """The default generator's CPU state as a uint8 Tensor (``torch.get_rng_state``), which
    ``set_rng_state`` restores. The bytes are the NumPy bit generator's state written as JSON,
    not PyTorch's Mersenne-Twister state: a state moves between autograd-core sessions, not
    between autograd-core and PyTorch. The CUDA devices' streams are not included.

    Example:
        >>> import autograd_core as ac
        >>> state = ac.get_rng_state()
        >>> a = ac.rand(3)
        >>> ac.set_rng_state(state)
        >>> bool((ac.rand(3) == a).all())
        True
    """
    from autograd_core.tensor import Tensor  # random is imported by tensor's dependencies

    text = json.dumps(default_generator.get_state(), sort_keys=True)
    return Tensor._make(numpy.frombuffer(text.encode(), dtype=numpy.uint8).copy(), False, None)


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's CPU state from ``get_rng_state``'s uint8 Tensor
    (``torch.set_rng_state``)."""
    data = getattr(new_state, "data", new_state)
    arr = numpy.asarray(to_device(data, CPU) if not isinstance(data, numpy.ndarray) else data)
    try:
        if arr.dtype != numpy.uint8 or arr.ndim != 1:
            raise ValueError
        state = json.loads(arr.tobytes().decode())
        default_generator.set_state(state)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as e:
        raise RuntimeError(
            f"set_rng_state: expected the uint8 Tensor that ac.get_rng_state() returns, got "
            f"{type(new_state).__name__} of dtype {arr.dtype} and shape {arr.shape}."
        ) from e


def seed() -> int:
    """Seed the default generator from the OS's entropy and return the seed."""
    s = int(numpy.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(s)
    return s


class _Watchers(threading.local):
    """The functions told of every draw in this thread (innermost last)."""

    def __init__(self) -> None:
        self.stack: list[Callable[[Generator, Device], None]] = []


_WATCHERS = _Watchers()


@contextmanager
def watching_draws(watcher: Callable[[Generator, Device], None]) -> Iterator[None]:
    """Call ``watcher(generator, device)`` before every draw this thread makes until the block
    ends: ``rng_of`` and ``device_rng`` are the only ways to the streams, so every random
    function passes here. vmap uses it for its ``randomness`` modes (refuse, or replay)."""
    _WATCHERS.stack.append(watcher)
    try:
        yield
    finally:
        _WATCHERS.stack.remove(watcher)


def _announce(generator: Generator, device: Device) -> None:
    for watcher in list(_WATCHERS.stack):
        watcher(generator, device)


def rng_of(generator: Generator | None) -> numpy.random.Generator:
    """The NumPy generator behind ``generator`` (or the default one)."""
    g = generator or default_generator
    if _WATCHERS.stack:
        _announce(g, CPU)
    return g.rng


def device_rng(generator: Generator | None, device: Device) -> Any:
    """The generator that draws on ``device`` for ``generator`` (or the default one)."""
    g = generator or default_generator
    if _WATCHERS.stack:
        _announce(g, device)
    return g.on(device)
