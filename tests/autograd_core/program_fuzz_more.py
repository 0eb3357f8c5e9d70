"""The program fuzz's newer steps (test_program_fuzz.py draws them, program_fuzz.py runs them):
the in-place shape methods (``t_``, ``transpose_``, ``swapaxes_``, ``squeeze_``,
``unsqueeze_``, ``as_strided_``), a representative set of the in-place math methods (unary,
clamping, power, addcmul/addcdiv, two comparisons written into a float tensor, a scan, a
triangle, a diagonal fill and four indexed writes) and ``Tensor.unfold`` among the views.

Each draw reads only torch's state (the tensor at slot ``i`` and the shapes of the others) and
returns a step tuple ``("inplace", i, method, arguments...)``: numbers, NumPy arrays (entered
as tensors of their dtype on each side) or ``("slot", j)`` for another tensor of the program.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from hypothesis import strategies as st

SHAPE_METHODS = ("t_", "transpose_", "swapaxes_", "squeeze_", "unsqueeze_", "as_strided_")
MATH_METHODS = (
    "sqrt_",
    "abs_",
    "floor_",
    "clamp_min_",
    "pow_",
    "addcmul_",
    "addcdiv_",
    "eq_",
    "lt_",
    "cumsum_",
    "tril_",
    "fill_diagonal_",
    "index_fill_",
    "index_copy_",
    "masked_scatter_",
    "scatter_add_",
)
METHODS = frozenset(SHAPE_METHODS + MATH_METHODS)

# AUTOGRAD_CORE_FUZZ_DROP=1: every input an op made becomes a stand-in where the node's VJP does
# not read it (op_forward.DROP_BYTES = 0, as for arrays of 64 KiB and more), so the programs'
# small shapes run the dropping paths (test_program_fuzz.py's fixture sets it).
DROP = bool(os.environ.get("AUTOGRAD_CORE_FUZZ_DROP"))


def broadcasts_into(small: tuple, big: tuple) -> bool:
    try:
        return np.broadcast_shapes(small, big) == tuple(big)
    except ValueError:
        return False


def array(draw, shape: tuple, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    """Float64 values on a 0.001 grid (ties and zeros happen after a few steps)."""
    seed = draw(st.integers(0, 2**16))
    return np.asarray(np.round(np.random.default_rng(seed).uniform(low, high, shape), 3))


def run_method(x: Any, op: str, a: list) -> None:
    """``x.<op>(*a)`` on either library (the operands already tensors)."""
    if op in ("addcmul_", "addcdiv_"):
        getattr(x, op)(a[0], a[1], value=a[2])
    else:
        getattr(x, op)(*a)


def draw_unfold(draw, x, i: int) -> tuple:
    """``x.unfold(dim, size, step)``: windows of ``size`` (0 to the whole dim) every ``step``."""
    n = x.ndim
    d = draw(st.integers(-max(n, 1), max(n, 1) - 1))
    length = x.shape[d] if n else 1
    return ("view", i, "unfold", d, draw(st.integers(0, length)), draw(st.integers(1, 2)))


def _strided_window(draw, numel: int) -> tuple:
    """A (2, 1 or 2) window of strides within ``numel`` elements, sometimes overlapping, and
    how many elements are left after its last one."""
    cols, s1 = draw(st.integers(1, 2)), draw(st.integers(0, 1))
    s0 = draw(st.integers(1, max(1, numel - 1 - (cols - 1) * s1)))
    return (2, cols), (s0, s1), numel - 1 - s0 - (cols - 1) * s1


def draw_inplace_shape(draw, x, i: int) -> tuple:
    n = x.ndim
    kind = draw(st.sampled_from(SHAPE_METHODS))
    if kind in ("transpose_", "swapaxes_") and n:
        return ("inplace", i, kind, draw(st.integers(-n, n - 1)), draw(st.integers(-n, n - 1)))
    if kind == "squeeze_":
        dims = draw(st.lists(st.integers(-max(n, 1), max(n, 1) - 1), max_size=2))
        dims = sorted({d % max(n, 1) for d in dims})
        if not dims:
            return ("inplace", i, kind)
        return ("inplace", i, kind, dims[0] if len(dims) == 1 else tuple(dims))
    if kind == "unsqueeze_":
        return ("inplace", i, kind, draw(st.integers(-n - 1, n)))
    if kind == "as_strided_" and x.is_contiguous() and x.numel() >= 4:
        size, stride, room = _strided_window(draw, x.numel())
        if room >= 0 and draw(st.booleans()):  # an offset counted from the viewed memory
            return (
                "inplace",
                i,
                kind,
                size,
                stride,
                x.storage_offset() + draw(st.integers(0, room)),
            )
        if room >= 0:
            return ("inplace", i, kind, size, stride)
    return ("inplace", i, "t_") if n <= 2 else ("inplace", i, "unsqueeze_", 0)


def _operand(draw, slots, shape: tuple, make, keep=lambda t: True):
    """Another tensor of the program that broadcasts into ``shape`` (and passes ``keep``), or a
    new array ``make(draw, shape)``."""
    fits = [j for j, y in enumerate(slots) if broadcasts_into(tuple(y.shape), shape) and keep(y)]
    if fits and draw(st.booleans()):
        return ("slot", draw(st.sampled_from(fits)))
    return make(draw, shape)


def _away_from_zero(draw, shape: tuple) -> np.ndarray:
    return np.asarray(array(draw, shape, 0.5, 1.5) * draw(st.sampled_from([1.0, -1.0])))


def _no_small(t) -> bool:
    return bool((t.abs() > 0.1).all())


def _pointwise(draw, slots, i: int, kind: str) -> tuple:
    x = slots[i]
    shape = tuple(x.shape)
    positive = bool((x > 0).all())
    if kind == "sqrt_":
        return ("inplace", i, kind if positive else "abs_")
    if kind == "clamp_min_":
        return ("inplace", i, kind, draw(st.sampled_from([-0.5, 0.0, 0.5])))
    if kind == "pow_":
        return ("inplace", i, kind, draw(st.sampled_from([2, 3, 0.5 if positive else 2])))
    if kind in ("addcmul_", "addcdiv_"):
        t1 = _operand(draw, slots, shape, array)
        keep = _no_small if kind == "addcdiv_" else (lambda t: True)
        t2 = _operand(draw, slots, shape, _away_from_zero, keep)
        return ("inplace", i, kind, t1, t2, draw(st.sampled_from([1.0, -0.5])))
    if kind in ("eq_", "lt_"):
        flat = x.detach().reshape(-1).tolist()
        scalars = [0.0, *flat[:3]]  # x's own values make ties (eq true, lt false)
        # (no operand that requires grad into an x that does not: torch then marks x as
        # requiring grad, ours does not, a deliberate difference (inplace_math.py))
        keep = lambda t: x.requires_grad or not t.requires_grad  # noqa: E731
        other = _operand(draw, slots, shape, lambda d, s: draw(st.sampled_from(scalars)), keep)
        return ("inplace", i, kind, other)
    return ("inplace", i, kind)  # abs_, floor_


def _structural(draw, x, i: int, kind: str) -> tuple:
    n, shape = x.ndim, tuple(x.shape)
    if kind == "cumsum_":
        return ("inplace", i, kind, draw(st.integers(-max(n, 1), max(n, 1) - 1)))
    if kind == "tril_" and n >= 2:
        return ("inplace", i, kind, draw(st.integers(-1, 1)))
    if kind == "fill_diagonal_" and n >= 2 and (n == 2 or len(set(shape)) == 1):
        return ("inplace", i, kind, draw(st.sampled_from([0.0, 2.5])), draw(st.booleans()))
    return ("inplace", i, "floor_" if kind == "tril_" else "abs_")


def _indexed(draw, slots, i: int, kind: str) -> tuple:
    x = slots[i]
    n, shape = x.ndim, tuple(x.shape)
    if kind == "masked_scatter_":
        mask = np.asarray(np.random.default_rng(draw(st.integers(0, 99))).random(shape) < 0.5)
        same = [j for j, y in enumerate(slots) if tuple(y.shape) == shape]
        if same and draw(st.booleans()):
            return ("inplace", i, kind, mask, ("slot", draw(st.sampled_from(same))))
        return ("inplace", i, kind, mask, array(draw, shape))
    if n == 0 or 0 in shape:
        return ("inplace", i, "abs_")
    d = draw(st.integers(0, n - 1))
    size = shape[d]
    if kind == "index_fill_":
        index = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=3))
        return ("inplace", i, kind, d, np.array(index), draw(st.sampled_from([0.0, -1.5])))
    if kind == "index_copy_":  # distinct indices: torch's result is undefined with repeats
        index = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=3, unique=True))
        src_shape = shape[:d] + (len(index),) + shape[d + 1 :]
        same = [j for j, y in enumerate(slots) if tuple(y.shape) == src_shape]
        src = ("slot", draw(st.sampled_from(same))) if same and draw(st.booleans()) else None
        return ("inplace", i, kind, d, np.array(index), src or array(draw, src_shape))
    index = np.random.default_rng(draw(st.integers(0, 99))).integers(0, size, shape)
    same = [j for j, y in enumerate(slots) if tuple(y.shape) == shape]
    src = ("slot", draw(st.sampled_from(same))) if same and draw(st.booleans()) else None
    return ("inplace", i, kind, d, index, src or array(draw, shape))  # scatter_add_


def draw_inplace_math(draw, slots, i: int) -> tuple:
    kind = draw(st.sampled_from(MATH_METHODS))
    if kind in ("cumsum_", "tril_", "fill_diagonal_"):
        return _structural(draw, slots[i], i, kind)
    if kind in ("index_fill_", "index_copy_", "masked_scatter_", "scatter_add_"):
        return _indexed(draw, slots, i, kind)
    return _pointwise(draw, slots, i, kind)


# Steps whose value or gradient jumps (comparisons, floor, a clamp's or abs's kink)
JUMPS = frozenset({"eq_", "lt_", "floor_", "clamp_min_", "abs_"})


def rounding_apart(ours, theirs, step: tuple, numpy_of) -> bool:
    """Whether ``step`` jumps (``JUMPS``) on an operand where ours and torch differ by rounding
    (within compare's tolerance): the two could then differ by a whole jump (``x.eq_(c)`` with c
    one of torch's values), so the program ends before it."""
    if step[0] == "nograd":
        step = step[1]
    if step[0] != "inplace" or step[2] not in JUMPS:
        return False
    used = [step[1], *(v[1] for v in step[3:] if isinstance(v, tuple) and v[:1] == ("slot",))]
    return any(not np.array_equal(numpy_of(ours.slots[k]), numpy_of(theirs.slots[k])) for k in used)
