"""Fused neural-network ops: the affine map of a dense layer and the softmax cross-entropy.

Both could be composed from smaller ops; they are single ops because they are on every training
step's critical path: the fused forms skip intermediate arrays (``x Wᵀ`` gets the bias added in
place; the cross-entropy never materialises ``log p`` for the backward pass) and are numerically
stable by construction (log-sum-exp with the row maximum subtracted).
"""

from __future__ import annotations

from typing import Any

import numpy

from autograd_core.amp import cast_lower
from autograd_core.errors import DTypeError, ShapeError
from autograd_core.op import Op
from autograd_core.ops.common import lift, reads_the_other
from autograd_core.ops.unary import Exp, Log
from autograd_core.registry import register_op
from autograd_core.tensor import Tensor

__all__ = ["linear", "softmax_cross_entropy", "softmax_cross_entropy_index"]


@register_op("linear", array_vjp=True)
class Linear(Op):
    r"""y = x Wᵀ + b, the dense layer: x (…, in), W (out, in), b (out,) or absent.

    VJP: x̄ = ȳ W, W̄ = ȳᵀ x (leading axes of x flattened into the batch), b̄ = Σ_batch ȳ.
    Saves x and W (as the parents). Does not broadcast W or b.
    """

    fresh_grads = True
    reads_inputs = staticmethod(reads_the_other)

    def forward(self, x: Any, w: Any, b: Any = None) -> Any:
        y = x @ w.T
        if b is not None:
            y += b  # y is a fresh array: adding in place saves one (batch, out) temporary
        return y

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        x, w = self.inputs_as(gy)[:2]
        need = self.needs_input_grad
        has_bias = len(need) == 3
        gx = gy @ w if need[0] else None
        gw = gb = None
        if need[1] or (has_bias and need[2]):
            g2 = gy if gy.ndim == 2 else gy.reshape((-1, gy.shape[-1]))
            if need[1]:
                x2 = x if x.ndim == 2 else x.reshape((-1, x.shape[-1]))
                gw = g2.T @ x2
            if has_bias and need[2]:
                gb = g2.sum(axis=0)
        return (gx, gw, gb) if has_bias else (gx, gw)


@register_op("softmax_cross_entropy", array_vjp=True)
class SoftmaxCrossEntropy(Op):
    r"""Per-row cross-entropy of soft targets with the softmax of logits, fused and stable.

    Forward, for logits z (N, C) and target coefficients A (N, C):
    ``ℓᵢ = −Σ_c A_ic log softmax(z)_ic = sᵢ · lseᵢ − Σ_c A_ic z_ic`` with
    ``lseᵢ = mᵢ + log Σ_c exp(z_ic − mᵢ)``, ``mᵢ = max_c z_ic`` and ``sᵢ = Σ_c A_ic``.
    Class-index targets, class weights, label smoothing and ignored rows are all encoded in A
    by ``nn.functional.cross_entropy``.

    VJP: z̄ = ȳ ⊙ (s ⊙ softmax(z) − A), Ā = −ȳ ⊙ log softmax(z) (both per row).
    Saves softmax(z) and the row log-sum-exp lse: a plain backward uses them as they are
    (log softmax(z) = z − lse). A recorded backward (``create_graph=True``) rebuilds softmax
    and log softmax as recorded functions of z (exp of z − lse: no overflow) that keep the saved
    values exactly, so that they are differentiable again and both backwards agree to the last
    bit. No broadcasting: A must have z's shape.
    """

    fresh_grads = True

    def forward(self, z: Any, a: Any) -> Any:
        xp = self.xp
        m = _row_max(xp, z)
        shifted = z - m
        e = xp.exp(shifted)
        se = _row_sum(xp, e)
        log_se = xp.log(se)
        e /= se
        # softmax(z), and lse = m + log se (a column: log softmax is z − lse, rebuilt on demand)
        self.saved = (e, m + log_se)
        # ℓ = s·lse − Σ A z = Σ A (log se − (z − m)); shifted is not needed any more
        return _row_sum(xp, a * xp.subtract(log_se, shifted, out=shifted))[:, 0]

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        z, a = self.inputs_as(gy)
        need_z, need_a = self.needs_input_grad
        p, lse = self.saved
        if isinstance(gy, Tensor):  # recorded: p and log p as functions of z, same values
            p, log_p = _softmax_of(z, p, lse)
        else:
            log_p = z - lse if need_a else None
        g = gy.reshape((-1, 1))
        s = a.sum(axis=1, keepdims=True) if isinstance(a, Tensor) else _row_sum(self.xp, a)
        gz = g * (s * p - a) if need_z else None
        ga = -(g * log_p) if need_a else None
        return gz, ga


@register_op("softmax_cross_entropy_index", array_vjp=True)
class SoftmaxCrossEntropyIndex(Op):
    r"""Per-row cross-entropy of class indices with the softmax of logits, fused and stable:
    the case A = w ⊙ onehot(y) of ``SoftmaxCrossEntropy`` without building A.

    Forward, for logits z (N, C), class indices y (N,) and row weights w (N,):
    ``ℓᵢ = wᵢ (lseᵢ − z_{i,yᵢ}) = wᵢ log Σ_c exp(z_ic − z_{i,yᵢ})``. Shifting each row by its
    target's logit, not its maximum, makes the loss one log of a sum that is at least 1 (the
    target's own term), as accurate as the maximum's shift where the loss is near 0, and
    needs no row maximum (NumPy reduces a short last axis row by row: ~40 µs for bench_rnn's
    1,600 × 32 logits, against a ~5 µs gather). A row whose logits exceed its target's by
    more than ~88 (float32) would overflow: NumPy checks the row sums and then takes the
    maximum, as a GPU always does (where the check would be a sync).

    VJP: z̄ = (ȳ ⊙ w) ⊙ (softmax(z) − onehot(y)) per row; y and w get none (an index has no
    gradient, and ``nn.functional.cross_entropy`` gives class weights none, as PyTorch does).
    Saves softmax(z) and lse, as ``SoftmaxCrossEntropy``, whose recorded backward it shares.
    Two (N, C) passes fewer than the dense form each way: no A and no A ⊙ (…) forward, no
    s ⊙ p − A backward.
    """

    fresh_grads = True

    def forward(self, z: Any, y: Any, w: Any) -> Any:
        xp = self.xp
        picked = z[xp.arange(z.shape[0]), y][:, None]
        shift, se = picked, None
        if xp is numpy:
            with numpy.errstate(over="ignore"):  # an overflow is caught below, not an error
                e = xp.exp(z - shift)
            se = _row_sum(xp, e)
        if se is None or not xp.isfinite(se).all():
            shift = _row_max(xp, z)
            e = xp.exp(z - shift)
            se = _row_sum(xp, e)
        log_se = xp.log(se)
        lse = shift + log_se
        e /= se
        self.saved = (e, lse)
        loss = log_se if shift is picked else lse - picked
        return w * loss[:, 0]

    def vjp(self, gy: Any) -> tuple[Any, ...]:
        z, y, w = self.inputs_as(gy)
        if not self.needs_input_grad[0]:
            return None, None, None
        p, lse = self.saved
        g = (gy * w).reshape((-1, 1))
        rows = self.xp.arange(p.shape[0])
        if isinstance(gy, Tensor):  # recorded: softmax as a function of z, same values
            p, _ = _softmax_of(z, p, lse)
            onehot = self.xp.zeros(p.shape, p.dtype)
            onehot[rows, y.data] = 1
            return g * (p - onehot), None, None
        gz = p.copy()  # p − onehot, then times g: the recorded backward's rounding
        gz[rows, y] -= 1
        gz *= g
        return gz, None, None


def _row_max(xp: Any, z: Any) -> Any:
    """max_c z_ic as an (N, 1) column (0 for C = 0). NumPy reduces a short last axis one row
    at a time; for a few dozen classes the max of the transposed copy along its first axis is
    ~3x faster (bench_rnn's 1,600 × 32 logits: 37 µs instead of 127)."""
    N, C = z.shape
    if C == 0:
        return xp.zeros((N, 1), z.dtype)
    if C <= 64:
        return xp.ascontiguousarray(z.T).max(axis=0)[:, None]
    return z.max(axis=1, keepdims=True)


def _row_sum(xp: Any, x: Any) -> Any:
    """Σ_c x_ic as an (N, 1) column, by a product with a column of ones: BLAS, where NumPy's
    reduction over a short last axis goes row by row (1,600 × 32: 6 µs instead of 29)."""
    return x @ xp.ones((x.shape[1], 1), x.dtype)


def _softmax_of(z: Tensor, p: Any, lse: Any) -> tuple[Tensor, Tensor]:
    """softmax(z) and log softmax(z) along axis 1 as recorded functions of the Tensor ``z``
    whose values are exactly the saved ``p`` and ``z − lse``, so that a recorded backward gives
    the plain one's numbers to the last bit (log p = z − lse cancels where p ≈ 1, and any other
    rounding would show there). ``t − t.detach()`` is exactly 0 and has t's derivatives."""
    log_p = z - lse
    u = Log.call(Exp.call(log_p).sum(axis=1, keepdims=True))  # log Σ softmax(z) ≈ 0
    log_p = log_p - (u - u.detach())  # z − lse(z): the derivatives of log softmax
    q = Exp.call(log_p)
    return (q - q.detach()) + p, log_p


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b for x of shape (…, in), W (out, in), b (out,) or None.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.nn_ops import linear
        >>> linear(ac.ones(4, 3), ac.ones(2, 3), ac.zeros(2)).shape
        (4, 2)
    """
    x, weight = cast_lower(lift(x), lift(weight))  # float16 under amp.autocast
    if weight.ndim != 2:
        raise ShapeError(
            f"linear: weight must be 2-D (out_features, in_features); got shape "
            f"{tuple(weight.shape)}."
        )
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ShapeError(
            f"linear: input of shape {tuple(x.shape)} does not fit weight of shape "
            f"{tuple(weight.shape)}: the last axis of the input must be in_features="
            f"{weight.shape[1]}. Check the layer sizes (or flatten the input with nn.Flatten)."
        )
    if bias is not None:
        (bias,) = cast_lower(lift(bias, x))
        if tuple(bias.shape) != (weight.shape[0],):
            raise ShapeError(
                f"linear: bias of shape {tuple(bias.shape)} does not fit weight of shape "
                f"{tuple(weight.shape)}; expected ({weight.shape[0]},)."
            )
    if x.ndim == 1:
        out = linear(x.reshape(1, -1), weight, bias)
        return out.reshape(-1)
    if bias is None:
        return Linear.apply(x, weight)
    return Linear.apply(x, weight, bias)


def softmax_cross_entropy(logits: Tensor, coeffs: Tensor) -> Tensor:
    """Per-row ``−Σ_c A_ic log softmax(z)_ic`` for logits z (N, C) and coefficients A (N, C).

    With A one-hot this is the usual cross-entropy of class indices; ``nn.functional.
    cross_entropy`` builds A for indices, probabilities, weights and label smoothing.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.nn_ops import softmax_cross_entropy
        >>> z = ac.tensor([[0.0, 0.0]])
        >>> round(softmax_cross_entropy(z, ac.tensor([[1.0, 0.0]])).item(), 4)
        0.6931
    """
    logits, coeffs = lift(logits), lift(coeffs)
    if logits.ndim != 2 or tuple(coeffs.shape) != tuple(logits.shape):
        raise ShapeError(
            f"softmax_cross_entropy: logits must be 2-D (N, C) and coefficients the same shape; "
            f"got {tuple(logits.shape)} and {tuple(coeffs.shape)}. Use nn.functional."
            "cross_entropy for class indices or more dimensions."
        )
    if coeffs.dtype != logits.dtype:
        coeffs = coeffs.to(dtype=logits.dtype)
    return SoftmaxCrossEntropy.apply(logits, coeffs)


def softmax_cross_entropy_index(logits: Tensor, target: Tensor, weight: Tensor) -> Tensor:
    """Per-row ``−w_i log softmax(z)_{i, y_i}`` for logits z (N, C), class indices y (N,) in
    [0, C) and row weights w (N,): ``softmax_cross_entropy`` with one-hot coefficients, without
    building them. ``nn.functional.cross_entropy`` uses it for class indices.

    Example:
        >>> import autograd_core as ac
        >>> from autograd_core.ops.nn_ops import softmax_cross_entropy_index
        >>> z = ac.tensor([[0.0, 0.0], [2.0, 0.0]])
        >>> loss = softmax_cross_entropy_index(z, ac.tensor([0, 1]), ac.ones(2))
        >>> [round(v, 4) for v in loss.tolist()]
        [0.6931, 2.1269]
    """
    logits, target, weight = lift(logits), lift(target), lift(weight, logits)
    n = logits.shape[0] if logits.ndim == 2 else None
    if n is None or tuple(target.shape) != (n,) or tuple(weight.shape) != (n,):
        raise ShapeError(
            f"softmax_cross_entropy_index: logits must be 2-D (N, C), target and weight (N,); "
            f"got {tuple(logits.shape)}, {tuple(target.shape)} and {tuple(weight.shape)}. Use "
            "nn.functional.cross_entropy for more dimensions."
        )
    if target.dtype.kind not in "iu":
        raise DTypeError(
            f"softmax_cross_entropy_index: target must hold integer class indices, got "
            f"{target.dtype}. For class probabilities use softmax_cross_entropy."
        )
    if weight.dtype != logits.dtype:
        weight = weight.to(dtype=logits.dtype)
    return SoftmaxCrossEntropyIndex.apply(logits, target, weight)
