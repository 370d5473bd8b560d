"""Slices of a store: the sentences and rows whose document metadata pass a `Where` filter."""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError
from ._where import Where

if TYPE_CHECKING:
    from ..store import Store

BASE_COLUMNS = ("sentence_id", "doc_id", "text")
_KEPT: weakref.WeakKeyDictionary[Store, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def meta_columns(store: Store) -> dict[str, str]:
    """The store's metadata columns and their Arrow types (``{"year": "int64"}``); empty for a store
    written without metadata. Reads only the sentences table's schema."""
    import pyarrow.parquet as pq

    from ..store import SENTENCES

    schema = pq.read_schema(store.path / SENTENCES)
    return {f.name: str(f.type) for f in schema if f.name not in BASE_COLUMNS}


def _column_arrays(store: Store) -> dict[str, np.ndarray]:
    """Every metadata column (n_sentences,) as numpy, and ``doc_id``, ``sentence_id`` (every store has them):
    numbers float64
    (NaN for null), else object."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..store import SENTENCES

    with _LOCK:
        kept = _KEPT.get(store)
        if kept is not None:
            return kept
        names = list(meta_columns(store))
        table = pq.read_table(store.path / SENTENCES, columns=["doc_id", *names])
        out: dict[str, np.ndarray] = {
            "doc_id": table.column("doc_id").to_numpy().astype(np.float64),
            "sentence_id": np.arange(table.num_rows, dtype=np.float64),
        }
        for name in names:
            col = table.column(name)
            if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
                out[name] = col.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
            else:
                out[name] = np.asarray(col.to_pylist(), dtype=object)
        _KEPT[store] = out
        return out


def meta_values(store: Store, column: str) -> np.ndarray:
    """(n_sentences,) the values of metadata `column` (see `_column_arrays`)."""
    arrays = _column_arrays(store)
    if column not in arrays:
        raise CtxvecError(f"no metadata column {column!r} in {store.path} (has: {', '.join(arrays) or 'none'})")
    return arrays[column]


def sentence_mask(store: Store, where: str | Where) -> np.ndarray:
    """(n_sentences,) bool: the sentences whose document passes `where`."""
    w = Where.parse(where) if isinstance(where, str) else where
    return w.mask(_column_arrays(store))


def slice_rows(store: Store, where: str | Where | None, rows: np.ndarray | None = None) -> np.ndarray:
    """The store rows (of `rows`, default all) whose sentence passes `where` (None: all of them), sorted.
    A slice that keeps no row of `rows` is an error naming the filter."""
    if rows is None:
        rows = np.arange(store.n_rows, dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    if where is None:
        return rows
    w = Where.parse(where) if isinstance(where, str) else where
    keep = sentence_mask(store, w)
    picked = rows[keep[store.sentence_ids[rows]]]
    if len(picked) == 0:
        what = "sentence" if len(rows) == store.n_rows else f"of the {len(rows):,} rows asked for"
        raise CtxvecError(
            f"the slice {w.text!r} leaves no {what} in {store.path} ({int(keep.sum()):,} of "
            f"{len(keep):,} sentences pass); loosen it"
        )
    return picked
