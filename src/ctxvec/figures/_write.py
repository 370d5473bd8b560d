"""Figures written to files: a projection as a static figure or an interactive page, a word's sense map,
the dimension figures and the per-layer plot. Each takes a result the analysis returned and says what it wrote.

Every file is written under a temporary name and renamed when complete, so a failed or interrupted
plot leaves the old file or none, never half of one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import atomic_open, check_output_path
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ._html import projection_html
from ._names import FIGURE_SUFFIXES, PAGE_SUFFIXES, PLOT_SUFFIXES

if TYPE_CHECKING:
    from ..space import DimsReport, LayerIsotropy
    from ..structure import Projection, Senses


def check_plot_path(path: str | Path) -> Path:
    """`path` as a Path if its suffix is one `save_projection` writes (.png .svg .pdf .html), else CtxvecError."""
    p = Path(path)
    if p.suffix.lower() not in PLOT_SUFFIXES:
        raise CtxvecError(f"cannot write a plot to {p}; use a .png, .svg, .pdf or .html file name")
    return check_output_path(p, "file", overwrite=True)


def check_figure_path(path: str | os.PathLike[str], name: str) -> Path:
    """`path` as a Path if it names a static figure (.png .svg .pdf) that may be written, else a
    `ParameterError` naming the parameter `name` (check before the work)."""
    if Path(path).suffix.lower() not in FIGURE_SUFFIXES:
        shown = str(path).replace("{", "{{").replace("}", "}}")
        raise ParameterError(name, f"cannot write a figure to {shown} ({{name}}); use a .png, .svg or .pdf file name")
    return check_output_path(path, "file", overwrite=True, name=name)


def save_projection(
    proj: Projection, path: str | Path, width: int = 1200, height: int = 800, title: str | None = None
) -> Path:
    """Write `proj` to `path`: an interactive page for .html, else a static figure (.png, .svg, .pdf)
    of `width` x `height` pixels; returns the path."""
    p = check_plot_path(path)
    if p.suffix.lower() in PAGE_SUFFIXES:
        page = projection_html(proj, title, width=width, height=height)
        p.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(p) as f:
            f.write(page)
        return p
    from ._plot import plot_projection, save_figure

    return save_figure(plot_projection(proj, title=title), p, width, height)


@dataclass
class SavedPlot(Result):
    """A `projection` written to `path` (a `width` x `height` image, or an HTML page)."""

    path: Path
    projection: Projection
    width: int
    height: int

    def to_dict(self) -> JSON:
        """The file written (``output``) and the projection's points."""
        return {"output": str(self.path), **self.projection.to_dict()}


def write_projection(
    proj: Projection, path: str | Path, width: int = 1200, height: int = 800, title: str | None = None
) -> SavedPlot:
    """`save_projection` of `proj` (`title` None: method, level and sampling), as a result."""
    return SavedPlot(save_projection(proj, path, width, height, title), proj, width, height)


@dataclass
class SenseMap(Result):
    """The `senses` of a word and the map of their occurrences coloured by sense (`plot`)."""

    senses: Senses
    plot: SavedPlot

    def to_dict(self) -> JSON:
        """The senses (as `Senses.to_dict`) and the file written (``output``)."""
        return {**self.senses.to_dict(), "output": str(self.plot.path)}


def write_sense_map(
    senses: Senses, proj: Projection, path: str | Path, width: int = 1200, height: int = 800
) -> SenseMap:
    """The map of `senses` (`proj`: their `ctxvec.structure.senses_projection`) written to `path`."""
    from ..structure import METHOD_NAMES

    title = f"Senses of '{senses.word}': {len(senses.rows):,} occurrences, {METHOD_NAMES[proj.method]}"
    title += f" ({proj.note})" if proj.note else ""
    return SenseMap(senses, write_projection(proj, path, width, height, title))


def write_dims_figures(
    report: DimsReport,
    output: str | os.PathLike[str] | None = None,
    stats_plot: str | os.PathLike[str] | None = None,
    width: int = 1200,
    height: int | None = None,
) -> DimsReport:
    """`report` with its figures written: `output` gets the heat map when it has one, else the
    per-dimension panels; `stats_plot` gets the panels (.png, .svg or .pdf; `width` x `height` pixels,
    the height by default fitted to the figure). The paths are in the returned report's `figures`."""
    from ._plot import plot_dims, plot_heatmap, save_figure

    written = list(report.figures)
    if output is not None:
        check_figure_path(output, "output")
        if report.heatmap is not None:
            fitted = max(300, 120 + 26 * len(report.heatmap.labels))
            save_figure(plot_heatmap(report.heatmap), Path(output), width, height or fitted)
        else:
            save_figure(plot_dims(report.stats), Path(output), width, height or 650)
        written.append(os.fspath(output))
    if stats_plot is not None:
        check_figure_path(stats_plot, "stats_plot")
        save_figure(plot_dims(report.stats), Path(stats_plot), width, height or 650)
        written.append(os.fspath(stats_plot))
    return replace(report, figures=written)


def check_layer_plot_path(path: str | os.PathLike[str]) -> Path:
    """`path` as a Path if the per-layer plot may be written there (its folder exists), else an error."""
    if not Path(path).resolve().parent.is_dir():
        raise CtxvecError(f"cannot write the plot to {path}: its folder does not exist")
    return check_output_path(path, "file", overwrite=True, name="plot")


def write_layer_plot(result: LayerIsotropy, path: str | os.PathLike[str]) -> LayerIsotropy:
    """`result` with its `plot_layers` figure written to `path` (named in the returned result's `plot`)."""
    from ._layers import plot_layers

    check_layer_plot_path(path)
    plot_layers(result, path)
    return replace(result, plot=os.fspath(path))
