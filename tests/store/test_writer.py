import json

import numpy as np
import pyarrow as pa
import pytest

from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.store import Store, StoreWriter, write_store


def tables(n_rows: int, n_sentences: int) -> tuple[pa.Table, pa.Table]:
    sids = np.repeat(np.arange(n_sentences), n_rows // n_sentences)
    rows = pa.table(
        {
            "sentence_id": sids,
            "position": np.zeros(n_rows, np.int32),
            "token": [f"w{i % 3}" for i in range(n_rows)],
            "start": np.zeros(n_rows, np.int32),
            "end": np.zeros(n_rows, np.int32),
        }
    )
    sentences = pa.table(
        {
            "sentence_id": np.arange(n_sentences),
            "doc_id": np.zeros(n_sentences, np.int64),
            "text": ["s"] * n_sentences,
        }
    )
    return rows, sentences


def test_write_row_ids_in_any_order_and_ranges(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype(np.float32)
    rows, sentences = tables(10, 5)
    w = StoreWriter.create(tmp_path / "s", {"model": {"name": "arrays"}}, rows, sentences, 3, "float32")
    order = np.array([7, 8, 9, 0, 2, 1])
    w.write(order, x[order])
    w.write_range(3, x[3:7])
    w.flush()
    store = w.finalize()
    np.testing.assert_array_equal(np.asarray(store.vectors), x)
    m = json.loads((store.path / "manifest.json").read_text())
    assert m["state"] == "complete" and m["n_words"] == 3
    assert set(m["checksums"]) == {"vectors.npy", "rows.parquet", "sentences.parquet"}
    assert m["file_bytes"]["vectors.npy"] == (store.path / "vectors.npy").stat().st_size
    assert not list(store.path.glob("*.tmp*")) and not list(store.path.glob(".*"))


def test_write_range_and_scattered_rows_fill_the_same_vectors(tmp_path):
    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    rows, sentences = tables(4, 2)
    w = StoreWriter.create(tmp_path / "s", {"model": {"name": "arrays"}}, rows, sentences, 2, "float16")
    w.write_range(2, x[2:])
    w.write(np.array([1, 0]), x[[1, 0]])
    np.testing.assert_array_equal(w.finalize().vectors, x.astype(np.float16))


def test_resume_finishes_and_abort_removes(tmp_path):
    x = np.arange(8, dtype=np.float32).reshape(4, 2)
    rows, sentences = tables(4, 2)
    w = StoreWriter.create(tmp_path / "s", {"model": {"name": "arrays"}, "extra": 1}, rows, sentences, 2, "float32")
    w.write_range(0, x[:2])
    w.flush()
    with pytest.raises(CtxvecError, match="unfinished store"):
        Store.open(tmp_path / "s")
    again = StoreWriter.resume(tmp_path / "s")
    assert again.manifest["extra"] == 1 and again.shape == (4, 2)
    again.write_range(2, x[2:])
    store = again.finalize(note="done")
    np.testing.assert_array_equal(np.asarray(store.vectors), x)
    assert store.manifest["note"] == "done"
    with pytest.raises(CtxvecError, match="is not empty"):
        StoreWriter.create(tmp_path / "s", {}, rows, sentences, 2)
    w = StoreWriter.create(tmp_path / "t", {"model": {"name": "arrays"}}, rows, sentences, 2)
    w.abort()
    assert not (tmp_path / "t").exists()
    with pytest.raises(CtxvecError, match="closed"):
        w.write_range(0, x)


def test_write_store_checks_its_arrays(tmp_path):
    x = np.zeros((3, 2), np.float32)
    with pytest.raises(ParameterError, match="same length") as e:
        write_store(tmp_path / "a", x, ["a", "b"], [0, 0, 0], ["a b c"])
    assert e.value.name == "vectors"
    with pytest.raises(ValueError, match="sorted by sentence id"):  # a ValueError as before
        write_store(tmp_path / "b", x, ["a", "b", "c"], [1, 0, 0], ["a", "b c"])


def test_write_store_finds_spans_and_positions(tmp_path):
    store = write_store(tmp_path / "s", np.zeros((4, 2)), ["to", "be", "to", "zz"], [0, 0, 0, 1], ["to be or to", "q"])
    assert store.spans.tolist() == [[0, 2], [3, 5], [9, 11], [0, 0]]
    assert store.rows.column("position").to_pylist() == [0, 1, 2, 0]
    assert store.manifest["dtype"] == "float64"
