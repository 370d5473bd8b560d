"""ctxvec.display: results at home in a notebook, derived from their JSON (`to_dict()`).

Modules, each importing only those before it: `_flatten` (the long format: one flat row per
innermost record, `Long`), `_frame` (a pandas DataFrame of it; pandas imported only there),
`_cells` (a record's display cells: keyword in context, bars, lists), `_layout` (a result as a
`Page` of fields, sections and tables, truncated), `_html` and `_text` (a page as escaped HTML or
as text), `_render` (both from a result's JSON), `_entry` (`Entry`: indexing into a result).
`Result` (``ctxvec.results``) calls these for `to_frame`, `_repr_html_`, `__str__` and indexing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "Long": "_flatten",
    "flatten": "_flatten",
    "singular": "_flatten",
    "find_path": "_flatten",
    "long_frame": "_frame",
    "Page": "_layout",
    "layout": "_layout",
    "page_html": "_html",
    "page_text": "_text",
    "result_path": "_render",
    "to_html": "_render",
    "to_text": "_render",
    "Entry": "_entry",
}
__all__ = [
    "Entry",
    "Long",
    "Page",
    "find_path",
    "flatten",
    "layout",
    "long_frame",
    "page_html",
    "page_text",
    "result_path",
    "singular",
    "to_html",
    "to_text",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._entry import Entry
    from ._flatten import Long, find_path, flatten, singular
    from ._frame import long_frame
    from ._html import page_html
    from ._layout import Page, layout
    from ._render import result_path, to_html, to_text
    from ._text import page_text
