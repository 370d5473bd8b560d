"""The exact backend: a blocked scan of the memory-mapped vectors, then exact float32 re-scoring.

The scan streams the vectors block by block, never loading the store: scores of every query
against a block come from one matrix product (in float16 straight from the memmap when the store
is float16: torch's float16 CPU matmul accumulates in float32 and is several times faster than
numpy's float16 conversion, ~1 GB/s), are divided by the stored norms, and every row within a
margin of each query's running k-th best score is kept. Those candidates are re-scored exactly in
float32 from the store (`exact_scores`, plain numpy: faiss backends re-score with it too), so
returned scores equal a plain numpy cosine computation; the margin (twice the float16 error
bound) guarantees that no true top-k row is missed. torch loads only when a scan runs.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..store import Store
from ._backend import Backend
from ._topk import Matches

#: Bound on |float16-kernel cosine - exact cosine| (rounding of the float16 query and output: 2**-12 + 2**-11).
FLOAT16_ERROR = 2e-3
#: Bound for float32 kernels (different summation order only).
FLOAT32_ERROR = 1e-4
#: Largest norm the float16 kernel accepts (scores are rounded to float16, whose max is 65504).
FLOAT16_MAX_NORM = 30000.0


def scan_kernel(store: Store) -> str:
    """The kernel the exact scan uses: 'float16' (raw memmap, torch float16 matmul), 'float32'
    (raw memmap) or 'transform' (the store has an in-place transform: `get_vectors` in float32)."""
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
    import torch  # the scan's matmul; index searches never load it

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


class ExactScan(Backend):
    """The exact backend: every query against every row in one blocked pass (`block_rows` rows a block;
    None picks a size that keeps the scores of a block under 32 MB)."""

    kind = "exact"

    def __init__(self, store: Store, block_rows: int | None = None):
        self.store = store
        self.block_rows = block_rows

    def describe(self) -> str:
        return f"exact scan ({scan_kernel(self.store)} kernel, re-scored in float32)"

    def ranked(
        self, queries: np.ndarray, m: int, exclude_rows: np.ndarray, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        return exact_prefix(self.store, queries, m, exclude_rows, exclude_word_ids, self.block_rows)


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
    return ExactScan(store, block_rows).search(
        vectors, k, exclude_rows=exclude_rows, exclude_word_ids=exclude_word_ids, group=group
    )
