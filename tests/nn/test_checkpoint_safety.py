"""nn.load on hostile .npz files: zip bombs and lying headers are refused before their data is
read, and every malformed index raises CheckpointError (crafted cases and a seeded fuzz)."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

import nn

MiB = 2**20


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


def _index(root, **extra) -> str:
    return json.dumps({"format": "autograd-core-checkpoint", "version": 1, "root": root, **extra})


def _array_entry(member: str, shape, dtype: str = "<f8") -> dict:
    return {"__array__": member, "tensor": True, "shape": list(shape), "dtype": dtype}


def _write_zip(path, index: str, members: dict[str, bytes] = (), compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("__structure__.npy", _npy(np.asarray(index)))
        for name, data in dict(members).items():
            z.writestr(name + ".npy", data)


def _write_bomb(path, index: str, header: bytes, inflated: int) -> None:
    """A deflated member ``w`` of ``header`` then ``inflated`` zero bytes (~1000x smaller)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("__structure__.npy", _npy(np.asarray(index)))
        with z.open("w.npy", "w") as f:
            f.write(header)
            chunk = bytes(4 * MiB)
            for _ in range(inflated // len(chunk)):
                f.write(chunk)


def _peak_load(path, **kwargs) -> tuple[BaseException | None, int]:
    """(the exception nn.load raised, peak traced memory in bytes while it ran)."""
    tracemalloc.start()
    try:
        nn.load(path, **kwargs)
        err = None
    except Exception as e:  # returned to the test, which checks its type
        err = e
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return err, peak


# -- item 12: sizes are checked before data ------------------------------------------------


def test_member_header_claiming_a_huge_shape_is_refused_before_reading(tmp_path):
    # The index says 3 floats; the member's .npy header claims 2**40 of them (8 TiB).
    path = tmp_path / "huge.npz"
    _write_zip(path, _index(_array_entry("w", (3,))), {"w": _npy_header((2**40,)) + bytes(24)})
    with pytest.raises(nn.CheckpointError, match=r"shape \(1099511627776,\).*records shape \(3,\)"):
        nn.load(path)
    # ... and the same claim in the index too: refused by the size cap, not by an allocation.
    _write_zip(path, _index(_array_entry("w", (2**40,))), {"w": _npy_header((2**40,))})
    with pytest.raises(nn.CheckpointError, match="more than max_bytes=4,294,967,296"):
        nn.load(path)


def test_zip_bomb_mismatching_the_index_is_refused_with_small_memory(tmp_path):
    path = tmp_path / "bomb.npz"
    inflated = 256 * MiB
    _write_bomb(path, _index(_array_entry("w", (4,))), _npy_header((inflated // 8,)), inflated)
    assert os.path.getsize(path) < 2 * MiB
    err, peak = _peak_load(path)
    assert isinstance(err, nn.CheckpointError) and "records shape (4,)" in str(err)
    assert peak < 16 * MiB, f"peak {peak / MiB:.0f} MiB while refusing a {inflated / MiB} MiB bomb"


def test_zip_bomb_consistent_with_its_index_is_capped_by_max_bytes(tmp_path):
    path = tmp_path / "bomb.npz"
    inflated = 256 * MiB
    shape = (inflated // 8,)
    _write_bomb(path, _index(_array_entry("w", shape)), _npy_header(shape), inflated)
    err, peak = _peak_load(path, max_bytes=64 * MiB)
    assert isinstance(err, nn.CheckpointError)
    assert "claims 268,4" in str(err) and "max_bytes=67,108,864" in str(err)
    assert peak < 16 * MiB


def test_zip_member_inflating_past_its_recorded_size_is_cut_off(tmp_path):
    """The zip directory records 8 bytes of data, the deflate stream holds 256 MiB."""
    path = tmp_path / "liar.npz"
    header = _npy_header((1,))
    _write_bomb(path, _index(_array_entry("w", (1,))), header, 256 * MiB)
    raw = bytearray(path.read_bytes())
    small = (len(header) + 8).to_bytes(4, "little")
    # the uncompressed size sits 8 bytes before the name length in the local header (at +22,
    # name at +30) and in the central directory entry (at +24, name at +46)
    at = raw.find(b"w.npy")
    while at != -1:
        if raw[at - 30 : at - 26] == b"PK\x03\x04":
            raw[at - 8 : at - 4] = small
        elif raw[at - 46 : at - 42] == b"PK\x01\x02":
            raw[at - 22 : at - 18] = small
        at = raw.find(b"w.npy", at + 1)
    path.write_bytes(bytes(raw))
    err, peak = _peak_load(path)
    assert isinstance(err, nn.CheckpointError), err
    assert peak < 16 * MiB


def test_max_bytes_lets_a_trusted_large_file_load(tmp_path):
    path = tmp_path / "m.npz"
    nn.save({"w": np.ones(1000)}, path)
    with pytest.raises(nn.CheckpointError, match="more than max_bytes=4,000"):
        nn.load(path, max_bytes=4000)
    assert nn.load(path, max_bytes=None)["w"].sum() == 1000
    with pytest.raises(ValueError, match="max_bytes must be a non-negative int or None"):
        nn.load(path, max_bytes=-1)


def test_bzip2_members_are_refused(tmp_path):
    path = tmp_path / "bz.npz"
    _write_zip(path, _index(None), compression=zipfile.ZIP_BZIP2)
    with pytest.raises(nn.CheckpointError, match="compression method 12"):
        nn.load(path)


# -- item 13: malformed indexes ------------------------------------------------------------

MALFORMED = {
    "header is a list": "[1, 2]",
    "root missing": json.dumps({"format": "autograd-core-checkpoint", "version": 1}),
    "version is a str": _index(None).replace('"version": 1', '"version": "1"'),
    "dict body is an int": _index({"__dict__": 5}),
    "dict key is a list": _index({"__dict__": [[["a"], 1]]}),
    "dict item is not a pair": _index({"__dict__": [["a"]]}),
    "array member is a list": _index({**_array_entry("w", (3,)), "__array__": ["w"]}),
    "array shape is a str": _index(_array_entry("w", "3")),
    "array shape negative": _index(_array_entry("w", (-3,))),
    "array dtype unknown": _index(_array_entry("w", (3,), "zz")),
    "array dtype is object": _index(_array_entry("w", (3,), "|O")),
    "array dtype is an int": _index({**_array_entry("w", (3,)), "dtype": 8}),
    "array keys missing": _index({"__array__": "w"}),
    "scalar overflows": _index({"__scalar__": 300, "dtype": "|i1"}),
    "scalar dtype bad": _index({"__scalar__": 1, "dtype": ["<f8"]}),
    "scalar value is a list": _index({"__scalar__": [1], "dtype": "<f8"}),
    "two tags": _index({"__list__": [], "__tuple__": []}),
    "bare JSON list": _index([1, 2]),
    "deep JSON nesting": _index(None).replace("null", "[" * 100_000 + "]" * 100_000),
    "deep tagged nesting": _index(None).replace("null", '{"__list__": [' * 100 + "]}" * 100),
    "not JSON": "{'format': 1",
}


@pytest.mark.parametrize("index", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_index_raises_checkpoint_error(tmp_path, index):
    path = tmp_path / "bad.npz"
    _write_zip(path, index, {"w": _npy(np.zeros(3))})
    with pytest.raises(nn.CheckpointError, match=r"nn\.load: .*(corrupt|not an auto)"):
        nn.load(path)


def test_pickled_member_is_never_unpickled(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.makedirs, (str(tmp_path / "pwned"),))

    payload = _npy(np.array([Evil()], dtype=object))
    for dtype in ("|O", "<f8"):  # declared as object, or disguised as float64
        path = tmp_path / f"evil-{dtype[1]}.npz"
        _write_zip(path, _index(_array_entry("w", (1,), dtype)), {"w": payload})
        with pytest.raises(nn.CheckpointError, match="pickle|may not hold"):
            nn.load(path)
    assert not (tmp_path / "pwned").exists()


def test_bounded_reader_round_trips_every_array_layout_save_writes(tmp_path):
    arrays = {
        "empty": np.zeros((0, 3), np.float32),
        "fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
        "big_endian": np.arange(3, dtype=">i4"),
        "strings": np.array(["ab", "c"]),
        "zero_d": np.array(5),
        "bools": np.array([True, False]),
        "complex": np.array([1 + 2j]),
    }
    nn.save(arrays, tmp_path / "m.npz")
    loaded = nn.load(tmp_path / "m.npz")
    for key, expected in arrays.items():
        got = loaded[key]
        assert (got.dtype, got.shape) == (expected.dtype, expected.shape), key
        np.testing.assert_array_equal(got, expected, err_msg=key)
        got[...] = got  # writable, like np.load's arrays
    for bad in (np.zeros(2, dtype=[("a", "<f4")]), np.array(["2020-01-01"], dtype="M8[D]")):
        with pytest.raises(TypeError, match="cannot be saved without pickle"):
            nn.save({"x": bad}, tmp_path / "bad.npz")
