"""Host workspaces: NumPy arrays that an op reuses from one training step to the next.

Why: an op that allocates several megabytes per call (the fused LSTM saves its gates, states
and cells for T steps) pays for fresh pages every step. glibc hands large freed blocks back
to the system, and NumPy's next ``empty`` of the same size faults every 4 KiB page in again:
~1 µs per page, ~4 ms of a 14 ms LSTM training step (bench_rnn, 2026-12). Keeping the blocks
in a pool owned by the op avoids it whatever glibc's thresholds are (heap.py raises them at
import, but a user may keep glibc's defaults), and its blocks start on a cache line.

Rules that keep it safe (no array is ever in two hands):

- ``take`` removes an array from the pool; only the op that took it writes it.
- An op gives back only arrays that nobody else can hold: its own scratch buffers when it has
  finished with them, and its saved arrays from ``Op.release`` (after its VJP ran without
  ``retain_graph``). Outputs, gradients it returns and anything a caller could keep a view
  of are never given back.
- Only NumPy arrays are pooled. On a device CuPy's memory pool already reuses blocks, so
  ``take`` there is ``xp.empty``/``xp.zeros`` and ``give`` ignores the arrays.
- A pool holds at most ``max_bytes``; giving back more evicts the arrays of the shapes used
  least recently (an op's arrays from an old sequence length go first). ``clear`` empties it.

Alignment. Every NumPy array ``take`` makes starts on a 64-byte boundary (``aligned_empty``).
NumPy's own large arrays come from ``mmap`` and start 16 bytes past a page, so each AVX-512
vector of an elementwise loop straddles two cache lines, and OpenBLAS's small-matrix SGEMM
reads a misaligned B operand slowly. Measured here (2026-12, OpenBLAS 0.3.31, SkylakeX, one
thread): a (4, 32, 128) float32 ``add`` 3.4 µs misaligned against 1.7 µs aligned, a
(32, 128) @ (128, 128) SGEMM 7.9 µs against 6.0 µs with a misaligned B.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any

import numpy

__all__ = ["Workspace", "empty_workspaces", "aligned_empty", "ALIGN"]

_ALL: weakref.WeakSet[Workspace] = weakref.WeakSet()  # every pool, for empty_workspaces
ALIGN = 64  # bytes: a cache line, and an AVX-512 vector
_BUFFERS: weakref.WeakValueDictionary[int, numpy.ndarray] = weakref.WeakValueDictionary()


def aligned_empty(xp: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """An uninitialised C-contiguous array whose data starts on an ``ALIGN``-byte boundary:
    on the host a view of a private byte buffer ``ALIGN`` bytes longer than the array (which
    ``Workspace.give`` recognises as whole), on a device ``xp.empty`` (CuPy aligns its blocks).

    Example:
        >>> import numpy as np
        >>> aligned_empty(np, (3, 5), np.float32).ctypes.data % ALIGN
        0
    """
    if xp is not numpy:
        return xp.empty(shape, dtype)
    dtype = numpy.dtype(dtype)
    nbytes = int(numpy.prod(shape, dtype=numpy.int64)) * dtype.itemsize
    raw = numpy.empty(nbytes + ALIGN, numpy.uint8)
    _BUFFERS[id(raw)] = raw  # while it lives: how ``_whole`` knows it
    start = -raw.ctypes.data % ALIGN
    return raw[start : start + nbytes].view(dtype).reshape(shape)


def _whole(a: numpy.ndarray) -> bool:
    """Whether ``a`` owns its memory or is a whole ``aligned_empty`` array (not a part of one,
    and not a view of anybody else's array)."""
    raw = a.base
    if raw is None:
        return True
    mine = _BUFFERS.get(id(raw)) is raw
    return mine and raw.nbytes == a.nbytes + ALIGN and a.flags.c_contiguous


def empty_workspaces() -> int:
    """Drop the arrays every op's host workspace keeps between training steps and return how
    many bytes they held: the CPU counterpart of ``torch.cuda.empty_cache``. Nothing slows
    down for good; the next step allocates its blocks afresh (and faults their pages in).

    Example:
        >>> import autograd_core as ac
        >>> ac.empty_workspaces() >= 0
        True
    """
    return sum(ws.clear() for ws in list(_ALL))


class Workspace:
    """A pool of free NumPy arrays keyed by (shape, dtype), at most ``max_bytes`` of them.

    Example:
        >>> import numpy as np
        >>> ws = Workspace(max_bytes=1 << 20)
        >>> a = ws.take(np, (4, 3), np.float32)
        >>> ws.give(a)
        >>> ws.take(np, (4, 3), np.float32) is a
        True
    """

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._free: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # backward passes may run in several threads
        _ALL.add(self)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays the pool holds now."""
        return self._bytes

    def take(self, xp: Any, shape: tuple[int, ...], dtype: Any, zero: bool = False) -> Any:
        """An array of ``shape`` and ``dtype`` for the caller alone (uninitialised unless
        ``zero``): one from the pool when it has one, else a new ``aligned_empty`` one."""
        if xp is not numpy:
            return xp.zeros(shape, dtype) if zero else xp.empty(shape, dtype)
        key = (tuple(shape), numpy.dtype(dtype).str)
        with self._lock:
            arrays = self._free.get(key)
            a = arrays.pop() if arrays else None
            if a is not None:
                self._bytes -= a.nbytes
                if not arrays:  # no empty lists: eviction takes the oldest key's last array
                    del self._free[key]
        if a is None:
            a = aligned_empty(numpy, shape, dtype)
        if zero:
            a.fill(0)
        return a

    def give(self, *arrays: Any) -> None:
        """Return arrays that nobody else holds (see the module's rules); None is skipped."""
        for a in arrays:
            if type(a) is not numpy.ndarray or not _whole(a) or a.nbytes > self.max_bytes:
                continue  # a device array, a view, or too big to keep
            key = (a.shape, a.dtype.str)
            with self._lock:
                self._free.setdefault(key, []).append(a)
                self._free.move_to_end(key)
                self._bytes += a.nbytes
                while self._bytes > self.max_bytes:
                    self._evict_oldest()

    def _evict_oldest(self) -> None:
        key, arrays = next(iter(self._free.items()))
        self._bytes -= arrays.pop().nbytes
        if not arrays:
            del self._free[key]

    def clear(self) -> int:
        """Drop every pooled array (their memory goes back to the allocator); return the
        bytes they held."""
        with self._lock:
            freed, self._bytes = self._bytes, 0
            self._free.clear()
        return freed
