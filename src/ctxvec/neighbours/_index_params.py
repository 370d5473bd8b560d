"""`IndexParams`: the parameters of a faiss index build, declared once (type, default, bounds, help).
Light (no faiss, no numpy), so ``ctxvec index`` derives its options from these fields."""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_fields, option


@dataclass(frozen=True)
class IndexParams:
    """How an index is made; None: the kind's default for the store's size (`plan_index` fills it in).
    Fields that do not apply to a kind are ignored (``nlist`` for hnsw). Checked when made."""

    m: int | None = option(None, "hnsw, hnsw-sq8: links per node (default 32, 16)", flag="--m", low=2, high=256)
    ef_construction: int = option(80, "hnsw: build beam width", low=1)
    ef_search: int = option(128, "hnsw: search beam width", low=1)
    nlist: int | None = option(None, "ivf, ivfpq: number of cells (default about 4·sqrt(rows))", low=1)
    nprobe: int | None = option(None, "ivf, ivfpq: cells searched per query (default nlist/32, nlist/16)", low=1)
    pq_m: int | None = option(None, "ivfpq: bytes per vector, a divisor of dim (default about dim/8)", low=1)
    rerank: int | None = option(
        None,
        "ivfpq: re-score the top RERANK·k candidates (default: 20, raised to 40, 80, 160, 320 until the "
        "recall@10 measured at the build reaches 0.95)",
        low=1,
    )

    def __post_init__(self) -> None:
        check_fields(self)


DEFAULT_INDEX_PARAMS = IndexParams()
