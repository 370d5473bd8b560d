"""A `Page` as plain text (`str(result)`): aligned columns, the match of a keyword in context in
[brackets], bars of block characters (░ for a negative value), control characters shown as escapes."""

from __future__ import annotations

from ._cells import Bar, Cell, Examples, Items, Kwic, is_empty, number_text, visible
from ._flatten import plural
from ._layout import Page, Section, Table

BAR_CHARS = 10  # width of a full bar
MAX_CELL = 60  # characters of a table cell


def page_text(page: Page) -> str:
    """The whole page as lines of text."""
    lines = [visible(page.title)]
    lines += _fields(page.fields, "  ")
    for section in page.sections:
        lines += _section(section)
    if page.more:
        lines.append(_more(page.more, page.noun))
    return "\n".join(lines)


def cell_text(cell: Cell) -> str:
    """One cell as a line of text."""
    if isinstance(cell, Kwic):
        return visible(f"{cell.left}[{cell.match}]{cell.right}")
    if isinstance(cell, Examples):
        text = " | ".join(cell_text(k) for k in cell.lines)
        return text + (f" | … {cell.more:,} more" if cell.more else "")
    if isinstance(cell, Bar):
        n = round(BAR_CHARS * min(abs(cell.value) / cell.scale, 1.0)) if cell.scale > 0 else 0
        return f"{number_text(cell.value)} {('█' if cell.value >= 0 else '░') * n}".rstrip()
    if isinstance(cell, Items):
        return visible(", ".join(cell.items)) + (f", … {cell.more:,} more" if cell.more else "")
    if cell is None:
        return ""
    return visible(number_text(cell))


def _fields(fields: list[tuple[str, Cell]], indent: str) -> list[str]:
    width = max((len(name) for name, _ in fields), default=0)
    return [f"{indent}{visible(name).ljust(width)}  {cell_text(c)}" for name, c in fields]


def _section(section: Section) -> list[str]:
    lines = [visible(section.title)] if section.title else []
    lines += _fields(section.fields, "  ")
    if section.table is not None:
        lines += _table(section.table)
    return lines


def _table(table: Table) -> list[str]:
    if not table.rows:
        return [f"  (no {plural(table.noun)})"]
    if table.vertical:
        return _blocks(table)
    texts = [[_clip(cell_text(c)) for c in row] for row in table.rows]
    for i in range(len(table.columns)):  # keywords in context: the matches line up
        lefts = [len(visible(c.left)) for c in (r[i] for r in table.rows) if isinstance(c, Kwic)]
        width = max(lefts, default=0)
        for text, row in zip(texts, table.rows, strict=True):
            cell = row[i]
            if isinstance(cell, Kwic):
                text[i] = visible(cell.left).rjust(width) + visible(f"[{cell.match}]{cell.right}")
    numeric = [all(_is_number(r[i]) or r[i] is None for r in table.rows) for i in range(len(table.columns))]
    widths = [max(len(visible(name)), *(len(r[i]) for r in texts)) for i, name in enumerate(table.columns)]

    def line(values: list[str]) -> str:
        cells = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return ("  " + "  ".join(cells)).rstrip()

    out = [line([visible(c) for c in table.columns]), *(line(r) for r in texts)]
    if table.more:
        out.append("  " + _more(table.more, table.noun))
    return out


def _blocks(table: Table) -> list[str]:
    out = []
    for row in table.rows:
        fields = [(name, c) for name, c in zip(table.columns, row, strict=True) if not is_empty(c)]
        out += ["", *_fields(fields, "  ")]
    if table.more:
        out.append("  " + _more(table.more, table.noun))
    return out


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _more(n: int, noun: str) -> str:
    return f"… {n:,} more {noun if n == 1 else plural(noun)}"


def _is_number(cell: Cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)
