"""The op database: one ``OpSpec`` per registered op (modelled on PyTorch's OpInfo).

Each spec says how to call the op, which sample inputs exercise it (scalars, vectors, matrices,
broadcasting pairs, size-1 and empty axes, negative and tuple axes, non-contiguous inputs), the
domain of each argument, the points where it has a kink, a NumPy forward oracle, which arguments
are differentiable, and whether it supports double backward. ``tests/`` and the command line
both read ``OP_DB``; a coverage test fails when a registered op has no spec.

The specs themselves live per op family in ``autograd_core/testing/specs/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np  # the test database builds its sample arrays on the host

__all__ = [
    "Case",
    "OpSpec",
    "OP_DB",
    "get_spec",
    "noncontig",
    "random_operands",
    "avoid",
    "unary_cases",
    "binary_cases",
    "reduction_cases",
    "distinct_values",
    "SHAPES",
]


@dataclass
class Case:
    """One sample call of an op.

    Attributes:
        args: positional arguments; NumPy float arrays become float64 Tensors that require
            grad (when their position is differentiable), other arrays become constant
            Tensors, and anything else is passed through unchanged.
        kwargs: keyword arguments passed through unchanged (axis, shape ...).
        desc: a short description shown in test ids and the CLI table.
        float64_only: why this sample is checked in float64 only (empty: every dtype). For
            samples where float32's finite differences cannot resolve the function (steep
            tails such as erfinv near ±1), which a check in a lower precision skips.
    """

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)
    desc: str = ""
    float64_only: str = ""


@dataclass
class OpSpec:
    """How to test one registered op.

    Attributes:
        name: the registry key of the op.
        op: the callable under test, called as ``op(*args, **kwargs)`` with Tensors.
        samples: ``samples(rng) -> list[Case]`` with float64 arrays respecting the domain.
        ref: a NumPy forward oracle called with the same arguments as arrays, or None.
        grad_args: positions of differentiable arguments (None: every float array argument).
        differentiable: False for ops without gradient (output must not require grad).
        double_backward: whether the VJP is differentiable (checked both ways).
        kinks: values where the op is not differentiable; float inputs are moved at least
            ``kink_margin`` away from them before checking (declared, not tolerated).
        atol, rtol: gradcheck tolerances in float64.
        eps: finite-difference step.
        fwd_rtol: tolerance of the float32 forward against ``ref``.
        torch_fn: ``torch_fn(*torch_args, **kwargs)`` computing the same with PyTorch, used as
            an optional gradient oracle.
        notes: anything a reader should know (conventions at kinks, tie rules).
    """

    name: str
    op: Callable[..., Any]
    samples: Callable[[np.random.Generator], list[Case]]
    ref: Callable[..., Any] | None = None
    grad_args: tuple[int, ...] | None = None
    differentiable: bool = True
    double_backward: bool = True
    kinks: tuple[float, ...] = ()
    kink_margin: float = 1e-2
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    fwd_rtol: float = 1e-5
    torch_fn: Callable[..., Any] | None = None
    notes: str = ""

    def cases(self, seed: int = 0) -> list[Case]:
        """The sample cases, generated from ``seed`` with kinks avoided."""
        rng = np.random.default_rng(seed)
        out = []
        for case in self.samples(rng):
            if self.kinks:
                args = tuple(
                    avoid(a, self.kinks, self.kink_margin)
                    if isinstance(a, np.ndarray) and a.dtype.kind == "f" and self._is_grad(i)
                    else a
                    for i, a in enumerate(case.args)
                )
                case = replace(case, args=args)  # (keeps desc and float64_only)
            out.append(case)
        return out

    def _is_grad(self, position: int) -> bool:
        return self.grad_args is None or position in self.grad_args

    def tensors(
        self, case: Case, dtype: Any = np.float64, device: Any = None, requires_grad: bool = True
    ) -> tuple[list[Any], dict[str, Any]]:
        """The case's arguments as Tensors of ``dtype`` (float arrays) on ``device``."""
        from autograd_core.creation import as_array
        from autograd_core.device import to_device
        from autograd_core.tensor import Tensor

        args: list[Any] = []
        for i, a in enumerate(case.args):
            if isinstance(a, np.ndarray):
                if a.dtype.kind == "f":
                    arr = _keep_layout(a, dtype)
                    rg = requires_grad and self.differentiable and self._is_grad(i)
                else:
                    arr, rg = a, False
                if device is not None:
                    arr = to_device(arr, device)
                args.append(Tensor._make(as_array(arr), rg, None))
            else:
                args.append(a)
        return args, dict(case.kwargs)


def _keep_layout(a: np.ndarray, dtype: Any) -> np.ndarray:
    """Cast to ``dtype`` keeping a non-contiguous layout non-contiguous."""
    if a.dtype == dtype:
        return a.copy() if a.flags.c_contiguous or a.ndim == 0 else noncontig(a)
    b = a.astype(dtype)
    return b if a.flags.c_contiguous or a.ndim == 0 else noncontig(b)


OP_DB: list[OpSpec] = []


def get_spec(name: str) -> OpSpec:
    """The spec of the op registered as ``name``."""
    for s in OP_DB:
        if s.name == name:
            return s
    raise KeyError(f"no OpSpec for op {name!r}")


# -- sample-building helpers --------------------------------------------------------------

SHAPES: list[tuple[int, ...]] = [(), (5,), (3, 4), (2, 3, 4), (1, 1), (0, 3)]


def noncontig(a: np.ndarray) -> np.ndarray:
    """A non-contiguous array with the same values as ``a`` (every other element of a buffer)."""
    buf = np.empty(a.shape + (2,), a.dtype)
    view = buf[..., 0]
    view[...] = a
    return view


def random_operands(rng: np.random.Generator, shapes, noncontiguous: bool = False) -> list:
    """Standard-normal float64 arrays of ``shapes``, each a non-contiguous view
    (``noncontig``) with ``noncontiguous``."""
    arrays = [rng.standard_normal(s) for s in shapes]
    return [noncontig(a) for a in arrays] if noncontiguous else arrays


def avoid(a: np.ndarray, kinks: tuple[float, ...], margin: float) -> np.ndarray:
    """Move the entries of ``a`` within ``margin`` of any kink to ``kink ± margin``."""
    a = a.copy() if a.flags.c_contiguous or a.ndim == 0 else noncontig(a)
    for k in kinks:
        close = np.abs(a - k) < margin
        a[close] = k + np.where(a[close] >= k, margin, -margin)
    return a


def uniform(
    rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float
) -> np.ndarray:
    """float64 samples on [low, high)."""
    return rng.uniform(low, high, size=shape)


def unary_cases(
    rng: np.random.Generator, low: float = -2.0, high: float = 2.0, **kwargs: Any
) -> list[Case]:
    """Standard inputs for an elementwise unary op: every shape in SHAPES, a transposed and a
    strided non-contiguous input."""
    cases = [Case((uniform(rng, s, low, high),), dict(kwargs), f"shape {s}") for s in SHAPES]
    cases.append(Case((uniform(rng, (4, 3), low, high).T,), dict(kwargs), "transposed (3, 4)"))
    cases.append(
        Case((noncontig(uniform(rng, (2, 5), low, high)),), dict(kwargs), "strided (2, 5)")
    )
    return cases


BINARY_SHAPES: list[tuple[tuple[int, ...], tuple[int, ...]]] = [
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3), (3,)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((), ()),
    ((2, 1, 3), (4, 1)),
    ((0, 3), (3,)),
    ((1, 1), (1,)),
]


def binary_cases(
    rng: np.random.Generator,
    low: tuple[float, float] = (-2.0, 2.0),
    high: tuple[float, float] | None = None,
) -> list[Case]:
    """Standard inputs for a broadcasting binary op: equal shapes, (3,1)×(1,4), (2,3)×(3,),
    ()×(2,3), 0-size axes, and a non-contiguous pair. ``low``/``high`` are the ranges of the
    first and second operand."""
    ra, rb = low, high or low
    cases = [
        Case((uniform(rng, sa, *ra), uniform(rng, sb, *rb)), {}, f"{sa} x {sb}")
        for sa, sb in BINARY_SHAPES
    ]
    a = uniform(rng, (4, 3), *ra).T
    b = noncontig(uniform(rng, (3, 4), *rb))
    cases.append(Case((a, b), {}, "non-contiguous (3, 4) x (3, 4)"))
    return cases


def reduction_cases(
    rng: np.random.Generator, low: float = -2.0, high: float = 2.0, distinct: bool = False
) -> list[Case]:
    """Inputs for a reduction: all axes, one axis, negative and tuple axes, keepdims, a 0-d
    input, a size-1 axis, a zero-size axis kept, and a non-contiguous input.

    ``distinct=True`` draws every array from ``distinct_values`` (no two entries closer than
    a margin), for ops with a kink at ties (max, min, the inf-norm)."""

    def draw(shape: tuple[int, ...]) -> np.ndarray:
        if distinct:
            return distinct_values(rng, shape, low, high)
        return rng.uniform(low, high, shape)

    x3 = draw((2, 3, 4))
    return [
        Case((draw(()),), {}, "0-d"),
        Case((x3,), {}, "all axes"),
        Case((x3,), {"axis": 1}, "axis=1"),
        Case((x3,), {"axis": -1, "keepdims": True}, "axis=-1 keepdims"),
        Case((x3,), {"dim": (0, 2)}, "dim=(0, 2)"),
        Case((draw((3, 1)),), {"axis": 1}, "size-1 axis"),
        Case((draw((0, 3)),), {"axis": 1}, "zero-size axis kept"),
        Case((noncontig(draw((3, 4))),), {"axis": 0}, "non-contiguous"),
    ]


def distinct_values(
    rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float
) -> np.ndarray:
    """A random arrangement of evenly spaced values in [low, high], jittered by at most a
    quarter of the spacing: no two entries are closer than half the spacing, far from any tie
    at the gradcheck step."""
    n = int(np.prod(shape))
    step = (high - low) / max(n, 1)
    grid = low + step * (rng.permutation(n) + 0.5)
    return (grid + rng.uniform(-step / 4, step / 4, n)).reshape(shape)


def _load_specs() -> None:
    # Importing a family module appends its specs to OP_DB.
    from autograd_core.testing import specs  # noqa: F401


_load_specs()
