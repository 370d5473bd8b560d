"""Compact indexes (hnsw-sq8, ivfpq): smaller than the vectors, estimated sizes, build budgets, staleness."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.cli import main
from ctxvec.errors import ParameterError
from ctxvec.neighbours import IndexParams, build_index, choose_backend, index_info, list_indexes, load_index
from ctxvec.neighbours._indexes import measure_recall
from ctxvec.neighbours._recipes import faiss, plan_index
from ctxvec.store import Store, write_store


def wide_store(path, n: int = 2000, dim: int = 160) -> Store:
    """n float16 rows of `dim` dims around 40 centres (wide enough for 8-bit codes to beat float16)."""
    rng = np.random.default_rng(3)
    centers = rng.normal(size=(40, dim))
    labels = rng.integers(0, 40, n)
    x = centers[labels] + 0.8 * rng.normal(size=(n, dim))
    tokens = [f"c{c}" for c in labels]
    sentences = [" ".join(tokens[i : i + 20]) for i in range(0, n, 20)]
    return write_store(path, x.astype(np.float16), tokens, np.arange(n) // 20, sentences)


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Store:
    return wide_store(tmp_path_factory.mktemp("wide") / "s")


@pytest.mark.parametrize(
    ("kind", "params", "share"), [("hnsw-sq8", {}, 1.0), ("ivfpq", {"nlist": 8, "pq_m": 8, "rerank": 20}, 0.35)]
)
def test_compact_indexes_are_smaller_than_the_vectors_and_recall_after_rescoring(wide, kind, params, share):
    built = build_index(wide, kind, IndexParams(**params))
    assert (kind == "ivfpq") == built.describe().startswith("ivfpq index (ivfpq.faiss: IVF8+PQ8")
    vectors_bytes = (wide.path / "vectors.npy").stat().st_size
    assert built.info.bytes < share * vectors_bytes
    assert built.info.recall_at_10 is not None and built.info.recall_at_10 >= 0.95
    plan = plan_index(kind, wide.n_rows, wide.dim, IndexParams(**params))
    assert 0.7 * built.info.bytes <= plan.index_bytes() <= 1.5 * built.info.bytes  # the budget's estimate
    again = load_index(Store.open(wide.path), kind)
    assert again.info.params == built.info.params and again.index.ntotal == wide.n_rows


def test_ivfpq_defaults_are_a_small_fraction_of_the_vectors_at_scale():
    """At 2000 rows the PQ codebooks (256 x dim floats) dominate; at the wiki store's size the default
    ivfpq is pq_m + 8 = 56 bytes a row against 768 bytes of float16 vectors."""
    for n in (467_000, 10**7):
        plan = plan_index("ivfpq", n, 384)
        assert plan.params["pq_m"] == 48 and plan.params["rerank"] == 20
        assert plan.index_bytes() < 0.1 * n * 384 * 2
        assert plan.n_train <= 262144  # the training sample is capped (k-means time grows as rows x nlist)


def test_memory_budget_refuses_before_any_work(wide):
    with pytest.raises(ParameterError, match=r"needs about .* MiB, over max_memory_bytes=") as e:
        build_index(wide, "hnsw", max_memory_bytes=2**20)
    assert "ivfpq" in str(e.value)  # names what to change
    assert index_info(wide, "hnsw") is None


def test_time_budget_stops_cleanly_and_keeps_the_saved_index(tmp_path):
    store = wide_store(tmp_path / "s", n=2000, dim=64)
    before = build_index(store, "hnsw", params=IndexParams(m=8))
    saved = before.path.read_bytes()
    with pytest.raises(ParameterError, match=r"stopped the hnsw index build.*max_seconds=1e-06"):
        build_index(store, "hnsw", params=IndexParams(m=16), block_rows=200, max_seconds=1e-6)
    assert before.path.read_bytes() == saved  # the old index untouched, no half-written one
    info = index_info(store, "hnsw")
    assert info is not None and info.params["m"] == 8 and not info.stale
    assert sorted(p.name for p in (store.path / "index").iterdir()) == ["hnsw.faiss", "hnsw.json"]


def test_stale_compact_index_is_refused_then_rebuilt(tmp_path):
    from ctxvec.space import set_store_transform
    from ctxvec.transforms import Center

    store = wide_store(tmp_path / "s", n=1500, dim=64)
    build_index(store, "hnsw-sq8")
    store = set_store_transform(store, Center().fit_source(store))
    assert list_indexes(store).indexes["hnsw-sq8"].stale
    assert choose_backend(store)[0].kind == "exact"
    with pytest.raises(Exception, match="rebuild it"):
        load_index(store, "hnsw-sq8")
    build_index(store, "hnsw-sq8")
    assert choose_backend(store)[0].kind == "hnsw-sq8"


def test_bad_parameters(wide):
    with pytest.raises(ParameterError, match=r"pq_m=100 must divide the vectors. dim \(160\)"):
        build_index(wide, "ivfpq", params=IndexParams(pq_m=100))
    with pytest.raises(ParameterError, match="max_seconds must be positive"):
        build_index(wide, "flat", max_seconds=0)
    with pytest.raises(ParameterError, match="ivfpq needs at least"):
        plan_index("ivfpq", 500, 64)


def test_cli_budget_error_is_one_line(wide, capsys):
    assert main(["index", str(wide.path), "--kind", "hnsw-sq8", "--max-memory", "1M"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ctxvec: error:") and "--max-memory" in err and "\n" not in err


def test_default_rerank_is_raised_until_the_measured_recall_reaches_the_target(tmp_path):
    """One cloud of isotropic noise and 4-byte codes of 64 dims: PQ ranks its rows coarsely, so the
    top 20·k candidates miss true neighbours; the default re-scores deeper, a given rerank is kept."""
    n, dim = 3000, 64
    x = np.random.default_rng(5).normal(size=(n, dim)).astype(np.float16)
    store = write_store(tmp_path / "s", x, ["w"] * n, np.arange(n) // 20, ["w"] * (n // 20))
    fixed = build_index(store, "ivfpq", params=IndexParams(nlist=4, pq_m=4, rerank=20))
    assert fixed.info.params["rerank"] == 20 and fixed.info.recall_at_10 is not None
    assert fixed.info.recall_at_10 < 0.95
    tuned = build_index(store, "ivfpq", params=IndexParams(nlist=4, pq_m=4))
    assert tuned.info.params["rerank"] in (40, 80, 160, 320) and tuned.info.recall_at_10 is not None
    assert tuned.info.recall_at_10 >= 0.95
    assert index_info(store, "ivfpq").params["rerank"] == tuned.info.params["rerank"]  # saved as chosen


def test_an_ivfpq_saved_with_an_opq_rotation_still_searches(wide):
    """ivfpq indexes built before OPQ was dropped (``OPQ8_32,IVF8_HNSW32,PQ8``) load and search."""
    built = build_index(wide, "ivfpq", params=IndexParams(nlist=8, pq_m=8, rerank=20))
    x = np.asarray(wide.get_vectors(np.arange(wide.n_rows)), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    old = faiss.index_factory(wide.dim, "OPQ8_32,IVF8_HNSW32,PQ8", faiss.METRIC_INNER_PRODUCT)
    old.train(x)
    old.add(x)
    faiss.write_index(old, str(built.path))
    again = load_index(Store.open(wide.path), "ivfpq")
    assert isinstance(faiss.downcast_index(again.index), faiss.IndexPreTransform)
    rows = np.arange(0, wide.n_rows, 97)
    found = again.search(x[rows], 10, exclude_rows=rows)
    assert (found.rows >= 0).all() and (found.rows != rows[:, None]).all()
    assert measure_recall(again) >= 0.9  # its candidates re-scored exactly, as before
