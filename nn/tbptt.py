"""Back-propagation through time, seen and truncated: the gradient reaching every step of a
sequence (``hidden_grad_norms``), and training a recurrent model on a long sequence in chunks of
k steps, carrying the hidden state forward but cutting the gradient at every chunk boundary.

Full BPTT (``loss.backward()`` over the whole sequence) is exact but its cost and memory grow
with the sequence; truncating every k steps bounds both, at the price of gradients that see at
most k steps back (Williams & Peng 1990; the stateful character-level language model is the
usual case). The state is ``detach``-ed after each chunk and returned, so the next batch of a
stream continues from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import autograd_core as ac
from autograd_core.tensor import Tensor
from nn.module import Module
from nn.utils.clip_grad import clip_grad_norm_

__all__ = ["detach_state", "truncated_bptt", "hidden_grad_norms"]


def detach_state(state: Any) -> Any:
    """The same nesting of tuples/lists with every Tensor detached (None stays None).

    Example:
        >>> import autograd_core as ac
        >>> from nn.tbptt import detach_state
        >>> h = ac.ones(2, requires_grad=True) * 2
        >>> [t.requires_grad for t in detach_state((h, [h]))[1]]
        [False]
    """
    if isinstance(state, Tensor):
        return state.detach()
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    return state


def truncated_bptt(
    model: Module,
    loss_fn: Callable[[Any, Any], Tensor],
    optimizer: Any,
    x: Tensor,
    y: Any,
    k: int,
    *,
    state: Any = None,
    time_dim: int = 0,
    clip_grad_norm: float | None = None,
) -> tuple[float, Any]:
    r"""One pass of truncated BPTT over a batch of long sequences.

    .. code-block:: text

        for each chunk (x_c, y_c) of k steps along time_dim:
            optimizer.zero_grad()
            out, state = model(x_c, state)
            loss = loss_fn(out, y_c); loss.backward()
            clip_grad_norm_(model.parameters(), clip_grad_norm)   (if given)
            optimizer.step()
            state = detach_state(state)         # the gradient stops here, the values go on

    Args:
        model: called as ``model(x_chunk, state) -> (output, new_state)`` (state None at the
            start of a stream).
        loss_fn: ``loss_fn(output, y_chunk) -> scalar Tensor``.
        optimizer: steps once per chunk.
        x, y: inputs and targets with time along ``time_dim`` (targets chunked the same way).
        k: the truncation length (the last chunk may be shorter).
        state: the state carried from the previous batch of the stream.
        time_dim: the time axis of x and y (0 for time-major, 1 for batch_first).
        clip_grad_norm: clip the gradients' joint 2-norm to this before each step.

    Returns:
        (the loss averaged over steps, the detached final state to pass to the next call).

    Raises:
        ValueError: k < 1.

    Example:
        >>> import autograd_core as ac, nn, optim
        >>> class Model(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.rnn, self.out = nn.GRU(1, 8), nn.Linear(8, 1)
        ...     def forward(self, x, h):
        ...         y, h = self.rnn(x, h)
        ...         return self.out(y), h
        >>> model = Model()
        >>> opt = optim.Adam(model.parameters(), lr=1e-2)
        >>> x = ac.ones(100, 4, 1)
        >>> loss, h = truncated_bptt(model, nn.MSELoss(), opt, x, x * 0.5, k=20)
        >>> h.shape, h.requires_grad
        ((1, 4, 8), False)
    """
    if int(k) < 1:
        raise ValueError(f"truncated_bptt: k must be at least 1; got {k!r}. Pass a chunk length.")
    T = x.shape[time_dim]
    total = 0.0
    lead = (slice(None),) * time_dim
    for start in range(0, T, int(k)):
        window = lead + (slice(start, min(start + int(k), T)),)
        optimizer.zero_grad()
        out, state = model(x[window], state)
        loss = loss_fn(out, y[window])
        loss.backward()
        if clip_grad_norm is not None:
            clip_grad_norm_(model.parameters(), clip_grad_norm)
        optimizer.step()
        state = detach_state(state)
        total += float(loss.item()) * (min(start + int(k), T) - start)
    return total / max(T, 1), state


def hidden_grad_norms(
    cell: Module, x: Tensor, loss_fn: Callable[[Tensor], Tensor] | None = None
) -> list[float]:
    """‖∂L/∂h(t)‖ for t = 1 … T: run ``cell`` (an RNNCell, GRUCell or LSTMCell) over x of shape
    (T, B, input_size) from a zero state, take L = ``loss_fn(h(T))`` (default: the sum of h(T)),
    and return the norm of the gradient of L with respect to every hidden state h(t). The
    vanishing or exploding gradient of BPTT is the shape of this curve (notebook
    ``rnn_gradients_through_time``).

    Example:
        >>> import autograd_core as ac, nn
        >>> cell = nn.RNNCell(2, 8, generator=ac.Generator(0))
        >>> norms = hidden_grad_norms(cell, ac.ones(30, 1, 2))
        >>> len(norms), norms[0] < norms[-1]
        (30, True)
    """
    h = ac.zeros(x.shape[1], cell.hidden_size, dtype=x.dtype)
    c, states = h, []
    lstm = cell.gates == 4
    for x_t in x.unbind(0):
        if lstm:
            h, c = cell(x_t, (h, c))
        else:
            h = cell(x_t, h)
        states.append(h)
    loss = states[-1].sum() if loss_fn is None else loss_fn(states[-1])
    return [float((g * g).sum().item()) ** 0.5 for g in ac.grad(loss, states)]
