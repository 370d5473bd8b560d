"""ctxvec.structure: senses, clusters, 2-D projections and the figures drawn from them (also the
dimensions report, `dims_report`, which draws `space`'s statistics), and the usage check with WordNet's
evidence (`check_usage_senses`) that `similar --in`, `decompose --in` and `senses --in` use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "label_senses": "_sense_labels",
    "SenseLabel": "_sense_labels",
    "CLUSTER_LEVELS": "_names",
    "COLORS": "_names",
    "FIGURE_SUFFIXES": "_names",
    "LEVELS": "_names",
    "METHODS": "_names",
    "PLOT_SUFFIXES": "_names",
    "Cluster": "_cluster",
    "DimsReport": "_dims_report",
    "dims_report": "_dims_report",
    "Clusters": "_cluster",
    "PlacedQuery": "_project",
    "Projection": "_project",
    "ProjectionOptions": "_project",
    "SavedPlot": "_write",
    "Sense": "_senses",
    "SenseMap": "_write",
    "SenseRule": "_senses",
    "SenseSplit": "_senses",
    "QuerySense": "_senses",
    "Senses": "_senses",
    "check_placement": "_project",
    "check_usage_senses": "_usage_senses",
    "check_plot_path": "_write",
    "cluster": "_cluster",
    "cluster_occurrences": "_cluster",
    "cluster_types": "_cluster",
    "fair_shares": "_project",
    "fit_projection": "_project",
    "group_colors": "_colors",
    "place_sentence": "_project",
    "plot_dims": "_plot",
    "plot_heatmap": "_plot",
    "plot_projection": "_plot",
    "project": "_project",
    "project_words": "_project",
    "projection_data": "_html",
    "projection_html": "_html",
    "save_figure": "_plot",
    "save_projection": "_write",
    "senses_projection": "_project",
    "split_senses": "_senses",
    "word_senses": "_word_senses",
    "write_sense_map": "_write",
    "write_word_plot": "_write",
}
__all__ = [
    "CLUSTER_LEVELS",
    "COLORS",
    "FIGURE_SUFFIXES",
    "LEVELS",
    "METHODS",
    "PLOT_SUFFIXES",
    "Cluster",
    "Clusters",
    "DimsReport",
    "PlacedQuery",
    "Projection",
    "ProjectionOptions",
    "QuerySense",
    "SavedPlot",
    "Sense",
    "SenseLabel",
    "SenseMap",
    "SenseRule",
    "SenseSplit",
    "Senses",
    "check_placement",
    "check_plot_path",
    "check_usage_senses",
    "cluster",
    "cluster_occurrences",
    "cluster_types",
    "dims_report",
    "fair_shares",
    "fit_projection",
    "group_colors",
    "label_senses",
    "place_sentence",
    "plot_dims",
    "plot_heatmap",
    "plot_projection",
    "project",
    "project_words",
    "projection_data",
    "projection_html",
    "save_figure",
    "save_projection",
    "senses_projection",
    "split_senses",
    "word_senses",
    "write_sense_map",
    "write_word_plot",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._cluster import Cluster, Clusters, cluster, cluster_occurrences, cluster_types
    from ._colors import group_colors
    from ._dims_report import DimsReport, dims_report
    from ._html import projection_data, projection_html
    from ._names import CLUSTER_LEVELS, COLORS, FIGURE_SUFFIXES, LEVELS, METHODS, PLOT_SUFFIXES
    from ._plot import plot_dims, plot_heatmap, plot_projection, save_figure
    from ._project import (
        PlacedQuery,
        Projection,
        ProjectionOptions,
        check_placement,
        fair_shares,
        fit_projection,
        place_sentence,
        project,
        project_words,
        senses_projection,
    )
    from ._sense_labels import SenseLabel, label_senses
    from ._senses import QuerySense, Sense, SenseRule, Senses, SenseSplit, split_senses
    from ._usage_senses import check_usage_senses
    from ._word_senses import word_senses
    from ._write import SavedPlot, SenseMap, check_plot_path, save_projection, write_sense_map, write_word_plot
