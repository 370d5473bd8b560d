"""ctxvec.space: the geometry of an embedding space and the workflows that change it.

Isotropy reports (`isotropy` of a store, `isotropy_of_source`, `isotropy_arrays`, per model layer
`layer_isotropy`), dimension statistics (`dim_stats`, `heatmap`, both in `dims_report`), comparing two stores
(`compare`), and applying a fitted `ctxvec.transforms` transform to a store (`apply_transform`,
`remove_transform`; lower level `transform_store`, `set_store_transform`, `remove_store_transform`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "TransformRemoval": "_apply",
    "TransformResult": "_apply",
    "apply_transform": "_apply",
    "remove_transform": "_apply",
    "Comparison": "_compare",
    "Neighbours": "_compare",
    "compare": "_compare",
    "DimStats": "_dims",
    "DimsReport": "_dims_report",
    "dims_report": "_dims_report",
    "Heatmap": "_dims",
    "dim_stats": "_dims",
    "dim_stats_of_array": "_dims",
    "dim_stats_of_blocks": "_dims",
    "heatmap": "_dims",
    "LayerIsotropy": "_layers",
    "layer_isotropy": "_layers",
    "store_layer_isotropy": "_layers",
    "effective_rank_from_covariance": "_metrics",
    "isoscore": "_metrics",
    "isoscore_from_covariance": "_metrics",
    "isoscore_from_eigenvalues": "_metrics",
    "partition_ratio": "_metrics",
    "IsotropyReport": "_report",
    "SUMMARY_FIELDS": "_report",
    "StoreIsotropy": "_report",
    "isotropy": "_report",
    "isotropy_arrays": "_report",
    "isotropy_of_source": "_report",
    "word_ids_of_tokens": "_report",
    "sample_pairs": "_sampled",
    "Sampling": "_sampling",
    "APPLIED_DIR": "_store_transforms",
    "check_new_output": "_store_transforms",
    "check_no_transform": "_store_transforms",
    "remove_store_transform": "_store_transforms",
    "set_store_transform": "_store_transforms",
    "transform_store": "_store_transforms",
}
__all__ = [
    "APPLIED_DIR",
    "SUMMARY_FIELDS",
    "Comparison",
    "DimStats",
    "DimsReport",
    "Heatmap",
    "IsotropyReport",
    "LayerIsotropy",
    "Neighbours",
    "Sampling",
    "StoreIsotropy",
    "TransformRemoval",
    "TransformResult",
    "apply_transform",
    "check_new_output",
    "check_no_transform",
    "compare",
    "dim_stats",
    "dim_stats_of_array",
    "dim_stats_of_blocks",
    "dims_report",
    "effective_rank_from_covariance",
    "heatmap",
    "isoscore",
    "isoscore_from_covariance",
    "isoscore_from_eigenvalues",
    "isotropy",
    "isotropy_arrays",
    "isotropy_of_source",
    "layer_isotropy",
    "partition_ratio",
    "remove_store_transform",
    "remove_transform",
    "sample_pairs",
    "set_store_transform",
    "store_layer_isotropy",
    "transform_store",
    "word_ids_of_tokens",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._apply import TransformRemoval, TransformResult, apply_transform, remove_transform
    from ._compare import Comparison, Neighbours, compare
    from ._dims import DimStats, Heatmap, dim_stats, dim_stats_of_array, dim_stats_of_blocks, heatmap
    from ._dims_report import DimsReport, dims_report
    from ._layers import LayerIsotropy, layer_isotropy, store_layer_isotropy
    from ._metrics import (
        effective_rank_from_covariance,
        isoscore,
        isoscore_from_covariance,
        isoscore_from_eigenvalues,
        partition_ratio,
    )
    from ._report import (
        SUMMARY_FIELDS,
        IsotropyReport,
        StoreIsotropy,
        isotropy,
        isotropy_arrays,
        isotropy_of_source,
        word_ids_of_tokens,
    )
    from ._sampled import sample_pairs
    from ._sampling import Sampling
    from ._store_transforms import (
        APPLIED_DIR,
        check_new_output,
        check_no_transform,
        remove_store_transform,
        set_store_transform,
        transform_store,
    )
