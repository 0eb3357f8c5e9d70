"""The extra_repr choices made against torch: losses print like torch's when built with their
defaults and name only the options that differ (torch's print nothing at all), Upsample prints
torch's form (the scale factor when set, else the size), and an empty ParameterList prints
nothing, a non-empty one its count."""

from __future__ import annotations

import pytest

import autograd_core as ac
import nn


@pytest.mark.parametrize(
    "build, text",
    [
        (lambda m: m.MSELoss(), ""),
        (lambda m: m.MSELoss(reduction="sum"), "reduction='sum'"),
        (lambda m: m.L1Loss(size_average=False), "reduction='sum'"),
        (lambda m: m.HuberLoss(delta=2.0), "delta=2.0"),
        (lambda m: m.CrossEntropyLoss(label_smoothing=0.1), "label_smoothing=0.1"),
        (lambda m: m.KLDivLoss(reduction="batchmean", log_target=True),
         "reduction='batchmean', log_target=True"),
        (lambda m: m.MultiMarginLoss(p=2, margin=1), "p=2"),
        (lambda m: m.TripletMarginLoss(swap=True), "swap=True"),
        (lambda m: m.CTCLoss(zero_infinity=True), "zero_infinity=True"),
    ],
)  # fmt: skip
def test_losses_print_only_non_default_options(build, text, torch):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy flag's deprecation warning
        ours = build(nn)
        theirs = build(torch.nn)
    assert ours.extra_repr() == text
    assert theirs.extra_repr() == ""  # torch hides them all
    assert repr(ours).startswith(f"{type(ours).__name__}({text})")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"scale_factor": 2},
        {"scale_factor": (2.0, 3.0), "mode": "bilinear"},
        {"size": (3, 4), "mode": "bicubic"},
        {"size": 5},
    ],
)
def test_upsample_prints_as_torch(kwargs, torch):
    for name in ("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"):
        if name != "Upsample" and "mode" in kwargs:
            continue
        assert getattr(nn, name)(**kwargs).extra_repr() == (
            getattr(torch.nn, name)(**kwargs).extra_repr()
        )


def test_parameter_list_prints_nothing_when_empty():
    assert nn.ParameterList().extra_repr() == ""
    assert nn.ParameterList([ac.zeros(2)]).extra_repr() == "1 parameter"
    assert nn.ParameterList([ac.zeros(2), ac.ones(1)]).extra_repr() == "2 parameters"
