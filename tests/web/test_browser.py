"""The explorer in a real headless Chromium (Debian's `chromium`, driven by Playwright for Python).

Every test opens a fresh browser context on `server_url` (stores of the tiny random BERT whose
corpus holds XSS sentences) and checks, besides what it looks at, that the page raised no error,
opened no dialog, broke no Content-Security-Policy rule and sent no request off 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright import sync_api

# scripts/install.sh installs Debian's chromium: without it these tests fail, they are never skipped
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
assert CHROMIUM is not None, "no chromium on PATH; install it with scripts/install.sh (Debian package chromium)"

TIMEOUT_MS = 30_000  # every wait of these tests
XSS_TEXT = ["<script>alert(1)</script> cold", "<img src=x onerror=alert(1)> cold"]


@dataclass
class Watched:
    """A page and what it did: dialogs, page errors, console errors, requests not to loopback."""

    page: Any
    base: str
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path, timeout=TIMEOUT_MS)
        self.settle()
        return response

    def settle(self) -> None:
        """Wait until no view is still computing."""
        sync_api.expect(self.page.locator(".loading")).to_have_count(0, timeout=TIMEOUT_MS)

    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    def path(self) -> str:
        return urlsplit(self.page.url).path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, timeout=TIMEOUT_MS)
        yield b
        b.close()


@pytest.fixture
def web(browser: Any, server_url: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    w = Watched(page, server_url)
    host = urlsplit(server_url).hostname

    def guard(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname != host or host != "127.0.0.1":
            w.offsite.append(url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    page.on("console", lambda m: w.console.append(m.text) if m.type in ("error", "warning") else None)
    yield w
    context.close()
    assert w.dialogs == [], f"a dialog opened: {w.dialogs}"
    assert w.errors == [], f"page errors: {w.errors}"
    assert w.offsite == [], f"requests left 127.0.0.1: {w.offsite}"
    csp = [m for m in w.console if "Content Security Policy" in m or "Refused to" in m]
    assert csp == [], f"CSP violations: {csp}"


def hits(w: Watched) -> Any:
    return w.page.locator(".group table.hits tbody tr")


def test_type_a_word_then_a_sentence_and_click_its_words(web: Watched) -> None:
    page = web.page
    web.open("/")
    page.fill("input[name=q]", "cold")
    page.press("input[name=q]", "Enter")
    web.settle()
    assert web.path() == "/similar" and web.query()["word"] == ["cold"]
    sync_api.expect(hits(web).first).to_be_visible()
    sync_api.expect(page.locator(".method-name")).not_to_be_empty()
    sync_api.expect(page.locator(".histogram .bar-row").first).to_be_visible()

    page.fill("input[name=q]", "I caught a cold last week")
    page.press("input[name=q]", "Enter")
    web.settle()
    assert web.query()["in"] == ["I caught a cold last week"]
    tokens = page.locator(".tokens button.token")
    sync_api.expect(tokens).to_have_count(6)
    tokens.filter(has_text="caught").click()
    web.settle()
    assert web.query()["word"] == ["caught"]
    sync_api.expect(page.locator(".query-head mark")).to_have_text("caught")
    sync_api.expect(page.locator(".tokens button.chosen")).to_have_text("caught")
    sync_api.expect(hits(web).first).to_be_visible()
    # every neighbour line highlights its matched word
    n = hits(web).count()
    assert n > 0 and page.locator(".group table.hits tbody tr td.ctx mark").count() == n
    # the CLI command of this view
    cli = page.locator(".cli code").first.inner_text()
    assert cli.startswith("ctxvec similar ") and "caught --in 'I caught a cold last week'" in cli

    page.locator(".tokens button.token", has_text="cold").click()
    web.settle()
    assert web.query()["word"] == ["cold"]
    page.go_back()
    web.settle()
    assert web.query()["word"] == ["caught"]


def test_controls_update_the_url(web: Watched) -> None:
    page = web.page
    web.open("/similar?word=cold&k=3")
    sync_api.expect(page.locator(".group").first.locator("tbody tr")).to_have_count(3)
    page.fill("input[name=k]", "2")
    page.press("input[name=k]", "Enter")  # a number input fires change on Enter
    web.settle()
    assert web.query()["k"] == ["2"]
    sync_api.expect(page.locator(".group").first.locator("tbody tr")).to_have_count(2)
    page.check("input[name=distinct_sentences]")
    web.settle()
    assert web.query()["distinct_sentences"] == ["1"]
    page.check("input[name=words_only]")
    web.settle()
    assert web.query()["words_only"] == ["1"]
    assert web.query()["distinct_sentences"] == ["1"]  # the two combine (the CLI takes both): both stay
    sync_api.expect(page.locator("input[name=distinct_sentences]")).to_be_checked()
    sync_api.expect(page.locator("table.hits th", has_text="count").first).to_be_visible()
    assert "--words-only" in page.locator(".cli code").first.inner_text()


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("/similar?word=cold&k=5", ".group table.hits tbody tr"),
        ("/similar?in=the+river+bank+was+cold&word=bank&k=4", ".group table.hits tbody tr"),
        ("/similar?in=the+river+bank+was+cold&word=bank&k=4", ".sense-panel .query-sense .sense-name"),
        ("/occurrence?row=3&max_terms=3", ".decomposition .bar-row"),
        ("/decompose?word=bank&in=the+bank+gave+him+money&max_terms=4", ".decomposition .bar-row"),
        ("/word?word=cold&analogy=king+-+man+%2B+woman", ".sense"),
        ("/senses?word=cold", ".sense"),
        ("/map?words=cold,warm,hot", "canvas.map"),
        ("/space", "table.figures tbody tr"),
    ],
)
def test_a_view_opens_from_its_url(web: Watched, path: str, selector: str) -> None:
    response = web.open(path)
    assert response.status == 200
    assert "default-src 'self'" in response.headers.get("content-security-policy", "")
    sync_api.expect(web.page.locator(".error")).to_have_count(0)
    sync_api.expect(web.page.locator(selector).first).to_be_visible()
    assert web.page.locator(".cli code").first.inner_text().startswith("ctxvec ")
    assert urlsplit(web.page.url).path == urlsplit(path).path  # the view keeps its URL


def test_decomposition_slider_and_terms(web: Watched) -> None:
    page = web.page
    web.open("/decompose?word=bank&in=the+bank+gave+him+money&max_terms=4")
    n = page.locator(".decomposition .bar-row").count()
    assert 1 <= n <= 4
    page.locator("input[name=max_terms]").fill("2")  # a range input: fill sets it and fires change
    web.settle()
    assert web.query()["max_terms"] == ["2"]
    assert 1 <= page.locator(".decomposition .bar-row").count() <= 2
    web.open("/occurrence?row=3&max_terms=3")
    page.locator("input[name=max_terms]").fill("1")
    web.settle()
    assert web.query()["max_terms"] == ["1"]
    sync_api.expect(page.locator(".decomposition .bar-row")).to_have_count(1)
    assert "--max-terms 1" in page.locator(".cli code").nth(1).inner_text()


def test_xss_sentences_show_as_text(web: Watched) -> None:
    page = web.page
    # every occurrence of "cold" as a query, the XSS sentences' among them (after "show all")
    web.open("/similar?word=cold&k=2&limit=200")
    page.locator("button.more").click()
    text = page.locator("main").inner_text()
    for s in XSS_TEXT:
        assert s.split(" cold")[0] in text
    assert page.locator("main img, main script").count() == 0
    # a new sentence holding markup: its clickable words and its query line are text too
    web.open("/similar?in=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E+cold&word=cold&k=3")
    assert "<img src=x onerror=alert(1)> cold" in page.locator(".query-head").first.inner_text()
    assert page.locator("main img, main script").count() == 0
    # the same sentences in the map's hover and region selection
    web.open("/map?words=cold")
    canvas = page.locator("canvas.map")
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2, steps=5)
    page.mouse.up()
    listed = page.locator(".selection li")
    sync_api.expect(listed.first).to_be_visible()
    text = page.locator(".selection").inner_text()
    for s in XSS_TEXT:
        assert s.split(" cold")[0] in text
    assert page.locator("main img, main script").count() == 0
    # the word view's senses list example sentences
    web.open("/senses?word=cold")
    assert page.locator("main img, main script").count() == 0


def test_errors_show_as_text(web: Watched) -> None:
    page = web.page
    web.open("/similar?word=%3Cimg+src%3Dx+onerror%3Dalert(1)%3Ezzz&k=5")
    err = page.locator(".error")
    sync_api.expect(err).to_be_visible()
    assert err.locator("img").count() == 0
    web.open("/similar?word=cold&k=-1")
    sync_api.expect(page.locator(".error")).to_be_visible()
    web.open("/nowhere")
    web.console.clear()  # the 404 of a page that does not exist is logged by the browser


def test_map_hover_and_highlight(web: Watched) -> None:
    page = web.page
    web.open("/map?words=cold,warm")
    assert int(page.locator("canvas.map").get_attribute("data-points") or 0) > 0
    sync_api.expect(page.locator(".legend-item", has_text="cold")).to_be_visible()
    page.fill("input[name=highlight]", "warm")
    page.press("input[name=highlight]", "Enter")
    assert web.query()["highlight"] == ["warm"]
    box = page.locator("canvas.map").bounding_box()
    assert box is not None
    tip = page.locator(".tip")
    # sweep the canvas until the tooltip shows a point's sentence
    found = False
    for fy in (0.1, 0.3, 0.5, 0.7, 0.9):
        for i in range(60):
            page.mouse.move(box["x"] + box["width"] * i / 60, box["y"] + box["height"] * fy)
            if tip.is_visible():
                found = True
                break
        if found:
            break
    assert found, "no point under the sweep showed a tooltip"
    sync_api.expect(tip.locator("mark")).not_to_be_empty()


def test_space_shows_raw_and_transformed_side_by_side(web: Watched, transformed_url: str) -> None:
    heads = web.page.locator("section.panel").first.locator("table.figures thead th")
    web.open("/space")  # store a: no in-place transform, one column of values
    sync_api.expect(heads).to_have_count(3)
    web.base = transformed_url
    web.open("/space")
    sync_api.expect(heads).to_have_count(4)
    sync_api.expect(heads.nth(1)).to_have_text("raw")
    sync_api.expect(heads.nth(2)).to_contain_text("transformed")
    sync_api.expect(web.page.locator(".side-by-side .bar-row").first).to_be_visible()


def test_search_shows_the_index_recall(web: Watched, transformed_url: str) -> None:
    web.open("/similar?word=cold&k=3")  # store a has no index: no recall shown
    sync_api.expect(web.page.locator(".method-name")).to_contain_text("exact scan")
    sync_api.expect(web.page.locator(".recall")).to_have_count(0)
    web.base = transformed_url
    web.open("/similar?word=cold&k=3")
    sync_api.expect(web.page.locator(".method-name")).to_contain_text("hnsw index")
    sync_api.expect(web.page.locator(".recall")).to_have_text(re.compile(r"recall@10 [01]\.\d{3}"))


def test_an_occurrence_says_its_sense(web: Watched, web_stores: dict[str, Any]) -> None:
    from ctxvec.store import Store

    page = web.page
    row = int(Store.open(web_stores["a"]).occurrences("cold")[-1])
    web.open(f"/occurrence?row={row}")
    line = page.locator(".occurrence-sense")
    sync_api.expect(line).to_be_visible()
    text = line.inner_text()
    assert re.search(r"sense \d+ of \d+ · \d+% of the occurrences|one sense", text), text
    link = line.locator("a", has_text="the senses of")
    assert urlsplit(link.get_attribute("href") or "").path == "/senses"
    assert "--row" in page.locator(".sense-panel .cli code").inner_text()
    link.click()
    web.settle()
    assert web.path() == "/senses" and web.query()["word"] == ["cold"]
    sync_api.expect(page.locator(".sense h4").first).to_contain_text("sense 1")


def test_a_new_sentence_is_placed_in_the_map(web: Watched) -> None:
    page = web.page
    web.open("/map?words=cold,warm")
    canvas = page.locator("canvas.map")
    assert canvas.get_attribute("data-queries") == "0"
    page.fill("input[name=in]", "i caught a <b>cold</b> today")
    page.fill("input[name=word]", "cold")
    page.locator("form.place button").click()
    web.settle()
    assert web.query()["in"] == ["i caught a <b>cold</b> today"] and web.query()["word"] == ["cold"]
    sync_api.expect(canvas).to_have_attribute("data-queries", "1")
    sync_api.expect(page.locator(".legend-item", has_text="new sentence")).to_be_visible()
    placed = page.locator("ul.placed li")
    assert "i caught a <b>cold</b> today" in placed.inner_text()  # as text, not markup
    assert placed.locator("b").count() == 0
    assert "--in" in page.locator(".cli code").first.inner_text()
    # the marker is drawn: the canvas is dark at its point
    x, y = json.loads(canvas.get_attribute("data-placed") or "[]")[0]
    dark = page.evaluate(
        "([x, y]) => { const c = document.querySelector('canvas.map'); const d = window.devicePixelRatio || 1;"
        " const p = c.getContext('2d').getImageData(Math.round(x * d), Math.round(y * d), 1, 1).data;"
        " return p[3] > 200 && p[0] < 60 && p[1] < 60 && p[2] < 60; }",
        [x, y],
    )
    assert dark, "no black marker at the placed point"
    web.open("/map?words=cold,warm&in=a+warm+day&word=cold")  # the word missing from it: an error, as text
    sync_api.expect(page.locator(".error")).to_contain_text("cold")


def test_senses_show_their_wordnet_synset_and_gloss(web: Watched) -> None:
    """Each sense card names the WordNet 3.0 synset it matches best, with the synset's gloss."""
    from ctxvec.structure._synsets import word_synsets

    page = web.page
    web.open("/senses?word=bank")
    line = page.locator(".sense .wordnet").first
    sync_api.expect(line).to_be_visible()
    name = line.locator(".synset").inner_text()
    glosses = {s.name: s.gloss for s in word_synsets("bank")}
    assert name in glosses  # bank.n.01 ... bank.v.08
    assert line.locator(".gloss").inner_text() == glosses[name]


def test_the_option_form_comes_from_the_schema(web: Watched) -> None:
    """Every option the API takes for `similar` has a control (typed and bounded by /openapi.json);
    one under "more options" reaches the API and the copied CLI command."""
    page = web.page
    web.open("/similar?word=cold&k=3")
    params = page.evaluate(
        "fetch('/openapi.json').then(r => r.json()).then(d => d.paths['/api/similar'].get.parameters)"
    )
    skip = {"store", "word", "in", "row", "sentence"}
    for p in params:
        if p["name"] not in skip:
            assert page.locator(f".options [name={p['name']}]").count() == 1, p["name"]
    k = page.locator(".options input[name=k]")
    assert (k.get_attribute("min"), k.get_attribute("max")) == ("1", "200")
    page.locator("details.more-options summary").click()
    page.fill(".options input[name=limit]", "2")
    page.press(".options input[name=limit]", "Enter")
    web.settle()
    assert web.query()["limit"] == ["2"]
    sync_api.expect(page.locator(".group")).to_have_count(2)
    assert "--limit 2" in page.locator(".cli code").first.inner_text()
    page.locator("details.more-options summary").click()
    page.select_option(".options select[name=index]", "flat")
    web.settle()
    assert web.query()["index"] == ["flat"]
    assert "index" in page.locator(".error").first.inner_text()  # the store has no flat index: the API says so


def test_shift_ranks_words_then_shows_one_side_by_side(web: Watched) -> None:
    web.open("/shift?where=sentence_id+%3C+35&vs=sentence_id+%3E%3D+35")
    sync_api.expect(web.page.locator(".error")).to_have_count(0)
    rows = web.page.locator("table.shift-ranking tr a")
    sync_api.expect(rows.first).to_be_visible()
    assert web.page.locator(".cli code").first.inner_text().startswith("ctxvec shift ")
    word = rows.first.inner_text()
    rows.first.click()
    web.settle()
    assert web.path() == "/shift" and web.query()["word"] == [word]
    sync_api.expect(web.page.locator(".shift-side")).to_have_count(2)
    sync_api.expect(web.page.locator("table.shift-measures tr")).to_have_count(5)
    sync_api.expect(web.page.locator("canvas.shift-map")).to_be_visible()
    assert "sentence_id < 35" in web.page.locator(".shift-side h3").first.inner_text()


@pytest.mark.parametrize(
    ("path", "command", "skip", "panel"),
    [
        ("/decompose?word=bank", "decompose", {"word", "in", "row", "sentence", "atoms", "max_terms"}, ""),
        ("/word?word=cold&analogy=king+-+man+%2B+woman", "analogy",
         {"words", "positive", "negative", "k", "level", "all_occurrences"}, ""),
        ("/senses?word=cold", "senses", {"word", "row", "in"}, ""),
        ("/map?words=cold,warm", "plot", {"words", "method", "color", "level", "in", "word"}, ""),
        ("/space", "isotropy", {"raw"}, ".isotropy "),
        ("/space", "dims", {"words", "level", "per_word", "top_dims", "order"}, ".dims "),
        ("/shift", "shift", {"words", "where", "vs", "measure"}, ""),
    ],
)  # fmt: skip
def test_every_option_of_a_view_has_a_control_from_the_schema(
    web: Watched, path: str, command: str, skip: set[str], panel: str
) -> None:
    """The decompose, analogy, senses, map and space views offer every option the API takes for their
    command (keep_family, keep_lookalikes, contextual, own_sentence, no_wordnet, where, pairs...), each
    typed from /openapi.json (`panel`: the part of the page holding that command's form)."""
    page = web.page
    web.open(path)
    params = page.evaluate(
        f"fetch('/openapi.json').then(r => r.json()).then(d => d.paths['/api/{command}'].get.parameters)"
    )
    names = {p["name"] for p in params} - skip - {"store"}
    assert names, command
    for name in names:
        assert page.locator(f"{panel}.options [name={name}]").count() == 1, (command, name)
    for p in params:
        if p["name"] in names and p["schema"].get("type") == "boolean":
            box = page.locator(f"{panel}.options input[name={p['name']}]")
            assert box.get_attribute("type") == "checkbox", p["name"]


def test_toggling_an_option_changes_the_answer(web: Watched) -> None:
    """Decompose: checking "contextual" (decompose what the context adds) reaches the URL, the API and
    the copied CLI command, and the decomposition changes; unchecking it brings the first one back."""
    page = web.page
    web.open("/decompose?word=cold&in=i+caught+a+cold+last+week&max_terms=4")
    before = page.locator(".decomposition .equation").first.inner_text()
    assert before and "--contextual" not in page.locator(".cli code").first.inner_text()
    page.check(".options input[name=contextual]")
    web.settle()
    assert web.query()["contextual"] == ["1"] and web.query()["max_terms"] == ["4"]
    sync_api.expect(page.locator(".options input[name=contextual]")).to_be_checked()
    assert "--contextual" in page.locator(".cli code").first.inner_text()
    after = page.locator(".decomposition .equation").first.inner_text()
    assert after and after != before, (before, after)
    page.uncheck(".options input[name=contextual]")
    web.settle()
    assert "contextual" not in web.query()
    assert page.locator(".decomposition .equation").first.inner_text() == before
