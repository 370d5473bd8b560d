"""ctxvec.store: the on-disk store (format, manifest, reader, writer, cache provenance).

`Store.open` reads a finished store (only ``manifest.json`` until data is used, after cheap checks of
its files); `StoreWriter` and `write_store` write one; `update_manifest` changes a manifest atomically;
`verify_store` checks every byte; `store_lock` / `writes_store` keep to one writer per store. The store imports
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
    "store_lock": "_lock",
    "writes_store": "_lock",
    "VerifyReport": "_verify",
    "verify_store": "_verify",
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
    "VerifyReport",
    "normalize_word",
    "read_manifest",
    "store_lock",
    "update_manifest",
    "verify_store",
    "write_store",
    "writes_store",
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
    from ._lock import store_lock, writes_store
    from ._manifest import read_manifest, update_manifest
    from ._reader import Occurrence, Store
    from ._summary import StoreSummary
    from ._verify import VerifyReport, verify_store
    from ._writer import StoreWriter, write_store
