"""PyTorch's deprecated ``size_average`` / ``reduce`` flags on every loss that has them, against
torch: the parameters sit in torch's positions, all 9 combinations of (None, True, False) give
torch's values and torch's UserWarning (functional forms and modules), the warning points at the
caller's line, and a reduction string passed where a flag now sits is a clear TypeError."""

from __future__ import annotations

import inspect
import itertools
import warnings

import numpy as np
import pytest

import autograd_core as ac
import nn
import nn.functional as F

FLAGS = list(itertools.product([None, True, False], repeat=2))


def _inputs(rng):
    """Float64 inputs per loss (NumPy arrays; integer arrays are class indices)."""
    x, x2, x3 = (rng.standard_normal((4, 3)) for _ in range(3))
    signs = np.array([1.0, -1.0, -1.0, 1.0])
    idx = np.array([0, 2, 1, 2])
    probs = np.exp(x2) / np.exp(x2).sum(1, keepdims=True)
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    labels = np.array([[0, 2, -1], [1, -1, 0], [2, 1, 0], [-1, 0, 0]])
    return {
        "binary_cross_entropy": (1 / (1 + np.exp(-x)), rng.random((4, 3))),
        "binary_cross_entropy_with_logits": (x, rng.random((4, 3))),
        "cosine_embedding_loss": (x, x2, signs),
        "cross_entropy": (x, idx),
        "hinge_embedding_loss": (x[:, 0], signs),
        "kl_div": (logp, probs),
        "margin_ranking_loss": (x[:, 0], x2[:, 0], signs),
        "multi_margin_loss": (x, idx),
        "multilabel_margin_loss": (x, labels),
        "multilabel_soft_margin_loss": (x, (x2 > 0).astype(float)),
        "nll_loss": (logp, idx),
        "poisson_nll_loss": (x, np.abs(np.round(x2 * 3))),
        "smooth_l1_loss": (x, x2),
        "soft_margin_loss": (x, np.sign(x2)),
        "triplet_margin_loss": (x, x2, x3),
        "l1_loss": (x, x2),
        "mse_loss": (x, x2),
    }


MODULES = {
    "binary_cross_entropy": "BCELoss",
    "binary_cross_entropy_with_logits": "BCEWithLogitsLoss",
    "cosine_embedding_loss": "CosineEmbeddingLoss",
    "cross_entropy": "CrossEntropyLoss",
    "hinge_embedding_loss": "HingeEmbeddingLoss",
    "kl_div": "KLDivLoss",
    "margin_ranking_loss": "MarginRankingLoss",
    "multi_margin_loss": "MultiMarginLoss",
    "multilabel_margin_loss": "MultiLabelMarginLoss",
    "multilabel_soft_margin_loss": "MultiLabelSoftMarginLoss",
    "nll_loss": "NLLLoss",
    "poisson_nll_loss": "PoissonNLLLoss",
    "smooth_l1_loss": "SmoothL1Loss",
    "soft_margin_loss": "SoftMarginLoss",
    "triplet_margin_loss": "TripletMarginLoss",
    "l1_loss": "L1Loss",
    "mse_loss": "MSELoss",
}
NAMES = sorted(MODULES)


def _legacy_warnings(record) -> list[tuple[type, str]]:
    return [(w.category, str(w.message)) for w in record if "size_average" in str(w.message)]


def _run(fn, args, **kwargs):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, _legacy_warnings(record)


def _value(out) -> np.ndarray:
    return np.asarray(out.detach().numpy() if hasattr(out, "detach") else out.numpy())


def _params_up_to_reduction(fn) -> list[str]:
    names = [p for p in inspect.signature(fn).parameters if p != "self"]
    return names[: names.index("reduction") + 1]


@pytest.mark.parametrize("name", NAMES)
def test_flags_sit_in_torchs_positions(name, torch):
    """Every parameter up to ``reduction`` in torch's order, so positional calls mean the same."""
    TF = torch.nn.functional
    assert _params_up_to_reduction(getattr(F, name)) == _params_up_to_reduction(getattr(TF, name))
    module = MODULES[name]
    ours, theirs = getattr(nn, module).__init__, getattr(torch.nn, module).__init__
    assert _params_up_to_reduction(ours) == _params_up_to_reduction(theirs)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size_average, reduce", FLAGS)
def test_functional_flags_match_torch(name, size_average, reduce, torch, rng):
    args = _inputs(rng)[name]
    flags = {"size_average": size_average, "reduce": reduce, "reduction": "sum"}
    got, got_warned = _run(getattr(F, name), [ac.tensor(a) for a in args], **flags)
    TF = torch.nn.functional
    want, want_warned = _run(getattr(TF, name), [torch.tensor(a) for a in args], **flags)
    np.testing.assert_allclose(_value(got), _value(want), rtol=1e-12, atol=1e-12)
    assert got_warned == want_warned
    assert len(got_warned) == (0 if size_average is None and reduce is None else 1)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size_average, reduce", FLAGS)
def test_module_flags_match_torch(name, size_average, reduce, torch, rng):
    args = _inputs(rng)[name]
    flags = {"size_average": size_average, "reduce": reduce, "reduction": "sum"}
    ours, got_warned = _run(getattr(nn, MODULES[name]), [], **flags)
    theirs, want_warned = _run(getattr(torch.nn, MODULES[name]), [], **flags)
    assert ours.reduction == theirs.reduction
    assert got_warned == want_warned
    got = ours(*[ac.tensor(a) for a in args])
    with warnings.catch_warnings():  # torch's KLDivLoss warns at forward that 'mean' is not KL
        warnings.simplefilter("ignore")
        want = theirs(*[torch.tensor(a) for a in args])
    np.testing.assert_allclose(_value(got), _value(want), rtol=1e-12, atol=1e-12)


def test_the_warning_points_at_the_callers_line(rng):
    x, y = (ac.tensor(a) for a in _inputs(rng)["mse_loss"])
    for build in (
        lambda: F.mse_loss(x, y, reduce=False),
        lambda: nn.MSELoss(size_average=False),  # a loss without its own __init__
        lambda: nn.SmoothL1Loss(reduce=True),  # one with its own __init__
        lambda: nn.TripletMarginLoss(size_average=True),
    ):
        with pytest.warns(UserWarning, match="size_average and reduce args") as record:
            build()
        assert [w.filename for w in record] == [__file__]


def test_legacy_flags_override_the_reduction_even_an_unknown_one(torch, rng):
    x, y = _inputs(rng)["l1_loss"]
    with pytest.warns(UserWarning, match=r"reduction='sum' instead"):
        got = F.l1_loss(ac.tensor(x), ac.tensor(y), size_average=False, reduction="avg")
    with pytest.warns(UserWarning):
        want = torch.nn.functional.l1_loss(
            torch.tensor(x), torch.tensor(y), size_average=False, reduction="avg"
        )
    assert got.item() == pytest.approx(want.item(), rel=1e-12)


def test_a_reduction_passed_by_position_is_a_clear_error(rng):
    """Older code passed the reduction third; torch reads 'sum' as a true size_average and
    silently takes the mean. Ours refuses and names the fix."""
    x, y = (ac.tensor(a) for a in _inputs(rng)["mse_loss"])
    with pytest.raises(TypeError, match=r"mse_loss: size_average got the string 'sum'.*"):
        F.mse_loss(x, y, "sum")
    with pytest.raises(TypeError, match=r"reduction='none' by keyword"):
        F.kl_div(x, y, None, "none")
    with pytest.raises(TypeError, match=r"MarginRankingLoss: size_average got the string"):
        nn.MarginRankingLoss(0.5, "sum")
    with pytest.raises(ValueError, match=r"KLDivLoss: reduction must be one of"):
        nn.KLDivLoss(reduction="avg")
    assert nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.raises(ValueError, match=r"MSELoss: reduction must be one of"):
        nn.MSELoss(reduction="batchmean")
