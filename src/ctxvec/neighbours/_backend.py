"""The one interface every nearest-neighbour backend implements (the exact scan, each faiss index).

A backend is bound to the store whose vectors it searches (as gensim's ``indexer=`` objects are
built from the vectors: backends depend on the vectors, never the reverse). It implements
`ranked`, the sorted top-m of unit queries with exact float32 cosines; `search` (validation,
exclusions, grouping with refill) is shared, so every backend answers the same options alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from ..store import Store
from ._topk import Matches, check_k, per_query, top_k, unit_queries


class Backend(ABC):
    """Nearest occurrences of query vectors in `store` by cosine similarity."""

    #: 'exact' for the scan, else the faiss index kind ('hnsw', 'ivf', 'flat').
    kind: str
    store: Store

    @abstractmethod
    def describe(self) -> str:
        """How results are computed, in words (what `Similar.method` says)."""

    @property
    def exact(self) -> bool:
        """Whether answers are the exact top-k: the scan, or a flat index (all rows, re-scored in float32)."""
        return self.kind in ("exact", "flat")

    @property
    def recall_at_10(self) -> float | None:
        """Measured recall@10 against the exact scan (`build_index`); None when unknown or exact."""
        return None

    @abstractmethod
    def ranked(
        self, queries: np.ndarray, m: int, exclude_rows: np.ndarray, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-m of unit `queries` (q, dim): rows (q, m) int64 (-1 padded) and exact float32 cosines (q, m),
        best first (ties by row). `exclude_rows` (q,) is each query's own row (-1: none);
        `exclude_word_ids` (q,) a vocabulary id whose every occurrence is left out (-1: none)."""

    def search(
        self,
        vectors: np.ndarray,
        k: int = 10,
        *,
        exclude_rows: np.ndarray | None = None,
        exclude_word_ids: np.ndarray | None = None,
        group: str | None = None,
    ) -> Matches:
        """Cosine top-k of query `vectors` (q, dim) over the whole store.

        exclude_rows: (q,) a row each query must not return (its own occurrence), -1 for none.
        exclude_word_ids: (q,) a vocabulary id whose every occurrence the query must not return, -1 for none.
        group: None, 'sentence' (best hit per sentence) or 'word' (best occurrence per word type, with counts).
        """
        store = self.store
        k = check_k(store, k)
        q = unit_queries(vectors, store.dim)
        excl = per_query(exclude_rows, len(q), "exclude_rows")
        ew = None if exclude_word_ids is None else per_query(exclude_word_ids, len(q), "exclude_word_ids")

        def ranked(ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
            return self.ranked(q[ids], m, excl[ids], None if ew is None else ew[ids])

        return top_k(store, ranked, len(q), k, group)
