"""Device parity: every op-database case run on the CPU and on a device, forward values and
gradients compared. What ``autograd-core parity`` reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from autograd_core.testing.op_db import Case, OpSpec

__all__ = ["ParityResult", "run_parity", "parity_tolerances", "select_specs"]


@dataclass
class ParityResult:
    """One row: an op-database case on the CPU against the same case on ``device``."""

    op: str
    case: str
    device: str
    dtype: str
    status: str  # "pass", "fail", "skip" or "error"
    max_abs_err: float = 0.0
    max_rel_err: float = 0.0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parity_tolerances(dtype: Any) -> tuple[float, float]:
    """(atol, rtol) for comparing one computation done by two libraries: a few units of
    rounding in ``dtype`` (cuBLAS and OpenBLAS sum in different orders; CUDA's
    transcendental functions are correctly rounded to within 2 ulp, not 0.5)."""
    eps = float(np.finfo(dtype).eps)
    return 1e3 * eps, 1e3 * eps


def select_specs(patterns: list[str] | None) -> list[OpSpec]:
    """The op-database specs whose names match any of the shell-style ``patterns`` (all when
    none); raises ValueError naming the patterns that match nothing."""
    import fnmatch

    from autograd_core.testing import OP_DB

    if not patterns:
        return list(OP_DB)
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(s.name, p) for s in OP_DB)]
    if unmatched:
        raise ValueError(
            f"no op matches {', '.join(repr(p) for p in unmatched)}; "
            "run `autograd-core ops` to list them"
        )
    return [s for s in OP_DB if any(fnmatch.fnmatchcase(s.name, p) for p in patterns)]


def _host(x: Any) -> np.ndarray:
    a = x.data if hasattr(x, "data") and hasattr(x, "requires_grad") else x
    return np.asarray(a.get() if hasattr(a, "get") else a)


def _run(spec: OpSpec, case: Case, dtype: Any, device: Any, seed: int) -> list[np.ndarray]:
    """Forward outputs, then the gradients of Σ wₖ·outₖ (fixed random weights) with respect to
    every differentiable input, all brought to the host."""
    from autograd_core.tensor import Tensor

    args, kwargs = spec.tensors(case, dtype=dtype, device=device)
    out = spec.op(*args, **kwargs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    values = [_host(o) for o in outs]
    rng = np.random.default_rng(seed)
    loss = None
    for o in outs:
        if getattr(o, "requires_grad", False):
            w = o.xp.asarray(rng.standard_normal(o.shape).astype(o.dtype))
            term = (o * Tensor._make(w, False, None)).sum()
            loss = term if loss is None else loss + term
    if loss is not None:
        loss.backward()
    grads = [
        _host(a.grad) if a.grad is not None else np.zeros(0)
        for a in args
        if getattr(a, "requires_grad", False)
    ]
    return values + grads


def run_parity(
    spec: OpSpec, case: Case, device: Any, dtype: Any = np.float64, seed: int = 0
) -> ParityResult:
    """Run ``case`` on the CPU and on ``device`` and compare every output and gradient."""
    row = ParityResult(spec.name, case.desc, str(device), np.dtype(dtype).name, "pass")
    try:
        with np.errstate(all="ignore"):  # a case may be built to produce inf or NaN
            cpu = _run(spec, case, dtype, None, seed)
            dev = _run(spec, case, dtype, device, seed)
    except Exception as e:  # a row of the report, never a crash of the whole run
        row.status, row.message = "error", f"{type(e).__name__}: {e}"
        return row
    if not cpu:
        row.status, row.message = "skip", "no output"
        return row
    atol, rtol = parity_tolerances(dtype)
    for k, (a, b) in enumerate(zip(cpu, dev)):
        if a.shape != b.shape or a.dtype != b.dtype:
            row.status = "fail"
            row.message = f"result {k}: cpu {a.dtype}{a.shape} vs device {b.dtype}{b.shape}"
            return row
        if a.dtype.kind not in "fc":
            if not np.array_equal(a, b):
                row.status, row.message = "fail", f"result {k}: integer results differ"
                return row
            continue
        same_nan = np.array_equal(np.isnan(a), np.isnan(b))
        finite = np.isfinite(a) & np.isfinite(b)
        diff = np.abs(a - b)[finite] if finite.any() else np.zeros(1)
        scale = np.abs(a)[finite] if finite.any() else np.ones(1)
        row.max_abs_err = max(row.max_abs_err, float(diff.max(initial=0.0)))
        rel = diff / np.maximum(scale, np.finfo(a.dtype).tiny)
        row.max_rel_err = max(row.max_rel_err, float(rel.max(initial=0.0)))
        infs_agree = np.array_equal(a[~finite & ~np.isnan(a)], b[~finite & ~np.isnan(a)])
        if not same_nan or not infs_agree or bool((diff > atol + rtol * scale).any()):
            row.status = "fail"
            row.message = (
                f"result {k}: max abs error {row.max_abs_err:.3g} above atol {atol:.3g} + "
                f"rtol {rtol:.3g}·|cpu|" + ("" if same_nan else "; NaNs in different places")
            )
            return row
    return row
