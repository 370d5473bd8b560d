"""faiss indexes kept inside a store: build, describe, list, load, remove.

Files: ``index/<kind>.faiss`` and ``index/<kind>.json`` (parameters, build time, and the store's
`vectors_record` of the vectors it was built from, so an index made stale by an in-place transform
is ignored: `Store.is_current`). Both are written atomically (`ctxvec._io`), and a rebuild replaces
the pair so that a reader finds the old index or the new one, whole, at every instant (`_replace`). A loaded index
(`StoreIndex`) is an ordinary object: keep it and pass it to `similar(..., backend=)` to search
many times without reading the file again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._io import atomic_path, check_output_path, fsync_dir, kill_point, write_json_atomic
from ..errors import CtxvecError, ParameterError
from ..progress import progress_bar
from ..results import JSON, Result
from ..store import Store, writes_store
from ._backend import Backend
from ._budget import BuildBudget
from ._exact import ExactScan
from ._faiss import IndexInfo, StoreIndex
from ._index_params import DEFAULT_INDEX_PARAMS, IndexParams
from ._kinds import KINDS
from ._recipes import IVF_KINDS, faiss, plan_index, train_sample
from ._topk import unit_queries
from ._training import train_ivf

INDEX_DIR = "index"
RECALL_QUERIES = 100  # stored rows searched to measure an index's recall@10 when it is built
TARGET_RECALL = 0.95  # ivfpq's default rerank is raised until its measured recall@10 reaches this
RERANK_STEPS = (20, 40, 80, 160, 320)  # the rerank values tried, in order (the first is DEFAULT_RERANK)
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


def _at_least(name: str, value: int, low: int) -> int:
    if value < low:
        raise ParameterError(name, f"{{name}} must be at least {low}, got {value}")
    return int(value)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.where(norms > 0, norms, 1.0), dtype=np.float32)


@dataclass
class RecallQueries:
    """`n` stored rows (`rows`, (n,)) as unit queries (n, dim) and their exact top-k cosines (n, k)."""

    rows: np.ndarray
    queries: np.ndarray
    truth: list[np.ndarray]

    @classmethod
    def draw(cls, store: Store, k: int, n_queries: int = RECALL_QUERIES, seed: int = 0) -> RecallQueries:
        """`n_queries` stored rows drawn with `seed`, each its own query (never its own neighbour)."""
        rows = np.sort(np.random.default_rng(seed).choice(store.n_rows, min(n_queries, store.n_rows), replace=False))
        queries = unit_queries(store.get_vectors(rows), store.dim)
        truth_rows, truth = ExactScan(store).ranked(queries, k, rows.astype(np.int64), None)
        return cls(rows.astype(np.int64), queries, [t[tr >= 0] for t, tr in zip(truth, truth_rows, strict=True)])

    def recall(self, backend: Backend) -> float:
        """The mean share of the exact top-k that `backend` finds (ties with the k-th count as found)."""
        k = max((len(t) for t in self.truth), default=0)
        if k == 0:
            return 1.0
        found_rows, found = backend.ranked(self.queries, k, self.rows, None)
        shares = [
            min(int((f[fr >= 0] >= t[-1] - TIE).sum()), len(t)) / len(t)
            for f, fr, t in zip(found, found_rows, self.truth, strict=True)
            if len(t)
        ]
        return round(float(np.mean(shares)), 4) if shares else 1.0


def measure_recall(backend: Backend, k: int = 10, n_queries: int = RECALL_QUERIES, seed: int = 0) -> float:
    """Recall@`k` of `backend` against the exact scan: over `n_queries` stored rows drawn with `seed`
    (each its own query, never its own neighbour), the mean share of the exact top-`k` that `backend`
    finds. Ties count as found: a returned row scoring at least the exact k-th cosine is a true
    top-`k` row (repeated sentences give equal vectors, any of which is a right answer)."""
    store = backend.store
    k = min(k, store.n_rows - 1)
    if k < 1:
        return 1.0
    return RecallQueries.draw(store, k, n_queries, seed).recall(backend)


def tune_rerank(built: StoreIndex, seed: int) -> float:
    """ivfpq with the default `rerank`: the smallest of `RERANK_STEPS` whose recall@10 reaches
    `TARGET_RECALL` (the largest when none does) is kept in `built.info.params`; its recall returned."""
    store = built.store
    k = min(10, store.n_rows - 1)
    if k < 1:
        return 1.0
    probe = RecallQueries.draw(store, k, RECALL_QUERIES, seed)
    recall = 0.0
    for rerank in RERANK_STEPS:
        built.info.params["rerank"] = rerank
        recall = probe.recall(built)
        if recall >= TARGET_RECALL:
            break
    return recall


@writes_store("store")
def build_index(
    store: Store,
    kind: str = "hnsw",
    params: IndexParams = DEFAULT_INDEX_PARAMS,
    *,
    block_rows: int = 65536,
    seed: int = 0,
    max_seconds: float | None = None,
    max_memory_bytes: int | None = None,
    quiet: bool = True,
) -> StoreIndex:
    """Build a `kind` index over the store's unit vectors (added block by block) and save it in the store.

    `params` (`IndexParams`): hnsw / hnsw-sq8: `m` links per node (default 32 / 16), beam widths `ef_construction` (build) and `ef_search` (search);
    ivf / ivfpq: `nlist` cells (default about 4 sqrt(n_rows)), `nprobe` searched per query (default
    nlist / 32 for ivf, nlist / 16 for ivfpq); ivfpq: `pq_m` bytes a vector (a divisor of dim; default about dim / 8) and
    `rerank`: the top `rerank` x k PQ candidates are re-scored exactly (default: 20, raised to 40, 80,
    160, 320 until the recall@10 measured at the build reaches 0.95: `tune_rerank`).
    Trained kinds learn from a sample of rows drawn with `seed`. Budgets: `max_memory_bytes` refuses
    a build whose estimated peak memory (`IndexPlan.peak_bytes`) is larger; `max_seconds` stops a
    build whose elapsed or projected time is longer: ivf / ivfpq k-means is run one iteration at a
    time and checked after each (`train_ivf`), the ivfpq codebooks are refused up front when their
    projected time would run over, and the time is checked after every block added. Either way nothing is written, and an index
    already saved is kept until the new one is complete. Progress bars on stderr unless `quiet`.
    The built index describes itself in `.info` (an `IndexInfo`), with its recall@10 against the
    exact scan measured on `RECALL_QUERIES` stored rows drawn with `seed` (`measure_recall`).
    """
    faiss_path, json_path = _paths(store, kind)
    check_output_path(faiss_path.parent, "folder", overwrite=True, name="store")
    plan = plan_index(kind, store.n_rows, store.dim, params)
    block_rows = _at_least("block_rows", block_rows, 1)
    budget = BuildBudget(kind, max_seconds, max_memory_bytes)
    budget.check_memory(plan.peak_bytes(block_rows))
    index = plan.new_index()
    if plan.n_train:
        sample = train_sample(store.n_rows, plan.n_train, seed)
        x = _unit(store.get_vectors(sample))
        if kind in IVF_KINDS:
            faiss.extract_index_ivf(index).cp.seed = seed
            iterations = int(faiss.extract_index_ivf(index).cp.niter)
            with progress_bar(f"training {kind} on {plan.n_train:,} rows", iterations, "k-means steps", quiet) as bar:
                train_ivf(plan, index, x, budget, lambda done, total: bar.advance(1))
        else:
            with progress_bar(f"training {kind} on {plan.n_train:,} rows", plan.n_train, "rows", quiet) as bar:
                index.train(x)
                bar.advance(plan.n_train)
        del x
        budget.check_time(1.0)
    else:
        index.train(np.zeros((1, store.dim), dtype=np.float32))  # float16 codes need no statistics
    budget.start_phase()
    with progress_bar(f"adding rows to {kind}", store.n_rows, "rows", quiet) as bar:
        for start, block in store.iter_blocks(block_rows):
            index.add(_unit(block))
            bar.advance(len(block))
            budget.check_time((start + len(block)) / store.n_rows)
    build_seconds = round(budget.elapsed(), 3)
    faiss_path.parent.mkdir(exist_ok=True)
    _settle(faiss_path, json_path)
    with atomic_path(_next(faiss_path)) as tmp:
        faiss.write_index(index, str(tmp))
    info = IndexInfo(
        kind,
        plan.params,
        build_seconds,
        str(faiss.__version__),
        store.vectors_record(),
        str(faiss_path),
        _next(faiss_path).stat().st_size,
        stale=False,
    )
    built = StoreIndex(store, kind, index, info)
    if kind == "ivfpq" and params.rerank is None:  # PQ's error depends on the data: re-score as deep as needed
        info.recall_at_10 = tune_rerank(built, seed)
    else:
        info.recall_at_10 = measure_recall(built, seed=seed)
    _replace(faiss_path, json_path, info.saved())
    return built


def _next(faiss_path: Path) -> Path:
    """Where a new index file waits until its record names it: ``index/<kind>.next.faiss``."""
    return faiss_path.with_name(faiss_path.stem + ".next.faiss")


def _index_file(faiss_path: Path, saved: JSON) -> Path:
    """The index file a record describes: the waiting ``<kind>.next.faiss`` when it names it and it is
    there (a kill between `_replace`'s steps), else ``<kind>.faiss``."""
    nxt = _next(faiss_path)
    return nxt if saved.get("file") == nxt.name and nxt.is_file() else faiss_path


def _replace(faiss_path: Path, json_path: Path, saved: JSON) -> None:
    """Swap in the new index (already at `_next`) and its record `saved`, the old pair readable until
    the commit and the new one from then on: the record naming the waiting file (the commit), the file
    renamed to its own name, the record without the name."""
    write_json_atomic(json_path, {**saved, "file": _next(faiss_path).name})
    kill_point("index.committed")
    _settle(faiss_path, json_path)


def _settle(faiss_path: Path, json_path: Path) -> None:
    """Finish a replacement a kill stopped after its commit (the record names the waiting file), or
    drop a waiting file no record names (a kill before the commit) and temporary files."""
    nxt = _next(faiss_path)
    saved = json.loads(json_path.read_text()) if json_path.is_file() else {}
    if saved.get("file") == nxt.name:
        if nxt.is_file():
            os.replace(nxt, faiss_path)
            fsync_dir(faiss_path.parent)
        saved.pop("file")
        write_json_atomic(json_path, saved)
    else:
        nxt.unlink(missing_ok=True)
    for name in (nxt.name, json_path.name):  # `atomic_path`'s temporary files, killed before their rename
        for leftover in faiss_path.parent.glob(f".{name}.*.tmp"):
            leftover.unlink(missing_ok=True)


def index_info(store: Store, kind: str) -> IndexInfo | None:
    """What the saved `kind` index is (`stale` when built from other vectors), or None when there is none."""
    faiss_path, json_path = _paths(store, kind)
    if not json_path.is_file():
        return None
    saved = json.loads(json_path.read_text())
    faiss_path = _index_file(faiss_path, saved)
    if not faiss_path.is_file():
        return None
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
    faiss_path, json_path = _paths(store, kind)
    found = False
    for p in (json_path, faiss_path, _next(faiss_path)):  # the record first: no index from then on
        if p.is_file():
            p.unlink()
            found = True
    if not found:
        raise CtxvecError(f"{store.path} has no {kind} index to remove")
    return IndexRemoved(str(store.path), kind)
