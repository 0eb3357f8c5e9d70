"""Shared by the differential fuzz tests of the losses (test_loss_fuzz*.py): one loss of ours,
called as ``nn.functional.<name>`` or as its ``nn.<Module>``, against torch's on the same
numbers, through ``fuzz_compare.compare`` (forward, then the gradient of every leaf under a
random upstream gradient).

Arguments are given in call order: an ``Arg`` is a leaf (compared gradient when ``grad``), any
other value (an integer target, a float weight as a NumPy array, a number) is a constant that
enters both calls as a tensor of its own dtype (float constants take the dtype under test).
Keyword values that are NumPy arrays (weight, pos_weight) become tensors in the same way.

float32 tolerance. Our float32 loss is compared with torch's float64 loss on the same
float32-rounded inputs (fuzz_compare.py). A loss is a sum of K per-element terms, each an
elementwise function of a few inputs computed to a few ulps of the largest quantity it passes
through (a logit, a difference, a log); so the error is bounded by 2·K·u times that magnitude
(Higham §3.1, the sum), plus a few ulps of the result. ``scale`` gives that magnitude: the
largest |input| or |term| of the case, as the test knows it.

Import it as the other helpers in tests/ are imported: ``from loss_fuzz_cases import ...``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fuzz_compare import Arg, compare

import autograd_core as ac
import nn
import nn.functional as F


def _const(value: Any, lib: str, dtype: str) -> Any:
    if not isinstance(value, np.ndarray):
        return value
    if lib == "ours":
        if value.dtype.kind == "f":
            return ac.tensor(value.astype(dtype), dtype=getattr(ac, dtype))
        return ac.tensor(value)
    import torch

    if value.dtype.kind == "f":
        return torch.tensor(value.astype(dtype).astype(np.float64), dtype=torch.float64)
    return torch.tensor(value)


def check_loss(
    name: str,
    args: list[Any],
    kw: dict[str, Any] | None = None,
    *,
    module: str | None = None,
    module_kw: dict[str, Any] | None = None,
    dtype: str = "float64",
    terms: int = 1,
    scale: float = 1.0,
    gy_seed: int = 0,
    torch_contiguous: bool = False,
) -> list[np.ndarray]:
    """F.<name>(*args, **kw) against torch's; with ``module`` the call goes through
    nn.<module>(**module_kw)(*args) for both. ``torch_contiguous`` hands torch contiguous
    copies of the views (for torch bugs with strided inputs). Returns our outputs."""
    import torch

    kw = kw or {}
    module_kw = module_kw or {}
    leaves = [a for a in args if isinstance(a, Arg)]

    def call(lib: str, views: tuple) -> Any:
        if lib == "torch" and torch_contiguous:
            views = tuple(v.contiguous() for v in views)
        it = iter(views)
        full = [next(it) if isinstance(a, Arg) else _const(a, lib, dtype) for a in args]
        kws = {k: _const(v, lib, dtype) for k, v in kw.items()}
        if module is not None:
            mkw = {k: _const(v, lib, dtype) for k, v in module_kw.items()}
            mod = getattr(nn, module)(**mkw) if lib == "ours" else getattr(torch.nn, module)(**mkw)
            return mod(*full, **kws)
        fn = getattr(F, name) if lib == "ours" else getattr(torch.nn.functional, name)
        return fn(*full, **kws)

    return compare(
        lambda *v: call("ours", v),
        lambda *v: call("torch", v),
        leaves,
        dtype=dtype,
        terms=terms,
        gy_seed=gy_seed,
        bilinear=False,
        float32_scale=scale,
    )


def spiky(rng: np.random.Generator, shape: tuple[int, ...], big: float) -> np.ndarray:
    """Standard normal numbers with about a quarter of them set to ±``big`` (0: none)."""
    x = rng.standard_normal(shape)
    if big:
        mask = rng.random(shape) < 0.25
        x = np.where(mask, np.sign(x) * big, x)
    return x
