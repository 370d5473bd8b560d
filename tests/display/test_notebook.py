"""Results in a real Jupyter kernel (nbclient + ipykernel, one kernel start): each result's cell output
is its HTML, with the match marked and corpus text escaped, and its plain text is readable."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from test_results_display import ALLOWED_TAGS, parse

# (cell source, the result class its output shows); {store} is the store's path
CELLS = [
    ('ctxvec.similar(store, "cold", k=3)', "Similar"),
    ('ctxvec.similar(store, "cold", in_sentence="<b>bold</b> & a cold day", k=3)', "Similar"),
    ('ctxvec.similar(store, "cold", k=3)[0]', "Similar"),
    ('ctxvec.decompose(store, "cold", limit=1)', "Decomposition"),
    ('ctxvec.word_senses(store, "cold")', "Senses"),
    ('ctxvec.analogy(store, ["king", "woman"], ["man"], k=3, level="occurrences")', "AnalogyResult"),
    ("ctxvec.cluster(store, 3, min_count=1)", "Clusters"),
    ("ctxvec.isotropy(store)", "StoreIsotropy"),
    ("store.summary()", "StoreSummary"),
]


def test_results_render_in_a_real_kernel(display_stores: dict[str, Path]) -> None:
    nb = nbformat.v4.new_notebook()
    setup = f"import ctxvec\nstore = ctxvec.Store.open({json.dumps(str(display_stores['a']))})"
    nb.cells = [nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(src) for src, _ in CELLS]
    nb.cells.append(nbformat.v4.new_code_cell('frame = ctxvec.similar(store, "cold", k=3).to_frame()\nframe.head(2)'))
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=False).execute()

    for cell, (source, kind) in zip(nb.cells[1:], CELLS, strict=False):
        html, text = shown(cell, "text/html"), shown(cell, "text/plain")
        assert html.startswith('<div class="ctxvec-result">'), source
        assert set(parse(html).tags) <= ALLOWED_TAGS, source
        assert text.startswith(kind if "[0]" not in source else "query 0"), source
        assert "array(" not in text, source
    similar, in_sentence, first_query, decomposition, senses = (shown(c, "text/html") for c in nb.cells[1:6])
    assert "<mark>cold</mark>" in similar and "<mark>cold</mark>" in first_query
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; a <mark>cold</mark> day" in in_sentence and "<b>" not in in_sentence
    assert "<mark>cold</mark>" in decomposition and "<mark>" in senses
    frame_html = shown(nb.cells[-1], "text/html")
    assert "query.token" in frame_html and "rank" in frame_html  # pandas shows the long format


def shown(cell: nbformat.NotebookNode, mime: str) -> str:
    """The cell's result as `mime` (its one execute_result)."""
    (out,) = [o for o in cell.outputs if o.output_type == "execute_result"]
    return str(out.data[mime])
