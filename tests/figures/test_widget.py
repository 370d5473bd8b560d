"""MapWidget (anywidget): its Python state for real (traitlets, the front end's update path), its ES module
checked by node, and the module rendered in real headless Chromium with a selection sent back to Python."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import numpy as np
import pytest
import traitlets

from ctxvec.figures import MapWidget
from ctxvec.figures._widget import ESM
from ctxvec.structure import project_words

WORDS = ["cold", "warm", "bank"]


@pytest.fixture
def small_store(make_store):
    """3 words x 12 occurrences (plus an 'a' each), the words' vectors apart; sentences hold markup."""
    rng = np.random.default_rng(0)
    sentences, tokens, sids, vecs = [], [], [], []
    for s in range(36):
        w = WORDS[s % 3]
        sentences.append(f"a {w} <day> & more")
        tokens += ["a", w]
        sids += [s, s]
        vecs += [rng.normal(size=8), rng.normal(size=8) + 4 * np.eye(8)[s % 3]]
    return make_store(np.asarray(vecs, np.float32), tokens, sids, sentences, dtype="float32")


@pytest.fixture
def projection(small_store):
    """A real PCA projection of the 36 occurrences of the three words."""
    return project_words(small_store, WORDS)


def test_the_widget_holds_the_map_and_follows_the_selection(projection):
    w = MapWidget(projection, width=400, height=300)
    assert len(w.data["x"]) == len(projection) == 36 and w.data["rows"] == [int(r) for r in projection.rows]
    assert w.title == projection.title() and (w.width, w.height) == (400, 300)
    assert w.selected == [] and w.selected_rows == []
    w.set_state({"selected": [5, 2, 2]})  # what a message from the page does
    assert w.selected == [2, 5]
    assert w.selected_rows == [int(projection.rows[2]), int(projection.rows[5])]
    assert [p["token"] for p in w.selection()] == [str(projection.tokens[2]), str(projection.tokens[5])]
    w.selected = []  # Python clears it; the rows follow
    assert w.selected_rows == []
    with pytest.raises(traitlets.TraitError, match="out of range; the map has 36 points"):
        w.selected = [36]
    with pytest.raises(traitlets.TraitError):
        w.selected_rows = [1]  # read only: it follows `selected`
    state = w.get_state()
    assert "export default" in state["_esm"] and json.loads(json.dumps(state["data"])) == w.data
    assert "selected_rows" not in state  # Python-side only


def test_the_widget_stays_out_of_the_cli_load_path():
    code = "import sys, ctxvec.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('anywidget', 'ipywidgets')))"
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_es_module_is_valid_and_exports_render(tmp_path):
    node = shutil.which("node")
    assert node, "node is needed to check the widget's ES module (Debian package: nodejs)"
    copy = tmp_path / "map_widget.mjs"
    copy.write_text(ESM.read_text())
    subprocess.run([node, "--check", str(copy)], check=True)
    probe = f"import('{copy.as_uri()}').then(m => console.log(typeof m.default.render))"
    out = subprocess.run([node, "-e", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "function"


HARNESS = """
async (args) => {
  const state = {...args.state};
  const listeners = {};
  window.saved = [];
  const model = {
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; (listeners['change:' + k] || []).forEach((f) => f()); },
    on: (e, f) => { (listeners[e] = listeners[e] || []).push(f); },
    off: (e, f) => { listeners[e] = (listeners[e] || []).filter((g) => g !== f); },
    save_changes: () => { window.saved.push([...state.selected]); },
  };
  window.model = model;
  const mod = await import('data:text/javascript;base64,' + args.code);
  mod.default.render({model, el: document.getElementById('root')});
}
"""


def test_the_map_renders_in_chromium_and_sends_the_selection_back(projection):
    from playwright import sync_api

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is needed for this test (Debian package: chromium)"
    w = MapWidget(projection, width=400, height=300)
    state = {k: w.get_state()[k] for k in ("data", "title", "width", "height", "selected")}
    code = base64.b64encode(ESM.read_bytes()).decode()
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 600})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_content("<div id='root'></div>")
            page.evaluate(HARNESS, {"state": state, "code": code})
            canvas = page.locator(".ctxvec-map canvas")
            box = canvas.bounding_box()
            assert box is not None and (round(box["width"]), round(box["height"])) == (402, 302)  # + its border
            status = page.locator(".ctxvec-map-status")
            assert status.text_content() == "0 of 36 points selected; drag a box to select"
            # drag a box over the whole map: every point is selected and saved to the model
            page.mouse.move(box["x"] + 2, box["y"] + 2)
            page.mouse.down()
            page.mouse.move(box["x"] + 200, box["y"] + 150, steps=4)
            page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] - 2, steps=4)
            page.mouse.up()
            saved = page.evaluate("() => window.saved")
            assert saved[-1] == list(range(36))
            assert status.text_content().startswith("36 of 36 points selected")
            w.set_state({"selected": saved[-1]})  # the page's message, applied to the Python widget
            assert w.selected_rows == [int(r) for r in projection.rows]
            # hovering a point shows its token marked in its sentence, as text (the sentence holds markup)
            d, pad = state["data"], 16
            x0, x1, y0, y1 = min(d["x"]), max(d["x"]), min(d["y"]), max(d["y"])
            px = pad + (d["x"][7] - x0) / (x1 - x0) * (400 - 2 * pad)
            py = 300 - pad - (d["y"][7] - y0) / (y1 - y0) * (300 - 2 * pad)
            page.mouse.move(box["x"] + 1 + px, box["y"] + 1 + py)
            tip = page.locator(".ctxvec-map > div").nth(1)
            assert tip.is_visible()
            sentence = d["sentences"][d["s"][7]]
            assert tip.locator("b").text_content() == d["t"][7] and "<day>" in sentence
            assert tip.text_content().endswith(sentence) and tip.locator("mark").text_content() == d["t"][7]
            assert page.locator(".ctxvec-map img, .ctxvec-map day").count() == 0  # markup shown, never parsed
            canvas.focus()
            page.keyboard.press("Escape")  # clears the selection
            assert page.evaluate("() => window.saved")[-1] == []
            # Python sets the selection: the page redraws and says so
            page.evaluate("() => window.model.set('selected', [0, 1])")
            assert status.text_content().startswith("2 of 36 points selected")
        finally:
            browser.close()
    assert not errors, errors


def test_the_widget_shows_in_a_real_kernel(small_store):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from ctxvec.store import Store\nfrom ctxvec.structure import project_words\n"
            "from ctxvec.figures import MapWidget\n"
            f"w = MapWidget(project_words(Store.open({str(small_store.path)!r}), {WORDS!r}))\nw"
        ),
        nbformat.v4.new_code_cell(
            "w.selected = [3, 1]\nprint(w.selected, len(w.selected_rows), w.selection()[0]['token'])"
        ),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False).execute()
    (shown,) = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"]
    view = shown.data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] and "MapWidget" in shown.data["text/plain"]
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert printed.split()[:3] == ["[1,", "3]", "2"] and printed.split()[3] in WORDS
