"""The backend interface: every backend answers like the exact scan when its recall is forced high;
results serialise themselves; a loaded index is passed explicitly; the index path never loads torch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from ctxvec.errors import ParameterError
from ctxvec.neighbours import (
    Backend,
    ExactScan,
    IndexInfo,
    IndexParams,
    Matches,
    build_index,
    list_indexes,
    load_index,
    search_vectors,
    similar,
)
from ctxvec.store import Store, write_store


def small_store(path, n: int = 1500) -> Store:
    """n float16 rows of 16 dims in 12 clusters (one word type each), 10 words a sentence."""
    rng = np.random.default_rng(5)
    centers = rng.normal(size=(12, 16))
    labels = rng.integers(0, 12, n)
    x = centers[labels] + 0.7 * rng.normal(size=(n, 16))
    tokens = [f"w{c}" for c in labels]
    sentences = [" ".join(tokens[i : i + 10]) for i in range(0, n, 10)]
    return write_store(path, x.astype(np.float16), tokens, np.arange(n) // 10, sentences)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return small_store(tmp_path_factory.mktemp("b") / "s")


@pytest.fixture(scope="module")
def backends(store) -> dict[str, Backend]:
    """Every backend, approximate ones with recall forced to 1 (a beam / probes covering the store)."""
    return {
        "exact": ExactScan(store),
        "exact-small-blocks": ExactScan(store, block_rows=97),
        "hnsw": build_index(store, "hnsw", params=IndexParams(m=16, ef_search=store.n_rows)),
        "ivf": build_index(store, "ivf", params=IndexParams(nlist=8, nprobe=8)),
        "flat": build_index(store, "flat"),
    }


@pytest.mark.parametrize("name", ["exact-small-blocks", "hnsw", "ivf", "flat"])
@pytest.mark.parametrize("group", [None, "sentence", "word"])
@pytest.mark.parametrize("exclude_word", [False, True])
def test_every_backend_returns_the_exact_top_k(store, backends, name, group, exclude_word):
    rows = np.array([0, 17, 400, 1499])
    q = store.get_vectors(rows)
    ew = store.word_ids[rows] if exclude_word else None
    want = search_vectors(store, q, 7, exclude_rows=rows, exclude_word_ids=ew, group=group)
    got = backends[name].search(q, 7, exclude_rows=rows, exclude_word_ids=ew, group=group)
    assert isinstance(got, Matches)
    np.testing.assert_array_equal(got.rows, want.rows)
    np.testing.assert_allclose(got.scores, want.scores, atol=1e-6)
    if group == "word":
        assert got.counts is not None and want.counts is not None
        np.testing.assert_array_equal(got.counts, want.counts)
    else:
        assert got.counts is None


def test_backends_describe_themselves(store, backends):
    assert backends["exact"].describe() == "exact scan (float16 kernel, re-scored in float32)"
    assert backends["hnsw"].describe().startswith("hnsw index (hnsw.faiss: M=16, efSearch=1500")
    assert backends["ivf"].describe().startswith("ivf index (ivf.faiss: nlist=8, nprobe=8")
    assert {b.kind for b in backends.values()} == {"exact", "hnsw", "ivf", "flat"}
    assert all(b.store is store for b in backends.values())


def test_similar_takes_a_loaded_index(store, backends):
    idx = load_index(Store.open(store.path), "hnsw")
    res = similar(store, "w3", k=4, limit=2, backend=idx)
    ref = similar(store, "w3", k=4, limit=2, backend="exact")
    assert res.method == idx.describe()
    np.testing.assert_array_equal(res.rows, ref.rows)
    with pytest.raises(ParameterError, match="unknown backend 'fast'; use one of auto, exact, hnsw") as e:
        similar(store, "w3", backend="fast")
    assert e.value.name == "backend"


def test_similar_refuses_a_backend_of_another_store(store, tmp_path):
    other = small_store(tmp_path / "o", 300)
    with pytest.raises(ParameterError, match="^backend searches") as e:
        similar(store, "w3", backend=ExactScan(other))
    assert e.value.name == "backend"


def test_matches_and_similar_to_dict(store):
    m = search_vectors(store, store.get_vectors([1, 2]), 3, exclude_rows=[1, 2])
    d = m.to_dict()
    assert d["rows"] == m.rows.tolist() and d["counts"] is None
    np.testing.assert_allclose(d["scores"], m.scores)
    json.dumps(d, allow_nan=False)
    padded = search_vectors(store, store.get_vectors([0]), 20, exclude_rows=[0], group="word").to_dict()
    assert padded["rows"][0][12:] == [-1] * 8 and padded["scores"][0][12:] == [None] * 8  # -inf -> None
    assert len(padded["counts"][0]) == 20
    res = similar(store, "w5", k=3, limit=2, backend="exact", words_only=True)
    d = res.to_dict()
    assert set(d) == {"store", "method", "recall_at_10", "options", "queries"}
    assert d["recall_at_10"] == (1.0 if d["method"].startswith("flat") else None)
    assert d["store"] == str(store.path) and d["method"] == res.method
    assert d["options"] == {
        "k": 3,
        "exclude_word": False,
        "distinct_sentences": False,
        "words_only": True,
        "other_sentences": False,
        "keep_family": False,
        "keep_lookalikes": False,
        "exact": True,
        # the tiny store holds no stop word or punctuation token: words_only leaves none out, and says so
        "excluded_function_words": "0 stop words and punctuation tokens",
    }
    q = d["queries"][0]
    assert set(q) == {"row", "token", "sentence_id", "sentence", "start", "end", "warning", "usage", "hits"}
    assert q["warning"] is None and q["usage"] is None  # a stored occurrence: its usage is in the corpus
    assert set(q["hits"][0]) == {"row", "token", "score", "sentence_id", "sentence", "start", "end", "word", "count"}
    assert q["hits"][0] == res.hits(0)[0].to_dict()
    assert json.loads(res.to_json()) == d


def test_index_results_to_dict(store, backends):
    info = backends["ivf"].info  # type: ignore[attr-defined]
    assert isinstance(info, IndexInfo)
    d = info.to_dict()
    record = store.vectors_record()
    assert d == {
        "kind": "ivf",
        "params": {"nlist": 8, "nprobe": 8},
        "build_seconds": info.build_seconds,
        "faiss_version": info.faiss_version,
        "recall_at_10": 1.0,  # every cell probed: the exact answer
        **record,
        "file": str(store.path / "index" / "ivf.faiss"),
        "bytes": (store.path / "index" / "ivf.faiss").stat().st_size,
        "stale": False,
    }
    saved = json.loads((store.path / "index" / "ivf.json").read_text())
    assert saved == info.saved() and store.is_current(saved)
    listed = list_indexes(store).to_dict()
    assert list(listed) == ["hnsw", "ivf", "flat"] and listed["ivf"] == d


def test_parameter_errors_name_parameters(store):
    for call, name in [
        (lambda: build_index(store, "hnsw", params=IndexParams(m=1)), "m"),
        (lambda: build_index(store, "hnsw", params=IndexParams(ef_search=0)), "ef_search"),
        (lambda: build_index(store, "ivf", params=IndexParams(nlist=0)), "nlist"),
        (lambda: build_index(store, "ivf", params=IndexParams(nlist=4, nprobe=5)), "nprobe"),
        (lambda: build_index(store, "lsh"), "kind"),
        (lambda: similar(store, "w1", k=0), "k"),
        (lambda: similar(store, "w1", backend="lsh"), "backend"),
        (lambda: similar(store, "w1", limit=0), "limit"),
        (lambda: search_vectors(store, np.ones((2, 16)), 3, exclude_rows=[1]), "exclude_rows"),
        (lambda: search_vectors(store, np.ones((1, 16)), 3, group="type"), "group"),
    ]:
        with pytest.raises(ParameterError) as e:
            call()
        assert e.value.name == name and name in str(e.value)
        assert "--" not in str(e.value)


def test_the_index_path_never_loads_torch(store, backends):
    code = (
        "import sys\n"
        "from ctxvec.neighbours import similar\n"
        "from ctxvec.store import Store\n"
        f"res = similar(Store.open({str(store.path)!r}), 'w2', k=5, limit=3, backend='hnsw')\n"
        "assert res.method.startswith('hnsw index'), res.method\n"
        "res.to_dict()\n"
        "print(sorted(m for m in ('torch', 'sklearn', 'transformers', 'scipy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
