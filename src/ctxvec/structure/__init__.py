"""ctxvec.structure: senses, clusters and 2-D projections (their figures: `ctxvec.figures`), and the usage
check with WordNet's evidence (`check_usage_senses`) that `similar --in`, `decompose --in` and `senses --in` use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "label_senses": "_sense_labels",
    "SenseLabel": "_sense_labels",
    "CLUSTER_LEVELS": "_names",
    "COLORS": "_names",
    "LEVELS": "_names",
    "METHOD_NAMES": "_names",
    "METHODS": "_names",
    "Cluster": "_cluster",
    "Clusters": "_cluster",
    "PlacedQuery": "_project",
    "Projection": "_project",
    "ProjectionOptions": "_project",
    "Sense": "_senses",
    "SenseRule": "_senses",
    "SenseSplit": "_senses",
    "QuerySense": "_senses",
    "Senses": "_senses",
    "check_placement": "_project",
    "check_usage_senses": "_usage_senses",
    "cluster": "_cluster",
    "cluster_occurrences": "_cluster",
    "cluster_types": "_cluster",
    "fair_shares": "_project",
    "fit_projection": "_project",
    "place_sentence": "_project",
    "project": "_project",
    "project_words": "_project",
    "senses_projection": "_project",
    "split_senses": "_senses",
    "word_senses": "_word_senses",
}
__all__ = [
    "CLUSTER_LEVELS",
    "COLORS",
    "LEVELS",
    "METHODS",
    "METHOD_NAMES",
    "Cluster",
    "Clusters",
    "PlacedQuery",
    "Projection",
    "ProjectionOptions",
    "QuerySense",
    "Sense",
    "SenseLabel",
    "SenseRule",
    "SenseSplit",
    "Senses",
    "check_placement",
    "check_usage_senses",
    "cluster",
    "cluster_occurrences",
    "cluster_types",
    "fair_shares",
    "fit_projection",
    "label_senses",
    "place_sentence",
    "project",
    "project_words",
    "senses_projection",
    "split_senses",
    "word_senses",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._cluster import Cluster, Clusters, cluster, cluster_occurrences, cluster_types
    from ._names import CLUSTER_LEVELS, COLORS, LEVELS, METHOD_NAMES, METHODS
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
