r"""The step and tolerances of a gradient check: validated, and chosen from the dtype.

float64 is the reference precision: its defaults are PyTorch's (ε = 1e-6, atol = 1e-5,
rtol = 1e-3). For a lower precision with machine epsilon u (``numpy.finfo(dtype).eps``) the
defaults follow from the error of a central difference. Its truncation error grows as ε² and
its rounding error as u/ε, so the step that balances them is

.. math:: ε = u^{1/3}

(4.9e-3 for float32), and the error left at that step is of order u^{2/3} times the size of the
function and its third derivative. The tolerances allow a hundred times that:

.. math:: \mathrm{atol} = \mathrm{rtol} = 100\,u^{2/3}

(2.4e-3 for float32). Neither is ever smaller than the float64 value it replaces. A check in
float32 therefore catches a wrong formula, but not an error of a few units in the last place:
float64 stays the reference (the op database and the test suite check in float64).
"""

from __future__ import annotations

import math
from typing import Any

import numpy

__all__ = ["REFERENCE", "default_settings", "validate_settings"]

# float64 defaults (PyTorch's gradcheck): step, absolute and relative tolerance
REFERENCE = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}


def default_settings(
    dtype: Any,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    base: dict[str, float] | None = None,
) -> dict[str, float]:
    """The step and tolerances for checking in ``dtype``: the given ones, else the rule above.

    Args:
        dtype: the floating-point dtype of the checked inputs.
        eps, atol, rtol: values the caller chose; they are kept as given.
        base: the float64 values to start from (an op's own, say); ``REFERENCE`` when None.

    Example:
        >>> s = default_settings("float32")
        >>> round(s["eps"], 4), round(s["atol"], 4)
        (0.0049, 0.0024)
        >>> default_settings("float64")["eps"]
        1e-06
    """
    ref = dict(REFERENCE if base is None else base)
    dt = numpy.dtype(dtype)
    if dt != numpy.float64 and dt.kind == "f":
        u = float(numpy.finfo(dt).eps)
        ref["eps"] = max(ref["eps"], u ** (1 / 3))
        ref["atol"] = max(ref["atol"], 100 * u ** (2 / 3))
        ref["rtol"] = max(ref["rtol"], 100 * u ** (2 / 3))
    given = {"eps": eps, "atol": atol, "rtol": rtol}
    return {k: ref[k] if given[k] is None else float(given[k]) for k in ref}


def validate_settings(api: str, **values: float) -> None:
    """Refuse a step ``eps`` that is not a finite number > 0, and tolerances (``atol``,
    ``rtol``, ``nondet_tol``) that are not finite numbers ≥ 0: a NaN tolerance would make
    every comparison false, and so every check pass.

    Raises:
        ValueError: naming the setting, its value and a usable one.

    Example:
        >>> try:
        ...     validate_settings("gradcheck", eps=0.0)
        ... except ValueError as e:
        ...     print(str(e)[:43])
        gradcheck: eps must be a finite number > 0.
    """
    for key, value in values.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = math.nan
        positive = key == "eps"
        if math.isfinite(v) and (v > 0 if positive else v >= 0):
            continue
        need = "a finite number > 0" if positive else "a finite number >= 0"
        example = REFERENCE.get(key, 0.0)
        raise ValueError(
            f"{api}: {key} must be {need}. Got {key}={value!r}. "
            f"Pass a {'step' if positive else 'tolerance'} such as {key}={example:g} (float64)."
        )
