"""A word's usage profile and synset vectors kept in the store (``words/``): a fresh process's answers are
those of a fresh computation, whatever the cache holds (nothing, a good entry, a stale or damaged one),
and a store ctxvec may not write is answered without one. Tiny random-weight BERT stores, real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ctxvec.cli import main
from ctxvec.store import Store, word_entry_path
from ctxvec.store._word_cache import read_entry_file, store_content_id
from ctxvec.structure import _sense_labels, _usage_senses

SENTENCE = "the bank of the river was cold"


@pytest.fixture(scope="module")
def built(tiny_model, tmp_path_factory) -> Path:
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    text = ["the river bank was cold", "the bank gave him money", "a bank of snow", "money in the bank"] * 5
    path = tmp_path_factory.mktemp("cache") / "s.store"
    embed(text, path, EncodeSpec(model=str(tiny_model)), device="cpu")
    return path


@pytest.fixture
def store_path(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the tiny store, without word entries."""
    copy = tmp_path / "s.store"
    shutil.copytree(built, copy)
    shutil.rmtree(copy / "words", ignore_errors=True)
    return copy


def _fresh_process() -> None:
    """What a new process has in memory: no profile kept."""
    _usage_senses._cache.clear()


def _similar(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    _fresh_process()
    assert main(["similar", str(path), "bank", "--in", SENTENCE, "-k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    out.pop("seconds", None)
    return out


def _forbid_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed although the store keeps it")

    monkeypatch.setattr(_usage_senses, "_make_profile", refuse)
    monkeypatch.setattr(_sense_labels, "embed_synsets", refuse)


def test_similar_in_answers_the_same_with_a_cold_and_a_warm_cache(store_path, capsys, monkeypatch):
    cold = _similar(store_path, capsys)
    assert cold["queries"][0]["usage"]["wordnet"] is not None  # the WordNet check ran
    entry = word_entry_path(Store.open(store_path), "usage_profile", "bank")
    assert entry.is_file() and word_entry_path(Store.open(store_path), "synset_vectors", "bank").is_file()
    with monkeypatch.context() as m:
        _forbid_computing(m)
        warm = _similar(store_path, capsys)
    assert json.dumps(warm, sort_keys=True) == json.dumps(cold, sort_keys=True)


def test_senses_answer_the_same_with_a_cold_and_a_warm_cache(store_path, capsys, monkeypatch):
    assert main(["senses", str(store_path), "bank", "--json"]) == 0
    cold = json.loads(capsys.readouterr().out)
    with monkeypatch.context() as m:
        _forbid_computing(m)
        assert main(["senses", str(store_path), "bank", "--json"]) == 0
    warm = json.loads(capsys.readouterr().out)
    assert warm == cold


def _kept_key(path: Path) -> dict[str, object]:
    meta, _ = read_entry_file(word_entry_path(Store.open(path), "usage_profile", "bank"))
    return meta["provenance"]


def test_a_version_bump_computes_the_profile_again(store_path, capsys, monkeypatch):
    cold = _similar(store_path, capsys)
    assert _kept_key(store_path)["key"]["version"] == _usage_senses.PROFILE_VERSION
    monkeypatch.setattr(_usage_senses, "PROFILE_VERSION", _usage_senses.PROFILE_VERSION + 1)
    made: list[str] = []
    real = _usage_senses._make_profile
    monkeypatch.setattr(_usage_senses, "_make_profile", lambda *a: made.append("x") or real(*a))
    assert _similar(store_path, capsys) == cold
    assert made == ["x"] and _kept_key(store_path)["key"]["version"] == _usage_senses.PROFILE_VERSION


def test_a_store_rebuilt_with_other_text_gets_its_own_profile(store_path, tiny_model, tmp_path):
    """The words/ folder of one store beside another store's data at the same path: each profile read is
    the fresh computation's for the data there now."""
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    store = Store.open(store_path)
    first = _usage_senses.synset_profile(store, "bank", device="cpu")
    kept = tmp_path / "words"
    shutil.move(store_path / "words", kept)
    shutil.rmtree(store_path)
    text = ["the bank raised its rates", "a bank loan", "the west bank of the river", "bank notes"] * 4
    embed(text, store_path, EncodeSpec(model=str(tiny_model)), device="cpu")
    shutil.move(kept, store_path / "words")
    _fresh_process()
    rebuilt = Store.open(store_path)
    second = _usage_senses.synset_profile(rebuilt, "bank", device="cpu")
    fresh = _usage_senses._make_profile(rebuilt, "bank", None, "cpu")
    assert first is not None and second is not None and fresh is not None
    assert len(second.surprise) == len(rebuilt.occurrences("bank")) != len(first.surprise)
    np.testing.assert_array_equal(second.profile, fresh.profile)
    np.testing.assert_array_equal(second.surprise, fresh.surprise)
    assert _kept_key(store_path)["store"] == store_content_id(rebuilt)  # the stale entry was replaced
    _fresh_process()
    again = _usage_senses.synset_profile(Store.open(store_path), "bank", device="cpu")
    assert again is not None and np.array_equal(again.surprise, fresh.surprise)


def test_a_damaged_entry_gives_the_same_answer_and_is_replaced(store_path, capsys):
    cold = _similar(store_path, capsys)
    entry = word_entry_path(Store.open(store_path), "usage_profile", "bank")
    entry.write_bytes(entry.read_bytes()[:100])
    assert _similar(store_path, capsys) == cold
    assert read_entry_file(entry)[0]["provenance"]["word"] == "bank"  # whole again


def test_a_read_only_store_answers_the_same_and_stays_untouched(store_path, capsys):
    writable = _similar(store_path, capsys)
    shutil.rmtree(store_path / "words")
    before = sorted(str(p.relative_to(store_path)) for p in store_path.rglob("*"))
    subprocess.run(["chmod", "-R", "a-w", str(store_path)], check=True)
    try:
        assert _similar(store_path, capsys) == writable
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(store_path)], check=True)
    assert sorted(str(p.relative_to(store_path)) for p in store_path.rglob("*")) == before


def test_two_processes_asking_at_once_both_answer_and_leave_one_whole_entry(store_path, capsys):
    twin = Path(shutil.copytree(store_path, store_path.with_name("twin.store")))
    expected = {**_similar(twin, capsys), "store": str(store_path)}  # computed apart, in this process
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src"), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, "-m", "ctxvec", "similar", str(store_path), "bank", "--in", SENTENCE, "-k", "3", "--json"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    for out in outs:
        answer = json.loads(out)
        answer.pop("seconds", None)
        assert answer == expected
    folder = word_entry_path(Store.open(store_path), "usage_profile", "bank").parent
    assert (
        len(list(folder.iterdir())) == 1 and read_entry_file(next(folder.iterdir()))[0]["provenance"]["word"] == "bank"
    )
