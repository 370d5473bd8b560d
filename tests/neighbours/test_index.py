"""faiss indexes: build, save inside the store, reload, recall against exact search, use from `similar`."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.neighbours import (
    KINDS,
    IndexParams,
    build_index,
    choose_backend,
    index_info,
    list_indexes,
    load_index,
    measure_recall,
    remove_index,
    search_vectors,
    similar,
)
from ctxvec.store import Store


def clustered_store(path, n: int) -> Store:
    """n float16 rows of 32 dims in 60 clusters (one word type per cluster, 20 words a sentence)."""
    from ctxvec.store import write_store

    rng = np.random.default_rng(0)
    dim, n_clusters = 32, 60
    centers = rng.normal(size=(n_clusters, dim))
    labels = rng.integers(0, n_clusters, n)
    x = centers[labels] + 0.6 * rng.normal(size=(n, dim))
    tokens = [f"c{c}" for c in labels]
    sids = np.arange(n) // 20
    sentences = [" ".join(tokens[i : i + 20]) for i in range(0, n, 20)]
    return write_store(path, x.astype(np.float16), tokens, sids, sentences)


@pytest.fixture(scope="module")
def clustered(tmp_path_factory) -> Store:
    return clustered_store(tmp_path_factory.mktemp("idx") / "s", 12000)


#: kinds built on the shared 12000-row store (ivfpq's PQ training is tested on a smaller one, test_index_budget)
FAST = tuple(kind for kind in KINDS if kind != "ivfpq")


@pytest.fixture(scope="module")
def indexes(clustered):
    """Every fast kind built once with default parameters."""
    return {kind: build_index(clustered, kind) for kind in FAST}


def recall(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx, exact, strict=True)]))


@pytest.fixture(scope="module")
def queries(clustered):
    rows = np.random.default_rng(1).choice(clustered.n_rows, 200, replace=False)
    return rows, clustered.get_vectors(rows)


@pytest.fixture(scope="module")
def exact(clustered, queries):
    rows, q = queries
    return search_vectors(clustered, q, 10, exclude_rows=rows)


@pytest.mark.parametrize("kind", ["hnsw", "hnsw-sq8", "ivf"])
def test_approximate_recall(clustered, indexes, queries, exact, kind):
    idx = indexes[kind]
    rows, q = queries
    m = idx.search(q, 10, exclude_rows=rows)
    assert recall(m.rows, exact.rows) >= 0.95
    assert not (m.rows == rows[:, None]).any()  # the query is never its own neighbour
    # scores are re-scored exactly: equal to the exact scores of the same rows
    same = m.rows == exact.rows
    np.testing.assert_allclose(m.scores[same], exact.scores[same], atol=1e-6)
    assert np.all(np.diff(m.scores, axis=1) <= 1e-7)


def test_flat_index_is_exact(clustered, indexes, queries, exact):
    idx = indexes["flat"]
    rows, q = queries
    m = idx.search(q, 10, exclude_rows=rows)
    np.testing.assert_allclose(m.scores, exact.scores, atol=2e-6)
    assert recall(m.rows, exact.rows) == 1.0


def test_save_reload_and_similar_uses_it(tmp_path):
    built = clustered_store(tmp_path / "s", 3000)
    build_index(built, "ivf", params=IndexParams(nlist=64, nprobe=16))
    store = Store.open(built.path)  # a fresh handle reads the saved files
    info = index_info(store, "ivf")
    assert info is not None and not info.stale
    assert info.params == {"nlist": 64, "nprobe": 16}
    assert (store.path / "index" / "ivf.faiss").is_file()
    idx = load_index(store, "ivf")
    assert idx.index.ntotal == store.n_rows
    res = similar(store, "c3", k=5, limit=3, backend="ivf")
    assert res.method.startswith("ivf index") and "nprobe=16" in res.method
    res_exact = similar(store, "c3", k=5, limit=3, backend="exact")
    assert res_exact.method.startswith("exact scan")
    assert recall(res.rows, res_exact.rows) >= 0.9
    # with several indexes present, similar prefers hnsw, then ivf, then flat
    build_index(store, "hnsw", params=IndexParams(m=16))
    assert choose_backend(store)[0].kind == "hnsw"
    assert similar(store, "c3", k=5, limit=1).method.startswith("hnsw index")
    assert remove_index(store, "hnsw").to_dict() == {"removed": "hnsw"}
    with pytest.raises(CtxvecError, match="no hnsw index to remove"):
        remove_index(store, "hnsw")
    assert "hnsw" not in list_indexes(store).indexes


@pytest.mark.parametrize("kind", FAST)
def test_index_exclusion_and_grouping(clustered, indexes, queries, kind):
    idx = indexes[kind]
    rows, q = queries[0][:20], queries[1][:20]
    wids = clustered.word_ids[rows]
    m = idx.search(q, 10, exclude_rows=rows, exclude_word_ids=wids)
    for i in range(20):
        assert wids[i] not in clustered.word_ids[m.rows[i]]
    ex = search_vectors(clustered, q, 10, exclude_rows=rows, exclude_word_ids=wids)
    # far neighbours outside the own word are harder for approximate indexes
    assert recall(m.rows, ex.rows) >= (1.0 if kind == "flat" else 0.85)
    g = idx.search(q, 5, exclude_rows=rows, group="word")
    for i in range(20):
        assert len(set(clustered.word_ids[g.rows[i]].tolist())) == 5
    s = idx.search(q, 5, exclude_rows=rows, group="sentence")
    for i in range(20):
        assert len(set(clustered.sentence_ids[s.rows[i]].tolist())) == 5


def test_stale_index_is_ignored_after_transform(tmp_path):
    from ctxvec.space import set_store_transform
    from ctxvec.store import write_store
    from ctxvec.transforms import Center

    rng = np.random.default_rng(2)
    store = write_store(
        tmp_path / "t",
        rng.normal(size=(300, 8)).astype(np.float16),
        ["w"] * 300,
        np.arange(300) // 10,
        ["w " * 10] * 30,
    )
    build_index(store, "flat")
    store = set_store_transform(store, Center().fit_source(store))
    assert index_info(store, "flat").stale  # type: ignore[union-attr]
    chosen, why = choose_backend(store)
    assert chosen.kind == "exact" and "stale" in why
    res = similar(store, row=4, k=3)
    assert res.method.startswith("exact scan (transform kernel") and "stale" in res.method
    with pytest.raises(CtxvecError, match="rebuild it"):
        load_index(store, "flat")
    build_index(store, "flat")  # rebuilt on the transformed vectors
    res = similar(store, row=4, k=3)
    assert res.method.startswith("flat index")
    ref = similar(store, row=4, k=3, backend="exact")
    np.testing.assert_allclose(res.scores, ref.scores, atol=2e-6)


def test_exact_uses_a_flat_index_for_few_queries(tmp_path):
    store = clustered_store(tmp_path / "s", 2000)
    scan = similar(store, "c5", k=5, backend="exact")
    assert len(scan) > 4 and scan.method.startswith("exact scan")
    build_index(store, "flat")
    assert similar(store, "c5", k=5, backend="exact").method.startswith("exact scan")  # many queries: the scan
    one = similar(store, "c5", k=5, limit=1, backend="exact")
    assert one.method.startswith("flat index")
    np.testing.assert_allclose(one.scores[0], scan.scores[0], atol=2e-6)


@pytest.mark.parametrize("kind", FAST)
def test_recall_is_measured_when_built_and_kept(clustered, indexes, queries, exact, kind):
    info = indexes[kind].info
    assert info.recall_at_10 is not None and 0.0 <= info.recall_at_10 <= 1.0
    if kind == "flat":
        assert info.recall_at_10 == 1.0
    else:  # close to what independent queries measure
        rows, q = queries
        assert abs(info.recall_at_10 - recall(indexes[kind].search(q, 10, exclude_rows=rows).rows, exact.rows)) < 0.05
    saved = index_info(clustered, kind)
    assert saved is not None and saved.recall_at_10 == info.recall_at_10
    assert saved.to_dict()["recall_at_10"] == info.recall_at_10
    assert load_index(clustered, kind).recall_at_10 == info.recall_at_10
    assert measure_recall(indexes[kind]) == info.recall_at_10  # seeded: the same sample
    res = similar(clustered, "c3", k=5, limit=2, backend=kind)
    assert res.recall_at_10 == info.recall_at_10
    d = res.to_dict()
    assert list(d)[:3] == ["store", "method", "recall_at_10"] and d["recall_at_10"] == info.recall_at_10


def test_recall_unknown_for_old_indexes_and_the_exact_scan(tmp_path):
    import json

    store = clustered_store(tmp_path / "s", 600)
    build_index(store, "hnsw", params=IndexParams(m=8))
    path = store.path / "index" / "hnsw.json"
    saved = json.loads(path.read_text())
    del saved["recall_at_10"]  # as written before recall was measured
    path.write_text(json.dumps(saved))
    info = index_info(store, "hnsw")
    assert info is not None and info.recall_at_10 is None and not info.stale
    res = similar(store, "c3", k=3, limit=1)
    assert res.method.startswith("hnsw index") and res.to_dict()["recall_at_10"] is None
    assert similar(store, "c3", k=3, limit=1, backend="exact").to_dict()["recall_at_10"] is None


def test_similar_searches_a_kept_index_passed_as_its_backend(tmp_path):
    store = clustered_store(tmp_path / "s", 600)
    build_index(store, "flat")
    kept = load_index(store, "flat")
    res = similar(store, "c5", k=3, limit=1, backend=kept)
    assert res.method.startswith("flat index")
    by_name = similar(store, "c5", k=3, limit=1, backend="flat")  # read from disk
    assert res.to_dict() == by_name.to_dict()
    exact = similar(store, "c5", k=3, limit=1, backend="exact")  # one query: the current flat index
    assert exact.method.startswith("flat index") and exact.options["exact"] and res.options["exact"]  # flat: exact
    build_index(store, "hnsw")
    approximate = similar(store, "c5", k=3, limit=1)  # auto: the preferred index, hnsw
    assert approximate.method.startswith("hnsw") and not approximate.options["exact"]


def test_errors(clustered, tmp_path):
    with pytest.raises(CtxvecError, match="unknown index kind"):
        build_index(clustered, "lsh")
    with pytest.raises(CtxvecError, match="nprobe"):
        build_index(clustered, "ivf", params=IndexParams(nlist=8, nprobe=9))
    with pytest.raises(CtxvecError, match="nlist"):
        build_index(clustered, "ivf", params=IndexParams(nlist=0))
    with pytest.raises(ParameterError, match="unknown backend 'lsh'"):
        choose_backend(clustered, "lsh")
    with pytest.raises(CtxvecError, match="no flat index"):
        similar(clustered_store(tmp_path / "e", 200), "c1", k=3, backend="flat")
