"""faiss indexes over a store's unit-normalised vectors, kept inside the store folder.

Kinds (inner product on unit vectors = cosine; codes are float16 scalar-quantised):

- ``hnsw``: graph search (IndexHNSWSQ), approximate, fastest per query.
- ``ivf``: inverted lists over k-means cells (IndexIVFScalarQuantizer), approximate.
- ``flat``: every vector (IndexScalarQuantizer), scanned in full; exact after re-scoring.

Files: ``index/<kind>.faiss`` and ``index/<kind>.json`` (parameters, build time, and the identity
of the vectors it was built from, so an index made stale by an in-place transform is ignored).
Searches fetch extra candidates and re-score them exactly in float32 from the store, so the
reported cosines are exact; grouping and exclusion work as in `ctxvec.neighbours._search`.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np

from ..errors import CtxvecError
from ..store import Store
from ._search import (
    FLOAT16_ERROR,
    Matches,
    _per_query,
    _run,
    _sort_prefix,
    _unit_queries,
    check_k,
    exact_prefix,
    exact_scores,
)

KINDS = ("hnsw", "ivf", "flat")
INDEX_DIR = "index"
PREFERENCE = ("hnsw", "ivf", "flat")  # the index `similar` uses when several are present
FLAT_EXACT_MAX_QUERIES = 4  # beyond this, the blocked torch scan (all queries in one pass) is faster
_CACHE: dict[tuple[str, int], Any] = {}
faiss: Any = _faiss  # its bundled type stubs lag the library (SearchParametersHNSW, params=...)


def _identity(store: Store) -> dict[str, Any]:
    """What an index must match to be usable: vectors file, transform, shape."""
    tid = store.manifest.get("transform_id", "transform") if store.transform is not None else None
    return {
        "n_rows": store.n_rows,
        "dim": store.dim,
        "vectors_sha256": store.manifest.get("checksums", {}).get("vectors.npy"),
        "transform_id": tid,
    }


def _paths(store: Store, kind: str) -> tuple[Path, Path]:
    if kind not in KINDS:
        raise CtxvecError(f"unknown index kind {kind!r}; use one of: {', '.join(KINDS)}")
    folder = store.path / INDEX_DIR
    return folder / f"{kind}.faiss", folder / f"{kind}.json"


def _unit_blocks(store: Store, block_rows: int):
    for start, block in store.iter_blocks(block_rows):
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        yield start, np.ascontiguousarray(block / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def default_nlist(n_rows: int) -> int:
    """IVF cells: about 4 * sqrt(n), at least 39 training points per cell."""
    return int(max(1, min(round(4 * math.sqrt(n_rows)), n_rows // 39)))


@dataclass
class StoreIndex:
    """A loaded faiss index of one store, with its parameters (`info`)."""

    kind: str
    index: Any
    info: dict[str, Any]
    path: Path

    def describe(self) -> str:
        p = self.info["params"]
        if self.kind == "hnsw":
            detail = f"M={p['m']}, efSearch={p['ef_search']}; approximate"
        elif self.kind == "ivf":
            detail = f"nlist={p['nlist']}, nprobe={p['nprobe']}; approximate"
        else:
            detail = "float16 flat scan; exact after re-scoring"
        return f"{self.kind} index ({self.path.name}: {detail}), re-scored in float32"

    # ---- raw candidates -----------------------------------------------------------------------
    def _params(self, selector: Any, fetch: int, n_banned: int, nprobe: int) -> Any:
        if self.kind == "hnsw":
            # excluded rows are still walked through: a banned word's dense neighbourhood needs a wider beam
            ef = max(int(self.info["params"]["ef_search"]), fetch) + 2 * n_banned
            return faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
        if self.kind == "ivf":
            return faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
        return faiss.SearchParameters(sel=selector)

    def _cells_of(self, store: Store, rows: np.ndarray) -> int:
        """IVF: how many cells hold `rows` (a banned word's cells are probed on top of nprobe)."""
        if self.kind != "ivf" or len(rows) == 0:
            return 0
        x = store.get_vectors(rows)
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
        _, cells = faiss.downcast_index(self.index.quantizer).search(x, 1)
        return len(np.unique(cells))

    def candidates(
        self, store: Store, queries: np.ndarray, fetch: int, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """faiss top-`fetch` rows (q, fetch) and index scores for unit `queries`, word exclusions applied."""
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
            nprobe = 0
            if self.kind == "ivf":  # a banned word's cells are probed on top of nprobe
                nlist = int(self.info["params"]["nlist"])
                nprobe = min(int(self.info["params"]["nprobe"]) + 2 * self._cells_of(store, banned), nlist)
            while len(sel):
                d, i = self.index.search(queries[sel], fetch, params=self._params(selector, fetch, len(banned), nprobe))
                rows[sel], scores[sel] = i, np.where(i >= 0, d, -np.inf)
                if self.kind != "ivf" or nprobe >= nlist:
                    break
                sel = sel[(i < 0).any(axis=1)]  # probed cells held fewer than `fetch` rows: probe more
                nprobe = min(4 * nprobe, nlist)
        return rows, scores

    def prefix(
        self,
        store: Store,
        queries: np.ndarray,
        m: int,
        exclude_rows: np.ndarray,
        exclude_word_ids: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-m rows (q, m) and exact cosines, best first (exact for `flat`, approximate otherwise)."""
        m = min(m, store.n_rows)
        fetch = m + 1 + (max(16, m // 4) if self.kind == "flat" else m + 16)
        rows, approx = self.candidates(store, queries, fetch, exclude_word_ids)
        own = rows == exclude_rows[:, None]
        rows, approx = np.where(own, -1, rows), np.where(own, -np.inf, approx)
        r, s = _sort_prefix(rows, exact_scores(store, queries, rows), m)
        if self.kind == "flat":  # margin check as in the exact scan; rescan the few that fail
            srt = -np.sort(-approx, axis=1)
            a_m, a_last = srt[:, min(m, srt.shape[1]) - 1], srt[:, -1]
            bad = ~((fetch >= store.n_rows) | np.isneginf(a_last) | (a_last < a_m - 2 * FLOAT16_ERROR))
            if bad.any():
                ew = None if exclude_word_ids is None else exclude_word_ids[bad]
                r[bad], s[bad] = exact_prefix(store, queries[bad], m, exclude_rows[bad], ew)
        return r, s

    def search(
        self,
        store: Store,
        vectors: np.ndarray,
        k: int = 10,
        *,
        exclude_rows: np.ndarray | None = None,
        exclude_word_ids: np.ndarray | None = None,
        group: str | None = None,
    ) -> Matches:
        """Top-k of query `vectors` (q, dim); options as in `ctxvec.neighbours._search.search_vectors`."""
        k = check_k(store, k)
        q = _unit_queries(vectors, store.dim)
        excl = _per_query(exclude_rows, len(q), "exclude_rows")
        ew = None if exclude_word_ids is None else _per_query(exclude_word_ids, len(q), "exclude_word_ids")

        def prefix(ids: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
            return self.prefix(store, q[ids], m, excl[ids], None if ew is None else ew[ids])

        return _run(store, prefix, len(q), k, group)


# ---- build, save, load -----------------------------------------------------------------------------
def build_index(
    store: Store,
    kind: str = "hnsw",
    *,
    m: int = 32,
    ef_construction: int = 80,
    ef_search: int = 128,
    nlist: int | None = None,
    nprobe: int | None = None,
    block_rows: int = 65536,
    seed: int = 0,
) -> StoreIndex:
    """Build a `kind` index over the store's unit vectors (streamed in blocks) and save it in the store."""
    faiss_path, json_path = _paths(store, kind)
    d = store.dim
    t0 = time.perf_counter()
    sq: Any = faiss.ScalarQuantizer.QT_fp16
    ip = faiss.METRIC_INNER_PRODUCT
    params: dict[str, Any]
    index: Any
    if kind == "hnsw":
        if m < 2 or ef_construction < 1 or ef_search < 1:
            raise CtxvecError(
                f"HNSW needs m >= 2, ef_construction >= 1, ef_search >= 1 (got {m}, {ef_construction}, {ef_search})"
            )
        index = faiss.IndexHNSWSQ(d, sq, int(m), ip)
        index.hnsw.efConstruction = int(ef_construction)
        params = {"m": int(m), "ef_construction": int(ef_construction), "ef_search": int(ef_search)}
    elif kind == "ivf":
        nlist = default_nlist(store.n_rows) if nlist is None else int(nlist)
        if not 1 <= nlist <= store.n_rows:
            raise CtxvecError(f"nlist={nlist} must be between 1 and the number of rows ({store.n_rows})")
        nprobe = max(1, nlist // 32) if nprobe is None else int(nprobe)
        if not 1 <= nprobe <= nlist:
            raise CtxvecError(f"nprobe={nprobe} must be between 1 and nlist ({nlist})")
        index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(d), d, nlist, sq, ip, False)
        n_train = min(store.n_rows, max(64 * nlist, 10000))
        rng = np.random.default_rng(seed)
        sample = np.sort(rng.choice(store.n_rows, n_train, replace=False))
        x = store.get_vectors(sample)
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
        index.cp.seed = seed
        index.train(x)
        params = {"nlist": nlist, "nprobe": nprobe}
    else:
        index = faiss.IndexScalarQuantizer(d, sq, ip)
        params = {}
    if kind != "ivf":
        index.train(np.zeros((1, d), dtype=np.float32))  # float16 codes need no statistics
    for _, block in _unit_blocks(store, block_rows):
        index.add(block)
    info = {
        "kind": kind,
        "params": params,
        "build_seconds": round(time.perf_counter() - t0, 3),
        "faiss_version": faiss.__version__,
        **_identity(store),
    }
    faiss_path.parent.mkdir(exist_ok=True)
    tmp = faiss_path.with_name(faiss_path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, faiss_path)
    jtmp = json_path.with_name(json_path.name + ".tmp")
    jtmp.write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    os.replace(jtmp, json_path)
    return StoreIndex(kind, index, info, faiss_path)


def index_info(store: Store, kind: str) -> dict[str, Any] | None:
    """The saved parameters of the `kind` index, with `stale` (True when built from other vectors), or None."""
    faiss_path, json_path = _paths(store, kind)
    if not (faiss_path.is_file() and json_path.is_file()):
        return None
    info = json.loads(json_path.read_text())
    ident = _identity(store)
    info["stale"] = any(info.get(key) != value for key, value in ident.items())
    info["file"] = str(faiss_path)
    info["bytes"] = faiss_path.stat().st_size
    return info


def list_indexes(store: Store) -> dict[str, dict[str, Any]]:
    """{kind: info} for every index saved in the store."""
    return {kind: info for kind in KINDS if (info := index_info(store, kind)) is not None}


def load_index(store: Store, kind: str) -> StoreIndex:
    """The saved `kind` index; CtxvecError when missing or stale."""
    info = index_info(store, kind)
    if info is None:
        raise CtxvecError(f"{store.path} has no {kind} index; build one with `ctxvec index {store.path} --kind {kind}`")
    if info["stale"]:
        raise CtxvecError(
            f"the {kind} index of {store.path} was built from other vectors (before a transform?); "
            f"rebuild it with `ctxvec index {store.path} --kind {kind}`"
        )
    faiss_path = Path(info["file"])
    key = (str(faiss_path.resolve()), faiss_path.stat().st_mtime_ns)
    if key not in _CACHE:
        for old in [k for k in _CACHE if k[0] == key[0]]:  # an index rebuilt since: drop the old one
            del _CACHE[old]
        # read into RAM: faiss's memory-mapped mode (IO_FLAG_MMAP_IFC) searched hnsw/ivf 30-60x slower here
        _CACHE[key] = faiss.read_index(str(faiss_path))
    return StoreIndex(kind, _CACHE[key], info, faiss_path)


def remove_index(store: Store, kind: str) -> bool:
    """Delete the `kind` index files; True when there was one."""
    found = False
    for p in _paths(store, kind):
        if p.is_file():
            p.unlink()
            found = True
    return found


def choose_index(
    store: Store, kind: str | None = None, exact: bool = False, n_queries: int = 1
) -> tuple[StoreIndex | None, str]:
    """The index `similar` should use (None: exact scan) and, when an index is skipped, why.

    An exact search of a few queries uses a fresh flat index when there is one: its exact results
    come from faiss's float16 kernel, which scans at memory speed (one query per thread).
    """
    if exact:
        if kind is not None:
            raise CtxvecError("choose either an index (--index) or an exact scan (--exact), not both")
        info = index_info(store, "flat")
        if n_queries <= FLAT_EXACT_MAX_QUERIES and info is not None and not info["stale"]:
            return load_index(store, "flat"), ""
        return None, ""
    if kind is not None:
        return load_index(store, kind), ""
    present = list_indexes(store)
    for name in PREFERENCE:
        if name in present and not present[name]["stale"]:
            return load_index(store, name), ""
    stale = [name for name, info in present.items() if info["stale"]]
    if stale:
        return None, f"ignored stale {', '.join(stale)} index (rebuild with `ctxvec index`)"
    return None, ""
