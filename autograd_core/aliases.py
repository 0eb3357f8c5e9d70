"""Names a PyTorch user guesses: ``autograd_core.nn``/``autograd_core.optim`` as aliases of the
top-level ``nn`` and ``optim`` packages (and ``autograd_core.utils.data`` of ``nn.data``), and
``ac.device("cpu")`` as PyTorch's constructor.

``nn`` and ``optim`` import ``autograd_core``, so ``autograd_core`` cannot import them when it
loads; the aliases are resolved lazily, on first use, by a meta-path finder that maps
``autograd_core.nn[.sub]`` to ``nn[.sub]`` (the same module objects, never a second copy).

``autograd_core.device`` is the device module that the engine imports; ``install`` makes that
module callable, so ``ac.device("cuda:1")`` builds a ``Device`` and ``isinstance(d,
ac.device)`` holds for one, while ``import autograd_core.device`` and ``from autograd_core.device
import Device`` keep working unchanged.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

from autograd_core.device import Device
from autograd_core.errors import DeviceError

__all__ = ["PACKAGE_ALIASES", "make_device", "install", "real_module_name"]

PACKAGE_ALIASES = {
    "autograd_core.nn": "nn",
    "autograd_core.optim": "optim",
    "autograd_core.utils.data": "nn.data",  # torch.utils.data's place
}


def real_module_name(fullname: str) -> str | None:
    """``nn.functional`` for ``autograd_core.nn.functional``; None for any other name."""
    for alias, real in PACKAGE_ALIASES.items():
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias) :]
    return None


class PackageAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import ``autograd_core.nn[.x]`` as the already importable ``nn[.x]``.

    The loader replaces the placeholder module in ``sys.modules`` by the real one, which the
    import system then returns (and binds as the parent's attribute). It sits first on
    ``sys.meta_path`` so that ``autograd_core.nn.functional`` is never found a second time
    through ``nn``'s ``__path__`` as a separate copy.
    """

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if real_module_name(fullname) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        real = real_module_name(module.__name__)
        assert real is not None  # find_spec only answers for aliased names
        sys.modules[module.__name__] = importlib.import_module(real)


def make_device(type: Any = "cpu", index: int | None = None) -> Device:  # noqa: A002
    """PyTorch's ``torch.device(...)`` spellings as a ``Device``: ``("cpu")``, ``("cuda")``,
    ``("cuda:1")``, ``("cuda", 1)``, ``(1)`` (CUDA device 1) or an existing Device.

    Raises:
        DeviceError: an unknown device string, or an index given twice or for the CPU.
    """
    if isinstance(type, Device) and index is None:
        return Device(type)
    if isinstance(type, int) and not isinstance(type, bool) and index is None:
        return Device(f"cuda:{type}")
    if not isinstance(type, str):
        raise DeviceError(
            f"device: expected a string like 'cpu' or 'cuda:0' (or a CUDA index), got {type!r}. "
            "Write ac.device('cpu') or ac.device('cuda', 0)."
        )
    if index is None:
        return Device(type)
    if ":" in type or type != "cuda":
        raise DeviceError(
            f"device: index {index!r} given with {type!r}; only 'cuda' takes an index. "
            "Write ac.device('cuda', 1) or ac.device('cuda:1')."
        )
    return Device(f"cuda:{int(index)}")


class CallableDeviceModule(types.ModuleType):
    """The class given to the ``autograd_core.device`` module: calling the module constructs a
    Device (``make_device``), and ``isinstance(x, ac.device)`` tests for a Device, as
    ``torch.device`` does."""

    def __call__(self, type: Any = "cpu", index: int | None = None) -> Device:  # noqa: A002
        return make_device(type, index)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, Device)


_FINDER = PackageAliasFinder()


def install() -> None:
    """Put the package-alias finder first on ``sys.meta_path`` (once) and make the device
    module callable."""
    if not any(isinstance(f, PackageAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)
    module = sys.modules["autograd_core.device"]
    if not isinstance(module, CallableDeviceModule):
        module.__class__ = CallableDeviceModule
