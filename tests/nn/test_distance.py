"""F.cosine_similarity, F.pairwise_distance, F.normalize and their modules against torch:
values and gradients in float64 (1e-10), float32 values, broadcasting, empty and non-contiguous
inputs, zero vectors (the eps clamps), gradcheck and gradgradcheck on both devices, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F
from autograd_core.errors import ShapeError


def _compare(torch, ac_fn, torch_fn, arrays, rng, transpose=False, rtol=1e-10):
    """Forward values and the gradients of a random weighting of the output, against torch."""
    leaves = [ac.tensor(a, requires_grad=True) for a in arrays]
    tleaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    ins = [t.T if transpose else t for t in leaves]
    tins = [t.T if transpose else t for t in tleaves]
    out, tout = ac_fn(*ins), torch_fn(*tins)
    assert out.shape == tuple(tout.shape) and out.dtype == ac.float64
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=rtol, atol=1e-14)
    w = rng.standard_normal(tuple(tout.shape))
    (out * ac.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for leaf, tleaf in zip(leaves, tleaves):
        np.testing.assert_allclose(leaf.grad.numpy(), tleaf.grad.numpy(), rtol=rtol, atol=1e-14)


COS_CASES = [  # (shape1, shape2, dim)
    ((4, 5), (4, 5), 1),
    ((3, 4, 5), (1, 4, 5), 1),
    ((3, 4, 5), (5,), -1),
    ((6,), (6,), 0),
    ((2, 0, 3), (2, 0, 3), 2),
    ((2, 0, 3), (2, 0, 3), 1),
]


@pytest.mark.parametrize("s1, s2, dim", COS_CASES)
def test_cosine_similarity_matches_torch(s1, s2, dim, torch, rng):
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    _compare(
        torch,
        lambda x, y: F.cosine_similarity(x, y, dim=dim),
        lambda x, y: torch.nn.functional.cosine_similarity(x, y, dim=dim),
        [a, b],
        rng,
    )


@pytest.mark.parametrize("eps", [1e-8, 0.5])
def test_cosine_similarity_clamps_each_norm_separately_as_torch(eps, torch, rng):
    """A zero row and a tiny row (norm below eps): torch 2.x clamps each norm's value at eps
    but lets the gradient through the unclamped norm; both the value and gradient match."""
    a = rng.standard_normal((4, 3))
    b = rng.standard_normal((4, 3))
    a[0] = 0.0
    b[1] = 1e-10
    a[2] = 3e-9
    _compare(
        torch,
        lambda x, y: F.cosine_similarity(x, y, eps=eps),
        lambda x, y: torch.nn.functional.cosine_similarity(x, y, eps=eps),
        [a, b],
        rng,
    )


def test_cosine_similarity_noncontiguous_and_float32(torch, rng):
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    _compare(
        torch,
        lambda x, y: F.cosine_similarity(x, y, dim=0),
        lambda x, y: torch.nn.functional.cosine_similarity(x, y, dim=0),
        [a, b],
        rng,
        transpose=True,
    )
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    out = F.cosine_similarity(ac.tensor(a32), ac.tensor(b32))
    ref = torch.nn.functional.cosine_similarity(torch.tensor(a32), torch.tensor(b32))
    assert out.dtype == ac.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)


PAIR_CASES = [  # (shape1, shape2, p, eps, keepdim)
    ((4, 5), (4, 5), 2.0, 1e-6, False),
    ((4, 5), (1, 5), 1.0, 1e-6, True),
    ((3, 4, 5), (4, 5), 3.0, 0.0, False),
    ((4, 5), (4, 5), float("inf"), 1e-6, False),
    ((6,), (6,), 2.0, 1e-6, True),
    ((4, 0), (4, 0), 2.0, 1e-6, False),
    ((0, 3), (0, 3), 1.5, 1e-6, False),
]


@pytest.mark.parametrize("s1, s2, p, eps, keepdim", PAIR_CASES)
def test_pairwise_distance_matches_torch(s1, s2, p, eps, keepdim, torch, rng):
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    _compare(
        torch,
        lambda x, y: F.pairwise_distance(x, y, p, eps, keepdim),
        lambda x, y: torch.nn.functional.pairwise_distance(x, y, p, eps, keepdim),
        [a, b],
        rng,
    )


def test_pairwise_distance_equal_inputs_and_noncontiguous(torch, rng):
    """With eps=0 and equal rows the distance is 0 and torch's gradient there is 0."""
    a = rng.standard_normal((3, 4))
    b = a.copy()
    b[1] += 1.0
    _compare(
        torch,
        lambda x, y: F.pairwise_distance(x, y, eps=0.0),
        lambda x, y: torch.nn.functional.pairwise_distance(x, y, eps=0.0),
        [a, b],
        rng,
    )
    _compare(
        torch,
        F.pairwise_distance,
        torch.nn.functional.pairwise_distance,
        [rng.standard_normal((4, 3)), rng.standard_normal((4, 3))],
        rng,
        transpose=True,
    )


NORMALIZE_CASES = [  # (shape, p, dim)
    ((4, 5), 2.0, 1),
    ((4, 5), 1.0, 0),
    ((2, 3, 4), 3.0, -1),
    ((6,), 2.0, 0),
    ((3, 4), float("inf"), 1),
    ((0, 4), 2.0, 1),
]


@pytest.mark.parametrize("shape, p, dim", NORMALIZE_CASES)
def test_normalize_matches_torch(shape, p, dim, torch, rng):
    _compare(
        torch,
        lambda x: F.normalize(x, p, dim),
        lambda x: torch.nn.functional.normalize(x, p, dim),
        [rng.standard_normal(shape)],
        rng,
    )


def test_normalize_below_eps_and_noncontiguous(torch, rng):
    """A zero row and a row whose norm is under eps: the clamp holds (no gradient via norm)."""
    a = rng.standard_normal((3, 4))
    a[0] = 0.0
    a[1] = 1e-3
    _compare(
        torch,
        lambda x: F.normalize(x, eps=0.1),
        lambda x: torch.nn.functional.normalize(x, eps=0.1),
        [a],
        rng,
    )
    _compare(
        torch, F.normalize, torch.nn.functional.normalize, [rng.standard_normal((4, 3))], rng, True
    )


def test_distance_functions_gradcheck_twice(rng, device):
    def leaf(shape):
        return ac.tensor(rng.standard_normal(shape), requires_grad=True, device=device)

    x, y, z = leaf((3, 4)), leaf((1, 4)), leaf((3, 4))
    for fn, args in [
        (lambda a, b: F.cosine_similarity(a, b), (x, y)),
        (lambda a, b: F.cosine_similarity(a, b, dim=0), (x, z)),
        (lambda a, b: F.pairwise_distance(a, b), (x, y)),
        (lambda a, b: F.pairwise_distance(a, b, p=3.0, keepdim=True), (x, z)),
        (lambda a: F.normalize(a), (x,)),
        (lambda a: F.normalize(a, p=1.5, dim=0), (z,)),
    ]:
        assert ac.gradcheck(fn, args)
        assert ac.gradgradcheck(fn, args)


def test_modules_match_functions_and_torch(torch, rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    for mod, tmod in [
        (nn.CosineSimilarity(dim=0, eps=1e-6), torch.nn.CosineSimilarity(dim=0, eps=1e-6)),
        (nn.PairwiseDistance(p=1.0, keepdim=True), torch.nn.PairwiseDistance(p=1.0, keepdim=True)),
    ]:
        out = mod(ac.tensor(a), ac.tensor(b))
        ref = tmod(torch.tensor(a), torch.tensor(b)).numpy()
        np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
        assert list(mod.parameters()) == []
    assert nn.PairwiseDistance(p=3.0).norm == torch.nn.PairwiseDistance(p=3.0).norm


def test_defaults_are_torchs():
    """torch's documented defaults (cosine_similarity is a builtin without a signature)."""
    import inspect

    expected = {
        "cosine_similarity": {"dim": 1, "eps": 1e-8},
        "pairwise_distance": {"p": 2.0, "eps": 1e-6, "keepdim": False},
        "normalize": {"p": 2.0, "dim": 1, "eps": 1e-12},
    }
    for name, defaults in expected.items():
        params = inspect.signature(getattr(F, name)).parameters
        assert {k: v.default for k, v in params.items() if k in defaults} == defaults


def test_errors_name_the_function_shapes_and_a_fix():
    x = ac.ones((3, 4))
    seen = r"cosine_similarity: x1 and x2 do not broadcast. Shapes seen: \(3, 4\) and \(2, 4\)"
    with pytest.raises(ShapeError, match=seen):
        F.cosine_similarity(x, ac.ones((2, 4)))
    with pytest.raises(ShapeError, match=r"pairwise_distance: x1 and x2 do not broadcast"):
        F.pairwise_distance(x, ac.ones((3, 5)))
    with pytest.raises(ShapeError, match=r"cosine_similarity"):
        F.cosine_similarity(x, x, dim=2)
    with pytest.raises(ShapeError, match=r"normalize"):
        F.normalize(x, dim=-3)
    with pytest.raises(ShapeError, match=r"pairwise_distance: inputs must have at least one axis"):
        F.pairwise_distance(ac.tensor(1.0), ac.tensor(2.0))
    with pytest.raises(ShapeError, match=r"normalize: input must have at least one axis"):
        F.normalize(ac.tensor(1.0))
    with pytest.raises(ValueError, match=r"p must be a number"):  # p ≤ 0 is valid, as torch's
        F.pairwise_distance(x, x, p="nuc")
