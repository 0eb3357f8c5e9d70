"""Bounded reading and plain writing of the ``.npz`` archive behind ``nn.save``/``nn.load``.

A zip member can claim any size and a deflated one can inflate a thousandfold, so
:class:`NpzReader` never trusts a member before it has checked it: the archive's claimed
uncompressed total must fit ``max_bytes``; each array's ``.npy`` header (shape, dtype, and so
its byte size) must match the JSON index and the member's recorded size before one byte of data
is read; and no more than ``max_bytes`` of data is read in all. Data is read with the header's
dtype, never unpickled, and the zip layer checks every member's CRC.
"""

from __future__ import annotations

import json
import math
import zipfile
from collections.abc import Callable
from typing import IO, Any

import numpy as np  # file format code: arrays are written from the host

from autograd_core.device import Shape
from nn.checkpoint_index import ArraySpec, CheckpointError

__all__ = ["write_npz", "NpzReader", "INDEX_MEMBER", "MAX_INDEX_BYTES"]

INDEX_MEMBER = "__structure__"
# The JSON index is a '<U' array (4 bytes a character). 64 MiB describes ~100,000 arrays.
MAX_INDEX_BYTES = 64 * 2**20
_MAX_NPY_HEADER = 10_000  # NumPy's own default limit for a .npy header


def write_npz(f: IO[bytes], header: str, arrays: dict[str, np.ndarray]) -> None:
    """Write the index ``header`` and ``arrays`` as one uncompressed ``.npz`` archive."""
    np.savez(f, **{INDEX_MEMBER: np.asarray(header)}, **arrays)


class NpzReader:
    """An open ``.npz`` checkpoint whose members are read only after they are checked.

    Args:
        path: the file (opened here; ``close`` or a ``with`` block closes it).
        max_bytes: the most uncompressed bytes the archive may claim and the reader may read
            (``None``: no limit).
    """

    def __init__(self, path: str, max_bytes: int | None) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.read_bytes = 0
        self.file = open(path, "rb")  # closed by close()
        try:
            self.zip = zipfile.ZipFile(self.file)
            infos = self.zip.infolist()
        except Exception as e:  # zipfile raises many types on hostile input
            self.file.close()
            raise CheckpointError(
                f"nn.load: {path!r} is not a readable .npz checkpoint ({type(e).__name__}: "
                f"{e}); it may be truncated by an interrupted copy. Use an earlier checkpoint."
            ) from e
        try:
            self._check_claims(infos)
        except BaseException:
            self.close()
            raise

    def _check_claims(self, infos: list[zipfile.ZipInfo]) -> None:
        claimed = sum(i.file_size for i in infos)
        if self.max_bytes is not None and claimed > self.max_bytes:
            raise CheckpointError(
                f"nn.load: {self.path!r} claims {claimed:,} bytes once decompressed, more than "
                f"max_bytes={self.max_bytes:,}. If you trust the file, pass a larger max_bytes "
                "(or max_bytes=None)."
            )
        for info in infos:
            # bzip2 and lzma members are inflated a whole chunk at a time, unbounded.
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise CheckpointError(
                    f"nn.load: {self.path!r}: member {info.filename!r:.80} uses zip compression "
                    f"method {info.compress_type}; checkpoints are stored or deflated. The file "
                    "was not written by nn.save."
                )

    def close(self) -> None:
        self.zip.close()
        self.file.close()

    def __enter__(self) -> NpzReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_index(self) -> Any:
        """The parsed JSON index (the ``__structure__`` member)."""
        if INDEX_MEMBER + ".npy" not in self.zip.NameToInfo:
            raise CheckpointError(
                f"nn.load: {self.path!r} has no {INDEX_MEMBER!r} entry: it is not a checkpoint "
                "written by nn.save."
            )
        info = self.zip.getinfo(INDEX_MEMBER + ".npy")
        if info.file_size > MAX_INDEX_BYTES:
            raise CheckpointError(
                f"nn.load: {self.path!r}: the index claims {info.file_size:,} bytes, more than "
                f"the {MAX_INDEX_BYTES:,} an index may have; the file is corrupt."
            )
        text = self._read_member(INDEX_MEMBER, _index_check)
        try:
            return json.loads(str(text[()]))
        except (ValueError, RecursionError) as e:  # JSONDecodeError is a ValueError
            raise CheckpointError(
                f"nn.load: {self.path!r}: the index is not valid JSON ({type(e).__name__}: "
                f"{str(e):.200}); the file is corrupt."
            ) from e

    def read_array(self, spec: ArraySpec) -> np.ndarray:
        """The array member ``spec`` names, after checking its header against ``spec``."""
        if self.max_bytes is not None and self.read_bytes + spec.nbytes > self.max_bytes:
            raise CheckpointError(
                f"nn.load: {self.path!r}: array {spec.path!r} of shape {spec.shape} and dtype "
                f"{spec.dtype} would bring the data read to {self.read_bytes + spec.nbytes:,} "
                f"bytes, more than max_bytes={self.max_bytes:,}. If you trust the file, pass a "
                "larger max_bytes (or max_bytes=None)."
            )
        if spec.member + ".npy" not in self.zip.NameToInfo:
            raise CheckpointError(
                f"nn.load: the array for {spec.path!r} (member {spec.member!r:.80}) is missing "
                "from the file."
            )

        def check(shape: Shape, dtype: np.dtype) -> None:
            if (shape, dtype) != (spec.shape, spec.dtype):
                raise CheckpointError(
                    f"nn.load: array {spec.path!r} has shape {shape} and dtype {dtype}, but the "
                    f"file's index records shape {spec.shape} and dtype {spec.dtype}; the file "
                    "is corrupt."
                )

        arr = self._read_member(spec.member, check)
        self.read_bytes += arr.nbytes
        return arr

    def _read_member(self, name: str, check: Callable[[Shape, np.dtype], None]) -> np.ndarray:
        """Read member ``name + '.npy'``: header, ``check(shape, dtype)``, size, then data."""
        info = self.zip.getinfo(name + ".npy")
        try:
            with self.zip.open(info) as f:
                shape, fortran, dtype = _read_header(f)
                check(shape, dtype)
                nbytes = math.prod(shape) * dtype.itemsize
                if f.tell() + nbytes != info.file_size:
                    raise CheckpointError(
                        f"nn.load: {self.path}: member {name!r} holds {info.file_size - f.tell():,}"
                        f" bytes of data, but its header's shape {shape} and dtype {dtype} need "
                        f"{nbytes:,}; the file is corrupt or truncated."
                    )
                buf = bytearray(nbytes)
                view, got = memoryview(buf), 0
                while got < nbytes and (n := f.readinto(view[got:])):
                    got += n
                if got < nbytes or f.read(1):  # reading to the end checks the CRC
                    raise zipfile.BadZipFile(f"{got:,} bytes of data where {nbytes:,} were due")
        except CheckpointError:
            raise
        except Exception as e:  # zlib.error, BadZipFile (CRC), EOFError, OSError, ValueError ...
            raise CheckpointError(
                f"nn.load: {self.path}: member {name!r} cannot be read ({type(e).__name__}: "
                f"{str(e):.200}); the file is corrupt or truncated."
            ) from e
        arr = np.frombuffer(buf, dtype=dtype)  # a bytearray: the array is writable
        return arr.reshape(shape, order="F" if fortran else "C")


def _read_header(f: IO[bytes]) -> tuple[Shape, bool, np.dtype]:
    """(shape, fortran_order, dtype) from a ``.npy`` header; refuses object and record dtypes."""
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f, _MAX_NPY_HEADER)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f, _MAX_NPY_HEADER)
    else:
        raise ValueError(f".npy format version {version} is not one nn.save writes")
    if dtype.hasobject or dtype.fields is not None or dtype.itemsize == 0:
        raise ValueError(f"dtype {dtype} needs pickle or is not a plain array dtype")
    if not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ValueError(f"shape {shape} is not a tuple of non-negative ints")
    return tuple(shape), bool(fortran), dtype


def _index_check(shape: Shape, dtype: np.dtype) -> None:
    if shape != () or dtype.kind != "U":
        raise CheckpointError(
            f"nn.load: the index member holds a {dtype} array of shape {shape}, not a string; "
            "the file is corrupt."
        )
