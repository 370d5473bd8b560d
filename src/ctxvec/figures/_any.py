"""Any drawable result to a figure: `figure(result)` (a matplotlib Figure, shown inline in a notebook)
and `save(result, path)` (a file). The analysis packages return results only; this is where they are drawn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CtxvecError
from ..results import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: the results `figure` draws: Projection (and SavedPlot), DimStats, Heatmap, DimsReport, LayerIsotropy, WordShift
DRAWN = ("Projection", "SavedPlot", "DimStats", "Heatmap", "DimsReport", "LayerIsotropy", "WordShift")


def _drawn(result: Result) -> Result:
    """What is drawn for `result`: a SavedPlot's projection, a DimsReport's heat map (else its statistics)."""
    from ..space import DimsReport
    from ._write import SavedPlot

    if isinstance(result, SavedPlot):
        return result.projection
    if isinstance(result, DimsReport):
        return result.heatmap if result.heatmap is not None else result.stats
    return result


def figure(result: Result, title: str | None = None) -> Figure:
    """A matplotlib Figure of `result` (one of `DRAWN`); CtxvecError for a result with no figure."""
    from ..shift import WordShift
    from ..space import DimStats, Heatmap, LayerIsotropy
    from ..structure import Projection
    from ._layers import layers_figure
    from ._plot import plot_dims, plot_heatmap, plot_projection
    from ._shift import shift_figure

    drawn = _drawn(result)
    if isinstance(drawn, Projection):
        return plot_projection(drawn, title=title)
    if isinstance(drawn, DimStats):
        return plot_dims(drawn, title=title)
    if isinstance(drawn, Heatmap):
        return plot_heatmap(drawn, title=title)
    if isinstance(drawn, LayerIsotropy):
        return layers_figure(drawn, title)
    if isinstance(drawn, WordShift):
        fig = shift_figure(drawn)
        if title:
            fig.suptitle(title)
        return fig
    raise CtxvecError(f"there is no figure of a {type(result).__name__}; figures are drawn of {', '.join(DRAWN)}")


def default_size(result: Result) -> tuple[int, int]:
    """(width, height) in pixels the CLI writes `result`'s figure at."""
    from ..shift import WordShift
    from ..space import DimStats, Heatmap, LayerIsotropy

    drawn = _drawn(result)
    if isinstance(drawn, Heatmap):
        return 1200, max(300, 120 + 26 * len(drawn.labels))
    if isinstance(drawn, DimStats):
        return 1200, 650
    if isinstance(drawn, LayerIsotropy):
        return 960, 540
    if isinstance(drawn, WordShift):
        return 1400, 600
    return 1200, 800


def save(
    result: Result,
    path: str | os.PathLike[str],
    width: int | None = None,
    height: int | None = None,
    title: str | None = None,
) -> Path:
    """Write `figure(result)` to `path` (.png, .svg, .pdf; a projection also .html) at `width` x `height`
    pixels (default: `default_size`), atomically; returns the path."""
    from ..space import LayerIsotropy
    from ..structure import Projection
    from ._plot import save_figure
    from ._write import save_projection

    size = default_size(result)
    w, h = width or size[0], height or size[1]
    drawn = _drawn(result)
    if isinstance(drawn, Projection):
        return save_projection(drawn, Path(path), w, h, title)
    dpi = 120 if isinstance(drawn, LayerIsotropy) else 100  # as `plot_layers` writes it: 8 x 4.5 inches at 120 dpi
    return save_figure(figure(result, title), Path(path), w, h, dpi=dpi)
