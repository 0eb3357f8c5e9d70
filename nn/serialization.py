"""Safe checkpoints: ``nn.save(obj, path)`` and ``nn.load(path)`` in a ``.npz`` file.

The file is a plain NumPy zip archive: every array is one ``.npy`` member, and one more member,
``__structure__``, holds a JSON description of the nested dicts, lists and Python scalars
around them (optimizer hyperparameters, epoch numbers, a random generator's 128-bit state).
Loading never executes code (``np.load(allow_pickle=False)``, ``json.loads``), so a checkpoint
from an untrusted source cannot run anything. Writing is atomic: the archive is written to a
temporary file in the destination directory, flushed and fsync'ed, then renamed over the old
file with ``os.replace``, so a crash mid-save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from typing import Any

import numpy as np  # file format code: arrays are written from the host

from autograd_core.device import to_device
from autograd_core.tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

FORMAT = "autograd-core-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint file is missing, corrupt, truncated, or not in this format."""


def _encode(obj: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-able description of ``obj``; arrays are stored aside under their key path."""
    if (
        isinstance(obj, Tensor)
        or hasattr(obj, "__array_namespace__")
        or isinstance(obj, np.ndarray)
    ):
        data = obj.data if isinstance(obj, Tensor) else obj
        host = np.asarray(to_device(data, "cpu"))
        if host.dtype == object:
            raise TypeError(
                f"nn.save: {path!r} is an object array, which cannot be saved without pickle."
            )
        key = f"{len(arrays)}:{path}"
        arrays[key] = host
        return {
            "__array__": key,
            "tensor": isinstance(obj, Tensor),
            "shape": list(host.shape),
            "dtype": host.dtype.str,
        }
    if isinstance(obj, np.generic):
        return {"__scalar__": obj.item(), "dtype": obj.dtype.str}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, dict):
        items = []
        for k, v in obj.items():
            if not isinstance(k, (str, int)) or isinstance(k, bool):
                raise TypeError(f"nn.save: dict key {k!r} at {path!r} must be a str or int.")
            items.append([k, _encode(v, f"{path}/{k}" if path else str(k), arrays)])
        return {"__dict__": items}
    if isinstance(obj, (list, tuple)):
        kind = "__list__" if isinstance(obj, list) else "__tuple__"
        return {kind: [_encode(v, f"{path}/{i}", arrays) for i, v in enumerate(obj)]}
    raise TypeError(
        f"nn.save: cannot save {type(obj).__name__} at {path or 'the top level'!r}. Save "
        "state dicts (model.state_dict(), optimizer.state_dict()) made of tensors, arrays, "
        "numbers, strings, lists and dicts."
    )


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` (a state dict, or a dict of them) to ``path`` atomically.

    Example:
        >>> import os, tempfile
        >>> import nn
        >>> model = nn.Linear(3, 2)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> nn.save({"model": model.state_dict(), "epoch": 3}, path)
        >>> ckpt = nn.load(path)
        >>> ckpt["epoch"], ckpt["model"]["weight"].shape
        (3, (2, 3))
    """
    arrays: dict[str, np.ndarray] = {}
    structure = _encode(obj, "", arrays)
    header = json.dumps({"format": FORMAT, "version": VERSION, "root": structure})
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, __structure__=np.asarray(header), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover  (some file systems refuse to fsync a directory)
        pass


def _decode(node: Any, archive: Any, path: str) -> Any:
    if isinstance(node, dict):
        if "__array__" in node:
            key = node["__array__"]
            try:
                arr = archive[key]
            except KeyError:
                raise CheckpointError(
                    f"nn.load: the array for {path!r} (member {key!r}) is missing from the file."
                ) from None
            expected = (tuple(node["shape"]), np.dtype(node["dtype"]))
            if (tuple(arr.shape), arr.dtype) != expected:
                raise CheckpointError(
                    f"nn.load: array {path!r} has shape {tuple(arr.shape)} and dtype "
                    f"{arr.dtype}, but the file's index records shape {expected[0]} and dtype "
                    f"{expected[1]}; the file is corrupt."
                )
            return Tensor(arr) if node.get("tensor") else arr
        if "__scalar__" in node:
            return np.dtype(node["dtype"]).type(node["__scalar__"])
        if "__dict__" in node:
            return {
                k: _decode(v, archive, f"{path}/{k}" if path else str(k))
                for k, v in node["__dict__"]
            }
        if "__list__" in node:
            return [_decode(v, archive, f"{path}/{i}") for i, v in enumerate(node["__list__"])]
        if "__tuple__" in node:
            return tuple(
                _decode(v, archive, f"{path}/{i}") for i, v in enumerate(node["__tuple__"])
            )
        raise CheckpointError(f"nn.load: unknown entry at {path!r}; the file is corrupt.")
    return node


class _Members:
    """Reads members lazily and turns low-level errors into CheckpointErrors naming the key."""

    def __init__(self, npz: Any, path: str) -> None:
        self.npz = npz
        self.path = path

    def __getitem__(self, key: str) -> np.ndarray:
        try:
            return self.npz[key]
        except KeyError:
            raise
        except Exception as e:
            raise CheckpointError(
                f"nn.load: {self.path}: member {key!r} cannot be read ({type(e).__name__}: "
                f"{e}); the file is corrupt or truncated."
            ) from e


def load(path: str | os.PathLike[str]) -> Any:
    """Read a checkpoint written by ``save``; tensors come back as CPU Tensors (move them
    with ``model.load_state_dict``, which copies to each parameter's device).

    Raises:
        FileNotFoundError: no file at ``path``.
        CheckpointError: the file is truncated, corrupt, or not a checkpoint of this format.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"nn.load: no checkpoint at {path!r}.")
    try:
        npz = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise CheckpointError(
            f"nn.load: {path!r} is not a readable .npz checkpoint ({type(e).__name__}: {e}); "
            "it may be truncated by an interrupted copy. Use an earlier checkpoint."
        ) from e
    with npz:
        if not hasattr(npz, "files") or "__structure__" not in npz.files:
            raise CheckpointError(
                f"nn.load: {path!r} has no '__structure__' entry: it is not a checkpoint "
                "written by nn.save."
            )
        members = _Members(npz, path)
        try:
            header = json.loads(str(members["__structure__"]))
        except json.JSONDecodeError as e:
            raise CheckpointError(f"nn.load: {path!r}: the index is not valid JSON ({e}).") from e
        if header.get("format") != FORMAT:
            raise CheckpointError(f"nn.load: {path!r} is not an {FORMAT} file.")
        if header.get("version", 0) > VERSION:
            raise CheckpointError(
                f"nn.load: {path!r} was written by a newer version (format "
                f"{header['version']}); upgrade autograd-core to read it."
            )
        return _decode(header["root"], members, "")
