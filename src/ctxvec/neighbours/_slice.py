"""`RowsKept`: any backend restricted to a slice of the store (the rows a `--where` filter keeps)."""

from __future__ import annotations

import numpy as np

from ._backend import Backend


class RowsKept(Backend):
    """`inner` returning only rows where `keep` (n_rows,) bool is true; it fetches longer prefixes
    (x4 each time, up to the whole store) until m kept rows are found or the store is exhausted."""

    def __init__(self, inner: Backend, keep: np.ndarray):
        self.inner, self.kind, self.store = inner, inner.kind, inner.store
        self.keep = np.asarray(keep, dtype=bool)

    def describe(self) -> str:
        return f"{self.inner.describe()}; {int(self.keep.sum()):,} rows in the slice"

    @property
    def recall_at_10(self) -> float | None:
        return self.inner.recall_at_10

    def ranked(
        self, queries: np.ndarray, m: int, exclude_rows: np.ndarray, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        q, n_rows = len(queries), self.store.n_rows
        rows = np.full((q, m), -1, dtype=np.int64)
        scores = np.full((q, m), -np.inf, dtype=np.float32)
        share = max(float(self.keep.mean()), 1.0 / n_rows)
        todo, fetch = np.arange(q), min(int(m / share) + 16, n_rows)
        while len(todo):
            ew = None if exclude_word_ids is None else exclude_word_ids[todo]
            r, sc = self.inner.ranked(queries[todo], fetch, exclude_rows[todo], ew)
            again = []
            for j, qi in enumerate(todo):
                valid = r[j] >= 0
                kept = valid & self.keep[np.maximum(r[j], 0)]
                kept_rows, kept_scores = r[j][kept][:m], sc[j][kept][:m]
                if len(kept_rows) >= m or fetch >= n_rows or not valid.all():
                    rows[qi, : len(kept_rows)], scores[qi, : len(kept_rows)] = kept_rows, kept_scores
                else:
                    again.append(qi)
            todo, fetch = np.asarray(again, dtype=np.int64), min(fetch * 4, n_rows)
        return rows, scores
