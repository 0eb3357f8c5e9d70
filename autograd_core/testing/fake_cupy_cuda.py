"""``cupy.cuda`` on the stand-in: the device count, the current device as a context, and
streams that have nothing to wait for (``cupy/cuda/device.pyx``, ``cupy_backends`` runtime)."""

from __future__ import annotations

import types
from typing import Any

from autograd_core.testing.fake_cupy_array import STATE

__all__ = ["Device", "CUDARuntimeError", "runtime", "Stream", "get_current_stream", "is_available"]


class CUDARuntimeError(RuntimeError):
    """``cupy_backends.cuda.api.runtime.CUDARuntimeError``."""


def _get_device_count() -> int:
    return STATE.count


runtime = types.ModuleType("cupy.cuda.runtime")
runtime.getDeviceCount = _get_device_count  # type: ignore[attr-defined]
runtime.CUDARuntimeError = CUDARuntimeError  # type: ignore[attr-defined]
runtime.is_hip = False  # type: ignore[attr-defined]


def _check(id: int) -> None:  # noqa: A002  (CuPy's name)
    if not 0 <= id < STATE.count:
        raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")


class Device:
    """``cupy.cuda.Device(id)``: ``with Device(1):`` makes device 1 current inside the block;
    ``Device()`` is the current device."""

    def __init__(self, device: Any = None) -> None:
        self.id = STATE.current if device is None else int(device)
        self._before: list[int] = []

    def use(self) -> None:
        """Make this device the current one."""
        _check(self.id)
        STATE.current = self.id

    def __enter__(self) -> Device:
        _check(self.id)
        self._before.append(STATE.current)
        STATE.current = self.id
        return self

    def __exit__(self, *exc: Any) -> None:
        STATE.current = self._before.pop()

    def synchronize(self) -> None:
        """Wait for the device (nothing to wait for here)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<CUDA Device {self.id}>"


class Stream:
    """A CUDA stream; work on the stand-in is done when it is issued."""

    def __init__(self, null: bool = False, non_blocking: bool = False) -> None:
        self.null = null

    def synchronize(self) -> None:
        """Wait for the stream (nothing to wait for here)."""

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


_NULL = Stream(null=True)


def get_current_stream() -> Stream:
    """The stream kernels go to (always the null stream here)."""
    return _NULL


def is_available() -> bool:
    """True when the stand-in has at least one device."""
    return STATE.count > 0
