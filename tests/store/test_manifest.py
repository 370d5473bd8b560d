import json

import pytest

from ctxvec.errors import CtxvecError
from ctxvec.store import MANIFEST, Store, read_manifest, update_manifest


def test_update_manifest_sets_and_removes_keys_atomically(random_store):
    path = random_store.path
    new = update_manifest(path, {"transform_id": "abc", "transform": {"method": "center"}})
    assert json.loads((path / MANIFEST).read_text()) == new == read_manifest(path)
    assert new["transform_id"] == "abc" and new["n_rows"] == random_store.n_rows
    after = update_manifest(path, {}, remove=["transform_id", "transform", "absent"])
    assert "transform_id" not in after and "transform" not in after
    assert Store.open(path).manifest == after
    assert sorted(p.name for p in path.iterdir() if p.name.startswith(".")) == []


def test_read_manifest_reads_unfinished_stores_and_names_bad_ones(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps({"state": "building"}))
    assert read_manifest(tmp_path)["state"] == "building"
    (tmp_path / MANIFEST).write_text("[1, 2]")
    with pytest.raises(CtxvecError, match="not a JSON object"):
        read_manifest(tmp_path)
    with pytest.raises(CtxvecError, match="no manifest.json"):
        read_manifest(tmp_path / "missing")
