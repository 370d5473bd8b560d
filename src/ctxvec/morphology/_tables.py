"""Cache tables of this package (lemmas, families): a Parquet file whose schema metadata holds the record
(provenance) it was computed for; read back only when the record matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..results import JSON

if TYPE_CHECKING:
    import pyarrow as pa


def read_recorded(path: Path, key: bytes, record: JSON) -> pa.Table | None:
    """The table at `path` when its metadata `key` equals `record`; None when absent, damaged or stale."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return None
    try:
        table = pq.read_table(path)
    except Exception:  # a damaged cache is rebuilt, never trusted
        return None
    raw = (table.schema.metadata or {}).get(key)
    if raw is None or json.loads(raw) != record:
        return None
    return table


def write_recorded(columns: dict[str, object], path: Path, key: bytes, record: JSON) -> None:
    """Write `columns` (name -> values or a pyarrow array) to `path` atomically, `record` under `key`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .._io import atomic_path

    table = pa.table(columns).replace_schema_metadata({key: json.dumps(record).encode()})
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
