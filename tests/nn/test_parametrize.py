"""nn.utils.parametrize: registration, access, assignment through right_inverse, caching,
state_dict keys, removal and every error path, against torch.nn.utils.parametrize."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim
from autograd_core.errors import ShapeError
from nn.utils import parametrize as P


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).mT

    def right_inverse(self, a):
        return a.triu()


class Double(nn.Module):
    """x ↦ 2x with no right_inverse (assignment must fail)."""

    def forward(self, x):
        return 2 * x


class Split(nn.Module):
    """Two originals: (a, b) ↦ a + b; right_inverse(x) = (x, 0)."""

    def forward(self, a, b):
        return a + b

    def right_inverse(self, x):
        return x, ac.zeros_like(x)


def _linear(seed=0, n_in=3, n_out=3):
    ac.manual_seed(seed)
    return nn.Linear(n_in, n_out).double()


def _np(t):
    return np.asarray(t.detach().numpy() if hasattr(t, "numpy") else t.data)


# -- registration and access ------------------------------------------------------------------


def test_register_moves_the_parameter_and_keeps_its_identity():
    m = _linear()
    w = m.weight
    before = w.detach().clone()
    P.register_parametrization(m, "weight", Symmetric())
    assert type(m).__name__ == "ParametrizedLinear"
    assert isinstance(m, nn.Linear)
    assert P.type_before_parametrizations(m) is nn.Linear
    assert m.parametrizations.weight.original is w
    # right_inverse was applied to the stored original: it is now triu(W)
    np.testing.assert_array_equal(w.data, np.triu(before.data))
    sym = m.weight
    np.testing.assert_allclose(sym.data, sym.data.T)
    assert [k for k, _ in m.named_parameters()] == ["bias", "parametrizations.weight.original"]
    assert list(m.state_dict()) == ["bias", "parametrizations.weight.original"]
    assert P.is_parametrized(m) and P.is_parametrized(m, "weight")
    assert not P.is_parametrized(m, "bias")


def test_other_instances_of_the_class_are_untouched():
    m, other = _linear(), _linear(1)
    P.register_parametrization(m, "weight", Symmetric())
    assert type(other) is nn.Linear
    assert "weight" in other._parameters
    assert not P.is_parametrized(other)


def test_matches_torch_outputs_grads_and_state_dict_keys(torch, rng):
    tm = torch.nn.Linear(3, 3).double()
    m = _linear()
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})

    class TorchSymmetric(torch.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

        def right_inverse(self, a):
            return a.triu()

    torch.nn.utils.parametrize.register_parametrization(tm, "weight", TorchSymmetric())
    P.register_parametrization(m, "weight", Symmetric())
    assert list(m.state_dict()) == list(tm.state_dict())
    x = rng.standard_normal((5, 3))
    out_t = tm(torch.tensor(x)).tanh().sum()
    out = m(ac.tensor(x)).tanh().sum()
    np.testing.assert_allclose(float(out), out_t.item(), rtol=1e-12)
    out_t.backward()
    out.backward()
    orig_t = tm.parametrizations.weight.original
    np.testing.assert_allclose(
        m.parametrizations.weight.original.grad.data, orig_t.grad.numpy(), rtol=1e-10, atol=1e-12
    )
    np.testing.assert_allclose(m.bias.grad.data, tm.bias.grad.numpy(), rtol=1e-10)


def test_assignment_goes_through_right_inverse_in_place():
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    original = m.parametrizations.weight.original
    a = ac.tensor(np.arange(9.0).reshape(3, 3))
    m.weight = a
    assert m.parametrizations.weight.original is original
    np.testing.assert_array_equal(original.data, np.triu(a.data))
    # the stored value is a copy, never an alias of the assigned tensor
    a.data[...] = 0
    assert original.data[0, 2] == 2.0


def test_assignment_without_right_inverse_raises():
    m = _linear()
    P.register_parametrization(m, "weight", Double())
    with pytest.raises(RuntimeError, match="Double does not implement right_inverse"):
        m.weight = ac.zeros(3, 3, dtype=ac.float64)


def test_registering_a_parameter_on_a_parametrized_name_raises(torch):
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    with pytest.raises(KeyError, match="'weight' is parametrized"):
        m.weight = nn.Parameter(ac.zeros(3, 3))
    with pytest.raises(KeyError, match="is parametrized"):
        m.register_buffer("weight", ac.zeros(3, 3))
    tm = torch.nn.Linear(3, 3)
    torch.nn.utils.parametrize.register_parametrization(tm, "weight", torch.nn.Identity())
    with pytest.raises(KeyError):  # PyTorch refuses too
        tm.weight = torch.nn.Parameter(torch.zeros(3, 3))


def test_chained_parametrizations_apply_in_registration_order():
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    P.register_parametrization(m, "weight", Double())
    w = m.parametrizations.weight.original.data
    np.testing.assert_allclose(m.weight.data, 2 * (np.triu(w) + np.triu(w, 1).T))
    assert len(m.parametrizations.weight) == 2


def test_tuple_right_inverse_gives_original0_original1():
    m = _linear()
    w = m.weight.detach().clone()
    P.register_parametrization(m, "weight", Split())
    plist = m.parametrizations.weight
    assert not plist.is_tensor and plist.ntensors == 2
    assert list(m.state_dict()) == [
        "bias",
        "parametrizations.weight.original0",
        "parametrizations.weight.original1",
    ]
    np.testing.assert_array_equal(plist.original0.data, w.data)
    np.testing.assert_array_equal(plist.original1.data, 0.0)
    assert isinstance(plist.original0, nn.Parameter) and plist.original0.requires_grad
    np.testing.assert_array_equal(m.weight.data, w.data)
    m.weight = ac.ones(3, 3, dtype=ac.float64)
    np.testing.assert_array_equal(plist.original0.data, 1.0)


def test_buffers_can_be_parametrized():
    m = nn.Module()
    m.register_buffer("mask", ac.tensor(np.eye(2)))
    P.register_parametrization(m, "mask", Double())
    assert list(m.state_dict()) == ["parametrizations.mask.original"]
    assert list(m.parameters()) == []
    np.testing.assert_array_equal(m.mask.data, 2 * np.eye(2))


def test_optimizer_step_changes_the_original_and_so_the_weight():
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    opt = optim.SGD(m.parameters(), lr=0.1)
    original = m.parametrizations.weight.original
    before = original.detach().clone()
    loss = (m(ac.ones(2, 3, dtype=ac.float64)) ** 2).sum()
    loss.backward()
    opt.step()
    np.testing.assert_allclose(original.data, before.data - 0.1 * original.grad.data)
    assert not np.allclose(original.data, before.data)
    w = m.weight.data
    np.testing.assert_allclose(w, np.triu(original.data) + np.triu(original.data, 1).T)


def test_train_and_eval_reach_the_parametrization():
    m = _linear()
    m.eval()
    par = Double()
    P.register_parametrization(m, "weight", par)
    assert par.training is False
    m.train()
    assert par.training is True


# -- caching ------------------------------------------------------------------------------------


class Counting(nn.Module):
    def __init__(self):
        super().__init__()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return x * 1.0


def test_cached_computes_once_per_context_and_clears_after(torch):
    m = _linear()
    par = Counting()
    P.register_parametrization(m, "weight", par)
    par.calls = 0
    m.weight, m.weight
    assert par.calls == 2
    with P.cached():
        first = m.weight
        with P.cached():
            assert m.weight is first
        assert m.weight is first
    assert par.calls == 3
    assert m.weight is not first
    assert par.calls == 4


# -- removal ------------------------------------------------------------------------------------


def test_remove_leave_parametrized_keeps_the_value_and_the_parameter(torch):
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    original = m.parametrizations.weight.original
    value = m.weight.detach().clone()
    P.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear
    assert "parametrizations" not in m._modules
    assert m.weight is original and isinstance(m.weight, nn.Parameter)
    np.testing.assert_array_equal(m.weight.data, value.data)
    assert list(m.state_dict()) == ["bias", "weight"]
    tm = torch.nn.Linear(3, 3)
    torch.nn.utils.parametrize.register_parametrization(tm, "weight", torch.nn.Identity())
    torch.nn.utils.parametrize.remove_parametrizations(tm, "weight")
    assert list(tm.state_dict()) == list(m.state_dict())


def test_remove_not_leaving_parametrized_gives_the_original():
    m = _linear()
    P.register_parametrization(m, "weight", Double())
    stored = m.parametrizations.weight.original.detach().clone()
    P.remove_parametrizations(m, "weight", leave_parametrized=False)
    np.testing.assert_array_equal(m.weight.data, stored.data)


def test_remove_one_of_two_keeps_the_class():
    m = _linear()
    P.register_parametrization(m, "weight", Double())
    P.register_parametrization(m, "bias", Double())
    P.remove_parametrizations(m, "weight")
    assert type(m).__name__ == "ParametrizedLinear" and P.is_parametrized(m, "bias")
    P.remove_parametrizations(m, "bias")
    assert type(m) is nn.Linear


def test_remove_tuple_originals_makes_a_new_parameter():
    m = _linear()
    P.register_parametrization(m, "weight", Split())
    value = m.weight.detach().clone()
    with pytest.raises(ValueError, match="leave_parametrized=False has no single tensor"):
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
    P.remove_parametrizations(m, "weight")
    assert isinstance(m.weight, nn.Parameter) and m.weight.is_leaf
    np.testing.assert_array_equal(m.weight.data, value.data)


def test_remove_unparametrized_raises():
    with pytest.raises(ValueError, match="has no parametrization on 'weight'"):
        P.remove_parametrizations(_linear(), "weight")


# -- state_dict, copies ------------------------------------------------------------------------


def test_state_dict_round_trip(torch):
    a, b = _linear(0), _linear(1)
    for m in (a, b):
        P.register_parametrization(m, "weight", Symmetric())
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_deepcopy_works_and_pickle_is_refused():
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    c = copy.deepcopy(m)
    np.testing.assert_array_equal(c.weight.data, m.weight.data)
    assert c.parametrizations.weight.original is not m.parametrizations.weight.original
    with pytest.raises(RuntimeError, match="cannot be pickled"):
        pickle.dumps(m)


# -- errors -------------------------------------------------------------------------------------


def test_unknown_tensor_name_raises(torch):
    with pytest.raises(ValueError, match="no parameter, buffer or parametrized tensor named 'w'"):
        P.register_parametrization(_linear(), "w", Double())
    with pytest.raises(ValueError):
        torch.nn.utils.parametrize.register_parametrization(
            torch.nn.Linear(2, 2), "w", torch.nn.Identity()
        )


def test_none_tensor_raises():
    m = nn.Linear(2, 2, bias=False)
    m.register_parameter("bias", None)
    with pytest.raises(ValueError, match="bias is None"):
        P.register_parametrization(m, "bias", Double())


def test_parametrization_must_be_a_module():
    with pytest.raises(TypeError, match="must be an nn.Module, got function"):
        P.register_parametrization(_linear(), "weight", lambda x: x)


class Shrink(nn.Module):
    def forward(self, x):
        return x[:2]


class Cast(nn.Module):
    def forward(self, x):
        return x.to(ac.float32)


def test_shape_change_needs_unsafe():
    m = _linear()
    with pytest.raises(ShapeError, match=r"may not change the shape.*\(3, 3\).*\(2, 3\)"):
        P.register_parametrization(m, "weight", Shrink())
    assert type(m) is nn.Linear and "weight" in m._parameters  # left untouched
    P.register_parametrization(m, "weight", Shrink(), unsafe=True)
    assert m.weight.shape == (2, 3)


def test_shape_change_on_a_second_parametrization_needs_unsafe():
    m = _linear()
    P.register_parametrization(m, "weight", Double())
    with pytest.raises(ShapeError, match="may not change the shape"):
        P.register_parametrization(m, "weight", Shrink())
    assert len(m.parametrizations.weight) == 1


def test_dtype_change_needs_unsafe():
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(_linear(), "weight", Cast())
    m = _linear()
    P.register_parametrization(m, "weight", Double())
    with pytest.raises(ValueError, match="may not change the dtype"):
        P.register_parametrization(m, "weight", Cast())


class BadInverse(nn.Module):
    def __init__(self, result):
        super().__init__()
        self.result = result

    def forward(self, *xs):
        return xs[0]

    def right_inverse(self, x):
        return self.result(x)


@pytest.mark.parametrize(
    ("result", "match"),
    [
        (lambda x: 3, "must return a Tensor or a sequence of Tensors"),
        (lambda x: (x, 3), "element 1 is a int"),
        (lambda x: x.to(ac.float32), "may not change the dtype"),
    ],
)
def test_bad_right_inverse_raises(result, match):
    with pytest.raises(ValueError, match=match):
        P.register_parametrization(_linear(), "weight", BadInverse(result))


class NotATensor(nn.Module):
    def forward(self, x):
        return 1.0


def test_forward_not_returning_a_tensor_raises():
    with pytest.raises(ValueError, match="must return a Tensor; got float"):
        P.register_parametrization(_linear(), "weight", NotATensor())


def test_assignment_of_wrong_dtype_raises():
    m = _linear()
    P.register_parametrization(m, "weight", Symmetric())
    with pytest.raises(ValueError, match="has dtype float32 but the stored original"):
        m.weight = ac.zeros(3, 3, dtype=ac.float32)


def test_parametrization_list_needs_a_module():
    with pytest.raises(ValueError, match="one or more"):
        P.ParametrizationList([], ac.zeros(2))
