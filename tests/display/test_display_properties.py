"""Invariants of the display layer on any JSON: the long format loses nothing, HTML escapes every text
and marks exactly the match, long lists are cut with the right count."""

from __future__ import annotations

import re
from typing import Any

from frames import comparable, rebuild
from hypothesis import given
from hypothesis import strategies as st
from test_results_display import ALLOWED_TAGS, parse

from ctxvec.display import flatten, to_html, to_text
from ctxvec.display._cells import MAX_CONTEXT, kwic, shorten
from ctxvec.display._layout import MAX_ROWS, MAX_SECTIONS

keys = st.text("abcde", min_size=1, max_size=2)
leaves = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False) | st.text(max_size=8)
values = leaves | st.lists(leaves, max_size=3) | st.dictionaries(keys, leaves, min_size=1, max_size=2)
records = st.dictionaries(keys, values, max_size=4)


@st.composite
def nested(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A result-like JSON: top fields, `items` each with fields and `subs` records; and a path into it."""
    inner = st.lists(records, max_size=3)
    items = draw(st.lists(st.builds(lambda r, subs: {**r, "subs": subs}, records, inner), max_size=4))
    data = {**draw(records), "items": items}
    path = draw(st.sampled_from([(), ("items",), ("items", "subs")]))
    return data, path


@given(nested())
def test_the_long_format_loses_nothing(case: tuple[dict[str, Any], tuple[str, ...]]) -> None:
    data, path = case
    long = flatten(data, path)
    assert all(set(row) <= set(long.columns) for row in long.rows)
    assert comparable(rebuild(long.rows, long.attrs, path)) == comparable(data)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)


@st.composite
def sentences(draw: st.DrawFn) -> tuple[str, int, int]:
    s = draw(text)
    start = draw(st.integers(0, len(s)))
    return s, start, draw(st.integers(start, len(s)))


@given(sentences(), text)
def test_html_escapes_every_text_and_marks_the_match(sentence: tuple[str, int, int], token: str) -> None:
    s, start, end = sentence
    html = to_html(
        "<T>", {"note": token, "hits": [{"token": token, "sentence": s, "start": start, "end": end}]}, ("hits",)
    )
    tags = parse(html)
    assert set(tags.tags) <= ALLOWED_TAGS
    marked = re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)
    assert len(marked) == 1
    shown = "".join(tags.text)
    expected = kwic(s, start, end)
    assert expected.left + expected.match + expected.right in shown
    assert shorten(token) in shown and "<T>" in shown


@given(sentences())
def test_kwic_keeps_the_match_and_bounds_the_context(sentence: tuple[str, int, int]) -> None:
    s, start, end = sentence
    k = kwic(s, start, end)
    assert len(k.left) <= MAX_CONTEXT and len(k.right) <= MAX_CONTEXT and len(k.match) <= 2 * MAX_CONTEXT
    if len(s[:start]) <= MAX_CONTEXT and len(s[end:]) <= MAX_CONTEXT and end - start <= 2 * MAX_CONTEXT:
        assert k.left + k.match + k.right == s
    else:
        assert "…" in k.left + k.match + k.right


@given(st.integers(0, 3 * MAX_ROWS), st.integers(0, 2 * MAX_SECTIONS))
def test_long_lists_are_cut_with_the_count_left_out(n_hits: int, n_queries: int) -> None:
    hits = [{"token": f"t{i}", "score": 1 - i / 100} for i in range(n_hits)]
    one = {"queries": [{"token": "q", "hits": hits}]}
    html, txt = to_html("R", one, ("queries", "hits")), to_text("R", one, ("queries", "hits"))
    assert html.count("<tr>") == min(n_hits, MAX_ROWS) + (1 if n_hits else 0)  # rows and the header
    left = n_hits - MAX_ROWS
    for shown in (html, txt):
        assert (f"… {left} more hit" in shown) == (left > 0)
    many = {"queries": [{"token": f"q{i}", "hits": hits[:1]} for i in range(n_queries)]}
    html = to_html("R", many, ("queries", "hits"))
    assert html.count("<em>query ") == min(n_queries, MAX_SECTIONS)
    assert ("more quer" in html) == (n_queries > MAX_SECTIONS)


@given(sentences(), text, st.integers(0, 5))
def test_text_view_has_no_control_characters_from_the_data(sentence: tuple[str, int, int], token: str, n: int) -> None:
    s, start, end = sentence
    data = {"note": "t" + token, "hits": [{"token": token, "sentence": s, "start": start, "end": end}] * n}
    shown = to_text("R", data, ("hits",))
    plain = to_text("R", {"note": "x", "hits": [{"token": "x", "sentence": "x", "start": 0, "end": 1}] * n}, ("hits",))
    assert all(c == "\n" or c.isprintable() or c == " " for c in shown)
    assert len(shown.splitlines()) == len(plain.splitlines())  # data cannot add or remove lines
