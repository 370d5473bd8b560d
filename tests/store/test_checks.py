"""Cheap checks on every open: a damaged store gives one line naming the file and the fix, never a traceback."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.store import MANIFEST, Store
from ctxvec.store._checks import REQUIRED_KEYS


def _manifest(store) -> dict:
    return json.loads((store.path / MANIFEST).read_text())


def _info_fails(path, capsys, *needles: str) -> str:
    assert main(["info", str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("ctxvec: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and captured.out == ""
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def test_truncated_vectors(random_store, capsys):
    path = random_store.path / "vectors.npy"
    os.truncate(path, path.stat().st_size - 7)
    err = _info_fails(random_store.path, capsys, "vectors.npy", "bytes", "embed the corpus again")
    assert "manifest records" in err


def test_truncated_vectors_of_a_store_without_file_bytes(random_store, capsys):
    manifest = _manifest(random_store)
    del manifest["file_bytes"], manifest["n_words"]  # an older store: still opens when sound
    (random_store.path / MANIFEST).write_text(json.dumps(manifest))
    assert Store.open(random_store.path).n_rows == random_store.n_rows
    path = random_store.path / "vectors.npy"
    os.truncate(path, path.stat().st_size - 64)
    _info_fails(random_store.path, capsys, "vectors.npy is truncated")


def test_vectors_with_another_shape(random_store, capsys):
    n, dim = random_store.n_rows, random_store.dim
    np.save(random_store.path / "vectors.npy", np.zeros((n * dim // 2, 2), np.float32))
    manifest = _manifest(random_store)
    manifest["file_bytes"]["vectors.npy"] = (random_store.path / "vectors.npy").stat().st_size
    (random_store.path / MANIFEST).write_text(json.dumps(manifest))
    _info_fails(random_store.path, capsys, "vectors.npy holds float32", f"({n}, {dim})")


@pytest.mark.parametrize("name", ["rows.parquet", "sentences.parquet", "vectors.npy"])
def test_deleted_data_file(random_store, capsys, name):
    (random_store.path / name).unlink()
    _info_fails(random_store.path, capsys, f"{name} is missing", "restore the store")


def test_damaged_norms_say_delete_them(random_store, capsys):
    np.save(random_store.path / "norms.npy", np.zeros(3, np.float32))
    _info_fails(random_store.path, capsys, "norms.npy", "delete it")
    (random_store.path / "norms.npy").unlink()
    assert Store.open(random_store.path).norms().shape == (random_store.n_rows,)  # rebuilt on use


@pytest.mark.parametrize(
    ("text", "needle"),
    [("{not json", "is not valid JSON"), ("[1, 2]", "is not a JSON object"), (b"\xff\xfe\x00", "is not valid JSON")],
)
def test_manifest_that_is_not_a_json_object(random_store, capsys, text, needle):
    mf = random_store.path / MANIFEST
    mf.write_bytes(text if isinstance(text, bytes) else text.encode())
    _info_fails(random_store.path, capsys, "manifest.json", needle)


@pytest.mark.parametrize("key", [k for k in REQUIRED_KEYS[1] if k not in ("format_version", "state")])
def test_manifest_lacking_a_key(random_store, capsys, key):
    manifest = _manifest(random_store)
    del manifest[key]
    (random_store.path / MANIFEST).write_text(json.dumps(manifest))
    _info_fails(random_store.path, capsys, "manifest.json", f"lacks the key {key!r}", "format version 1")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"n_rows": "600"}, "n_rows is '600', not a JSON int"),
        ({"dim": True}, "dim is True"),
        ({"checksums": {}}, "no SHA-256 for vectors.npy"),
        ({"dtype": "int8"}, "not a float type"),
        ({"format_version": None}, "store format None"),
        ({"model": {}}, "model has no name"),
    ],
)
def test_manifest_with_wrong_values(random_store, capsys, change, needle):
    (random_store.path / MANIFEST).write_text(json.dumps({**_manifest(random_store), **change}))
    _info_fails(random_store.path, capsys, needle)


def test_open_reads_no_data(random_store, monkeypatch):
    """The cheap checks read headers and sizes only: no table, no memory map."""
    (random_store.path / "rows.parquet").write_bytes(b"x" * (random_store.path / "rows.parquet").stat().st_size)
    store = Store.open(random_store.path)  # same size, other bytes: only `verify` reads them
    assert "rows" not in store.__dict__ and "vectors" not in store.__dict__
    with pytest.raises(CtxvecError):
        Store.open(random_store.path / "missing")
