"""How each index kind is made: its parameters, an empty faiss index, its training sample size, and
an estimate of its size in memory (what a `max_memory_bytes` budget is checked against).

Kinds (inner product on unit vectors = cosine):

- ``hnsw``: HNSW graph over float16 codes (IndexHNSWSQ); larger than the float16 vectors.
- ``hnsw-sq8``: the same graph over 8-bit codes (``HNSW{m},SQ8``, m=16 by default): dim + about
  8.4 m + 12 bytes a vector, smaller than the float16 vectors (2 dim bytes) when dim > 8.4 m + 12
  (384-dim MiniLM vectors: 530 bytes for 768).
- ``ivf``: k-means cells over float16 codes (IndexIVFScalarQuantizer).
- ``ivfpq``: ``IVF{nlist}_HNSW32,PQ{pq_m}``: cells found by an HNSW over the centroids, `pq_m` bytes
  a vector (dim / 8 by default: 8 dims a byte); a small fraction of the vectors. (An OPQ rotation to
  4·pq_m dims, used before, lost recall: 0.82-0.89 against 0.99 at the same size, and took 80 s to train.)
- ``flat``: every vector as float16 (IndexScalarQuantizer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import faiss as _faiss
import numpy as np

from ..errors import ParameterError
from ._index_params import DEFAULT_INDEX_PARAMS, IndexParams

faiss: Any = _faiss  # its bundled type stubs lag the library

GRAPH_KINDS = ("hnsw", "hnsw-sq8")
IVF_KINDS = ("ivf", "ivfpq")
COARSE_HNSW_M = 32  # links of the HNSW over IVF centroids (``IVF{nlist}_HNSW32``)
PQ_MIN_ROWS = 1000  # PQ with 256 centroids per sub-vector needs a few thousand training rows
KMEANS_ITERATIONS = 10  # Lloyd iterations of the IVF k-means (faiss's default; one step each, _training)
MAX_TRAIN_ROWS = 262144  # training sample cap: k-means time grows as rows x nlist (>= 20 rows a cell at 10^7)
MIN_ROWS_PER_CELL = 16  # below faiss's 39 (it warns): the cap above gives about 20 a cell at 10^7 rows
PQ_TRAIN_ROWS_PER_CENTROID = 128  # PQ codebooks learn from 128 x 256 = 32768 rows (faiss: 65536)
PQ_ITERATIONS = 10  # k-means iterations of each PQ codebook (faiss: 25; 3x faster, same recall)
DEFAULT_RERANK = 20  # the top 20 x k PQ candidates are re-scored exactly (10 x k: recall 0.87-0.98)
ID_BYTES = 8  # faiss keeps an int64 id per vector in inverted lists


def default_nlist(n_rows: int) -> int:
    """IVF cells: about 4 * sqrt(n), at least 39 training points per cell."""
    return int(max(1, min(round(4 * math.sqrt(n_rows)), n_rows // 39)))


def default_pq_m(dim: int) -> int:
    """PQ bytes a vector: the largest divisor of dim up to dim / 8 (48 for 384 dims, 16 for 128)."""
    return max(m for m in range(1, max(1, dim // 8) + 1) if dim % m == 0)


def _at_least(name: str, value: int, low: int) -> int:
    if value < low:
        raise ParameterError(name, f"{{name}} must be at least {low}, got {value}")
    return int(value)


@dataclass
class IndexPlan:
    """A kind with its resolved parameters for `n_rows` vectors of `dim` dims (nothing built yet)."""

    kind: str
    params: dict[str, int]
    n_rows: int
    dim: int

    @property
    def n_train(self) -> int:
        """Rows of the seeded training sample (0: the kind needs no training)."""
        p = self.params
        if self.kind == "ivf":
            return min(self.n_rows, max(64 * p["nlist"], 10000))
        if self.kind == "ivfpq":
            return min(self.n_rows, max(32 * p["nlist"], 256 * 40), MAX_TRAIN_ROWS)
        if self.kind == "hnsw-sq8":  # the per-dimension range of the 8-bit codes
            return min(self.n_rows, 50000)
        return 0

    def index_bytes(self) -> int:
        """Estimated size of the built index in memory (about its file size)."""
        n, d, p = self.n_rows, self.dim, self.params
        links = 2 * p.get("m", 0) * 4 * 1.05 + 12  # level-0 links (2m int32), upper levels, offsets, levels
        if self.kind == "hnsw":
            per_row, fixed = 2 * d + links, 0.0
        elif self.kind == "hnsw-sq8":
            per_row, fixed = d + links, 8.0 * d
        elif self.kind == "ivf":
            per_row, fixed = 2 * d + ID_BYTES, 4.0 * p["nlist"] * d
        elif self.kind == "ivfpq":
            per_row = p["pq_m"] + ID_BYTES
            fixed = p["nlist"] * (4 * d + 2 * COARSE_HNSW_M * 4 * 1.05 + 12) + 256 * 4 * d
        else:
            per_row, fixed = 2 * d, 8.0 * d
        return int(n * per_row + fixed)

    def peak_bytes(self, block_rows: int) -> int:
        """Estimated peak memory of the build: the index, the training sample and one block (float32)."""
        return self.index_bytes() + 4 * self.dim * (self.n_train + 2 * min(block_rows, self.n_rows))

    def describe(self) -> str:
        """The parameters in words, e.g. ``M=32, efSearch=128, 8-bit codes; approximate``."""
        p = self.params
        if self.kind in GRAPH_KINDS:
            codes = "8-bit codes" if self.kind == "hnsw-sq8" else "float16 codes"
            return f"M={p['m']}, efSearch={p['ef_search']}, {codes}; approximate"
        if self.kind == "ivf":
            return f"nlist={p['nlist']}, nprobe={p['nprobe']}; approximate"
        if self.kind == "ivfpq":
            return f"IVF{p['nlist']}+PQ{p['pq_m']}, nprobe={p['nprobe']}, top {p['rerank']}·k re-scored; approximate"
        return "float16 flat scan; exact after re-scoring"

    def new_index(self) -> Any:
        """An empty (untrained) faiss index of this plan."""
        d, p, ip = self.dim, self.params, faiss.METRIC_INNER_PRODUCT
        if self.kind in GRAPH_KINDS:
            qt = faiss.ScalarQuantizer.QT_8bit if self.kind == "hnsw-sq8" else faiss.ScalarQuantizer.QT_fp16
            index = faiss.IndexHNSWSQ(d, qt, p["m"], ip)
            index.hnsw.efConstruction = p["ef_construction"]
            index.hnsw.efSearch = p["ef_search"]
            return index
        if self.kind == "ivf":
            sq = faiss.ScalarQuantizer.QT_fp16
            return faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(d), d, p["nlist"], sq, ip, False)
        if self.kind == "ivfpq":
            index = faiss.index_factory(d, f"IVF{p['nlist']}_HNSW{COARSE_HNSW_M},PQ{p['pq_m']}", ip)
            ivf = faiss.downcast_index(index)
            ivf.do_polysemous_training = False  # unused, slow
            ivf.cp.niter, ivf.cp.min_points_per_centroid = KMEANS_ITERATIONS, MIN_ROWS_PER_CELL
            ivf.pq.cp.niter, ivf.pq.cp.max_points_per_centroid = PQ_ITERATIONS, PQ_TRAIN_ROWS_PER_CENTROID
            return index
        return faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_fp16, ip)


def plan_index(
    kind: str,
    n_rows: int,
    dim: int,
    params: IndexParams = DEFAULT_INDEX_PARAMS,
) -> IndexPlan:
    """The `kind` index's parameters for `n_rows` x `dim` vectors (`params`), defaults filled in and checked."""
    m, ef_construction, ef_search = params.m, params.ef_construction, params.ef_search
    nlist, nprobe, pq_m, rerank = params.nlist, params.nprobe, params.pq_m, params.rerank
    if kind in GRAPH_KINDS:
        m = (16 if kind == "hnsw-sq8" else 32) if m is None else m
        m, ef_construction = _at_least("m", m, 2), _at_least("ef_construction", ef_construction, 1)
        ef_search = _at_least("ef_search", ef_search, 1)
        return IndexPlan(kind, {"m": m, "ef_construction": ef_construction, "ef_search": ef_search}, n_rows, dim)
    if kind in IVF_KINDS:
        if kind == "ivfpq" and n_rows < PQ_MIN_ROWS:
            raise ParameterError(
                "kind", f"{{name}} ivfpq needs at least {PQ_MIN_ROWS} rows to train, the store has {n_rows}; use flat"
            )
        nlist = default_nlist(n_rows) if nlist is None else int(nlist)
        if not 1 <= nlist <= n_rows:
            raise ParameterError("nlist", f"{{name}}={nlist} must be between 1 and the number of rows ({n_rows})")
        default_probe = max(1, nlist // 32) if kind == "ivf" else max(8, nlist // 16)
        nprobe = min(default_probe, nlist) if nprobe is None else int(nprobe)
        if not 1 <= nprobe <= nlist:
            raise ParameterError("nprobe", f"{{name}}={nprobe} must be between 1 and nlist ({nlist})")
        if kind == "ivf":
            return IndexPlan(kind, {"nlist": nlist, "nprobe": nprobe}, n_rows, dim)
        pq_m = default_pq_m(dim) if pq_m is None else _at_least("pq_m", pq_m, 1)
        if dim % pq_m:
            raise ParameterError("pq_m", f"{{name}}={pq_m} must divide the vectors' dim ({dim})")
        rerank = DEFAULT_RERANK if rerank is None else _at_least("rerank", rerank, 1)
        return IndexPlan(kind, {"nlist": nlist, "nprobe": nprobe, "pq_m": pq_m, "rerank": rerank}, n_rows, dim)
    return IndexPlan(kind, {}, n_rows, dim)


def train_sample(n_rows: int, n_train: int, seed: int) -> np.ndarray:
    """Sorted row numbers of the seeded training sample (n_train,)."""
    return np.sort(np.random.default_rng(seed).choice(n_rows, n_train, replace=False))
