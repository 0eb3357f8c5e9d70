"""Range checks of integer indices (class targets, embedding rows) that never wait for a GPU.

Reading ``int(idx.max())`` of a device array copies it to the host and stalls the device
(a synchronisation in every training step). So indices are checked where they live:

- indices the user gave as host data (a list, a NumPy array, a CPU tensor) are checked on the
  host, before they move, and an out-of-range value raises IndexError at once;
- indices already on a device are checked by the device: the caller gets a boolean mask of the
  bad items and turns their results into NaN, which the user sees in the loss they read (PyTorch
  raises a device-side assert instead; CuPy would silently wrap the index around).
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.device import device_of, get_array_module
from autograd_core.tensor import Tensor

__all__ = ["host_indices", "check_index_range", "poison"]


def host_indices(data: Any) -> Any:
    """The indices ``data`` as a flat host array when the user gave them as host data, else
    None (a Tensor or array already on a device)."""
    if isinstance(data, Tensor):
        return data.data.reshape(-1) if data.device.type == "cpu" else None
    if hasattr(data, "dtype") and hasattr(data, "shape"):
        return data.reshape(-1) if device_of(data).type == "cpu" else None
    return ac.tensor(data).data.reshape(-1)


def check_index_range(
    name: str,
    what: str,
    idx: Any,
    n: int,
    host: Any,
    fix: str,
    *,
    ignore: int | None = None,
    unit: str = "",
) -> Any:
    """Check that the indices ``idx`` (flat, on the computing device) lie in [0, ``n``),
    skipping those equal to ``ignore``.

    With ``host`` (the same indices on the host, from ``host_indices``) an out-of-range value
    raises IndexError, read on the host. Without, nothing is read: the result is a device mask
    of the out-of-range items for ``poison``.

    Raises:
        IndexError: ``<name>: <what> must lie in [0, n)<unit>; got values from a to b. <fix>``.
    """
    if host is not None:
        h = host if ignore is None else host[host != ignore]
        if h.size and (int(h.min()) < 0 or int(h.max()) >= n):
            raise IndexError(
                f"{name}: {what} must lie in [0, {n}){unit}; got values from {int(h.min())} to "
                f"{int(h.max())}. {fix}"
            )
        return None
    bad = (idx < 0) | (idx >= n)
    return bad if ignore is None else bad & (idx != ignore)


def poison(values: Any, bad: Any) -> Any:
    """``values`` (an array whose leading axes are those of ``bad``) with NaN where ``bad``."""
    if bad is None:
        return values
    xp = get_array_module(values)
    mask = bad.reshape(bad.shape + (1,) * (values.ndim - bad.ndim))
    return xp.where(mask, xp.nan, values).astype(values.dtype, copy=False)
