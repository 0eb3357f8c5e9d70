"""torch's global switches and tensor predicates at top level (initial_seed, thread counts,
determinism, matmul precision, anomaly, warn-always, is_nonzero …) and set_printoptions, against
torch."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import autograd_core as ac
from autograd_core import print_options, settings


@pytest.fixture(autouse=True)
def _restore_settings():
    saved = dict(settings.STATE)
    yield
    settings.STATE.clear()
    settings.STATE.update(saved)
    ac.set_printoptions(profile="default")
    ac.set_anomaly_enabled(False)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_printoptions(profile="default")
        torch.use_deterministic_algorithms(False)
        torch.set_float32_matmul_precision("highest")


def test_initial_seed_is_the_last_manual_seed(torch):
    ac.manual_seed(1234)
    torch.manual_seed(1234)
    assert ac.initial_seed() == torch.initial_seed() == 1234
    s = ac.seed()
    assert ac.initial_seed() == s


def test_initial_seed_of_an_unseeded_generator_is_its_entropy():
    g = ac.Generator()
    entropy = g.rng.bit_generator.seed_seq.entropy
    assert isinstance(entropy, int) and entropy > 0
    saved = settings.default_generator.rng, settings.default_generator.initial_seed()
    try:
        settings.default_generator.manual_seed(0)
        settings.default_generator._seed = None  # as at start: seeded from the OS
        settings.default_generator.rng = g.rng
        assert ac.initial_seed() == entropy
    finally:
        settings.default_generator.manual_seed(saved[1] if saved[1] is not None else 0)


def test_num_threads_round_trip_and_errors(torch):
    assert ac.get_num_threads() >= 1 and ac.get_num_interop_threads() >= 1
    ac.set_num_threads(3)
    assert ac.get_num_threads() == 3
    with pytest.raises(RuntimeError, match="positive integer"):
        torch.set_num_threads(0)
    with pytest.raises(ValueError, match="set_num_threads expects a positive integer"):
        ac.set_num_threads(0)
    with pytest.raises(ValueError, match="positive integer"):
        ac.set_num_interop_threads(True)


@pytest.mark.parametrize(
    ("call", "args", "kwargs"),
    [
        ("set_deterministic_debug_mode", ("warn",), {}),
        ("set_deterministic_debug_mode", ("error",), {}),
        ("set_deterministic_debug_mode", (0,), {}),
        ("set_deterministic_debug_mode", (1,), {}),
        ("use_deterministic_algorithms", (True,), {}),
        ("use_deterministic_algorithms", (True,), {"warn_only": True}),
        ("use_deterministic_algorithms", (False,), {}),
    ],
)
def test_deterministic_flags_follow_torch(torch, call, args, kwargs):
    getattr(ac, call)(*args, **kwargs)
    getattr(torch, call)(*args, **kwargs)
    for query in [
        "are_deterministic_algorithms_enabled",
        "is_deterministic_algorithms_warn_only_enabled",
        "get_deterministic_debug_mode",
    ]:
        assert getattr(ac, query)() == getattr(torch, query)(), query


def test_deterministic_errors(torch):
    with pytest.raises(RuntimeError, match="expected one of `default`, `warn`, `error`"):
        torch.set_deterministic_debug_mode("bad")
    with pytest.raises(ValueError, match="expected one of `default`, `warn`, `error`"):
        ac.set_deterministic_debug_mode("bad")
    with pytest.raises(ValueError, match="expected 0, 1, or 2, but got 5"):
        ac.set_deterministic_debug_mode(5)
    with pytest.raises(TypeError):
        torch.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError, match="mode must be a bool"):
        ac.use_deterministic_algorithms("yes")


def test_float32_matmul_precision_as_torch(torch):
    assert ac.get_float32_matmul_precision() == torch.get_float32_matmul_precision() == "highest"
    ac.set_float32_matmul_precision("medium")
    torch.set_float32_matmul_precision("medium")
    assert ac.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    with pytest.warns(UserWarning, match="low is not one of"):
        ac.set_float32_matmul_precision("low")
    assert ac.get_float32_matmul_precision() == "medium"


def test_set_anomaly_enabled_is_detect_anomaly(torch):
    assert ac.is_anomaly_enabled() is torch.is_anomaly_enabled() is False
    assert ac.is_anomaly_check_nan_enabled() and torch.is_anomaly_check_nan_enabled()
    ac.set_anomaly_enabled(True)
    assert ac.is_anomaly_enabled()
    x = ac.tensor([0.0], requires_grad=True)
    with pytest.raises(ac.AnomalyError):
        ac.log(x)
    ac.set_anomaly_enabled(False)
    assert not ac.is_anomaly_enabled()
    with ac.detect_anomaly():
        assert ac.is_anomaly_enabled()


def test_set_anomaly_enabled_is_per_thread_and_refuses_check_nan_false():
    ac.set_anomaly_enabled(True)
    seen = []
    t = threading.Thread(target=lambda: seen.append(ac.is_anomaly_enabled()))
    t.start()
    t.join()
    assert seen == [False]
    with pytest.raises(ValueError, match="check_nan=False would leave nothing to do"):
        ac.set_anomaly_enabled(True, check_nan=False)


def test_warn_always_flag(torch):
    assert ac.is_warn_always_enabled() is torch.is_warn_always_enabled() is False
    ac.set_warn_always(True)
    assert ac.is_warn_always_enabled()


# -- predicates ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [[[0.0]], [0.5], False, True, float("nan"), [3]])
def test_is_nonzero_matches_torch(torch, value):
    assert ac.is_nonzero(ac.tensor(value)) == torch.is_nonzero(torch.tensor(value))


@pytest.mark.parametrize(("shape", "how"), [((2,), "more than one value"), ((0,), "no values")])
def test_is_nonzero_errors_match_torch(torch, shape, how):
    with pytest.raises(RuntimeError, match=how):
        torch.is_nonzero(torch.ones(shape))
    with pytest.raises(RuntimeError, match=f"Boolean value of Tensor with {how} is ambiguous"):
        ac.is_nonzero(ac.ones(*shape))


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "int64", "int8", "uint8", "bool", "complex64"]
)
def test_dtype_predicates_match_torch(torch, dtype):
    ours, theirs = ac.zeros(2, dtype=np.dtype(dtype)), torch.zeros(2, dtype=getattr(torch, dtype))
    assert ac.is_signed(ours) == torch.is_signed(theirs)
    assert ac.is_complex(ours) == torch.is_complex(theirs)
    assert ac.typename(ours) == torch.typename(theirs).replace("torch.", "autograd_core.")


def test_is_same_size_and_type_errors(torch):
    assert ac.is_same_size(ac.ones(2, 3), ac.zeros(2, 3))
    assert not ac.is_same_size(ac.ones(2, 3), ac.ones(3, 2))
    with pytest.raises(TypeError, match="must be Tensor"):
        torch.is_same_size(torch.ones(1), 1)
    with pytest.raises(TypeError, match=r"is_same_size\(\): argument 'other' must be Tensor"):
        ac.is_same_size(ac.ones(1), 1)
    with pytest.raises(TypeError, match=r"is_complex\(\): argument 'input' must be Tensor"):
        ac.is_complex(1)


def test_is_inference_is_false_even_inside_inference_mode(torch):
    with ac.inference_mode():
        t = ac.ones(1)
    # ours has no inference-tensor kind; torch answers True here
    assert ac.is_inference(t) is False
    with torch.inference_mode():
        assert torch.is_inference(torch.ones(1))


def test_is_storage_and_typename_of_other_objects(torch):
    assert ac.is_storage(ac.ones(1)) is torch.is_storage(torch.ones(1)) is False
    assert ac.typename(3) == torch.typename(3) == "int"
    assert ac.typename("a") == torch.typename("a") == "str"
    lin = torch.nn.Linear(1, 1)
    assert ac.typename(lin) == torch.typename(lin) == "torch.nn.modules.linear.Linear"
    assert ac.typename(np.zeros) == "numpy.zeros"


# -- set_printoptions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"precision": 2, "linewidth": 80},  # ours's default linewidth is NumPy's 75
        {"precision": 3, "sci_mode": True},
        {"precision": 2, "sci_mode": False, "linewidth": 80},
        {"profile": "default", "precision": 4, "linewidth": 30},
        {"profile": "short"},
    ],
)
def test_printoptions_print_as_torch(torch, options):
    ac.set_printoptions(**options)
    torch.set_printoptions(**options)
    data = [[1 / 3, 2 / 3, 1e-5], [12.5, -2.25, 7.0 / 9.0]]
    assert repr(ac.tensor(data)) == repr(torch.tensor(data))
    long = np.arange(12.0) / 7.0
    assert repr(ac.tensor(long, dtype=ac.float32)) == repr(torch.tensor(long, dtype=torch.float32))


def test_threshold_and_edgeitems_summarise_as_torch(torch):
    ac.set_printoptions(threshold=5, edgeitems=2)
    torch.set_printoptions(threshold=5, edgeitems=2)
    ours, theirs = repr(ac.arange(10.0)), repr(torch.arange(10.0))
    assert "..." in ours and "..." in theirs
    assert ours.replace(" ", "") == theirs.replace(" ", "")
    ac.set_printoptions(profile="full")
    assert "..." not in repr(ac.arange(5000.0))


def test_default_profile_restores_ours_defaults():
    before = repr(ac.tensor([1 / 3, 2.0]))
    ac.set_printoptions(precision=1, threshold=3, edgeitems=1, linewidth=20, sci_mode=True)
    assert repr(ac.tensor([1 / 3, 2.0])) != before
    ac.set_printoptions(profile="default")
    assert repr(ac.tensor([1 / 3, 2.0])) == before
    assert ac.get_printoptions() == print_options.DEFAULTS


def test_unknown_profile_raises():
    with pytest.raises(ValueError, match="set_printoptions: unknown profile 'long'"):
        ac.set_printoptions(profile="long")


def test_get_device_is_minus_one_on_the_cpu(torch):
    assert ac.get_device(ac.ones(1)) == torch.get_device(torch.ones(1)) == -1
    with pytest.raises(TypeError, match="get_device"):
        ac.get_device(1)
