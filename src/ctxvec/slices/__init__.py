"""ctxvec.slices: document metadata and the `--where` filter language that selects a store's rows by it.

`Where.parse("year < 1900 and source in ('a', 'b')")` parses a filter (no eval); `slice_rows(store,
where)` keeps the rows whose sentence's document passes it; `meta_columns(store)` lists the metadata
columns a store's sentences table holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "Where": "_where",
    "meta_columns": "_select",
    "meta_values": "_select",
    "sentence_mask": "_select",
    "slice_rows": "_select",
}
__all__ = ["Where", "meta_columns", "meta_values", "sentence_mask", "slice_rows"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._select import meta_columns, meta_values, sentence_mask, slice_rows
    from ._where import Where
