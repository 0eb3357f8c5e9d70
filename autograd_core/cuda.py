"""``ac.cuda``: whether a CUDA device can be used (CuPy is optional)."""

from __future__ import annotations

from autograd_core.device import is_cuda_available

__all__ = ["is_available", "device_count"]


def is_available() -> bool:
    """True when CuPy is installed and a CUDA device answers."""
    return is_cuda_available()


def device_count() -> int:
    """The number of CUDA devices (0 without CuPy)."""
    if not is_cuda_available():
        return 0
    from autograd_core.device import require_cuda

    return int(require_cuda().cuda.runtime.getDeviceCount())
