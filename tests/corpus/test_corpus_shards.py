"""Corpus input beyond one file: globs of shards and Hugging Face `datasets` folders (save_to_disk layout)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ctxvec.corpus import read_corpus
from ctxvec.errors import CtxvecError, ParameterError


def write_shards(folder, n_shards: int = 3, per_shard: int = 4) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for s in range(n_shards):
        shard = [f"shard {s} sentence {i}." for i in range(per_shard)]
        pq.write_table(pa.table({"body": shard, "n": list(range(per_shard))}), folder / f"part-{s:03d}.parquet")
        texts += shard
    return texts


def write_saved_dataset(folder, texts: list[str], n_files: int = 2) -> None:
    """The folder `datasets.Dataset.save_to_disk` writes: Arrow stream files, state.json, dataset_info.json."""
    folder.mkdir(parents=True)
    schema = pa.schema([("text", pa.string()), ("label", pa.int64())])
    names = []
    per_file = -(-len(texts) // n_files)
    for f in range(n_files):
        name = f"data-{f:05d}-of-{n_files:05d}.arrow"
        part = texts[f * per_file : (f + 1) * per_file]
        with pa.OSFile(str(folder / name), "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
            for start in range(0, len(part), 2):  # several record batches per file
                chunk = part[start : start + 2]
                writer.write_batch(pa.record_batch([pa.array(chunk), pa.array([0] * len(chunk))], schema=schema))
        names.append({"filename": name})
    (folder / "state.json").write_text(json.dumps({"_data_files": names, "_split": None}))
    (folder / "dataset_info.json").write_text(json.dumps({"features": {"text": {"dtype": "string"}}}))


def test_glob_of_parquet_shards_in_order(tmp_path):
    texts = write_shards(tmp_path / "shards")
    (tmp_path / "shards" / "notes.txt").write_text("not matched\n")
    c = read_corpus(str(tmp_path / "shards" / "*.parquet"), column="body")
    assert c.texts == texts
    assert len(set(c.doc_ids.tolist())) == len(texts)  # each record a document
    assert [p.rsplit("/", 1)[1] for p in c.sources] == ["part-000.parquet", "part-001.parquet", "part-002.parquet"]


def test_glob_errors_are_one_line(tmp_path):
    write_shards(tmp_path / "s")
    with pytest.raises(CtxvecError, match="matched no files"):
        read_corpus(str(tmp_path / "s" / "*.jsonl"))
    (tmp_path / "s" / "extra.jsonl").write_text('{"body": "x y"}\n')
    with pytest.raises(CtxvecError, match=r"several formats \(\.jsonl, \.parquet\)"):
        read_corpus(str(tmp_path / "s" / "*"), column="body")
    (tmp_path / "u").mkdir()
    (tmp_path / "u" / "a.bin").write_bytes(b"\x00")
    with pytest.raises(CtxvecError, match=r"unknown format \(\.bin\)"):
        read_corpus(str(tmp_path / "u" / "*"))
    with pytest.raises(ParameterError, match="no column 'text'"):
        read_corpus(str(tmp_path / "s" / "*.parquet"))


def test_saved_datasets_folder_read_from_arrow(tmp_path):
    texts = [f"Sentence number {i} here." for i in range(7)]
    write_saved_dataset(tmp_path / "ds", texts)
    c = read_corpus(tmp_path / "ds")
    assert c.texts == texts and len(c) == 7
    assert all(p.endswith(".arrow") for p in c.sources) and len(c.sources) == 2
    with pytest.raises(ParameterError, match=r"no column 'body' \(has: text, label\)"):
        read_corpus(tmp_path / "ds", column="body")
    with pytest.raises(ParameterError, match="holds int64, not text"):
        read_corpus(tmp_path / "ds", column="label")
    (tmp_path / "ds" / "data-00001-of-00002.arrow").unlink()
    with pytest.raises(CtxvecError, match="without its Arrow files"):
        read_corpus(tmp_path / "ds")
