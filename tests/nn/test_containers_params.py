"""ParameterList and ParameterDict: registration and names as PyTorch's, state_dict round trips
(also from a PyTorch model), dtype moves, optimizers, the list and dict methods, and errors."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ac
import nn
import optim


class Mixture(nn.Module):
    """y = Σₖ wₖ · (x @ Aₖ) + b["shift"] · b["scale"]: parameters only in the containers."""

    def __init__(self, mats, weights, shift, scale):
        super().__init__()
        self.mats = nn.ParameterList(mats)
        self.weights = nn.ParameterDict({"w0": weights[0], "w1": weights[1]})
        self.b = nn.ParameterDict(OrderedDict([("shift", shift), ("scale", scale)]))

    def forward(self, x):
        y = self.weights["w0"] * (x @ self.mats[0]) + self.weights["w1"] * (x @ self.mats[1])
        return y + self.b["shift"] * self.b["scale"]


def _torch_mixture(torch, mats, weights, shift, scale):
    tnn = torch.nn

    class TorchMixture(tnn.Module):
        def __init__(self):
            super().__init__()
            self.mats = tnn.ParameterList([torch.tensor(m) for m in mats])
            self.weights = tnn.ParameterDict(
                {"w0": torch.tensor(weights[0]), "w1": torch.tensor(weights[1])}
            )
            self.b = tnn.ParameterDict(
                OrderedDict([("shift", torch.tensor(shift)), ("scale", torch.tensor(scale))])
            )

        def forward(self, x):
            y = self.weights["w0"] * (x @ self.mats[0]) + self.weights["w1"] * (x @ self.mats[1])
            return y + self.b["shift"] * self.b["scale"]

    return TorchMixture()


def _values(rng):
    """(mats, weights, shift, scale) as float64 arrays."""
    mats = [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))]
    weights = [rng.standard_normal(4), np.asarray(rng.standard_normal())]
    return mats, weights, rng.standard_normal(4), rng.standard_normal(4)


# -- registration -----------------------------------------------------------------------------


def test_names_and_forward_match_torch(torch, rng):
    values = _values(rng)
    ours = Mixture(*[_tensors(v) for v in values])
    theirs = _torch_mixture(torch, *values)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = rng.standard_normal((5, 3))
    np.testing.assert_allclose(
        ours(ac.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12
    )


def _tensors(v):
    return [ac.tensor(a) for a in v] if isinstance(v, list) else ac.tensor(v)


def test_load_a_torch_state_dict_converted_to_arrays(torch, rng):
    values = _values(rng)
    theirs = _torch_mixture(torch, *values)
    ours = Mixture(*[_tensors(v) for v in _values(np.random.default_rng(7))])
    before = [id(p) for p in ours.parameters()]
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert [id(p) for p in ours.parameters()] == before  # loaded in place
    x = rng.standard_normal((2, 3))
    np.testing.assert_allclose(
        ours(ac.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12
    )


def test_state_dict_round_trip(rng):
    a = Mixture(*[_tensors(v) for v in _values(rng)])
    b = Mixture(*[_tensors(v) for v in _values(np.random.default_rng(3))])
    b.load_state_dict({k: v.data.copy() for k, v in a.state_dict().items()})
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb
        np.testing.assert_array_equal(va.data, vb.data)


def test_an_sgd_step_matches_torch_and_the_closed_form(torch, rng):
    values = _values(rng)
    ours = Mixture(*[_tensors(v) for v in values])
    theirs = _torch_mixture(torch, *values)
    x = rng.standard_normal((5, 3))
    opt, topt = optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(theirs.parameters(), lr=0.1)
    ours(ac.tensor(x)).sum().backward()
    theirs(torch.tensor(x)).sum().backward()
    # closed form: ∂/∂shift of Σ (… + shift · scale) is 5 · scale (5 rows)
    np.testing.assert_allclose(ours.b["shift"].grad.data, 5 * values[3], rtol=1e-14)
    opt.step()
    topt.step()
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12, err_msg=name)


def test_to_moves_the_dtype_of_every_entry():
    m = Mixture([ac.zeros(3, 4), ac.zeros(3, 4)], [ac.ones(4), ac.ones(())], ac.ones(4), ac.ones(4))
    assert {p.dtype for p in m.parameters()} == {np.dtype(np.float32)}
    kept = list(m.parameters())
    m.to(ac.float64)
    assert {p.dtype for p in m.parameters()} == {np.dtype(np.float64)}
    assert all(p is q for p, q in zip(m.parameters(), kept))


def test_tensors_and_arrays_are_wrapped_as_leaf_parameters(torch):
    x = ac.tensor([1.0, 2.0], requires_grad=True)
    made = x * 2  # a non-leaf: wrapped as a new leaf holding its value, as in PyTorch
    plist = nn.ParameterList([ac.zeros(2), np.ones(3), made])
    assert all(isinstance(p, nn.Parameter) and p.is_leaf and p.requires_grad for p in plist)
    assert plist[2].tolist() == [2.0, 4.0]
    tplist = torch.nn.ParameterList([torch.zeros(2), torch.tensor([1.0, 2.0]) * 2])
    assert all(isinstance(p, torch.nn.Parameter) and p.is_leaf for p in tplist)
    p = nn.Parameter(ac.ones(2))
    assert nn.ParameterList([p])[0] is p and nn.ParameterDict({"p": p})["p"] is p


# -- ParameterList ----------------------------------------------------------------------------


def test_list_methods():
    plist = nn.ParameterList()
    assert len(plist) == 0
    plist.append(ac.zeros(1)).extend([ac.zeros(2), ac.zeros(3)])
    plist += [ac.zeros(4)]
    assert [p.shape for p in plist] == [(1,), (2,), (3,), (4,)]
    assert plist[-1].shape == (4,)
    sliced = plist[1:3]
    assert isinstance(sliced, nn.ParameterList) and sliced[0] is plist[1]
    plist[1] = ac.ones(5)
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2", "3"]
    assert plist[1].shape == (5,)
    plist.insert(0, ac.zeros(6))
    assert [p.shape for p in plist] == [(6,), (1,), (5,), (3,), (4,)]
    assert [n for n, _ in plist.named_parameters()] == ["0", "1", "2", "3", "4"]


def test_setitem_keeps_the_order_like_torch(torch):
    ours = nn.ParameterList([ac.zeros(1), ac.zeros(2)])
    theirs = torch.nn.ParameterList([torch.zeros(1), torch.zeros(2)])
    ours[0], theirs[0] = ac.zeros(3), torch.zeros(3)
    assert [(n, p.shape) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]


@pytest.mark.parametrize("index", [2, -3])
def test_list_index_out_of_range(index):
    plist = nn.ParameterList([ac.zeros(1), ac.zeros(2)])
    with pytest.raises(IndexError, match=rf"ParameterList: index {index} is out of range for 2"):
        plist[index]
    with pytest.raises(IndexError, match="out of range"):
        plist[index] = ac.zeros(1)


def test_list_refuses_a_tensor_to_extend_and_non_parameter_entries():
    with pytest.raises(TypeError, match="extend should be called with an iterable.*append"):
        nn.ParameterList().extend(ac.zeros(2))
    with pytest.raises(TypeError, match="extend should be called with an iterable.*int"):
        nn.ParameterList().extend(3)
    with pytest.raises(TypeError, match=r"append: entries must be.*str.*nn\.Parameter"):
        nn.ParameterList(["w"])
    with pytest.raises(NotImplementedError, match="ParameterList has no forward"):
        nn.ParameterList()(ac.zeros(1))


# -- ParameterDict ----------------------------------------------------------------------------


def test_dict_order_matches_torch(torch):
    plain = {"b": np.zeros(1), "a": np.zeros(2)}
    ordered = OrderedDict([("b", np.zeros(1)), ("a", np.zeros(2))])
    for given in (plain, ordered, list(ordered.items())):
        ours = nn.ParameterDict({k: v for k, v in given.items()} if given is plain else given)
        theirs = torch.nn.ParameterDict(
            {k: torch.tensor(v) for k, v in plain.items()}
            if given is plain
            else OrderedDict((k, torch.tensor(v)) for k, v in ordered.items())
        )
        assert list(ours.keys()) == list(theirs.keys())
        ours["b"], theirs["b"] = ac.zeros(3), torch.zeros(3)  # replacing keeps the place
        ours["c"], theirs["c"] = ac.zeros(1), torch.zeros(1)
        assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_dict_methods():
    pdict = nn.ParameterDict({"a": ac.zeros(1)})
    pdict.update([("b", ac.zeros(2)), ("c", ac.zeros(3))])
    assert list(pdict) == ["a", "b", "c"] and len(pdict) == 3
    assert list(reversed(pdict)) == ["c", "b", "a"]
    assert [v.shape for v in pdict.values()] == [(1,), (2,), (3,)]
    assert [k for k, _ in pdict.items()] == ["a", "b", "c"]
    assert "b" in pdict and "z" not in pdict and pdict.get("z") is None
    assert pdict.pop("b").shape == (2,) and list(pdict.keys()) == ["a", "c"]
    del pdict["a"]
    assert list(pdict) == ["c"] and [n for n, _ in pdict.named_parameters()] == ["c"]
    assert pdict.setdefault("d", ac.ones(4)).shape == (4,)
    assert pdict.setdefault("d", ac.ones(9)).shape == (4,)
    copied = pdict.copy()
    assert list(copied) == ["c", "d"] and copied["d"] is pdict["d"]
    assert pdict.popitem()[0] == "d"
    other = nn.ParameterDict(OrderedDict([("z", ac.zeros(1)), ("y", ac.zeros(1))]))
    pdict.update(other)
    assert list(pdict) == ["c", "z", "y"]
    pdict.clear()
    assert len(pdict) == 0 and list(pdict.parameters()) == []


def test_dict_errors():
    pdict = nn.ParameterDict({"a": ac.zeros(1)})
    with pytest.raises(KeyError, match=r"no parameter named 'zz'; the keys are \['a'\]"):
        pdict["zz"]
    with pytest.raises(KeyError, match="no parameter named 'zz'"):
        del pdict["zz"]
    with pytest.raises(TypeError, match=r"keys must be strings, got 1 \(int\)"):
        pdict[1] = ac.zeros(1)
    assert list(pdict) == ["a"]
    with pytest.raises(KeyError, match="'keys' is the name of an attribute"):
        pdict["keys"] = ac.zeros(1)
    with pytest.raises(KeyError, match="invalid name 'a.b'"):
        pdict["a.b"] = ac.zeros(1)
    with pytest.raises(TypeError, match=r"__setitem__: entries must be.*NoneType"):
        pdict["n"] = None
    with pytest.raises(ValueError, match="element #0 has length 3; 2 is required"):
        pdict.update([("x", ac.zeros(1), 3)])
    with pytest.raises(TypeError, match="element #0 is a str"):
        pdict.update(["xy"])
    with pytest.raises(TypeError, match="expected a mapping or an iterable.*int"):
        pdict.update(5)
    with pytest.raises(KeyError, match="popitem: the dict is empty"):
        nn.ParameterDict().popitem()
    with pytest.raises(NotImplementedError, match="ParameterDict has no forward"):
        pdict(ac.zeros(1))


def test_torch_refuses_the_same_keys(torch):
    with pytest.raises(KeyError, match="already exists"):
        torch.nn.ParameterDict({"keys": torch.zeros(1)})
    with pytest.raises(KeyError, match="contain"):
        torch.nn.ParameterDict({"a.b": torch.zeros(1)})
