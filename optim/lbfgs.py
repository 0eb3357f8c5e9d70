"""L-BFGS: a quasi-Newton method that re-evaluates the loss through a closure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd_core.device import get_array_module
from autograd_core.grad_mode import enable_grad
from autograd_core.version import mark_written
from optim._validation import check_hyper
from optim.line_search import flat_dot, strong_wolfe
from optim.optimizer import Optimizer, ParamsT

__all__ = ["LBFGS", "lbfgs_direction"]


def lbfgs_direction(
    grad: Any, old_dirs: list[Any], old_stps: list[Any], ro: list[float], h_diag: float, al: list
) -> Any:
    """Return d = −H g, H the L-BFGS inverse-Hessian estimate (the two-loop recursion).

    Nocedal & Wright, *Numerical Optimization* (2nd ed.), Algorithm 7.4, with H₀ = h_diag · I.

    Args:
        grad: flat gradient g.
        old_dirs: gradient differences y_i, oldest first.
        old_stps: step differences s_i, oldest first.
        ro: 1 / (y_i · s_i).
        h_diag: scale of the initial inverse Hessian, y·s / y·y of the newest pair.
        al: scratch list of length ≥ len(old_dirs), receives the α_i of the first loop.

    Example:
        >>> import numpy as np
        >>> y, s = [np.array([4.0])], [np.array([1.0])]
        >>> lbfgs_direction(np.array([2.0]), y, s, ro=[0.25], h_diag=0.25, al=[None])
        array([-0.5])
    """
    q = -grad
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = flat_dot(old_stps[i], q) * ro[i]
        q -= al[i] * old_dirs[i]
    r = q * h_diag
    for i in range(len(old_dirs)):
        be_i = flat_dot(old_dirs[i], r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r


class LBFGS(Optimizer):
    """L-BFGS with an optional strong-Wolfe line search; one ``step(closure)`` runs many iterations.

    Each iteration moves all parameters (seen as one flat vector θ) along d = −H g, where the
    inverse-Hessian estimate H is built from the last ``history_size`` pairs (s, y) of steps and
    gradient changes (pairs with y·s ≤ 1e-10 are skipped). The step length is ``lr`` (on the
    very first iteration min(1, 1/‖g‖₁)·lr), or, with ``line_search_fn="strong_wolfe"``, the
    one found by :func:`optim.line_search.strong_wolfe` starting from that value.

    ``step`` stops after ``max_iter`` iterations or ``max_eval`` closure calls, or when
    max|g| ≤ ``tolerance_grad``, g·d > −``tolerance_change``, max|t d| ≤ ``tolerance_change``
    or the loss changes by less than ``tolerance_change``. The curvature pairs, the direction
    and the step are kept in the state of the first parameter, so the next ``step`` continues
    where this one stopped.

    Semantics are PyTorch's ``torch.optim.LBFGS`` (same defaults, stopping tests, line search
    and state keys ``func_evals, n_iter, d, t, old_dirs, old_stps, ro, H_diag,
    prev_flat_grad, prev_loss, al``), so trajectories agree to rounding. Parameters without a
    gradient count as zero gradient. The closure is called with gradient recording enabled
    and must clear the gradients, compute the loss, call ``backward()`` and return the loss.

    Paper: Liu & Nocedal, `On the limited memory BFGS method for large scale optimization
    <https://doi.org/10.1007/BF01589116>`_ (1989).

    Args:
        params: iterable of Tensors (a single parameter group).
        lr: step length (default: 1).
        max_iter: most iterations per ``step`` (default: 20).
        max_eval: most closure calls per ``step`` (default: ``max_iter * 5 // 4``).
        tolerance_grad: stop when max|g| is at most this (default: 1e-7).
        tolerance_change: stop when the step or the loss change is below this (default: 1e-9).
        history_size: number of (s, y) pairs kept (default: 100).
        line_search_fn: None or ``"strong_wolfe"`` (default: None).

    Raises:
        ValueError: ``lr`` is negative, or ``params`` holds several parameter groups.
        RuntimeError: ``line_search_fn`` is neither None nor ``"strong_wolfe"`` (at ``step``).

    Example:
        >>> import autograd_core as ac
        >>> import optim
        >>> w = ac.tensor([3.0, -1.0], dtype=ac.float64, requires_grad=True)
        >>> opt = optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - 1.0) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = opt.step(closure)
        >>> w.data.round(6).tolist()
        [1.0, 1.0]
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_hyper("lr", lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add the single parameter group; a second one raises ValueError.

        PyTorch raises this error only from the constructor (a group added later makes
        ``step`` fail); here adding a second group fails at once, with the same message.
        """
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    # ------------------------------------------------------------------ flat views of params
    def _gather_flat_grad(self) -> Any:
        xp = get_array_module(self._params[0].data)
        return xp.concatenate(
            [
                xp.zeros(p.data.size, p.data.dtype) if p.grad is None else p.grad.data.reshape(-1)
                for p in self._params
            ]
        )

    def _add_grad(self, step_size: float, update: Any) -> None:
        offset = 0
        for p in self._params:
            n = p.data.size
            p.data += step_size * update[offset : offset + n].reshape(p.data.shape)
            mark_written(p.data)
            offset += n

    def _set_param(self, values: list[Any]) -> None:
        for p, v in zip(self._params, values, strict=True):
            p.data[...] = v
            mark_written(p.data)

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float, Any]:
        with enable_grad():
            loss = closure()
        return loss, float(loss), self._gather_flat_grad()

    def _directional_evaluate(
        self, closure: Callable[[], Any], x: list[Any], t: float, d: Any
    ) -> tuple[float, Any]:
        """Loss and flat gradient at θ + t d; θ is then restored to ``x``."""
        self._add_grad(t, d)
        _, loss, flat_grad = self._evaluate(closure)
        self._set_param(x)
        return loss, flat_grad

    # ------------------------------------------------------------------ the iterations
    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; return the closure's first loss.

        Args:
            closure: clears the gradients, computes the loss, calls ``backward()`` and
                returns the loss (required: L-BFGS evaluates the loss several times).
        """
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        # All state is global; it lives with the first parameter (so load_state_dict casts it).
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss, loss, flat_grad = self._evaluate(closure)
        if flat_grad.size == 0:  # PyTorch fails here too (its max of an empty tensor)
            raise ValueError(
                "LBFGS.step: the parameters hold no elements (every one has size 0), so there "
                "is no gradient to take a step along. Pass parameters with elements."
            )
        current_evals = 1
        state["func_evals"] += 1
        if _max_abs(flat_grad) <= tolerance_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = flat_dot(y, s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / flat_dot(y, y)
                al = state.setdefault("al", [None] * history_size)
                d = lbfgs_direction(flat_grad, old_dirs, old_stps, ro, h_diag, al)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss

            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(abs(flat_grad).sum().item())) * lr
            else:
                t = lr
            gtd = flat_dot(flat_grad, d)
            if gtd > -tolerance_change:  # not a descent direction (to tolerance)
                break

            evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.data.copy() for p in self._params]

                def obj_func(x: list[Any], t: float, d: Any) -> tuple[float, Any]:
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, evals = strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                self._add_grad(t, d)
                opt_cond = _max_abs(flat_grad) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:  # the last iteration's loss is left for the next step
                    _, loss, flat_grad = self._evaluate(closure)
                    opt_cond = _max_abs(flat_grad) <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if _max_abs(d) * abs(t) <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break

        state.update(
            d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
            prev_flat_grad=prev_flat_grad, prev_loss=prev_loss,
        )  # fmt: skip
        return orig_loss


def _max_abs(a: Any) -> float:
    return float(abs(a).max().item())
