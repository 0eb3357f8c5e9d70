"""batch_norm of any rank, group_norm, instance_norm and their layers against PyTorch in float64
(values, gradients of input and parameters, running statistics, PyTorch state_dicts)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

TOL = {"rtol": 1e-10, "atol": 1e-12}


def _load_torch_state(ours, theirs):
    """A PyTorch state_dict converted to arrays, loaded strictly (names must agree)."""
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def _compare(torch, ours, theirs, x, rng):
    xa, xt = ac.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y, ty = ours(xa), theirs(xt)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), **TOL)
    gy = rng.standard_normal(y.shape)
    y.backward(ac.tensor(gy))
    ty.backward(torch.tensor(gy))
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), **TOL)
    for (name, p), (tname, tp) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name == tname
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), **TOL, err_msg=name)
    for (name, b), (tname, tb) in zip(ours.named_buffers(), theirs.named_buffers(), strict=True):
        assert name == tname
        np.testing.assert_allclose(b.numpy(), tb.numpy(), **TOL, err_msg=name)


def _random_affine(torch, theirs):
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape, dtype=p.dtype))


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "shape"),
    [
        ("BatchNorm2d", (3,), {}, (4, 3, 5, 6)),
        ("BatchNorm2d", (3,), {"momentum": 0.3, "affine": False}, (4, 3, 5, 6)),
        ("BatchNorm2d", (3,), {"track_running_stats": False}, (2, 3, 2, 2)),
        ("BatchNorm3d", (2,), {"eps": 1e-3}, (3, 2, 3, 4, 2)),
        ("GroupNorm", (2, 6), {}, (3, 6, 4, 5)),
        ("GroupNorm", (3, 3), {"affine": False}, (2, 3, 7)),
        ("GroupNorm", (1, 4), {"eps": 1e-3}, (2, 4, 2, 3, 2)),
        ("InstanceNorm1d", (3,), {"affine": True}, (2, 3, 7)),
        ("InstanceNorm2d", (3,), {}, (2, 3, 5, 4)),
        ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 5, 4)),
        ("InstanceNorm2d", (3,), {"affine": True}, (3, 5, 4)),  # unbatched
        ("InstanceNorm3d", (2,), {"track_running_stats": True}, (2, 2, 3, 3, 3)),
    ],
    ids=str,
)
def test_norm_layers_match_torch_in_train_then_eval(torch, rng, name, args, kwargs, shape):
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours = getattr(nn, name)(*args, **kwargs).double()
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _random_affine(torch, theirs)
    _load_torch_state(ours, theirs)
    for _ in range(2):  # two training steps move the running statistics
        _compare(torch, ours, theirs, rng.standard_normal(shape) * 2 + 1, rng)
    ours.eval()
    theirs.eval()
    _compare(torch, ours, theirs, rng.standard_normal(shape), rng)


def test_a_pytorch_cnn_state_dict_with_batchnorm2d_loads_and_agrees(torch, rng):
    theirs = torch.nn.Sequential(
        torch.nn.BatchNorm2d(3), torch.nn.MaxPool2d(2), torch.nn.GroupNorm(1, 3)
    ).double()
    ours = nn.Sequential(nn.BatchNorm2d(3), nn.MaxPool2d(2), nn.GroupNorm(1, 3)).double()
    _random_affine(torch, theirs)
    theirs(torch.tensor(rng.standard_normal((4, 3, 6, 6))))  # moves the running statistics
    theirs.eval()
    _load_torch_state(ours, theirs)
    ours.eval()
    assert int(ours.state_dict()["0.num_batches_tracked"].item()) == 1
    x = rng.standard_normal((2, 3, 6, 6))
    np.testing.assert_allclose(
        ours(ac.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), **TOL
    )


@pytest.mark.parametrize("shape", [(4, 3), (4, 3, 5), (2, 3, 4, 5), (2, 3, 2, 3, 2)])
def test_functional_batch_norm_of_any_rank_matches_torch(torch, rng, shape):
    x = rng.standard_normal(shape)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    ours_rm, ours_rv = ac.tensor(rm.copy()), ac.tensor(rv.copy())
    t_rm, t_rv = torch.tensor(rm.copy()), torch.tensor(rv.copy())
    for training in (True, False):
        y = F.batch_norm(ac.tensor(x), ours_rm, ours_rv, ac.tensor(w), ac.tensor(b), training, 0.2)
        ty = torch.nn.functional.batch_norm(
            torch.tensor(x), t_rm, t_rv, torch.tensor(w), torch.tensor(b), training, 0.2
        )
        np.testing.assert_allclose(y.numpy(), ty.numpy(), **TOL)
        np.testing.assert_allclose(ours_rm.numpy(), t_rm.numpy(), **TOL)
        np.testing.assert_allclose(ours_rv.numpy(), t_rv.numpy(), **TOL)


def test_group_and_instance_norm_second_derivatives_match_torch(torch, rng):
    x = rng.standard_normal((2, 4, 3, 3))
    w = rng.standard_normal(4)
    v = rng.standard_normal(x.shape)
    for ours, theirs in [
        (lambda t, w: F.group_norm(t, 2, w), lambda t, w: torch.nn.functional.group_norm(t, 2, w)),
        (
            lambda t, w: F.instance_norm(t, weight=w),
            lambda t, w: torch.nn.functional.instance_norm(t, weight=w),
        ),
    ]:
        xa, wa = ac.tensor(x, requires_grad=True), ac.tensor(w, requires_grad=True)
        xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        (gx,) = ac.grad((ours(xa, wa) ** 2).sum(), xa, create_graph=True)
        (tgx,) = torch.autograd.grad((theirs(xt, wt) ** 2).sum(), xt, create_graph=True)
        gg = ac.grad((gx * ac.tensor(v)).sum(), [xa, wa])
        tgg = torch.autograd.grad((tgx * torch.tensor(v)).sum(), [xt, wt])
        for g, tg in zip(gg, tgg, strict=True):
            np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-9, atol=1e-10)


def test_norm_errors_say_what_to_change():
    with pytest.raises(ac.ShapeError, match=r"BatchNorm2d\(3\): expected input \(N, 3, \*, \*\)"):
        nn.BatchNorm2d(3)(ac.ones(4, 3, 5))
    with pytest.raises(ac.ShapeError, match=r"BatchNorm3d\(2\): expected input"):
        nn.BatchNorm3d(2)(ac.ones(4, 3, 2, 2, 2))
    with pytest.raises(ValueError, match=r"batch_norm: expected more than 1 value per channel"):
        nn.BatchNorm2d(2)(ac.ones(1, 2, 1, 1))
    with pytest.raises(ac.ShapeError, match=r"batch_norm: expected an \(N, C, \*\) input"):
        F.batch_norm(ac.ones(3), None, None, training=True)
    with pytest.raises(ValueError, match=r"GroupNorm: num_channels=6 must be divisible by "):
        nn.GroupNorm(4, 6)
    with pytest.raises(ac.ShapeError, match=r"group_norm: 4 groups do not divide the channels"):
        F.group_norm(ac.ones(2, 6, 3), 4)
    with pytest.raises(ac.ShapeError, match=r"GroupNorm\(2, 4\): expected input \(N, 4, \*\)"):
        nn.GroupNorm(2, 4)(ac.ones(2, 6, 3))
    with pytest.raises(ac.ShapeError, match=r"InstanceNorm2d\(3\): expected input"):
        nn.InstanceNorm2d(3)(ac.ones(2, 4, 3, 3))
    with pytest.raises(ValueError, match=r"instance_norm: expected more than 1 spatial element"):
        F.instance_norm(ac.ones(2, 3, 1))
    with pytest.raises(ValueError, match=r"instance_norm: use_input_stats=False needs"):
        F.instance_norm(ac.ones(2, 3, 4), use_input_stats=False)
