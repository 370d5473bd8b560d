"""A `Page` as HTML for a notebook (`_repr_html_`): every text escaped, the match of a keyword in
context in ``<mark>``, bars as inline-styled spans (no script, no stylesheet, nothing fetched)."""

from __future__ import annotations

from html import escape

from ._cells import Bar, Cell, Examples, Items, Kwic, is_empty, number_text
from ._flatten import plural
from ._layout import Page, Section, Table

BAR_PX = 80  # width of a full bar
STYLE_TABLE = "border-collapse:collapse;margin:0.3em 0"
STYLE_CELL = "padding:1px 8px;text-align:left;vertical-align:top"
STYLE_MORE = "color:#777;font-style:italic"


def page_html(page: Page) -> str:
    """The whole page as one ``<div>``."""
    parts = [f'<div class="ctxvec-result"><strong>{escape(page.title)}</strong>']
    if page.fields:
        parts.append(_inline(page.fields))
    for section in page.sections:
        parts.append(_section(section))
    if page.more:
        parts.append(_more(page.more, page.noun))
    parts.append("</div>")
    return "".join(parts)


def cell_html(cell: Cell) -> str:
    """One cell's HTML."""
    if isinstance(cell, Kwic):
        return _kwic(cell)
    if isinstance(cell, Examples):
        lines = [_kwic(k) for k in cell.lines]
        if cell.more:
            lines.append(_more(cell.more, "example"))
        return "<br>".join(lines)
    if isinstance(cell, Bar):
        width = round(BAR_PX * min(abs(cell.value) / cell.scale, 1.0)) if cell.scale > 0 else 0
        colour = "#4c78a8" if cell.value >= 0 else "#e45756"
        bar = f'<span style="display:inline-block;height:0.7em;width:{width}px;background:{colour}"></span>'
        return f'<span style="white-space:nowrap">{escape(number_text(cell.value))} {bar}</span>'
    if isinstance(cell, Items):
        text = escape(", ".join(cell.items))
        return text + (f" {_more(cell.more, 'more', plain=True)}" if cell.more else "")
    if cell is None:
        return ""
    return escape(number_text(cell))


def _kwic(k: Kwic) -> str:
    return f"{escape(k.left)}<mark>{escape(k.match)}</mark>{escape(k.right)}"


def _fields(fields: list[tuple[str, Cell]]) -> str:
    rows = "".join(
        f'<tr><th style="{STYLE_CELL}">{escape(name)}</th><td style="{STYLE_CELL}">{cell_html(c)}</td></tr>'
        for name, c in fields
    )
    return f'<table style="{STYLE_TABLE}">{rows}</table>'


def _inline(fields: list[tuple[str, Cell]]) -> str:
    items = " · ".join(f"<strong>{escape(name)}</strong> {cell_html(c)}" for name, c in fields)
    return f'<div style="margin:0.2em 0">{items}</div>'


def _section(section: Section) -> str:
    parts = []
    if section.title:
        parts.append(f'<div style="margin-top:0.6em"><em>{escape(section.title)}</em></div>')
    if section.fields:
        parts.append(_inline(section.fields))
    if section.table is not None:
        parts.append(_table(section.table))
    return "".join(parts)


def _table(table: Table) -> str:
    if not table.rows:
        return f'<div style="{STYLE_MORE}">no {escape(plural(table.noun))}</div>'
    if table.vertical:
        return _blocks(table)
    kwic = [any(isinstance(row[i], Kwic) for row in table.rows) for i in range(len(table.columns))]
    head = "".join(
        f'<th style="{STYLE_CELL}"{" colspan=3" if k else ""}>{escape(c)}</th>'
        for c, k in zip(table.columns, kwic, strict=True)
    )
    body = "".join("<tr>" + "".join(_td(c, k) for c, k in zip(row, kwic, strict=True)) + "</tr>" for row in table.rows)
    out = f'<table style="{STYLE_TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return out + (_more(table.more, table.noun) if table.more else "")


def _td(cell: Cell, kwic_column: bool) -> str:
    """A table cell; in a keyword-in-context column three, so that the matches line up."""
    if not kwic_column:
        return f'<td style="{STYLE_CELL}">{cell_html(cell)}</td>'
    if not isinstance(cell, Kwic):
        return f'<td style="{STYLE_CELL}" colspan=3>{cell_html(cell)}</td>'
    return (
        f'<td style="{STYLE_CELL};text-align:right;padding-right:0;white-space:pre">{escape(cell.left)}</td>'
        f'<td style="{STYLE_CELL};padding:1px 0"><mark>{escape(cell.match)}</mark></td>'
        f'<td style="{STYLE_CELL};padding-left:0;white-space:pre">{escape(cell.right)}</td>'
    )


def _blocks(table: Table) -> str:
    parts = []
    for row in table.rows:
        fields = [(name, c) for name, c in zip(table.columns, row, strict=True) if not is_empty(c)]
        parts.append(f'<div style="margin:0.4em 0 0 1em;border-top:1px solid #ccc">{_fields(fields)}</div>')
    return "".join(parts) + (_more(table.more, table.noun) if table.more else "")


def _more(n: int, noun: str, plain: bool = False) -> str:
    text = f"… {n:,} more" if noun == "more" else f"… {n:,} more {noun if n == 1 else plural(noun)}"
    return (
        f'<span style="{STYLE_MORE}">{escape(text)}</span>'
        if plain
        else f'<div style="{STYLE_MORE}">{escape(text)}</div>'
    )
