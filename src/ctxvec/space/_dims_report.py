"""The dimensions workflow: statistics of a store's dimensions and an optional heat map of words' vectors
(their figures: `ctxvec.figures.write_dims_figures`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..results import JSON, Result
from ..store import Store
from ._dims import DimStats, Heatmap, dim_stats, heatmap


@dataclass
class DimsReport(Result):
    """`stats` of every dimension (the `top` contributing most listed in `to_dict`), the heat map of the
    words asked for (or None), and the figure files written from it (`ctxvec.figures.write_dims_figures`)."""

    stats: DimStats
    top: int
    heatmap: Heatmap | None
    figures: list[str] = field(default_factory=list)

    def to_dict(self) -> JSON:
        out = self.stats.to_dict(self.top)
        if self.heatmap is not None:
            heat = self.heatmap.to_dict()
            out["heatmap"] = {"labels": heat["labels"], "dims": heat["dims"], "values": heat["values"]}
        return out


def dims_report(
    store: Store,
    *,
    top: int = 10,
    sample: int | None = None,
    seed: int = 0,
    words: list[str] | None = None,
    level: str = "types",
    per_word: int = 3,
    top_dims: int | None = 48,
    order: str = "cluster",
) -> DimsReport:
    """`dim_stats` of `store` (every row, or `sample` seeded rows) and the `heatmap` of `words` (`level`,
    `per_word`, `top_dims`, `order`) when given."""
    stats = dim_stats(store, sample=sample, seed=seed)
    heat = None
    if words:
        heat = heatmap(
            store, words, level=level, per_word=per_word, rogue=stats.rogue, top_dims=top_dims, seed=seed, order=order
        )
    return DimsReport(stats, top, heat)
