"""faiss backends: a store's saved index searched, its candidates re-scored exactly.

Kinds (inner product on unit vectors = cosine; how each is made: `ctxvec.neighbours._recipes`):
``hnsw`` and ``hnsw-sq8`` (graph search over float16 / 8-bit codes), ``ivf`` (k-means cells, float16
codes), ``ivfpq`` (IVF with an HNSW coarse quantizer + PQ codes) and ``flat`` (every vector as
float16, exact after re-scoring).

Searches fetch extra candidates and re-score them exactly in float32 from the store (numpy on the
memmap: no torch), so the reported cosines are exact; grouping and exclusion are the shared ones
of `ctxvec.neighbours._backend.Backend.search`. Building, saving and loading: `ctxvec.neighbours._indexes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import faiss as _faiss
import numpy as np

from ..results import JSON, Result
from ..store import Store
from ._backend import Backend
from ._exact import FLOAT16_ERROR, exact_prefix, exact_scores
from ._recipes import GRAPH_KINDS, IVF_KINDS, IndexPlan, faiss
from ._topk import sort_prefix


@dataclass
class IndexInfo(Result):
    """What a saved index is: kind, build parameters and time, the faiss version, the record of the
    vectors it was built from (`Store.vectors_record`), its file and size, and whether it is stale
    (built from other vectors than the store serves now, e.g. before an in-place transform), and
    its recall@10 against the exact scan measured when it was built (None for indexes built before)."""

    kind: str
    params: dict[str, int]
    build_seconds: float
    faiss_version: str
    vectors: JSON
    file: str
    bytes: int
    stale: bool
    recall_at_10: float | None = None

    def saved(self) -> JSON:
        """What ``index/<kind>.json`` holds (the vectors record at top level, as `Store.is_current` reads it)."""
        return {
            "kind": self.kind,
            "params": dict(self.params),
            "build_seconds": self.build_seconds,
            "faiss_version": self.faiss_version,
            "recall_at_10": self.recall_at_10,
            **self.vectors,
        }

    def describe(self) -> str:
        """The index in words, e.g. ``hnsw index (hnsw.faiss: M=32, efSearch=128; approximate), re-scored in float32``."""
        detail = IndexPlan(self.kind, self.params, 0, 0).describe()
        return f"{self.kind} index ({Path(self.file).name}: {detail}), re-scored in float32"

    def to_dict(self) -> JSON:
        return {**self.saved(), "file": self.file, "bytes": self.bytes, "stale": self.stale}


@dataclass
class StoreIndex(Backend):
    """A loaded faiss index of `store` (`faiss.Index` in `index`), described by `info`."""

    store: Store = field(repr=False)
    kind: str
    index: _faiss.Index = field(repr=False)
    info: IndexInfo

    @property
    def path(self) -> Path:
        """The ``index/<kind>.faiss`` file."""
        return Path(self.info.file)

    def describe(self) -> str:
        return self.info.describe()

    @property
    def recall_at_10(self) -> float | None:
        return self.info.recall_at_10

    # ---- raw candidates -----------------------------------------------------------------------
    def _params(self, selector: Any, fetch: int, n_banned: int, nprobe: int) -> tuple[Any, ...]:
        """faiss search parameters (first) and the objects they point to (kept alive with them)."""
        if self.kind in GRAPH_KINDS:
            # excluded rows are still walked through: a banned word's dense neighbourhood needs a wider beam
            ef = max(int(self.info.params["ef_search"]), fetch) + 2 * n_banned
            return (faiss.SearchParametersHNSW(sel=selector, efSearch=ef),)
        if self.kind == "ivf":
            return (faiss.SearchParametersIVF(sel=selector, nprobe=nprobe),)
        if self.kind == "ivfpq":  # the HNSW over the centroids needs a beam at least nprobe wide
            coarse = faiss.SearchParametersHNSW(efSearch=max(64, 2 * nprobe))
            ivf = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe, quantizer_params=coarse)
            if isinstance(faiss.downcast_index(self.index), faiss.IndexPreTransform):  # built with OPQ, before
                return faiss.SearchParametersPreTransform(index_params=ivf), ivf, coarse
            return ivf, coarse
        return (faiss.SearchParameters(sel=selector),)

    def _cells_of(self, rows: np.ndarray) -> int:
        """IVF kinds: how many cells hold `rows` (a banned word's cells are probed on top of nprobe)."""
        if self.kind not in IVF_KINDS or len(rows) == 0:
            return 0
        x = self.store.get_vectors(rows)
        x = np.ascontiguousarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30), dtype=np.float32)
        index: Any = faiss.downcast_index(self.index)
        if isinstance(index, faiss.IndexPreTransform):  # ivfpq: rotate as the index does before the cells
            for i in range(index.chain.size()):
                x = faiss.downcast_VectorTransform(index.chain.at(i)).apply(x)
        ivf = faiss.extract_index_ivf(self.index)
        _, cells = ivf.quantizer.search(x, 1)
        return len(np.unique(cells))

    def candidates(
        self, queries: np.ndarray, fetch: int, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """faiss top-`fetch` rows (q, fetch) and index scores for unit `queries`, word exclusions applied."""
        store, index = self.store, cast(Any, self.index)  # the stubs lack search(..., params=)
        fetch = min(fetch, store.n_rows)
        rows = np.full((len(queries), fetch), -1, dtype=np.int64)
        scores = np.full((len(queries), fetch), -np.inf, dtype=np.float32)
        groups = np.full(len(queries), -1) if exclude_word_ids is None else exclude_word_ids
        for wid in np.unique(groups):
            sel = np.flatnonzero(groups == wid)
            selector, banned = None, np.zeros(0, dtype=np.int64)
            if wid >= 0:
                banned = np.flatnonzero(store.word_ids == wid).astype(np.int64)
                selector = faiss.IDSelectorNot(faiss.IDSelectorBatch(banned))
            nprobe = nlist = 0
            if self.kind in IVF_KINDS:  # a banned word's cells are probed on top of nprobe
                nlist = int(self.info.params["nlist"])
                nprobe = min(int(self.info.params["nprobe"]) + 2 * self._cells_of(banned), nlist)
            while len(sel):
                params = self._params(selector, fetch, len(banned), nprobe)
                d, i = index.search(queries[sel], fetch, params=params[0])
                rows[sel], scores[sel] = i, np.where(i >= 0, d, -np.inf)
                if self.kind not in IVF_KINDS or nprobe >= nlist:
                    break
                sel = sel[(i < 0).any(axis=1)]  # probed cells held fewer than `fetch` rows: probe more
                nprobe = min(4 * nprobe, nlist)
        return rows, scores

    def ranked(
        self, queries: np.ndarray, m: int, exclude_rows: np.ndarray, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-m rows (q, m) and exact cosines, best first (exact for `flat`, approximate otherwise)."""
        store = self.store
        m = min(m, store.n_rows)
        if self.kind == "ivfpq":  # PQ scores are coarse: re-score a deeper list
            fetch = (m + 1) * int(self.info.params["rerank"])
        else:
            fetch = m + 1 + (max(16, m // 4) if self.kind == "flat" else m + 16)
        rows, approx = self.candidates(queries, fetch, exclude_word_ids)
        short = (rows < 0).any(axis=1)  # faiss returned fewer than `fetch`: it saw every allowed row
        own = rows == exclude_rows[:, None]
        rows, approx = np.where(own, -1, rows), np.where(own, -np.inf, approx)
        r, s = sort_prefix(rows, exact_scores(store, queries, rows), m)
        if self.kind == "flat":  # margin check as in the exact scan; rescan the few that fail
            srt = -np.sort(-approx, axis=1)
            # the lowest candidate kept (the own row, dropped, is not one: it must not end the check)
            a_m, a_last = srt[:, min(m, srt.shape[1]) - 1], np.where(rows >= 0, approx, np.inf).min(axis=1)
            bad = ~((fetch >= store.n_rows) | short | (a_last < a_m - 2 * FLOAT16_ERROR))
            if bad.any():
                ew = None if exclude_word_ids is None else exclude_word_ids[bad]
                r[bad], s[bad] = exact_prefix(store, queries[bad], m, exclude_rows[bad], ew)
        return r, s
