"""Reproducible randomness: a Generator, the default one, and ``manual_seed``.

Random numbers are drawn on the CPU with NumPy's PCG64 and then moved, so a seed gives the same
numbers on every device.
"""

from __future__ import annotations

from typing import Any

import numpy

__all__ = ["Generator", "manual_seed", "default_generator", "seed"]


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

    def manual_seed(self, seed: int) -> Generator:
        """Reset the state from ``seed`` and return self."""
        self._seed = int(seed)
        self.rng = numpy.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int | None:
        """The seed last set."""
        return self._seed

    def get_state(self) -> dict[str, Any]:
        """The full state, as a dict that ``set_state`` accepts (checkpointable)."""
        return self.rng.bit_generator.state

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore a state returned by ``get_state``."""
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (used when no ``generator=`` is passed)."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the OS's entropy and return the seed."""
    s = int(numpy.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(s)
    return s


def rng_of(generator: Generator | None) -> numpy.random.Generator:
    """The NumPy generator behind ``generator`` (or the default one)."""
    return (generator or default_generator).rng
