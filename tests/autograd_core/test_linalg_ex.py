"""Fixed cases for the linalg additions (addr/ger, vecdot, the ``*_ex`` variants,
cholesky_solve/inverse, the LU family, lstsq, matrix_rank, cond): gradcheck and gradgradcheck
of the compositions in float64, errors (naming the op), integer/bool addr, the values torch
leaves where info ≠ 0 on small cases, signatures against torch's, and a regression: a
singular ``linalg.solve`` with B's k ≠ n raised a bogus broadcast ShapeError."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DTypeError, LinAlgError, ShapeError

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)


def _t(a):
    return ac.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def _spd(*shape):
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def _both(fn, *inputs):
    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs)


def test_addr_vecdot_gradients():
    _both(lambda i, a, b: ac.addr(i, a, b, beta=0.5, alpha=-2), _t(RNG.standard_normal(3)),
          _t(RNG.standard_normal(2)), _t(RNG.standard_normal(3)))  # fmt: skip
    _both(lambda x, y: ac.linalg.vecdot(x, y, dim=0), _t(RNG.standard_normal((3, 2))),
          _t(RNG.standard_normal((3, 1))))  # fmt: skip


def test_cholesky_family_gradients():
    # the factor's other triangle is not read but gets torch's gradient (the factor taken as a
    # full matrix, compared with torch in the fuzz): gradcheck through the triangle itself
    ell = np.linalg.cholesky(_spd(2, 3, 3))
    b = _t(RNG.standard_normal((3, 2)))
    for upper in (False, True):
        f = np.swapaxes(ell, -1, -2) if upper else ell

        def tri(x, u=upper):
            return x.triu() if u else x.tril()

        _both(lambda y, x, u=upper: ac.cholesky_solve(y, tri(x), upper=u), b, _t(f))
        _both(lambda x, u=upper: ac.cholesky_inverse(tri(x), upper=u), _t(f))
    # (cholesky reads one triangle, its gradient is symmetric, as torch's: check on (A + Aᵀ)/2)
    _both(lambda a: ac.linalg.cholesky_ex((a + a.mT) / 2).L, _t(_spd(2, 3, 3)))
    _both(lambda a: ac.linalg.inv_ex(a).inverse, _t(_spd(3, 3)))
    _both(
        lambda a, y: ac.linalg.solve_ex(a, y, left=False).result,
        _t(_spd(3, 3)),
        _t(np.ones((2, 3))),
    )


def test_lu_family_gradients():
    for shape in [(2, 3, 3), (3, 5), (5, 3)]:
        _both(lambda a: tuple(ac.linalg.lu(a))[1:], _t(RNG.standard_normal(shape)))
    a = _t(RNG.standard_normal((3, 3)) + 3 * np.eye(3))
    b = _t(RNG.standard_normal((2, 3, 2)))
    for left, adjoint in [(True, False), (True, True), (False, False), (False, True)]:
        y = b if left else _t(RNG.standard_normal((2, 3)))
        _both(lambda x, z, s=left, j=adjoint: ac.linalg.lu_solve(
            *ac.linalg.lu_factor(x), z, left=s, adjoint=j), a, y)  # fmt: skip
    _both(lambda x: tuple(ac.lu_unpack(*ac.linalg.lu_factor(x)))[1:], a)


def test_lstsq_cond_gradients():
    for shape in [(5, 3), (3, 5)]:
        a, b = _t(RNG.standard_normal(shape)), _t(RNG.standard_normal((shape[0], 2)))
        _both(lambda x, y: ac.linalg.lstsq(x, y).solution, a, b)
    a, b = _t(RNG.standard_normal((5, 2))), _t(RNG.standard_normal((5, 2)))
    _both(lambda x, y: ac.linalg.lstsq(x, y, driver="gelsd").residuals, a, b)
    a = _t(RNG.standard_normal((2, 3, 3)) + 2 * np.eye(3))
    for p in [None, -2, "fro", "nuc", float("inf"), float("-inf"), 1, -1]:
        # (the max/min norms: away from ties, which a random matrix has with probability 0)
        _both(lambda x, q=p: ac.linalg.cond(x, q), a)


def test_addr_semantics_against_torch():
    nan = torch.full((2, 3), float("nan"), dtype=torch.float64)
    v1, v2 = torch.tensor([1.0, 2.0], dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    want = torch.addr(nan, v1, v2, beta=0)
    got = ac.addr(ac.tensor(nan.numpy()), ac.tensor(v1.numpy()), ac.tensor(v2.numpy()), beta=0)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    i64 = [torch.ones(2, 3, dtype=torch.int64), torch.arange(2), torch.arange(3)]
    want = torch.addr(*i64, beta=2, alpha=3)
    got = ac.addr(*[ac.tensor(x.numpy()) for x in i64], beta=2, alpha=3)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.dtype == ac.int64
    mixed = ac.addr(
        ac.ones(2, 3, dtype=ac.int64), ac.ones(2, dtype=ac.int64), ac.ones(3), alpha=1.5
    )
    assert mixed.dtype == ac.float32  # int64 ⊗ float32 is float32, as torch
    bools = [
        torch.zeros(2, 3, dtype=torch.bool),
        torch.tensor([True, False]),
        torch.ones(3, dtype=torch.bool),
    ]
    for beta, alpha in [(True, True), (False, 0), (0, 2)]:
        want = torch.addr(*bools, beta=beta, alpha=alpha)
        got = ac.addr(*[ac.tensor(x.numpy()) for x in bools], beta=beta, alpha=alpha)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    with pytest.raises(DTypeError, match="addr: for integral"):
        ac.addr(
            ac.ones(2, 3, dtype=ac.int64),
            ac.ones(2, dtype=ac.int64),
            ac.ones(3, dtype=ac.int64),
            beta=0.5,
        )
    with pytest.raises(ShapeError, match="addr: expected 1-D argument vec1"):
        ac.addr(ac.ones(2, 3), ac.ones(2, 1), ac.ones(3))
    with pytest.raises(ShapeError, match=r"addr: input of shape \(4,\)"):
        ac.addr(ac.ones(4), ac.ones(2), ac.ones(3))
    x = ac.ones(2, 3)
    assert x.addr_(ac.ones(2), ac.ones(3), alpha=2) is x
    np.testing.assert_array_equal(x.numpy(), np.full((2, 3), 3.0))
    np.testing.assert_array_equal(ac.ger(ac.ones(2), ac.ones(3)).numpy(), np.ones((2, 3)))


def test_ex_values_where_info_is_nonzero():
    # 2×2 cases whose inf/NaN pattern does not depend on the kernel's order of operations
    for a in ([[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.0]]):
        want = torch.linalg.inv_ex(torch.tensor(a, dtype=torch.float64))
        got = ac.linalg.inv_ex(ac.tensor(a))
        np.testing.assert_array_equal(got.inverse.numpy(), want.inverse.numpy())
        assert got.info.item() == want.info.item() and got.info.dtype == ac.int32
    bad = [[1.0, 2.0, 3.0], [2.0, 5.0, 0.0], [3.0, 0.0, 5.0]]  # fails at order 3: −40 stored
    want = torch.linalg.cholesky_ex(torch.tensor(bad, dtype=torch.float64))
    got = ac.linalg.cholesky_ex(ac.tensor(bad))
    np.testing.assert_array_equal(got.L.numpy(), want.L.numpy())
    assert got.info.item() == want.info.item() == 3


def test_errors_name_the_op():
    sing = ac.tensor([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(LinAlgError, match="linalg.inv_ex: the input is singular"):
        ac.linalg.inv_ex(sing, check_errors=True)
    with pytest.raises(LinAlgError, match="linalg.solve_ex"):
        ac.linalg.solve_ex(sing, ac.ones(2), check_errors=True)
    with pytest.raises(LinAlgError, match="linalg.cholesky_ex: the input is not positive"):
        ac.linalg.cholesky_ex(sing, check_errors=True)
    with pytest.raises(LinAlgError, match=r"linalg.lu_factor: U\[1,1\] is zero"):
        ac.linalg.lu_factor(sing)
    assert ac.linalg.lu_factor_ex(sing).info.item() == 2
    with pytest.raises(LinAlgError, match="cholesky_inverse"):
        ac.cholesky_inverse(ac.zeros(2, 2))
    with pytest.raises(ShapeError, match="cholesky_solve: B should have at least 2"):
        ac.cholesky_solve(ac.ones(3), ac.eye(3))
    with pytest.raises(DTypeError, match="linalg.lu_solve: pivots should be int32"):
        ac.linalg.lu_solve(ac.eye(2), ac.tensor([1, 2]), ac.ones(2, 1))
    with pytest.raises(ShapeError, match="linalg.lu_solve: incompatible shapes"):
        ac.linalg.lu_solve(*ac.linalg.lu_factor(ac.eye(3)), ac.ones(4, 3))
    with pytest.raises(NotImplementedError, match="linalg.lu: LU without pivoting"):
        ac.linalg.lu(ac.eye(2), pivot=False)
    with pytest.raises(ValueError, match="linalg.lstsq: parameter `driver`"):
        ac.linalg.lstsq(ac.eye(2), ac.ones(2, 1), driver="foo")
    with pytest.raises(ShapeError, match="linalg.lstsq: A's rows and B's must match"):
        ac.linalg.lstsq(ac.ones(3, 2), ac.ones(4, 1))
    with pytest.raises(ShapeError, match=r"linalg.cond\(ord=fro\)"):
        ac.linalg.cond(ac.ones(3, 2), "fro")
    with pytest.raises(ValueError, match="linalg.cond: got an invalid norm type 3"):
        ac.linalg.cond(ac.eye(2), 3)
    with pytest.raises(DTypeError, match="linalg.vecdot: expected x and y to have the same"):
        ac.linalg.vecdot(ac.ones(3), ac.ones(3, dtype=ac.float64))


def test_singular_solve_with_other_k_raises_linalg_error():
    # regression: Solve's ValueError handler took NumPy's LinAlgError for a broadcast failure
    with pytest.raises(LinAlgError, match="linalg.solve: A is singular"):
        ac.linalg.solve(ac.tensor([[1.0, 2.0], [2.0, 4.0]]), ac.ones(2, 3))


def _torch_params(fn):
    """torch's parameters from its docstring's first line: [(name, keyword_only, default)]."""
    line = fn.__doc__.strip().splitlines()[0]
    inner = line[line.index("(") + 1 : line.rindex(")", 0, line.index("->"))]
    out, kw = [], False
    for part in (p.strip() for p in inner.split(",")):
        if part == "*":
            kw = True
            continue
        name, _, default = part.partition("=")
        name = name.split()[-1]  # "bool pivot" -> "pivot"
        if name != "out":
            out.append((name, kw, default or None))
    return out


@pytest.mark.parametrize(
    "name",
    ["linalg.vecdot", "linalg.cholesky_ex", "linalg.inv_ex", "linalg.solve_ex", "linalg.lu_factor",
     "linalg.lu_factor_ex", "linalg.lu", "linalg.lu_solve", "lu_unpack", "linalg.lstsq",
     "linalg.matrix_rank", "linalg.cond", "cholesky_solve", "cholesky_inverse", "addr"],
)  # fmt: skip
def test_signatures_match_torch(name):
    ours, theirs = ac, torch
    for part in name.split("."):
        ours, theirs = getattr(ours, part), getattr(theirs, part)
    want = _torch_params(theirs)
    got = []
    for p in inspect.signature(ours).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        got.append((p.name, p.kind is inspect.Parameter.KEYWORD_ONLY, default))
    assert [(n, k) for n, k, _ in got] == [(n, k) for n, k, _ in want]
    for (n, _, d), (_, _, w) in zip(got, want):
        assert (d is None) == (w is None) and (d is None or re.sub("'", "", d) == w), (n, d, w)
