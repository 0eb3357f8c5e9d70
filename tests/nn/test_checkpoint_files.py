"""nn.save as a file on disk: the umask decides its mode, a read-only target is kept unless the
caller says otherwise, and temporaries left by a killed save are removed by the next save."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.atomic_write import TEMP_PATTERN, temp_path

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def umask():
    """Set the process umask for one test, and restore it afterwards."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027])
@pytest.mark.parametrize("suffix", [".npz", ".safetensors"])
def test_saved_file_mode_follows_the_umask(tmp_path, umask, mask, suffix):
    umask(mask)
    path = tmp_path / f"m{suffix}"
    nn.save({"w": np.ones(3)}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    nn.save({"w": np.zeros(3)}, path)  # replacing keeps following the umask
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_read_only_target_is_kept_unless_told(tmp_path):
    path = tmp_path / "m.npz"
    nn.save({"w": np.ones(3)}, path)
    path.chmod(0o444)
    with pytest.raises(PermissionError, match=r"read-only \(mode 0o444\).*overwrite_readonly=True"):
        nn.save({"w": np.zeros(3)}, path)
    assert nn.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary left behind
    nn.save({"w": np.zeros(3)}, path, overwrite_readonly=True)
    assert nn.load(path)["w"].tolist() == [0.0, 0.0, 0.0]


_KILLED_SAVE = """
import os, signal, sys
import numpy as np
import nn
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # die after writing, before rename
nn.save({"w": np.ones(100_000)}, sys.argv[1])
"""


def _killed_save(path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_SAVE, str(path)], cwd=ROOT, env=env, capture_output=True
    )
    assert proc.returncode == -9, proc.stderr.decode()


def _temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if TEMP_PATTERN.match(p.name))


def test_next_save_removes_temporaries_of_killed_saves(tmp_path):
    _killed_save(tmp_path / "a.npz")
    first = _temps(tmp_path)
    assert len(first) == 1 and not (tmp_path / "a.npz").exists()
    assert (tmp_path / first[0]).stat().st_size > 800_000
    _killed_save(tmp_path / "b.npz")  # its own cleanup already removes the first orphan
    second = _temps(tmp_path)
    assert len(second) == 1 and second != first
    # kept: a live process's temporary (a concurrent save), another host's, other tools' files
    live = Path(temp_path(str(tmp_path / "c.npz")))
    other_host = tmp_path / f".d.npz.nnsave-some_other_host-1-{'0' * 16}.tmp"
    foreign = [tmp_path / ".tmp-abcd1234.npz", tmp_path / "notes.tmp"]
    for keep in [live, other_host, *foreign]:
        keep.write_bytes(b"x")
    nn.save({"w": np.zeros(2)}, tmp_path / "other.npz")
    assert _temps(tmp_path) == sorted([live.name, other_host.name])
    assert all(p.exists() for p in foreign)
    assert nn.load(tmp_path / "other.npz")["w"].tolist() == [0.0, 0.0]


def test_load_checkpoint_refuses_a_malformed_random_state(tmp_path):
    model = nn.Linear(2, 1)
    nn.save({"model": model.state_dict(), "rng": {"bit_generator": "nope"}}, tmp_path / "c.npz")
    with pytest.raises(nn.CheckpointError, match="random state is malformed"):
        nn.load_checkpoint(tmp_path / "c.npz", model)
