"""L-BFGS against torch.optim.LBFGS (float64, same starting point, several ``step`` calls), with
and without the strong-Wolfe line search, on Rosenbrock's function and a small MLP regression;
its stopping rules, errors and state_dict; the line search's cubic interpolation."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_core as ac
import optim
from autograd_core.device import to_device
from optim.lbfgs import lbfgs_direction
from optim.line_search import cubic_interpolate

TOL = 1e-10


def rosenbrock(x: np.ndarray) -> tuple[float, np.ndarray]:
    """Rosenbrock's function Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)² and its gradient, in NumPy."""
    r = x[1:] - x[:-1] ** 2
    f = float(((1 - x[:-1]) ** 2).sum() + 100 * (r**2).sum())
    g = np.zeros_like(x)
    g[:-1] += -2 * (1 - x[:-1]) - 400 * x[:-1] * r
    g[1:] += 200 * r
    return f, g


def _ours_rosenbrock(x0: np.ndarray, **kwargs: Any) -> tuple[optim.LBFGS, ac.Tensor, Callable]:
    x = ac.tensor(x0, dtype=ac.float64, requires_grad=True)
    opt = optim.LBFGS([x], **kwargs)

    def closure() -> ac.Tensor:
        f, g = rosenbrock(x.data.copy())
        x.grad = ac.tensor(g, dtype=ac.float64)
        return ac.tensor(f, dtype=ac.float64)

    return opt, x, closure


def _torch_rosenbrock(torch: Any, x0: np.ndarray, **kwargs: Any) -> tuple[Any, Any, Callable]:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([x], **kwargs)

    def closure() -> Any:
        f, g = rosenbrock(x.detach().numpy().copy())
        x.grad = torch.from_numpy(g)
        return torch.tensor(f, dtype=torch.float64)

    return opt, x, closure


ROSENBROCK_CASES = [
    pytest.param([-1.2, 1.0], {"line_search_fn": "strong_wolfe"}, id="wolfe-default"),
    pytest.param([-1.2, 1.0], {"line_search_fn": "strong_wolfe", "max_iter": 5}, id="wolfe-iter5"),
    pytest.param(
        [0.5, 0.5, 0.5],
        {"line_search_fn": "strong_wolfe", "max_iter": 4, "history_size": 2},
        id="wolfe-history2",
    ),
    pytest.param([-1.2, 1.0], {"lr": 0.1, "max_iter": 10}, id="fixed-lr0.1"),
    pytest.param(
        [-1.5, 2.0, -0.5, 1.2], {"lr": 0.1, "max_iter": 10, "history_size": 5}, id="fixed-4d"
    ),
    pytest.param([-1.2, 1.0], {"lr": 0.05, "max_iter": 20, "max_eval": 7}, id="fixed-max_eval"),
    pytest.param(
        [-1.2, 1.0],
        {"line_search_fn": "strong_wolfe", "tolerance_change": 1e-3, "tolerance_grad": 1e-2},
        id="wolfe-tolerances",
    ),
]


@pytest.mark.parametrize("x0, kwargs", ROSENBROCK_CASES)
def test_rosenbrock_matches_torch(x0: list[float], kwargs: dict[str, Any]) -> None:
    torch = pytest.importorskip("torch")
    opt, x, closure = _ours_rosenbrock(np.array(x0), **kwargs)
    opt_t, x_t, closure_t = _torch_rosenbrock(torch, np.array(x0), **kwargs)
    for k in range(5):
        loss, loss_t = opt.step(closure), opt_t.step(closure_t)
        assert float(loss) == pytest.approx(float(loss_t), rel=TOL, abs=TOL)
        np.testing.assert_allclose(x.data, x_t.detach().numpy(), rtol=0, atol=TOL, err_msg=f"{k}")
        ours, theirs = opt.state[x], opt_t.state[x_t]
        assert (ours["func_evals"], ours["n_iter"]) == (theirs["func_evals"], theirs["n_iter"])
        assert len(ours["old_dirs"]) == len(theirs["old_dirs"])
        assert float(ours["t"]) == pytest.approx(float(theirs["t"]), rel=1e-8)


def test_rosenbrock_converges_to_the_minimum() -> None:
    opt, x, closure = _ours_rosenbrock(np.array([-1.2, 1.0]), line_search_fn="strong_wolfe")
    for _ in range(3):
        opt.step(closure)
    assert rosenbrock(x.data)[0] < 1e-9
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-4)


def _mlp_data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 3))
    y = np.sin(x @ np.array([[1.0], [-2.0], [0.5]])) + 0.1 * rng.standard_normal((16, 1))
    return {
        "x": x,
        "y": y,
        "W1": 0.5 * rng.standard_normal((3, 5)),
        "b1": 0.1 * rng.standard_normal(5),
        "W2": 0.5 * rng.standard_normal((5, 1)),
        "b2": np.zeros(1),
    }


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_mlp_regression_matches_torch(line_search_fn: str | None) -> None:
    """The same tanh MLP in both engines, each with its own backward."""
    torch = pytest.importorskip("torch")
    data = _mlp_data()
    names = ("W1", "b1", "W2", "b2")
    ours = [ac.tensor(data[n], dtype=ac.float64, requires_grad=True) for n in names]
    theirs = [torch.tensor(data[n], dtype=torch.float64, requires_grad=True) for n in names]
    kwargs = {"lr": 0.5 if line_search_fn is None else 1.0, "max_iter": 8, "history_size": 4}
    opt = optim.LBFGS(ours, line_search_fn=line_search_fn, **kwargs)
    opt_t = torch.optim.LBFGS(theirs, line_search_fn=line_search_fn, **kwargs)
    x, y = ac.tensor(data["x"], dtype=ac.float64), ac.tensor(data["y"], dtype=ac.float64)
    x_t, y_t = torch.from_numpy(data["x"]), torch.from_numpy(data["y"])

    def closure() -> ac.Tensor:
        opt.zero_grad()
        w1, b1, w2, b2 = ours
        loss = ((ac.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2).mean()
        loss.backward()
        return loss

    def closure_t() -> Any:
        opt_t.zero_grad()
        w1, b1, w2, b2 = theirs
        loss = ((torch.tanh(x_t @ w1 + b1) @ w2 + b2 - y_t) ** 2).mean()
        loss.backward()
        return loss

    first = float(closure().item())
    for _ in range(4):
        opt.step(closure)
        opt_t.step(closure_t)
        for p, p_t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=0, atol=TOL)
        assert opt.state[ours[0]]["func_evals"] == opt_t.state[theirs[0]]["func_evals"]
    assert float(closure().item()) < 0.5 * first


def test_two_loop_recursion_equals_the_bfgs_inverse_hessian() -> None:
    """With m pairs, −H g from the two loops equals the BFGS update of H₀ = γI applied m times."""
    rng = np.random.default_rng(0)
    n, m = 4, 3
    a = rng.standard_normal((n, n))
    hess = a @ a.T + n * np.eye(n)
    steps = [rng.standard_normal(n) for _ in range(m)]
    grads = [hess @ s for s in steps]  # y = A s for a quadratic
    gamma = steps[-1] @ grads[-1] / (grads[-1] @ grads[-1])
    h = gamma * np.eye(n)
    for s, y in zip(steps, grads, strict=True):
        rho = 1.0 / (y @ s)
        v = np.eye(n) - rho * np.outer(y, s)
        h = v.T @ h @ v + rho * np.outer(s, s)
    g = rng.standard_normal(n)
    ro = [1.0 / (y @ s) for s, y in zip(steps, grads, strict=True)]
    d = lbfgs_direction(g, grads, steps, ro, gamma, [None] * m)
    np.testing.assert_allclose(d, -h @ g, rtol=1e-12)


def test_cubic_interpolate_minimises_a_cubic() -> None:
    def f(x: float) -> float:
        return x**3 - 3 * x  # local minimum at x = 1

    def df(x: float) -> float:
        return 3 * x**2 - 3

    assert cubic_interpolate(0.0, f(0.0), df(0.0), 2.0, f(2.0), df(2.0)) == pytest.approx(1.0)
    assert cubic_interpolate(2.0, f(2.0), df(2.0), 0.0, f(0.0), df(0.0)) == pytest.approx(1.0)
    # clamped to the bounds, and the midpoint when no real minimiser exists
    assert cubic_interpolate(0.0, f(0.0), df(0.0), 2.0, f(2.0), df(2.0), (1.5, 3.0)) == 1.5
    assert cubic_interpolate(0.0, 0.0, 1.0, 1.0, 2.0 / 3.0, 1.0, (2.0, 4.0)) == 3.0


def test_stops_when_the_gradient_is_small() -> None:
    opt, x, closure = _ours_rosenbrock(np.array([1.0, 1.0]))
    assert float(opt.step(closure)) == 0.0
    assert opt.state[x]["func_evals"] == 1 and opt.state[x]["n_iter"] == 0
    np.testing.assert_array_equal(x.data, [1.0, 1.0])


def test_max_eval_defaults_to_five_quarters_of_max_iter() -> None:
    opt, _, _ = _ours_rosenbrock(np.zeros(2), max_iter=9)
    assert opt.param_groups[0]["max_eval"] == 11


def test_state_dict_resume_is_bit_exact() -> None:
    kwargs = {"line_search_fn": "strong_wolfe", "max_iter": 6, "max_eval": 20, "history_size": 2}
    opt, x, closure = _ours_rosenbrock(np.array([-1.2, 1.0]), **kwargs)
    opt.step(closure)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    snapshot = x.data.copy()
    assert set(saved["state"][0]) >= {"d", "t", "old_dirs", "old_stps", "ro", "H_diag", "n_iter"}
    opt.step(closure)
    straight = x.data.copy()
    assert len(saved["state"][0]["old_dirs"]) == 2  # a snapshot: later steps did not append

    opt2, x2, closure2 = _ours_rosenbrock(snapshot, **kwargs)
    opt2.load_state_dict(saved)
    opt2.step(closure2)
    np.testing.assert_array_equal(x2.data, straight)


def test_errors() -> None:
    w = ac.tensor([1.0], requires_grad=True)
    b = ac.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.LBFGS([w], lr=-1)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [w]}, {"params": [b]}])
    opt = optim.LBFGS([w])
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        opt.add_param_group({"params": [b]})
    with pytest.raises(TypeError):
        opt.step()  # type: ignore[call-arg]

    def closure() -> ac.Tensor:
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    bad = optim.LBFGS([w], line_search_fn="backtracking")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        bad.step(closure)


def test_errors_match_torch() -> None:
    torch = pytest.importorskip("torch")
    w, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        torch.optim.LBFGS([w], lr=-1)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        torch.optim.LBFGS([{"params": [w]}, {"params": [b]}])


def test_parameters_without_elements_are_refused() -> None:
    # found by the optimizer fuzz: NumPy's "zero-size array to reduction operation maximum"
    # came out of our max |g|; PyTorch raises a RuntimeError from its max at the same place
    p = ac.zeros(0, requires_grad=True)
    opt = optim.LBFGS([p])

    def closure() -> ac.Tensor:
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with pytest.raises(ValueError, match="LBFGS.step: the parameters hold no elements"):
        opt.step(closure)
    torch = pytest.importorskip("torch")
    tp = torch.zeros(0, requires_grad=True)
    topt = torch.optim.LBFGS([tp])

    def tclosure():  # noqa: ANN202
        topt.zero_grad()
        loss = (tp * tp).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError):
        topt.step(tclosure)


def test_parameter_without_gradient_counts_as_zero() -> None:
    w = ac.tensor([2.0], dtype=ac.float64, requires_grad=True)
    unused = ac.tensor([5.0], dtype=ac.float64, requires_grad=True)
    opt = optim.LBFGS([w, unused], line_search_fn="strong_wolfe")

    def closure() -> ac.Tensor:
        opt.zero_grad()
        loss = ((w - 1.0) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert math.isclose(float(w.data[0]), 1.0, abs_tol=1e-7)
    assert float(unused.data[0]) == 5.0


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_same_steps_on_every_device(device: str, line_search_fn: str | None) -> None:
    """The MLP regression on ``device`` gives the CPU's parameters (flat arrays stay there)."""
    data = _mlp_data()
    names = ("W1", "b1", "W2", "b2")

    def fit(dev: str) -> list[np.ndarray]:
        params = [
            ac.tensor(data[n], dtype=ac.float64, device=dev, requires_grad=True) for n in names
        ]
        x = ac.tensor(data["x"], dtype=ac.float64, device=dev)
        y = ac.tensor(data["y"], dtype=ac.float64, device=dev)
        opt = optim.LBFGS(params, line_search_fn=line_search_fn, lr=0.5, max_iter=5)

        def closure() -> ac.Tensor:
            opt.zero_grad()
            w1, b1, w2, b2 = params
            loss = ((ac.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2).mean()
            loss.backward()
            return loss

        for _ in range(2):
            opt.step(closure)
        return [to_device(p.data, "cpu") for p in params]

    for got, want in zip(fit(device), fit("cpu"), strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
