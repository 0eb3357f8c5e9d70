"""Book-keeping of the CuPy stand-in: the transfer counters, the current device, and the
``flags`` and ``device`` objects a device array hands out."""

from __future__ import annotations

import os
import traceback
from typing import Any

import numpy

__all__ = ["Transfers", "TRANSFERS", "STATE", "Flags", "DeviceId", "quiet"]


class Transfers:
    """Counts of copies between host and device since the last ``reset()``.

    Attributes:
        h2d: host→device copies (``cupy.asarray(host)``, ``set``, host indices and values).
        d2h: device→host copies (``get``, ``asnumpy``, ``item``, ``float()``, ``bool()`` ...).
        sites: with ``trace = True``, ``(kind, "file:line")`` of the caller outside the stand-in
            for each copy, to find where a leak comes from.
    """

    def __init__(self) -> None:
        self.trace = False
        self.reset()

    def reset(self) -> None:
        """Set both counts to zero and forget the sites."""
        self.h2d = 0
        self.d2h = 0
        self.sites: list[tuple[str, str]] = []

    def count(self, kind: str) -> None:
        """Record one copy of ``kind`` (``"h2d"`` or ``"d2h"``)."""
        setattr(self, kind, getattr(self, kind) + 1)
        if self.trace:
            stack = traceback.extract_stack()[:-1]
            frames = [f for f in stack if not os.path.basename(f.filename).startswith("fake_cupy")]
            site = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            self.sites.append((kind, site))

    def __repr__(self) -> str:
        return f"Transfers(h2d={self.h2d}, d2h={self.d2h})"


TRANSFERS = Transfers()


class _State:
    """The current device (``cupy.cuda.Device``) and how many devices the stand-in has."""

    def __init__(self) -> None:
        self.current = 0
        self.count = int(os.environ.get("AUTOGRAD_CORE_FAKE_CUDA_DEVICES", "1"))
        # stricter than CuPy: refuse float()/int()/bool()/item()/tolist() (only get() and
        # asnumpy copy to the host), to find every implicit sync
        self.strict = os.environ.get("AUTOGRAD_CORE_FAKE_CUDA_STRICT", "") not in ("", "0")


STATE = _State()


class Flags:
    """``cupy.ndarray.flags`` (``cupy/_core/flags.pyx``): three read-only attributes, also
    reachable by name with ``flags["C_CONTIGUOUS"]``."""

    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, c_contiguous: bool, f_contiguous: bool, owndata: bool) -> None:
        self.c_contiguous = c_contiguous
        self.f_contiguous = f_contiguous
        self.owndata = owndata

    def __getitem__(self, name: str) -> bool:
        key = {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous"}
        key["OWNDATA"] = "owndata"
        if name not in key:
            raise KeyError(f"{name} is not defined for cupy.ndarray.flags")
        return getattr(self, key[name])


class DeviceId:
    """What ``cupy.ndarray.device`` gives: an object whose ``id`` is the device number."""

    __slots__ = ("id",)

    def __init__(self, id: int) -> None:  # noqa: A002  (CuPy's name)
        self.id = id

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


def quiet() -> Any:
    """GPU kernels raise no floating-point warnings (1/0 is inf, 0/0 NaN, silently): neither
    do the stand-in's NumPy calls (a fresh errstate each time, so that calls can nest)."""
    return numpy.errstate(all="ignore")
