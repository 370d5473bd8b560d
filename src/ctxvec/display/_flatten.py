"""A result's JSON (`to_dict()`) in long format: one flat row per innermost record.

`path` names the nested lists that become rows, outermost first: ``("queries", "hits")`` gives one row
per hit, carrying its query's index (``query``) and fields (``query.token``, ...) beside its own
(``rank``, from 1, then ``token``, ``score``, ...). Nested objects become dotted columns
(``usage.word``); lists stay whole in their cell. The top-level fields outside the path are `attrs`.
A path ``()`` gives one row per top-level field (``field``, ``value``). An outer record with no inner
records still gets a row (``rank`` None), so every value of the JSON is in the rows or the attrs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]
"""One JSON object (str keys, plain JSON values)."""

AUTO_DEPTH = 1  # how many levels of lists `find_path` follows when a result declares none


@dataclass(frozen=True)
class Long:
    """Rows (one flat dict each) with `columns` in first-seen order, the `attrs` outside the rows and
    the `path` that made them."""

    columns: list[str]
    rows: list[Record]
    attrs: Record
    path: tuple[str, ...]


def is_records(value: object) -> bool:
    """Whether `value` is a list of JSON objects (an empty list counts)."""
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def find_path(data: Record, depth: int = AUTO_DEPTH) -> tuple[str, ...]:
    """The first key (then, within its first record, the next, up to `depth` levels) holding a non-empty
    list of records; () when there is none."""
    path: list[str] = []
    level = data
    while len(path) < depth:
        key = next((k for k, v in level.items() if is_records(v) and v), None)
        if key is None:
            break
        path.append(key)
        level = level[key][0]
    return tuple(path)


def singular(key: str) -> str:
    """The column name of one item of list `key`: queries -> query, senses -> sense, hits -> hit."""
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith(("sses", "xes")):
        return key[:-2]
    return key[:-1] if key.endswith("s") and len(key) > 1 else key


def dotted(record: Record, prefix: str = "") -> Record:
    """`record` with nested objects spread into dotted keys (``{"a": {"b": 1}}`` -> ``{"a.b": 1}``);
    an empty object stays whole, so that it is not lost."""
    out: Record = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out.update(dotted(value, name + "."))
        else:
            out[name] = value
    return out


def flatten(data: Record, path: tuple[str, ...], numbers: Sequence[int] | None = None) -> Long:
    """`data` in long format along `path` (see the module docstring); `numbers` are the indices of the
    outermost records when they are a slice of a longer list (None: their positions)."""
    if not path:
        fields = [{"field": k, "value": v} for k, v in dotted(data).items()]
        return Long(["field", "value"], fields, {}, ())
    attrs = {k: v for k, v in data.items() if k != path[0]}
    rows: list[Record] = []
    _explode(_items(data, path[0]), path, {}, rows, numbers)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return Long(list(columns), rows, attrs, path)


def _items(record: Record, key: str) -> list[Record]:
    value = record.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _explode(
    items: list[Record], path: tuple[str, ...], outer: Record, rows: list[Record], numbers: Sequence[int] | None = None
) -> None:
    index = list(range(len(items))) if numbers is None else list(numbers)
    if len(path) == 1:
        for i, item in zip(index, items, strict=True):
            rows.append({**outer, "rank": i + 1, **dotted(item)})
        if not items and outer:
            rows.append({**outer, "rank": None})
        return
    name, inner = singular(path[0]), path[1]
    for i, item in zip(index, items, strict=True):
        own = {k: v for k, v in item.items() if k != inner}
        fields = {name: i, **{f"{name}.{k}": v for k, v in dotted(own).items()}}
        _explode(_items(item, inner), path[1:], {**outer, **fields}, rows)


def plural(noun: str) -> str:
    """query -> queries, sense -> senses, class -> classes."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x")) else "s")
