"""ctxvec.figures takes results: every drawable result becomes a matplotlib Figure and a real image file
of the expected size; the analysis packages compute without loading matplotlib."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pyarrow as pa
import pytest
from matplotlib.figure import Figure
from PIL import Image, ImageChops

from ctxvec.errors import CtxvecError
from ctxvec.figures import (
    DRAWN,
    default_size,
    figure,
    plot_shift,
    save,
    write_dims_figures,
    write_layer_plot,
    write_projection,
)
from ctxvec.shift import slice_sides, word_shift
from ctxvec.space import Sampling, dim_stats, dims_report, heatmap, layer_isotropy
from ctxvec.structure import project_words, word_senses

DIM = 16
WORDS = ["bank", "river", "money", "tree"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """120 sentences of four words, 1800-1999 (a `year` column), bank's vectors drifting after 1900."""
    from ctxvec.store import write_store

    rng = np.random.default_rng(0)
    base = {w: rng.normal(size=DIM) for w in WORDS}
    sentences, tokens, sids, vecs, years = [], [], [], [], []
    for s in range(120):
        year = 1800 + (s * 200) // 120
        words = ["bank", "tree", "river" if year < 1900 else "money"]
        sentences.append(" ".join(words))
        years.append(year)
        for w in words:
            v = base[w] + rng.normal(size=DIM) * 0.5 + (np.eye(DIM)[1] * 3 if w == "bank" and year >= 1900 else 0)
            tokens.append(w)
            sids.append(s)
            vecs.append(v)
    meta = pa.table({"year": pa.array(years, pa.int64())})
    path = tmp_path_factory.mktemp("figures") / "s.store"
    return write_store(path, np.asarray(vecs, np.float32), tokens, sids, sentences, meta=meta, dtype="float32")


def results(store, tiny_model):
    a, b = slice_sides(store, "year < 1900", "year >= 1900")
    proj = project_words(store, ["bank", "tree"])
    return {
        "Projection": proj,
        "DimStats": dim_stats(store),
        "Heatmap": heatmap(store, ["bank", "tree", "river"]),
        "DimsReport": dims_report(store, words=["bank", "money"]),
        "LayerIsotropy": layer_isotropy(["a bank by the river", "the bank lends money"] * 3, str(tiny_model),
                                        sample_sentences=6, sampling=Sampling(min_count=2), device="cpu"),
        "WordShift": word_shift(a, b, "bank", permutations=20, bootstrap=20, wordnet=False),
    }  # fmt: skip


@pytest.fixture(scope="module")
def drawable(store, tiny_model):
    return results(store, tiny_model)


@pytest.mark.parametrize("kind", [k for k in DRAWN if k != "SavedPlot"])
def test_every_drawn_result_is_a_figure_and_a_real_png_of_its_size(drawable, kind, tmp_path):
    result = drawable[kind]
    fig = figure(result, title=f"a {kind}")
    assert isinstance(fig, Figure) and fig.axes
    png = save(result, tmp_path / f"{kind}.png")
    with Image.open(png) as im:
        im.verify()  # a whole PNG, not a truncated one
    with Image.open(png) as im:
        assert im.format == "PNG" and im.size == default_size(result)
        assert len(set(im.convert("L").getdata())) > 10  # something is drawn on the white
    small = save(result, tmp_path / f"{kind}-small.png", width=640, height=360)
    with Image.open(small) as im:
        assert im.size == (640, 360)
    svg = save(result, tmp_path / f"{kind}.svg", width=500, height=300)
    root = ET.parse(svg).getroot()
    points = "300pt" if kind == "LayerIsotropy" else "360pt"  # 500 px at 120 dpi (as plot_layers) or 100 dpi
    assert root.tag.endswith("svg") and root.get("width") == points


def same_pixels(a, b) -> bool:
    with Image.open(a) as x, Image.open(b) as y:
        return x.size == y.size and ImageChops.difference(x.convert("RGB"), y.convert("RGB")).getbbox() is None


def test_save_draws_what_the_cli_writes(drawable, tmp_path):
    """`save(result)` and the CLI's writers give the same pixels."""
    layers = drawable["LayerIsotropy"]
    assert same_pixels(save(layers, tmp_path / "a.png"), write_layer_plot(layers, tmp_path / "b.png").plot)
    shift = drawable["WordShift"]
    assert same_pixels(save(shift, tmp_path / "c.png"), plot_shift(shift, tmp_path / "d.png"))
    report = write_dims_figures(drawable["DimsReport"], tmp_path / "e.png", tmp_path / "f.png")
    assert same_pixels(save(drawable["DimsReport"], tmp_path / "g.png"), report.figures[0])
    assert same_pixels(save(drawable["DimStats"], tmp_path / "h.png"), report.figures[1])
    proj = drawable["Projection"]
    assert same_pixels(save(proj, tmp_path / "i.png"), write_projection(proj, tmp_path / "j.png").path)


def test_sizes_are_the_ones_the_cli_writes(drawable):
    assert default_size(drawable["LayerIsotropy"]) == (960, 540)
    assert default_size(drawable["WordShift"]) == (1400, 600)
    assert default_size(drawable["DimStats"]) == (1200, 650)
    assert default_size(drawable["Heatmap"]) == (1200, 300)  # three rows: the floor
    assert default_size(drawable["DimsReport"]) == default_size(drawable["DimsReport"].heatmap)


def test_a_saved_plot_is_drawn_as_its_projection(drawable, tmp_path):
    saved = write_projection(drawable["Projection"], tmp_path / "p.html")
    assert saved.path.read_text().startswith("<!DOCTYPE html>")
    assert save(saved, tmp_path / "p.png", width=300, height=200).is_file()
    with Image.open(tmp_path / "p.png") as im:
        assert im.size == (300, 200)


def test_a_result_with_no_figure_is_refused(store, tmp_path):
    senses = word_senses(store, "bank", wordnet=False)
    with pytest.raises(CtxvecError, match="no figure of a Senses"):
        figure(senses)
    with pytest.raises(CtxvecError, match="no figure of a Senses"):
        save(senses, tmp_path / "s.png")
    assert not (tmp_path / "s.png").exists()
    with pytest.raises(CtxvecError, match="use a .png, .svg or .pdf"):
        save(dim_stats(store), tmp_path / "s.gif")


def test_analysis_computes_without_matplotlib(store):
    """The analysis packages return results only: computing them never loads matplotlib."""
    code = (
        "import sys\n"
        "from ctxvec.store import Store\n"
        "from ctxvec.space import dims_report\n"
        "from ctxvec.structure import project_words, word_senses, senses_projection\n"
        f"s = Store.open({str(store.path)!r})\n"
        "dims_report(s, words=['bank', 'tree'])\n"
        "senses_projection(s, word_senses(s, 'bank', wordnet=False))\n"
        "project_words(s, ['bank'], level='types')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
