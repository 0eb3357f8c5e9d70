"""Differential fuzz tests of subscripting against PyTorch (float64): ``x[key]`` and
``x[key] = v`` with random keys mixing ints (negative too), slices (negative bounds, steps > 1),
None, Ellipsis, bools (Python and 0-d tensors), bool masks (all-False too) and integer
lists/arrays/tensors (several, broadcasting, separated by slices), on tensors of rank 0-4 with
size-0 axes. Values, result shapes and dtypes must be exactly torch's, gradients (under a
random upstream gradient) within 1e-12; a key torch refuses must be refused by ours with an
exception of the same builtin class (``IndexingError`` is an IndexError and a ValueError).

Repeated positions in ``x[key] = v``: PyTorch documents the result as undefined (which of the
repeated values lands is unspecified), and its value gradient gives every copy ȳ at its
position while ours gives the overwritten copies 0; those draws compare only x's gradient.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ac

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "nn"))
from fuzz_compare import fuzz_settings, slow_settings  # noqa: E402  # tests/nn/

torch = pytest.importorskip("torch")

TOL = 1e-12


@st.composite
def keys(draw, shape):
    """A random key for a tensor of ``shape`` as a list of (kind, value) entries; mostly
    valid, sometimes not (index arrays that do not broadcast)."""
    ndim, d, entries, ellipsis = len(shape), 0, [], False
    for _ in range(draw(st.integers(0, ndim + 2))):
        kinds = ["none", "bool"] + (["ellipsis"] if not ellipsis else [])
        if d < ndim:
            kinds += ["int", "slice", "slice", "array", "mask"]
        kind = draw(st.sampled_from(kinds))
        n = shape[d] if d < ndim else 0
        if kind == "int" and n == 0:
            kind = "slice"
        if kind == "none":
            entries.append(("none", None))
        elif kind == "ellipsis":
            ellipsis = True
            entries.append(("ellipsis", Ellipsis))
            # the dims it skips; if later entries cover fewer than the rest, it skips more and
            # they index other dims (then both libraries may refuse the key)
            d += draw(st.integers(0, ndim - d))
        elif kind == "bool":
            entries.append((draw(st.sampled_from(["bool", "bool0d"])), draw(st.booleans())))
        elif kind == "int":
            entries.append(("int", draw(st.integers(-n, n - 1))))
            d += 1
        elif kind == "slice":
            bound = st.none() | st.integers(-n - 2, n + 2)
            step = draw(st.sampled_from([None, 1, 2, 3]))
            entries.append(("slice", slice(draw(bound), draw(bound), step)))
            d += 1
        elif kind == "array":
            ashape = tuple(draw(st.lists(st.integers(0 if n == 0 else 1, 3), max_size=2)))
            if n == 0:
                ashape = ashape[:-1] + (0,) if ashape else (0,)
            values = [draw(st.integers(-n, n - 1)) for _ in range(int(np.prod(ashape)))]
            arr = np.array(values, dtype=np.int64).reshape(ashape)
            entries.append((draw(st.sampled_from(["list", "tensor", "numpy"])), arr))
            d += 1
        else:
            k = draw(st.integers(1, min(2, ndim - d)))
            fill = draw(st.sampled_from(["random", "false", "true"]))
            size = int(np.prod(shape[d : d + k]))
            bits = [draw(st.booleans()) for _ in range(size)] if fill == "random" else None
            mask = np.full(size, fill == "true") if bits is None else np.array(bits, bool)
            entries.append(("mask", mask.reshape(shape[d : d + k])))
            d += k
        if d > ndim:
            break
    return entries


def build(entries, lib):
    """The key for ``lib`` ("ac" or "torch")."""
    mod = ac if lib == "ac" else torch
    out = []
    for kind, v in entries:
        if kind == "bool0d":
            out.append(mod.tensor(v))
        elif kind in ("tensor", "mask"):
            out.append(mod.tensor(v))
        elif kind == "list":
            out.append(v.tolist())
        else:
            out.append(v)
    return out[0] if len(out) == 1 and entries[0][0] not in ("list",) else tuple(out)


def outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001  (compared against torch's below)
        return None, e


def check_raises_alike(ours_err, theirs_err, what, empty=False):
    """Ours raises exactly where torch raises, with an exception of torch's builtin class.

    ``empty``: torch's result has no entries. Torch checks the range of an index array inside
    its gather kernel, one output entry at a time, so an out-of-range index that selects
    nothing (x[..., [5]] where another dim has size 0) passes unchecked; ours checks every
    index before indexing and refuses it (test_out_of_range_index_into_empty_result_raises)."""
    if theirs_err is None and empty and isinstance(ours_err, ac.IndexingError):
        assert "out of range" in str(ours_err), (what, ours_err)
        return
    if theirs_err is None:
        assert ours_err is None, f"{what}: ours raised {ours_err!r}, torch did not"
        return
    assert ours_err is not None, f"{what}: torch raised {theirs_err!r}, ours did not"
    base = type(theirs_err)
    while base.__module__ != "builtins":
        base = base.__mro__[1]
    assert isinstance(ours_err, base), (what, ours_err, theirs_err)


def assert_same(got, want, what):
    got = got.detach().numpy() if isinstance(got, ac.Tensor) else got
    want = want.detach().numpy()
    assert got.shape == want.shape, (what, got.shape, want.shape)
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, rtol=TOL, atol=TOL, err_msg=what)


shapes = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)


def _getitem_case(data):
    shape = data.draw(shapes, label="shape")
    entries = data.draw(keys(shape), label="key")
    x = np.random.default_rng(len(entries)).standard_normal(shape)
    xt = torch.tensor(x, requires_grad=True)
    xa = ac.tensor(x, requires_grad=True)
    want, terr = outcome(lambda: xt[build(entries, "torch")])
    got, err = outcome(lambda: xa[build(entries, "ac")])
    empty = terr is None and want.numel() == 0
    check_raises_alike(err, terr, f"x{shape}[{entries}]", empty)
    if terr is not None or err is not None:
        return
    assert_same(got, want, f"x{shape}[{entries}]")
    gy = np.random.default_rng(1).standard_normal(tuple(want.shape))
    want.backward(torch.tensor(gy))
    got.backward(ac.tensor(gy))
    assert_same(xa.grad, xt.grad, f"grad of x{shape}[{entries}]")


@given(st.data())
@fuzz_settings(300)
def test_getitem_matches_torch(data):
    _getitem_case(data)


@pytest.mark.slow
@given(st.data())
@slow_settings(3000)
def test_getitem_matches_torch_slow(data):
    _getitem_case(data)


def _value_shape(data, shape):
    """A shape that broadcasts to ``shape`` (dims set to 1 or dropped, a leading 1 added)."""
    drop = data.draw(st.integers(0, len(shape)), label="drop")
    kept = [1 if data.draw(st.booleans()) else n for n in shape[drop:]]
    lead = [1] if data.draw(st.booleans()) else []
    return tuple(lead + kept)


def _setitem_case(data, recorded):
    shape = data.draw(shapes, label="shape")
    entries = data.draw(keys(shape), label="key")
    rng = np.random.default_rng(len(entries))
    x = rng.standard_normal(shape)
    pos, perr = outcome(lambda: torch.arange(x.size).reshape(shape)[build(entries, "torch")])
    vshape = _value_shape(data, tuple(pos.shape)) if perr is None else (1,)
    v = rng.standard_normal(vshape)
    repeated = perr is None and len(set(pos.reshape(-1).tolist())) < pos.numel()

    def run(mod, lib):
        leaf = mod.tensor(x, requires_grad=recorded)
        val = mod.tensor(v, requires_grad=recorded)
        if recorded:
            y = leaf.clone()
            y[build(entries, lib)] = val
        else:
            with mod.no_grad():
                y = leaf
                y[build(entries, lib)] = val
        return leaf, val, y

    theirs, terr = outcome(lambda: run(torch, "torch"))
    ours, err = outcome(lambda: run(ac, "ac"))
    empty = perr is None and pos.numel() == 0
    check_raises_alike(err, terr, f"x{shape}[{entries}] = v{vshape}", empty)
    if terr is not None or err is not None:
        return
    if not repeated:  # torch leaves the value written at a repeated position unspecified
        assert_same(ours[2], theirs[2], f"x{shape}[{entries}] = v{vshape}")
    if not recorded:
        return
    gy = np.random.default_rng(2).standard_normal(shape)
    theirs[2].backward(torch.tensor(gy))
    ours[2].backward(ac.tensor(gy))
    assert_same(ours[0].grad, theirs[0].grad, "grad of x")
    if theirs[1].grad is None:  # torch skips x[False] = v entirely: v gets no gradient at all
        assert ours[1].grad is None or not ours[1].grad.numpy().any()
    elif not repeated:
        assert_same(ours[1].grad, theirs[1].grad, "grad of v")


@given(st.data(), st.booleans())
@fuzz_settings(200)
def test_setitem_matches_torch(data, recorded):
    _setitem_case(data, recorded)


@pytest.mark.slow
@given(st.data(), st.booleans())
@slow_settings(2000)
def test_setitem_matches_torch_slow(data, recorded):
    _setitem_case(data, recorded)


def test_out_of_range_index_into_empty_result_raises():
    """Torch returns an empty tensor for x[:, [1]] of a (0, 2, 1) tensor without checking the 1
    against dim 2's size 1 (nothing is read); ours refuses the out-of-range index."""
    x = ac.zeros(0, 2, 1)
    with pytest.raises(IndexError, match=r"getitem: .*index 1 .* out of range for dim 2 of size 1"):
        x[..., [1]]
    assert torch.zeros(0, 2, 1)[..., [1]].shape == (0, 2, 1)  # torch's leniency, pinned


# -- fixed cases: the differences from NumPy that the first version had (regressions) --------


def test_an_int_among_index_arrays_selects_first_as_torch():
    """NumPy counts the 0 in x[0, :, [0, 1]] as an advanced index (result (2, 3)); PyTorch
    selects first (result (3, 2)). Ours gave NumPy's shape."""
    x = np.arange(24.0).reshape(2, 3, 4)
    for key in [(0, slice(None), [0, 1]), (None, [0, 1], slice(None), 0), (1, [0, 2], 0)]:
        want = torch.tensor(x)[key]
        got = ac.tensor(x)[key]
        assert got.shape == tuple(want.shape), key
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_negative_slice_step_is_refused_as_torch():
    with pytest.raises(ValueError):
        torch.zeros(3)[::-1]
    with pytest.raises(ValueError, match=r"getitem: .*shape \(3,\).*step -1 .* must be positive"):
        ac.zeros(3)[::-1]


def test_setitem_into_a_clone_reaches_x_and_the_value():
    """Ours refused x[key] = v on a non-leaf in a graph; PyTorch records it."""
    for lib in (ac, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        v = lib.tensor(5.0, requires_grad=True)
        y = x.clone()
        y[[0, 2]] = v
        (y * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        assert y.tolist() == [5.0, 2.0, 5.0]
        assert x.grad.tolist() == [0.0, 2.0, 0.0] and v.grad.item() == 4.0


@pytest.mark.parametrize(
    "key, words",
    [
        ((0, 0, 0), r"too many indices: they cover 3 dims but the tensor has 2"),
        ((slice(None), 5), r"index 5 is out of range for dim 1 of size 3"),
        (([0, -3],), r"index -3 \(in the index array of shape \(2,\)\) is out of range for dim 0"),
        ((1.0,), r"float 1.0 is not a valid index"),
        (("mask3",), r"the bool mask of shape \(3,\) does not match the shape \(2,\) of the dim 0"),
        ((slice(None, None, 0),), r"slice step 0 at dim 0"),
        (([0, 1], [0, 1, 2]), r"the index arrays of shapes \[\(2,\), \(3,\)\] .* do not broadcast"),
    ],
)
def test_bad_keys_raise_where_torch_raises_and_say_why(key, words):
    key = tuple([True, False, True] if k == "mask3" else k for k in key)
    x = np.zeros((2, 3))
    with pytest.raises((IndexError, ValueError)) as theirs:
        torch.tensor(x)[tuple(torch.tensor(k) if isinstance(k, list) else k for k in key)]
    expected = IndexError if isinstance(theirs.value, IndexError) else ValueError
    with pytest.raises(expected, match=r"getitem: index .* of shape \(2, 3\): " + words):
        ac.tensor(x)[tuple(ac.tensor(k) if isinstance(k, list) else k for k in key)]
    with pytest.raises(expected, match=r"setitem: index .* of shape \(2, 3\): " + words):
        ac.tensor(x)[tuple(ac.tensor(k) if isinstance(k, list) else k for k in key)] = 1.0


def test_index_dtypes_follow_torch_and_uint8_is_refused():
    """Ours read int8/int16/unsigned index tensors as integers (torch refuses them) and uint8 as
    integers (torch: a mask, deprecated): the same key meant different elements."""
    x = np.arange(6.0).reshape(2, 3)
    for dtype in ("int8", "int16", "uint16", "uint32", "uint64"):
        with pytest.raises(IndexError):
            torch.tensor(x)[torch.tensor([1, 0], dtype=getattr(torch, dtype))]
        with pytest.raises(
            IndexError,
            match=rf"getitem: .*shape \(2, 3\): an index tensor of dtype {dtype}.*index.long\(\)",
        ):
            ac.tensor(x)[ac.tensor(np.array([1, 0], dtype=dtype))]
        with pytest.raises(IndexError, match=rf"setitem: .*dtype {dtype}"):
            ac.tensor(x)[ac.tensor(np.array([1, 0], dtype=dtype))] = 0.0
        # NumPy arrays of those widths and 0-d tensors are integers, to torch and ours
        key = np.array([1, 0], dtype=dtype)
        np.testing.assert_array_equal(ac.tensor(x)[key].numpy(), torch.tensor(x)[key].numpy())
        zero_d = np.array(1, dtype=dtype)
        np.testing.assert_array_equal(
            ac.tensor(x)[ac.tensor(zero_d)].numpy(), torch.tensor(x)[torch.tensor(zero_d)].numpy()
        )
    for key in (np.array([1, 0], dtype=np.uint8), ac.tensor(np.array([1, 0], dtype=np.uint8))):
        with pytest.raises(
            IndexError, match=r"uint8 index is ambiguous.*index.bool\(\) or index.long\(\)"
        ):
            ac.tensor(x)[key]
    for dtype in ("int32", "int64"):  # torch's own index dtypes still index
        key = np.array([1, 0], dtype=dtype)
        np.testing.assert_array_equal(
            ac.tensor(x)[ac.tensor(key)].numpy(), torch.tensor(x)[torch.tensor(key)].numpy()
        )
