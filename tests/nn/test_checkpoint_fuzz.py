"""Seeded fuzzing of nn.load: mutated indexes, mutated members and flipped file bytes may load or
raise CheckpointError, and nothing else (no TypeError, KeyError, RecursionError, ...)."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_core as ac
import nn
import optim

FUZZ = settings(
    max_examples=150,
    derandomize=True,  # a fixed seed: the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TAGS = ["__array__", "__scalar__", "__dict__", "__list__", "__tuple__", "tensor", "shape", "dtype"]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["<f4", "|O", "|V8", "<U3", "0:model/weight", "root", "format"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(TAGS) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A real checkpoint: its path, its parsed index and its members' bytes."""
    ac.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    model(ac.randn(5, 3)).sum().backward()
    opt.step()
    ckpt = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "epoch": 3,
        "rng": ac.Generator(1).get_state(),
        "misc": (None, np.float32(1.5), ["a", np.arange(3)], {7: True}),
    }
    path = tmp_path_factory.mktemp("fuzz") / "base.npz"
    nn.save(ckpt, path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    index = json.loads(str(np.load(io.BytesIO(members.pop("__structure__.npy")))))
    return path, index, members


def _write(path, index_text: str, members: dict[str, bytes]) -> None:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(index_text))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("__structure__.npy", buf.getvalue())
        for name, data in members.items():
            z.writestr(name, data)


def _load_or_checkpoint_error(path) -> None:
    try:
        nn.load(path)
    except nn.CheckpointError:
        pass


def _slots(node, out):
    """Every (container, key) in a parsed JSON tree, so one can be replaced."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, child in items:
        out.append((node, key))
        if isinstance(child, (dict, list)):
            _slots(child, out)
    return out


@FUZZ
@given(data=st.data())
def test_mutated_index_loads_or_raises_checkpoint_error(base, data):
    path, index, members = base
    mutated = json.loads(json.dumps(index))
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        slots = _slots(mutated, [])
        container, key = slots[data.draw(st.integers(0, len(slots) - 1), label="slot")]
        container[key] = data.draw(JSON, label="value")
    _write(path.with_name("index.npz"), json.dumps(mutated), members)
    _load_or_checkpoint_error(path.with_name("index.npz"))


@FUZZ
@given(data=st.data())
def test_mutated_index_text_loads_or_raises_checkpoint_error(base, data):
    path, index, members = base
    text = json.dumps(index)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, len(text)), label="at")
        cut = data.draw(st.integers(0, 3), label="cut")
        insert = data.draw(st.text('{}[]",:-0123456789eE.truefalsn_', max_size=3), label="ins")
        text = text[:at] + insert + text[at + cut :]
    _write(path.with_name("text.npz"), text, members)
    _load_or_checkpoint_error(path.with_name("text.npz"))


@FUZZ
@given(data=st.data())
def test_mutated_member_bytes_load_or_raise_checkpoint_error(base, data):
    """Members altered and re-zipped with valid CRCs: the .npy header parser sees the damage."""
    path, index, members = base
    members = dict(members)
    name = data.draw(st.sampled_from(sorted(members)), label="member")
    raw = bytearray(members[name])
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        at = data.draw(st.integers(0, min(len(raw) - 1, 140)), label="at")  # mostly the header
        raw[at] = data.draw(st.integers(0, 255), label="byte")
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw)), label="keep")]
    members[name] = bytes(raw)
    _write(path.with_name("member.npz"), json.dumps(index), members)
    _load_or_checkpoint_error(path.with_name("member.npz"))


@FUZZ
@given(
    flips=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), min_size=1, max_size=6
    )
)
def test_flipped_file_bytes_load_or_raise_checkpoint_error(base, flips):
    path = base[0]
    raw = bytearray(path.read_bytes())
    for where, mask in flips:
        raw[int(where * len(raw))] ^= mask
    path.with_name("flipped.npz").write_bytes(bytes(raw))
    _load_or_checkpoint_error(path.with_name("flipped.npz"))


def test_the_fuzzed_checkpoint_itself_loads(base):
    path, index, members = base
    _write(path.with_name("same.npz"), json.dumps(index), members)
    ckpt = nn.load(path.with_name("same.npz"))
    assert ckpt["epoch"] == 3 and ckpt["misc"][3] == {7: True}
    assert ckpt["misc"][2][1].tolist() == [0, 1, 2]
