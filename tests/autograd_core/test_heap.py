"""autograd_core/heap.py: importing the package sets glibc's heap thresholds, so that arrays
freed by one training step are reused by the next without faulting their pages in again; the
environment variable opts out."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from autograd_core import heap

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# A step's churn in small: four 1 MiB arrays written and freed, again and again. With glibc's
# defaults the first round raises the mmap threshold to 1 MiB and the trim threshold to 2 MiB,
# so the heap top (4 MiB free) is trimmed after every round and the next faults it back in.
_ROUNDS = """
import resource
import numpy as np
import autograd_core as ac

def one_round():
    arrays = [np.ones(1 << 18, np.float32) for _ in range(4)]
    del arrays

for _ in range(3):
    one_round()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    one_round()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20, ac.heap.settings())
"""


def _faults_per_round(setting: str | None) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k != heap.ENV}
    if setting is not None:
        env[heap.ENV] = setting
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(
        [sys.executable, "-c", _ROUNDS], env=env, cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    faults, settings = out.stdout.split(" ", 1)
    return float(faults), settings.strip()


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_import_sets_the_thresholds_and_freed_arrays_are_reused():
    faults, settings = _faults_per_round(None)
    assert settings == repr({"mmap_threshold": 32 << 20, "trim_threshold": 64 << 20})
    assert faults < 16  # 1,024 pages of 4 KiB a round are written: none faults again


@pytest.mark.skipif(not GLIBC, reason="the thresholds are glibc's")
def test_opting_out_keeps_glibc_defaults_which_fault_every_round():
    faults, settings = _faults_per_round("default")
    assert settings == "{}"
    assert faults > 256  # the same rounds, glibc trimming the heap top after each


def test_configure_is_idempotent_and_settings_is_a_copy():
    first = heap.configure()
    assert heap.configure() == first
    first["mmap_threshold"] = 1
    assert heap.settings().get("mmap_threshold") != 1
    if GLIBC and os.environ.get(heap.ENV) != "default":
        assert heap.settings() == {
            "mmap_threshold": heap.MMAP_THRESHOLD,
            "trim_threshold": heap.TRIM_THRESHOLD,
        }
