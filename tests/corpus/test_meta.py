"""Document metadata: read from record fields or file names, typed, kept in the store, filtered by slices."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.corpus import read_corpus
from ctxvec.corpus._meta import typed_column
from ctxvec.errors import CtxvecError, ParameterError


def test_jsonl_fields_typed_per_document(tmp_path):
    f = tmp_path / "c.jsonl"
    rows = [
        {"text": "One. Two.", "year": 1850, "source": "times"},
        {"text": "   "},  # no sentences: no document, no metadata row
        {"text": "Three.", "year": 1950.5, "source": "guardian"},
        {"text": "Four.", "source": "guardian"},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows))
    c = read_corpus(f, split=True, meta=["year", "source"])
    assert c.texts == ["One.", "Two.", "Three.", "Four."]
    assert c.doc_ids.tolist() == [0, 0, 1, 2]
    assert c.meta is not None and c.meta.num_rows == 3
    assert c.meta.schema.field("year").type == pa.float64()  # an int and a float: float
    assert c.meta.column("year").to_pylist() == [1850.0, 1950.5, None]
    assert c.meta.column("source").to_pylist() == ["times", "guardian", "guardian"]
    assert c.sentence_meta(1, 4).column("source").to_pylist() == ["times", "guardian", "guardian"]
    # the metadata is part of the corpus's identity (resume)
    plain = read_corpus(f, split=True)
    assert plain.fingerprint() != c.fingerprint()


def test_csv_text_is_typed_and_parquet_types_kept(tmp_path):
    (tmp_path / "a.csv").write_text("text,year,kind\nalpha,1850,x\nbeta,1901,y\n")
    c = read_corpus(tmp_path / "a.csv", meta=["year", "kind"])
    assert c.meta.schema.field("year").type == pa.int64() and c.meta.column("year").to_pylist() == [1850, 1901]
    pq.write_table(pa.table({"text": ["a", "b"], "flag": [True, False]}), tmp_path / "b.parquet")
    c = read_corpus(tmp_path / "b.parquet", meta=["flag"])
    assert c.meta.column("flag").to_pylist() == [True, False]


def test_text_files_take_metadata_from_their_names(tmp_path):
    (tmp_path / "1850_times.txt").write_text("Old news.\n\nMore old news.\n")
    (tmp_path / "1990_guardian.txt").write_text("New news.\n")
    c = read_corpus(tmp_path, meta=["year", "source", "file"])
    assert c.meta.column("year").to_pylist() == [1850, 1850, 1990]
    assert c.meta.column("source").to_pylist() == ["times", "times", "guardian"]
    assert c.meta.column("file").to_pylist() == ["1850_times.txt", "1850_times.txt", "1990_guardian.txt"]
    g = read_corpus(str(tmp_path / "*.txt"), meta=["year", "source"])
    assert g.meta.column("year").to_pylist() == [1850, 1850, 1990]
    (tmp_path / "odd.txt").write_text("x\n")
    with pytest.raises(CtxvecError, match="odd.*1 '_'-separated part.*2 metadata name"):
        read_corpus(tmp_path, meta=["year", "source"])


def test_bad_metadata_names(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"text": "a", "year": 1}\n')
    for names, msg in [(["text"], "every store has"), (["a b"], "not a usable"), (["and"], "not a usable"),
                       (["year", "year"], "twice"), (["decade"], "no document has a value for 'decade'")]:  # fmt: skip
        with pytest.raises(ParameterError, match=msg) as e:
            read_corpus(f, meta=names)
        assert e.value.name == "meta"
    with pytest.raises(ParameterError, match="built-in"):
        read_corpus("lee", meta=["year"])


@given(st.lists(st.integers(-(10**12), 10**12) | st.none(), min_size=1, max_size=20))
@settings(max_examples=50, deadline=None)
def test_integer_text_round_trips_as_int64(values):
    if all(v is None for v in values):
        return
    col = typed_column("x", [None if v is None else str(v) for v in values])
    assert col.type == pa.int64() and col.to_pylist() == values


def test_embed_keeps_metadata_and_old_stores_still_open(tmp_path, tiny_model, capsys):
    f = tmp_path / "c.jsonl"
    f.write_text("\n".join(json.dumps({"text": f"the cat sat number {i}", "year": 1800 + 50 * i}) for i in range(6)))
    out = tmp_path / "s.store"
    code = main(["embed", str(f), "-o", str(out), "--model", str(tiny_model), "--meta", "year", "-q", "--json"])
    assert code == 0, capsys.readouterr().err
    info = json.loads(capsys.readouterr().out)
    assert info["metadata"] == {"year": "int64"}
    table = pq.read_table(out / "sentences.parquet")
    assert table.column_names == ["sentence_id", "doc_id", "text", "year"]
    assert table.column("year").to_pylist() == [1800 + 50 * i for i in range(6)]
    assert main(["verify", str(out)]) == 0
    capsys.readouterr()
    damaged = tmp_path / "damaged.store"  # the manifest and the table disagree about the metadata
    import shutil

    from ctxvec.store import update_manifest

    shutil.copytree(out, damaged)
    update_manifest(damaged, {"metadata": {"year": "string"}})
    assert main(["verify", str(damaged)]) == 1
    assert "metadata columns {'year': 'int64'} are not the manifest's {'year': 'string'}" in capsys.readouterr().out
    from ctxvec.slices import meta_columns, slice_rows
    from ctxvec.store import Store

    store = Store.open(out)
    assert meta_columns(store) == {"year": "int64"}
    rows = slice_rows(store, "year < 1900")
    assert set(store.sentence_ids[rows].tolist()) == {0, 1}
    with pytest.raises(CtxvecError, match="leaves no sentence"):
        slice_rows(store, "year > 3000")
    # a store without metadata: no columns, a slice names what it has
    plain = main(["embed", str(f), "-o", str(tmp_path / "p.store"), "--model", str(tiny_model), "-q", "--json"])
    assert plain == 0 and json.loads(capsys.readouterr().out)["metadata"] == {}
    with pytest.raises(ParameterError, match="no metadata column 'year' .*has: doc_id, sentence_id\\)"):
        slice_rows(Store.open(tmp_path / "p.store"), "year < 1900")
    assert np.array_equal(slice_rows(store, None), np.arange(store.n_rows))
