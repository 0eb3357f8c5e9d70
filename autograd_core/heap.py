"""glibc's heap thresholds, set once at import so that a training step reuses freed memory.

Why. A training step allocates and frees the same arrays every step (activations, gradients,
the head's logits: a few MiB). glibc serves a request of 128 KiB or more with a fresh
``mmap`` and gives its pages back on ``free``, and it gives the top of the heap back to the
system once more than 128 KiB is free there. So the next step's arrays fault every 4 KiB page
in again: ~470 page faults and ~1.5 ms of a 5 ms RNN training step alone in a process
(bench_rnn, 2026-12, AMD EPYC), and the time a step takes depends on what the process did
before it.

glibc adapts by itself: when a program frees an mmapped block of s bytes (s ≤ 32 MiB), it
raises the mmap threshold to s and the trim threshold to 2 s. A process that has once freed
a 32 MiB array is therefore in the state set here; one that has not faults on every step.
``configure`` puts the process in that end state from the start (mmap threshold 32 MiB, the
adaptive maximum on 64-bit glibc; trim threshold 64 MiB), so arrays under 32 MiB come from
the heap and up to 64 MiB of freed memory at its top stays mapped for the next step. Arrays
of 32 MiB and more are mmapped and returned at once, as before.

Cost: a process keeps up to 64 MiB more of freed memory resident than glibc's defaults
would, as glibc's own adaptation already allows. Setting a threshold turns glibc's adaptation
off for the process.

Opt out with the environment variable ``AUTOGRAD_CORE_GLIBC_HEAP=default`` before the first
import. Elsewhere (macOS, Windows, musl) nothing is changed. ``settings()`` says what was
applied.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys

__all__ = ["configure", "settings", "ENV", "MMAP_THRESHOLD", "TRIM_THRESHOLD"]

ENV = "AUTOGRAD_CORE_GLIBC_HEAP"
MMAP_THRESHOLD = 32 << 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # what glibc's adaptation pairs with it
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # <malloc.h>

_applied: dict[str, int] = {}


def configure() -> dict[str, int]:
    """Set glibc's mmap and trim thresholds (see the module docstring) unless the process is
    not on glibc or ``AUTOGRAD_CORE_GLIBC_HEAP=default`` is set; returns ``settings()``."""
    if _applied or os.environ.get(ENV, "").lower() == "default":
        return settings()
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return settings()
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return settings()
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success; a value it refuses leaves that threshold as it was
    if mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1:
        _applied["mmap_threshold"] = MMAP_THRESHOLD
    if mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1:
        _applied["trim_threshold"] = TRIM_THRESHOLD
    return settings()


def settings() -> dict[str, int]:
    """The thresholds this module set, in bytes ({} where it set none)."""
    return dict(_applied)
