import json
import subprocess
import sys

import numpy as np
import pytest

from ctxvec.errors import CtxvecError
from ctxvec.sources import VectorSource
from ctxvec.store import MANIFEST, Occurrence, Store, write_store


@pytest.fixture
def small(tmp_path):
    vectors = np.arange(24, dtype=np.float32).reshape(6, 4)
    tokens = ["Cold", "day", "warm", "cold", "x", "y"]
    sentences = ["Cold day", "warm cold", "x y"]
    return write_store(tmp_path / "s.store", vectors, tokens, [0, 0, 1, 1, 2, 2], sentences, dtype="float32")


def test_store_is_a_vector_source(small):
    assert isinstance(small, VectorSource)
    assert (small.n_rows, small.dim, len(small)) == (6, 4, 6)
    np.testing.assert_array_equal(small.get_vectors([1, 3]), np.asarray(small.vectors)[[1, 3]])
    assert small.get_vectors(2).shape == (1, 4)
    blocks = list(small.iter_blocks(4))
    assert [start for start, _ in blocks] == [0, 4]
    np.testing.assert_array_equal(np.concatenate([b for _, b in blocks]), np.asarray(small.vectors))
    assert all(b.dtype == np.float32 for _, b in blocks)


def test_rows_sentences_and_vocabulary(small):
    assert small.sentence(1) == "warm cold"
    occ = small.occurrence(3)
    assert occ == Occurrence(3, 1, 1, "cold", 5, 9, "warm cold")
    assert occ.highlighted() == "warm [cold]"
    assert small.rows_of_sentence(2).tolist() == [4, 5]
    assert small.vocabulary.tolist() == ["cold", "day", "warm", "x", "y"]
    assert small.word_counts.tolist() == [2, 1, 1, 1, 1]
    assert small.occurrences("COLD ").tolist() == [0, 3]
    assert small.n_words == 5 == small.manifest["n_words"]
    with pytest.raises(CtxvecError, match="unknown word 'colt'; closest words in the store: cold"):
        small.word_id("colt")
    with pytest.raises(CtxvecError, match="row 6 is out of range"):
        small.occurrence(6)
    with pytest.raises(CtxvecError, match="sentence 3 is out of range"):
        small.sentence(3)


def test_norms_are_written_with_the_store(small):
    assert (small.path / "norms.npy").is_file()
    np.testing.assert_allclose(small.norms(), np.linalg.norm(np.asarray(small.vectors), axis=1), rtol=1e-6)
    (small.path / "norms.npy").unlink()
    np.testing.assert_allclose(Store.open(small.path).norms(), np.linalg.norm(small.vectors, axis=1), rtol=1e-6)
    assert (small.path / "norms.npy").is_file()


def test_open_refuses_missing_corrupt_old_and_unfinished_stores(small, tmp_path):
    with pytest.raises(CtxvecError, match="is not a ctxvec store"):
        Store.open(tmp_path / "nothing")
    manifest = json.loads((small.path / MANIFEST).read_text())
    for change, message in [
        ({"format_version": 99}, "store format 99"),
        ({"state": "building"}, "unfinished store"),
    ]:
        (small.path / MANIFEST).write_text(json.dumps({**manifest, **change}))
        with pytest.raises(CtxvecError, match=message):
            Store.open(small.path)
    (small.path / MANIFEST).write_text("{not json")
    with pytest.raises(CtxvecError, match="is not valid JSON"):
        Store.open(small.path)


def test_older_manifest_without_n_words_counts_the_vocabulary(small):
    manifest = json.loads((small.path / MANIFEST).read_text())
    del manifest["n_words"]
    (small.path / MANIFEST).write_text(json.dumps(manifest))
    store = Store.open(small.path)
    assert store.n_words == 5 and store.summary().vocabulary == 5


def test_open_and_summary_read_only_the_manifest(small):
    """No pyarrow import and no table read: `ctxvec info` starts in a blink."""
    script = (
        "import sys\n"
        "from ctxvec.store import Store\n"
        f"s = Store.open({str(small.path)!r}).summary()\n"
        "assert s.vocabulary == 5 and s.rows == 6\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyarrow', 'torch', 'sklearn', 'faiss')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_preload_loads_every_lazy_table_once(random_store):
    store = random_store
    assert store.preload() is store
    for name in ("vectors", "tokens", "sentence_ids", "spans", "_positions", "_rows_by_word", "_sentence_texts"):
        assert name in store.__dict__, name
    np.testing.assert_array_equal(store.occurrences("w3"), np.flatnonzero(store.word_ids == store.word_id("w3")))
