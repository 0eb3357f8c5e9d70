"""`autograd-core parity`: the CPU against a device, every op-database case, a JSON report."""

from __future__ import annotations

import json

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.cli import main
from autograd_core.testing import OP_DB
from autograd_core.testing import parity as parity_mod
from autograd_core.testing.parity import run_parity


def test_parity_of_the_cpu_with_itself_passes_every_case_and_writes_the_report(tmp_path, capsys):
    out = tmp_path / "parity.json"
    assert main(["parity", "--device", "cpu", "-q", "--output", str(out)]) == 0
    report = json.loads(out.read_text())
    n_cases = sum(len(s.cases()) for s in OP_DB)
    assert report["counts"] == {"pass": n_cases, "fail": 0, "error": 0, "skip": 0}
    assert {r["op"] for r in report["rows"]} == {s.name for s in OP_DB}
    assert f"{n_cases} passed, 0 failed" in capsys.readouterr().out


def _spec(name):
    return next(s for s in OP_DB if s.name == name)


def test_parity_fails_a_device_that_computes_differently(monkeypatch):
    spec = _spec("exp")
    case = spec.cases()[0]
    real = parity_mod._run

    def skewed(spec, case, dtype, device, seed):
        res = real(spec, case, dtype, None, seed)
        if device is not None:  # the "device" is off by a relative 1e-9 in its gradient
            res[-1] = res[-1] * (1 + 1e-9)
        return res

    monkeypatch.setattr(parity_mod, "_run", skewed)
    row = run_parity(spec, case, "cpu", np.float64)
    assert row.status == "fail" and "result 1" in row.message
    assert row.max_rel_err == pytest.approx(1e-9, rel=1e-3)
    assert run_parity(spec, case, "cpu", np.float32).status == "pass"  # within float32's


def test_parity_fails_nans_in_different_places(monkeypatch):
    spec = _spec("exp")
    case = spec.cases()[0]
    real = parity_mod._run

    def nan_on_device(spec, case, dtype, device, seed):
        res = real(spec, case, dtype, None, seed)
        if device is not None:
            res[0] = res[0].copy()
            res[0].flat[0] = np.nan
        return res

    monkeypatch.setattr(parity_mod, "_run", nan_on_device)
    row = run_parity(spec, case, "cpu")
    assert row.status == "fail" and "NaNs in different places" in row.message


def test_parity_without_a_device_says_how_to_get_one(capsys):
    if ac.cuda.is_available():
        pytest.skip("a CUDA device (or the stand-in) is present")
    assert main(["parity"]) == 2
    err = capsys.readouterr().err
    assert "no CUDA device" in err and "AUTOGRAD_CORE_FAKE_CUDA=1" in err


def test_parity_rejects_an_unknown_op(capsys):
    assert main(["parity", "--device", "cpu", "--op", "no_such_op"]) == 2
    assert "no op matches 'no_such_op'" in capsys.readouterr().err


@pytest.mark.gpu
@pytest.mark.skipif(not ac.cuda.is_available(), reason="needs CuPy and a GPU")
def test_parity_on_the_gpu(tmp_path):
    out = tmp_path / "parity.json"
    code = main(["parity", "--device", "cuda", "-q", "--output", str(out)])
    report = json.loads(out.read_text())
    bad = [r for r in report["rows"] if r["status"] in ("fail", "error")]
    assert code == 0 and not bad, bad[:5]
