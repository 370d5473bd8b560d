"""The option objects of the commands the web does not serve, walked field by field: ``ctxvec embed``
with one `EncodeSpec` field set (through the CLI) and ``embed(..., EncodeSpec(field=value))`` (through
Python) write the same store; ``ctxvec index`` with one `IndexParams` field and
``build_index(store, kind, IndexParams(field=value))`` build the same index. Each value differs from the
field's default and is drawn from its declaration (its lower bound, or another choice)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ctxvec.cli import main
from ctxvec.encoding import EncodeSpec
from ctxvec.neighbours import IndexParams, build_index
from ctxvec.params import opts_of
from ctxvec.runners import embed
from ctxvec.store import Store, write_store

SENTENCES = ["the cold water of the river bank", "a warm day by the bank", "she caught a cold in winter"]
# fields whose value the declaration cannot supply (text), and the kind of index each field applies to
TEXTS = {"layers": "0"}
KIND = {"m": "hnsw", "ef_construction": "hnsw", "ef_search": "hnsw", "nlist": "ivf", "nprobe": "ivf"}
KIND.update(pq_m="ivfpq", rerank="ivfpq")


def value_of(model: type, name: str) -> Any:
    opt = next(o for o in opts_of(model) if o.name == name)
    if name in TEXTS:
        return TEXTS[name]
    if opt.type is bool:
        return not opt.default
    if opt.choices is not None:
        return next(c for c in opt.choices if c != opt.default)
    return int(opt.low) if opt.low != opt.default else int(opt.low) + 1


def cli(*argv: str) -> Any:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([*argv, "--json"])
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


def flag(model: type, name: str) -> str:
    return next(o for o in opts_of(model) if o.name == name).cli_flag


@pytest.mark.parametrize("name", [f.name for f in fields(EncodeSpec) if f.name != "model"])
def test_every_encode_spec_field_makes_the_same_store_by_cli_and_python(name: str, tiny_model: Path, tmp_path: Path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n")
    value = value_of(EncodeSpec, name)
    argv = ["embed", str(corpus), "-o", str(tmp_path / "cli"), "--model", str(tiny_model), "--device", "cpu", "-q"]
    argv += [flag(EncodeSpec, name)] if value is True else [flag(EncodeSpec, name), str(value)]
    by_cli = cli(*argv)
    spec = EncodeSpec(model=str(tiny_model), **{name: value})
    by_python = embed(str(corpus), tmp_path / "py", spec, device="cpu").summary().to_dict()
    assert {k: v for k, v in by_cli.items() if k != "path"} == {k: v for k, v in by_python.items() if k != "path"}
    a, b = Store.open(tmp_path / "cli"), Store.open(tmp_path / "py")
    assert a.manifest["encode"] == b.manifest["encode"] and a.manifest["encode"][name] == value
    np.testing.assert_array_equal(np.asarray(a.vectors), np.asarray(b.vectors))


def index_store(path: Path) -> Store:
    """1200 float16 rows of 16 dims in 12 clusters (enough rows for ivfpq)."""
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 12, 1200)
    x = rng.normal(size=(12, 16))[labels] + 0.6 * rng.normal(size=(1200, 16))
    tokens = [f"w{c}" for c in labels]
    sentences = [" ".join(tokens[i : i + 10]) for i in range(0, 1200, 10)]
    return write_store(path, x.astype(np.float16), tokens, np.arange(1200) // 10, sentences)


@pytest.mark.parametrize("name", [f.name for f in fields(IndexParams)])
def test_every_index_params_field_builds_the_same_index_by_cli_and_python(name: str, tmp_path: Path):
    store = index_store(tmp_path / "s")
    value, kind = value_of(IndexParams, name), KIND[name]
    if name == "nprobe":  # nprobe may not exceed nlist
        extra_cli, extra = ["--nlist", "8"], {"nlist": 8}
    else:
        extra_cli, extra = [], {}
    by_cli = cli("index", str(store.path), "--kind", kind, flag(IndexParams, name), str(value), *extra_cli, "-q")
    by_python = build_index(store, kind, IndexParams(**{name: value}, **extra)).info.to_dict()
    drop = ("build_seconds", "bytes", "file", "faiss_version")
    assert {k: v for k, v in by_cli.items() if k not in drop} == {k: v for k, v in by_python.items() if k not in drop}
    assert by_python["params"][name] == value
