"""Fixed cases for what the Module fuzz (test_module_fuzz*.py) found against torch 2.13, each
failing on the code before the fix, and the pinned deliberate differences."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ac
import nn

torch = pytest.importorskip("torch")


def shared_pair():
    lin = nn.Linear(2, 2)
    tlin = torch.nn.Linear(2, 2)
    return nn.Sequential(lin, nn.ReLU(), lin), torch.nn.Sequential(tlin, torch.nn.ReLU(), tlin)


def test_state_dict_lists_a_shared_module_under_each_name():
    ours, theirs = shared_pair()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert tuple(ours.load_state_dict(state)) == ([], [])  # strict: no "unexpected" 2.*


def test_remove_duplicate_false_follows_every_path():
    ours, theirs = shared_pair()
    names = [n for n, _ in ours.named_parameters(remove_duplicate=False)]
    assert names == [n for n, _ in theirs.named_parameters(remove_duplicate=False)]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_named_modules_memo_holds_modules():
    ours, _ = shared_pair()
    memo = {ours[1]}
    assert [n for n, _ in ours.named_modules(memo=memo)] == ["", "0"]
    assert ours in memo and ours[0] in memo


@pytest.mark.parametrize("how", ["parameter", "buffer", "module"])
def test_registering_over_another_kind_raises_key_error(how):
    m = nn.Module()
    m.register_buffer("b", ac.zeros(1))
    m.p = nn.Parameter(ac.zeros(1))
    register = {
        "parameter": lambda n: m.register_parameter(n, nn.Parameter(ac.zeros(1))),
        "buffer": lambda n: m.register_buffer(n, ac.zeros(1)),
        "module": lambda n: m.add_module(n, nn.Identity()),
    }[how]
    for name in ("forward", "b" if how != "buffer" else "p"):
        with pytest.raises(KeyError, match="already exists"):
            register(name)
    assert "forward" not in m._parameters and "forward" not in m._modules


def test_replaced_parameter_and_child_keep_their_place():
    m = nn.Module()
    m.a, m.b = nn.Parameter(ac.zeros(1)), nn.Parameter(ac.zeros(1))
    m.x, m.y = nn.Identity(), nn.Identity()
    m.a = nn.Parameter(ac.ones(2))
    m.x = nn.ReLU()
    assert list(m._parameters) == ["a", "b"] and list(m._modules) == ["x", "y"]


def test_train_calls_each_childs_train():
    class Frozen(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.BatchNorm1d(2)

        def train(self, mode=True):
            super().train(mode)
            self.backbone.train(False)
            return self

    net = nn.Sequential(Frozen()).train()
    assert net.training and net[0].training and not net[0].backbone.training


def test_assigning_before_init_is_an_attribute_error():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\)"):
        Bad()


def test_load_errors_are_runtime_errors_naming_the_keys():
    m = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match=r"Missing: \['0.bias'\]. Unexpected: \['x.y'\]"):
        m.load_state_dict({"0.weight": np.zeros((2, 2)), "x.y": np.zeros(1)})
    with pytest.raises(RuntimeError, match=r"'0.bias': checkpoint \(3,\) vs model \(2,\)"):
        m.load_state_dict({"0.weight": np.zeros((2, 2)), "0.bias": np.zeros(3)})


def test_unexpected_keys_in_torchs_order_and_rule():
    ours, theirs = nn.Sequential(nn.Linear(1, 1)), torch.nn.Sequential(torch.nn.Linear(1, 1))
    state = OrderedDict([("0.zz", 0.0), ("0.weight.x", 0.0), ("zz", 0.0), ("0.weight", 0.0)])
    got = ours.load_state_dict({k: np.full((1, 1), v) for k, v in state.items()}, strict=False)
    want = theirs.load_state_dict(
        {k: torch.full((1, 1), v) for k, v in state.items()}, strict=False
    )
    assert tuple(got) == (want.missing_keys, want.unexpected_keys)
    assert got.unexpected_keys == ["zz", "0.zz", "0.weight.x"]


def test_load_assign_makes_the_values_members():
    m = nn.BatchNorm1d(2)
    m.weight.requires_grad = False
    w, rm = ac.tensor([3.0, 4.0], dtype=ac.float64), ac.tensor([1.0, 2.0], dtype=ac.float64)
    m.load_state_dict({**m.state_dict(), "weight": w, "running_mean": rm}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and not m.weight.requires_grad
    assert m.weight.dtype == np.float64 and m.running_mean is rm and m.bias.dtype == np.float32


def test_state_dict_prefix_is_used_as_given():
    theirs = torch.nn.Linear(1, 1)
    for prefix in ("enc.", "enc"):
        assert list(nn.Linear(1, 1).state_dict(prefix=prefix)) == list(
            theirs.state_dict(prefix=prefix)
        )


def test_sequential_mutations_as_torch():
    def both(fn):
        ms = [nn.ReLU(), nn.Tanh(), nn.Sigmoid()]
        ts = [torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Sigmoid()]
        got = fn(nn.Sequential(*ms), nn)
        want = fn(torch.nn.Sequential(*ts), torch.nn)
        return got, want

    cases = [
        lambda s, L: s.__delitem__(0) or list(s._modules),
        lambda s, L: s.__delitem__(slice(0, None, 2)) or list(s._modules),
        lambda s, L: [type(s.pop(1)).__name__, list(s._modules)],
        lambda s, L: [type(m).__name__ for m in s.insert(-1, L.Identity())],
        lambda s, L: list(s.extend([L.Identity()])._modules),
        lambda s, L: list((s + s)._modules),
    ]
    for case in cases:
        got, want = both(case)
        assert got == want


def test_modulelist_pop_add_and_subclass_slices():
    class Blocks(nn.ModuleList):
        pass

    blocks = Blocks([nn.ReLU(), nn.Tanh(), nn.Sigmoid()])
    assert type(blocks[1:]) is Blocks
    assert type(blocks.pop(0)).__name__ == "ReLU" and list(blocks._modules) == ["0", "1"]
    assert len(blocks + [nn.Identity()]) == 3


def test_modulelist_insert_negative_as_list_insert_where_torch_fails():
    # deliberate difference: torch 2.13 raises KeyError '-1' (its shifting loop reaches "-1")
    with pytest.raises(KeyError):
        torch.nn.ModuleList([torch.nn.ReLU(), torch.nn.Tanh()]).insert(-1, torch.nn.Identity())
    layers = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    layers.insert(-1, nn.Identity())
    assert [type(m).__name__ for m in layers] == ["ReLU", "Identity", "Tanh"]


def test_modulelist_repr_lists_every_entry():
    # deliberate difference: torch folds repeats ("(0-1): 2 x Linear(...)"), ours lists each
    assert "(0-1): 2 x Linear" in repr(torch.nn.ModuleList([torch.nn.Linear(1, 1)] * 2))
    text = repr(nn.ModuleList([nn.Linear(1, 1)] * 2))
    assert "(0): Linear(" in text and "(1): Linear(" in text
