"""ctxvec.structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "COLORS": "_project",
    "Clusters": "_cluster",
    "LEVELS": "_project",
    "METHODS": "_project",
    "Projection": "_project",
    "Senses": "_senses",
    "check_plot_path": "_plot",
    "cluster": "_cluster",
    "cluster_occurrences": "_cluster",
    "cluster_types": "_cluster",
    "fair_shares": "_project",
    "plot_dims": "_plot",
    "plot_heatmap": "_plot",
    "plot_projection": "_plot",
    "project": "_project",
    "project_words": "_project",
    "projection_html": "_plot",
    "save_figure": "_plot",
    "save_projection": "_plot",
    "senses_projection": "_project",
    "split_senses": "_senses",
    "word_senses": "_senses",
}
__all__ = [
    "COLORS",
    "LEVELS",
    "METHODS",
    "Clusters",
    "Projection",
    "Senses",
    "check_plot_path",
    "cluster",
    "cluster_occurrences",
    "cluster_types",
    "fair_shares",
    "plot_dims",
    "plot_heatmap",
    "plot_projection",
    "project",
    "project_words",
    "projection_html",
    "save_figure",
    "save_projection",
    "senses_projection",
    "split_senses",
    "word_senses",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._cluster import Clusters, cluster, cluster_occurrences, cluster_types
    from ._plot import (
        check_plot_path,
        plot_dims,
        plot_heatmap,
        plot_projection,
        projection_html,
        save_figure,
        save_projection,
    )
    from ._project import COLORS, LEVELS, METHODS, Projection, fair_shares, project, project_words, senses_projection
    from ._senses import Senses, split_senses, word_senses
