"""Devices and array modules: the only file that knows CuPy exists (imported lazily).

With the environment variable ``AUTOGRAD_CORE_FAKE_CUDA=1`` (``pytest --fake-cuda`` sets it),
"CuPy" is the strict CPU stand-in ``autograd_core.testing.fake_cupy``, so ``Device("cuda")``
runs the GPU code path on a machine without one; a dotted module name instead of ``1`` selects
another stand-in. The variable is read once, when CUDA is first asked for.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import TYPE_CHECKING, Any, Union

import numpy

from autograd_core.dtypes import names_a_dtype
from autograd_core.errors import DeviceError

if TYPE_CHECKING:
    Array = Any  # numpy.ndarray | cupy.ndarray

__all__ = [
    "Device",
    "get_array_module",
    "device_of",
    "to_device",
    "require_cuda",
    "is_cuda_available",
    "Shape",
    "parse_to_args",
    "computing_on",
    "FAKE_CUDA_ENV",
    "on_device",
    "is_array",
    "on_host",
    "pointer",
]

FAKE_CUDA_ENV = "AUTOGRAD_CORE_FAKE_CUDA"
_FAKE_CUPY = "autograd_core.testing.fake_cupy"

Shape = tuple[int, ...]

_cupy: Any = None
_cupy_error: BaseException | None = None
# True once CuPy is imported: until then every array is a NumPy array and no op needs to look.
# Only cupy_loaded() changes it; op.apply reads the attribute itself (cheaper than a call).
CUPY_LOADED = "cupy" in sys.modules


def _import_cupy() -> Any:
    global _cupy, _cupy_error
    if _cupy is None and _cupy_error is None:
        fake = os.environ.get(FAKE_CUDA_ENV, "")
        try:
            if fake and fake != "0":
                _cupy = importlib.import_module(_FAKE_CUPY if fake == "1" else fake)
            else:
                import cupy  # noqa: PLC0415  (optional dependency, imported on first use)

                _cupy = cupy
            cupy_loaded()
        except Exception as e:  # ImportError, or a CUDA driver error raised at import
            _cupy_error = e
    return _cupy


def is_cuda_available() -> bool:
    """Return True when CuPy imports and at least one CUDA device answers."""
    cp = _import_cupy()
    if cp is None:
        return False
    try:
        return cp.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def require_cuda() -> Any:
    """Return the cupy module, or raise a DeviceError that carries the original import error."""
    cp = _import_cupy()
    if cp is None:
        raise DeviceError(
            f"CUDA was asked for but CuPy is unavailable ({_cupy_error!r}). "
            "Install the extra with `pip install autograd-core[cuda]` on a machine with an "
            "NVIDIA GPU, or use device='cpu'."
        )
    return cp


class Device:
    """Where a tensor's array lives: ``Device("cpu")`` or ``Device("cuda:0")``.

    Attributes:
        type: ``"cpu"`` or ``"cuda"``.
        index: the CUDA device number (0 for the CPU).
    """

    __slots__ = ("type", "index")

    def __init__(self, spec: str | Device = "cpu") -> None:
        if isinstance(spec, Device):
            self.type, self.index = spec.type, spec.index
            return
        if not isinstance(spec, str):
            raise DeviceError(f"Device: expected a string like 'cpu' or 'cuda:0', got {spec!r}.")
        kind, _, idx = spec.partition(":")
        if kind not in ("cpu", "cuda") or (idx and not idx.isdigit()) or (kind == "cpu" and idx):
            raise DeviceError(
                f"Device: unknown device {spec!r}. Use 'cpu', 'cuda' or 'cuda:N' (a GPU is "
                "'cuda': autograd-core runs on NVIDIA GPUs through CuPy)."
            )
        self.type = kind
        self.index = int(idx) if idx else 0

    @property
    def xp(self) -> Any:
        """The array module (numpy or cupy) that computes on this device."""
        return numpy if self.type == "cpu" else require_cuda()

    def __enter__(self) -> Device:
        """``with ac.device("cuda"):`` makes this the device that creation functions use when
        given none (``ac.set_default_device``) until the block ends, as in PyTorch."""
        from autograd_core.default_device import DEFAULT, set_default_device  # noqa: PLC0415

        _ENTERED.append(DEFAULT.device)
        set_default_device(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        from autograd_core.default_device import DEFAULT  # noqa: PLC0415

        DEFAULT.device = _ENTERED.pop()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = Device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __str__(self) -> str:
        return "cpu" if self.type == "cpu" else f"cuda:{self.index}"

    def __repr__(self) -> str:
        return f"device('{self}')"


CPU = Device("cpu")
_ENTERED: list[Device | None] = []  # the default devices that ``with device:`` blocks replaced
DeviceLike = Union[str, Device]


def cupy_loaded() -> bool:
    """True once CuPy is imported (here or by the caller); until then every array is a NumPy
    array. The one place that sets ``CUPY_LOADED``."""
    global CUPY_LOADED
    if not CUPY_LOADED and ("cupy" in sys.modules or _cupy is not None):
        CUPY_LOADED = True
    return CUPY_LOADED


def get_array_module(*arrays: Any) -> Any:
    """Return cupy if any argument is a cupy array, else numpy (Chainer's rule)."""
    if cupy_loaded():
        cp = _import_cupy()
        if cp is not None:
            for a in arrays:
                if isinstance(a, cp.ndarray):
                    return cp
    return numpy


def device_of(array: Any) -> Device:
    """Return the Device an array lives on."""
    if type(array) is numpy.ndarray or not cupy_loaded():
        return CPU
    cp = _import_cupy()
    if cp is not None and isinstance(array, cp.ndarray):
        return Device(f"cuda:{array.device.id}")
    return CPU


def parse_to_args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """The (device, dtype) asked for by ``.to(...)`` in any of PyTorch's spellings:
    ``to("cuda")``, ``to(ac.float64)``, ``to(other_tensor)``, ``to(device=..., dtype=...)``.
    Either may be None."""
    kwargs = dict(kwargs)
    device = kwargs.pop("device", None)
    dtype = kwargs.pop("dtype", None)
    if kwargs:
        raise TypeError(f"to: unexpected keyword arguments {sorted(kwargs)}.")
    for a in args:
        if isinstance(a, type):  # a NumPy scalar type (np.float32): its class has .dtype too
            dtype = a
        elif hasattr(a, "device") and hasattr(a, "dtype") and hasattr(a, "data"):  # a Tensor
            device, dtype = a.device, a.dtype
        elif isinstance(a, Device) or (
            isinstance(a, str) and a.partition(":")[0] in ("cpu", "cuda")
        ):
            device = a
        elif isinstance(a, str) and not names_a_dtype(a):
            raise DeviceError(
                f"to: {a!r} is neither a device nor a dtype. Use 'cuda' (or 'cuda:N') for an "
                "NVIDIA GPU, 'cpu' for the CPU, or a dtype such as ac.float32."
            )
        else:
            dtype = a
    return device, dtype


def to_device(array: Any, device: DeviceLike) -> Any:
    """Copy ``array`` to ``device`` (no copy when it is already there)."""
    device = Device(device)
    if device.type == "cpu":
        if type(array) is numpy.ndarray:
            return array
        return array.get() if hasattr(array, "get") else numpy.asarray(array)
    cp = _cuda_for(device)
    with cp.cuda.Device(device.index):
        return cp.asarray(array)


def computing_on(*arrays: Any) -> Any:
    """A context in which CuPy computes on the device of ``arrays`` (a no-op on the CPU), so an
    op whose inputs live on ``cuda:1`` launches its kernels there whatever the current device."""
    for a in arrays:
        if type(a) is not numpy.ndarray and cupy_loaded():
            cp = _import_cupy()
            if cp is not None and isinstance(a, cp.ndarray):
                return cp.cuda.Device(a.device.id)
    return contextlib.nullcontext()


def on_device(device: DeviceLike) -> Any:
    """A context in which CuPy allocates and computes on ``device`` (a no-op for the CPU), for
    creating arrays there directly (``ac.zeros(..., device="cuda:1")``)."""
    device = Device(device)
    if device.type == "cpu":
        return contextlib.nullcontext()
    return _cuda_for(device).cuda.Device(device.index)


_device_count: list[int] = []  # filled once: the number of CUDA devices


def _cuda_for(device: Device) -> Any:
    """The cupy module, once ``device`` is known to exist (a DeviceError naming the devices
    there are, rather than CUDA's "invalid device ordinal" at the first kernel)."""
    cp = require_cuda()
    if not _device_count:
        _device_count.append(int(cp.cuda.runtime.getDeviceCount()))
    n = _device_count[0]
    if device.index >= n:
        there = ", ".join(f"cuda:{i}" for i in range(n)) or "none"
        raise DeviceError(
            f"{device}: no such CUDA device; this machine has {n} ({there}). Use one of "
            "those, or ac.cuda.device_count() to choose."
        )
    return cp


def is_array(x: Any) -> bool:
    """True for a NumPy array or an array of the CUDA array module (a CuPy ndarray has no
    ``__array_namespace__`` to recognise it by)."""
    return isinstance(x, numpy.ndarray) or isinstance(x, get_array_module(x).ndarray)


def on_host(array: Any) -> bool:
    """True for an array in host memory (NumPy), which can be read without a device sync."""
    return type(array) is numpy.ndarray or not cupy_loaded() or device_of(array).type == "cpu"


def pointer(array: Any) -> int:
    """The address of an array's first element (NumPy's array interface, CuPy's ``data.ptr``):
    in-place writes through a view compare addresses to find the elements it covers."""
    if isinstance(array, numpy.ndarray):
        return array.__array_interface__["data"][0]
    return int(array.data.ptr)
