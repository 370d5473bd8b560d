"""ctxvec.store: the on-disk store (format, manifest, reader, writer, cache provenance).

`Store.open` reads a finished store (only ``manifest.json`` until data is used); `StoreWriter`
and `write_store` write one; `update_manifest` changes a manifest atomically. The store imports
no operation: operations take a `Store` (a `ctxvec.sources.VectorSource`) as their argument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "FORMAT_VERSION": "_format",
    "MANIFEST": "_format",
    "NORMS": "_format",
    "ROWS": "_format",
    "SENTENCES": "_format",
    "STORAGE_DTYPES": "_format",
    "TRANSFORM_DIR": "_format",
    "VECTORS": "_format",
    "normalize_word": "_format",
    "read_manifest": "_manifest",
    "update_manifest": "_manifest",
    "Occurrence": "_reader",
    "Store": "_reader",
    "StoreSummary": "_summary",
    "StoreWriter": "_writer",
    "write_store": "_writer",
}
__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "NORMS",
    "ROWS",
    "SENTENCES",
    "STORAGE_DTYPES",
    "TRANSFORM_DIR",
    "VECTORS",
    "Occurrence",
    "Store",
    "StoreSummary",
    "StoreWriter",
    "normalize_word",
    "read_manifest",
    "update_manifest",
    "write_store",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._format import (
        FORMAT_VERSION,
        MANIFEST,
        NORMS,
        ROWS,
        SENTENCES,
        STORAGE_DTYPES,
        TRANSFORM_DIR,
        VECTORS,
        normalize_word,
    )
    from ._manifest import read_manifest, update_manifest
    from ._reader import Occurrence, Store
    from ._summary import StoreSummary
    from ._writer import StoreWriter, write_store
