"""Training an IVF-kind index in steps a time budget can check.

faiss trains an index in one call that cannot be interrupted. For ``ivf`` and ``ivfpq`` ctxvec
runs the coarse k-means itself, one Lloyd iteration a call (faiss's `Clustering` continues from the
centroids it holds), so the `BuildBudget` projects the whole k-means from the first iteration and
checks it after each; then the centroids go into the index's quantizer, and faiss's own ``train``
only learns what is left: for ``ivfpq`` the PQ codebooks, whose time is projected beforehand from
the training of one of its `pq_m` sub-quantizers (they are alike: 256 centroids on the same rows).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ._budget import BuildBudget
from ._recipes import IndexPlan, faiss

PQ_CENTROIDS = 256  # 8-bit PQ codes


def _pq_seconds(plan: IndexPlan, ivf: Any, x: np.ndarray) -> float:
    """Projected seconds of the ivfpq codebooks' training: one sub-quantizer's k-means, timed, x pq_m."""
    pq = faiss.downcast_index(ivf).pq
    m = plan.params["pq_m"]
    sub = plan.dim // m
    rows = min(len(x), int(pq.cp.max_points_per_centroid) * PQ_CENTROIDS)
    clus = faiss.Clustering(sub, PQ_CENTROIDS, pq.cp)
    clus.verbose = False
    part = np.ascontiguousarray(x[:rows, :sub])
    t = time.perf_counter()
    clus.train(part, faiss.IndexFlatL2(sub))
    return (time.perf_counter() - t) * m


def train_ivf(
    plan: IndexPlan,
    index: Any,
    x: np.ndarray,
    budget: BuildBudget,
    on_iteration: Callable[[int, int], None] | None = None,
) -> None:
    """Train the empty IVF-kind `index` of `plan` on unit rows `x` (n_train, dim) float32: k-means
    iteration by iteration (`budget.check_time` after each; `on_iteration(done, total)`), then what
    faiss trains after the cells (ivfpq: PQ codebooks, refused up front by `budget.check_projected`
    when their projected time would run over)."""
    ivf = faiss.extract_index_ivf(index)
    total = int(ivf.cp.niter)
    cp = faiss.ClusteringParameters()
    cp.niter, cp.seed, cp.spherical = 1, ivf.cp.seed, ivf.cp.spherical
    cp.min_points_per_centroid, cp.max_points_per_centroid = ivf.cp.min_points_per_centroid, len(x)
    clus = faiss.Clustering(plan.dim, plan.params["nlist"], cp)
    assign = faiss.IndexFlatIP(plan.dim)  # the cells of unit vectors by inner product (spherical k-means)
    budget.start_phase()
    for i in range(total):
        clus.train(x, assign)  # continues from the centroids of the previous call
        if on_iteration is not None:
            on_iteration(i + 1, total)
        budget.check_time((i + 1) / total)
    ivf.quantizer.add(faiss.vector_to_array(clus.centroids).reshape(plan.params["nlist"], plan.dim))
    if plan.kind == "ivfpq" and budget.max_seconds is not None:
        budget.check_projected(_pq_seconds(plan, ivf, x), f"training its {plan.params['pq_m']} PQ codebooks")
    index.train(x)  # the quantizer holds nlist centroids: faiss skips the k-means
