"""`verify_store` / `ctxvec verify`: every byte checked; one line per problem, exit 1; stale caches are notes."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.store import MANIFEST, Store, verify_store, write_store


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    rng = np.random.default_rng(1)
    words = ["cold", "warm", "hot", "ice", "snow", "rain", "bank", "river"]
    sentences = [" ".join(rng.choice(words, 6)) for _ in range(40)]
    tokens = [w for s in sentences for w in s.split()]
    sids = [i for i, s in enumerate(sentences) for _ in s.split()]
    vectors = rng.normal(size=(len(tokens), 12)).astype(np.float16)
    return write_store(tmp_path_factory.mktemp("v") / "p.store", vectors, tokens, sids, sentences).path


@pytest.fixture
def store(pristine, tmp_path) -> Store:
    shutil.copytree(pristine, tmp_path / "s.store")
    return Store.open(tmp_path / "s.store")


def _flip(path: Path, offset: int, xor: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= xor
    path.write_bytes(bytes(data))


def test_a_sound_store_verifies(store, capsys):
    report = verify_store(store.path)
    assert report.ok and report.exit_code == 0 and report.problems == []
    assert {"manifest.json", "vectors.npy", "rows.parquet", "sentences.parquet", "norms.npy"} <= set(report.checked)
    assert main(["verify", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.rstrip().endswith("checked)") and ": ok (" in out


def test_a_flipped_byte_in_the_vectors_passes_info_but_not_verify(store, capsys):
    """The issue: a flipped byte in vectors.npy went unnoticed by info and similar."""
    _flip(store.path / "vectors.npy", (store.path / "vectors.npy").stat().st_size - 5)
    assert main(["info", str(store.path)]) == 0  # open stays cheap: sizes and headers still match
    capsys.readouterr()
    assert main(["verify", str(store.path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("vectors.npy: SHA-256 differs" in line for line in lines)
    assert any("norms.npy" in line and "differ from the vectors" in line for line in lines)
    report = verify_store(store.path)
    assert len(report.problems) == len(lines) == 2 and report.exit_code == 1
    assert main(["verify", str(store.path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"] == report.problems


def test_spans_outside_their_sentence_and_unsorted_ids(store):
    rows = pq.read_table(store.path / "rows.parquet")
    end = rows.column("end").to_numpy().copy()
    end[3] = 999
    sids = rows.column("sentence_id").to_numpy().copy()
    sids[[0, -1]] = sids[[-1, 0]]
    for column, values, needle in [("end", end, "span(s) lie outside"), ("sentence_id", sids, "not sorted")]:
        table = rows.set_column(
            rows.column_names.index(column), column, pa.array(values, rows.schema.field(column).type)
        )
        pq.write_table(table, store.path / "rows.parquet")
        problems = verify_store(store.path).problems
        assert any("rows.parquet: SHA-256 differs" in p for p in problems)
        assert any(needle in p for p in problems), problems


def test_row_count_unlike_the_manifest(store):
    manifest = json.loads((store.path / MANIFEST).read_text())
    manifest["n_sentences"] += 1
    (store.path / MANIFEST).write_text(json.dumps(manifest))
    problems = verify_store(store.path).problems
    assert any("sentences.parquet has 40 sentences, the manifest 41" in p for p in problems), problems


def test_unreadable_manifest_and_unfinished_store_are_problems(store):
    (store.path / MANIFEST).write_text("{")
    report = verify_store(store.path)
    assert report.exit_code == 1 and len(report.problems) == 1 and "not valid JSON" in report.problems[0]
    (store.path / "empty").mkdir()
    assert verify_store(store.path / "empty").problems[0].endswith("build one with ctxvec.embed or `ctxvec embed`")
    with pytest.raises(CtxvecError, match="does not exist"):
        verify_store(store.path / "nothing")


def test_caches_current_stale_and_damaged(store):
    from ctxvec.lexicon import word_types
    from ctxvec.neighbours import build_index
    from ctxvec.space import apply_transform

    word_types(store)
    build_index(store, "flat")
    report = verify_store(store.path)
    assert report.ok and report.notes == [] and {"types.parquet", "index/flat.json"} <= set(report.checked)

    apply_transform(store, "center", in_place=True)
    store = Store.open(store.path)
    store.norms()
    word_types(store)
    report = verify_store(store.path)
    assert report.ok, report.problems
    assert any("index/flat.faiss was built from other vectors" in n for n in report.notes)
    assert any("types.parquet was built from other vectors" in n for n in report.notes)
    assert f"norms.{store.transform_id}.npy" in report.checked

    tid = store.transform_id
    np.save(store.path / f"types.{tid}.npy", np.zeros((2, store.dim), np.float32))  # current record, wrong shape
    np.save(store.path / f"norms.{tid}.npy", np.ones(store.n_rows, np.float32))  # wrong values
    mean = store.path / "transform" / "mean_.npy"
    kept = mean.read_bytes()
    np.save(mean, np.load(mean) + 1)  # the transform's content no longer matches its id
    problems = verify_store(store.path).problems
    assert len(problems) == 1 and "holds transform" in problems[0] and tid in problems[0]
    mean.write_bytes(kept)
    problems = verify_store(store.path).problems
    assert any(f"types.{tid}.npy has shape (2, 12)" in p for p in problems), problems
    assert any(f"norms.{tid}.npy: norms differ" in p for p in problems), problems


@settings(max_examples=25)
@given(
    name=st.sampled_from(["vectors.npy", "rows.parquet", "sentences.parquet"]),
    where=st.floats(0, 1, exclude_max=True),
    xor=st.integers(1, 255),
)
def test_any_flipped_byte_of_a_checksummed_file_is_found(pristine, name, where, xor):
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "c.store"
        shutil.copytree(pristine, copy)
        path = copy / name
        _flip(path, int(where * path.stat().st_size), xor)
        problems = verify_store(copy).problems
        assert problems and all("\n" not in p for p in problems)
        assert any(name in p for p in problems)
