"""Figures: PNG/SVG of the requested size, self-contained interactive HTML (checked in headless Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.figures import SavedPlot, plot_projection, projection_html, save_figure, save_projection, write_projection
from ctxvec.structure import Projection, project_words


@pytest.fixture
def plot_store(make_store):
    """Words cold/warm/hot/bank in 40 sentences; one sentence holds markup and a URL to be escaped."""
    rng = np.random.default_rng(0)
    words = ["cold", "warm", "hot", "bank"]
    sentences, tokens, sids = [], [], []
    for s in range(40):
        w = words[s % 4]
        text = f"a {w} day" if s else f'a {w} </script><img src="http://example.com/x.png"> & more'
        sentences.append(text)
        tokens += ["a", w]
        sids += [s, s]
    vecs = rng.normal(size=(len(tokens), 8)) + 4 * np.eye(8)[[words.index(t) if t in words else 7 for t in tokens]]
    return make_store(vecs.astype(np.float32), tokens, sids, sentences, dtype="float32")


def page_data(page: str) -> dict:
    m = re.search(r'<script id="data" type="application/json">(.*?)</script>', page, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_png_has_the_requested_size(plot_store, tmp_path):
    out = tmp_path / "words.png"
    args = ["plot", str(plot_store.path), "cold", "warm", "hot", "-o", str(out), "--width", "640", "--height", "480"]
    assert main(args) == 0
    with Image.open(out) as im:
        im.verify()
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (640, 480)
        pixels = np.asarray(im.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10  # something was drawn


def test_svg_and_figure_api(plot_store, tmp_path):
    proj = project_words(plot_store, ["cold", "bank"])
    fig = plot_projection(proj, title="restyled")
    assert fig.axes[0].get_title() == "restyled"
    assert len(fig.axes[0].collections) == 2  # one scatter per group
    path = save_figure(fig, tmp_path / "x.svg", 500, 300)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.get("width") == "360pt" and root.get("height") == "216pt"  # 500x300 px at 100 dpi
    with pytest.raises(CtxvecError, match="use a .png, .svg or .pdf"):
        save_figure(fig, tmp_path / "x.jpg")
    with pytest.raises(CtxvecError, match=r"\.html file name"):
        save_projection(proj, tmp_path / "x.txt")


def test_html_holds_the_points_and_no_external_url(plot_store, tmp_path):
    out = tmp_path / "words.html"
    assert main(["plot", str(plot_store.path), "cold", "warm", "hot", "bank", "-o", str(out), "--color", "sense"]) == 0
    page = out.read_text(encoding="utf-8")
    data = page_data(page)
    proj = project_words(plot_store, ["cold", "warm", "hot", "bank"], color="sense")
    assert len(data["x"]) == len(data["y"]) == len(data["t"]) == len(proj) == 40
    np.testing.assert_allclose(data["x"], proj.coords[:, 0], atol=1e-4)
    assert sorted(data["t"]) == sorted(proj.tokens)
    assert data["names"] == proj.group_names and sum(data["counts"]) == 40
    # the sentence with markup is kept as data, escaped so it cannot close the script
    assert any("</script>" in s for s in data["sentences"])
    assert page.count("</script>") == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_html_title_and_sampling_note(plot_store):
    proj = project_words(plot_store, ["cold", "warm"], max_points=12)
    page = projection_html(proj, title="<b>cold & warm</b>")
    assert "<title>&lt;b&gt;cold &amp; warm&lt;/b&gt;</title>" in page
    assert "sampled 12 of 20 occurrences" in page


def fake_projection(n: int) -> Projection:
    rng = np.random.default_rng(0)
    return Projection(
        coords=rng.normal(size=(n, 2)).astype(np.float32),
        groups=np.array(["cold" if i % 3 else "other" for i in range(n)], dtype=object),
        tokens=np.array([f"t{i}" for i in range(n)], dtype=object),
        rows=np.arange(n),
        sentences=[f"sentence {i} with t{i}" for i in range(n)],
        spans=np.array([[13 + len(str(i)), 15 + 2 * len(str(i))] for i in range(n)], dtype=np.int32),
        method="pca",
        level="sample",
        n_total=10 * n,
    )


def test_html_runs_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    assert chromium, "headless Chromium is needed for this test (Debian package: chromium)"
    page = tmp_path / "p.html"
    save_projection(fake_projection(300), page)
    with tempfile.TemporaryDirectory() as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}"]  # fmt: skip
        dom = subprocess.run(
            [chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=60
        ).stdout
    assert 'data-drawn="300"' in dom  # the script parsed the data and drew every point
    assert dom.count("<span") >= 2 and "cold (200)" in dom and "other (100)" in dom  # legend built


def test_cli_sample_level_says_it_sampled(plot_store, tmp_path, capsys):
    out = tmp_path / "sample.svg"
    assert main(["plot", str(plot_store.path), "hot", "--level", "sample", "--max-points", "30", "-o", str(out)]) == 0
    assert "(sampled 30 of 80 occurrences)" in capsys.readouterr().out
    assert "sampled 30 of 80 occurrences" in out.read_text()  # in the figure's title
    assert main(["plot", str(plot_store.path), "hot", "-o", str(tmp_path / "x.gif")]) == 2
    assert "use a .png, .svg, .pdf or .html file name" in capsys.readouterr().err


def test_cli_json_lists_every_point(plot_store, tmp_path, capsys):
    out = tmp_path / "p.png"
    assert main(["plot", str(plot_store.path), "cold", "warm", "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = len(plot_store.occurrences("cold")) + len(plot_store.occurrences("warm"))
    assert out.is_file() and data["output"] == str(out) and len(data["points"]) == expected == data["n_total"]
    assert {p["group"] for p in data["points"]} == {"cold", "warm"}
    assert all(plot_store.tokens[p["row"]].lower() == p["group"] for p in data["points"])


def test_cli_json_is_the_result_to_dict(plot_store, tmp_path, capsys):
    out = tmp_path / "p.html"
    argv = ["plot", str(plot_store.path), "cold", "bank", "--level", "sample", "--max-points", "30", "--seed", "2"]
    assert main([*argv, "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    proj = project_words(plot_store, ["cold", "bank"], level="sample", max_points=30, seed=2)
    again = write_projection(proj, tmp_path / "q.html")
    assert isinstance(again, SavedPlot) and again.path == tmp_path / "q.html" and again.path.is_file()
    assert data == {**again.to_dict(), "output": str(out)}
    assert page_data(out.read_text()) == page_data(again.path.read_text())


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_failed_figure_write_leaves_the_old_file(plot_store, tmp_path, monkeypatch, suffix):
    from matplotlib.figure import Figure

    (tmp_path / "figs").mkdir()
    out = tmp_path / "figs" / f"p{suffix}"
    out.write_text("old")

    def broken(self, fname, **kwargs):
        with open(fname, "w") as f:
            f.write("half a fig")
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(KeyboardInterrupt):
        write_projection(project_words(plot_store, ["cold"]), out)
    assert out.read_text() == "old"
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind
    monkeypatch.undo()
    write_projection(project_words(plot_store, ["cold"]), out)
    assert out.read_bytes() != b"old" and [p.name for p in out.parent.iterdir()] == [out.name]


def test_html_is_written_whole(plot_store, tmp_path):
    out = tmp_path / "sub" / "p.html"
    save_projection(project_words(plot_store, ["cold"]), out)
    first = out.read_text()
    save_projection(project_words(plot_store, ["cold", "warm"]), out)
    assert out.read_text() != first and len(page_data(out.read_text())["x"]) == 20
    assert [p.name for p in out.parent.iterdir()] == ["p.html"]


def _text_boxes(fig, labels):
    """Window extents (pixels) of the text of each annotation, `fig` drawn at its current size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = []
    for label in labels:
        label.update_positions(renderer)
        boxes.append(Text.get_window_extent(label, renderer))
    return boxes


@pytest.mark.parametrize("n", [80])
def test_word_labels_never_overlap_on_a_crowded_plot(tmp_path, n):
    from itertools import combinations

    proj = fake_projection(n)
    proj.level = "types"
    proj.coords[: n // 2] *= 0.05  # half the points crowd into one spot
    fig = plot_projection(proj, annotate=True)
    save_figure(fig, tmp_path / "crowded.png", width=1200, height=800)
    layer = next(a for a in fig.axes[0].artists if hasattr(a, "labels"))
    boxes = _text_boxes(fig, layer.labels)
    assert len(boxes) == n
    assert not [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]
    frame = fig.axes[0].get_window_extent()
    assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 for b in boxes)  # inside the axes
    crowded = layer.labels[: n // 2]
    assert any(lab.arrow_patch.get_visible() for lab in crowded)  # moved labels point back at their dots


def test_group_labels_never_overlap():
    """Group names at coinciding medians (june and march in one spot) are pushed apart."""
    from itertools import combinations

    from ctxvec.figures._labels import separate_boxes

    proj = fake_projection(60)
    proj.groups = np.array(["june", "march", "may"] * 20, dtype=object)
    proj.coords[:] = np.random.default_rng(1).normal(size=(60, 2)) * 0.01
    fig = plot_projection(proj)
    layer = next(a for a in fig.axes[0].artists if hasattr(a, "labels"))
    boxes = _text_boxes(fig, layer.labels)
    assert sorted(lab.get_text() for lab in layer.labels) == ["june", "march", "may"]
    assert not [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]
    same = np.array([[0, 0, 10, 5]] * 4, dtype=float)  # identical boxes separate deterministically
    moved = separate_boxes(same, (0, 0, 100, 100))
    assert np.array_equal(moved, separate_boxes(same, (0, 0, 100, 100)))
    assert len({tuple(b) for b in moved.round(6)}) == 4


def test_html_fits_a_1200x800_window_and_search_highlights(tmp_path):
    """In real headless Chromium: no scroll bars at 1200x800, the canvas fills the space, the search
    box highlights the points whose token starts with the text, and the page refits on resize."""
    from playwright import sync_api

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is needed for this test (Debian package: chromium)"
    page_file = tmp_path / "p.html"
    proj = fake_projection(300)
    save_projection(proj, page_file)
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_selector("canvas[data-drawn='300']", timeout=30_000)
            size = page.evaluate(
                "() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,"
                " cw: document.getElementById('plot').clientWidth, ch: document.getElementById('plot').clientHeight})"
            )
            assert size["sw"] <= 1200 and size["sh"] <= 800, size  # nothing overflows the window
            assert size["cw"] >= 800 and size["ch"] >= 550, size  # the canvas takes the room there is
            page.fill("#search", "t1")
            expected = sum(str(t).startswith("t1") for t in proj.tokens)  # t1, t10..t19, t100..t199
            assert page.get_attribute("#plot", "data-matches") == str(expected)
            assert f"{expected} of 300 points match" in page.inner_text("#found")
            page.fill("#search", "")
            assert page.get_attribute("#plot", "data-matches") == ""
            page.set_viewport_size({"width": 1600, "height": 1000})
            page.wait_for_function("document.getElementById('plot').clientWidth > 1200", timeout=30_000)
            assert page.evaluate("document.documentElement.scrollHeight") <= 1000
        finally:
            browser.close()
    assert errors == []


def test_html_group_labels_do_not_overlap(tmp_path):
    """Group names whose medians coincide are moved to free lines on the canvas (checked in Chromium)."""
    from playwright import sync_api

    proj = fake_projection(90)
    proj.groups = np.array(["june", "march", "may"] * 30, dtype=object)
    proj.coords[:] = np.random.default_rng(1).normal(size=(90, 2)) * 0.01
    page_file = tmp_path / "p.html"
    save_projection(proj, page_file)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, timeout=30_000)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.goto(page_file.as_uri())
            page.wait_for_selector("canvas[data-labels]", timeout=30_000)
            boxes = json.loads(page.get_attribute("#plot", "data-labels") or "[]")
        finally:
            browser.close()
    assert len(boxes) == 3
    for i, (x1, y1, w1) in enumerate(boxes):
        for x2, y2, w2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= (w1 + w2) / 2 - 1 or abs(y1 - y2) >= 15
