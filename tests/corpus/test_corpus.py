import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ctxvec.corpus import read_corpus
from ctxvec.errors import CtxvecError, ParameterError


def test_text_file_one_sentence_a_line_blank_line_ends_document(tmp_path):
    f = tmp_path / "c.txt"
    f.write_text("First sentence.\nSecond one.\n\n\nThird, new doc.\n")
    c = read_corpus(f)
    assert c.texts == ["First sentence.", "Second one.", "Third, new doc."]
    assert c.doc_ids.tolist() == [0, 0, 1]


def test_split_sentences_of_paragraph_text(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("One sentence here. Another follows! A third?\n")
    assert read_corpus(f, split=True).texts == ["One sentence here.", "Another follows!", "A third?"]


def test_jsonl_csv_tsv_parquet_columns(tmp_path):
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps({"body": t, "x": 1}) for t in ["alpha beta", "gamma"]))
    (tmp_path / "b.csv").write_text('id,body\n1,"delta, epsilon"\n2,zeta\n')
    (tmp_path / "c.tsv").write_text("body\tid\neta\t1\n")
    pq.write_table(pa.table({"body": ["theta", "iota"]}), tmp_path / "d.parquet")
    c = read_corpus(tmp_path, column="body")  # a folder: files in sorted order
    assert c.texts == ["alpha beta", "gamma", "delta, epsilon", "zeta", "eta", "theta", "iota"]
    assert len(np.unique(c.doc_ids)) == 7  # every record of a table or jsonl is a document


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_unknown_column_is_named(tmp_path, suffix):
    f = tmp_path / f"x{suffix}"
    if suffix == ".jsonl":
        f.write_text('{"text": "a b"}\n')
    elif suffix == ".csv":
        f.write_text("text\na b\n")
    else:
        pq.write_table(pa.table({"text": ["a b"]}), f)
    with pytest.raises(ParameterError, match="no (field|column) 'body'.*; pass column NAME") as e:
        read_corpus(f, column="body")
    assert e.value.name == "column" and e.value.message_for("--column").endswith("pass --column NAME")


def test_undecodable_bytes_name_file_and_line(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"fine line\nbad \xff\xfe line\n")
    with pytest.raises(CtxvecError, match=r"bad.txt line 2: bytes that are not UTF-8"):
        read_corpus(f)


def test_missing_and_empty_inputs(tmp_path):
    with pytest.raises(CtxvecError, match="not found"):
        read_corpus(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_text("\n\n  \n")
    with pytest.raises(CtxvecError, match="no sentences"):
        read_corpus(tmp_path / "empty.txt")
    (tmp_path / "d").mkdir()
    with pytest.raises(CtxvecError, match="holds no corpus files"):
        read_corpus(tmp_path / "d")


def test_builtin_lee_and_wiki_read_offline():
    lee = read_corpus("lee")
    assert 2500 < len(lee) < 2900 and lee.doc_ids.max() == 299
    wiki = read_corpus("wiki")
    assert 17000 < len(wiki) < 18500
    words = sum(len(s.split()) for s in wiki.texts)
    assert 370_000 < words < 410_000
    assert not any("''" in s or s.startswith("==") or "[[" in s for s in wiki.texts)


def test_fingerprint_changes_with_text():
    a = read_corpus(["one two", "three"])
    b = read_corpus(["one two", "three!"])
    assert a.fingerprint() != b.fingerprint() and a.fingerprint() == read_corpus(["one two", "three"]).fingerprint()


def test_bad_limit_names_the_parameter():
    with pytest.raises(ParameterError, match="^limit must be at least 1, got 0$"):
        read_corpus(["a b"], limit=0)


def test_corpus_modules_form_no_cycle():
    """_types <- _builtin <- _read: the built-in corpora need the Corpus type, not the reader."""
    import ast
    from pathlib import Path

    import ctxvec.corpus as pkg

    folder = Path(pkg.__file__).parent
    for name in ("_types", "_builtin"):
        tree = ast.parse((folder / f"{name}.py").read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1}
        assert "_read" not in imported, f"corpus.{name} imports corpus._read"
