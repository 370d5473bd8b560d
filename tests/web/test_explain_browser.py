"""The "why?" of every neighbour in the explorer, in a real headless Chromium (the fixtures and checks of
test_browser.py: no page error, no dialog, no CSP violation, no request off 127.0.0.1)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright import sync_api
from test_browser import Watched, browser, hits, web  # noqa: F401 (pytest fixtures)


def explain_requests(w: Watched) -> list[dict[str, list[str]]]:
    seen: list[dict[str, list[str]]] = []
    w.page.on("request", lambda r: seen.append(parse_qs(urlsplit(r.url).query)) if "/api/explain" in r.url else None)
    return seen


def test_why_on_a_neighbour_marks_both_sentences(web: Watched) -> None:  # noqa: F811
    page = web.page
    asked = explain_requests(web)
    web.open("/similar?word=bank&k=3&limit=1")
    first = hits(web).first
    hit_word = first.locator("td.tok").inner_text()
    first.locator("button.why").click()
    web.settle()
    box = page.locator(".why-row .why-box")
    sync_api.expect(box).to_have_count(1)
    sentences = box.locator(".why-sentence")
    sync_api.expect(sentences).to_have_count(2)
    sync_api.expect(sentences.nth(0).locator("mark")).to_have_text("bank", ignore_case=True)
    sync_api.expect(sentences.nth(1).locator("mark")).to_have_text(hit_word, ignore_case=True)
    assert "drops" in box.locator("p").first.inner_text()
    assert len(asked) == 1 and len(asked[0]["row"]) == 2  # the query's row and the hit's row
    # the marked words are words of their sentence, each with its drop in the title
    for word in box.locator(".why-word").all():
        assert word.get_attribute("title", timeout=5000).startswith("cosine drops by")
    first.locator("button.why").click()  # a second click closes it
    sync_api.expect(page.locator(".why-row")).to_have_count(0)


def test_why_for_a_new_sentence_sends_the_sentence(web: Watched) -> None:  # noqa: F811
    page = web.page
    asked = explain_requests(web)
    web.open("/similar?in=the+river+bank+was+cold&word=bank&k=2")
    hits(web).nth(1).locator("button.why").click()
    web.settle()
    sync_api.expect(page.locator(".why-row .error")).to_have_count(0)
    first = page.locator(".why-row .why-sentence").first
    sync_api.expect(first).to_have_text("the river bank was cold")
    sync_api.expect(first.locator("mark")).to_have_text("bank")
    assert asked[0]["word"] == ["bank"] and asked[0]["in"] == ["the river bank was cold"] and len(asked[0]["row"]) == 1


def test_why_shows_markup_in_sentences_as_text(web: Watched) -> None:  # noqa: F811
    page = web.page
    web.open("/similar?word=cold&in=%3Cscript%3Ealert(1)%3C/script%3E+cold&k=2")
    hits(web).first.locator("button.why").click()
    web.settle()
    sentence = page.locator(".why-row .why-sentence").first
    sync_api.expect(sentence).to_have_text("<script>alert(1)</script> cold")
    assert page.locator(".why-row script").count() == 0
