"""Creation functions with ``device="cuda"`` make their arrays on the device, with no host copy,
and draw random numbers with the device's generator, seeded by ``manual_seed`` (on the CuPy
stand-in, which counts every host↔device copy)."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

FILLED = [
    (lambda d: ac.zeros(2, 3, device=d), np.zeros((2, 3), np.float32)),
    (lambda d: ac.ones((4,), dtype=ac.float64, device=d), np.ones(4)),
    (lambda d: ac.full((2, 2), 7.5, device=d), np.full((2, 2), 7.5, np.float32)),
    (lambda d: ac.arange(1, 7, 2, device=d), np.arange(1, 7, 2)),
    (lambda d: ac.linspace(0, 1, 5, device=d), np.linspace(0, 1, 5, dtype=np.float32)),
    (lambda d: ac.eye(2, 3, device=d), np.eye(2, 3, dtype=np.float32)),
    (lambda d: ac.zeros_like(ac.ones(3, device=d)), np.zeros(3, np.float32)),
    (lambda d: ac.full_like(ac.ones(3, device=d), 2.0), np.full(3, 2.0, np.float32)),
]


@pytest.mark.parametrize(("make", "expected"), FILLED)
def test_filled_tensors_are_made_on_the_device_without_a_copy(fake_cuda, make, expected):
    t = make("cuda")
    assert isinstance(t.data, fake_cuda.ndarray) and t.device == ac.device("cuda")
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    got = t.cpu().numpy()
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "draw",
    [
        lambda: ac.randn(3, 4, device="cuda"),
        lambda: ac.rand(5, device="cuda", dtype=ac.float64),
        lambda: ac.randint(0, 10, size=(6,), device="cuda"),
        lambda: ac.randn(8, device="cuda", dtype=ac.float16),
        lambda: ac.randn_like(ac.zeros(2, 2, device="cuda")),
    ],
)
def test_random_tensors_are_drawn_on_the_device_and_follow_manual_seed(fake_cuda, draw):
    ac.manual_seed(0)
    a = draw()
    ac.manual_seed(0)
    b = draw()
    ac.manual_seed(1)
    c = draw()
    assert isinstance(a.data, fake_cuda.ndarray)
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    np.testing.assert_array_equal(a.cpu().numpy(), b.cpu().numpy())
    assert not np.array_equal(a.cpu().numpy(), c.cpu().numpy())


def test_device_draws_have_the_asked_distribution(fake_cuda):
    ac.manual_seed(0)
    n = ac.randn(20000, device="cuda").cpu().numpy()
    u = ac.rand(20000, device="cuda").cpu().numpy()
    assert n.dtype == u.dtype == np.float32
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01


def test_the_default_device_makes_tensors_there(fake_cuda):
    ac.set_default_device("cuda")
    try:
        t = ac.randn(2, 3)
        z = ac.zeros(4)
    finally:
        ac.set_default_device(None)
    assert t.device == z.device == ac.device("cuda")
    assert fake_cuda.TRANSFERS.h2d == 0


def test_a_layer_made_on_the_device_initialises_there(fake_cuda):
    import nn

    ac.manual_seed(0)
    layer = nn.Linear(64, 32, device="cuda")
    assert all(isinstance(p.data, fake_cuda.ndarray) for p in layer.parameters())
    assert (fake_cuda.TRANSFERS.h2d, fake_cuda.TRANSFERS.d2h) == (0, 0)
    w = layer.weight.cpu().numpy()
    bound = 1 / np.sqrt(64)  # kaiming_uniform_(a=√5): U(−1/√fan_in, 1/√fan_in)
    assert w.min() >= -bound and w.max() <= bound and w.std() > bound / 2


def test_a_device_context_sets_the_default_device_for_its_block(fake_cuda):
    with ac.device("cuda") as dev:
        inside = ac.zeros(2)
        with ac.device("cpu"):
            nested = ac.ones(2)
        after_nested = ac.randn(2)
    outside = ac.zeros(2)
    assert dev == ac.device("cuda")
    assert [str(t.device) for t in (inside, nested, after_nested, outside)] == [
        "cuda:0",
        "cpu",
        "cuda:0",
        "cpu",
    ]
    with pytest.raises(RuntimeError, match="boom"), ac.device("cuda"):
        raise RuntimeError("boom")
    assert ac.get_default_device() == "cpu"
