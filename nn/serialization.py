"""Safe checkpoints: ``nn.save(obj, path)`` and ``nn.load(path)``, as ``.npz`` or ``.safetensors``.

An ``.npz`` checkpoint is a plain NumPy zip archive: every array is one ``.npy`` member, and one
more member, ``__structure__``, holds a JSON index of the nested dicts, lists and Python scalars
around them (optimizer hyperparameters, epoch numbers, a random generator's 128-bit state); see
``nn/checkpoint_index.py``. A ``.safetensors`` file holds one flat dict of named tensors (a
``state_dict``) in the pickle-free format PyTorch and Hugging Face tools read and write.

Loading never executes code (no pickle; ``json.loads``; array bytes read with the dtype the
header names) and treats the file as hostile: every malformed input raises
:class:`CheckpointError`, and no more than ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`) is
decompressed or read, each member's header being checked against the index before its data.
Writing is atomic: the file is written to a temporary file in the destination directory,
fsync'ed, then renamed over the old file with ``os.replace``, so a crash mid-save leaves the
previous checkpoint intact; see ``nn/atomic_write.py`` for file modes and stale temporaries.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np  # file format code: arrays are written from the host

from autograd_core.device import Device, is_array, to_device
from autograd_core.tensor import Tensor
from nn.atomic_write import atomic_write
from nn.checkpoint_index import CheckpointError, decode, encode
from nn.npz_io import NpzReader, write_npz
from nn.safetensors_io import read_safetensors, write_safetensors

__all__ = ["save", "load", "CheckpointError", "DEFAULT_MAX_BYTES", "FORMATS"]

FORMAT = "autograd-core-checkpoint"
VERSION = 1
FORMATS = ("npz", "safetensors")
# The most data nn.load decompresses or reads unless told otherwise: 4 GiB, about a billion
# float32 weights, larger than any model this NumPy engine trains in reasonable time.
DEFAULT_MAX_BYTES = 4 * 2**30


def _format(path: str, fmt: str | None, api: str) -> str:
    if fmt is None:
        return "safetensors" if path.lower().endswith(".safetensors") else "npz"
    if fmt not in FORMATS:
        raise ValueError(f"{api}: unknown format {fmt!r}. Use one of {FORMATS} (or None).")
    return fmt


def save(
    obj: Any,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    overwrite_readonly: bool = False,
) -> None:
    """Write ``obj`` (a state dict, or a dict of them) to ``path`` atomically.

    Args:
        obj: for ``.npz``, nested dicts/lists/tuples of Tensors, arrays, numbers, strings and
            None; for ``.safetensors``, a flat dict of named Tensors or arrays (a state dict).
        path: the file. Its mode is ``0o666`` less the umask, as ``open()`` would make it.
        format: ``"npz"`` or ``"safetensors"``; ``None`` picks safetensors for a
            ``.safetensors`` suffix and npz otherwise.
        overwrite_readonly: replace ``path`` even if it is read-only (mode 0o444).

    Raises:
        TypeError: ``obj`` holds something the format cannot store without pickle.
        PermissionError: ``path`` is read-only and ``overwrite_readonly`` is false.

    Example:
        >>> import os, tempfile
        >>> import nn
        >>> model = nn.Linear(3, 2)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> nn.save({"model": model.state_dict(), "epoch": 3}, path)
        >>> ckpt = nn.load(path)
        >>> ckpt["epoch"], ckpt["model"]["weight"].shape
        (3, (2, 3))
        >>> nn.save(model.state_dict(), path.replace(".npz", ".safetensors"))
        >>> sorted(nn.load(path.replace(".npz", ".safetensors")))
        ['bias', 'weight']
    """
    path = os.fspath(path)
    if _format(path, format, "nn.save") == "safetensors":
        atomic_write(
            path, lambda f: write_safetensors(f, obj), overwrite_readonly=overwrite_readonly
        )
        return
    arrays: dict[str, np.ndarray] = {}
    structure = encode(obj, "", arrays)
    header = json.dumps({"format": FORMAT, "version": VERSION, "root": structure})
    atomic_write(
        path, lambda f: write_npz(f, header, arrays), overwrite_readonly=overwrite_readonly
    )


def _check_header(header: Any, path: str) -> Any:
    """The ``root`` of a parsed index, after checking its format and version fields."""
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"nn.load: {path!r} is not an {FORMAT} file.")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or "root" not in header:
        raise CheckpointError(
            f"nn.load: {path!r}: the index has version {version!r:.40} and keys "
            f"{sorted(header)!r:.80}; it needs an int version and a root. The file is corrupt."
        )
    if version > VERSION:
        raise CheckpointError(
            f"nn.load: {path!r} was written by a newer version (format {version}); upgrade "
            "autograd-core to read it."
        )
    return header["root"]


def load(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    map_location: Any = None,
) -> Any:
    """Read a checkpoint written by ``save``; tensors come back as CPU Tensors (move them
    with ``model.load_state_dict``, which copies to each parameter's device), or on
    ``map_location`` when given (PyTorch's name: ``map_location="cuda"``).

    Args:
        path: the file.
        format: ``"npz"`` or ``"safetensors"``; ``None`` picks from the suffix as ``save``.
        max_bytes: the most bytes the file may claim once decompressed and ``load`` may read
            (default :data:`DEFAULT_MAX_BYTES`, 4 GiB); ``None`` for no limit.
        map_location: a device (``"cpu"``, ``"cuda"``, ``"cuda:1"``, an ``ac.device``) to
            put every tensor on, whatever device it was saved from.

    Raises:
        FileNotFoundError: no file at ``path``.
        CheckpointError: the file is truncated, corrupt, larger than ``max_bytes``, or not a
            checkpoint of this format.
    """
    path = os.fspath(path)
    fmt = _format(path, format, "nn.load")
    if max_bytes is not None and (not isinstance(max_bytes, int) or max_bytes < 0):
        raise ValueError(
            f"nn.load: max_bytes must be a non-negative int or None; got {max_bytes!r}."
        )
    if not os.path.exists(path):
        raise FileNotFoundError(f"nn.load: no checkpoint at {path!r}.")
    if map_location is not None:
        device = Device(map_location)  # refuse a bad device before reading the file
        return _moved(load(path, format=format, max_bytes=max_bytes), device)
    if fmt == "safetensors":
        return read_safetensors(path, max_bytes)
    with NpzReader(path, max_bytes) as reader:
        root = _check_header(reader.read_index(), path)
        try:
            return decode(root, reader.read_array)
        except CheckpointError:
            raise
        # A safety net under decode's own checks: whatever the index holds, a malformed
        # file must surface as a CheckpointError (the cause stays chained).
        except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as e:
            raise CheckpointError(
                f"nn.load: {path!r}: the index is malformed ({type(e).__name__}: {str(e):.200});"
                " the file is corrupt."
            ) from e


def _moved(obj: Any, device: Device) -> Any:
    """``obj`` as ``load`` decoded it, with every Tensor and array moved to ``device``."""
    if isinstance(obj, Tensor):
        return obj.to(device)
    if is_array(obj):
        return to_device(obj, device)
    if isinstance(obj, dict):
        return {k: _moved(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_moved(v, device) for v in obj)
    return obj
