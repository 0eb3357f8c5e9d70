"""Run one op-database case at order 1 or 2: what the pytest suite and the CLI both call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd_core.errors import BackwardError
from autograd_core.gradcheck import GradcheckResult, check_gradients, second_order_function
from autograd_core.gradcheck_settings import default_settings
from autograd_core.testing.op_db import Case, OpSpec

__all__ = ["CaseResult", "run_case"]

FAST_LIMIT = 400  # elements in the inputs and outputs above which fast mode is used


@dataclass
class CaseResult:
    """One row of the gradcheck table."""

    op: str
    case: str
    order: int
    status: str  # "pass", "fail", "skip" or "error"
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    message: str = ""


def run_case(
    spec: OpSpec,
    case: Case,
    order: int = 1,
    *,
    dtype: Any = np.float64,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    fast: bool | None = None,
    seed: int = 0,
    device: Any = None,
) -> CaseResult:
    """Gradcheck ``spec`` on ``case``: first order, or second order through the recorded VJP.

    For an op that declares no double backward, order 2 passes only if asking for it raises
    the documented ``BackwardError``.
    """
    args, kwargs = spec.tensors(case, dtype=dtype, device=device)

    def fn(*xs: Any) -> Any:
        return spec.op(*xs, **kwargs)

    fn.__name__ = spec.name
    row = CaseResult(spec.name, case.desc, order, "pass")
    if not spec.differentiable or not any(getattr(a, "requires_grad", False) for a in args):
        row.status = "skip"
        row.message = "no differentiable input"
        return row
    if case.float64_only and np.dtype(dtype) != np.float64:
        row.status = "skip"
        row.message = f"checked in float64 only: {case.float64_only}"
        return row
    # the spec's float64 values, scaled for a lower precision (gradcheck_settings' rule)
    base = {"eps": spec.eps, "atol": spec.atol, "rtol": spec.rtol}
    chosen = default_settings(dtype, eps, atol, rtol, base=base)
    eps, atol, rtol = chosen["eps"], chosen["atol"], chosen["rtol"]
    try:
        if order == 2:
            fn2, args2 = second_order_function(fn, args, None, seed)
            if not spec.double_backward:
                try:
                    check_gradients(fn2, args2, eps=eps, atol=atol, rtol=rtol, name=spec.name)
                except BackwardError as e:
                    if "does not support double backward" in str(e):
                        row.message = "raises as declared: no double backward"
                        return row
                    raise
                row.status = "fail"
                row.message = (
                    f"{spec.name}: declares no double backward, but a second "
                    "derivative was computed instead of raising."
                )
                return row
            fn, args = fn2, args2
        size = sum(a.numel() for a in args if hasattr(a, "numel"))
        use_fast = size > FAST_LIMIT if fast is None else fast
        result: GradcheckResult = check_gradients(
            fn,
            args,
            eps=eps,
            atol=atol,
            rtol=rtol,
            fast_mode=use_fast,
            seed=seed,
            name=spec.name,
        )
    except Exception as e:  # an op that crashes is reported as a row, not a traceback
        row.status = "error"
        row.message = f"{spec.name}: {type(e).__name__}: {e}"
        return row
    row.max_abs_err, row.max_rel_err = result.max_abs_err, result.max_rel_err
    if not result.ok:
        row.status = "fail"
        row.message = ("second order: " if order == 2 else "") + result.message
    return row
