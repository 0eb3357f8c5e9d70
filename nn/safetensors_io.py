"""``.safetensors`` files for ``nn.save``/``nn.load``, through the ``safetensors`` package.

safetensors (https://huggingface.co/docs/safetensors) is the weight format of the PyTorch and
Hugging Face ecosystem that needs no pickle: a JSON header of names, dtypes, shapes and byte
offsets, then the raw bytes. It holds one flat mapping from names to arrays, which is exactly a
``state_dict``; full training checkpoints (optimizer state, epoch, history) stay ``.npz``. The
package checks the header and the offsets against the file's size itself, and nothing is
compressed, so a file cannot claim more data than it has bytes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

import numpy as np  # file format code: arrays are written from the host

from autograd_core.device import is_array, to_device
from autograd_core.tensor import Tensor
from nn.checkpoint_index import CheckpointError

__all__ = ["safetensors_bytes", "write_safetensors", "read_safetensors"]


def safetensors_bytes(obj: Any) -> bytes:
    """The ``.safetensors`` encoding of ``obj``, a flat mapping from str to Tensors or arrays."""
    from safetensors.numpy import save

    if not isinstance(obj, Mapping):
        raise TypeError(
            f"nn.save: a .safetensors file holds a flat dict of named tensors, not a "
            f"{type(obj).__name__}. Save model.state_dict(), or use a .npz path for other "
            "objects."
        )
    arrays = {}
    for key, value in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"nn.save: .safetensors names must be str; got key {key!r}.")
        if not (isinstance(value, Tensor) or is_array(value)):
            raise TypeError(
                f"nn.save: a .safetensors file holds only tensors, but {key!r} has type "
                f"{type(value).__name__}. Save model.state_dict() alone, or use a .npz path for "
                "full checkpoints (optimizer state, epoch, history)."
            )
        data = value.data if isinstance(value, Tensor) else value
        arrays[key] = np.asarray(to_device(data, "cpu"), order="C")  # keeps 0-d arrays 0-d
    try:
        return save(arrays)
    except Exception as e:  # SafetensorError or ValueError on an unsupported dtype
        dtypes = sorted({str(a.dtype) for a in arrays.values()})
        raise TypeError(
            f"nn.save: safetensors cannot store these arrays ({type(e).__name__}: {e}); dtypes "
            f"{dtypes}. Cast to float32/float64/int64/bool, or use a .npz path."
        ) from e


def write_safetensors(f: IO[bytes], obj: Any) -> None:
    """Write ``obj`` (see ``safetensors_bytes``) to the open binary file ``f``."""
    f.write(safetensors_bytes(obj))


def read_safetensors(path: str, max_bytes: int | None) -> dict[str, Tensor]:
    """Every tensor in the file, by name, as CPU Tensors (sorted by name)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    size = os.path.getsize(path)
    if max_bytes is not None and size > max_bytes:
        raise CheckpointError(
            f"nn.load: {path!r} has {size:,} bytes, more than max_bytes={max_bytes:,}. If you "
            "trust the file, pass a larger max_bytes (or max_bytes=None)."
        )
    try:
        arrays = load_file(path)
    except (SafetensorError, ValueError, TypeError, OSError, KeyError) as e:
        raise CheckpointError(
            f"nn.load: {path!r} is not a readable .safetensors file ({type(e).__name__}: "
            f"{str(e):.200}). It may be truncated, corrupt, or hold a dtype NumPy lacks "
            "(bfloat16, float8: convert it in PyTorch with .float() before saving)."
        ) from e
    # load_file copies the data out of the file into a writable buffer per array
    return {k: Tensor(a) for k, a in arrays.items()}
