"""nansum, nanmean, var_mean and std_mean: values and gradients against PyTorch in float64,
first and second order gradchecks, the float32 result dtype, the CuPy stand-in, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_core as ac

NAN = float("nan")


def _with_nans(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Normal values with NaNs at every third element (no all-NaN slice along the last axis
    for the shapes used with gradchecks)."""
    a = rng.standard_normal(shape)
    a.reshape(-1)[::3] = NAN
    return a


def _compare(fn, tfn, a, torch, device="cpu"):
    """Values (NaN where torch has NaN) and the gradient against torch, float64."""
    x = ac.tensor(a, requires_grad=True, device=device)
    tx = torch.tensor(a, requires_grad=True)
    outs, touts = fn(x), tfn(tx)
    outs = outs if isinstance(outs, tuple) else (outs,)
    touts = touts if isinstance(touts, tuple) else (touts,)
    loss, tloss = 0.0, 0.0
    for k, (o, t) in enumerate(zip(outs, touts, strict=True)):
        assert o.shape == tuple(t.shape) and o.dtype == np.float64
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-10)
        w = np.random.default_rng(k).standard_normal(o.shape)
        loss = loss + (o * ac.tensor(w, device=device)).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


CASES = [((5,), None, False), ((3, 4), 1, False), ((3, 4), 0, True), ((2, 3, 4), (0, 2), False)]


@pytest.mark.parametrize("shape, dim, keepdim", CASES)
@pytest.mark.parametrize("name", ["nansum", "nanmean"])
def test_nan_reductions_match_torch(name, shape, dim, keepdim, torch, rng, device):
    a = _with_nans(rng, shape)
    kw = {} if dim is None else {"dim": dim, "keepdim": keepdim}
    _compare(
        lambda x: getattr(ac, name)(x, **kw),
        lambda t: getattr(torch, name)(t, **kw),
        a,
        torch,
        device,
    )
    x = ac.tensor(a, requires_grad=True)
    assert getattr(x, name)(**kw).shape == getattr(ac, name)(x, **kw).shape  # Tensor method


@pytest.mark.parametrize("shape, dim, keepdim", CASES)
@pytest.mark.parametrize("correction", [0, 1, 2])
@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_std_mean_match_torch(name, shape, dim, keepdim, correction, torch, rng, device):
    a = rng.standard_normal(shape)
    kw = {"correction": correction, "keepdim": keepdim}
    _compare(
        lambda x: getattr(ac, name)(x, dim, **kw),
        lambda t: getattr(torch, name)(t, dim, **kw),
        a,
        torch,
        device,
    )


@pytest.mark.filterwarnings("ignore:.*degrees of freedom:UserWarning")  # torch, N ≤ correction
@pytest.mark.parametrize("name", ["nansum", "nanmean", "var_mean", "std_mean"])
def test_edge_cases_match_torch(name, torch):
    """All-NaN slices (nanmean: NaN value and gradient, as torch) and empty slices; 0-d
    inputs, also NaN; a non-contiguous (transposed) input; a slice with N ≤ correction."""
    ours, theirs = getattr(ac, name), getattr(torch, name)
    cases = [
        (np.array([[NAN, NAN], [1.0, NAN]]), 1),
        (np.array(2.5), None),
        (np.array(NAN), None),
        (np.zeros((0, 3)), 0),
        (_with_nans(np.random.default_rng(1), (4, 3)).T, 0),
        (np.ones((3, 1)), 1),
    ]
    if name in ("var_mean", "std_mean"):  # a NaN input with N ≤ correction: var's own gradient
        del cases[2]  # is NaN, torch's inf; a var/std matter (reported), not var_mean's
    for a, dim in cases:
        if dim is None:
            _compare(ours, theirs, a, torch)
        else:
            _compare(lambda x, d=dim: ours(x, d), lambda t, d=dim: theirs(t, d), a, torch)


def test_integer_nansum_keeps_its_dtype(torch):
    ints = ac.nansum(ac.tensor([[1, 2], [3, 4]]), 0)
    np.testing.assert_array_equal(ints.numpy(), torch.nansum(torch.tensor([[1, 2], [3, 4]]), 0))
    assert ints.dtype == np.int64


@pytest.mark.parametrize("name", ["nansum", "nanmean", "var_mean", "std_mean"])
def test_float32_results_match_torch(name, torch, rng):
    a = rng.standard_normal((3, 5)).astype(np.float32)
    if name.startswith("nan"):
        a[0, 1] = a[2, 4] = NAN
    outs = getattr(ac, name)(ac.tensor(a), 1)
    touts = getattr(torch, name)(torch.tensor(a), 1)
    for o, t in zip(*(v if isinstance(v, tuple) else (v,) for v in (outs, touts)), strict=True):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: ac.nansum(x, 1),
        lambda x: ac.nanmean(x, 1, keepdim=True),
        lambda x: ac.nanmean(x),
        lambda x: ac.var_mean(x, 1),
        lambda x: ac.std_mean(x, 0, correction=0),
    ],
)
def test_gradchecks_first_and_second_order(fn, rng):
    """NaNs are placed by a constant mask (gradcheck cannot step a NaN input), so the NaN paths
    are checked; the masked elements must get a zero gradient."""
    nan_at = ac.tensor(np.isnan(_with_nans(rng, (3, 4))))
    x = ac.tensor(rng.standard_normal((3, 4)), requires_grad=True)

    def with_nans(x):
        return fn(ac.where(nan_at, NAN, x))

    if not isinstance(fn(x), tuple):  # nansum, nanmean (var_mean and std_mean give NaN)
        assert ac.gradcheck(with_nans, (x,))
        assert ac.gradgradcheck(with_nans, (x,))
    assert ac.gradcheck(fn, (x,)) and ac.gradgradcheck(fn, (x,))


def test_errors():
    with pytest.raises(ac.DTypeError, match=r"nanmean: input must be floating point\. .*int64"):
        ac.nanmean(ac.tensor([1, 2]))
    with pytest.raises(ac.ShapeError, match="nansum: axis 3 is out of range"):
        ac.nansum(ac.ones(2), 3)
    with pytest.raises(ac.ShapeError, match="nanmean: axis 2 is out of range"):
        ac.nanmean(ac.ones(2, 2), 2)
    with pytest.raises(ac.ShapeError, match=r"std_mean: axis \(0, 0\) repeats an axis"):
        ac.std_mean(ac.ones(2, 2), (0, 0))
    with pytest.raises(ac.ShapeError, match="var_mean: axis 2 is out of range"):
        ac.var_mean(ac.ones(2, 2), 2)
    with pytest.raises(ValueError, match="var_mean: correction must be a non-negative int"):
        ac.var_mean(ac.ones(2), correction=-1)
    with pytest.raises(ValueError, match="std_mean: correction must be a non-negative int"):
        ac.std_mean(ac.ones(2), correction=1.5)
