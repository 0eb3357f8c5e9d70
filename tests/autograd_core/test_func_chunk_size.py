"""``chunk_size`` of vmap and jacrev, against torch.func: which values each accepts, which it
refuses and with which exception, and that an accepted one changes no result.

torch checks ``not (chunk_size is None or chunk_size > 0)`` when the transform is built
(ValueError, also for False and 0.0; TypeError where ``>`` fails, as for a str); a float > 0 or
True passes that check and fails with a TypeError at the first call, when the batch is split.
Here every refusal comes when the transform is built, with the same exception type.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.func import jacrev, vmap

ACCEPTED = [None, 1, 2, 3, 7, 10**30, np.int64(2), np.int32(1)]
REFUSED = {
    ValueError: [0, -1, False, np.int64(0), 0.0, -1.5, float("nan")],
    TypeError: [True, 1.5, 2.0, np.float64(2.0), "2", [2]],
}


def _failure(build, call):
    """The exception type of build() then call(built), or None; and whether build raised it."""
    try:
        built = build()
    except Exception as e:  # the type is what the test compares
        return type(e), True
    try:
        call(built)
    except Exception as e:
        return type(e), False
    return None, False


def _double(a):
    return a * 2


@pytest.mark.parametrize("api", ["vmap", "jacrev"])
@pytest.mark.parametrize(
    "chunk_size",
    ACCEPTED + [v for values in REFUSED.values() for v in values],
    ids=repr,
)
def test_chunk_size_is_accepted_or_refused_as_in_torch(torch, api, chunk_size):
    def ours():
        if api == "vmap":
            return vmap(_double, chunk_size=chunk_size)
        return jacrev(_double, chunk_size=chunk_size)

    def theirs():
        if api == "vmap":
            return torch.vmap(_double, chunk_size=chunk_size)
        return torch.func.jacrev(_double, chunk_size=chunk_size)

    got, at_build = _failure(ours, lambda f: f(ac.ones(5, 2)))
    want, _ = _failure(theirs, lambda f: f(torch.ones(5, 2)))
    assert got is want
    assert got is None or at_build  # ours refuses when the transform is built


@pytest.mark.parametrize("api", ["vmap", "jacrev"])
def test_chunk_size_errors_name_the_transform_and_the_fix(api):
    transform = vmap if api == "vmap" else jacrev
    with pytest.raises(ValueError, match=rf"{api}: chunk_size must be None or greater than 0"):
        transform(_double, chunk_size=0)
    with pytest.raises(TypeError, match=rf"{api}: chunk_size must be None or an int, got float"):
        transform(_double, chunk_size=1.5)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 8])
def test_vmap_chunk_size_changes_no_result(torch, rng, chunk_size):
    x, w = rng.standard_normal((5, 3)), rng.standard_normal(3)

    def f(a, b):
        return (a * b).sum() + a[0], a.exp()

    got = vmap(f, in_dims=(0, None), chunk_size=chunk_size)(ac.tensor(x), ac.tensor(w))
    plain = vmap(f, in_dims=(0, None))(ac.tensor(x), ac.tensor(w))
    want = torch.vmap(f, in_dims=(0, None), chunk_size=chunk_size)(torch.tensor(x), torch.tensor(w))
    for g, p, t in zip(got, plain, want, strict=True):
        np.testing.assert_array_equal(g.numpy(), p.numpy())
        np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-12)


def test_vmap_randomness_same_with_chunks_draws_one_sample_for_all(torch):
    # torch restores the RNG state before each chunk, so 'same' holds across chunks too
    x = np.zeros((5, 3))
    rows = vmap(lambda a: a + ac.rand(3), randomness="same", chunk_size=2)(ac.tensor(x)).numpy()
    theirs = torch.vmap(lambda a: a + torch.rand(3), randomness="same", chunk_size=2)(
        torch.tensor(x)
    ).numpy()
    assert (rows == rows[0]).all() and (theirs == theirs[0]).all()
    rows = vmap(lambda a: a + ac.rand(3), randomness="different", chunk_size=2)(ac.tensor(x))
    assert len({tuple(r) for r in rows.numpy()}) == 5


def test_vmap_chunk_size_with_an_empty_batch_and_an_unbatched_output():
    # torch 2.13 fails on both with a chunk_size (AssertionError; TypeError from cat)
    assert vmap(_double, chunk_size=2)(ac.ones(0, 3)).shape == (0, 3)
    y, c = vmap(lambda a: (a * 2, ac.ones(3)), out_dims=(0, None), chunk_size=2)(ac.ones(5, 2))
    assert y.shape == (5, 2) and c.shape == (3,)
