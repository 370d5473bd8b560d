"""The dimensions workflow: statistics of a store's dimensions, an optional heat map of words' vectors,
and the figures of either written to files (here, above `space`, which computes the statistics and
draws nothing)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .._io import check_output_path
from ..errors import ParameterError
from ..results import JSON, Result
from ..space import DimStats, Heatmap, dim_stats, heatmap
from ..store import Store
from ._names import FIGURE_SUFFIXES


@dataclass
class DimsReport(Result):
    """`stats` of every dimension (the `top` contributing most listed in `to_dict`), the heat map of the
    words asked for (or None), and the figure files written."""

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
    output: str | os.PathLike[str] | None = None,
    stats_plot: str | os.PathLike[str] | None = None,
    width: int = 1200,
    height: int | None = None,
) -> DimsReport:
    """`dim_stats` of `store` (every row, or `sample` seeded rows), the `heatmap` of `words` (`level`,
    `per_word`, `top_dims`) when given, and figures: `output` gets the heat map when there are words, else
    the per-dimension panels; `stats_plot` gets the panels (.png, .svg or .pdf; `width` x `height` pixels,
    the height by default fitted to the figure)."""
    for name, path in (("output", output), ("stats_plot", stats_plot)):
        if path is not None and Path(path).suffix.lower() not in FIGURE_SUFFIXES:
            shown = str(path).replace("{", "{{").replace("}", "}}")
            raise ParameterError(
                name, f"cannot write a figure to {shown} ({{name}}); use a .png, .svg or .pdf file name"
            )
        if path is not None:
            check_output_path(path, "file", overwrite=True, name=name)
    stats = dim_stats(store, sample=sample, seed=seed)
    heat = None
    if words:
        heat = heatmap(
            store, words, level=level, per_word=per_word, rogue=stats.rogue, top_dims=top_dims, seed=seed, order=order
        )
    report = DimsReport(stats, top, heat)
    if output is None and stats_plot is None:
        return report
    from ._plot import plot_dims, plot_heatmap, save_figure

    if output is not None:
        if heat is not None:
            save_figure(plot_heatmap(heat), Path(output), width, height or max(300, 120 + 26 * len(heat.labels)))
        else:
            save_figure(plot_dims(stats), Path(output), width, height or 650)
        report.figures.append(os.fspath(output))
    if stats_plot is not None:
        save_figure(plot_dims(stats), Path(stats_plot), width, height or 650)
        report.figures.append(os.fspath(stats_plot))
    return report
