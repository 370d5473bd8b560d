"""Export: word2vec files gensim loads unchanged; Embedding Projector TSVs with occurrence metadata."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.lexicon import WordTypes, export, export_projector, export_word2vec, word_types
from ctxvec.store import Store


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_loads_in_gensim_with_identical_vectors(random_store: Store, tmp_path: Path, binary: bool) -> None:
    types = word_types(random_store)
    res = export_word2vec(types, tmp_path / "w.bin", binary=binary)
    kv = KeyedVectors.load_word2vec_format(str(res.files[0]), binary=binary)
    assert res.n_types == len(types) == len(kv.index_to_key)
    order = types.frequency_order()
    assert kv.index_to_key == [str(w) for w in types.words[order]]  # most frequent first
    for w in types.words:
        np.testing.assert_array_equal(kv[str(w)], types.vectors[types.index(w)])


def test_word2vec_keys_without_whitespace_and_unique(tmp_path: Path) -> None:
    words = np.asarray(["new york", "new_york", "paris", "a\tb"], dtype=object)
    types = WordTypes(words, np.asarray([3, 2, 1, 1]), np.arange(8, dtype=np.float32).reshape(4, 2))
    res = export_word2vec(types, tmp_path / "w.txt")
    kv = KeyedVectors.load_word2vec_format(str(res.files[0]))
    assert kv.index_to_key == ["new_york", "paris", "a_b"]  # the second "new_york" is dropped
    np.testing.assert_array_equal(kv["new_york"], [0, 1])


def test_projector_files(random_store: Store, tmp_path: Path) -> None:
    res = export_projector(random_store, tmp_path / "proj", occurrences=50)
    vectors = (tmp_path / "proj" / "vectors.tsv").read_text().splitlines()
    meta = [line.split("\t") for line in (tmp_path / "proj" / "metadata.tsv").read_text().splitlines()]
    assert meta[0] == ["label", "kind", "word", "count", "row", "sentence"]
    assert len(vectors) == len(meta) - 1 == res.n_types + res.n_occurrences == 30 + 50
    assert all(len(v.split("\t")) == random_store.dim for v in vectors)
    assert all(len(m) == 6 for m in meta)
    kinds = [m[1] for m in meta[1:]]
    assert kinds == ["type"] * 30 + ["occurrence"] * 50
    first_occ = meta[31]
    row = int(first_occ[4])
    occ = random_store.occurrence(row)
    assert first_occ[5] == occ.highlighted() and first_occ[2] == occ.token
    np.testing.assert_allclose(
        [float(x) for x in vectors[30].split("\t")], random_store.get_vectors([row])[0], rtol=1e-5
    )
    rows = [int(m[4]) for m in meta[31:]]
    assert rows == sorted(set(rows))


def test_projector_words_filter_and_sanitised_sentences(make_store, tmp_path: Path) -> None:
    sentences = ["cold\tday here", "a cold\nnight", "warm sun"]
    tokens = ["cold", "day", "here", "a", "cold", "night", "warm", "sun"]
    sids = [0, 0, 0, 1, 1, 1, 2, 2]
    store = make_store(np.random.default_rng(0).normal(size=(8, 4)).astype(np.float32), tokens, sids, sentences)
    res = export_projector(store, tmp_path / "p", words=["Cold", "warm"])
    meta = (tmp_path / "p" / "metadata.tsv").read_text().splitlines()
    assert res.n_types == 2 and res.n_occurrences == 3 and len(meta) == 6
    assert "a [cold] night" in meta[4] and "[cold] day here" in meta[3]
    with pytest.raises(CtxvecError, match="unknown word 'colld'"):
        export_projector(store, tmp_path / "q", words=["colld"])
    with pytest.raises(ParameterError, match="occurrences must be 0 or more") as e:
        export_projector(store, tmp_path / "q", occurrences=-1)
    assert e.value.name == "occurrences"


def test_export_dispatch_and_min_count(random_store: Store, tmp_path: Path) -> None:
    res = export(random_store, tmp_path / "w.txt", min_count=25)
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "w.txt"))
    assert len(kv.index_to_key) == res.n_types == int((random_store.word_counts >= 25).sum())
    with pytest.raises(CtxvecError, match="unknown export format 'glove'"):
        export(random_store, tmp_path / "x", format="glove")


def test_cli_export(random_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "v.txt"
    assert main(["export", str(random_store.path), "-o", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["types"] == 30 and Path(info["files"][0]) == out
    assert len(KeyedVectors.load_word2vec_format(str(out)).index_to_key) == 30
    proj = tmp_path / "proj"
    assert (
        main(["export", str(random_store.path), "--format", "projector", "-o", str(proj), "--occurrences", "10"]) == 0
    )
    assert "30 word types and 10 occurrences" in capsys.readouterr().out
    assert main(["export", str(random_store.path), "-o", str(tmp_path / "w.txt"), "--words", "nope"]) == 2
    assert "unknown word 'nope'" in capsys.readouterr().err


def test_exported_to_dict_is_the_cli_json(
    random_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    res = export(random_store, tmp_path / "p", format="projector", occurrences=7)
    assert res.to_dict() == {
        "format": "projector",
        "files": [str(tmp_path / "p" / "vectors.tsv"), str(tmp_path / "p" / "metadata.tsv")],
        "types": 30,
        "occurrences": 7,
    }
    argv = ["export", str(random_store.path), "--format", "projector", "-o", str(tmp_path / "p"), "--occurrences", "7"]
    assert main([*argv, "--json"]) == 2  # an existing export is refused...
    assert "already exists" in capsys.readouterr().err
    assert main([*argv, "--json", "--force"]) == 0  # ...unless replaced on purpose
    assert json.loads(capsys.readouterr().out) == res.to_dict()
    assert sorted(f.name for f in (tmp_path / "p").iterdir()) == ["metadata.tsv", "vectors.tsv"]  # no temp files


def test_projector_failure_leaves_no_file_at_its_final_name(
    random_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing (here: reading an occurrence) leaves neither file, complete or half-written."""

    def broken(row: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(Store, "occurrence", lambda self, row: broken(row))
    with pytest.raises(OSError, match="disk gone"):
        export_projector(random_store, tmp_path / "p", occurrences=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s0.store"]  # neither the folder nor a temporary sibling
