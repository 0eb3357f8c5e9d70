"""Signature and repr parity with PyTorch for every name ours shares with ``torch.nn`` and
``torch.nn.functional``: each of torch's parameter names is accepted by ours, and modules
built with simple arguments print the same ``extra_repr``.

Gaps that remain are listed explicitly below with the reason; the tests fail both when a new
gap appears and when a listed one is closed (then delete its entry).
"""

from __future__ import annotations

import inspect
import re
import warnings

import pytest

import nn
import nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

KNOWN_GAPS: dict[str, tuple[list[str], str]] = {
    "nn.RNNCellBase": (["num_chunks"], "ours is an abstract base with its own constructor"),
    "F.normalize": (["out"], "out= tensors are not supported anywhere in ours"),
    "F.one_hot": (
        ["tensor"],
        "torch's docstring names it tensor, but its binding takes input= and refuses tensor= "
        "(tests/nn/test_parity_names.py pins both); ours takes input= as the binding does",
    ),
}

# Parameter names compared by name only where ours takes them differently, with the reason.
SKIP_PARAMS: dict[str, tuple[set[str], str]] = {
    # nn.RNNCell takes **factory keywords (device=, dtype=) through to RNNCellBase.
}


def _torch_params(obj, name: str) -> list[str] | None:
    """torch's parameter names; for builtins without a signature, those of the first line of
    the docstring (``conv1d(input, weight, bias=None, ...)``)."""
    try:
        params = inspect.signature(obj).parameters.values()
    except (TypeError, ValueError):
        m = re.search(rf"{re.escape(name)}\((.*?)\)", obj.__doc__ or "", re.S)
        if m is None:
            return None
        return [p.split("=")[0].strip().lstrip("*") for p in m.group(1).split(",") if p.strip()]
    skip = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [p.name for p in params if p.kind not in skip and p.name != "self"]


def _accepts(fn, params: list[str]) -> list[str]:
    sig = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in sig.values()):
        return []  # (checked by the behaviour tests of that function)
    return [p for p in params if p not in sig]


def _shared_modules() -> list[str]:
    return sorted(
        name
        for name, obj in vars(torch.nn).items()
        if isinstance(obj, type)
        and issubclass(obj, torch.nn.Module)
        and isinstance(getattr(nn, name, None), type)
    )


def _shared_functions() -> list[str]:
    return sorted(
        name
        for name in dir(TF)
        if not name.startswith("_")
        and callable(getattr(TF, name))
        and hasattr(F, name)
        and not isinstance(getattr(TF, name), type)
    )


def _gaps() -> dict[str, list[str]]:
    found = {}
    for name in _shared_modules():
        params = _torch_params(getattr(torch.nn, name).__init__, "__init__")
        missing = _accepts(getattr(nn, name).__init__, params or [])
        if missing:
            found[f"nn.{name}"] = missing
    for name in _shared_functions():
        params = _torch_params(getattr(TF, name), name)
        missing = _accepts(getattr(F, name), params or [])
        if missing:
            found[f"F.{name}"] = missing
    return found


def test_shared_names_are_found():
    assert len(_shared_modules()) > 100 and len(_shared_functions()) > 80


def test_every_torch_parameter_name_is_accepted():
    found = _gaps()
    new = {k: v for k, v in found.items() if sorted(v) != sorted(KNOWN_GAPS.get(k, ([],))[0])}
    closed = sorted(k for k in KNOWN_GAPS if k not in found)
    assert not new, f"gaps not listed in KNOWN_GAPS (fix them, or list them with a reason): {new}"
    assert not closed, f"gaps listed in KNOWN_GAPS that are closed now (remove them): {closed}"


def test_known_gaps_have_reasons():
    assert all(params and reason for params, reason in KNOWN_GAPS.values())


# Simple constructor arguments for modules that need some; every other shared module is built
# with no arguments where both sides allow it.
SIMPLE_ARGS: dict[str, tuple] = {}

# extra_repr differences kept on purpose (name: reason). None at present: losses print as
# torch's when built with defaults (they print only the options that differ from them, see
# nn.losses_common.LossModule), an empty ParameterList prints nothing, and Upsample prints
# torch's scale_factor-else-size form.
REPR_EXCEPTIONS: dict[str, str] = {}


def _buildable() -> list[str]:
    names = []
    for name in _shared_modules():
        args = SIMPLE_ARGS.get(name, ())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                getattr(torch.nn, name)(*args)
        except Exception:  # noqa: BLE001  (abstract bases, required arguments)
            continue
        names.append(name)
    return names


@pytest.mark.parametrize("name", _buildable())
def test_extra_repr_matches_torch(name):
    args = SIMPLE_ARGS.get(name, ())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(torch.nn, name)(*args).extra_repr()
        ours = getattr(nn, name)(*args).extra_repr()
    if name in REPR_EXCEPTIONS:
        assert ours != theirs, f"{name} prints as torch now: remove it from REPR_EXCEPTIONS"
        return
    assert ours == theirs
