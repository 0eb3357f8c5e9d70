"""Leaky units and an echo-state network, the seeds' answers to long-term dependencies that need
no gates (Goodfellow, Bengio & Courville, *Deep Learning* §10.9.2 and §10.8): a cell whose
units keep part of their past, and a fixed random reservoir whose read-out alone is fitted."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.ops.recurrent_cells import rnn_cell
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn import functional as F
from nn import init
from nn.layers import Linear
from nn.module import Module, Parameter
from nn.rnn_cells import RNNCellBase

__all__ = ["LeakyRNNCell", "EchoStateNetwork"]


def _check(api: str, label: str, ok: bool, value: Any, fix: str) -> None:
    if not ok:
        raise ValueError(f"{api}: {label}; got {value!r}. {fix}")


class LeakyRNNCell(RNNCellBase):
    r"""h' = α ⊙ h + (1 − α) ⊙ tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh): a tanh RNN cell of leaky
    units (*Deep Learning* §10.9.2).

    A unit with α near 1 keeps most of its previous value at every step, so it remembers (and
    passes gradients back) over about 1/(1 − α) steps; α = 0 is ``nn.RNNCell``. The update is
    built from ordinary ops, so it is differentiable twice.

    Args:
        input_size, hidden_size: feature sizes of x and h.
        alpha: the leak α, a float in [0, 1).
        bias: learn b_ih and b_hh.
        learn_alpha: learn one α per unit, as α = σ(alpha_logit), starting from ``alpha``
            (then 0 < alpha < 1).

    Shape:
        x (B, input_size) or (input_size,), h (B, H) or (H,) or None (zeros) → h' like h.

    Attributes:
        weight_ih (H, input_size), weight_hh (H, H), bias_ih, bias_hh (H,): U(−1/√H, 1/√H), as
        in ``nn.RNNCell`` (the same generator gives the same weights). alpha_logit (H,), only
        with ``learn_alpha``: log(α / (1 − α)).

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> cell = nn.LeakyRNNCell(3, 4, alpha=0.9)
        >>> cell(ac.ones(2, 3)).shape
        (2, 4)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        alpha: float,
        bias: bool = True,
        learn_alpha: bool = False,
        **kwargs: Any,
    ) -> None:
        number = isinstance(alpha, (int, float)) and not isinstance(alpha, bool)
        if not number or not (0 < alpha < 1 if learn_alpha else 0 <= alpha < 1):
            interval = "(0, 1) with learn_alpha=True" if learn_alpha else "[0, 1)"
            raise ValueError(
                f"LeakyRNNCell: alpha must be a float in {interval}; got {alpha!r}. "
                "Use e.g. alpha=0.9 for units that remember about 10 steps."
            )
        self.alpha, self.learn_alpha = float(alpha), bool(learn_alpha)
        super().__init__(input_size, hidden_size, bias, **kwargs)
        if learn_alpha:
            w = self.weight_hh
            self.alpha_logit = Parameter(ac.zeros(hidden_size, dtype=w.dtype, device=w.device))
            self._reset_alpha()

    def reset_parameters(self, generator: Generator | None = None) -> None:
        """Draw the weights from U(−1/√H, 1/√H) and set α back to ``alpha``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for name, p in self.named_parameters():
            if name != "alpha_logit":
                init.uniform_(p, -bound, bound, generator)
        if "alpha_logit" in self._parameters:
            self._reset_alpha()

    def _reset_alpha(self) -> None:
        with ac.no_grad():
            self.alpha_logit.data[...] = math.log(self.alpha / (1.0 - self.alpha))

    def leak(self) -> Tensor | float:
        """α: the float ``alpha``, or σ(alpha_logit) (H,) when it is learned."""
        return ac.sigmoid(self.alpha_logit) if self.learn_alpha else self.alpha

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        x, single = self._inputs(x, hx)
        h = self._state(hx, x, single)
        new = rnn_cell(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)
        alpha = self.leak()
        h = alpha * h + (1 - alpha) * new
        return h.reshape(-1) if single else h

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, alpha={self.alpha}, learn_alpha={self.learn_alpha}"


class EchoStateNetwork(Module):
    r"""h(t) = λ h(t−1) + (1 − λ) tanh(W_in x(t) + W h(t−1)), ŷ(t) = W_out h(t) + c: a reservoir
    computer (Jaeger 2001; *Deep Learning* §10.8, with the leaky units of §10.9.2).

    W is a fixed random matrix scaled so that its spectral radius, max |eig(W)|, is exactly
    ``spectral_radius``: below 1 the state "echoes" recent inputs and forgets old ones instead
    of blowing up. W and W_in are never trained (buffers, not Parameters) and the states are
    computed on arrays, without a graph. Only the read-out is learned, by ``fit`` in closed form
    (ridge regression, no BPTT at all); it is an ``nn.Linear`` (``self.readout``), so gradient
    descent on ``forward``'s output trains it too.

    Args:
        input_size, reservoir_size, output_size: sizes of x(t), h(t) and ŷ(t).
        spectral_radius: ρ(W) > 0.
        leak: λ in [0, 1); 0 is the plain tanh reservoir, larger values echo longer.
        input_scale: W_in is drawn from U(−input_scale, input_scale).
        density: fraction of nonzero entries of W, in (0, 1] (sparse reservoirs are usual).
        seed: seeds the reservoir, W_in and the read-out's initial weights.

    Shape:
        inputs (T, B, input_size) or (T, input_size) → states (T, B, N) or (T, N), outputs
        (T, B, output_size) or (T, output_size).

    Attributes:
        weight_res (N, N): W, entries U(−1, 1) (those kept with probability ``density``),
        scaled to ρ(W) = spectral_radius. weight_in (N, input_size): W_in.
        readout: Linear(N → output_size).

    Example:
        >>> import numpy as np
        >>> import nn
        >>> esn = nn.EchoStateNetwork(1, 50, 1, seed=0)
        >>> u = np.sin(0.2 * np.arange(201)).reshape(-1, 1)
        >>> mse = ((esn.fit(u[:-1], u[1:], washout=20)(u[:-1]).numpy() - u[1:])[20:] ** 2).mean()
        >>> bool(mse < 1e-4)
        True
    """

    def __init__(
        self,
        input_size: int,
        reservoir_size: int,
        output_size: int,
        spectral_radius: float = 0.9,
        leak: float = 0.0,
        input_scale: float = 1.0,
        density: float = 1.0,
        seed: int | None = None,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        api = "EchoStateNetwork"
        for label, n in (
            ("input_size", input_size),
            ("reservoir_size", reservoir_size),
            ("output_size", output_size),
        ):
            ok = not isinstance(n, bool) and isinstance(n, int) and n >= 1
            _check(api, f"{label} must be a positive int", ok, n, "Pass e.g. 100.")
        real = (int, float, np.floating, np.integer)
        _check(
            api,
            "spectral_radius must be a number > 0",
            isinstance(spectral_radius, real) and spectral_radius > 0,
            spectral_radius,
            "Use a value a little below 1, e.g. 0.9.",
        )
        _check(
            api,
            "leak must be a number in [0, 1)",
            isinstance(leak, real) and 0 <= leak < 1,
            leak,
            "Use 0 for no leak, e.g. 0.5 for a longer echo.",
        )
        _check(
            api,
            "input_scale must be a number > 0",
            isinstance(input_scale, real) and input_scale > 0,
            input_scale,
            "Use e.g. 1.0.",
        )
        _check(
            api,
            "density must be a number in (0, 1]",
            isinstance(density, real) and 0 < density <= 1,
            density,
            "Use 1.0 for a dense reservoir, e.g. 0.1 for a sparse one.",
        )
        self.input_size, self.reservoir_size, self.output_size = (
            input_size,
            reservoir_size,
            output_size,
        )
        self.spectral_radius, self.leak = float(spectral_radius), float(leak)
        self.input_scale, self.density = float(input_scale), float(density)
        rng = np.random.default_rng(seed)
        w = rng.uniform(-1.0, 1.0, (reservoir_size, reservoir_size))
        if density < 1:
            w *= rng.random(w.shape) < density
        rho = np.abs(np.linalg.eigvals(w)).max()
        if not rho > 1e-12:
            raise ValueError(
                f"{api}: the random reservoir has spectral radius {rho:.1e} and cannot be "
                f"scaled (reservoir_size={reservoir_size}, density={density}). Raise density "
                "or reservoir_size, or change seed."
            )
        w_in = rng.uniform(-input_scale, input_scale, (reservoir_size, input_size))
        kw = {"dtype": ac.get_default_dtype() if dtype is None else dtype, "device": device}
        self.register_buffer("weight_res", ac.tensor(w * (spectral_radius / rho), **kw))
        self.register_buffer("weight_in", ac.tensor(w_in, **kw))
        seed_out = None if seed is None else int(rng.integers(2**62))
        self.readout = Linear(reservoir_size, output_size, generator=Generator(seed_out), **kw)

    def reservoir_states(self, inputs: Any, h0: Any = None) -> Tensor:
        """h(1..T) for the inputs, computed on arrays (no graph, ``requires_grad=False``).

        ``h0`` is the state before the first step (zeros by default): pass the last state of
        one call to continue a sequence in the next.
        """
        u, single = self._sequence(inputs, "reservoir_states")
        w, w_in = self.weight_res.data, self.weight_in.data
        xp, (steps, batch) = self.weight_res.xp, u.shape[:2]
        h = xp.zeros((batch, self.reservoir_size), dtype=w.dtype)
        if h0 is not None:
            h0 = ac.as_tensor(h0, dtype=w.dtype, device=self.weight_res.device)
            if tuple(h0.shape) not in ((batch, self.reservoir_size), (self.reservoir_size,)):
                raise ShapeError(
                    f"EchoStateNetwork: h0 must have shape ({batch}, {self.reservoir_size}); "
                    f"got {tuple(h0.shape)}. Pass the last row of a previous call's states."
                )
            h = h + h0.data
        drive = u @ w_in.T  # every step's input term in one GEMM
        w_t = xp.ascontiguousarray(w.T)
        states = xp.empty((steps, batch, self.reservoir_size), dtype=w.dtype)
        for t in range(steps):
            new = xp.tanh(drive[t] + h @ w_t)
            h = new if self.leak == 0 else self.leak * h + (1 - self.leak) * new
            states[t] = h
        return Tensor(states[:, 0] if single else states)

    def fit(
        self, inputs: Any, targets: Any, ridge: float = 1e-4, washout: int = 0
    ) -> EchoStateNetwork:
        r"""Set the read-out by ridge regression on the states and return self.

        With S the states after the first ``washout`` steps (the reservoir's memory of its zero
        start), one row per step and sequence, X = [S 1] and Y the matching targets, it solves
        (XᵀX + ridge·D) [W_outᵀ; cᵀ] = XᵀY with D = diag(1, …, 1, 0): the weights are
        penalised, the bias c is not. Solved in float64.

        Raises:
            ValueError: ridge < 0, washout outside [0, T).
            ShapeError: targets not shaped like the outputs.
        """
        api = "EchoStateNetwork.fit"
        _check(api, "ridge must be a number ≥ 0", ridge >= 0, ridge, "Use e.g. 1e-4.")
        states = self.reservoir_states(inputs)
        steps = states.shape[0]
        ok = isinstance(washout, int) and 0 <= washout < steps
        _check(api, f"washout must be an int in [0, {steps})", ok, washout, "Use e.g. 50.")
        y = ac.as_tensor(targets, device=self.weight_res.device)
        if tuple(y.shape) != (*states.shape[:-1], self.output_size):
            raise ShapeError(
                f"{api}: targets must have shape {(*states.shape[:-1], self.output_size)} to "
                f"match inputs of {steps} steps; got {tuple(y.shape)}. Give one target per step."
            )
        xp, n = self.weight_res.xp, self.reservoir_size
        s = states.data[washout:].reshape(-1, n).astype(xp.float64)
        x = xp.concatenate([s, xp.ones((s.shape[0], 1))], axis=1)
        y64 = y.data[washout:].reshape(-1, self.output_size).astype(xp.float64)
        penalty = xp.full(n + 1, float(ridge))
        penalty[n] = 0.0
        solution = xp.linalg.solve(x.T @ x + xp.diag(penalty), x.T @ y64)
        dtype = self.readout.weight.dtype
        with ac.no_grad():
            self.readout.weight.data[...] = solution[:n].T.astype(dtype)
            self.readout.bias.data[...] = solution[n].astype(dtype)
        return self

    def forward(self, inputs: Any, h0: Any = None) -> Tensor:
        """ŷ(1..T) = readout(h(1..T)); the graph starts at the read-out."""
        return self.readout(self.reservoir_states(inputs, h0))

    def _sequence(self, inputs: Any, api: str) -> tuple[Any, bool]:
        w = self.weight_res
        x = ac.as_tensor(inputs, dtype=w.dtype, device=w.device)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ShapeError(
                f"EchoStateNetwork.{api}: inputs must have shape (T, B, {self.input_size}) or "
                f"(T, {self.input_size}); got {tuple(x.shape)}. Put time first."
            )
        return (x.data[:, None] if x.ndim == 2 else x.data), x.ndim == 2

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.reservoir_size}, {self.output_size}, "
            f"spectral_radius={self.spectral_radius}, leak={self.leak}, density={self.density}"
        )
