"""What a result looks like in a notebook, before it becomes HTML or text: a `Page` of fields and sections.

The layout follows the long format's `path`: with none, the page is the result's fields; with one
list, a table of its records; with nested lists, a section per outer record (its fields, as a heading)
holding a table of its inner records. Tables and sections are cut at `MAX_ROWS` / `MAX_SECTIONS`
with the number left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ._cells import Cell, bar_scales, is_empty, record_cells
from ._flatten import Record, dotted, flatten, singular

MAX_ROWS = 20  # rows of a table
MAX_SECTIONS = 10  # outer records (queries) shown
MAX_COLUMNS = 8  # a table with more columns shows each row as a block of fields


@dataclass(frozen=True)
class Table:
    """Rows of cells under `columns` (None where a row lacks a column); `more` rows left out, each a `noun`."""

    columns: list[str]
    rows: list[list[Cell]]
    more: int = 0
    noun: str = "row"

    @property
    def vertical(self) -> bool:
        """Whether each row shows as a block of fields (too many columns side by side)."""
        return len(self.columns) > MAX_COLUMNS


@dataclass(frozen=True)
class Section:
    """One outer record: a title ("query 0"), its fields (the heading) and its inner records."""

    title: str
    fields: list[tuple[str, Cell]]
    table: Table | None


@dataclass(frozen=True)
class Page:
    """A whole result: title, top-level fields, sections (`more` left out, each a `noun`)."""

    title: str
    fields: list[tuple[str, Cell]]
    sections: list[Section] = field(default_factory=list)
    more: int = 0
    noun: str = "section"


def layout(title: str, data: Record, path: tuple[str, ...], numbers: Sequence[int] | None = None) -> Page:
    """The page of JSON `data` read along `path`; `numbers` as in `flatten`."""
    if not path:
        return Page(title, record_cells(dotted(data)))
    fields = _fields(dotted({k: v for k, v in data.items() if k != path[0]}))
    value = data.get(path[0])
    items = [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
    noun = singular(path[0])
    index = list(range(len(items))) if numbers is None else list(numbers)
    if len(path) == 1:
        return Page(title, fields, [Section("", [], table(items, noun, index))])
    sections: list[Section] = []
    for i, item in zip(index[:MAX_SECTIONS], items, strict=False):
        inner = flatten(item, path[1:])
        own = _fields(dotted(inner.attrs))
        sections.append(Section(f"{noun} {i}", own, _rows_table(inner.rows, singular(path[1]))))
    return Page(title, fields, sections, max(len(items) - MAX_SECTIONS, 0), noun)


def table(items: list[Record], noun: str, index: list[int]) -> Table:
    """The table of records `items` (flattened; `index` their indices, rank = index + 1), cut at `MAX_ROWS`."""
    rows = [{"rank": i + 1, **dotted(item)} for i, item in zip(index, items, strict=True)]
    return _rows_table(rows, noun)


def _rows_table(rows: list[Record], noun: str) -> Table:
    rows = [r for r in rows if r.get("rank") is not None]
    shown = rows[:MAX_ROWS]
    scales = bar_scales(shown)
    cells = [dict(record_cells(r, scales)) for r in shown]
    columns: dict[str, None] = {}
    for c in cells:
        columns.update(dict.fromkeys(c))
    return Table(list(columns), [[c.get(name) for name in columns] for c in cells], max(len(rows) - MAX_ROWS, 0), noun)


def _fields(record: Record) -> list[tuple[str, Cell]]:
    """A heading's fields: those with a value."""
    return [(name, c) for name, c in record_cells(record) if not is_empty(c)]
