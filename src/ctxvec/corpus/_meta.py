"""Document metadata: the columns `--meta` keeps per document (year, source, ...), typed.

Values come from a record's fields (JSONL, CSV/TSV, Parquet, Arrow) or, for text files (which have no
fields), from the file name: its stem split at ``_`` gives one value per name, in order
(``1850_times.txt`` with names ``year, source`` -> 1850, ``"times"``). The name ``file`` is always
the file's path relative to the corpus folder. Columns are typed when the corpus is read: native
JSON/Parquet types are kept; text (CSV cells, file names) becomes int64 when every value is an
integer, float64 when every value is a number, else string. A document missing a field gets null.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import CtxvecError, ParameterError

if TYPE_CHECKING:
    import pyarrow as pa

RESERVED = frozenset({"sentence_id", "doc_id", "text"})
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
FILE_NAME = "file"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INT = re.compile(r"[+-]?\d+\Z")


def check_meta_names(names: Sequence[str]) -> tuple[str, ...]:
    """`names` checked: identifiers (so a slice can name them), none reserved, none repeated."""
    out = tuple(n.strip() for n in names if n.strip())
    for n in out:
        if not _NAME.match(n) or n.lower() in KEYWORDS:
            raise ParameterError("meta", f"{{name}} {n!r} is not a usable column name; use letters, digits and _")
        if n in RESERVED:
            raise ParameterError("meta", f"{{name}} {n!r} is a column every store has; rename the field")
    if len(set(out)) != len(out):
        raise ParameterError("meta", f"{{name}} names a column twice ({', '.join(out)})")
    return out


def file_values(names: Sequence[str], stem: str, relative: str, source: str) -> dict[str, object]:
    """The metadata of a text file named `stem` (`relative` to its folder): one ``_``-separated part per name."""
    wanted = [n for n in names if n != FILE_NAME]
    parts = stem.split("_") if wanted else []
    if len(parts) != len(wanted):
        raise CtxvecError(
            f"{source}: the file name {stem!r} has {len(parts)} '_'-separated part(s) for {len(wanted)} "
            f"metadata name(s) ({', '.join(wanted)}); name text files NAME1_NAME2... in that order"
        )
    out: dict[str, object] = dict(zip(wanted, parts, strict=True))
    if FILE_NAME in names:
        out[FILE_NAME] = relative
    return out


def _from_text(values: list[object]) -> list[object]:
    """Text values as int when all are integers, float when all are numbers, else unchanged."""
    present = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
    if present and all(_INT.match(v) for v in present):
        return [None if v is None or str(v).strip() == "" else int(str(v)) for v in values]
    try:
        floats = [None if v is None or str(v).strip() == "" else float(str(v)) for v in values]
    except ValueError:
        return [None if v is None else str(v) for v in values]
    return list(floats) if present else values


def typed_column(name: str, values: list[object]) -> pa.Array:
    """One metadata column (n_documents,) as a typed Arrow array (see the module doc)."""
    import pyarrow as pa

    if all(v is None for v in values):
        raise ParameterError("meta", f"no document has a value for {name!r}; check {{name}} against the fields")
    if all(v is None or isinstance(v, str) for v in values):
        values = _from_text(values)
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array(_from_text([None if v is None else str(v) for v in values]))
    if not (
        pa.types.is_integer(array.type)
        or pa.types.is_floating(array.type)
        or pa.types.is_boolean(array.type)
        or pa.types.is_string(array.type)
    ):
        array = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if pa.types.is_integer(array.type):
        array = array.cast(pa.int64())
    return array


def meta_table(names: Sequence[str], rows: list[dict[str, object]]) -> pa.Table:
    """The documents' metadata (n_documents rows) from one dict of values per document."""
    import pyarrow as pa

    return pa.table({n: typed_column(n, [r.get(n) for r in rows]) for n in names})


def meta_digest(table: pa.Table) -> str:
    """SHA-256 of a metadata table's names, types and values (part of a corpus's fingerprint)."""
    h = hashlib.sha256()
    for name in table.column_names:
        col = table.column(name)
        h.update(f"{name}\x00{col.type}\x00".encode())
        for v in col.to_pylist():
            h.update(f"{v!r}\x01".encode())
    return h.hexdigest()
