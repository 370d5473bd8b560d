"""ctxvec.store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "MANIFEST": "_store",
    "Occurrence": "_store",
    "Store": "_store",
    "StoreWriter": "_store",
    "TRANSFORM_DIR": "_store",
    "normalize_word": "_store",
    "write_json_atomic": "_store",
    "write_store": "_store",
}
__all__ = [
    "MANIFEST",
    "TRANSFORM_DIR",
    "Occurrence",
    "Store",
    "StoreWriter",
    "normalize_word",
    "write_json_atomic",
    "write_store",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._store import (
        MANIFEST,
        TRANSFORM_DIR,
        Occurrence,
        Store,
        StoreWriter,
        normalize_word,
        write_json_atomic,
        write_store,
    )
