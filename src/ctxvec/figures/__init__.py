"""ctxvec.figures: every drawing, from the results the analysis packages return (the one package that
imports matplotlib).

`figure(result)` draws any drawable result as a matplotlib Figure and `save(result, path)` writes it;
the per-kind functions (`plot_projection`, `plot_dims`, `plot_heatmap`, `layers_figure`, `shift_figure`;
`projection_html` for an interactive page) and the writers the CLI uses (`write_projection`,
`write_sense_map`, `write_dims_figures`, `write_layer_plot`, `plot_shift`) take results and say what
they wrote; `MapWidget(projection)` is the map in a notebook, its selection sent back to Python (the
`notebook` extra). It ranks above `structure`, `space` and `shift`, whose results it draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "DRAWN": "_any",
    "MapWidget": "_widget",
    "default_size": "_any",
    "figure": "_any",
    "save": "_any",
    "group_colors": "_colors",
    "projection_data": "_html",
    "projection_html": "_html",
    "place_labels": "_labels",
    "layers_figure": "_layers",
    "plot_layers": "_layers",
    "FIGURE_SUFFIXES": "_names",
    "PAGE_SUFFIXES": "_names",
    "PLOT_SUFFIXES": "_names",
    "plot_dims": "_plot",
    "plot_heatmap": "_plot",
    "plot_projection": "_plot",
    "save_figure": "_plot",
    "plot_shift": "_shift",
    "shift_figure": "_shift",
    "SavedPlot": "_write",
    "SenseMap": "_write",
    "check_figure_path": "_write",
    "check_layer_plot_path": "_write",
    "check_plot_path": "_write",
    "save_projection": "_write",
    "write_dims_figures": "_write",
    "write_layer_plot": "_write",
    "write_projection": "_write",
    "write_sense_map": "_write",
}
__all__ = [
    "DRAWN",
    "FIGURE_SUFFIXES",
    "PAGE_SUFFIXES",
    "PLOT_SUFFIXES",
    "MapWidget",
    "SavedPlot",
    "SenseMap",
    "check_figure_path",
    "check_layer_plot_path",
    "check_plot_path",
    "default_size",
    "figure",
    "group_colors",
    "layers_figure",
    "place_labels",
    "plot_dims",
    "plot_heatmap",
    "plot_layers",
    "plot_projection",
    "plot_shift",
    "projection_data",
    "projection_html",
    "save",
    "save_figure",
    "save_projection",
    "shift_figure",
    "write_dims_figures",
    "write_layer_plot",
    "write_projection",
    "write_sense_map",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._any import DRAWN, default_size, figure, save
    from ._colors import group_colors
    from ._html import projection_data, projection_html
    from ._labels import place_labels
    from ._layers import layers_figure, plot_layers
    from ._names import FIGURE_SUFFIXES, PAGE_SUFFIXES, PLOT_SUFFIXES
    from ._plot import plot_dims, plot_heatmap, plot_projection, save_figure
    from ._shift import plot_shift, shift_figure
    from ._widget import MapWidget
    from ._write import (
        SavedPlot,
        SenseMap,
        check_figure_path,
        check_layer_plot_path,
        check_plot_path,
        save_projection,
        write_dims_figures,
        write_layer_plot,
        write_projection,
        write_sense_map,
    )
