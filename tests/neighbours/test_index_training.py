"""IVF training in steps: the k-means one iteration a call (what a time budget can stop), as faiss's own."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.cli import main
from ctxvec.errors import ParameterError
from ctxvec.neighbours import IndexParams, build_index, index_info
from ctxvec.neighbours._budget import BuildBudget
from ctxvec.neighbours._recipes import faiss, plan_index
from ctxvec.neighbours._training import _pq_seconds, train_ivf
from ctxvec.store import write_store


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def centroids(index) -> np.ndarray:
    q = faiss.downcast_index(faiss.extract_index_ivf(index).quantizer)
    return faiss.rev_swig_ptr(q.get_xb(), q.ntotal * q.d).reshape(q.ntotal, q.d).copy()


def test_stepwise_kmeans_gives_faiss_own_centroids():
    x = unit_rows(4000, 32)
    plan = plan_index("ivf", len(x), 32, params=IndexParams(nlist=40))
    stepped, whole = plan.new_index(), plan.new_index()
    faiss.extract_index_ivf(stepped).cp.seed = faiss.extract_index_ivf(whole).cp.seed = 3
    steps: list[tuple[int, int]] = []
    train_ivf(plan, stepped, x, BuildBudget("ivf", None, None), lambda done, total: steps.append((done, total)))
    whole.train(x)
    assert steps == [(i, 10) for i in range(1, 11)]
    assert stepped.is_trained and stepped.quantizer.ntotal == 40
    np.testing.assert_array_equal(centroids(stepped), centroids(whole))


def test_time_budget_stops_the_kmeans_after_one_iteration():
    x = unit_rows(4000, 32)
    plan = plan_index("ivfpq", len(x), 32, params=IndexParams(nlist=40, pq_m=8))
    steps: list[int] = []
    with pytest.raises(
        ParameterError, match=r"stopped the ivfpq index build: it would take about .* max_seconds=1e-06"
    ):
        train_ivf(plan, plan.new_index(), x, BuildBudget("ivfpq", 1e-6, None), lambda done, total: steps.append(done))
    assert steps == [1]  # projected from the first iteration, not after faiss's whole training


def test_pq_codebooks_are_projected_and_refused_up_front():
    x = unit_rows(3000, 32)
    plan = plan_index("ivfpq", len(x), 32, params=IndexParams(nlist=20, pq_m=8))
    index = plan.new_index()
    seconds = _pq_seconds(plan, faiss.extract_index_ivf(index), x)
    assert 0 < seconds < 60
    budget = BuildBudget("ivfpq", 100.0, None)
    budget.check_projected(50.0, "training its 8 PQ codebooks")  # within the budget: no error
    with pytest.raises(ParameterError, match=r"refused the ivfpq index build: training its 8 PQ codebooks would take"):
        budget.check_projected(150.0, "training its 8 PQ codebooks")


def test_cli_time_budget_refuses_an_ivf_build_in_one_line(tmp_path, capsys):
    n = 3000
    x = unit_rows(n, 32).astype(np.float16)
    store = write_store(tmp_path / "s", x, ["w"] * n, np.arange(n) // 20, ["w"] * (n // 20))
    assert main(["index", str(store.path), "--kind", "ivf", "--max-seconds", "0.000001", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ctxvec: error:") and "--max-seconds" in err and "\n" not in err
    assert index_info(store, "ivf") is None
    assert build_index(store, "ivf").info.recall_at_10 is not None  # without the budget it builds
