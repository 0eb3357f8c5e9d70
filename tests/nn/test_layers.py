"""Layers and activations: whole-layer gradient checks (float64, first and second order) and
comparisons with torch.nn using copied weights. Only the tests taking the ``torch`` fixture
need PyTorch; the gradient checks run without it."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F


def _x(rng, *shape):
    return ac.tensor(rng.standard_normal(shape), dtype=ac.float64, requires_grad=True)


def _check_module(module, x, second=True):
    module.double()
    params = list(module.parameters())
    fn = lambda x, *ps: module(x)  # noqa: E731  (parameters are perturbed in place)
    assert ac.gradcheck(fn, [x, *params], fast_mode=x.numel() > 60)
    if second:
        assert ac.gradgradcheck(fn, [x, *params], fast_mode=True)


LAYERS = [
    ("linear", lambda: nn.Linear(4, 3), (5, 4)),
    ("linear_nobias", lambda: nn.Linear(4, 3, bias=False), (2, 3, 4)),
    ("layernorm", lambda: nn.LayerNorm(4), (3, 4)),
    ("batchnorm_train", lambda: nn.BatchNorm1d(3), (6, 3)),
    ("batchnorm_3d", lambda: nn.BatchNorm1d(2), (4, 2, 3)),
    ("batchnorm_eval", lambda: nn.BatchNorm1d(3).eval(), (4, 3)),
    ("maxout", lambda: nn.Maxout(4, 3, pieces=3), (5, 4)),
    ("prelu", lambda: nn.PReLU(), (4, 3)),
    ("prelu_channels", lambda: nn.PReLU(3, init=-0.5), (4, 3)),
    ("flatten", lambda: nn.Flatten(), (2, 3, 2)),
    ("identity", lambda: nn.Identity(), (3,)),
    ("dropout_eval", lambda: nn.Dropout(0.5).eval(), (3, 3)),
    (
        "mlp",
        lambda: nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2), nn.Sigmoid()),
        (4, 3),
    ),
]


@pytest.mark.parametrize(("name", "make", "shape"), LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_gradcheck(name, make, shape, rng):
    x = _x(rng, *shape)
    if name == "prelu":
        x.data[np.abs(x.data) < 0.05] = 0.3  # keep away from the kink
    if name == "maxout":  # separate the pieces so no two are within the finite-difference step
        m = make()
        m.linear.weight.data[...] = rng.standard_normal(m.linear.weight.shape) * 2
        _check_module(m, x)
        return
    _check_module(make(), x)


ACTIVATIONS = [
    (nn.ReLU(), "ReLU", {}),
    (nn.LeakyReLU(0.1), "LeakyReLU", {"negative_slope": 0.1}),
    (nn.ELU(0.7), "ELU", {"alpha": 0.7}),
    (nn.GELU(), "GELU", {}),
    (nn.GELU("tanh"), "GELU", {"approximate": "tanh"}),
    (nn.SiLU(), "SiLU", {}),
    (nn.Sigmoid(), "Sigmoid", {}),
    (nn.Tanh(), "Tanh", {}),
    (nn.Hardtanh(-0.5, 0.7), "Hardtanh", {"min_val": -0.5, "max_val": 0.7}),
    (nn.Softplus(2.0), "Softplus", {"beta": 2.0}),
    (nn.LogSigmoid(), "LogSigmoid", {}),
    (nn.Softmax(dim=1), "Softmax", {"dim": 1}),
    (nn.LogSoftmax(dim=1), "LogSoftmax", {"dim": 1}),
]


def _activation_input(rng, shape=(4, 5)):
    """float64 data kept 0.05 away from every kink of the activations below (0, −0.5, 0.7)."""
    data = rng.standard_normal(shape) * 2
    for kink in (0.0, -0.5, 0.7):
        near = np.abs(data - kink) < 0.05
        data[near] = kink + 0.2
    return data


def _maxout():
    m = nn.Maxout(5, 2, pieces=3)
    # separate the pieces so no two are within the finite-difference step
    m.linear.weight.data[...] = np.random.default_rng(1).standard_normal(m.linear.weight.shape) * 2
    return m


MODULE_ACTIVATIONS = [
    *[pytest.param(lambda m=mod: m, id=f"{c}-{i}") for i, (mod, c, _) in enumerate(ACTIVATIONS)],
    pytest.param(lambda: nn.PReLU(), id="PReLU-shared-slope"),
    pytest.param(lambda: nn.PReLU(5, init=-0.5), id="PReLU-per-channel"),
    pytest.param(_maxout, id="Maxout"),
]


@pytest.mark.parametrize("make", MODULE_ACTIVATIONS)
def test_activation_module_gradcheck(make, rng):
    """First and second order, w.r.t. the input and any learnable parameter (PReLU's slope,
    Maxout's linear map), in float64, with no PyTorch needed."""
    module = make()
    x = ac.tensor(_activation_input(rng), dtype=ac.float64, requires_grad=True)
    params = list(module.double().parameters())
    if isinstance(module, nn.PReLU):
        assert params, "PReLU's slope must be a parameter"
    fn = lambda x, *ps: module(x)  # noqa: E731  (parameters are perturbed in place)
    assert ac.gradcheck(fn, [x, *params])
    assert ac.gradgradcheck(fn, [x, *params])


@pytest.mark.parametrize(
    ("mod", "tname", "kw"), ACTIVATIONS, ids=[f"{c[1]}-{i}" for i, c in enumerate(ACTIVATIONS)]
)
def test_activation_matches_torch(mod, tname, kw, rng, torch):
    data = _activation_input(rng)
    x = ac.tensor(data, requires_grad=True)
    tx = torch.tensor(data, requires_grad=True)
    y, ty = mod(x), getattr(torch.nn, tname)(**kw)(tx)
    gy = rng.standard_normal(data.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-6, atol=1e-7)


def _copy(ours, theirs):
    import torch

    with torch.no_grad():
        for (name, p), (tname, tp) in zip(
            ours.named_parameters(), theirs.named_parameters(), strict=True
        ):
            assert name == tname
            tp.copy_(torch.tensor(p.data))


def _compare(ours, theirs, data, rng):
    import torch

    x = ac.tensor(data, requires_grad=True)
    tx = torch.tensor(data, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


def test_layers_match_torch(rng, torch):
    cases = [
        (nn.Linear(5, 3), torch.nn.Linear(5, 3), (4, 5)),
        (nn.Linear(5, 3, bias=False), torch.nn.Linear(5, 3, bias=False), (2, 4, 5)),
        (nn.LayerNorm(5), torch.nn.LayerNorm(5), (3, 5)),
        (nn.LayerNorm((2, 3)), torch.nn.LayerNorm((2, 3)), (4, 2, 3)),
        (nn.PReLU(3, init=-1.0), torch.nn.PReLU(3, init=-1.0), (4, 3)),
        (nn.BatchNorm1d(3), torch.nn.BatchNorm1d(3), (6, 3)),
        (nn.BatchNorm1d(2), torch.nn.BatchNorm1d(2), (4, 2, 5)),
    ]
    for ours, theirs, shape in cases:
        ours.double()
        theirs.double()
        with torch.no_grad():
            for tp in theirs.parameters():
                tp.copy_(torch.randn(tp.shape, dtype=tp.dtype))
        _copy(ours, theirs)
        _compare(ours, theirs, rng.standard_normal(shape), rng)


def test_batchnorm_running_stats_match_torch(rng, torch):
    ours, theirs = (
        nn.BatchNorm1d(3, momentum=0.3).double(),
        torch.nn.BatchNorm1d(3, momentum=0.3).double(),
    )
    for _ in range(3):
        data = rng.standard_normal((8, 3)) * 3 + 1
        ours(ac.tensor(data))
        theirs(torch.tensor(data))
    np.testing.assert_allclose(ours.running_mean.data, theirs.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.running_var.data, theirs.running_var.numpy(), rtol=1e-6)
    assert int(ours.num_batches_tracked.item()) == 3
    ours.eval()
    theirs.eval()
    _compare(ours, theirs, rng.standard_normal((5, 3)), rng)


def test_embedding_matches_torch_and_padding(rng, torch):
    ours = nn.Embedding(6, 3, padding_idx=0).double()
    theirs = torch.nn.Embedding(6, 3, padding_idx=0).double()
    _copy(ours, theirs)
    idx = np.array([[0, 2, 2], [5, 1, 0]])
    y, ty = ours(ac.tensor(idx)), theirs(torch.tensor(idx))
    np.testing.assert_allclose(y.data, ty.detach().numpy())
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy())
    assert ours.weight.grad.data[0].tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(IndexError, match=r"indices must lie in \[0, 6\)"):
        ours(ac.tensor([6]))


def test_embedding_weight_gradcheck(rng):
    """Whole-layer float64 check w.r.t. the table, with fixed indices that repeat (their
    gradients must accumulate) and leave some rows unused (zero gradient)."""
    emb = nn.Embedding(6, 3).double()
    idx = ac.tensor(np.array([[1, 4, 1], [4, 4, 0]]))
    fn = lambda w: emb(idx)  # noqa: E731  (the weight is perturbed in place)
    assert ac.gradcheck(fn, [emb.weight])
    assert ac.gradgradcheck(fn, [emb.weight])
    gy = rng.standard_normal((2, 3, 3))
    emb(idx).backward(ac.tensor(gy))
    expected = np.zeros((6, 3))
    np.add.at(expected, idx.data.reshape(-1), gy.reshape(-1, 3))
    np.testing.assert_allclose(emb.weight.grad.data, expected, rtol=1e-12)
    np.testing.assert_allclose(emb.weight.grad.data[4], gy[0, 1] + gy[1, 0] + gy[1, 1])
    assert not emb.weight.grad.data[[2, 3, 5]].any()


def test_embedding_padding_row_gets_no_gradient(rng):
    emb = nn.Embedding(5, 2, padding_idx=-1).double()  # row 4
    idx = ac.tensor(np.array([4, 2, 4, 0, 2]))
    gy = rng.standard_normal((5, 2))
    y = emb(idx)
    np.testing.assert_array_equal(y.data[[0, 2]], 0.0)
    y.backward(ac.tensor(gy))
    expected = np.zeros((5, 2))
    np.add.at(expected, [2, 0, 2], gy[[1, 3, 4]])
    np.testing.assert_allclose(emb.weight.grad.data, expected, rtol=1e-12)


@pytest.mark.parametrize("own_generator", [True, False], ids=["own-generator", "default"])
def test_dropout_training_gradcheck(own_generator, rng):
    """Dropout in training mode, made deterministic by re-seeding the generator it draws from
    (its own ``generator=``, else the default one) before every forward: first and second order
    gradient checks in float64, and the gradient is exactly mask / (1 − p)."""
    p, seed, shape = 0.4, 7, (6, 5)
    gen = ac.Generator(0) if own_generator else ac.random.default_generator
    saved = gen.get_state()
    try:
        d = nn.Dropout(p, generator=gen if own_generator else None)
        assert d.training

        def fn(x):
            gen.manual_seed(seed)
            return d(x)

        x = ac.tensor(rng.standard_normal(shape), dtype=ac.float64, requires_grad=True)
        assert ac.gradcheck(fn, [x])
        assert ac.gradgradcheck(fn, [x])
        mask = np.random.default_rng(seed).random(shape) >= p  # the draw Dropout makes
        assert 0 < mask.sum() < mask.size
        y = fn(x)
        np.testing.assert_allclose(y.data, x.data * mask / (1 - p), rtol=1e-15)
        gy = rng.standard_normal(shape)
        y.backward(ac.tensor(gy))
        np.testing.assert_allclose(x.grad.data, gy * mask / (1 - p), rtol=1e-15)
        np.testing.assert_array_equal(x.grad.data[~mask], 0.0)
        np.testing.assert_array_equal(fn(x).data, y.data)  # same seed, same mask
    finally:
        gen.set_state(saved)


def test_dropout_is_inverted_and_off_in_eval():
    d = nn.Dropout(0.25, generator=ac.Generator(0))
    x = ac.ones(20000)
    y = d(x)
    kept = y.data != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(y.data[kept], 1 / 0.75)
    assert abs(y.data.mean() - 1.0) < 0.03
    d.eval()
    assert d(x) is x
    xg = ac.ones(5, requires_grad=True)
    d.train()
    out = d(xg)
    out.sum().backward()
    np.testing.assert_allclose(xg.grad.data, out.data)
    with pytest.raises(ValueError, match="must be in"):
        nn.Dropout(1.5)


def test_prelu_minus_one_is_absolute_value():
    m = nn.PReLU(init=-1.0)
    x = ac.tensor([-3.0, -0.5, 2.0])
    assert m(x).tolist() == [3.0, 0.5, 2.0]


def test_maxout_values_and_error():
    y = F.maxout(ac.tensor([[1.0, 4.0, 2.0, -1.0, 0.0, 3.0]]), pieces=3)
    assert y.tolist() == [[4.0, 3.0]]
    with pytest.raises(ac.ShapeError, match="multiple of pieces"):
        F.maxout(ac.ones(2, 5), pieces=2)


def test_shape_errors_name_the_layer():
    with pytest.raises(ac.ShapeError, match="in_features=4"):
        nn.Linear(4, 2)(ac.ones(3, 5))
    with pytest.raises(ac.ShapeError, match=r"BatchNorm1d\(3\)"):
        nn.BatchNorm1d(3)(ac.ones(4, 2))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(ac.ones(1, 3))


def test_flatten_and_identity():
    assert nn.Flatten()(ac.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Flatten(0)(ac.zeros(2, 3)).shape == (6,)
    assert nn.Flatten()(ac.zeros(0, 3, 4)).shape == (0, 12)


@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 3, 4), (2, 3, 4, 5)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_without_dim_warns_and_takes_torchs_legacy_dim(name, shape, torch, rng):
    a = rng.standard_normal(shape)
    with pytest.warns(UserWarning, match=rf"{name}: no dim given, so dim=\d is used"):
        ours = getattr(F, name)(ac.tensor(a))
    with pytest.warns(UserWarning):  # PyTorch warns too ("Implicit dimension choice")
        theirs = getattr(torch.nn.functional, name)(torch.tensor(a))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-15)
