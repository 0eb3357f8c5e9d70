"""The op database drives these: coverage, gradient checks of order 1 and 2, forward oracles."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.testing import OP_DB
from autograd_core.testing.run import run_case

CASES = [(spec, case) for spec in OP_DB for case in spec.cases()]
IDS = [f"{spec.name}-{case.desc}" for spec, case in CASES]
NON_DIFF = [(s, c) for s, c in CASES if not s.differentiable]


def test_every_registered_op_has_a_spec():
    specs = [s.name for s in OP_DB]
    assert len(specs) == len(set(specs)), "an op has two specs"
    missing = set(ac.OP_REGISTRY) - set(specs)
    extra = set(specs) - set(ac.OP_REGISTRY)
    assert not missing, f"registered ops without an OpSpec: {sorted(missing)}"
    assert not extra, f"OpSpecs for unregistered ops: {sorted(extra)}"


def test_spec_claims_match_registry():
    for spec in OP_DB:
        cls = ac.OP_REGISTRY[spec.name]
        assert cls.differentiable == spec.differentiable, spec.name
        assert cls.double_backward == (spec.double_backward and spec.differentiable), spec.name


def test_every_spec_has_cases():
    for spec in OP_DB:
        assert spec.cases(), f"{spec.name} has no sample cases"


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_gradcheck_first_order(spec, case):
    row = run_case(spec, case, order=1)
    assert row.status in ("pass", "skip"), row.message


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_gradcheck_second_order(spec, case):
    row = run_case(spec, case, order=2)
    assert row.status in ("pass", "skip"), row.message


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_forward_matches_numpy_in_float32(spec, case):
    if spec.ref is None:
        pytest.skip(f"{spec.name} has no NumPy reference (checked through its adjoint)")
    args, kwargs = spec.tensors(case, dtype=np.float32, requires_grad=False)
    out = spec.op(*args, **kwargs)
    ref_args = [a.data if isinstance(a, ac.Tensor) else a for a in args]
    expected = np.asarray(spec.ref(*ref_args, **kwargs))
    assert out.shape == expected.shape
    if expected.dtype.kind == "f":
        assert out.dtype == np.float32, f"{spec.name} changed float32 to {out.dtype}"
        np.testing.assert_allclose(out.data, expected, rtol=spec.fwd_rtol, atol=1e-6)
    else:
        np.testing.assert_array_equal(out.data, expected)


@pytest.mark.parametrize(
    ("spec", "case"), NON_DIFF, ids=[f"{s.name}-{c.desc}" for s, c in NON_DIFF]
)
def test_non_differentiable_ops_record_nothing(spec, case):
    args, kwargs = spec.tensors(case, requires_grad=False)
    args = [
        a.requires_grad_() if isinstance(a, ac.Tensor) and a.dtype.kind == "f" else a for a in args
    ]
    assert not spec.op(*args, **kwargs).requires_grad


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_gradient_matches_torch(spec, case):
    torch = pytest.importorskip("torch")
    if spec.torch_fn is None or not spec.differentiable:
        pytest.skip("no torch oracle for this op")
    args, kwargs = spec.tensors(case)
    targs = [
        torch.tensor(np.array(a.data, order="C"), requires_grad=a.requires_grad)
        if isinstance(a, ac.Tensor)
        else a
        for a in args
    ]
    out = spec.op(*args, **kwargs)
    tout = spec.torch_fn(*targs, **kwargs)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    diff = [i for i, a in enumerate(args) if isinstance(a, ac.Tensor) and a.requires_grad]
    if not diff or out.numel() == 0:
        return
    gy = np.random.default_rng(1).standard_normal(out.shape)
    ours = ac.grad(out, [args[i] for i in diff], ac.tensor(gy), allow_unused=True)
    theirs = torch.autograd.grad(
        tout, [targs[i] for i in diff], torch.tensor(gy), allow_unused=True
    )
    for i, g, tg in zip(diff, ours, theirs, strict=True):
        tg = np.zeros(args[i].shape) if tg is None else tg.numpy()
        g = np.zeros(args[i].shape) if g is None else g.data
        np.testing.assert_allclose(g, tg, rtol=1e-9, atol=1e-12, err_msg=f"input {i}")


# -- the array form of a VJP (Op.vjp_arrays) gives what the Tensor form gives ----------------

ARRAY_VJP_OPS = sorted(n for n, cls in ac.OP_REGISTRY.items() if cls.vjp_arrays is not None)


def test_the_ops_of_a_training_step_have_an_array_vjp():
    # losing one of these forms slows every backward pass (add's VJP has no arithmetic)
    hot = {"matmul", "linear", "sub", "mul", "neg", "relu", "sum", "mean", "getitem"}
    hot |= {"log_softmax", "softmax"}
    assert hot <= set(ARRAY_VJP_OPS), sorted(hot - set(ARRAY_VJP_OPS))


@pytest.mark.parametrize("name", ARRAY_VJP_OPS)
def test_array_vjp_matches_tensor_vjp_on_every_sample(name):
    """For every sample case of the op: vjp_arrays(ḡ) equals vjp(ḡ) in float64, input by input
    (or declines with None, leaving the call to vjp). Cases whose public function ends in a
    different op (a reshape around it) are skipped; at least one case must be compared."""
    spec = next(s for s in OP_DB if s.name == name)
    cls = ac.OP_REGISTRY[name]
    rng = np.random.default_rng(0)
    compared = 0
    for case in spec.cases():
        args, kwargs = spec.tensors(case)
        out = spec.op(*args, **kwargs)
        op = out.node
        if not isinstance(op, cls):
            continue
        gy = rng.standard_normal(out.shape)
        with ac.no_grad():
            expected = op.vjp(ac.tensor(gy, dtype=ac.float64))
        got = op.vjp_arrays(gy)
        if got is None:
            continue
        assert len(got) == len(expected), case.desc
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            assert (e is None) == (g is None), f"{case.desc}: input {i}"
            if e is not None:
                np.testing.assert_allclose(
                    np.asarray(g), e.data, rtol=1e-13, atol=0, err_msg=f"{case.desc}: input {i}"
                )
        compared += 1
    assert compared, f"{name}: no sample case reached vjp_arrays"
