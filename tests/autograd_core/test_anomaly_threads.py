"""detect_anomaly is per thread, like grad mode."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.grad_mode import ANOMALY


def _in_thread(fn):
    """Run ``fn`` in a new thread and return what it returned or raised."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # handed back to the test thread
            box["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=30)
    return box


def test_anomaly_mode_in_one_thread_does_not_reach_another():
    inside, release = threading.Event(), threading.Event()

    def debugging_thread():
        with ac.detect_anomaly():
            inside.set()
            release.wait(timeout=30)
            x = ac.tensor([0.0], requires_grad=True)
            with np.errstate(divide="ignore"):
                ac.log(x)  # must raise here: this thread asked for anomaly checks

    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(_run(debugging_thread)))
    worker.start()
    assert inside.wait(timeout=30)
    try:
        x = ac.tensor([0.0, 1.0], requires_grad=True)
        with np.errstate(all="ignore"):
            y = ac.log(x)  # another thread is in detect_anomaly: no check here
            assert np.isneginf(y.data[0])
            y.sum().backward()  # nor in this thread's backward (1/0)
        np.testing.assert_array_equal(x.grad.data, [np.inf, 1.0])
    finally:
        release.set()
        worker.join(timeout=30)
    assert isinstance(box.get("error"), ac.AnomalyError)
    assert "log: the forward pass produced Inf" in str(box["error"])
    assert ANOMALY.enabled is False


def _run(fn):
    try:
        fn()
    except BaseException as e:
        return {"error": e}
    return {}


def test_a_new_thread_starts_outside_anomaly_mode():
    with ac.detect_anomaly():
        assert ANOMALY.enabled
        box = _in_thread(lambda: ANOMALY.enabled)
        assert box["value"] is False
    assert not ANOMALY.enabled


def test_anomaly_checks_still_run_in_the_thread_that_asked():
    x = ac.tensor([-1.0], requires_grad=True)
    with ac.detect_anomaly(), np.errstate(invalid="ignore"):
        with pytest.raises(ac.AnomalyError, match="sqrt: the forward pass produced NaN"):
            ac.sqrt(x)
    with np.errstate(invalid="ignore"):
        assert np.isnan(ac.sqrt(x).data[0])  # off again after the block


def test_nested_anomaly_switches_restore_per_thread():
    with ac.detect_anomaly():
        with ac.detect_anomaly(False):
            assert not ANOMALY.enabled
        assert ANOMALY.enabled
    assert not ANOMALY.enabled
