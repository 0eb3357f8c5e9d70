"""The device that creation functions use when none is given (``ac.set_default_device``)."""

from __future__ import annotations

from typing import Any

from autograd_core.device import CPU, Device, require_cuda

__all__ = ["set_default_device", "get_default_device", "DEFAULT"]


class _Default:
    # None while the default is the CPU: creation then skips the device move altogether.
    device: Device | None = None


DEFAULT = _Default()


def set_default_device(device: Any) -> None:
    """Make ``device`` the one that ``ac.tensor``, ``zeros``, ``randn``, ``arange`` ... use when
    no ``device=`` is given; ``None`` or ``"cpu"`` restores the CPU. ``*_like`` functions and
    ops keep following their inputs' device.

    Process-wide, as PyTorch's (which is per thread only through its context manager).

    Raises:
        DeviceError: an unknown device, or ``"cuda"`` where CuPy or a GPU is missing (raised
            now rather than at the next ``ac.zeros``).

    Example:
        >>> import autograd_core as ac
        >>> ac.set_default_device("cpu"); ac.zeros(2).device
        device('cpu')
    """
    dev = CPU if device is None else Device(device)
    if dev.type == "cuda":
        require_cuda()
    DEFAULT.device = None if dev == CPU else dev


def get_default_device() -> Device:
    """The device creation functions use when none is given (the CPU unless changed)."""
    return CPU if DEFAULT.device is None else DEFAULT.device
