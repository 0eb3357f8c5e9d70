"""``ac.special`` against ``torch.special``: every name torch has (less the documented gaps),
values over ranges that reach the tails, edge values, result dtypes, gradients, closed forms,
gradchecks of the composites, and the CuPy path on the strict stand-in.

The registered ops (erfcx, ndtri, i0e, i1e, xlog1py) are also gradchecked to order 2 by the op
database (tests/autograd_core/test_op_db.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_core as ac

INF, NAN = math.inf, math.nan

NOT_PROVIDED: set[str] = set()
NOT_FUNCTIONS = {"Tensor", "torch", "common_args", "multi_dim_common"}

# name -> (low, high) of the float64 sample, reaching into the tails
UNARY_RANGES = {
    "erfcx": (-26.0, 1e4),
    "ndtr": (-38.0, 9.0),
    "log_ndtr": (-1e3, 40.0),
    "ndtri": (0.0, 1.0),
    "entr": (0.0, 50.0),
    "i0e": (-800.0, 800.0),
    "i1": (-700.0, 700.0),
    "i1e": (-800.0, 800.0),
    "spherical_bessel_j0": (-200.0, 200.0),
    "modified_bessel_i0": (-700.0, 700.0),
    "modified_bessel_i1": (-700.0, 700.0),
    "expit": (-50.0, 50.0),
    "gammaln": (0.01, 50.0),
    "psi": (0.01, 50.0),
    "erf": (-6.0, 6.0),
    "erfc": (-6.0, 26.0),
    "erfinv": (-1.0, 1.0),
    "exp2": (-20.0, 20.0),
    "expm1": (-5.0, 5.0),
    "log1p": (-0.99, 5.0),
    "logit": (0.0, 1.0),
    "sinc": (-20.0, 20.0),
    "i0": (-30.0, 30.0),
    "digamma": (0.01, 50.0),
}


def _grid(low: float, high: float, n: int = 4001) -> np.ndarray:
    if low >= 0 and high <= 1:  # probabilities: also their tails, in log spacing
        tiny = np.logspace(-300, -1, 600)
        return np.concatenate([np.linspace(low, high, n), tiny, 1 - tiny[-300:]])
    return np.linspace(low, high, n)


def test_every_torch_special_function_is_here_but_the_documented_gaps(torch):
    theirs = {n for n in dir(torch.special) if not n.startswith("_")} - NOT_FUNCTIONS
    ours = {n for n in ac.special.__all__}
    assert theirs - ours == NOT_PROVIDED  # the module docstring and the report name these
    assert ours <= theirs
    for name in ours:
        assert callable(getattr(ac.special, name)), name
    doc = ac.special.__doc__.lower()
    for name in NOT_PROVIDED:
        assert name in doc or name.split("_")[0] in doc, name


@pytest.mark.parametrize("name", sorted(UNARY_RANGES))
def test_unary_values_match_torch_in_float64(torch, name):
    x = _grid(*UNARY_RANGES[name])
    got = getattr(ac.special, name)(ac.tensor(x, dtype=ac.float64)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x, dtype=torch.float64)).numpy()
    assert got.dtype == np.float64
    if name == "ndtr":  # torch's float64 ndtr is 0 below x ≈ −10; its exp(log_ndtr) is not
        want = torch.special.log_ndtr(torch.tensor(x, dtype=torch.float64)).exp().numpy()
    # torch's erfcx loses ~5e-14 for x ≪ 0 (exp(x²) of a rounded x²); the rest are tighter.
    # Near the zeros of lgamma and digamma both errors are absolute, not relative.
    rtol = {"erfcx": 2e-13, "spherical_bessel_j0": 1e-12, "ndtr": 2e-13}.get(name, 1e-13)
    atol = 1e-14 if name in ("gammaln", "digamma", "psi") else 1e-300
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


def test_ndtr_keeps_the_lower_tail_that_torch_flushes_to_zero(torch):
    x = np.array([-10.0, -20.0, -37.0])
    got = ac.special.ndtr(ac.tensor(x, dtype=ac.float64)).numpy()
    assert torch.special.ndtr(torch.tensor(x, dtype=torch.float64)).eq(0).all()
    want = 0.5 * torch.special.erfc(torch.tensor(-x / math.sqrt(2))).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(UNARY_RANGES))
def test_unary_float32_matches_torch_and_integers_give_float32(torch, name):
    low, high = UNARY_RANGES[name]
    x = _grid(max(low, -80.0), min(high, 80.0), 801).astype(np.float32)
    fn = getattr(ac.special, name)
    got = fn(ac.tensor(x)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x).double()).numpy()
    if name == "ndtr":  # (torch's float64 ndtr: see test_ndtr_keeps_the_lower_tail…)
        want = torch.special.log_ndtr(torch.tensor(x).double()).exp().numpy()
    assert got.dtype == np.float32
    finite = (np.abs(want) < 3e38) & (np.abs(want) > 1e-30)  # (float32's range)
    # float32 arithmetic on ill-conditioned points: x/√2 rounded in the far tails of ndtr
    # and log_ndtr (condition ~x²), logit near 1, sin near its zeros (absolute)
    rtol = {"ndtr": 2e-5, "log_ndtr": 2e-5, "logit": 1e-4}.get(name, 3e-6)
    atol = 1e-6 if name in ("sinc", "spherical_bessel_j0") else 1e-37
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=atol)
    ints = torch.tensor([0, 1, 2, 3])
    if name in ("ndtri", "logit", "erfinv"):
        ints = torch.tensor([0, 1])
    want_int = getattr(torch.special, name)(ints)
    got_int = fn(ac.tensor(ints.numpy()))
    assert got_int.dtype == np.float32 and want_int.dtype == torch.float32
    np.testing.assert_allclose(got_int.numpy(), want_int.numpy(), rtol=1e-6)


EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-310, 30.0, -30.0, 1e300, -1e300, INF, -INF, NAN]


@pytest.mark.parametrize(
    "name", ["erfcx", "ndtr", "log_ndtr", "ndtri", "entr", "i0e", "i1e", "spherical_bessel_j0"]
)
def test_edge_values_match_torch(torch, name):
    edges = [e for e in EDGES if e != -30.0] if name == "ndtr" else EDGES  # (torch's 0 there)
    got = getattr(ac.special, name)(ac.tensor(edges, dtype=ac.float64)).numpy()
    want = getattr(torch.special, name)(torch.tensor(edges, dtype=torch.float64)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0, equal_nan=True)


def test_i1_at_infinity_is_the_limit_where_torch_gives_nan(torch):
    # a deliberate difference, as ac.i0: I₁(±inf) = ±inf
    assert ac.special.i1(ac.tensor([INF, -INF])).tolist() == [INF, -INF]
    assert torch.special.i1(torch.tensor([INF])).isnan().all()


def test_xlog1py_matches_torch_with_broadcasting_scalars_and_zeros(torch, rng):
    x = rng.uniform(-3, 3, (3, 1))
    y = rng.uniform(-0.99, 5, (1, 4))
    got = ac.special.xlog1py(ac.tensor(x), ac.tensor(y)).numpy()
    want = torch.special.xlog1py(torch.tensor(x), torch.tensor(y)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-14)
    xs = [0.0, 0.0, 0.0, 2.0, 2.0, 1.0]
    ys = [-1.0, NAN, INF, -1.0, -2.0, 0.0]
    got = ac.special.xlog1py(ac.tensor(xs), ac.tensor(ys)).numpy()
    want = torch.special.xlog1py(torch.tensor(xs), torch.tensor(ys)).numpy()
    np.testing.assert_array_equal(got, want)
    assert ac.special.xlog1py(2, ac.tensor([1.0], dtype=ac.float64)).dtype == np.float64
    assert ac.special.xlog1py(ac.tensor([1, 2]), 3).dtype == np.float32
    assert ac.special.xlogy(ac.tensor([1, 2]), ac.tensor([3, 4])).dtype == np.float32


def _torch_grad(torch, name, x):
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(getattr(torch.special, name)(t).sum(), t)
    return g.numpy()


def _our_grad(name, x):
    t = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    (g,) = ac.grad(getattr(ac.special, name)(t).sum(), t)
    return g.numpy()


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("erfcx", -20.0, 100.0),
        ("ndtr", -30.0, 8.0),
        ("log_ndtr", -200.0, 30.0),
        ("ndtri", 1e-12, 1 - 1e-12),
        ("entr", 1e-8, 30.0),
        ("i0e", -100.0, 100.0),
        ("i1", -100.0, 100.0),
        ("i1e", -100.0, 100.0),
    ],
)
def test_gradients_match_torch(torch, name, low, high):
    x = np.linspace(low, high, 501)
    np.testing.assert_allclose(
        _our_grad(name, x), _torch_grad(torch, name, x), rtol=1e-10, atol=1e-300
    )


def test_gradients_at_the_special_points(torch):
    assert _our_grad("i0e", [0.0]).tolist() == _torch_grad(torch, "i0e", [0.0]).tolist() == [0.0]
    assert _our_grad("i1e", [0.0]).tolist() == [0.5] == _torch_grad(torch, "i1e", [0.0]).tolist()
    # xlog1py: 0 wrt x where x = 0 and y ≤ −1 (torch's mask), x / (1 + y) wrt y
    x = ac.tensor([0.0, 0.0, 2.0], dtype=ac.float64, requires_grad=True)
    y = ac.tensor([-1.0, 1.0, 3.0], dtype=ac.float64, requires_grad=True)
    gx, gy = ac.grad(ac.special.xlog1py(x, y).sum(), (x, y))
    tx = torch.tensor([0.0, 0.0, 2.0], dtype=torch.float64, requires_grad=True)
    ty = torch.tensor([-1.0, 1.0, 3.0], dtype=torch.float64, requires_grad=True)
    want = torch.autograd.grad(torch.special.xlog1py(tx, ty).sum(), (tx, ty))
    np.testing.assert_allclose(gx.numpy(), want[0].numpy(), rtol=1e-15)
    np.testing.assert_allclose(gy.numpy(), want[1].numpy(), rtol=1e-15)


def test_closed_forms_and_inverses(rng):
    p = np.concatenate([10.0 ** rng.uniform(-300, -1, 50), rng.uniform(0, 1, 50)])
    back = ac.special.ndtr(ac.special.ndtri(ac.tensor(p, dtype=ac.float64))).numpy()
    # (Φ's condition number x² ≈ 1500 at p = 1e-300: a rounding of x costs 2e-13 there)
    np.testing.assert_allclose(back, p, rtol=5e-13)
    x = rng.uniform(-5, 5, 50)
    t = ac.tensor(x, dtype=ac.float64)
    want = np.exp(x * x) * ac.erfc(t).numpy()
    np.testing.assert_allclose(ac.special.erfcx(t).numpy(), want, rtol=1e-13)
    lower = ac.tensor(-np.abs(x), dtype=ac.float64)  # (where Φ ≤ ½, so ln Φ keeps its digits)
    np.testing.assert_allclose(
        ac.special.log_ndtr(lower).numpy(), np.log(ac.special.ndtr(lower).numpy()), rtol=1e-14
    )
    np.testing.assert_allclose(ac.special.spherical_bessel_j0(t).numpy(), np.sin(x) / x)
    np.testing.assert_allclose(ac.special.i0e(t).numpy(), np.exp(-np.abs(x)) * np.i0(x), rtol=1e-14)
    # far tails: ln Φ(x) ≈ −x²/2 − ln(−x √(2π)), erfcx(x) ≈ 1/(x√π)
    far = np.array([-1e5, -1e8])
    got = ac.special.log_ndtr(ac.tensor(far, dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got, -far * far / 2 - np.log(-far * math.sqrt(2 * math.pi)))
    big = np.array([1e8, 1e200])
    got = ac.special.erfcx(ac.tensor(big, dtype=ac.float64)).numpy()
    np.testing.assert_allclose(got, 1 / (big * math.sqrt(math.pi)), rtol=1e-15)


COMPOSITES = [
    ("entr", lambda x: ac.special.entr(x), (0.1, 3.0)),
    ("ndtr", lambda x: ac.special.ndtr(x), (-4.0, 4.0)),
    ("log_ndtr", lambda x: ac.special.log_ndtr(x), (-6.0, 4.0)),
    ("spherical_bessel_j0", lambda x: ac.special.spherical_bessel_j0(x), (0.2, 9.0)),
    ("softmax_dtype", lambda x: ac.special.softmax(x, 0, dtype=ac.float64), (-2.0, 2.0)),
    ("log_softmax", lambda x: ac.special.log_softmax(x, -1), (-2.0, 2.0)),
]


@pytest.mark.parametrize(("name", "fn", "domain"), COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_composites_pass_gradcheck_of_order_one_and_two(rng, name, fn, domain):
    x = rng.uniform(*domain, (7,))
    if name == "log_ndtr":  # both branches, and the switch point −1 not within eps
        x[:3] = [-5.5, -1.5, -0.5]
    t = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    assert ac.gradcheck(fn, (t,))
    assert ac.gradgradcheck(fn, (t,))


def test_special_softmax_casts_to_dtype_first(torch):
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]], np.float32)
    got = ac.special.softmax(ac.tensor(x), 1, dtype=ac.float64)
    want = torch.special.softmax(torch.tensor(x), 1, dtype=torch.float64)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-15)
    got = ac.special.log_softmax(ac.tensor(x), 0)
    np.testing.assert_allclose(
        got.numpy(), torch.special.log_softmax(torch.tensor(x), 0).numpy(), rtol=1e-6
    )


def test_aliases_are_the_package_functions():
    assert ac.special.expit is ac.sigmoid and ac.special.gammaln is ac.lgamma
    assert ac.special.psi is ac.digamma and ac.special.multigammaln is ac.mvlgamma
    assert ac.special.erf is ac.erf and ac.special.logsumexp is ac.logsumexp


ON_DEVICE = [
    "erfcx",
    "ndtri",
    "i0e",
    "i1",
    "i1e",
    "entr",
    "ndtr",
    "log_ndtr",
    "spherical_bessel_j0",
]


@pytest.mark.parametrize("name", ON_DEVICE)
def test_cupy_path_on_the_stand_in_matches_the_host(fake_cuda, name):
    x = np.linspace(0.01, 0.99, 9) if name == "ndtri" else np.linspace(-40.0, 40.0, 9)
    fn = getattr(ac.special, name)
    host = ac.tensor(x, dtype=ac.float64, requires_grad=True)
    dev = ac.tensor(x, dtype=ac.float64, device="cuda", requires_grad=True)
    out = fn(dev)
    assert isinstance(out.data, fake_cuda.ndarray)
    (g_dev,) = ac.grad(out.sum(), dev)
    (g_host,) = ac.grad(fn(host).sum(), host)
    np.testing.assert_allclose(out.cpu().numpy(), fn(host).numpy(), rtol=1e-15)
    np.testing.assert_allclose(g_dev.cpu().numpy(), g_host.numpy(), rtol=1e-15)


def test_xlog1py_on_the_stand_in(fake_cuda):
    x = ac.tensor([0.0, 2.0], dtype=ac.float64, device="cuda")
    y = ac.tensor([-1.0, 3.0], dtype=ac.float64, device="cuda")
    out = ac.special.xlog1py(x, y)
    assert isinstance(out.data, fake_cuda.ndarray)
    assert out.cpu().tolist() == [0.0, 2.0 * math.log(4.0)]
