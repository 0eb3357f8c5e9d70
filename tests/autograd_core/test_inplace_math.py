"""The in-place math methods of inplace_math.py (``x.sqrt_()``, ``buf.addcmul_(g, g, value=)``,
``mask.logical_not_()``, ...) against torch: value, dtype and identity of the result, errors
where torch errors, gradients through a recorded non-leaf (the tables of inplace_cases.py),
and the recording rules of inplace.py for a few representative methods."""

from __future__ import annotations

import numpy as np
import pytest
from inplace_cases import GRAD_CASES, IDX, VALUE_CASES, T, apply, build, grads

import autograd_core as ac

pytestmark = pytest.mark.filterwarnings("ignore:index_reduce.. is in beta:UserWarning")


@pytest.mark.parametrize(
    ("method", "x", "args", "kwargs"), VALUE_CASES, ids=[f"{c[0]}-{c[1]!r}" for c in VALUE_CASES]
)
def test_values_dtypes_and_errors_match_torch(torch, method, x, args, kwargs):
    want, got = (apply(lib, method, x, args, kwargs) for lib in (torch, ac))
    if isinstance(want, Exception):
        assert isinstance(got, (ac.AutogradError, TypeError, ValueError)), (want, got)
        return
    assert not isinstance(got, Exception), f"torch gives {want[1]}, ours raises {got!r}"
    (tt, _), (t, out) = want, got
    assert out is t  # in place: the tensor itself
    assert str(t.dtype) == str(tt.dtype).removeprefix("torch.")
    assert t.shape == tuple(tt.shape)
    np.testing.assert_allclose(t.numpy(), tt.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("method", "values", "args", "kwargs", "expect"),
    GRAD_CASES,
    ids=[c[0] for c in GRAD_CASES],
)
def test_gradients_through_a_recorded_non_leaf(torch, method, values, args, kwargs, expect):
    if expect == "raises":  # (igamma's derivative in its first argument: neither has one)
        with pytest.raises(ac.BackwardError, match="not implemented"):
            grads(ac, method, values, args, kwargs)
        with pytest.raises(NotImplementedError):
            grads(torch, method, values, args, kwargs)
        return
    got = grads(ac, method, values, args, kwargs)
    want = (
        [np.zeros(np.shape(values))]
        if expect == "zero"
        else grads(torch, method, values, args, kwargs)
    )
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if g is None:  # (lt_'s operand: torch fills a zero gradient, ours leaves none)
            g = np.zeros_like(w)
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_torch_passes_the_old_gradient_through_logical_not_where_ours_gives_zero(torch):
    # the deliberate difference of inplace_math.py's docstring: pinned, so a torch that starts
    # recording logical_not_ shows up here
    x = torch.tensor([1.5, 0.0], requires_grad=True)
    a = x * 2
    a.logical_not_()
    a.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert grads(ac, "logical_not_", [1.5, 0.0], (), {})[0].tolist() == [0.0, 0.0]


# -- the recording rules of inplace.py, for a few representative methods ----------------------

RULE_CASES = [
    ("sqrt_", (), {}),
    ("eq_", (0.5,), {}),
    ("addcmul_", (T([[2.0, 1.0, 0.5]], "float64"), T([[1.0, -1.0, 3.0]], "float64")), {}),
    ("cumsum_", (1,), {}),
    ("tril_", (), {}),
    ("index_fill_", (1, IDX, 7.0), {}),
    ("fill_diagonal_", (-1.0,), {}),
]
RULE_IDS = [c[0] for c in RULE_CASES]
POS_M = [[1.5, 2.0, 0.5], [3.0, 0.25, 1.0]]


@pytest.mark.parametrize(("method", "args", "kwargs"), RULE_CASES, ids=RULE_IDS)
def test_a_leaf_that_requires_grad_is_refused(torch, method, args, kwargs):
    for lib, error in ((torch, RuntimeError), (ac, ac.GraphError)):
        x = lib.tensor(POS_M, dtype=lib.float64, requires_grad=True)
        with pytest.raises(error, match="leaf"):
            getattr(x, method)(*[build(lib, a) for a in args], **kwargs)


@pytest.mark.parametrize(("method", "args", "kwargs"), RULE_CASES, ids=RULE_IDS)
def test_under_no_grad_the_write_is_plain(torch, method, args, kwargs):
    results = []
    for lib in (torch, ac):
        x = lib.tensor(POS_M, dtype=lib.float64, requires_grad=True)
        with lib.no_grad():
            getattr(x, method)(*[build(lib, a) for a in args], **kwargs)
        assert x.requires_grad and x.grad_fn is None
        results.append(x.detach().numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12)


@pytest.mark.parametrize(("method", "args", "kwargs"), RULE_CASES, ids=RULE_IDS)
def test_a_view_written_in_place_updates_its_base_and_its_gradient(torch, method, args, kwargs):
    if method == "fill_diagonal_":
        args = (-1.0,)  # (a 2-D view: columns 1 and 2)
    results = []
    for lib in (torch, ac):
        x = lib.tensor(POS_M, dtype=lib.float64, requires_grad=True)
        a = x * 1
        view = a[:, 1:] if method in ("fill_diagonal_", "tril_") else a[1:]
        built = [build(lib, b) for b in args]
        if method == "index_fill_":
            built[1] = lib.tensor([0, 1])
        getattr(view, method)(*built, **kwargs)
        w = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=lib.float64)
        (a * w).sum().backward()
        results.append((a.detach().numpy(), x.grad.numpy()))
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(("method", "args", "kwargs"), RULE_CASES, ids=RULE_IDS)
def test_a_saved_input_written_in_place_refuses_backward(torch, method, args, kwargs):
    for lib, error in ((torch, RuntimeError), (ac, ac.GraphError)):
        x = lib.tensor(POS_M, dtype=lib.float64, requires_grad=True)
        a = x * 1
        y = a * a  # mul saves a
        getattr(a, method)(*[build(lib, b) for b in args], **kwargs)
        with pytest.raises(error, match="in-?place"):
            y.sum().backward()


def test_a_consumer_that_saved_only_its_output_back_propagates_as_torch(torch):
    # exp saves its output, so writing its input afterwards leaves its backward valid: its
    # gradient reaches the value it read (version.mark_rebound), as torch's saved edge does
    grads = []
    for m in (torch, ac):
        x = m.tensor([1.5, 2.5], requires_grad=True)
        a = x * 1
        y = a.exp()
        a.sqrt_()
        (y.sum() + a.sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6)
    np.testing.assert_allclose(grads[1], np.exp([1.5, 2.5]) + 0.5 / np.sqrt([1.5, 2.5]))


def test_a_comparison_into_a_tensor_without_grad_stays_without_grad(torch):
    # deliberate difference: torch marks a as requiring grad (an EqBackward node, zero
    # gradient to y); ours leaves it as ac.eq(a, y) would be
    y = ac.tensor([1.0, 2.0], requires_grad=True)
    a = ac.tensor([1.0, 0.0])
    assert a.eq_(y).tolist() == [1.0, 0.0]
    assert not a.requires_grad and a.grad_fn is None
    ty = torch.tensor([1.0, 2.0], requires_grad=True)
    assert torch.tensor([1.0, 0.0]).eq_(ty).requires_grad


def test_int_addcmul_with_a_fractional_value_is_refused_where_torch_truncates(torch):
    # torch casts value=0.5 to the int tensor's 0 and adds nothing; ours refuses the float
    # result, as for int_tensor.add_(1.5)
    t = torch.tensor([1, 2])
    assert t.addcmul_(t, t, value=0.5).tolist() == [1, 2]
    x = ac.tensor([1, 2])
    with pytest.raises(ac.DTypeError, match="addcmul_: the result has dtype float"):
        x.addcmul_(x, x, value=0.5)
