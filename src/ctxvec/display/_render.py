"""A result's JSON shown: the path it is read along, its page as HTML or as text."""

from __future__ import annotations

from collections.abc import Sequence

from ._flatten import Record, find_path
from ._html import page_html
from ._layout import layout
from ._text import page_text


def result_path(data: Record, declared: tuple[str, ...] | None) -> tuple[str, ...]:
    """`declared` (a result class's `frame_path`) when given, else the first list of records in `data`."""
    return find_path(data) if declared is None else declared


def to_html(title: str, data: Record, path: tuple[str, ...], numbers: Sequence[int] | None = None) -> str:
    """`data` read along `path` as HTML (see `_html`); `numbers` as in `flatten`."""
    return page_html(layout(title, data, path, numbers))


def to_text(title: str, data: Record, path: tuple[str, ...], numbers: Sequence[int] | None = None) -> str:
    """`data` read along `path` as text (see `_text`); `numbers` as in `flatten`."""
    return page_text(layout(title, data, path, numbers))
