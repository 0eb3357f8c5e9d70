"""The seeds' other recurrent designs as small modules: an output-to-hidden recurrence trained
with teacher forcing or scheduled sampling, and a vector-to-sequence generator (Goodfellow,
Bengio & Courville, *Deep Learning*, §10.2.1 and §10.2.4); the leaky
units and the echo-state network (``nn/leaky_echo.py``) are re-exported here.
"""

from __future__ import annotations

from typing import Any

import autograd_core as ac
from autograd_core.errors import ShapeError
from autograd_core.random import Generator
from autograd_core.tensor import Tensor
from nn.layers import Linear
from nn.leaky_echo import EchoStateNetwork, LeakyRNNCell
from nn.module import Module
from nn.rnn_cells import GRUCell, LSTMCell, RNNCell

__all__ = ["LeakyRNNCell", "OutputRecurrentRNN", "VectorToSequence", "EchoStateNetwork"]

_CELLS = {"rnn": RNNCell, "gru": GRUCell, "lstm": LSTMCell}


def _check_size(api: str, label: str, n: Any, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{api}: {label} must be an int ≥ {minimum}; got {n!r}. Pass e.g. 8.")
    return n


def _check_probability(api: str, p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(
            f"{api}: teacher_forcing is the probability of feeding the true previous output and "
            f"must lie in [0, 1]; got {p!r}. Use 1.0 for teacher forcing, 0.0 to run free."
        )
    return float(p)


class OutputRecurrentRNN(Module):
    r"""A recurrence through the output: a(t) = b + W o(t−1) + U x(t), h(t) = tanh a(t),
    o(t) = c + V h(t) (*Deep Learning* §10.2.1, the network of its Fig. 10.4).

    The only memory is the previous output o(t−1). Given the targets y, **teacher forcing**
    feeds the true y(t−1) in its place: the steps no longer depend on each other, so training
    needs no BPTT and runs all steps at once. At test time the model must consume its own
    outputs (**free running**), which it never saw in training; **scheduled sampling**
    (Bengio et al. 2015) feeds, row by row and step by step, the true y(t−1) with probability
    ``teacher_forcing`` and the model's own o(t−1) otherwise, so that training sees both.

    With ``cell="rnn" | "gru" | "lstm"`` the hidden state also recurs: h(t) = cell([x(t),
    o(t−1)], h(t−1)), the output still fed back as an input (the generator of §10.2.1 that has
    both connections; its hidden-to-hidden part is trained by BPTT).

    Args:
        input_size: features of x(t); 0 for a generator driven by its own outputs only.
        hidden_size, output_size: sizes of h(t) and o(t).
        cell: None for the seeds' output-only recurrence, or the hidden cell's kind.
        generator: draws the initial weights.

    Shape:
        x (T, B, input_size) or None when input_size is 0; targets (T, B, output_size);
        output (T, B, output_size). o(0) before the first step is ``o0`` (B, output_size), zeros
        by default.

    Attributes:
        hidden (``cell=None``): Linear(input_size + output_size → H), weight [U W], bias b.
        cell (otherwise): the RNNCell/GRUCell/LSTMCell over [x(t), o(t−1)].
        out: Linear(H → output_size), weight V, bias c. All with PyTorch's default init.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> model = nn.OutputRecurrentRNN(2, 8, 1)
        >>> x, y = ac.zeros(5, 3, 2), ac.zeros(5, 3, 1)
        >>> model(x, y).shape, model(x).shape  # teacher forced, free running
        ((5, 3, 1), (5, 3, 1))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        cell: str | None = None,
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        api = "OutputRecurrentRNN"
        self.input_size = _check_size(api, "input_size", input_size, minimum=0)
        self.hidden_size = _check_size(api, "hidden_size", hidden_size)
        self.output_size = _check_size(api, "output_size", output_size)
        if cell is not None and cell not in _CELLS:
            raise ValueError(
                f"{api}: cell must be None, 'rnn', 'gru' or 'lstm'; got {cell!r}. "
                "Use None for the output-only recurrence of the seeds."
            )
        self.cell_kind = cell
        n_in, kw = input_size + output_size, {"device": device, "dtype": dtype}
        if cell is None:
            self.hidden = Linear(n_in, hidden_size, generator=generator, **kw)
        else:
            self.cell = _CELLS[cell](n_in, hidden_size, generator=generator, **kw)
        self.out = Linear(hidden_size, output_size, generator=generator, **kw)

    def forward(
        self,
        x: Any = None,
        targets: Any = None,
        teacher_forcing: float = 1.0,
        generator: Generator | None = None,
        *,
        steps: int | None = None,
        o0: Any = None,
        h0: Any = None,
        prompt: int = 0,
    ) -> Tensor:
        """The outputs o(1..T).

        Args:
            x: the inputs, (T, B, input_size); None when input_size is 0.
            targets: the true outputs y (T, B, output_size); without them the model runs free.
            teacher_forcing: probability of feeding the true y(t−1) instead of o(t−1): 1 is
                teacher forcing, 0 free running, in between scheduled sampling.
            generator: draws the scheduled-sampling coins.
            steps: T when there is neither x nor targets.
            o0: the output before step 1 (B, output_size); zeros by default.
            h0: the initial hidden state of a cell ((h0, c0) for an LSTM); zeros by default.
            prompt: the first ``prompt`` inputs (o0 counting as the first) are always true
                values, even running free: a warm-up that tells the model where it is.

        Raises:
            ValueError: teacher_forcing outside [0, 1], prompt < 0, steps < 1.
            ShapeError: x, targets or o0 of the wrong shape.
        """
        p = _check_probability("OutputRecurrentRNN", teacher_forcing)
        if h0 is not None and self.cell_kind is None:
            raise ValueError(
                "OutputRecurrentRNN: h0 was given but cell=None keeps no hidden state (its "
                "memory is o(t−1)). Pass o0 instead, or build the model with a cell."
            )
        x, targets, steps, batch = self._check_inputs(x, targets, steps, o0, prompt)
        ref = self.out.weight
        if o0 is None:
            o0 = ac.zeros(batch, self.output_size, dtype=ref.dtype, device=ref.device)
        o0 = self._check_o0(ac.as_tensor(o0), batch)
        if targets is not None and self.cell_kind is None and (p == 1.0 or prompt >= steps):
            return self._teacher_forced(x, targets, o0)
        if targets is None or (p == 0.0 and prompt <= 1):
            targets = None  # running free: no coins to draw
        xs = [None] * steps if x is None else list(x.unbind(0))
        state, prev, outputs = h0, o0, []
        for t in range(steps):
            o, state = self._step(xs[t], prev, state)
            outputs.append(o)
            if targets is None or t + 1 == steps:
                prev = o
            elif t + 1 < prompt:
                prev = targets[t]
            else:
                prev = _mix(targets[t], o, p, generator)
        return ac.stack(outputs, 0)

    def _step(self, x_t: Tensor | None, prev: Tensor, state: Any) -> tuple[Tensor, Any]:
        z = prev if x_t is None else ac.cat([x_t, prev], dim=-1)
        if self.cell_kind is None:
            return self.out(ac.tanh(self.hidden(z))), None
        state = self.cell(z, state)
        h = state[0] if self.cell_kind == "lstm" else state
        return self.out(h), state

    def _teacher_forced(self, x: Tensor | None, targets: Tensor, o0: Tensor) -> Tensor:
        """All steps in one pass: with y(t−1) known, h(t) depends on no other step."""
        prev = ac.cat([o0.reshape(1, *o0.shape), targets[:-1]], 0)
        z = prev if x is None else ac.cat([x, prev], dim=-1)
        return self.out(ac.tanh(self.hidden(z)))

    def _check_inputs(
        self, x: Any, targets: Any, steps: int | None, o0: Any, prompt: int
    ) -> tuple[Tensor | None, Tensor | None, int, int]:
        api = "OutputRecurrentRNN"
        _check_size(api, "prompt", prompt, minimum=0)
        if x is None and self.input_size > 0:
            raise ShapeError(
                f"{api}: x is required for input_size={self.input_size}; got None. "
                "Pass x of shape (T, B, input_size)."
            )
        if x is not None:
            x = ac.as_tensor(x)
            if x.ndim != 3 or x.shape[-1] != self.input_size:
                raise ShapeError(
                    f"{api}: x must have shape (T, B, {self.input_size}); got "
                    f"{tuple(x.shape)}. Put time first, then batch, then features."
                )
        if targets is not None:
            targets = ac.as_tensor(targets)
            want = (x.shape[0], x.shape[1]) if x is not None else tuple(targets.shape[:2])
            if targets.ndim != 3 or tuple(targets.shape) != (*want, self.output_size):
                raise ShapeError(
                    f"{api}: targets must have shape (T, B, {self.output_size}) matching x's "
                    f"(T, B) = {want}; got {tuple(targets.shape)}. One target per step and row."
                )
        known = x if x is not None else targets
        if known is not None:
            if steps is not None and steps != known.shape[0]:
                raise ShapeError(
                    f"{api}: steps={steps} but x or targets have {known.shape[0]} steps "
                    f"(shape {tuple(known.shape)}). Pass steps=None or matching tensors."
                )
            steps, batch = known.shape[0], known.shape[1]
        else:
            if steps is None:
                raise ValueError(
                    f"{api}: without x or targets the number of steps is unknown. Pass steps=T."
                )
            batch = 1 if o0 is None else ac.as_tensor(o0).shape[0]
        return x, targets, _check_size(api, "steps", steps), batch

    def _check_o0(self, o0: Tensor, batch: int) -> Tensor:
        if tuple(o0.shape) != (batch, self.output_size):
            raise ShapeError(
                f"OutputRecurrentRNN: o0 must have shape ({batch}, {self.output_size}); got "
                f"{tuple(o0.shape)}. Give one previous output per row."
            )
        return o0

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, {self.output_size}, cell={self.cell_kind}"


def _mix(true: Tensor, own: Tensor, p: float, generator: Generator | None) -> Tensor:
    """Row by row, the true value with probability p, else the model's own."""
    if p == 1.0:
        return true
    coin = ac.rand(own.shape[0], 1, generator=generator, dtype=own.dtype, device=own.device)
    return ac.where(coin < p, true, own)


class VectorToSequence(Module):
    r"""A generator conditioned on one fixed-size vector x (*Deep Learning* §10.2.4): the
    seeds' three ways of feeding x to an RNN that emits o(1..T), each o(t) fed back as the next
    input (teacher forcing and scheduled sampling as in ``OutputRecurrentRNN``).

    - ``condition="state"``: x sets the initial state, h(0) = tanh(W x + b);
    - ``condition="input"``: x is an extra input at every step, h(t) = cell([x, o(t−1)], h(t−1));
    - ``condition="both"``.

    Args:
        vector_size, hidden_size, output_size: sizes of x, h(t) and o(t).
        cell: ``"gru"``, ``"lstm"`` (c(0) = 0) or ``"rnn"``.
        condition: ``"state"``, ``"input"`` or ``"both"``.

    Shape:
        x (B, vector_size) → output (steps, B, output_size); targets like the output.

    Attributes:
        init_state: Linear(vector_size → H), W and b (``state``/``both``).
        rnn: the ``OutputRecurrentRNN`` (with ``cell``) that generates the sequence.

    Example:
        >>> import autograd_core as ac
        >>> import nn
        >>> nn.VectorToSequence(4, 16, 1)(ac.ones(2, 4), steps=6).shape
        (6, 2, 1)
    """

    def __init__(
        self,
        vector_size: int,
        hidden_size: int,
        output_size: int,
        cell: str = "gru",
        condition: str = "state",
        device: Any = None,
        dtype: Any = None,
        generator: Generator | None = None,
    ) -> None:
        super().__init__()
        api = "VectorToSequence"
        self.vector_size = _check_size(api, "vector_size", vector_size)
        if condition not in ("state", "input", "both"):
            raise ValueError(
                f"{api}: condition must be 'state', 'input' or 'both'; got {condition!r}. "
                "Use 'state' to set the initial state from the vector."
            )
        if cell not in _CELLS:
            raise ValueError(f"{api}: cell must be 'rnn', 'gru' or 'lstm'; got {cell!r}.")
        self.condition = condition
        kw = {"device": device, "dtype": dtype, "generator": generator}
        n_in = vector_size if condition in ("input", "both") else 0
        self.rnn = OutputRecurrentRNN(n_in, hidden_size, output_size, cell=cell, **kw)
        if condition in ("state", "both"):
            self.init_state = Linear(vector_size, hidden_size, **kw)

    def forward(
        self,
        x: Any,
        steps: int,
        targets: Any = None,
        teacher_forcing: float = 1.0,
        generator: Generator | None = None,
    ) -> Tensor:
        """The sequence o(1..steps) generated from x; with targets, trained by teacher forcing
        (probability ``teacher_forcing`` of feeding the true y(t−1)).

        Raises:
            ShapeError: x not (B, vector_size); ValueError: steps < 1.
        """
        api = "VectorToSequence"
        x = ac.as_tensor(x)
        if x.ndim != 2 or x.shape[1] != self.vector_size:
            raise ShapeError(
                f"{api}: x must have shape (B, {self.vector_size}); got {tuple(x.shape)}. "
                "Pass one conditioning vector per row."
            )
        steps = _check_size(api, "steps", steps)
        want = (steps, x.shape[0], self.rnn.output_size)
        if targets is not None and tuple(ac.as_tensor(targets).shape) != want:
            raise ShapeError(
                f"{api}: targets must have shape (steps, B, output_size) = {want}; got "
                f"{tuple(ac.as_tensor(targets).shape)}. One target per step and row."
            )
        h0 = None
        if self.condition in ("state", "both"):
            h0 = ac.tanh(self.init_state(x))
            if self.rnn.cell_kind == "lstm":
                h0 = (h0, ac.zeros(*h0.shape, dtype=h0.dtype, device=h0.device))
        inputs = None
        if self.condition in ("input", "both"):
            inputs = ac.broadcast_to(x.reshape(1, *x.shape), steps, *x.shape)
        ref = self.rnn.out.weight
        o0 = ac.zeros(x.shape[0], self.rnn.output_size, dtype=ref.dtype, device=ref.device)
        return self.rnn(inputs, targets, teacher_forcing, generator, steps=steps, o0=o0, h0=h0)

    def extra_repr(self) -> str:
        return f"{self.vector_size}, condition={self.condition!r}"
