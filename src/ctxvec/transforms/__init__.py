"""ctxvec.transforms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "AllButTheTop": "_transforms",
    "Center": "_transforms",
    "ConceptorNegation": "_transforms",
    "METHODS": "_transforms",
    "PCA": "_transforms",
    "TransformParameterError": "_transforms",
    "Whitening": "_transforms",
    "check_new_output": "_transforms",
    "check_no_transform": "_transforms",
    "describe": "_transforms",
    "load_transform": "_transforms",
    "make_transform": "_transforms",
    "remove_store_transform": "_transforms",
    "save_transform": "_transforms",
    "set_store_transform": "_transforms",
    "transform_id": "_transforms",
    "transform_store": "_transforms",
}
__all__ = [
    "METHODS",
    "PCA",
    "AllButTheTop",
    "Center",
    "ConceptorNegation",
    "TransformParameterError",
    "Whitening",
    "check_new_output",
    "check_no_transform",
    "describe",
    "load_transform",
    "make_transform",
    "remove_store_transform",
    "save_transform",
    "set_store_transform",
    "transform_id",
    "transform_store",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._transforms import (
        METHODS,
        PCA,
        AllButTheTop,
        Center,
        ConceptorNegation,
        TransformParameterError,
        Whitening,
        check_new_output,
        check_no_transform,
        describe,
        load_transform,
        make_transform,
        remove_store_transform,
        save_transform,
        set_store_transform,
        transform_id,
        transform_store,
    )
