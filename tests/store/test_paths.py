"""A store folder is untrusted input: names from its manifest never lead ctxvec outside it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.store import MANIFEST, Store, write_store
from ctxvec.store._paths import check_name, inside_store

OPENED: list[str] = []
_WATCH = {"on": False}


def _audit(event: str, args: tuple) -> None:
    if _WATCH["on"] and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        OPENED.append(str(args[0] if not isinstance(args[0], bytes) else args[0].decode()))


sys.addaudithook(_audit)


def _opened_during(fn) -> tuple[object, list[str]]:
    OPENED.clear()
    _WATCH["on"] = True
    try:
        result = fn()
    finally:
        _WATCH["on"] = False
    return result, list(OPENED)


def _edit_manifest(path: Path, **changes: object) -> None:
    manifest = json.loads((path / MANIFEST).read_text())
    manifest.update(changes)
    (path / MANIFEST).write_text(json.dumps(manifest))


def _centered_store(base: Path) -> Store:
    from ctxvec.space import apply_transform

    rng = np.random.default_rng(0)
    words = ["cold", "warm", "hot", "ice", "snow", "rain"]
    sentences = [" ".join(rng.choice(words, 5)) for _ in range(12)]
    tokens = [w for s in sentences for w in s.split()]
    sids = [i for i, s in enumerate(sentences) for _ in s.split()]
    store = write_store(base / "s.store", rng.normal(size=(len(tokens), 8)).astype(np.float32), tokens, sids, sentences)
    apply_transform(store, "center", in_place=True)
    return Store.open(store.path)


@given(st.text(max_size=40))
def test_check_name_accepts_only_plain_names(name):
    ok = name != "" and "/" not in name and "\\" not in name and ".." not in name
    try:
        assert check_name(name, "x", "m.json") == name
        assert ok and name[0] not in ".-+" and all(c.isascii() and (c.isalnum() or c in "._+-") for c in name)
    except CtxvecError as e:
        assert repr(name) in str(e) and "\n" not in str(e)


def test_inside_store_refuses_links_leading_out(tmp_path):
    store = tmp_path / "s.store"
    store.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (store / "transform").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CtxvecError, match="leads outside the store"):
        inside_store(store, "transform")
    assert inside_store(store, "index", "hnsw.json") == store / "index" / "hnsw.json"
    for bad in ["../x", "/etc/passwd", "a/b", "..", ".hidden", ""]:
        with pytest.raises(CtxvecError, match="bad name"):
            inside_store(store, bad)


def test_transform_id_escaping_the_store_writes_nothing_outside(tmp_path, capsys):
    """The issue's exploit: transform_id ``x/../../../../ESCAPED`` made `similar` and `types` write
    ESCAPED.npy / ESCAPED.parquet three levels above the store."""
    base = tmp_path / "a" / "b" / "c"
    base.mkdir(parents=True)
    store = _centered_store(base)
    for d in ("norms.x", "types.x"):  # make the traversal resolvable, as a crafted store would
        (store.path / d).mkdir()
    _edit_manifest(store.path, transform_id="x/../../../../ESCAPED")
    for argv in (["similar", str(store.path), "cold", "-k", "2"], ["types", str(store.path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "transform_id" in err and "ESCAPED" in err
    with pytest.raises(CtxvecError, match="bad transform_id"):
        Store.open(store.path)
    assert [p for p in tmp_path.rglob("*ESCAPED*")] == []


def test_applied_transform_path_pointing_elsewhere_is_never_opened(tmp_path, tiny_model, capsys):
    """The issue's exploit: a transform path in the manifest pointing to another folder was opened by
    `similar --in`."""
    from ctxvec import EncodeSpec, embed
    from ctxvec.space import apply_transform

    src = embed(
        ["the cold day", "a warm river bank", "snow and ice"], tmp_path / "e.store", EncodeSpec(model=str(tiny_model))
    )
    apply_transform(src, "center", out=tmp_path / "c.store")
    out = tmp_path / "c.store"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(out / "applied_transform", elsewhere)
    shutil.rmtree(out / "applied_transform")
    for bad in (str(elsewhere), "../elsewhere"):
        manifest = json.loads((out / MANIFEST).read_text())
        manifest["applied_transform"]["raw_to_vectors"]["path"] = bad
        (out / MANIFEST).write_text(json.dumps(manifest))
        code, opened = _opened_during(lambda: main(["similar", str(out), "cold", "--in", "a cold snow day", "-k", "2"]))
        assert code == 2
        err = capsys.readouterr().err
        assert "applied_transform.raw_to_vectors.path" in err and repr(bad) in err
        assert not [p for p in opened if "elsewhere" in p]


def test_transform_json_step_and_array_names_are_checked(tmp_path):
    from ctxvec.transforms import load_transform

    store = _centered_store(tmp_path)
    rec_path = store.path / "transform" / "transform.json"
    rec = json.loads(rec_path.read_text())
    rec["arrays"] = ["../../../secret"]
    rec_path.write_text(json.dumps(rec))
    with pytest.raises(CtxvecError, match="unknown attributes"):
        load_transform(store.path / "transform")
    rec_path.write_text(json.dumps({**rec, "class": "Pipeline", "steps": ["../../x"]}))
    with pytest.raises(CtxvecError, match="bad pipeline step"):
        load_transform(store.path / "transform")


def test_the_manifest_model_is_loaded_only_with_its_recorded_weights(tmp_path, tiny_model, capsys):
    """model.path in a manifest must not make ctxvec load weights (or code) from an arbitrary folder."""
    from ctxvec import EncodeSpec, embed

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    store = embed(["the cold day", "a warm river bank"], tmp_path / "e.store", EncodeSpec(model=str(model)))
    query = ["similar", str(store.path), "cold", "--in", "a cold snow day", "-k", "2"]
    assert main(query) == 0
    capsys.readouterr()
    other = tmp_path / "other"
    shutil.copytree(tiny_model, other)
    weights = next(p for p in other.iterdir() if p.suffix in (".safetensors", ".bin"))
    _flip_last_byte(weights)
    for path, needle in [(str(other), "does not hold the weights"), ("../../evil", "neither a model folder")]:
        manifest = json.loads((store.path / MANIFEST).read_text())
        manifest["model"]["path"] = path
        (store.path / MANIFEST).write_text(json.dumps(manifest))
        code, opened = _opened_during(lambda: main(query))
        assert code == 2
        err = capsys.readouterr().err
        assert needle in err and err.count("\n") == 1
        # the weights are hashed (read as bytes), never loaded: transformers opens no file of the folder
        assert not [p for p in opened if p.endswith(("config.json", "tokenizer.json", "tokenizer_config.json"))]


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
