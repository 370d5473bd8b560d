"""What a notebook shows of one flat record: its fields as display cells, shared by the HTML and the text.

A record holding ``sentence`` with its match (``start``/``end`` or ``span``) shows one keyword-in-context
cell (`Kwic`) in place of those fields; parallel ``sentences`` and ``central`` lists (a sense's examples)
and lists of such records show as a list of them (`Examples`); ``coef``, ``share``, ``score`` and
``drop`` show a bar beside the number; other lists show their first items and how many more. Every field not recognised shows as itself, so added fields appear.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ._flatten import Record

BAR_FIELDS = ("coef", "share", "score", "drop")  # last dotted part of a field drawn with a bar
SPAN_FIELDS = ("start", "end", "span")
MAX_TEXT = 80  # characters of a plain text cell
MAX_CONTEXT = 40  # characters each side of a keyword in context
MAX_ITEMS = 6  # items of a list cell
MAX_EXAMPLES = 3  # keyword-in-context lines of an examples cell


@dataclass(frozen=True)
class Kwic:
    """A sentence cut around its match: left + match + right (each possibly shortened with '…')."""

    left: str
    match: str
    right: str


@dataclass(frozen=True)
class Bar:
    """A number drawn with a bar of length |value| / scale (scale > 0)."""

    value: float
    scale: float


@dataclass(frozen=True)
class Items:
    """The first items of a list (as text) and how many were left out."""

    items: list[str]
    more: int


@dataclass(frozen=True)
class Examples:
    """Keyword-in-context lines and how many were left out."""

    lines: list[Kwic]
    more: int


Cell = Kwic | Bar | Items | Examples | str | int | float | bool | None


def visible(text: str) -> str:
    """`text` with control characters (other than space) shown as escapes, so it cannot act on a terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def _escape(c: str) -> str:
    if unicodedata.category(c) == "Zs":
        return " "
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def shorten(text: str, limit: int = MAX_TEXT, keep: str = "end") -> str:
    """`text` cut to at most `limit` characters with '…' where it was cut (`keep` "end" keeps the
    start, "start" keeps the end)."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"
    return text[: limit - 1] + "…" if keep == "end" else "…" + text[len(text) - limit + 1 :]


def span_of(record: Record, prefix: str = "") -> tuple[int, int] | None:
    """The (start, end) of the match in ``sentence`` when the record has a valid one, else None."""
    sentence = record.get(prefix + "sentence")
    start, end = record.get(prefix + "start"), record.get(prefix + "end")
    span = record.get(prefix + "span")
    if isinstance(span, list) and len(span) == 2:
        start, end = span
    if not isinstance(sentence, str) or not isinstance(start, int) or not isinstance(end, int):
        return None
    if isinstance(start, bool) or isinstance(end, bool):
        return None
    return (start, end) if 0 <= start <= end <= len(sentence) else None


def kwic(sentence: str, start: int, end: int, context: int = MAX_CONTEXT) -> Kwic:
    """`sentence` around its match [start, end), each side shortened to `context` characters."""
    return Kwic(
        shorten(sentence[:start], context, keep="start"),
        shorten(sentence[start:end], 2 * context),
        shorten(sentence[end:], context),
    )


def record_cells(record: Record, scales: dict[str, float] | None = None) -> list[tuple[str, Cell]]:
    """The (name, cell) pairs shown for `record`, in its order; `scales` the bar scale per field."""
    shown = dict(record)
    out: list[tuple[str, Cell]] = []
    prefixes = {name[: -len("sentence")] for name in record if name.endswith("sentence")}
    hidden: set[str] = set()
    for prefix in prefixes:
        span = span_of(record, prefix)
        if span is not None:
            hidden.update(prefix + f for f in SPAN_FIELDS)
            shown[prefix + "sentence"] = kwic(record[prefix + "sentence"], *span)
    examples = _examples(record)
    if examples is not None:
        shown["sentences"] = examples
        hidden.add("central")
    for name, value in shown.items():
        if name not in hidden:
            out.append((name, cell(name, value, scales)))
    return out


def cell(name: str, value: Any, scales: dict[str, float] | None = None) -> Cell:
    """One value as a display cell (see the module docstring)."""
    if isinstance(value, Kwic | Examples):
        return value
    if isinstance(value, str):
        return shorten(value)
    if isinstance(value, list) and value and all(isinstance(v, dict) and span_of(v) for v in value):
        lines = [kwic(v["sentence"], *span) for v in value if (span := span_of(v)) is not None]
        return Examples(lines[:MAX_EXAMPLES], max(len(lines) - MAX_EXAMPLES, 0))
    if isinstance(value, list):
        return Items([shorten(item_text(v), MAX_TEXT // 2) for v in value[:MAX_ITEMS]], max(len(value) - MAX_ITEMS, 0))
    if isinstance(value, dict):
        return shorten(", ".join(f"{k}: {item_text(v)}" for k, v in value.items()))
    if _is_number(value) and name.rsplit(".", 1)[-1] in BAR_FIELDS:
        scale = (scales or {}).get(name) or abs(float(value)) or 1.0
        return Bar(float(value), scale)
    return value


def is_empty(c: Cell) -> bool:
    """Whether a cell shows nothing (None, '', an empty list)."""
    return c is None or c == "" or (isinstance(c, Items) and not c.items)


def item_text(value: Any) -> str:
    """One list item as short text: an object shows its first text field and its first number."""
    if isinstance(value, dict):
        label = next((v for v in value.values() if isinstance(v, str)), None)
        number = next((v for k, v in value.items() if _is_number(v) and k not in ("row", "sentence_id")), None)
        parts = [p for p in (label, number_text(number) if number is not None else None) if p]
        return " ".join(parts) if parts else shorten(str(value), MAX_TEXT // 2)
    if isinstance(value, list):
        return "[" + ", ".join(item_text(v) for v in value[:MAX_ITEMS]) + (", …]" if len(value) > MAX_ITEMS else "]")
    if isinstance(value, float):
        return number_text(value)
    return "" if value is None else str(value)


def number_text(value: Any) -> str:
    """A number as text: floats with 3 decimals (or 3 significant digits when tiny or huge)."""
    if isinstance(value, float):
        return f"{value:.3f}" if 1e-3 <= abs(value) < 1e6 or value == 0 else f"{value:.3g}"
    return str(value)


def bar_scales(rows: list[Record]) -> dict[str, float]:
    """Per bar field of `rows`, the value of a full bar: the largest absolute value, but at least 1 for
    a ``score`` (a cosine's bar is drawn against 1)."""
    scales: dict[str, float] = {}
    for row in rows:
        for name, value in row.items():
            last = name.rsplit(".", 1)[-1]
            if _is_number(value) and last in BAR_FIELDS:
                floor = 1.0 if last == "score" else 0.0
                scales[name] = max(scales.get(name, floor), abs(float(value)))
    return scales


def _examples(record: Record) -> Examples | None:
    sentences, central = record.get("sentences"), record.get("central")
    if not isinstance(sentences, list) or not isinstance(central, list) or len(sentences) != len(central):
        return None
    lines = []
    for sentence, occ in zip(sentences, central, strict=True):
        if not isinstance(occ, dict):
            return None
        span = span_of({"sentence": sentence, **{k: occ.get(k) for k in SPAN_FIELDS if k in occ}})
        if span is None:
            return None
        lines.append(kwic(sentence, *span))
    return Examples(lines[:MAX_EXAMPLES], max(len(lines) - MAX_EXAMPLES, 0))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
