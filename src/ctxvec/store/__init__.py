"""ctxvec.store: the on-disk store (format, manifest, reader, writer, cache provenance).

`Store.open` reads a finished store (only ``manifest.json`` until data is used, after cheap checks of
its files); `StoreWriter` and `write_store` write one (`start_store`, `TableStream`, `PARTIAL`, `is_leftover` and
`remove_leftovers`: the pieces a resumable embed job writes with); `update_manifest` changes a manifest atomically;
`verify_store` checks every byte; `store_lock` / `writes_store` keep to one writer per store;
`cached_word_value` keeps a word's derived data under ``words/`` (`word_entry_path`). The store imports
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
    "PARTIAL": "_writer",
    "StoreWriter": "_writer",
    "TableStream": "_writer",
    "is_leftover": "_writer",
    "remove_leftovers": "_writer",
    "start_store": "_writer",
    "sentence_schema": "_writer",
    "store_lock": "_lock",
    "writes_store": "_lock",
    "VerifyReport": "_verify",
    "verify_store": "_verify",
    "write_store": "_writer",
    "WORDS_DIR": "_word_cache",
    "cached_word_value": "_word_cache",
    "word_entry_path": "_word_cache",
}
__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "NORMS",
    "PARTIAL",
    "ROWS",
    "SENTENCES",
    "STORAGE_DTYPES",
    "TRANSFORM_DIR",
    "VECTORS",
    "WORDS_DIR",
    "Occurrence",
    "Store",
    "StoreSummary",
    "StoreWriter",
    "TableStream",
    "VerifyReport",
    "cached_word_value",
    "is_leftover",
    "normalize_word",
    "read_manifest",
    "remove_leftovers",
    "sentence_schema",
    "start_store",
    "store_lock",
    "update_manifest",
    "verify_store",
    "word_entry_path",
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
    from ._word_cache import WORDS_DIR, cached_word_value, word_entry_path
    from ._writer import (
        PARTIAL,
        StoreWriter,
        TableStream,
        is_leftover,
        remove_leftovers,
        sentence_schema,
        start_store,
        write_store,
    )
