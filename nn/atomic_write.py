"""Atomic file replacement for ``nn.save``: write a temporary file, fsync it, ``os.replace`` it.

The temporary file lies in the destination directory (a rename is atomic only within one file
system) and is named ``.<target>.nnsave-<host>-<pid>-<random>.tmp``. It is created with mode
``0o666`` and the process umask applied, as ``open()`` would create the target, so the saved
file's mode follows the umask. A save killed before its rename leaves that temporary behind;
the next save in the same directory deletes every such file whose process (on this host) is
gone. A target without write permission is not replaced unless the caller says so.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import stat
from collections.abc import Callable
from typing import IO

__all__ = ["atomic_write", "temp_path", "remove_stale_temps", "TEMP_PATTERN"]

TEMP_PATTERN = re.compile(r"^\..*\.nnsave-(?P<host>\w+)-(?P<pid>\d+)-[0-9a-f]{16}\.tmp$")


def _host() -> str:
    return re.sub(r"\W", "_", socket.gethostname(), flags=re.ASCII)[:40] or "host"


def temp_path(path: str) -> str:
    """A fresh temporary name next to ``path``, in the pattern ``remove_stale_temps`` knows."""
    directory, name = os.path.split(path)
    token = secrets.token_hex(8)
    return os.path.join(directory, f".{name[:80]}.nnsave-{_host()}-{os.getpid()}-{token}.tmp")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, owned by someone else
        return True
    return True


def remove_stale_temps(directory: str) -> list[str]:
    """Delete temporaries left in ``directory`` by killed saves on this host; returns them.

    A temporary is stale when the process named in it no longer exists. Files of other
    hosts (a shared file system), of live processes, and of any other naming are kept.
    """
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return []
    removed = []
    host = _host()
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    for name in names:
        match = TEMP_PATTERN.match(name)
        if match is None or match["host"] != host:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or _process_alive(pid):
            continue
        try:
            os.unlink(os.path.join(directory, name))
            removed.append(name)
        except OSError:  # removed by a concurrent save, or not ours to remove
            pass
    return removed


def _refuse_read_only(path: str) -> None:
    try:
        st = os.stat(path)
    except OSError:
        return
    # Mode bits, not only os.access: root may write anything, but 0o444 still says "keep".
    if stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(
            f"nn.save: {path!r} is read-only (mode {stat.S_IMODE(st.st_mode):#o}), so it was "
            "not replaced. Pass overwrite_readonly=True to replace it anyway, or save to "
            "another path."
        )


def atomic_write(
    path: str, write: Callable[[IO[bytes]], None], *, overwrite_readonly: bool = False
) -> None:
    """Call ``write(f)`` on a temporary file, fsync it and rename it over ``path``.

    On any error (or interrupt) the temporary file is removed and ``path`` is untouched.

    Raises:
        PermissionError: ``path`` exists and is read-only, and ``overwrite_readonly`` is false.
    """
    if not overwrite_readonly:
        _refuse_read_only(path)
    directory = os.path.dirname(os.path.abspath(path))
    remove_stale_temps(directory)
    tmp = temp_path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask, as open() does
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
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
