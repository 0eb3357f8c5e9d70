"""Differential fuzzing of the matrix products against torch 2.13: matmul / ``@`` over every rank
pair 0..4 × 0..4 (1-D on either side, broadcast batch axes of size 0 and 1, a size-0 inner dim
giving zeros, mismatched inner sizes raising), mm, bmm, mv, dot, vdot, inner, outer,
tensordot (int and explicit dims), kron, addmm / addmv / baddbmm / addbmm (alpha, beta, beta = 0
with NaN in the input, which both ignore), linalg.multi_dot, chain_matmul and cross /
linalg.cross; values, dtypes, shapes and every input's gradient (tolerances: linalg_fuzz.py).
einsum has its own file (test_linalg_fuzz_einsum.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from linalg_fuzz import check, fuzz_settings, normal, seeds, slow_settings

torch = pytest.importorskip("torch")
# torch's addmv with an empty matrix resizes an internal output and warns; ours is quiet
pytestmark = pytest.mark.filterwarnings("ignore:An output with one or more elements was resized")

SIZES = st.sampled_from([0, 1, 2, 3])
FLOATS = st.sampled_from(["float64", "float64", "float32"])


@st.composite
def matmul_pair(draw):
    """Shapes of a matmul pair of ranks 0-4 each: broadcast batch axes (size 0, 1 or 2, either
    side 1 where the other is not), a shared inner size (0 included; 1 in 10 pairs a wrong one)."""
    ra, rb = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    m, k, p = draw(SIZES), draw(SIZES), draw(SIZES)
    batch = draw(st.lists(st.sampled_from([0, 1, 2]), min_size=4, max_size=4))
    ones_a = draw(st.lists(st.booleans(), min_size=4, max_size=4))
    ones_b = draw(st.lists(st.booleans(), min_size=4, max_size=4))

    def side(rank, ones, core):
        nb = max(rank - 2, 0)
        bs = [1 if o else s for s, o in zip(batch[4 - nb :], ones[4 - nb :])]
        return tuple(bs) + core if rank >= 2 else core[:rank]

    kb = k if draw(st.integers(0, 9)) else k + 1
    a = side(ra, ones_a, (m, k)) if ra != 1 else (k,)
    b = side(rb, ones_b, (kb, p)) if rb != 1 else (kb,)
    return a, b


def _matmul(case, seed, dtype, op):
    a_shape, b_shape = case
    a, b = normal(seed, a_shape), normal(seed + 1, b_shape)
    fn = (lambda m, x, y: x @ y) if op == "@" else (lambda m, x, y: m.matmul(x, y))
    out = check(fn, a, b, dtype=dtype, kappa=1.0)
    if out is not None and 0 in a_shape[-1:]:  # a size-0 inner dim: zeros
        assert not np.any(out[0])


@fuzz_settings(120)
@given(matmul_pair(), seeds, FLOATS, st.sampled_from(["@", "matmul"]))
def test_matmul_fuzz(case, seed, dtype, op):
    _matmul(case, seed, dtype, op)


@pytest.mark.slow
@slow_settings(1500)
@given(matmul_pair(), seeds, FLOATS, st.sampled_from(["@", "matmul"]))
def test_matmul_fuzz_slow(case, seed, dtype, op):
    _matmul(case, seed, dtype, op)


# (name, ranks of the operands, call): the fixed-rank products; sizes are drawn, with a wrong
# inner size sometimes (both must raise)
FIXED = {
    "mm": lambda m, a, b: m.mm(a, b),
    "bmm": lambda m, a, b: m.bmm(a, b),
    "mv": lambda m, a, b: m.mv(a, b),
    "dot": lambda m, a, b: m.dot(a, b),
    "vdot": lambda m, a, b: m.vdot(a, b),
    "outer": lambda m, a, b: m.outer(a, b),
    "kron": lambda m, a, b: m.kron(a, b),
}
SHAPES = {
    "mm": lambda n, k, p, b: ((n, k), (k, p)),
    "bmm": lambda n, k, p, b: ((b, n, k), (b, k, p)),
    "mv": lambda n, k, p, b: ((n, k), (k,)),
    "dot": lambda n, k, p, b: ((k,), (k,)),
    "vdot": lambda n, k, p, b: ((k,), (k,)),
    "outer": lambda n, k, p, b: ((n,), (p,)),
    "kron": lambda n, k, p, b: ((n, k, b)[: p + 1], (b, n)[:p]),
}


@st.composite
def fixed_case(draw):
    name = draw(st.sampled_from(sorted(FIXED)))
    n, k, p, b = draw(SIZES), draw(SIZES), draw(SIZES), draw(SIZES)
    a_shape, b_shape = SHAPES[name](n, k, p, b)
    if name not in ("outer", "kron") and not draw(st.integers(0, 7)) and b_shape:
        b_shape = (*b_shape[:-2], b_shape[-2] + 1, *b_shape[-1:]) if len(b_shape) > 1 else (k + 1,)
    return name, a_shape, b_shape


def _fixed(case, seed, dtype):
    name, a_shape, b_shape = case
    check(FIXED[name], normal(seed, a_shape), normal(seed + 1, b_shape), dtype=dtype, kappa=1.0)


@fuzz_settings(80)
@given(fixed_case(), seeds, FLOATS)
def test_fixed_rank_products_fuzz(case, seed, dtype):
    _fixed(case, seed, dtype)


@pytest.mark.slow
@slow_settings(800)
@given(fixed_case(), seeds, FLOATS)
def test_fixed_rank_products_fuzz_slow(case, seed, dtype):
    _fixed(case, seed, dtype)


@st.composite
def tensordot_case(draw):
    """Operands of rank 0-3 with ``dims`` an int (the last d axes of a against the first d of
    b) or two lists of paired axes (any order, negative sometimes)."""
    a_shape = tuple(draw(st.lists(SIZES, max_size=3)))
    if draw(st.booleans()):
        d = draw(st.integers(0, len(a_shape)))
        b_rest = tuple(draw(st.lists(SIZES, max_size=2)))
        return a_shape, a_shape[len(a_shape) - d :] + b_rest, d
    pairs = draw(st.integers(0, len(a_shape)))
    da = draw(st.permutations(range(len(a_shape))))[:pairs]
    b_rank = pairs + draw(st.integers(0, 2))
    db = draw(st.permutations(range(b_rank)))[:pairs]
    b_shape = [draw(SIZES) for _ in range(b_rank)]
    for i, j in zip(da, db):
        b_shape[j] = a_shape[i]
    da = [i - len(a_shape) if draw(st.booleans()) else i for i in da]
    return a_shape, tuple(b_shape), (list(da), list(db))


def _tensordot(case, seed, dtype):
    a_shape, b_shape, dims = case
    check(
        lambda m, a, b: m.tensordot(a, b, dims=dims),
        normal(seed, a_shape),
        normal(seed + 1, b_shape),
        dtype=dtype,
        kappa=1.0,
    )


@fuzz_settings(60)
@given(tensordot_case(), seeds, FLOATS)
def test_tensordot_fuzz(case, seed, dtype):
    _tensordot(case, seed, dtype)


@pytest.mark.slow
@slow_settings(600)
@given(tensordot_case(), seeds, FLOATS)
def test_tensordot_fuzz_slow(case, seed, dtype):
    _tensordot(case, seed, dtype)


def test_inner_all_ranks():
    """inner over every rank pair 0..3 × 0..3 with equal last sizes (and a scalar side)."""
    for ra in range(4):
        for rb in range(4):
            a_shape = (2, 3, 2)[3 - ra :]
            b_shape = (3, 1, 2)[3 - rb :]
            if ra and rb:
                b_shape = b_shape[:-1] + a_shape[-1:]
            check(lambda m, a, b: m.inner(a, b), normal(ra, a_shape), normal(rb, b_shape))


# the scaled sums: (call, shapes of input/operand 1/operand 2 from sizes n, k, p, b)
SCALED = {
    "addmm": (lambda m, x, a, b, be, al: m.addmm(x, a, b, beta=be, alpha=al), "nk,kp,np"),
    "addmv": (lambda m, x, a, b, be, al: m.addmv(x, a, b, beta=be, alpha=al), "nk,k,n"),
    "baddbmm": (lambda m, x, a, b, be, al: m.baddbmm(x, a, b, beta=be, alpha=al), "bnk,bkp,bnp"),
    "addbmm": (lambda m, x, a, b, be, al: m.addbmm(x, a, b, beta=be, alpha=al), "bnk,bkp,np"),
}


@st.composite
def scaled_case(draw):
    name = draw(st.sampled_from(sorted(SCALED)))
    size = {c: draw(SIZES) for c in "nkpb"}
    sa, sb, out = SCALED[name][1].split(",")
    x_shape = [size[c] for c in out]
    # the input broadcasts: some leading axes dropped, some set to 1
    x_shape = x_shape[draw(st.integers(0, len(x_shape))) :]
    x_shape = [1 if draw(st.booleans()) else s for s in x_shape]
    beta = draw(st.sampled_from([0, 0, 1, 0.5, -2.0]))
    alpha = draw(st.sampled_from([0, 1, 1, 2.5, -1.0]))
    nan = beta == 0 and draw(st.booleans())
    return name, tuple(x_shape), [size[c] for c in sa], [size[c] for c in sb], beta, alpha, nan


def _scaled(case, seed, dtype):
    name, x_shape, a_shape, b_shape, beta, alpha, nan = case
    x = normal(seed, x_shape)
    if nan:  # beta = 0: torch ignores the input's values, NaN and inf included
        x[...] = np.nan
        x.reshape(-1)[::2] = np.inf
    call = SCALED[name][0]
    # torch 2.13's addmv with an empty matrix and an input that broadcasts returns the input
    # unbroadcast (shape () or (1,) where (n,) is due) and its backward raises ("outer:
    # Expected 1-D argument self, but got 0-D"); test_addmv_empty_broadcast pins ours there
    if name == "addmv" and 0 in a_shape and x_shape != (a_shape[0],):
        return
    out = check(
        lambda m, x_, a, b: call(m, x_, a, b, beta, alpha),
        x,
        normal(seed + 1, a_shape),
        normal(seed + 2, b_shape),
        dtype=dtype,
        kappa=3.0,
    )
    if nan and out is not None:
        assert np.all(np.isfinite(out[0]))


def test_addmv_empty_broadcast():
    """addmv with an empty matrix and an input that broadcasts (where torch 2.13 returns the
    wrong shape and its backward raises), against NumPy: y = βx + α·A v of shape (n,),
    x̄ = β·Σ ȳ over the broadcast axes, Ā = α·ȳ vᵀ, v̄ = α·Aᵀȳ, all from NumPy."""
    import autograd_core as ac

    for (n, k), x_shape in [((2, 0), ()), ((2, 0), (1,)), ((0, 2), ()), ((0, 2), (1,))]:
        x_np, a_np, v_np = normal(1, x_shape), normal(2, (n, k)), normal(3, (k,))
        gy = normal(4, (n,))
        x, a, v = (ac.tensor(t, requires_grad=True) for t in (x_np, a_np, v_np))
        y = ac.addmv(x, a, v, beta=0.5, alpha=-2.0)
        assert y.shape == (n,)
        np.testing.assert_allclose(y.numpy(), 0.5 * x_np + -2.0 * (a_np @ v_np))
        gx, ga, gv = ac.grad([y], [x, a, v], [ac.tensor(gy)])
        np.testing.assert_allclose(gx.numpy(), np.full(x_shape, 0.5 * gy.sum()))
        np.testing.assert_array_equal(ga.numpy(), -2.0 * np.outer(gy, v_np))
        np.testing.assert_array_equal(gv.numpy(), -2.0 * (a_np.T @ gy))


@fuzz_settings(80)
@given(scaled_case(), seeds, FLOATS)
def test_scaled_products_fuzz(case, seed, dtype):
    _scaled(case, seed, dtype)


@pytest.mark.slow
@slow_settings(800)
@given(scaled_case(), seeds, FLOATS)
def test_scaled_products_fuzz_slow(case, seed, dtype):
    _scaled(case, seed, dtype)


@st.composite
def chain_case(draw):
    """2-5 matrices with matching inner sizes (0 included); the first and the last 1-D half the
    time (multi_dot only)."""
    count = draw(st.integers(2, 5))
    dims = [draw(st.sampled_from([0, 1, 2, 3, 5])) for _ in range(count + 1)]
    shapes = [(dims[i], dims[i + 1]) for i in range(count)]
    if draw(st.booleans()):
        shapes[0] = shapes[0][1:]
    if draw(st.booleans()):
        shapes[-1] = shapes[-1][:1]
    return shapes


def _chain(shapes, seed, dtype, which):
    arrays = [normal(seed + i, s) for i, s in enumerate(shapes)]
    if which == "multi_dot":
        check(lambda m, *ts: m.linalg.multi_dot(list(ts)), *arrays, dtype=dtype, kappa=3.0)
        return
    with warnings.catch_warnings():  # both deprecate chain_matmul with a UserWarning
        warnings.simplefilter("ignore")
        check(lambda m, *ts: m.chain_matmul(*ts), *arrays, dtype=dtype, kappa=3.0)


@fuzz_settings(40)
@given(chain_case(), seeds, FLOATS, st.sampled_from(["multi_dot", "chain_matmul"]))
def test_matrix_chains_fuzz(shapes, seed, dtype, which):
    _chain(shapes, seed, dtype, which)


@pytest.mark.slow
@slow_settings(400)
@given(chain_case(), seeds, FLOATS, st.sampled_from(["multi_dot", "chain_matmul"]))
def test_matrix_chains_fuzz_slow(shapes, seed, dtype, which):
    _chain(shapes, seed, dtype, which)


@st.composite
def cross_case(draw):
    """Two broadcasting shapes of rank 1-4 with a size-3 axis at ``dim`` (a wrong size 1 in 10)."""
    rank = draw(st.integers(1, 4))
    dim = draw(st.integers(-rank, rank - 1))
    base = [draw(st.sampled_from([0, 1, 2, 3])) for _ in range(rank)]
    base[dim] = 3 if draw(st.integers(0, 9)) else 2
    other = [1 if draw(st.booleans()) and i != dim % rank else s for i, s in enumerate(base)]
    legacy = draw(st.booleans())
    return tuple(base), tuple(other), dim, legacy


def _cross(case, seed, dtype):
    a_shape, b_shape, dim, legacy = case
    if legacy:
        fn = lambda m, a, b: m.cross(a, b, dim=dim)  # noqa: E731
    else:
        fn = lambda m, a, b: m.linalg.cross(a, b, dim=dim)  # noqa: E731
    check(fn, normal(seed, a_shape), normal(seed + 1, b_shape), dtype=dtype, kappa=1.0)


@fuzz_settings(40)
@given(cross_case(), seeds, FLOATS)
def test_cross_fuzz(case, seed, dtype):
    _cross(case, seed, dtype)


@pytest.mark.slow
@slow_settings(400)
@given(cross_case(), seeds, FLOATS)
def test_cross_fuzz_slow(case, seed, dtype):
    _cross(case, seed, dtype)
