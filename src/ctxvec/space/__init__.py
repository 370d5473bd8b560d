"""ctxvec.space."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ArraySource": "_isotropy",
    "DimStats": "_dims",
    "Heatmap": "_dims",
    "IsotropyReport": "_isotropy",
    "SUMMARY_FIELDS": "_isotropy",
    "compare": "_compare",
    "dim_stats": "_dims",
    "dim_stats_of_blocks": "_dims",
    "effective_rank_from_covariance": "_isotropy",
    "heatmap": "_dims",
    "isoscore": "_isotropy",
    "isoscore_from_covariance": "_isotropy",
    "isotropy": "_isotropy",
    "isotropy_arrays": "_isotropy",
    "layer_isotropy": "_isotropy",
    "partition_ratio": "_isotropy",
    "plot_layers": "_isotropy",
    "sample_pairs": "_isotropy",
}
__all__ = [
    "SUMMARY_FIELDS",
    "ArraySource",
    "DimStats",
    "Heatmap",
    "IsotropyReport",
    "compare",
    "dim_stats",
    "dim_stats_of_blocks",
    "effective_rank_from_covariance",
    "heatmap",
    "isoscore",
    "isoscore_from_covariance",
    "isotropy",
    "isotropy_arrays",
    "layer_isotropy",
    "partition_ratio",
    "plot_layers",
    "sample_pairs",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._compare import compare
    from ._dims import DimStats, Heatmap, dim_stats, dim_stats_of_blocks, heatmap
    from ._isotropy import (
        SUMMARY_FIELDS,
        ArraySource,
        IsotropyReport,
        effective_rank_from_covariance,
        isoscore,
        isoscore_from_covariance,
        isotropy,
        isotropy_arrays,
        layer_isotropy,
        partition_ratio,
        plot_layers,
        sample_pairs,
    )
