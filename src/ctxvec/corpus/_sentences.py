"""A small rule-based sentence splitter for paragraph text (no model, no download).

Splits after ``.``, ``!`` or ``?`` (and any closing quotes/brackets) when whitespace and an
upper-case letter, digit or opening quote follow, except after common abbreviations and
single initials ("J. S. Bach", "e.g.", "Dr.", "U.S.").
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g", "i.e", "cf", "al",
    "no", "vol", "pp", "p", "ca", "c", "approx", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "gen", "col", "lt", "sgt", "capt", "rev", "u.s", "u.k", "inc", "ltd",
    "co", "corp", "dept", "est", "op", "ed", "eds",
}  # fmt: skip

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def _ends_with_abbreviation(text: str) -> bool:
    m = re.search(r"(\S+)\.[\"'”’)\]]*$", text)
    if not m:
        return False
    word = m.group(1).lstrip("(\"'“‘[").lower()
    return (
        word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))
    )


def split_sentences(paragraph: str) -> list[str]:
    """Split `paragraph` into sentences, each stripped; empty input gives []."""
    text = " ".join(paragraph.split())
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        candidate = text[start : m.end()].strip()
        if _ends_with_abbreviation(candidate):
            continue
        out.append(candidate)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
