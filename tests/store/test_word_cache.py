"""Derived data of one word kept in the store (`ctxvec.store._word_cache`): written and read back for
real, refused when the store content, code or key differ, recomputed when damaged or tampered with,
never written into a folder ctxvec may not write, whole under concurrent writers, and checked by verify."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxvec.store import Store, cached_word_value, verify_store, word_entry_path
from ctxvec.store._word_cache import (
    WORDS_DIR,
    decode_value,
    encode_value,
    read_word_entry,
    store_content_id,
    write_word_entry,
)
from ctxvec.structure._sense_labels import SynsetVectors
from ctxvec.structure._synsets import Synset
from ctxvec.structure._usage_senses import SynsetProfile

KEY = {"version": 1, "sample": 300}


def _profile(seed: int = 0, m: int = 3, dim: int = 8) -> SynsetProfile:
    """A profile with every kind of field a real one has: synsets (str, int, tuples of tuples), arrays of
    three dtypes, a frozenset."""
    rng = np.random.default_rng(seed)
    synsets = [
        Synset(
            f"bank.n.{i:02d}",
            "n",
            1000 + i,
            ("bank", f"b{i}"),
            f"gloss {i}",
            (f"ex {i}",),
            i,
            "noun.x",
            (("@", 7, "n"),),
        )
        for i in range(m)
    ]
    found = SynsetVectors(synsets, rng.normal(size=(m, dim)).astype(np.float32), np.arange(m, dtype=np.int64))
    return SynsetProfile(
        found,
        frozenset({"bank", "banks"}),
        rng.normal(size=dim).astype(np.float32),
        rng.dirichlet(np.ones(m)),
        rng.normal(size=20),
    )


def _same(a: SynsetProfile, b: SynsetProfile) -> bool:
    arrays = [(a.mean, b.mean), (a.profile, b.profile), (a.surprise, b.surprise)]
    arrays += [(a.found.vectors, b.found.vectors), (a.found.n_sentences, b.found.n_sentences)]
    return (
        a.found.synsets == b.found.synsets
        and a.own == b.own
        and all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in arrays)
    )


def test_a_profile_is_written_and_read_back_identical(random_store: Store) -> None:
    value = _profile()
    assert write_word_entry(random_store, "usage_profile", "bank", KEY, value)
    path = word_entry_path(random_store, "usage_profile", "bank")
    assert path.is_file() and path.parent.parent == random_store.path / WORDS_DIR
    back = read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetProfile)
    assert back is not None and back is not value and _same(back, value)
    assert back.threshold() == value.threshold()
    assert read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetVectors) is None  # another type


def test_another_key_word_or_kind_is_not_read(random_store: Store) -> None:
    write_word_entry(random_store, "usage_profile", "bank", KEY, _profile())
    assert read_word_entry(random_store, "usage_profile", "bank", {**KEY, "version": 2}, SynsetProfile) is None
    assert read_word_entry(random_store, "usage_profile", "banks", KEY, SynsetProfile) is None
    assert read_word_entry(random_store, "synset_vectors", "bank", KEY, SynsetProfile) is None


def test_cached_word_value_computes_once_then_reads(random_store: Store) -> None:
    calls: list[int] = []

    def compute() -> SynsetProfile:
        calls.append(1)
        return _profile(len(calls))

    first = cached_word_value(random_store, "usage_profile", "bank", KEY, compute, SynsetProfile)
    again = cached_word_value(Store.open(random_store.path), "usage_profile", "bank", KEY, compute, SynsetProfile)
    assert len(calls) == 1 and first is not None and again is not None and _same(first, again)
    bumped = cached_word_value(random_store, "usage_profile", "bank", {**KEY, "version": 2}, compute, SynsetProfile)
    assert len(calls) == 2 and bumped is not None and _same(bumped, _profile(2))  # a version bump: computed again
    assert cached_word_value(random_store, "usage_profile", "none", KEY, lambda: None, SynsetProfile) is None
    assert not word_entry_path(random_store, "usage_profile", "none").exists()  # None is not kept


def test_an_entry_of_other_store_content_is_stale(random_store: Store, tmp_path: Path) -> None:
    """The same words/ folder beside a store whose manifest differs (here: another store's): recomputed."""
    write_word_entry(random_store, "usage_profile", "bank", KEY, _profile())
    other = tmp_path / "other.store"
    shutil.copytree(random_store.path, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["created"] = "another build"  # any change to the manifest is another store content
    (other / "manifest.json").write_text(json.dumps(manifest))
    moved = Store.open(other)
    assert store_content_id(moved) != store_content_id(random_store)
    assert read_word_entry(moved, "usage_profile", "bank", KEY, SynsetProfile) is None
    assert read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetProfile) is not None
    report = verify_store(other)
    assert report.ok and any("other store content" in n for n in report.notes), report.to_dict()


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "empty", "meta not json", "class outside ctxvec", "not a dataclass", "missing array"],
)
def test_a_damaged_or_tampered_entry_is_recomputed_never_trusted(random_store: Store, damage: str) -> None:
    value = _profile()
    write_word_entry(random_store, "usage_profile", "bank", KEY, value)
    path = word_entry_path(random_store, "usage_profile", "bank")
    with np.load(path) as npz:
        meta = json.loads(bytes(npz["meta"]).decode())
        arrays = {k: npz[k] for k in npz.files if k != "meta"}
    if damage == "garbage":
        path.write_bytes(os.urandom(500))
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        if damage == "meta not json":
            blob = b"{not json"
        else:
            tree = meta["value"]
            if damage == "class outside ctxvec":
                tree["$dataclass"] = "subprocess:Popen"
            elif damage == "not a dataclass":
                tree["$dataclass"] = "ctxvec.store._reader:Store.open"
            else:
                arrays.pop("a0")
            blob = json.dumps(meta).encode()
        np.savez(path, meta=np.frombuffer(blob, np.uint8), **arrays)
    assert read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetProfile) is None
    report = verify_store(random_store.path)
    if damage in ("garbage", "truncated", "empty", "meta not json"):
        assert any(str(path) in p for p in report.problems), report.to_dict()
    again = cached_word_value(random_store, "usage_profile", "bank", KEY, lambda: value, SynsetProfile)
    assert again is not None and _same(again, value)
    back = read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetProfile)  # the entry was replaced
    assert back is not None and _same(back, value)
    assert verify_store(random_store.path).ok


def test_a_folder_ctxvec_may_not_write_gets_no_entry(random_store: Store) -> None:
    before = sorted(p.relative_to(random_store.path) for p in random_store.path.rglob("*"))
    subprocess.run(["chmod", "-R", "a-w", str(random_store.path)], check=True)
    try:
        locked = Store.open(random_store.path)
        value = cached_word_value(locked, "usage_profile", "bank", KEY, _profile, SynsetProfile)
        assert value is not None and _same(value, _profile())  # computed, no error
        assert not write_word_entry(locked, "usage_profile", "bank", KEY, value)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(random_store.path)], check=True)
    assert sorted(p.relative_to(random_store.path) for p in random_store.path.rglob("*")) == before


def test_a_words_link_leading_outside_the_store_is_neither_read_nor_written(
    random_store: Store, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (random_store.path / WORDS_DIR).symlink_to(outside, target_is_directory=True)
    value = cached_word_value(random_store, "usage_profile", "bank", KEY, _profile, SynsetProfile)
    assert value is not None and _same(value, _profile())  # computed, no error
    assert not write_word_entry(random_store, "usage_profile", "bank", KEY, value)
    assert list(outside.iterdir()) == []
    report = verify_store(random_store.path)
    assert any("leads outside the store" in p for p in report.problems), report.to_dict()


def test_a_value_it_cannot_write_is_computed_not_kept(random_store: Store) -> None:
    value = SynsetVectors([], np.array([object()]), np.zeros(0, np.int64))  # an object array: no pickle
    assert not write_word_entry(random_store, "synset_vectors", "odd", KEY, value)
    got = cached_word_value(random_store, "synset_vectors", "odd", KEY, lambda: value, SynsetVectors)
    assert got is value and not word_entry_path(random_store, "synset_vectors", "odd").exists()


def test_cache_files_change_no_checksummed_file_and_verify_passes(random_store: Store) -> None:
    folder = random_store.path
    data = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    for word in ("bank", "Bank ", "ünïcode", "a/b", "..", ""):
        write_word_entry(random_store, "usage_profile", word, KEY, _profile())
    paths = [word_entry_path(random_store, "usage_profile", w) for w in ("bank", "Bank ", "ünïcode", "a/b", "..", "")]
    assert len(set(paths)) == 6 and all(p.parent == folder / WORDS_DIR / "usage_profile" for p in paths)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == data
    report = verify_store(folder)
    assert report.ok and not report.notes, report.to_dict()
    assert f"{WORDS_DIR}/usage_profile (6 words)" in report.checked


WRITER = r"""
import sys
import numpy as np
sys.path.insert(0, sys.argv[2])
from test_word_cache import KEY, _profile
from ctxvec.store import Store
from ctxvec.store._word_cache import write_word_entry
store = Store.open(sys.argv[1])
for _ in range(int(sys.argv[3])):
    assert write_word_entry(store, "usage_profile", "bank", KEY, _profile())
"""


def test_processes_and_threads_writing_one_word_leave_a_whole_entry(random_store: Store) -> None:
    """Two processes and two threads rewrite the same entry over and over while this thread reads it:
    every read is the whole value (or, before the first write, nothing); no temporary file is left."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2] / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    here = str(Path(__file__).parent)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(random_store.path), here, "40"], env=env) for _ in range(2)
    ]
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            write_word_entry(random_store, "usage_profile", "bank", KEY, _profile())

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    reads = 0
    try:
        while any(p.poll() is None for p in procs):
            got = read_word_entry(random_store, "usage_profile", "bank", KEY, SynsetProfile)
            assert got is None or _same(got, _profile())
            reads += got is not None
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert [p.wait() for p in procs] == [0, 0]
    assert reads > 0
    assert [p.name for p in word_entry_path(random_store, "usage_profile", "bank").parent.iterdir()] == [
        word_entry_path(random_store, "usage_profile", "bank").name
    ]


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
arrays = st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.uint8]).flatmap(
    lambda dtype: st.integers(0, 5).map(lambda n: (np.arange(n * 3) % 3).astype(dtype).reshape(n, 3))
)
trees = st.recursive(
    st.one_of(scalars, arrays),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.frozensets(st.text(max_size=4), max_size=4),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
    ),
    max_leaves=12,
)


def _equal(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_any_tree_of_arrays_and_scalars_round_trips(tree: object) -> None:
    """Through JSON and named arrays, as an entry stores it: same types, dtypes, shapes and values."""
    named: dict[str, np.ndarray] = {}
    encoded = json.loads(json.dumps(encode_value(tree, named)))
    assert _equal(decode_value(encoded, named), tree)
    scalar = np.float32(1.5)
    back = decode_value(json.loads(json.dumps(encode_value(scalar, named))), named)
    assert type(back) is np.float32 and back == scalar
