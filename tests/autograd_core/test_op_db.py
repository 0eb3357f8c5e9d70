"""The op database drives these: coverage, gradient checks of order 1 and 2, forward oracles."""

from __future__ import annotations

import types

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
def test_gradcheck_first_order(spec, case, device):
    row = run_case(spec, case, order=1, device=device)
    assert row.status in ("pass", "skip"), row.message


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_gradcheck_second_order(spec, case, device):
    row = run_case(spec, case, order=2, device=device)
    assert row.status in ("pass", "skip"), row.message


def _outputs(out):
    """An op's result as a list of Tensors (ops with several outputs return a tuple)."""
    return list(out) if isinstance(out, tuple) else [out]


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_forward_matches_numpy_in_float32(spec, case, device):
    if spec.ref is None:
        pytest.skip(f"{spec.name} has no NumPy reference (checked through its adjoint)")
    args, kwargs = spec.tensors(case, dtype=np.float32, requires_grad=False, device=device)
    outs = [o.cpu() for o in _outputs(spec.op(*args, **kwargs))]
    ref_args = [a.numpy() if isinstance(a, ac.Tensor) else a for a in args]
    expected = spec.ref(*ref_args, **kwargs)
    expected = [np.asarray(e) for e in (expected if isinstance(expected, tuple) else (expected,))]
    assert len(outs) == len(expected)
    for out, exp in zip(outs, expected, strict=True):
        assert out.shape == exp.shape
        if exp.dtype.kind == "f":
            assert out.dtype == np.float32, f"{spec.name} changed float32 to {out.dtype}"
            np.testing.assert_allclose(out.data, exp, rtol=spec.fwd_rtol, atol=1e-6)
        else:
            np.testing.assert_array_equal(out.data, exp)


@pytest.mark.parametrize(
    ("spec", "case"), NON_DIFF, ids=[f"{s.name}-{c.desc}" for s, c in NON_DIFF]
)
def test_non_differentiable_ops_record_nothing(spec, case):
    args, kwargs = spec.tensors(case, requires_grad=False)
    args = [
        a.requires_grad_() if isinstance(a, ac.Tensor) and a.dtype.kind == "f" else a for a in args
    ]
    assert not any(o.requires_grad for o in _outputs(spec.op(*args, **kwargs)))


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
    outs = _outputs(spec.op(*args, **kwargs))
    touts = spec.torch_fn(*targs, **kwargs)
    touts = list(touts) if isinstance(touts, (tuple, list)) else [touts]
    assert len(outs) == len(touts)
    for out, tout in zip(outs, touts, strict=True):
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    diff = [i for i, a in enumerate(args) if isinstance(a, ac.Tensor) and a.requires_grad]
    live = [k for k, o in enumerate(outs) if o.requires_grad and o.numel()]
    if not diff or not live:
        return
    rng = np.random.default_rng(1)
    gys = {k: rng.standard_normal(outs[k].shape) for k in live}
    ours = ac.grad(
        [outs[k] for k in live],
        [args[i] for i in diff],
        [ac.tensor(gys[k]) for k in live],
        allow_unused=True,
    )
    theirs = torch.autograd.grad(
        [touts[k] for k in live],
        [targs[i] for i in diff],
        [torch.tensor(gys[k]) for k in live],
        allow_unused=True,
    )
    for i, g, tg in zip(diff, ours, theirs, strict=True):
        tg = np.zeros(args[i].shape) if tg is None else tg.numpy()
        g = np.zeros(args[i].shape) if g is None else g.data
        np.testing.assert_allclose(g, tg, rtol=1e-9, atol=1e-12, err_msg=f"input {i}")


# -- one VJP text, two forms: on arrays (a plain backward) and on Tensors (a recorded one) -------

ARRAY_VJP_OPS = sorted(n for n, cls in ac.OP_REGISTRY.items() if cls.array_vjp)


def test_the_ops_of_a_training_step_run_their_vjp_on_arrays():
    # an op on this list that lost array_vjp would slow every backward pass
    hot = {"matmul", "linear", "add", "sub", "mul", "neg", "relu", "sum", "mean", "getitem"}
    hot |= {"log_softmax", "softmax", "softmax_cross_entropy", "tanh", "sigmoid", "exp", "log"}
    assert hot <= set(ARRAY_VJP_OPS), sorted(hot - set(ARRAY_VJP_OPS))


@pytest.mark.parametrize("name", ARRAY_VJP_OPS)
def test_plain_backward_matches_recorded_backward_on_every_sample(name, device):
    """For every sample case of the op, the gradients of a plain backward (the VJP run on
    arrays) equal those of a recorded one (``create_graph=True``: the same text on Tensors), in
    float64, input by input. At least one case must reach the op."""
    spec = next(s for s in OP_DB if s.name == name)
    cls = ac.OP_REGISTRY[name]
    rng = np.random.default_rng(0)
    compared = 0
    for case in spec.cases():
        args, kwargs = spec.tensors(case, device=device)
        diff = [a for a in args if isinstance(a, ac.Tensor) and a.requires_grad]
        if not diff:
            continue
        outs = spec.op(*args, **kwargs)
        outs = outs if isinstance(outs, tuple) else (outs,)
        outs = [o for o in outs if o.requires_grad]
        if not any(isinstance(o.node, cls) for o in outs):
            continue
        gys = [ac.tensor(rng.standard_normal(o.shape), dtype=o.dtype, device=device) for o in outs]
        recorded = ac.grad(outs, diff, gys, retain_graph=True, create_graph=True, allow_unused=True)
        plain = ac.grad(outs, diff, gys, allow_unused=True)
        for i, (r, p) in enumerate(zip(recorded, plain, strict=True)):
            assert (r is None) == (p is None), f"{case.desc}: input {i}"
            if r is not None:
                assert not p.requires_grad
                np.testing.assert_allclose(
                    p.numpy(), r.numpy(), rtol=1e-13, atol=1e-300, err_msg=f"{case.desc}: input {i}"
                )
        compared += 1
    assert compared, f"{name}: no sample case reached the op"


# -- what an op keeps for backward lives in ``saved`` and goes with ``release()`` -------------


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_no_array_outlives_the_backward_of_its_node(spec, case):
    """STYLE B10.6: arrays kept for backward live in ``saved`` (or ``out``), which ``release``
    drops after the node's VJP; an array in any other attribute would outlive backward."""
    if not spec.differentiable:
        pytest.skip("records no node")
    args, kwargs = spec.tensors(case)
    outs = [o for o in _outputs(spec.op(*args, **kwargs)) if o.requires_grad]
    nodes = {id(o.node): o.node for o in outs if o.node is not None}
    if not nodes:
        pytest.skip("no node recorded for this case")
    ac.backward(sum(o.sum() for o in outs))
    for node in nodes.values():
        # the structure kept for draw_graph/next_functions: parents, leaves requiring grad
        for e in node.edges:
            assert not isinstance(e, ac.Tensor) or (e.requires_grad and e.node is None), e
        kept = {
            k: type(v).__name__
            for k, v in vars(node).items()
            # (not the array module an op keeps as ``xp`` with CuPy loaded: it has both names)
            if k != "edges"
            and not isinstance(v, types.ModuleType)
            and (
                hasattr(v, "shape")
                and hasattr(v, "dtype")
                or (isinstance(v, (tuple, list)) and any(hasattr(x, "dtype") for x in v))
            )
        }
        assert not kept, f"{spec.name}: arrays kept after backward in attributes {kept}"


# -- ``saves_inputs=False``: the VJP reads no input value, so large inputs are not kept ----------

NO_SAVE = [(s, c) for s, c in CASES if s.differentiable and not ac.OP_REGISTRY[s.name].saves_inputs]


def _recorded_node(spec, case):
    args, kwargs = spec.tensors(case)
    outs = _outputs(spec.op(*args, **kwargs))
    node = next((o.node for o in outs if o.node is not None), None)
    if node is None or type(node) is not ac.OP_REGISTRY[spec.name]:
        pytest.skip("the case records no node of this op")
    return node, outs


@pytest.mark.parametrize(("spec", "case"), NO_SAVE, ids=[f"{s.name}-{c.desc}" for s, c in NO_SAVE])
def test_an_op_that_saves_no_inputs_reads_none(spec, case):
    """An op registered with ``saves_inputs=False`` may have its inputs replaced by stand-ins
    whose values are NaN (op_forward.without_values): its plain VJP must give the same arrays
    with every floating-point input so replaced."""
    from autograd_core.node_vjp import call_vjp
    from autograd_core.op_forward import stand_in

    node, outs = _recorded_node(spec, case)
    rng = np.random.default_rng(0)
    gys = tuple(
        rng.standard_normal(o.shape).astype(o.dtype) if o.requires_grad else None
        for o in outs[: node.n_outputs]
    )
    # plain, then recorded (create_graph=True: the VJP runs on Tensors and must not read the
    # inputs either, or a second derivative would see the stand-ins)
    tensor_gys = tuple(None if g is None else ac.tensor(g) for g in gys)
    for recorded, upstream in ((False, gys), (True, tensor_gys)):
        if recorded and not spec.double_backward:
            continue
        expected = call_vjp(node, upstream, recorded)
        kept = node.inputs
        node.inputs = tuple(stand_in(t) if t.dtype.kind in "fc" else t for t in kept)
        try:
            got = call_vjp(node, upstream, recorded)
        finally:
            node.inputs = kept
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            assert (e is None) == (g is None), f"input {i}"
            if e is not None:
                e, g = (np.asarray(v.data if recorded else v) for v in (e, g))
                # (NaN is unequal to itself: a VJP that read a stand-in fails here)
                assert np.array_equal(e, g), f"input {i} (recorded={recorded}): reads its value"


@pytest.mark.parametrize(("spec", "case"), NO_SAVE, ids=[f"{s.name}-{c.desc}" for s, c in NO_SAVE])
def test_an_op_that_saves_no_inputs_keeps_no_view_of_them(spec, case):
    """Such an op skips the in-place write check of its inputs (version.check_inputs), so what
    it keeps for backward (``saved``, ``out``) must not share memory with any input: a later
    ``x[...] = ...`` would otherwise change its gradient silently."""
    node, _ = _recorded_node(spec, case)
    kept = []
    for v in (node.saved, node.out):
        kept += list(v) if isinstance(v, (tuple, list)) else [v]
    for k, arr in enumerate(a for a in kept if isinstance(a, np.ndarray)):
        for i, t in enumerate(node.inputs):
            assert not np.shares_memory(arr, t.data), f"kept array {k} is a view of input {i}"
