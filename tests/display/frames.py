"""Reading a long-format frame back into JSON, to compare with `to_dict()` (shared by the display tests)."""

from __future__ import annotations

import math
from typing import Any

from ctxvec.display import singular


def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def comparable(value: Any) -> Any:
    """JSON with absent and None (or NaN, as pandas holds a missing number) made the same."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if not missing(v)}
    if isinstance(value, list):
        return [None if missing(v) else comparable(v) for v in value]
    return value


def undot(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        *parents, last = key.split(".")
        level = out
        for p in parents:
            level = level.setdefault(p, {})
        level[last] = value
    return out


def rebuild(rows: list[dict[str, Any]], attrs: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The JSON that long-format `rows` (with `attrs`) were made from along `path`."""
    if not path:
        return undot({r["field"]: r["value"] for r in rows})
    return {**attrs, path[0]: _level(rows, path, outer=[])}


def _level(rows: list[dict[str, Any]], path: tuple[str, ...], outer: list[str]) -> list[dict[str, Any]]:
    if len(path) == 1:
        own = [
            {k: v for k, v in r.items() if k != "rank" and k not in outer and k.split(".")[0] not in outer}
            for r in rows
            if not missing(r.get("rank"))
        ]
        return [undot(o) for o in own]
    name = singular(path[0])
    groups: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(int(r[name]), []).append(r)
    items = []
    for i in sorted(groups):
        group = groups[i]
        item = undot({k[len(name) + 1 :]: v for k, v in group[0].items() if k.startswith(name + ".")})
        item[path[1]] = _level(group, path[1:], [*outer, name])
        items.append(item)
    return items
