import json

import pytest

from ctxvec.cli import main
from ctxvec.results import Result
from ctxvec.store import StoreSummary, update_manifest

KEYS = [
    "path", "model", "weights_sha256", "corpus", "rows", "sentences", "documents", "dim", "dtype", "unit",
    "pooling", "layers", "keep_special", "max_length", "windowed_sentences", "model_tokens", "vocabulary",
    "size_mb", "metadata",
]  # fmt: skip


def test_summary_is_a_result_with_the_same_keys(random_store):
    s = random_store.summary()
    assert isinstance(s, StoreSummary) and isinstance(s, Result)
    d = s.to_dict()
    assert list(d) == KEYS
    assert d["rows"] == 600 and d["sentences"] == 60 and d["dim"] == 16 and d["vocabulary"] == 30
    assert d["model"] == "arrays" and d["unit"] == "" and d["dtype"] == "float32"
    size = sum(f.stat().st_size for f in random_store.path.iterdir() if f.is_file())
    assert d["size_mb"] == round(size / 2**20, 1)
    assert json.loads(s.to_json()) == d


def test_summary_shows_an_in_place_transform(random_store, tmp_path):
    import shutil

    from ctxvec.space import apply_transform
    from ctxvec.store import Store

    copy = Store.open(shutil.copytree(random_store.path, tmp_path / "t.store"))
    result = apply_transform(copy, "center", in_place=True)
    d = Store.open(copy.path).summary().to_dict()
    assert list(d) == [*KEYS, "transform"] and d["transform"]["transform_id"] == result.transform_id


def test_summary_ignores_a_transform_entry_without_its_folder(random_store):
    """What a kill between the manifest update and the folder's rename leaves: no transform is applied,
    so none is reported."""
    update_manifest(random_store.path, {"transform": {"method": "center"}, "transform_id": "center-0123456789ab"})
    from ctxvec.store import Store

    store = Store.open(random_store.path)
    assert "transform" not in store.summary().to_dict() and store.transform_id is None


def test_cli_info_json_is_the_summary(random_store, capsys: pytest.CaptureFixture[str]):
    assert main(["info", str(random_store.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == random_store.summary().to_dict()
    assert main(["info", str(random_store.path)]) == 0
    out = capsys.readouterr().out
    assert "vocabulary" in out and "600" in out
    assert main(["info", str(random_store.path / "nope")]) == 2
    assert "is not a ctxvec store" in capsys.readouterr().err
