"""The page under load, in real headless Chromium: 16 pages opened at once each show their answer, with
the server's default admission (no 503) and with a server that queues nothing (many 503s, which the
page waits out, saying so, and retries)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from playwright import sync_api

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
assert CHROMIUM is not None, "no chromium on PATH; install it with scripts/install.sh (Debian package chromium)"

TIMEOUT_MS = 60_000
PAGES = 16
WORDS = ["cold", "warm", "bank", "river", "money", "day", "king", "water"]
# set before the page's own scripts run: remembers whether the "server busy" note ever appeared
SEE_BUSY = """
window.__busyNotes = [];
new MutationObserver(() => {
  const note = document.querySelector('.busy-note');
  if (note && !window.__busyNotes.includes(note.textContent)) window.__busyNotes.push(note.textContent);
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, timeout=TIMEOUT_MS)
        yield b
        b.close()


def open_all(browser: Any, url: str) -> tuple[list[Any], list[int], list[str]]:
    """Open PAGES similar views at once (each page's answer computed while the others load);
    return the pages, every /api/similar status they got, and their page errors."""
    statuses: list[int] = []
    errors: list[str] = []
    pages = []
    for _ in range(PAGES):
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(SEE_BUSY)
        page = context.new_page()
        page.on("response", lambda r: statuses.append(r.status) if "/api/similar" in r.url else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/api/stores")  # same origin, nothing computed
        pages.append(page)
    # every page opens its view at the same moment (navigations from Python would come one by one)
    start = pages[-1].evaluate("Date.now()") + 1000
    for i, page in enumerate(pages):
        target = f"{url}/similar?word={WORDS[i % len(WORDS)]}&k=5"
        page.evaluate("([t, u]) => setTimeout(() => location.assign(u), t - Date.now())", [start, target])
    for page in pages:
        page.wait_for_url("**/similar?*")
    for page in pages:
        sync_api.expect(page.locator(".group table.hits tbody tr").first).to_be_visible(timeout=TIMEOUT_MS)
        sync_api.expect(page.locator(".error")).to_have_count(0)
        sync_api.expect(page.locator(".loading")).to_have_count(0)
    return pages, statuses, errors


def close_all(pages: list[Any]) -> None:
    for page in pages:
        page.context.close()


def test_sixteen_pages_at_once_all_show_their_answer(
    browser: Any, start_server: Callable[..., AbstractContextManager[str]]
) -> None:
    with start_server() as url:
        pages, statuses, errors = open_all(browser, url)
        try:
            assert errors == []
            assert statuses.count(200) >= PAGES and 503 not in statuses, statuses
        finally:
            close_all(pages)


def test_pages_wait_out_503s_and_say_so(browser: Any, start_server: Callable[..., AbstractContextManager[str]]) -> None:
    """A server that queues nothing (one worker, a bound of 0 s) refuses most of 16 simultaneous
    requests; every page retries after Retry-After, shows a "server busy" note meanwhile, and ends
    with its answer."""
    with start_server(workers=1, max_wait=0.0) as url:
        pages, statuses, errors = open_all(browser, url)
        try:
            assert errors == []
            assert 503 in statuses, statuses  # the retry path really ran
            assert statuses.count(200) >= PAGES, statuses
            notes = [n for page in pages for n in page.evaluate("window.__busyNotes")]
            assert notes and all(n.startswith("server busy: ") for n in notes), notes
            assert any("similar retries in 1 s" in n for n in notes), notes
            for page in pages:  # the note is gone once nothing waits
                sync_api.expect(page.locator(".busy-note")).to_have_count(0)
        finally:
            close_all(pages)
