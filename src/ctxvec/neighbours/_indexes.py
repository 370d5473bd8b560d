"""faiss indexes kept inside a store: build, describe, list, load, remove.

Files: ``index/<kind>.faiss`` and ``index/<kind>.json`` (parameters, build time, and the store's
`vectors_record` of the vectors it was built from, so an index made stale by an in-place transform
is ignored: `Store.is_current`). Both are written atomically (`ctxvec._io`). A loaded index
(`StoreIndex`) is an ordinary object: keep it and pass it to `similar(..., backend=)` to search
many times without reading the file again.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_path, check_output_path, write_json_atomic
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import Store, writes_store
from ._backend import Backend
from ._exact import ExactScan
from ._faiss import IndexInfo, StoreIndex, faiss
from ._kinds import KINDS
from ._topk import unit_queries

INDEX_DIR = "index"
RECALL_QUERIES = 100  # stored rows searched to measure an index's recall@10 when it is built
TIE = 1e-6  # cosines this close to the exact k-th count as ties (both re-scored in float32 alike)


@dataclass
class IndexList(Result):
    """The indexes saved in the store at `store` ({kind: info}, in `KINDS` order)."""

    store: str
    indexes: dict[str, IndexInfo]

    def to_dict(self) -> JSON:
        return {kind: info.to_dict() for kind, info in self.indexes.items()}


@dataclass
class IndexRemoved(Result):
    """The `kind` index of the store at `store` was deleted."""

    store: str
    kind: str

    def to_dict(self) -> JSON:
        return {"removed": self.kind}


def _paths(store: Store, kind: str) -> tuple[Path, Path]:
    if kind not in KINDS:
        raise ParameterError("kind", f"unknown index kind {kind!r}; {{name}} must be one of: {', '.join(KINDS)}")
    folder = store.path / INDEX_DIR
    return folder / f"{kind}.faiss", folder / f"{kind}.json"


def _unit_blocks(store: Store, block_rows: int) -> Iterator[np.ndarray]:
    for _, block in store.iter_blocks(block_rows):
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        yield np.ascontiguousarray(block / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def default_nlist(n_rows: int) -> int:
    """IVF cells: about 4 * sqrt(n), at least 39 training points per cell."""
    return int(max(1, min(round(4 * math.sqrt(n_rows)), n_rows // 39)))


def _at_least(name: str, value: int, low: int) -> int:
    if value < low:
        raise ParameterError(name, f"{{name}} must be at least {low}, got {value}")
    return int(value)


def _new_index(
    store: Store,
    kind: str,
    m: int,
    ef_construction: int,
    ef_search: int,
    nlist: int | None,
    nprobe: int | None,
    seed: int,
) -> tuple[Any, dict[str, int]]:
    """An empty, trained faiss index of `kind` for the store's unit vectors, and its parameters."""
    d = store.dim
    sq = faiss.ScalarQuantizer.QT_fp16
    ip = faiss.METRIC_INNER_PRODUCT
    if kind == "hnsw":
        m, ef_construction = _at_least("m", m, 2), _at_least("ef_construction", ef_construction, 1)
        ef_search = _at_least("ef_search", ef_search, 1)
        index = faiss.IndexHNSWSQ(d, sq, m, ip)
        index.hnsw.efConstruction = ef_construction
        index.train(np.zeros((1, d), dtype=np.float32))  # float16 codes need no statistics
        return index, {"m": m, "ef_construction": ef_construction, "ef_search": ef_search}
    if kind == "ivf":
        nlist = default_nlist(store.n_rows) if nlist is None else int(nlist)
        if not 1 <= nlist <= store.n_rows:
            raise ParameterError("nlist", f"{{name}}={nlist} must be between 1 and the number of rows ({store.n_rows})")
        nprobe = max(1, nlist // 32) if nprobe is None else int(nprobe)
        if not 1 <= nprobe <= nlist:
            raise ParameterError("nprobe", f"{{name}}={nprobe} must be between 1 and nlist ({nlist})")
        index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(d), d, nlist, sq, ip, False)
        n_train = min(store.n_rows, max(64 * nlist, 10000))
        sample = np.sort(np.random.default_rng(seed).choice(store.n_rows, n_train, replace=False))
        x = store.get_vectors(sample)
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-30)
        index.cp.seed = seed
        index.train(x)
        return index, {"nlist": nlist, "nprobe": nprobe}
    index = faiss.IndexScalarQuantizer(d, sq, ip)
    index.train(np.zeros((1, d), dtype=np.float32))
    return index, {}


def measure_recall(backend: Backend, k: int = 10, n_queries: int = RECALL_QUERIES, seed: int = 0) -> float:
    """Recall@`k` of `backend` against the exact scan: over `n_queries` stored rows drawn with `seed`
    (each its own query, never its own neighbour), the mean share of the exact top-`k` that `backend`
    finds. Ties count as found: a returned row scoring at least the exact k-th cosine is a true
    top-`k` row (repeated sentences give equal vectors, any of which is a right answer)."""
    store = backend.store
    k = min(k, store.n_rows - 1)
    if k < 1:
        return 1.0
    rows = np.sort(np.random.default_rng(seed).choice(store.n_rows, min(n_queries, store.n_rows), replace=False))
    queries = unit_queries(store.get_vectors(rows), store.dim)
    own = rows.astype(np.int64)
    found_rows, found = backend.ranked(queries, k, own, None)
    truth_rows, truth = ExactScan(store).ranked(queries, k, own, None)
    shares = []
    for f, fr, t, tr in zip(found, found_rows, truth, truth_rows, strict=True):
        t = t[tr >= 0]
        if len(t) == 0:
            continue
        shares.append(min(int((f[fr >= 0] >= t[-1] - TIE).sum()), len(t)) / len(t))
    return round(float(np.mean(shares)), 4) if shares else 1.0


@writes_store("store")
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
    """Build a `kind` index over the store's unit vectors (streamed in blocks) and save it in the store.

    hnsw: `m` links per node, beam widths `ef_construction` (build) and `ef_search` (search);
    ivf: `nlist` cells (default about 4 sqrt(n_rows)), `nprobe` searched per query (default nlist / 32).
    The built index describes itself in `.info` (an `IndexInfo`), with its recall@10 against the
    exact scan measured on `RECALL_QUERIES` stored rows drawn with `seed` (`measure_recall`).
    """
    faiss_path, json_path = _paths(store, kind)
    check_output_path(faiss_path.parent, "folder", overwrite=True, name="store")
    t0 = time.perf_counter()
    index, params = _new_index(store, kind, m, ef_construction, ef_search, nlist, nprobe, seed)
    for block in _unit_blocks(store, block_rows):
        index.add(block)
    build_seconds = round(time.perf_counter() - t0, 3)
    faiss_path.parent.mkdir(exist_ok=True)
    json_path.unlink(missing_ok=True)  # a kill before the new description is written leaves no index, not a mismatch
    with atomic_path(faiss_path) as tmp:
        faiss.write_index(index, str(tmp))
    info = IndexInfo(
        kind,
        params,
        build_seconds,
        str(faiss.__version__),
        store.vectors_record(),
        str(faiss_path),
        faiss_path.stat().st_size,
        stale=False,
    )
    built = StoreIndex(store, kind, index, info)
    info.recall_at_10 = measure_recall(built, seed=seed)
    write_json_atomic(json_path, info.saved())
    return built


def index_info(store: Store, kind: str) -> IndexInfo | None:
    """What the saved `kind` index is (`stale` when built from other vectors), or None when there is none."""
    faiss_path, json_path = _paths(store, kind)
    if not (faiss_path.is_file() and json_path.is_file()):
        return None
    saved = json.loads(json_path.read_text())
    vectors = {key: saved.get(key) for key in store.vectors_record()}
    return IndexInfo(
        str(saved["kind"]),
        {str(k): int(v) for k, v in saved["params"].items()},
        float(saved["build_seconds"]),
        str(saved.get("faiss_version", "")),
        vectors,
        str(faiss_path),
        faiss_path.stat().st_size,
        stale=not store.is_current(saved),
        recall_at_10=None if saved.get("recall_at_10") is None else float(saved["recall_at_10"]),
    )


def list_indexes(store: Store) -> IndexList:
    """Every index saved in the store."""
    found = {kind: info for kind in KINDS if (info := index_info(store, kind)) is not None}
    return IndexList(str(store.path), found)


def load_index(store: Store, kind: str) -> StoreIndex:
    """The saved `kind` index, read into memory; CtxvecError when missing or stale."""
    info = index_info(store, kind)
    if info is None:
        raise CtxvecError(f"{store.path} has no {kind} index; build one first (build_index, or `ctxvec index`)")
    if info.stale:
        raise CtxvecError(
            f"the {kind} index of {store.path} was built from other vectors (before a transform?); "
            "rebuild it (build_index, or `ctxvec index`)"
        )
    # read into RAM: faiss's memory-mapped mode (IO_FLAG_MMAP_IFC) searched hnsw/ivf 30-60x slower here
    return StoreIndex(store, kind, faiss.read_index(info.file), info)


@writes_store("store")
def remove_index(store: Store, kind: str) -> IndexRemoved:
    """Delete the `kind` index files; CtxvecError when the store has no such index."""
    found = False
    for p in _paths(store, kind):
        if p.is_file():
            p.unlink()
            found = True
    if not found:
        raise CtxvecError(f"{store.path} has no {kind} index to remove")
    return IndexRemoved(str(store.path), kind)
