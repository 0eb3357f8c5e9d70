"""Module, Parameter and containers: registration, traversal, state dicts, modes, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(4, 2)
        self.register_buffer("steps", ac.zeros(()))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_registration_order_and_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "fc1.weight",
        "fc1.bias",
        "fc2.weight",
        "fc2.bias",
    ]
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    assert net.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2


def test_shared_parameters_appear_once():
    layer = nn.Linear(2, 2)
    seq = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(seq.parameters())) == 2


def test_state_dict_roundtrip_and_strict():
    a, b = Net(), Net()
    # PyTorch's order: a module's own parameters and buffers, then its children's
    assert list(a.state_dict()) == ["steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = ac.randn(5, 3)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    sd = a.state_dict()
    del sd["fc2.bias"]
    sd["extra"] = ac.zeros(1)
    with pytest.raises(KeyError, match=r"Missing: \['fc2.bias'\]. Unexpected: \['extra'\]"):
        b.load_state_dict(sd)
    result = b.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["fc2.bias"] and result.unexpected_keys == ["extra"]


def test_load_state_dict_shape_mismatch_names_key():
    a = nn.Linear(3, 2)
    with pytest.raises(ac.ShapeError, match=r"'weight': checkpoint \(4, 3\) vs model \(2, 3\)"):
        a.load_state_dict(nn.Linear(3, 4).state_dict())


def test_load_keeps_parameter_objects():
    a = nn.Linear(2, 2)
    w = a.weight
    a.load_state_dict({"weight": np.ones((2, 2)), "bias": np.zeros(2)})
    assert a.weight is w and a.weight.dtype == np.float32
    assert a.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_state_dict_shares_memory_and_is_detached():
    a = nn.Linear(2, 2)
    sd = a.state_dict()
    assert not sd["weight"].requires_grad
    a.weight.data[0, 0] = 42.0
    assert sd["weight"].data[0, 0] == 42.0


def test_train_eval_propagates():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Sequential(nn.Dropout(0.1)))
    net.eval()
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_to_dtype_keeps_objects_and_zero_grad():
    net = Net()
    p = net.fc1.weight
    net.to(ac.float64)
    assert net.fc1.weight is p and p.dtype == np.float64
    net(ac.randn(2, 3, dtype=ac.float64)).sum().backward()
    assert p.grad is not None
    net.zero_grad()
    assert p.grad is None
    with pytest.raises(ac.DTypeError, match="only floating dtypes"):
        net.to(ac.int64)


def test_apply_and_requires_grad():
    net = Net()
    net.apply(lambda m: nn.init.zeros_(m.bias) if isinstance(m, nn.Linear) else None)
    assert net.fc1.bias.tolist() == [0.0] * 4
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    assert "0 trainable" in repr(net)


def test_repr_shows_tree_shapes_and_count():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    assert "(0): Linear(in_features=2, out_features=3, bias=True)" in text
    assert "[weight (3, 2), bias (3,)]" in text
    assert "(1): ReLU()" in text
    assert text.endswith("# 9 parameters")


def test_nonleaf_parameter_error_explains_fix():
    m = nn.Linear(2, 2)
    w = ac.randn(2, 2, requires_grad=True)
    with pytest.raises(TypeError, match=r"non-leaf tensor.*nn.Parameter\(t.detach\(\)\)"):
        m.weight = w * 2
    with pytest.raises(TypeError, match="nn.Parameter or None expected"):
        m.weight = ac.zeros(2, 2)
    with pytest.raises(TypeError, match="non-leaf"):
        m.register_parameter("extra", w * 2)


def test_missing_super_init_error():
    class Bad(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Bad()


def test_forward_hooks():
    m = nn.Linear(2, 2)
    seen = []
    h = m.register_forward_hook(lambda mod, inp, out: seen.append(out.shape))
    m(ac.ones(3, 2))
    h.remove()
    m(ac.ones(3, 2))
    assert seen == [(3, 2)]


def test_containers():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    assert len(seq[:2]) == 2
    seq.append(nn.Sigmoid())
    assert seq(ac.ones(4, 2)).shape == (4, 1)
    ml = nn.ModuleList([nn.Linear(2, 2)])
    ml.append(nn.Linear(2, 2))
    ml.insert(0, nn.Identity())
    assert len(ml) == 3 and len(list(ml.parameters())) == 4
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.Linear(1, 2)
    assert list(md.keys()) == ["a", "b"] and "b" in md
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    with pytest.raises(IndexError, match="out of range"):
        seq[10]
