"""Top-k shared by every backend: checked arguments, `Matches`, sorted prefixes, grouping with refill.

A backend ranks candidates (`ctxvec.neighbours._backend.Backend.ranked`); this module turns a
ranking function into the top-k, optionally grouped by sentence (best hit per sentence) or by
word (best occurrence per word type, with counts). Grouped searches fetch a longer exact prefix
of the ranking and refill until k groups are found, so the top-k stays full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result, jsonable
from ..store import Store
from ._kinds import GROUPS

#: A ranking: (query ids (q,), m) -> rows (q, m) int64 (-1 padded) and float32 cosines (q, m), best first.
RankFn = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


@dataclass
class Matches(Result):
    """Top-k rows per query, best first: rows (q, k) int64 (-1 where fewer hits), scores (q, k) float32
    (-inf there). With grouping by word, counts (q, k) holds how many occurrences of each hit's word
    score at least as high as the k-th word's best occurrence."""

    rows: np.ndarray
    scores: np.ndarray
    counts: np.ndarray | None = None

    def to_dict(self) -> JSON:
        """rows, scores (None where no hit) and counts (None without grouping by word), as nested lists."""
        return {
            "rows": jsonable(self.rows),
            "scores": jsonable(self.scores),
            "counts": None if self.counts is None else jsonable(self.counts),
        }


# ---- validation ----------------------------------------------------------------------------------
def check_k(store: Store, k: int) -> int:
    """`k` as an int; ParameterError when it is not in 1..n_rows."""
    if isinstance(k, bool) or int(k) != k:
        raise ParameterError("k", f"{{name}} must be a whole number, got {k!r}")
    k = int(k)
    if k <= 0:
        raise ParameterError("k", f"{{name}} must be at least 1, got {k}")
    if k > store.n_rows:
        raise ParameterError(
            "k", f"{{name}}={k} is larger than the store ({store.n_rows} rows); use {{name}} <= {store.n_rows}"
        )
    return k


def unit_queries(vectors: np.ndarray, dim: int) -> np.ndarray:
    """(q, dim) float32 unit rows of query `vectors` ((dim,) or (q, dim)); CtxvecError for a zero or bad row."""
    q = np.asarray(vectors, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise CtxvecError(f"query vectors must have shape (q, {dim}), got {q.shape}")
    n = np.linalg.norm(q, axis=1)
    if np.any(~np.isfinite(n)) or np.any(n == 0):
        raise CtxvecError("a query vector is zero or not finite; its cosine similarity is undefined")
    return np.ascontiguousarray(q / n[:, None], dtype=np.float32)


def per_query(values: np.ndarray | None, q: int, name: str) -> np.ndarray:
    """(q,) int64 `values` (None: all -1); ParameterError `name` when there is not one per query."""
    if values is None:
        return np.full(q, -1, dtype=np.int64)
    out = np.asarray(values, dtype=np.int64).reshape(-1)
    if len(out) != q:
        raise ParameterError(name, f"{{name}} must have one entry per query ({q}), got {len(out)}")
    return out


# ---- sorting and grouping ----------------------------------------------------------------------------
def sort_prefix(rows: np.ndarray, scores: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort each query's candidates (q, c) by score (best first, ties by row, -1 last) and keep m."""
    key_rows = np.where(rows < 0, np.iinfo(np.int64).max, rows)
    order = np.lexsort((key_rows, -scores.astype(np.float64)), axis=1)[:, :m]
    return np.take_along_axis(rows, order, 1), np.take_along_axis(scores, order, 1)


def _distinct_both(keys: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
    """Positions (<= k,) of the first rows of a sorted prefix whose key and second key are both unseen."""
    seen_a: set[int] = set()
    seen_b: set[int] = set()
    out = []
    for i, (a, b) in enumerate(zip(keys.tolist(), second.tolist(), strict=True)):
        if a not in seen_a and b not in seen_b:  # a word whose best row shares a taken sentence may come later
            out.append(i)
            seen_a.add(a)
            seen_b.add(b)
            if len(out) == k:
                break
    return np.asarray(out, dtype=np.int64)


def _group(
    rows: np.ndarray,
    scores: np.ndarray,
    keys: np.ndarray,
    k: int,
    with_counts: bool,
    second: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """First k distinct keys of one sorted prefix (and, with `second`, distinct second keys too): rows,
    scores, counts, and whether k were found."""
    valid = rows >= 0
    r, s, kk = rows[valid], scores[valid], keys[valid]
    if second is not None:
        first = _distinct_both(kk, second[valid], k)
    else:
        _, first = np.unique(kk, return_index=True)
        first = np.sort(first)[:k]
    counts = np.zeros(len(first), dtype=np.int64)
    if with_counts and len(first):
        threshold = s[first[-1]]
        above = kk[s >= threshold]
        counts = np.array([np.count_nonzero(above == kk[i]) for i in first], dtype=np.int64)
    return r[first], s[first], counts, len(first) >= k


def grouped(
    ranked: RankFn,
    nq: int,
    k: int,
    keys: np.ndarray,
    n_rows: int,
    with_counts: bool,
    second: np.ndarray | None = None,
) -> Matches:
    """Top-k distinct `keys` (n_rows,) per query from a ranking `ranked(query_ids, m)`, refilling until full;
    with `second` (n_rows,) each hit's second key (its sentence) must be new too.

    A sorted exact prefix of m rows that holds k distinct keys contains every row scoring at least
    the k-th key's best, so the groups (and their counts) are exact; otherwise m grows eightfold.
    """
    rows = np.full((nq, k), -1, dtype=np.int64)
    scores = np.full((nq, k), -np.inf, dtype=np.float32)
    counts = np.zeros((nq, k), dtype=np.int64)
    todo = np.arange(nq)
    m = min(max(8 * k, 128), n_rows)
    while len(todo):
        pr, ps = ranked(todo, m)
        again = []
        for j, qi in enumerate(todo):
            safe = np.maximum(pr[j], 0)
            r, s, c, full = _group(pr[j], ps[j], keys[safe], k, with_counts, None if second is None else second[safe])
            exhausted = m >= n_rows or np.any(pr[j] < 0)
            if full or exhausted:
                rows[qi, : len(r)], scores[qi, : len(r)], counts[qi, : len(r)] = r, s, c
            else:
                again.append(qi)
        todo = np.asarray(again, dtype=np.int64)
        m = min(m * 8, n_rows)
    return Matches(rows, scores, counts if with_counts else None)


def top_k(store: Store, ranked: RankFn, nq: int, k: int, group: str | None) -> Matches:
    """The top-k of `nq` queries from `ranked`, grouped by `group` (None, 'sentence' or 'word')."""
    if group not in GROUPS:
        raise ParameterError("group", f"unknown grouping {group!r} for {{name}}; use one of: sentence, word (or None)")
    if group is None:
        r, s = ranked(np.arange(nq), k)
        return Matches(r, s)
    keys = store.sentence_ids if group == "sentence" else store.word_ids
    second = store.sentence_ids if group == "word-sentence" else None
    return grouped(ranked, nq, k, keys, store.n_rows, with_counts=group != "sentence", second=second)
