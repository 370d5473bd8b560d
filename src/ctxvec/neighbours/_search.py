"""Nearest occurrences by cosine similarity: exact blocked scans, or a faiss index (`ctxvec.neighbours._index`).

The exact scan streams the memory-mapped vectors block by block, never loading the store:
scores of every query against a block come from one matrix product (in float16 straight from
the memmap when the store is float16: torch's float16 CPU matmul accumulates in float32 and is
several times faster than numpy's float16 conversion, ~1 GB/s), are divided by the stored
norms, and every row within a margin of each query's running k-th best score is kept. Those
candidates are re-scored exactly in float32 from the store, so returned scores equal a plain
numpy cosine computation; the margin (twice the float16 error bound) guarantees that no true
top-k row is missed. For one query, a flat index (`ctxvec.neighbours._index`) scans faster still.

Options: the query occurrence is never its own neighbour; `exclude_word` drops every
occurrence of the query's word; `group="sentence"` keeps the best hit per sentence and
`group="word"` the best occurrence per word type (with a count). Grouped searches fetch a
longer exact prefix of the ranking and refill until k groups are found, so the top-k stays full.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch

from ..errors import CtxvecError
from ..store import Occurrence, Store, normalize_word

#: Bound on |float16-kernel cosine - exact cosine| (rounding of the float16 query and output: 2**-12 + 2**-11).
FLOAT16_ERROR = 2e-3
#: Bound for float32 kernels (different summation order only).
FLOAT32_ERROR = 1e-4
#: Largest norm the float16 kernel accepts (scores are rounded to float16, whose max is 65504).
FLOAT16_MAX_NORM = 30000.0
GROUPS = (None, "sentence", "word")


@dataclass
class Matches:
    """Top-k rows per query, best first: rows (q, k) int64 (-1 where fewer hits), scores (q, k) float32
    (-inf there). With grouping by word, counts (q, k) holds how many occurrences of each hit's word
    score at least as high as the k-th word's best occurrence."""

    rows: np.ndarray
    scores: np.ndarray
    counts: np.ndarray | None = None


class QueryLike(Protocol):
    """What `similar` needs from a query selection (`ctxvec.queries.Queries`)."""

    rows: np.ndarray  # (q,) int64, -1 for a word in a new sentence
    vectors: np.ndarray  # (q, dim) float32
    occurrences: list[Occurrence]
    word: str | None


# ---- validation ----------------------------------------------------------------------------------
def check_k(store: Store, k: int) -> int:
    """`k` as an int; CtxvecError when it is not in 1..n_rows."""
    if isinstance(k, bool) or int(k) != k:
        raise CtxvecError(f"k must be a whole number, got {k!r}")
    k = int(k)
    if k <= 0:
        raise CtxvecError(f"k must be at least 1, got {k}")
    if k > store.n_rows:
        raise CtxvecError(f"k={k} is larger than the store ({store.n_rows} rows); use k <= {store.n_rows}")
    return k


def _unit_queries(vectors: np.ndarray, dim: int) -> np.ndarray:
    q = np.asarray(vectors, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.ndim != 2 or q.shape[1] != dim:
        raise CtxvecError(f"query vectors must have shape (q, {dim}), got {q.shape}")
    n = np.linalg.norm(q, axis=1)
    if np.any(~np.isfinite(n)) or np.any(n == 0):
        raise CtxvecError("a query vector is zero or not finite; its cosine similarity is undefined")
    return np.ascontiguousarray(q / n[:, None], dtype=np.float32)


def _per_query(values: np.ndarray | None, q: int, name: str) -> np.ndarray:
    if values is None:
        return np.full(q, -1, dtype=np.int64)
    out = np.asarray(values, dtype=np.int64).reshape(-1)
    if len(out) != q:
        raise CtxvecError(f"{name} must have one entry per query ({q}), got {len(out)}")
    return out


# ---- exact scan ------------------------------------------------------------------------------------
def scan_kernel(store: Store) -> str:
    """The kernel the exact scan uses: 'float16' (raw memmap, torch float16 matmul), 'float32'
    (raw memmap) or 'transform' (the store has an in-place transform: `iter_blocks` in float32)."""
    if store.transform is not None:
        return "transform"
    if store.vectors.dtype == np.float16 and float(np.max(store.norms(), initial=0.0)) < FLOAT16_MAX_NORM:
        return "float16"
    return "float32"


def _inverse_norms(store: Store) -> np.ndarray:
    norms = np.asarray(store.norms(), dtype=np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(norms > 0, 1.0 / norms, 0.0).astype(np.float32)
    return inv  # zero vectors score 0, as in sklearn's cosine_similarity


def _scan(
    store: Store,
    queries: np.ndarray,
    m: int,
    margin: float,
    exclude_rows: np.ndarray,
    exclude_word_ids: np.ndarray | None,
    kernel: str,
    block_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One pass over the store with `kernel`: every (query, row) whose kernel score is within `margin`
    of the query's m-th best kernel score, as flat arrays query index (p,) and row (p,).

    The m-th best only rises during the scan, so pairs that fall below it minus the margin are
    dropped as the scan goes; what is left at the end holds every row of the exact top-m as long
    as the kernel's error is at most margin / 2.
    """
    nq, n = len(queries), store.n_rows
    block = block_rows or int(np.clip(2**23 // max(nq, 1), 4096, max(n, 4096)))  # scores: at most 32 MB
    inv = _inverse_norms(store)
    qk = torch.from_numpy(queries)
    qk = qk.half() if kernel == "float16" else qk
    word_ids = store.word_ids if exclude_word_ids is not None else None
    top = np.full((nq, 0), -np.inf, dtype=np.float32)  # running m best kernel scores per query
    thr = np.full((nq, 1), np.finfo(np.float32).min)  # keep pairs scoring >= thr (excluded rows are -inf)
    pool_q, pool_r, pool_s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore", UserWarning)  # torch.from_numpy on a read-only memmap
        for start in range(0, n, block):
            stop = min(start + block, n)
            if kernel == "transform":
                x = torch.from_numpy(store.get_vectors(slice(start, stop)))
            else:
                x = torch.from_numpy(np.asarray(store.vectors[start:stop]))
            # only the product runs in torch (threads); the cheap elementwise rest in numpy
            s = (qk @ x.T).numpy().astype(np.float32, copy=False)
            s *= inv[start:stop]
            hit = np.flatnonzero((exclude_rows >= start) & (exclude_rows < stop))
            s[hit, exclude_rows[hit] - start] = -np.inf
            if exclude_word_ids is not None and word_ids is not None:
                s[exclude_word_ids[:, None] == word_ids[None, start:stop]] = -np.inf
            v = torch.topk(torch.from_numpy(s), min(m, stop - start), dim=1, sorted=False).values.numpy()
            top = np.concatenate([top, v], axis=1)
            if top.shape[1] > m:
                top = -np.partition(-top, m - 1, axis=1)[:, :m]
            if top.shape[1] == m:
                thr = np.maximum(top.min(axis=1, keepdims=True) - margin, np.finfo(np.float32).min)
            qi, ri = np.nonzero(s >= thr)
            pool_q.append(qi)
            pool_r.append(ri + start)
            pool_s.append(s[qi, ri])
            pq, pr, ps = np.concatenate(pool_q), np.concatenate(pool_r), np.concatenate(pool_s)
            keep = ps >= thr[pq, 0]  # drop pairs that fell below their query's threshold
            pool_q, pool_r, pool_s = [pq[keep]], [pr[keep]], [ps[keep]]
    return pool_q[0].astype(np.int64), pool_r[0].astype(np.int64)


def _pair_scores(store: Store, queries: np.ndarray, qidx: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(p,) exact float32 cosines of unit queries[qidx] with rows (both (p,))."""
    out = np.empty(len(rows), dtype=np.float32)
    if len(rows) == 0:
        return out
    uniq, inverse = np.unique(rows, return_inverse=True)
    vecs = store.get_vectors(uniq)  # sorted rows: one forward sweep over the memmap
    norms = np.asarray(store.norms()[uniq], dtype=np.float32)
    with np.errstate(divide="ignore"):
        vecs *= np.where(norms > 0, 1.0 / norms, 0.0).astype(np.float32)[:, None]
    step = 1 << 16  # bounded memory for many queries x many candidates
    for a in range(0, len(rows), step):
        sl = slice(a, a + step)
        out[sl] = np.einsum("cd,cd->c", vecs[inverse[sl]], queries[qidx[sl]])
    return out


def exact_scores(store: Store, queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(q, c) float32 cosines of unit `queries` (q, dim) with `rows` (q, c) (-1 gives -inf), in float32."""
    out = np.full(rows.shape, -np.inf, dtype=np.float32)
    qi, ci = np.nonzero(rows >= 0)
    out[qi, ci] = _pair_scores(store, queries, qi, rows[qi, ci])
    return out


def _sort_prefix(rows: np.ndarray, scores: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Sort each query's candidates by score (best first, ties by row) and keep m."""
    key_rows = np.where(rows < 0, np.iinfo(np.int64).max, rows)
    order = np.lexsort((key_rows, -scores.astype(np.float64)), axis=1)[:, :m]
    return np.take_along_axis(rows, order, 1), np.take_along_axis(scores, order, 1)


def exact_prefix(
    store: Store,
    queries: np.ndarray,
    m: int,
    exclude_rows: np.ndarray,
    exclude_word_ids: np.ndarray | None = None,
    block_rows: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-m of unit `queries` (q, dim): rows (q, m) (-1 padded) and float32 cosines (q, m), best first.

    One scan with the fastest kernel keeps every row that could be in the top m given the
    kernel's error bound; those candidates are then re-scored exactly in float32.
    """
    kernel = scan_kernel(store)
    margin = 2 * (FLOAT16_ERROR if kernel == "float16" else FLOAT32_ERROR)
    m = min(m, store.n_rows)
    qi, rows = _scan(store, queries, m, margin, exclude_rows, exclude_word_ids, kernel, block_rows)
    scores = _pair_scores(store, queries, qi, rows)
    order = np.lexsort((rows, -scores.astype(np.float64), qi))
    qi, rows, scores = qi[order], rows[order], scores[order]
    first = np.searchsorted(qi, np.arange(len(queries)))
    rank = np.arange(len(qi)) - first[qi]
    keep = rank < m
    out_rows = np.full((len(queries), m), -1, dtype=np.int64)
    out_scores = np.full((len(queries), m), -np.inf, dtype=np.float32)
    out_rows[qi[keep], rank[keep]] = rows[keep]
    out_scores[qi[keep], rank[keep]] = scores[keep]
    return out_rows, out_scores


# ---- grouping and refill ---------------------------------------------------------------------
PrefixFn = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def _group(
    rows: np.ndarray, scores: np.ndarray, keys: np.ndarray, k: int, with_counts: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """First k distinct keys of one sorted prefix: rows, scores, counts, and whether k were found."""
    valid = rows >= 0
    r, s, kk = rows[valid], scores[valid], keys[valid]
    _, first = np.unique(kk, return_index=True)
    first = np.sort(first)[:k]
    counts = np.zeros(len(first), dtype=np.int64)
    if with_counts and len(first):
        threshold = s[first[-1]]
        above = kk[s >= threshold]
        counts = np.array([np.count_nonzero(above == kk[i]) for i in first], dtype=np.int64)
    return r[first], s[first], counts, len(first) >= k


def grouped(prefix: PrefixFn, nq: int, k: int, keys: np.ndarray, n_rows: int, with_counts: bool) -> Matches:
    """Top-k distinct `keys` (n_rows,) per query from a ranking `prefix(query_ids, m)`, refilling until full.

    A sorted exact prefix of m rows that holds k distinct keys contains every row scoring at least
    the k-th key's best, so the groups (and their counts) are exact; otherwise m grows eightfold.
    """
    rows = np.full((nq, k), -1, dtype=np.int64)
    scores = np.full((nq, k), -np.inf, dtype=np.float32)
    counts = np.zeros((nq, k), dtype=np.int64)
    todo = np.arange(nq)
    m = min(max(8 * k, 128), n_rows)
    while len(todo):
        pr, ps = prefix(todo, m)
        again = []
        for j, qi in enumerate(todo):
            r, s, c, full = _group(pr[j], ps[j], keys[np.maximum(pr[j], 0)], k, with_counts)
            exhausted = m >= n_rows or np.any(pr[j] < 0)
            if full or exhausted:
                rows[qi, : len(r)], scores[qi, : len(r)], counts[qi, : len(r)] = r, s, c
            else:
                again.append(qi)
        todo = np.asarray(again, dtype=np.int64)
        m = min(m * 8, n_rows)
    return Matches(rows, scores, counts if with_counts else None)


def search_vectors(
    store: Store,
    vectors: np.ndarray,
    k: int = 10,
    *,
    exclude_rows: np.ndarray | None = None,
    exclude_word_ids: np.ndarray | None = None,
    group: str | None = None,
    block_rows: int | None = None,
) -> Matches:
    """Exact cosine top-k of query `vectors` (q, dim) over the whole store, in one blocked pass.

    exclude_rows: (q,) a row each query must not return (its own occurrence), -1 for none.
    exclude_word_ids: (q,) a vocabulary id whose every occurrence the query must not return, -1 for none.
    group: None, 'sentence' (best hit per sentence) or 'word' (best occurrence per word type, with counts).
    """
    k = check_k(store, k)
    q = _unit_queries(vectors, store.dim)
    excl = _per_query(exclude_rows, len(q), "exclude_rows")
    ew = None if exclude_word_ids is None else _per_query(exclude_word_ids, len(q), "exclude_word_ids")

    def prefix(ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
        return exact_prefix(store, q[ids], m, excl[ids], None if ew is None else ew[ids], block_rows)

    return _run(store, prefix, len(q), k, group)


def _run(store: Store, prefix: PrefixFn, nq: int, k: int, group: str | None) -> Matches:
    if group not in GROUPS:
        raise CtxvecError(f"unknown grouping {group!r}; use one of: sentence, word (or none)")
    if group is None:
        r, s = prefix(np.arange(nq), k)
        return Matches(r, s)
    keys = store.sentence_ids if group == "sentence" else store.word_ids
    return grouped(prefix, nq, k, keys, store.n_rows, with_counts=group == "word")


# ---- the user-facing operation -------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """One neighbour: the occurrence, its cosine, and (grouped by word) its word's count."""

    occurrence: Occurrence
    score: float
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        o = self.occurrence
        d: dict[str, Any] = {
            "row": o.row,
            "token": o.token,
            "score": round(float(self.score), 6),
            "sentence_id": o.sentence_id,
            "sentence": o.sentence,
            "start": o.start,
            "end": o.end,
        }
        if self.count is not None:
            d["word"] = normalize_word(o.token)
            d["count"] = self.count
        return d


@dataclass
class Similar:
    """Result of `similar`: for each query occurrence (q,), its k nearest occurrences.

    rows (q, k) int64 (-1 where fewer hits), scores (q, k) float32 cosines, counts (q, k) with
    grouping by word; `method` says how it was computed (exact scan kernel or index).
    """

    store: Store = field(repr=False)
    queries: QueryLike = field(repr=False)
    rows: np.ndarray
    scores: np.ndarray
    method: str
    counts: np.ndarray | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def query_rows(self) -> np.ndarray:
        """(q,) row of each query occurrence (-1 for a word in a new sentence)."""
        return np.asarray(self.queries.rows, dtype=np.int64)

    @property
    def tokens(self) -> np.ndarray:
        """(q, k) object array of hit tokens ('' where no hit)."""
        out = np.full(self.rows.shape, "", dtype=object)
        valid = self.rows >= 0
        out[valid] = self.store.tokens[self.rows[valid]]
        return out

    def hits(self, i: int) -> list[Hit]:
        """The hits of query `i`, best first."""
        out = []
        for j, (r, s) in enumerate(zip(self.rows[i], self.scores[i], strict=True)):
            if r >= 0:
                c = None if self.counts is None else int(self.counts[i, j])
                out.append(Hit(self.store.occurrence(int(r)), float(s), c))
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: method, options, and per query its row, token, sentence and hits."""
        queries = []
        for i, occ in enumerate(self.queries.occurrences):
            queries.append(
                {
                    "row": int(self.query_rows[i]),
                    "token": occ.token,
                    "sentence_id": occ.sentence_id,
                    "sentence": occ.sentence,
                    "start": occ.start,
                    "end": occ.end,
                    "hits": [h.to_dict() for h in self.hits(i)],
                }
            )
        return {"store": str(self.store.path), "method": self.method, "options": self.options, "queries": queries}


def query_word_ids(store: Store, queries: QueryLike) -> np.ndarray:
    """(q,) vocabulary id of each query's word (-1 when a new sentence's word is not in the store)."""
    rows = np.asarray(queries.rows, dtype=np.int64)
    out = np.full(len(rows), -1, dtype=np.int64)
    inside = rows >= 0
    out[inside] = store.word_ids[rows[inside]]
    vocab = store.vocabulary
    for i in np.flatnonzero(~inside):
        key = normalize_word(queries.occurrences[i].token)
        j = int(np.searchsorted(vocab, key))
        out[i] = j if j < len(vocab) and vocab[j] == key else -1
    return out


def similar(
    store: Store,
    word: str | None = None,
    *,
    k: int = 10,
    sentence: int | None = None,
    row: int | None = None,
    in_sentence: str | None = None,
    limit: int | None = None,
    queries: QueryLike | None = None,
    exclude_word: bool = False,
    distinct_sentences: bool = False,
    words_only: bool = False,
    exact: bool = False,
    index: str | None = None,
) -> Similar:
    """The k nearest occurrences (cosine) of each query occurrence of `word` in `store`.

    Queries are chosen as in `ctxvec.queries.select_queries` (all occurrences of `word`, the one in
    `sentence`, `row`, or `word` inside the new sentence `in_sentence`; at most `limit`), or passed
    ready-made as `queries`. The query occurrence is never its own neighbour. `exclude_word` drops
    every occurrence of the query's word; `distinct_sentences` keeps one hit per sentence;
    `words_only` keeps each word type's best occurrence, with a count. A faiss index built with
    `ctxvec index` (`index` names the kind) is used when present unless `exact`; `exact` uses the
    exact scan, or for up to 4 queries the store's flat index (also exact) when it has one.
    """
    k = check_k(store, k)
    if distinct_sentences and words_only:
        raise CtxvecError("choose one of distinct_sentences (--distinct-sentences) and words_only (--words-only)")
    if queries is None:
        from ..queries import select_queries

        queries = select_queries(store, word, sentence=sentence, row=row, in_sentence=in_sentence, limit=limit)
    group = "sentence" if distinct_sentences else "word" if words_only else None
    exclude_rows = np.asarray(queries.rows, dtype=np.int64)
    ew = query_word_ids(store, queries) if exclude_word else None
    vectors = np.asarray(queries.vectors, dtype=np.float32)

    from ._index import choose_index  # here: index imports this module

    chosen, why = choose_index(store, index, exact, len(vectors))
    if chosen is None:
        matches = search_vectors(store, vectors, k, exclude_rows=exclude_rows, exclude_word_ids=ew, group=group)
        method = f"exact scan ({scan_kernel(store)} kernel, re-scored in float32)" + (f"; {why}" if why else "")
    else:
        matches = chosen.search(store, vectors, k, exclude_rows=exclude_rows, exclude_word_ids=ew, group=group)
        method = chosen.describe()
    options = {
        "k": k,
        "exclude_word": exclude_word,
        "distinct_sentences": distinct_sentences,
        "words_only": words_only,
        "exact": exact,
    }
    return Similar(store, queries, matches.rows, matches.scores, method, matches.counts, options)
