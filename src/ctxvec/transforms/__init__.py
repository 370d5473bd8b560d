"""ctxvec.transforms: fitted maps of vectors (scikit-learn estimators) and their file format.

`Center`, `AllButTheTop`, `Whitening`, `ConceptorNegation`, `PCA` fit on arrays (``fit(X)``) or
stream a `ctxvec.sources.VectorSource` (``fit_source(store)``); `save_transform` / `load_transform`
write and read them as plain ``.npy`` + JSON. This package imports no store: applying a transform
to a store (a new store, or in place) is `ctxvec.space.apply_transform`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "METHOD_NAMES": "_names",
    "PCA": "_estimators",
    "METHODS": "_estimators",
    "AllButTheTop": "_estimators",
    "Center": "_estimators",
    "ConceptorNegation": "_estimators",
    "MomentTransform": "_estimators",
    "TransformParameterError": "_estimators",
    "Whitening": "_estimators",
    "make_transform": "_estimators",
    "Transform": "_format",
    "describe": "_format",
    "is_saveable": "_format",
    "load_transform": "_format",
    "output_dim": "_format",
    "save_transform": "_format",
    "transform_id": "_format",
}
__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "PCA",
    "AllButTheTop",
    "Center",
    "ConceptorNegation",
    "MomentTransform",
    "Transform",
    "TransformParameterError",
    "Whitening",
    "describe",
    "is_saveable",
    "load_transform",
    "make_transform",
    "output_dim",
    "save_transform",
    "transform_id",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._estimators import (
        METHODS,
        PCA,
        AllButTheTop,
        Center,
        ConceptorNegation,
        MomentTransform,
        TransformParameterError,
        Whitening,
        make_transform,
    )
    from ._format import Transform, describe, is_saveable, load_transform, output_dim, save_transform, transform_id
    from ._names import METHOD_NAMES
