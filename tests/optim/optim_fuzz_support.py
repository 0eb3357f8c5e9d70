"""Shared by the differential fuzz tests of the optimizers (test_optim_fuzz.py,
test_optim_fuzz_lbfgs.py): random constructor options for every optimizer, a random problem
(parameters of random shapes, 0-d and size-0 included, and gradients that are sometimes None,
zero or zero in places), both libraries run side by side in float64, and the comparison of
parameters and per-parameter state after a step.

The gradient of a parameter at a step is ``noise + c·θ`` with ``θ`` each library's own current
value, so that in a free-running comparison a difference in one step also changes the gradients
of the next ones. The re-synced comparison (``resync`` after each ``compare_twins``) starts
every step from torch's exact values instead.

State formats. A torch state value is a tensor; ours is an array of the parameter's shape, or a
Python number for the scalars (``step``, ASGD's ``eta`` and ``mu``, NAdam's ``mu_product``),
which torch keeps as 0-d tensors. ``to_ours``/``to_torch`` convert a state dict across on that
rule and nothing else; everything else (keys, group layout, parameter indices) must match as is.

Import it as the other helpers in tests/ are imported: ``from optim_fuzz_support import ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_core as ac

RTOL = 1e-12
# torch's add_(…, alpha=…) and addcmul_ are fused multiply-adds on CPU, ours two roundings; where
# an update nearly cancels θ (or a moment), the result keeps an absolute error of about an ulp of
# the terms, which are at most ~100 here (|θ| ≲ 10, |g| ≲ 100): a few 1e-15, far below 1e-12 of
# any element that is not itself the result of such a cancellation.
ATOL = 1e-14
# Without re-sync, the differences of the steps add up: after k steps, compare to k·1e-14
# relative and k·ATOL absolute. Measured over 1750 fresh free-running draws of all eleven
# optimizers: at most 4.1e-16 times k relative (about 2 ulp a step), but for one draw with
# β₂ ≈ 0, which WELL_CONDITIONED leaves out; a systematic 1e-13 a step in ours exceeds the
# bound tenfold (test_optim_fuzz.py::test_free_running_fuzz_catches_a_small_bias).
FREE_RTOL_PER_STEP = 1e-14
SCALAR_STATE = ("step", "eta", "mu", "mu_product")
SHAPES = [(), (0,), (1,), (3,), (2, 3), (1, 4, 2), (2, 0, 3)]

unit = st.floats(0.0, 1.0, allow_nan=False)


def _beta(high: float) -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from([0.0, 0.5, 0.9, high]), st.floats(0.0, high))


betas = st.tuples(_beta(0.99), _beta(0.999))
lrs = st.one_of(st.sampled_from([0.0, 1e-3, 0.1]), st.floats(1e-4, 0.5))
epss = st.sampled_from([1e-10, 1e-8, 1e-6, 1e-3, 0.1])
decays = st.one_of(st.just(0.0), st.floats(0.0, 0.5))
flags = st.booleans()


@st.composite
def sgd_options(draw: Any) -> dict[str, Any]:
    momentum = draw(st.one_of(st.just(0.0), st.floats(0.0, 0.99)))
    dampening = draw(st.one_of(st.just(0.0), unit))
    nesterov = momentum > 0 and dampening == 0 and draw(flags)
    return {
        "lr": draw(lrs),
        "momentum": momentum,
        "dampening": dampening,
        "weight_decay": draw(decays),
        "nesterov": nesterov,
        "maximize": draw(flags),
    }


def _adam_like(**extra: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"lr": lrs, "betas": betas, "eps": epss, "weight_decay": decays, "maximize": flags, **extra}
    )


@st.composite
def rprop_options(draw: Any) -> dict[str, Any]:
    low = draw(st.one_of(st.just(0.0), st.floats(0.0, 1e-2)))
    high = draw(st.one_of(st.just(50.0), st.floats(1e-3, 1.0)))
    return {
        "lr": draw(lrs),
        "etas": (draw(st.floats(0.05, 0.95)), draw(st.floats(1.05, 2.0))),
        "step_sizes": (low, high),
        "maximize": draw(flags),
    }


@st.composite
def rmsprop_options(draw: Any) -> dict[str, Any]:
    centered = draw(flags)
    # Centered: torch computes v − ḡ² by addcmul, a fused multiply-add, so where v ≈ ḡ² its
    # result is the rounding error of v (NaN at α = 0, where the exact variance of one sample is
    # 0; ours gives 0). With α ≥ 0.5 the cancellation costs at most a factor 1/α. Ours at α = 0:
    # test_optim_fuzz_errors.py::test_centered_rmsprop_alpha_zero_closed_form.
    alpha = draw(st.floats(0.5, 0.999) if centered else _beta(0.999))
    return {
        "lr": draw(lrs),
        "alpha": alpha,
        "eps": draw(epss),
        "weight_decay": draw(decays),
        "momentum": draw(st.one_of(st.just(0.0), st.floats(0.0, 0.99))),
        "centered": centered,
        "maximize": draw(flags),
    }


# Every constructor option of every optimizer but LBFGS (test_optim_fuzz_lbfgs.py); foreach,
# fused, capturable and differentiable are torch's execution choices and not ours.
OPTIONS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "SGD": sgd_options(),
    "Adam": _adam_like(amsgrad=flags, decoupled_weight_decay=flags),
    "AdamW": _adam_like(amsgrad=flags),
    "Adamax": _adam_like(),
    "NAdam": _adam_like(
        momentum_decay=st.one_of(st.just(4e-3), st.floats(0.0, 0.5)), decoupled_weight_decay=flags
    ),
    "RAdam": _adam_like(decoupled_weight_decay=flags),
    "Adagrad": st.fixed_dictionaries(
        {
            "lr": lrs,
            "lr_decay": decays,
            "weight_decay": decays,
            "initial_accumulator_value": st.one_of(st.just(0.0), st.floats(0.0, 1.0)),
            "eps": epss,
            "maximize": flags,
        }
    ),
    "Adadelta": st.fixed_dictionaries(
        {
            "lr": st.one_of(lrs, st.floats(0.5, 2.0)),
            "rho": _beta(1.0),
            "eps": epss,
            "weight_decay": decays,
            "maximize": flags,
        }
    ),
    "RMSprop": rmsprop_options(),
    "Rprop": rprop_options(),
    "ASGD": st.fixed_dictionaries(
        {
            "lr": lrs,
            "lambd": st.one_of(st.just(1e-4), unit),
            "alpha": st.one_of(st.just(0.75), unit),
            "t0": st.one_of(st.just(1e6), st.floats(0.0, 12.0), st.integers(0, 12)),
            "weight_decay": decays,
            "maximize": flags,
        }
    ),
}


def _memory_at_least_half(options: dict[str, Any]) -> dict[str, Any]:
    options = dict(options)
    if "lr" in options:
        options["lr"] = min(options["lr"], 0.5)
    if "betas" in options:
        options["betas"] = (options["betas"][0], max(options["betas"][1], 0.5))
    for key in ("alpha", "rho"):
        if key in options:
            options[key] = max(options[key], 0.5)
    return options


# The draws of the free-running comparison (test_optim_fuzz.py, without re-sync): the weight of
# the past in the second moment (β₂; RMSprop's α; Adadelta's ρ) at least 0.5. With it near 0
# the moment is g² of the last gradient alone, and a gradient that cancels (noise + c·θ ≈ 0)
# carries a 1e-16 difference of θ from earlier steps into v and the step's denominator as a
# relative difference of 1e-16 times the cancellation, which no later step averages away.
# Measured on fresh draws: Adam, β₂ = 2e-231, ε = 1e-6: v 7e-14 relative at step 12, 1.5e-13
# at step 13; RMSprop, α = 0.0028, momentum 0.6, ε = 1e-6: the momentum buffer 3.7e-13 at step
# 5 (six times k·1e-14). And lr at most 0.5 (Adadelta's draws go to 2): terms of 100 and more
# leave differences above ATOL in each step (see assert_step_close), which add up where θ later
# cancels (explore run: Adadelta, lr 1.6875, ρ = 1: 2.9e-14 absolute at θ = −0.0585, step 7).
# The re-synced comparison keeps every draw.
WELL_CONDITIONED: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    name: (
        strategy.map(_memory_at_least_half)
        if name in ("Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adadelta")
        else strategy
    )
    for name, strategy in OPTIONS.items()
}


def overrides(
    draw: Any, name: str, strategies: dict[str, st.SearchStrategy[dict[str, Any]]] = OPTIONS
) -> dict[str, Any]:
    """A random subset of a fresh draw of ``name``'s options (from ``strategies``): one group's
    own settings."""
    options = draw(strategies[name])
    if name == "Adagrad":
        # torch fills every accumulator with the constructor's value whatever the group says;
        # ours reads the group's (a difference documented in optim/adagrad.py).
        del options["initial_accumulator_value"]
    keys = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=len(options)))
    if name == "RMSprop":
        keys = sorted({*keys, "alpha", "centered"})  # together, as rmsprop_options draws them
    return {k: options[k] for k in keys}


@dataclass
class Twin:
    """The same parameter in both libraries, and what its gradients are made of."""

    ours: ac.Tensor
    theirs: Any
    seed: int
    pull: float  # c in noise + c·θ


# c, the pull of θ in a gradient, is kept off the weight-decay range [0, 0.5] (``decays``).
# Under maximize the effective gradient is −noise − c·θ + λ·θ; with λ a hair below c and the
# noise zero there (a "sparse" gradient), that is a cancellation whose exact value, (λ − c)·θ,
# is below one ulp of c·θ, and the two libraries round it differently: torch's
# ``grad.add(param, alpha=λ)`` is fused on CPU and exact, ours rounds λ·θ first. Found by the
# explore run (Adam, c = 0.5, λ = 0.49999999999999994, θ = 0.6257, β = (0, 0), ε = 1e-10):
# exact g = −3.47e-17, ours −5.55e-17 (one ulp of λ·θ ≈ 0.31 is 5.6e-17); the step
# γ·g/(|g| + ε) multiplies that 2e-17 by γ/ε = 5e9 and θ differed by 1.04e-7. Rprop would step
# by the sign of either rounding error. That is the conditioning of a cancelled gradient, not a
# bug of either library, so c = 0.75 (|λ − c| ≥ 0.25 costs at most two bits) replaces 0.5.
PULLS = [0.0, 0.75, 2.0]


def make_twins(torch: Any, draw: Any, count: int) -> list[Twin]:
    twins = []
    for _ in range(count):
        shape = draw(st.sampled_from(SHAPES))
        seed = draw(st.integers(0, 2**32 - 1))
        value = np.random.default_rng(seed).standard_normal(shape)
        twins.append(
            Twin(
                ac.tensor(value, dtype=ac.float64, requires_grad=True),
                torch.tensor(value, dtype=torch.float64, requires_grad=True),
                seed,
                draw(st.sampled_from(PULLS)),
            )
        )
    return twins


def set_grads(torch: Any, twins: list[Twin], step: int, kinds: list[str]) -> None:
    """Give every twin its gradient of this step: "none" (skipped by step), "zero" (all
    zeros), "sparse" (noise zeroed at random places) or "dense"."""
    for twin, kind in zip(twins, kinds, strict=True):
        if kind == "none":
            twin.ours.grad, twin.theirs.grad = None, None
            continue
        # (not [seed, step]: a seed sequence ignores trailing zeros, so step 0 drew the
        # parameter's own values, and with maximize and weight_decay 1e-3 the 1e-3-scaled
        # noise cancelled exactly: ours 0, torch's fused add an FMA residual of 6e-21 that
        # Adagrad's g / (|g| + eps) made a 3e-11 step, found by an explore run)
        rng = np.random.default_rng([twin.seed, step, 1])
        shape = twin.ours.shape
        noise = rng.standard_normal(shape) * rng.choice([1e-3, 1.0, 30.0])
        if kind == "sparse":
            noise = noise * (rng.random(shape) < 0.5)
        pull = 0.0 if kind == "zero" else twin.pull
        noise = noise * (kind != "zero")
        ours = noise + pull * twin.ours.data
        theirs = noise + pull * twin.theirs.detach().numpy()
        twin.ours.grad = ac.tensor(ours, dtype=ac.float64)
        twin.theirs.grad = torch.tensor(theirs, dtype=torch.float64)


def numpy_state(value: Any) -> Any:
    """A torch or our state value as NumPy (a number stays a number)."""
    if hasattr(value, "detach"):
        return value.detach().numpy()
    if isinstance(value, list):
        return [numpy_state(v) for v in value]
    return value


def assert_close(got: Any, want: Any, what: str, atol: float = 0.0, rtol: float = RTOL) -> None:
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, torch {want.shape}"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)


def snapshot(torch_opt: Any, twins: list[Twin]) -> list[dict[str, Any]]:
    """Copies of torch's parameters (key ``"param"``) and per-parameter state before a step:
    the ``before`` of :func:`compare_twins`."""
    saved = []
    for twin in twins:
        state = torch_opt.state.get(twin.theirs, {})
        values = {k: np.array(numpy_state(v), dtype=np.float64) for k, v in state.items()}
        saved.append({"param": twin.theirs.detach().numpy().copy(), **values})
    return saved


def assert_step_close(got: Any, want: Any, before: Any, what: str) -> None:
    """``got`` matches torch's ``want``, the value ``x + Δ`` one step made from ``x = before``,
    to ``ATOL·max(1, (|x| + |Δ|)/100) + RTOL·|x + Δ|``.

    ATOL is a few ulp of terms up to 100; Adadelta's lr up to 2 and gradients up to ~100 make
    terms of 200 and more, whose last-bit differences (torch's fused ``add_(…, alpha=-lr)``,
    our two roundings) are 1.4e-14 to 2.8e-14 absolute (measured), and where the step cancels
    (x + Δ ≈ 0) that is all that is left of the result. So ATOL grows with the terms of the
    step; where they stay under 100, this is the plain ATOL + RTOL comparison."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, torch {want.shape}"
    old = np.zeros_like(want) if before is None else np.asarray(before, dtype=np.float64)
    terms = np.abs(old) + np.abs(want - old)
    atol = ATOL * np.maximum(1.0, np.nan_to_num(terms, nan=0.0, posinf=0.0) / 100)
    error = np.abs(got - want)
    bad = ~(error <= atol + RTOL * np.abs(want)) & ~(np.isnan(got) & np.isnan(want))
    if bad.any():
        i = np.unravel_index(int(np.argmax(bad)), got.shape)
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {got.size} elements differ; at {i}: ours {got[i]!r}, "
            f"torch {want[i]!r}, before the step {old[i]!r}, error {error[i]:.3g} > "
            f"{atol[i]:.3g} + RTOL·|torch|"
        )


def compare_twins(
    ours_opt: Any,
    torch_opt: Any,
    twins: list[Twin],
    when: str,
    rtol: float = RTOL,
    atol: float = ATOL,
    before: list[dict[str, Any]] | None = None,
) -> None:
    """Every parameter, and every parameter's state (same keys, same values), to ``rtol``
    relative and ``atol`` absolute; with ``before`` (:func:`snapshot` of torch's values before
    this step, which ours equalled: :func:`resync`), by :func:`assert_step_close` instead."""
    for i, twin in enumerate(twins):
        old = before[i] if before is not None else None

        def check(got: Any, want: Any, key: str, what: str, old: Any = old) -> None:
            if old is None:
                assert_close(got, want, what, atol=atol, rtol=rtol)
            else:
                assert_step_close(got, want, old.get(key), what)

        check(twin.ours.data, twin.theirs.detach().numpy(), "param", f"{when}: parameter {i}")
        mine = ours_opt.state.get(twin.ours, {})
        theirs = torch_opt.state.get(twin.theirs, {})
        if not mine and theirs and float(theirs["step"]) == 0:
            # torch's Adagrad makes the state in its constructor, ours on the first step (a
            # difference documented in optim/adagrad.py): a state never stepped is no state.
            continue
        assert set(mine) == set(theirs), f"{when}: state keys of {i}: {set(mine)} {set(theirs)}"
        for key, value in theirs.items():
            check(numpy_state(mine[key]), numpy_state(value), key, f"{when}: {key} of {i}")


def resync(ours_opt: Any, torch_opt: Any, twins: list[Twin]) -> None:
    """Overwrite our parameters and per-parameter state with torch's values, in place (the same
    array and tensor objects, so the optimizer's state keys and any later move keep working).

    Called after each compared step, so that the next step starts both libraries from identical
    inputs: each comparison then measures one step's rounding, which cannot compound over the
    run. Scalar state keeps our type (``step`` stays an int)."""
    for twin in twins:
        twin.ours.data[...] = twin.theirs.detach().numpy()
        mine = ours_opt.state.get(twin.ours, {})
        for key, value in torch_opt.state.get(twin.theirs, {}).items():
            if key not in mine:  # torch's Adagrad state of a parameter never stepped
                continue
            if hasattr(mine[key], "shape"):
                mine[key][...] = numpy_state(value)
            else:
                mine[key] = type(mine[key])(float(value))


def to_ours(state_dict: dict[str, Any]) -> dict[str, Any]:
    """torch's state_dict in our format: tensors as arrays, scalar state as numbers."""

    def convert(key: str, value: Any) -> Any:
        if not hasattr(value, "detach"):
            return value
        array = value.detach().numpy().copy()
        return array.item() if key in SCALAR_STATE else array

    state = {i: {k: convert(k, v) for k, v in s.items()} for i, s in state_dict["state"].items()}
    return {"state": state, "param_groups": state_dict["param_groups"]}


def to_torch(torch: Any, state_dict: dict[str, Any]) -> dict[str, Any]:
    """Our state_dict in torch's format: arrays and scalar state as float64 tensors."""

    def convert(key: str, value: Any) -> Any:
        if hasattr(value, "shape") or key in SCALAR_STATE:
            return torch.tensor(value, dtype=torch.float64)
        return value

    state = {i: {k: convert(k, v) for k, v in s.items()} for i, s in state_dict["state"].items()}
    return {"state": state, "param_groups": state_dict["param_groups"]}
