"""Every kind of result in a notebook: `to_frame()` holds all of its JSON, `_repr_html_` and `str` show
its records (keyword in context, escaped, truncated), and indexing reaches its queries and hits."""

from __future__ import annotations

import sys
from html.parser import HTMLParser

import pytest
from conftest import comparable, rebuild

from ctxvec.errors import CtxvecError
from ctxvec.results import Result, jsonable

ALLOWED_TAGS = {"div", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "mark", "span", "br"}


class Tags(HTMLParser):
    """The tags of an HTML text (start tags, with a check that every element is closed in order)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    p.close()
    assert not p.open, f"unclosed: {p.open}"
    return p


def test_to_frame_holds_every_value_of_the_json(results: dict[str, Result]) -> None:
    for name, result in results.items():
        frame = result.to_frame()
        data = jsonable(result.to_dict())
        path = result._path(data)
        rebuilt = rebuild(frame.to_dict("records"), dict(frame.attrs), path)
        assert comparable(rebuilt) == comparable(data), name


def test_the_frame_is_long_format(results: dict[str, Result]) -> None:
    frame = results["similar"].to_frame()
    data = results["similar"].to_dict()
    assert list(frame.columns[:2]) == ["query", "query.row"]
    assert {"rank", "token", "score", "sentence", "query.token", "query.sentence"} <= set(frame.columns)
    assert len(frame) == sum(len(q["hits"]) for q in data["queries"])
    first = frame.iloc[0]
    assert (first["query"], first["rank"]) == (0, 1)
    assert first["token"] == data["queries"][0]["hits"][0]["token"]
    assert frame.attrs["method"] == data["method"]
    assert list(results["senses"].to_frame()["size"]) == [s["size"] for s in results["senses"].to_dict()["senses"]]
    info = results["info"].to_frame()
    assert list(info.columns) == ["field", "value"] and "rows" in set(info["field"])


def test_every_result_shows_as_well_formed_escaped_html(results: dict[str, Result]) -> None:
    for name, result in results.items():
        html = result._repr_html_()
        tags = parse(html)
        assert set(tags.tags) <= ALLOWED_TAGS, (name, set(tags.tags) - ALLOWED_TAGS)
        assert type(result).__name__ in "".join(tags.text), name


def test_kwic_marks_the_match_and_escapes_corpus_markup(results: dict[str, Result]) -> None:
    html = results["similar"]._repr_html_()
    assert "<mark>cold</mark>" in html
    whole = "".join(r._repr_html_() for r in results.values())
    assert "<script" not in whole.lower() and "<img" not in whole.lower()
    # a stored sentence holding markup (the query of "similar_markup") is shown as text
    assert results["similar_markup"].to_dict()["queries"][0]["sentence"] == "<script>alert(1)</script> cold"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>cold</mark>" in results["similar_markup"]._repr_html_()
    assert "<mark>cold</mark>" in results["sense"]._repr_html_() and "[cold]" in str(results["sense"])
    decomposition = results["decompose_occurrences"]._repr_html_()
    assert "<mark>" in decomposition and "background:#4c78a8" in decomposition  # occurrences and bars


def test_long_results_are_cut_with_the_number_left_out(results: dict[str, Result]) -> None:
    result = results["similar_long"]
    n_hits = len(result.to_dict()["queries"][0]["hits"])
    assert n_hits == 30
    assert "… 10 more hits" in result._repr_html_()
    assert "… 10 more hits" in str(result)
    assert result._repr_html_().count("<mark>") == 20 + 1  # 20 hits and the query


def test_str_is_readable_text(results: dict[str, Result]) -> None:
    text = str(results["similar"])
    first = results["similar"].to_dict()["queries"][0]
    assert text.startswith("Similar")
    assert "query 0" in text and first["hits"][0]["sentence"][: first["hits"][0]["start"]] + "[cold]" in text
    assert "array(" not in text
    senses = str(results["senses"])
    assert "wordnet.synset" in senses and "[cold]" in senses
    assert "█" in str(results["decompose"])  # coefficient bars
    for result in results.values():
        assert str(result).strip()


def test_indexing_and_iteration_reach_queries_and_hits(results: dict[str, Result]) -> None:
    sim = results["similar"]
    data = sim.to_dict()
    assert len(list(sim)) == len(sim) == len(data["queries"])
    query = sim[0]
    assert query["token"] == query.token == data["queries"][0]["token"]
    assert len(query) == len(data["queries"][0]["hits"])
    assert [h.score for h in query] == [h["score"] for h in data["queries"][0]["hits"]]
    assert query[0].to_dict() == data["queries"][0]["hits"][0]
    assert sim[-1].row == data["queries"][-1]["row"]
    assert len(sim[:2]) == 2 and "query 1" in str(sim[:2]) and "query 2" not in str(sim[:2])
    part = sim[3:5]  # a slice keeps the queries' numbers
    assert "query 3" in str(part) and "query 4" in part._repr_html_() and "query 0" not in str(part)
    assert set(part.to_frame()["query"]) == {3, 4} and str(part[1]).startswith("query 4")
    assert [q.row for q in part] == [data["queries"][3]["row"], data["queries"][4]["row"]]
    assert list(results["senses"][1:].to_frame()["rank"]) == list(
        range(2, len(results["senses"].to_dict()["senses"]) + 1)
    )
    assert "<mark>" in query._repr_html_() and "<mark>" in query[0]._repr_html_()
    assert len(query.to_frame()) == len(query)
    assert results["senses"][0]["size"] == results["senses"].to_dict()["senses"][0]["size"]
    assert results["decompose"][1][0].word == results["decompose"].to_dict()["queries"][1]["terms"][0]["word"]
    with pytest.raises(TypeError, match="StoreSummary has no items"):
        results["info"][0]
    with pytest.raises(TypeError, match="^hit 0 has no items"):
        list(query[0])
    assert str(sim[1]).startswith("query 1") and str(query[-1]).startswith(f"hit {len(query) - 1}")
    with pytest.raises(AttributeError, match="^query 0 has no field 'nope'"):
        query.nope  # noqa: B018


def test_to_frame_without_pandas_is_one_clear_line(results: dict[str, Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(CtxvecError, match=r"^to_frame\(\) needs pandas.*pip install pandas$"):
        results["similar"].to_frame()
    assert "<mark>" in results["similar"]._repr_html_()  # the display needs no pandas
