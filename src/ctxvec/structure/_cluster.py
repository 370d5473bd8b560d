"""k-means clusters of word types or of occurrences, each with its most central members.

Vectors are centred (minus the mean of the clustered items, so the common direction every
contextual embedding shares does not dominate) and scaled to unit length; k-means then groups
by cosine. Word types come from `ctxvec.lexicon.word_types`. Occurrences are clustered by
fitting k-means on a seeded sample of rows (`fit_rows`) and then assigning every row of the
store in one streaming pass over the memory map, keeping each cluster's most central rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans

from .._threads import threads_for
from ..errors import ParameterError
from ..results import JSON, Result
from ..sampling import sample_rows, unit_rows
from ..store import Store
from ._names import CLUSTER_LEVELS


@dataclass
class Cluster:
    """One cluster: size, its most central members (ids into the clustered items, their names, cosines)."""

    label: int
    size: int
    ids: np.ndarray
    members: list[str]
    scores: np.ndarray


@dataclass
class Clusters(Result):
    """k-means result: level ("types" or "occurrences"); labels (n_items,) cluster of each word type
    (indexing `words`) or store row; centroids (k, dim) unit vectors in the centred space;
    center (dim,) the mean that was subtracted; clusters, largest first."""

    frame_path = ("clusters", "members")  # rows of to_frame(), items of result[i]

    level: str
    labels: np.ndarray
    centroids: np.ndarray
    center: np.ndarray
    clusters: list[Cluster]
    words: np.ndarray | None = None

    @property
    def k(self) -> int:
        return len(self.clusters)

    def to_dict(self) -> JSON:
        """Level, k and every cluster with its size and most central members (word, or row and token, with cosine)."""

        def member(i: int, name: str, score: float) -> JSON:
            if self.level == "types":
                return {"word": name, "score": float(score)}
            return {"row": int(i), "token": name, "score": float(score)}

        return {
            "level": self.level,
            "k": self.k,
            "clusters": [
                {
                    "cluster": int(c.label),
                    "size": int(c.size),
                    "members": [member(*t) for t in zip(c.ids, c.members, c.scores, strict=True)],
                }
                for c in self.clusters
            ],
        }


def kmeans_unit(x: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k-means on (n, dim) unit rows; returns labels (n,) and unit centroids (k, dim), clusters by size desc."""
    if not 1 <= k <= len(x):
        raise ParameterError("k", f"{{name}} {k} is out of range; use 1..{len(x)} (the number of items to cluster)")
    with threads_for(len(x)):
        km = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(x)
    counts = np.bincount(km.labels_, minlength=k)
    order = np.lexsort((np.arange(k), -counts))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    return rank[km.labels_], unit_rows(km.cluster_centers_[order])


def _top(scores: np.ndarray, m: int) -> np.ndarray:
    idx = np.argpartition(-scores, m - 1)[:m] if len(scores) > m else np.arange(len(scores))
    return np.asarray(idx[np.argsort(-scores[idx], kind="stable")])


def cluster_types(store: Store, k: int = 50, *, min_count: int = 5, n_members: int = 10, seed: int = 0) -> Clusters:
    """Cluster the word types with at least `min_count` occurrences into `k` clusters."""
    from ..lexicon import word_types

    types = word_types(store, min_count=min_count)
    if len(types) == 0:
        raise ParameterError("min_count", f"no word type occurs {min_count} times; lower {{name}}")
    vecs = np.asarray(types.vectors, dtype=np.float64)
    center = vecs.mean(axis=0)
    x = unit_rows(vecs - center)
    labels, cents = kmeans_unit(x, k, seed)
    clusters = []
    for c in range(len(cents)):
        ids = np.flatnonzero(labels == c)
        top = _top(x[ids] @ cents[c], n_members)
        clusters.append(
            Cluster(
                c,
                len(ids),
                ids[top],
                [str(w) for w in types.words[ids[top]]],
                (x[ids[top]] @ cents[c]).astype(np.float32),
            )
        )
    return Clusters("types", labels, cents.astype(np.float32), center.astype(np.float32), clusters, types.words)


def cluster_occurrences(
    store: Store,
    k: int = 50,
    *,
    n_members: int = 10,
    fit_rows: int = 50_000,
    block_rows: int = 65536,
    seed: int = 0,
) -> Clusters:
    """Cluster every row of `store`: k-means fitted on `fit_rows` sampled rows, then a streaming assignment."""
    sample = sample_rows(np.arange(store.n_rows), fit_rows, seed)
    fit = np.asarray(store.get_vectors(sample), dtype=np.float64)
    center = fit.mean(axis=0)
    _, cents = kmeans_unit(unit_rows(fit - center), k, seed)
    del fit
    labels = np.empty(store.n_rows, dtype=np.int32)
    best_rows = [np.zeros(0, dtype=np.int64) for _ in range(len(cents))]
    best_scores = [np.zeros(0, dtype=np.float32) for _ in range(len(cents))]
    c32, center32 = cents.astype(np.float32), center.astype(np.float32)
    for start, block in store.iter_blocks(block_rows):
        x = block - center32  # a new array: blocks may be read-only views of the memory map
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
        sims = x @ c32.T
        lab = sims.argmax(axis=1)
        labels[start : start + len(block)] = lab
        own = sims[np.arange(len(block)), lab]
        for c in np.unique(lab):
            hit = np.flatnonzero(lab == c)
            rows = np.concatenate([best_rows[c], hit + start])
            scores = np.concatenate([best_scores[c], own[hit]])
            keep = _top(scores, n_members)
            best_rows[c], best_scores[c] = rows[keep], scores[keep]
    sizes = np.bincount(labels, minlength=len(cents))
    order = np.lexsort((np.arange(len(cents)), -sizes))  # sample sizes and full sizes can rank differently
    rank = np.empty(len(cents), dtype=np.int64)
    rank[order] = np.arange(len(cents))
    tokens = store.tokens
    clusters = [
        Cluster(i, int(sizes[c]), best_rows[c], [str(tokens[r]) for r in best_rows[c]], best_scores[c])
        for i, c in enumerate(order)
    ]
    return Clusters("occurrences", rank[labels].astype(np.int32), c32[order], center.astype(np.float32), clusters)


def cluster(
    store: Store,
    k: int = 50,
    *,
    level: str = "types",
    n_members: int = 10,
    min_count: int = 5,
    fit_rows: int = 50_000,
    block_rows: int = 65536,
    seed: int = 0,
) -> Clusters:
    """Cluster the word types (`level="types"`, see `cluster_types`: `min_count`) or every occurrence
    (`level="occurrences"`, see `cluster_occurrences`: `fit_rows`, `block_rows`) of `store`."""
    if level == "types":
        return cluster_types(store, k, min_count=min_count, n_members=n_members, seed=seed)
    if level == "occurrences":
        return cluster_occurrences(store, k, n_members=n_members, fit_rows=fit_rows, block_rows=block_rows, seed=seed)
    raise ParameterError("level", f"unknown {{name}} {level!r}; use one of {', '.join(CLUSTER_LEVELS)}")
