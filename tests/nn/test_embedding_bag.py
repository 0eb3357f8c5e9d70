"""nn.EmbeddingBag / F.embedding_bag against PyTorch in float64 (values and the gradients of the
weight and of per_sample_weights), gradcheck of order 1 and 2, the module and errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

NUM, DIM = 9, 4
# (input, offsets): 2-D bags; 1-D with an empty bag in the middle and one at the end
LAYOUTS = {
    "2d": (np.array([[1, 2, 3], [4, 4, 0], [8, 2, 2]]), None, False),
    "offsets": (np.array([1, 2, 3, 4, 4, 0, 8, 2]), np.array([0, 2, 2, 5, 8]), False),
    "last_offset": (np.array([1, 2, 3, 4, 4, 0, 8, 2]), np.array([0, 2, 2, 5, 8]), True),
    "1d_2d_last": (np.array([[1, 2], [3, 4], [5, 6]]), None, True),
}


def _bag(lib, fn, weight, layout, mode, padding_idx, psw):
    x, offsets, last = LAYOUTS[layout]
    w = lib.tensor(weight, requires_grad=True)
    kw = {"mode": mode, "include_last_offset": last, "padding_idx": padding_idx}
    p = None
    if psw:
        p = lib.tensor(np.random.default_rng(3).standard_normal(x.shape), requires_grad=True)
        kw["per_sample_weights"] = p
    off = None if offsets is None else lib.tensor(offsets)
    y = fn(lib.tensor(x), w, off, **kw)
    gy = np.random.default_rng(1).standard_normal(tuple(y.shape))
    (y * lib.tensor(gy)).sum().backward()
    as_np = lambda t: t.detach().numpy()  # noqa: E731
    return as_np(y), as_np(w.grad), None if p is None else as_np(p.grad)


CASES = [
    (layout, mode, pad, psw)
    for layout, mode, pad, psw in itertools.product(
        LAYOUTS, ["sum", "mean", "max"], [None, 2, -5], [False, True]
    )
    if not (psw and mode != "sum")
]


@pytest.mark.parametrize(("layout", "mode", "padding_idx", "psw"), CASES)
def test_functional_matches_torch(torch, layout, mode, padding_idx, psw):
    weight = np.random.default_rng(0).standard_normal((NUM, DIM))
    mine = _bag(ac, F.embedding_bag, weight, layout, mode, padding_idx, psw)
    ref = _bag(torch, torch.nn.functional.embedding_bag, weight, layout, mode, padding_idx, psw)
    for a, b in zip(mine, ref, strict=True):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_module_matches_torch(torch, mode):
    torch.manual_seed(0)
    theirs = torch.nn.EmbeddingBag(NUM, DIM, mode=mode, padding_idx=0, dtype=torch.float64)
    ours = nn.EmbeddingBag(NUM, DIM, mode=mode, padding_idx=0, dtype=ac.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x, offsets = np.array([3, 0, 5, 5, 1, 8]), np.array([0, 3, 3])
    y = ours(ac.tensor(x), ac.tensor(offsets))
    t = theirs(torch.tensor(x), torch.tensor(offsets))
    y.sum().backward()
    t.sum().backward()
    np.testing.assert_allclose(y.numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), atol=1e-12)


def test_module_init_and_from_pretrained():
    bag = nn.EmbeddingBag(6, 3, padding_idx=-1)
    assert bag.padding_idx == 5 and np.all(bag.weight.numpy()[5] == 0)
    assert bag.weight.shape == (6, 3) and bag.mode == "mean"
    table = np.arange(12.0).reshape(4, 3)
    frozen = nn.EmbeddingBag.from_pretrained(ac.tensor(table), mode="max")
    assert not frozen.weight.requires_grad
    out = frozen(ac.tensor([[0, 3], [1, 2]]))
    np.testing.assert_array_equal(out.numpy(), table[[3, 2]])
    trainable = nn.EmbeddingBag.from_pretrained(ac.tensor(table), freeze=False)
    assert trainable.weight.requires_grad
    np.testing.assert_array_equal(trainable.weight.numpy(), table)


@pytest.mark.parametrize(
    ("mode", "psw"), [("sum", False), ("sum", True), ("mean", False), ("max", False)]
)
def test_gradcheck_first_and_second_order(mode, psw):
    rng = np.random.default_rng(4)
    w = ac.tensor(rng.standard_normal((6, 3)), requires_grad=True)  # no ties for max
    x, offsets = ac.tensor([0, 2, 5, 2, 1, 4, 3]), ac.tensor([0, 3, 3, 5])
    inputs = [w]
    if psw:
        inputs.append(ac.tensor(rng.standard_normal(7), requires_grad=True))

    def fn(w, p=None):
        return F.embedding_bag(x, w, offsets, mode=mode, per_sample_weights=p, padding_idx=1)

    assert ac.gradcheck(fn, inputs)
    assert ac.gradgradcheck(fn, inputs)


def test_empty_input_gives_zero_bags(torch):
    w = np.random.default_rng(0).standard_normal((4, 2))
    for mode in ("sum", "mean", "max"):
        y = F.embedding_bag(
            ac.tensor(np.array([], int)), ac.tensor(w), ac.tensor([0, 0]), mode=mode
        )
        ref = torch.nn.functional.embedding_bag(
            torch.tensor([], dtype=torch.long), torch.tensor(w), torch.tensor([0, 0]), mode=mode
        )
        np.testing.assert_array_equal(y.numpy(), ref.numpy())


def test_errors():
    w = ac.randn(5, 2)
    with pytest.raises(ValueError, match="offsets has to be None"):
        F.embedding_bag(ac.tensor([[0, 1]]), w, ac.tensor([0]))
    with pytest.raises(ValueError, match="needs offsets"):
        F.embedding_bag(ac.tensor([0, 1]), w)
    with pytest.raises(ValueError, match=r"offsets\[0\] has to be 0"):
        F.embedding_bag(ac.tensor([0, 1]), w, ac.tensor([1]))
    with pytest.raises(ValueError, match="offsets is empty"):
        F.embedding_bag(ac.tensor([0, 1]), w, ac.tensor(np.array([], int)))
    with pytest.raises(ValueError, match="non-decreasing"):
        F.embedding_bag(ac.tensor([0, 1, 2]), w, ac.tensor([0, 2, 1]))
    with pytest.raises(ValueError, match="at most the input's length"):
        F.embedding_bag(ac.tensor([0, 1, 2]), w, ac.tensor([0, 4]))
    with pytest.raises(ValueError, match="last offset must equal the input's length 3"):
        F.embedding_bag(ac.tensor([0, 1, 2]), w, ac.tensor([0, 2]), include_last_offset=True)
    with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
        F.embedding_bag(ac.tensor([[0, 1]]), w, per_sample_weights=ac.ones(1, 2), mode="mean")
    with pytest.raises(ac.ShapeError, match="per_sample_weights must have input's shape"):
        F.embedding_bag(ac.tensor([[0, 1]]), w, per_sample_weights=ac.ones(2), mode="sum")
    with pytest.raises(IndexError, match=r"must lie in \[0, 5\)"):
        F.embedding_bag(ac.tensor([[0, 7]]), w)
    with pytest.raises(TypeError, match="must be integers"):
        F.embedding_bag(ac.tensor([[0.0, 1.0]]), w)
    with pytest.raises(ValueError, match="mode must be"):
        F.embedding_bag(ac.tensor([[0, 1]]), w, mode="min")
    with pytest.raises(NotImplementedError, match="max_norm"):
        F.embedding_bag(ac.tensor([[0, 1]]), w, max_norm=1.0)
    with pytest.raises(ac.ShapeError, match="1-D .* or 2-D"):
        F.embedding_bag(ac.tensor([[[0, 1]]]), w)
    with pytest.raises(ValueError, match="padding_idx"):
        nn.EmbeddingBag(3, 2, padding_idx=3)
