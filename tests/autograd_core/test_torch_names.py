"""Module-level names a PyTorch script uses unchanged: dtype aliases, ac.device(...), the nn and
optim aliases, inference_mode, set_default_device and ac.accelerator."""

from __future__ import annotations

import importlib
import subprocess
import sys
import threading

import numpy as np
import pytest

import autograd_core as ac
from autograd_core.errors import DeviceError


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("float", np.float32),
        ("double", np.float64),
        ("half", np.float16),
        ("long", np.int64),
        ("int", np.int32),
        ("short", np.int16),
        ("bool", np.bool_),
    ],
)
def test_dtype_aliases_are_pytorchs(torch, name, expected):
    assert getattr(ac, name) == np.dtype(expected)
    made = ac.zeros(2, dtype=getattr(ac, name))
    assert made.dtype == np.dtype(str(getattr(torch, name)).removeprefix("torch."))


def test_a_pytorch_style_script_runs_with_the_aliases():
    x = ac.tensor([1.5, 2.5], dtype=ac.double)
    assert x.to(ac.long).tolist() == [1, 2]
    assert x.to(ac.float).dtype == np.float32
    assert (x > 2).dtype == ac.bool


# -- ac.device ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("cpu",), "cpu"), (("cuda",), "cuda:0"), (("cuda:1",), "cuda:1"), (("cuda", 2), "cuda:2")],
)
def test_device_constructs_a_device_like_torch_device(torch, args, expected):
    dev = ac.device(*args)
    assert isinstance(dev, ac.Device)
    assert str(dev) == expected
    assert dev.type == torch.device(*args).type


def test_device_accepts_a_device_and_a_cuda_index():
    assert ac.device(ac.Device("cpu")) == ac.Device("cpu")
    assert ac.device(1) == ac.Device("cuda:1")


def test_isinstance_of_ac_device_tests_for_a_device():
    assert isinstance(ac.device("cpu"), ac.device)
    assert isinstance(ac.zeros(1).device, ac.device)
    assert not isinstance("cpu", ac.device)


def test_tensor_device_compares_with_ac_device():
    assert ac.zeros(2).device == ac.device("cpu")
    assert ac.zeros(2, device=ac.device("cpu")).device == "cpu"


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("gpu",), "unknown device 'gpu'"),
        (("cpu", 1), "only 'cuda' takes an index"),
        (("cuda:0", 1), "only 'cuda' takes an index"),
        ((2.5,), "expected a string like 'cpu'"),
    ],
)
def test_device_errors(args, match):
    with pytest.raises(DeviceError, match=match):
        ac.device(*args)


def test_the_device_module_stays_importable_for_internal_code():
    import autograd_core.device as device_module
    from autograd_core.device import Device, get_array_module

    assert device_module is ac.device
    assert device_module.Device is Device is ac.Device
    assert get_array_module(np.zeros(1)) is np
    assert importlib.import_module("autograd_core.device") is ac.device


# -- autograd_core.nn / autograd_core.optim ---------------------------------------------------


def test_from_autograd_core_import_nn_and_optim():
    import nn
    import optim
    from autograd_core import nn as ac_nn
    from autograd_core import optim as ac_optim

    assert ac_nn is nn and ac_optim is optim
    assert ac.nn.Linear is nn.Linear and ac.optim.SGD is optim.SGD


def test_import_autograd_core_nn_as_nn_gives_one_copy_of_each_module():
    import autograd_core.nn as ac_nn
    import autograd_core.nn.functional as F
    import autograd_core.optim.lr_scheduler as lr_scheduler

    import nn
    import nn.functional
    import optim.lr_scheduler

    assert ac_nn is nn
    assert F is nn.functional
    assert lr_scheduler is optim.lr_scheduler
    assert sys.modules["autograd_core.nn.functional"] is sys.modules["nn.functional"]


def test_the_aliases_load_lazily_without_an_import_cycle():
    # A fresh interpreter: importing autograd_core must not import nn, and the aliases must
    # work as the first thing a script does.
    code = (
        "import sys, autograd_core\n"
        "assert 'nn' not in sys.modules and 'optim' not in sys.modules\n"
        "import autograd_core.nn as nn\n"
        "import autograd_core.nn.functional\n"
        "import autograd_core.optim as optim\n"
        "assert sys.modules['autograd_core.nn.functional'] is sys.modules['nn.functional']\n"
        "assert sys.modules['autograd_core.nn'] is sys.modules['nn']\n"
        "m = nn.Linear(2, 1)\n"
        "optim.SGD(m.parameters(), lr=0.1)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_save_and_load_are_nn_s_as_torch_save_and_load(tmp_path):
    import nn

    assert ac.save is nn.save and ac.load is nn.load
    state = nn.Linear(3, 2).state_dict()
    ac.save(state, tmp_path / "m.pt")
    back = ac.load(tmp_path / "m.pt")
    assert sorted(back) == sorted(state)
    for k, v in state.items():
        np.testing.assert_array_equal(back[k].numpy(), v.numpy())


def test_utils_data_is_nn_data_as_torch_utils_data():
    code = (
        "import sys, autograd_core as ac\n"
        "assert 'nn' not in sys.modules\n"
        "from autograd_core.utils.data import DataLoader, TensorDataset\n"
        "import nn.data\n"
        "assert ac.utils.data is nn.data and DataLoader is nn.data.DataLoader\n"
        "batches = list(DataLoader(TensorDataset(ac.ones(4, 2)), batch_size=3))\n"
        "assert [b[0].shape for b in batches] == [(3, 2), (1, 2)]\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    with pytest.raises(AttributeError, match="autograd_core.utils' has no attribute 'nope'"):
        _ = ac.utils.nope


def test_top_level_linalg_names_numel_and_logical_xor_match_torch(torch, rng):
    a = rng.standard_normal((4, 3))
    np.testing.assert_allclose(
        ac.pinverse(ac.tensor(a)).numpy(), torch.pinverse(torch.tensor(a)).numpy(), atol=1e-12
    )
    sq = rng.standard_normal((3, 3)) * 0.5
    assert ac.matrix_exp is ac.linalg.matrix_exp and ac.matrix_power is ac.linalg.matrix_power
    np.testing.assert_allclose(
        ac.matrix_exp(ac.tensor(sq)).numpy(), torch.matrix_exp(torch.tensor(sq)).numpy()
    )
    assert ac.numel(ac.ones(2, 3)) == 6 == torch.numel(torch.ones(2, 3))
    x, y = np.array([True, False, True, False]), np.array([True, True, False, False])
    ours = ac.logical_xor(ac.tensor(x), ac.tensor(y)).numpy()
    np.testing.assert_array_equal(ours, torch.logical_xor(torch.tensor(x), torch.tensor(y)))
    np.testing.assert_array_equal(ac.tensor([0, 2]).logical_xor(ac.tensor([1, 3])).numpy(), [1, 0])


def test_an_unknown_module_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = ac.nope


# -- inference_mode -------------------------------------------------------------------------


def test_inference_mode_records_nothing():
    w = ac.ones(2, requires_grad=True)
    assert not ac.is_inference_mode_enabled()
    with ac.inference_mode():
        y = w * 2
        assert ac.is_inference_mode_enabled() and not ac.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert ac.is_grad_enabled() and not ac.is_inference_mode_enabled()


def test_inference_mode_false_changes_nothing():
    w = ac.ones(2, requires_grad=True)
    with ac.inference_mode(False):
        assert (w * 2).requires_grad
    with ac.no_grad(), ac.inference_mode(False):
        assert not (w * 2).requires_grad


@pytest.mark.parametrize("style", ["bare", "called"])
def test_inference_mode_decorates(style):
    def f(w):
        return (w * 2).requires_grad, ac.is_inference_mode_enabled()

    wrapped = ac.inference_mode(f) if style == "bare" else ac.inference_mode()(f)
    assert wrapped(ac.ones(1, requires_grad=True)) == (False, True)
    assert ac.is_grad_enabled() and not ac.is_inference_mode_enabled()


def test_inference_mode_restores_on_error_and_is_per_thread():
    seen = []
    with pytest.raises(RuntimeError), ac.inference_mode():
        t = threading.Thread(target=lambda: seen.append(ac.is_grad_enabled()))
        t.start()
        t.join()
        raise RuntimeError
    assert seen == [True]
    assert ac.is_grad_enabled() and not ac.is_inference_mode_enabled()


def test_inference_mode_refuses_a_non_bool_mode():
    with pytest.raises(TypeError, match="mode must be True or False"):
        ac.inference_mode("yes")


# -- set_default_device, accelerator ------------------------------------------------------------


def test_default_device_is_the_cpu_and_can_be_set_back():
    assert ac.get_default_device() == ac.device("cpu")
    ac.set_default_device("cpu")
    ac.set_default_device(None)
    assert ac.zeros(2).device == "cpu" and ac.tensor([1.0]).device == "cpu"


def test_set_default_device_refuses_unknown_devices():
    with pytest.raises(DeviceError, match="unknown device 'gpu'"):
        ac.set_default_device("gpu")
    assert ac.get_default_device() == "cpu"


@pytest.mark.skipif(ac.cuda.is_available(), reason="checks the machine without CuPy")
def test_set_default_device_cuda_without_cupy_says_so_at_once():
    with pytest.raises(DeviceError, match="CuPy is unavailable"):
        ac.set_default_device("cuda")
    assert ac.get_default_device() == "cpu"


@pytest.mark.gpu
@pytest.mark.skipif(not ac.cuda.is_available(), reason="needs CuPy and a GPU")
def test_set_default_device_cuda_moves_new_tensors():
    try:
        ac.set_default_device("cuda")
        assert ac.zeros(2).device == "cuda:0"
        assert ac.tensor([1.0]).device == "cuda:0"
        assert ac.randn(3).device == "cuda:0"
        assert ac.zeros(2, device="cpu").device == "cpu"
    finally:
        ac.set_default_device("cpu")
    assert ac.zeros(2).device == "cpu"


def test_accelerator_answers_like_cuda():
    assert ac.accelerator.is_available() == ac.cuda.is_available()
    assert ac.accelerator.device_count() == ac.cuda.device_count()
    current = ac.accelerator.current_accelerator()
    if ac.cuda.is_available():
        assert current == ac.device("cuda")
    else:
        assert current is None


def test_creation_functions_use_the_default_device(fake_cuda, monkeypatch):
    # On the CuPy stand-in with four devices: the default cuda:3 is where arrays are made.
    from autograd_core.default_device import DEFAULT
    from autograd_core.testing.fake_cupy_state import STATE

    monkeypatch.setattr(STATE, "count", 4)
    monkeypatch.setattr(DEFAULT, "device", ac.Device("cuda:3"))
    made = [ac.zeros(2), ac.tensor([1.0]), ac.arange(3), ac.randn(2), ac.as_tensor(np.zeros(2))]
    assert [str(t.device) for t in made] == ["cuda:3"] * 5
    assert ac.zeros(2, device="cpu").device == "cpu"
    assert ac.get_default_device() == "cuda:3"


def test_star_import_does_not_shadow_builtins():
    namespace: dict = {}
    exec("from autograd_core import *", namespace)
    assert {"float", "int", "bool"}.isdisjoint(namespace)
    assert namespace["double"] == np.float64 and namespace["device"] is ac.device
