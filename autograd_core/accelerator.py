"""``ac.accelerator``: PyTorch's device-neutral questions about the accelerator (here CUDA
through CuPy, the only one this engine drives)."""

from __future__ import annotations

from autograd_core.device import Device, is_cuda_available

__all__ = ["is_available", "current_accelerator", "device_count"]


def is_available() -> bool:
    """True when an accelerator can be used: CuPy imports and a CUDA device answers.

    Example:
        >>> import autograd_core as ac
        >>> ac.accelerator.is_available() == ac.cuda.is_available()
        True
    """
    return is_cuda_available()


def current_accelerator(check_available: bool = False) -> Device | None:
    """The accelerator's device type, ``Device("cuda")``, or None when there is none.

    PyTorch answers from what the build supports, and ``check_available=True`` asks the
    hardware as well; this engine has no build-time accelerator, so it always asks the
    hardware (CuPy and a GPU), and ``check_available`` changes nothing.

    Example:
        >>> import autograd_core as ac
        >>> dev = ac.accelerator.current_accelerator() or ac.device("cpu")
        >>> ac.zeros(2, device=dev).device == dev
        True
    """
    return Device("cuda") if is_cuda_available() else None


def device_count() -> int:
    """The number of accelerator devices (0 without CuPy or a GPU)."""
    from autograd_core import cuda

    return cuda.device_count()
