"""The dimensions themselves: per-dimension mean and variance, rogue dimensions, and each
dimension's contribution to the mean cosine similarity; heat maps of chosen words' vectors.

One streaming pass over the store with float64 accumulators (memory O(dim)).

Contribution to the mean cosine (Timkey & van Schijndel 2021, "All bark and no bite"): with
u = x / |x|, the mean cosine over all distinct pairs of n vectors is
    sum_i (S_i² - Q_i) / (n (n - 1)),   S_i = Σ u_i,  Q_i = Σ u_i²,
so dimension i contributes c_i = (S_i² - Q_i) / (n (n - 1)), and the c_i add up to the mean cosine.

Rogue dimensions are of two kinds, and a dimension of either kind is reported:
- magnitude outliers (Kovaleva et al. 2021): the second moment E[x_i²] (mean² + variance, the
  dimension's share of the squared norm) is an outlier on a log scale, robust z-score (median and
  1.4826·MAD over the dimensions) of log E[x_i²] above `threshold` (5);
- cosine dominators (Timkey & van Schijndel 2021): the dimension alone contributes at least
  `min_share` (10 %) of the mean cosine, in a space whose mean cosine is at least `min_mean_cosine`
  (0.01; below that the shares are ratios of noise).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result, jsonable
from ..sampling import sample_rows
from ..sources import VectorSource
from ..store import Store, normalize_word

ROGUE_THRESHOLD = 5.0
ROGUE_MIN_SHARE = 0.1
ROGUE_MIN_MEAN_COSINE = 0.01


class DimAccumulator:
    """Add (b, dim) blocks with `update`; `result()` gives `DimStats`. Sums are float64 and shifted
    by the first block's mean so the variance stays exact when means are large."""

    def __init__(self) -> None:
        self.n = 0
        self.shift: np.ndarray | None = None
        self.s1 = self.s2 = self.u1 = self.u2 = np.zeros(0)

    def update(self, block: np.ndarray) -> DimAccumulator:
        x = np.asarray(block, dtype=np.float64)
        if x.ndim != 2 or len(x) == 0:
            return self
        if self.shift is None:
            self.shift = x.mean(axis=0)
            self.s1, self.s2, self.u1, self.u2 = (np.zeros(x.shape[1]) for _ in range(4))
        d = x - self.shift
        self.s1 += d.sum(axis=0)
        self.s2 += np.einsum("ij,ij->j", d, d)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        u = x / np.where(norms > 0, norms, 1.0)
        self.u1 += u.sum(axis=0)
        self.u2 += np.einsum("ij,ij->j", u, u)
        self.n += len(x)
        return self

    def result(self, threshold: float = ROGUE_THRESHOLD, min_share: float = ROGUE_MIN_SHARE) -> DimStats:
        if self.n < 2 or self.shift is None:
            raise CtxvecError(f"dimension statistics need at least 2 vectors, got {self.n}")
        n = self.n
        mean = self.shift + self.s1 / n
        var = np.maximum(self.s2 / n - (self.s1 / n) ** 2, 0.0) * n / (n - 1)
        contribution = (self.u1**2 - self.u2) / (n * (n - 1))
        second = mean**2 + var * (n - 1) / n
        rogue, score = rogue_dimensions(second, contribution, threshold, min_share)
        return DimStats(n, mean, var, self.u1 / n, contribution, float(contribution.sum()), rogue, score)


def rogue_dimensions(
    second_moment: np.ndarray,
    contribution: np.ndarray,
    threshold: float = ROGUE_THRESHOLD,
    min_share: float = ROGUE_MIN_SHARE,
    min_mean_cosine: float = ROGUE_MIN_MEAN_COSINE,
) -> tuple[np.ndarray, np.ndarray]:
    """Rogue dimensions (see the module doc) from second moments and cosine contributions, both (dim,).

    Returns (rogue dimension ids, largest contribution first; scores (dim,) = robust z of log E[x²]).
    """
    logm = np.log(np.asarray(second_moment, dtype=np.float64) + 1e-30)
    med = np.median(logm)
    mad = 1.4826 * np.median(np.abs(logm - med))
    score = (logm - med) / max(mad, 1e-12)
    mean_cosine = float(np.sum(contribution))
    dominant = contribution >= min_share * mean_cosine if mean_cosine >= min_mean_cosine else np.zeros(len(score), bool)
    rogue = np.flatnonzero((score > threshold) | dominant)
    return rogue[np.lexsort((-score[rogue], -contribution[rogue]))], score


@dataclass
class DimStats(Result):
    """Per-dimension statistics of n_rows vectors, all (dim,): mean, var (ddof=1), unit_mean (mean of
    the unit-length vectors), contribution to the mean cosine (sums to mean_cosine), score (robust
    z of log second moment); rogue (r,) the outlier dimensions, most extreme first."""

    n_rows: int
    mean: np.ndarray
    var: np.ndarray
    unit_mean: np.ndarray
    contribution: np.ndarray
    mean_cosine: float
    rogue: np.ndarray
    score: np.ndarray

    @property
    def dim(self) -> int:
        return len(self.mean)

    @property
    def share(self) -> np.ndarray:
        """(dim,) each dimension's fraction of the mean cosine."""
        return self.contribution / self.mean_cosine if self.mean_cosine else np.zeros_like(self.contribution)

    def top(self, n: int = 10) -> np.ndarray:
        """The `n` dimensions contributing most to the mean cosine (by |contribution|)."""
        return np.argsort(-np.abs(self.contribution), kind="stable")[:n]

    def to_dict(self, top: int = 10) -> JSON:
        """Sizes, mean cosine, rogue dimensions and the `top` dimensions contributing most, one dict each."""

        def row(i: int) -> JSON:
            return {
                "dim": int(i),
                "mean": float(self.mean[i]),
                "std": float(np.sqrt(self.var[i])),
                "contribution": float(self.contribution[i]),
                "share": float(self.share[i]),
                "score": float(self.score[i]),
                "rogue": bool(i in set(self.rogue.tolist())),
            }

        return {
            "n_rows": self.n_rows,
            "dim": self.dim,
            "mean_cosine": self.mean_cosine,
            "rogue": [int(i) for i in self.rogue],
            "rogue_share": float(self.share[self.rogue].sum()),
            "top": [row(int(i)) for i in self.top(top)],
        }


def dim_stats_of_blocks(
    blocks: Iterable[np.ndarray], threshold: float = ROGUE_THRESHOLD, min_share: float = ROGUE_MIN_SHARE
) -> DimStats:
    """`DimStats` of vectors given as an iterable of (b, dim) blocks."""
    acc = DimAccumulator()
    for block in blocks:
        acc.update(block)
    return acc.result(threshold, min_share)


def dim_stats_of_array(
    x: np.ndarray, threshold: float = ROGUE_THRESHOLD, min_share: float = ROGUE_MIN_SHARE
) -> DimStats:
    """`DimStats` of the rows of the (n, dim) array `x`."""
    return dim_stats_of_blocks([np.asarray(x)], threshold, min_share)


def dim_stats(
    source: VectorSource,
    *,
    sample: int | None = None,
    seed: int = 0,
    block_rows: int = 65536,
    threshold: float = ROGUE_THRESHOLD,
    min_share: float = ROGUE_MIN_SHARE,
) -> DimStats:
    """Dimension statistics of every (n_rows, dim) vector of `source` (a `Store`: in-place transform applied),
    or of `sample` seeded random rows, streamed."""
    if sample is None or sample >= source.n_rows:
        return dim_stats_of_blocks((b for _, b in source.iter_blocks(block_rows)), threshold, min_share)
    if sample < 2:
        raise ParameterError("sample", f"{{name}}={sample} is too small; use at least 2 rows")
    rows = sample_rows(np.arange(source.n_rows), sample, seed)
    blocks = (source.get_vectors(rows[i : i + block_rows]) for i in range(0, len(rows), block_rows))
    return dim_stats_of_blocks(blocks, threshold, min_share)


@dataclass
class Heatmap(Result):
    """Vectors to show as a heat map: labels (n,), values (n, d) float32 over the dimensions `dims`
    (d,) (all of them, or a selection), kind ("word-type" or "occurrence"), rogue (r,) dimensions to mark."""

    labels: list[str]
    values: np.ndarray
    dims: np.ndarray
    kind: str
    rogue: np.ndarray
    order: str = "index"
    n_dims: int = 0

    def to_dict(self) -> JSON:
        return {
            "labels": self.labels,
            "values": jsonable(self.values),
            "dims": jsonable(self.dims),
            "kind": self.kind,
            "rogue": jsonable(self.rogue),
            "order": self.order,
        }


def heatmap(
    store: Store,
    words: list[str] | tuple[str, ...],
    *,
    level: str = "types",
    per_word: int = 3,
    rogue: np.ndarray | None = None,
    top_dims: int | None = None,
    seed: int = 0,
    order: str = "index",
) -> Heatmap:
    """Raw vectors of `words`: their word-type vectors (`level="types"`) or up to `per_word`
    occurrences each (`level="occurrences"`, a seeded sample).

    top_dims: keep only the `top_dims` most informative dimensions for these rows: the largest spread
    across the rows (standard deviation; |value| for a single row), rogue dimensions always kept.
    order: the columns in dimension order (``index``), by decreasing spread (``spread``), or in the leaf
    order of an average-linkage clustering of the columns by correlation across the rows (``cluster``),
    so that dimensions that move together sit together.
    """
    if order not in HEATMAP_ORDERS:
        raise ParameterError("order", f"unknown heat map {{name}} {order!r}; use one of {', '.join(HEATMAP_ORDERS)}")
    if not words:
        raise ParameterError("words", "give at least one word for the heat map ({name}), e.g. cold warm hot")
    if top_dims is not None and top_dims < 1:
        raise ParameterError("top_dims", f"{{name}} must be at least 1, got {top_dims}")
    marks = np.zeros(0, dtype=np.int64) if rogue is None else np.asarray(rogue, dtype=np.int64)
    if level == "types":
        from ..lexicon import word_types

        types = word_types(store)
        ids = [types.index(w) for w in words if store.word_id(w) >= 0]
        labels = [str(types.words[i]) for i in ids]
        values = np.asarray(types.vectors[ids], dtype=np.float32)
        kind = "word-type"
    elif level == "occurrences":
        labels, rows = [], []
        for w in words:
            picked = sample_rows(store.occurrences(w), per_word, seed)
            rows += [int(r) for r in picked]
            labels += [f"{normalize_word(w)} (row {int(r)})" for r in picked]
        values = store.get_vectors(np.asarray(rows, dtype=np.int64))
        kind = "occurrence"
    else:
        raise ParameterError("level", f"unknown heat map {{name}} {level!r}; use types or occurrences")
    dims = np.arange(values.shape[1])
    spread = values.std(axis=0) if len(values) > 1 else np.abs(values).mean(axis=0)
    if top_dims is not None and top_dims < len(dims):
        strength = spread.astype(np.float64)
        strength[marks] = np.inf
        dims = np.sort(np.argsort(-strength, kind="stable")[:top_dims])
    if order == "spread":
        dims = dims[np.argsort(-spread[dims], kind="stable")]
    elif order == "cluster":
        dims = dims[cluster_order(values[:, dims])]
    return Heatmap(labels, values[:, dims], dims, kind, marks, order, int(values.shape[1]))


HEATMAP_ORDERS = ("index", "spread", "cluster")


def cluster_order(values: np.ndarray) -> np.ndarray:
    """Column order (d,) of (n, d) `values`: leaves of an average-linkage clustering of the columns by
    correlation across the rows (scipy); columns constant over the rows go last; identity for < 3 columns
    or a single row."""
    d = values.shape[1]
    if d < 3 or len(values) < 2:
        return np.arange(d)
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import pdist

    cols = np.asarray(values, dtype=np.float64).T
    varied = np.flatnonzero(cols.std(axis=1) > 1e-12)
    if len(varied) < 3:
        return np.r_[varied, np.setdiff1d(np.arange(d), varied)]
    dist = np.clip(np.nan_to_num(pdist(cols[varied], metric="correlation"), nan=1.0), 0.0, 2.0)
    tree = optimal_leaf_ordering(linkage(dist, method="average"), dist)
    return np.r_[varied[leaves_list(tree)], np.setdiff1d(np.arange(d), varied)]
