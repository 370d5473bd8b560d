"""Dimension statistics: exact streamed moments, contributions to the mean cosine, rogue dimensions, heat maps."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.figures import write_dims_figures
from ctxvec.space import DimsReport, dim_stats, dim_stats_of_array, dim_stats_of_blocks, dims_report, heatmap


def brute_mean_cosine(x: np.ndarray) -> float:
    u = x / np.linalg.norm(x, axis=1, keepdims=True)
    cos = u @ u.T
    n = len(x)
    return float((cos.sum() - np.trace(cos)) / (n * (n - 1)))


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 6)), elements=st.floats(-100, 100, width=32)),
    st.integers(1, 50),
)
def test_streamed_stats_equal_numpy(x, block):
    x = x[np.linalg.norm(x, axis=1) > 1e-3]
    if len(x) < 2:
        x = np.vstack([x, np.ones((2, x.shape[1]))])
    stats = dim_stats_of_blocks(x[i : i + block] for i in range(0, len(x), block))
    assert stats.n_rows == len(x)
    np.testing.assert_allclose(stats.mean, x.mean(axis=0), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(stats.var, x.var(axis=0, ddof=1), rtol=1e-7, atol=1e-7)
    assert stats.mean_cosine == pytest.approx(brute_mean_cosine(x), abs=1e-9)
    assert stats.contribution.sum() == pytest.approx(stats.mean_cosine, abs=1e-12)


def test_variance_stays_exact_with_large_means():
    x = np.random.default_rng(0).normal(size=(5000, 3)) + 1e6
    stats = dim_stats_of_blocks(x[i : i + 700] for i in range(0, 5000, 700))
    np.testing.assert_allclose(stats.var, x.var(axis=0, ddof=1), rtol=1e-6)


def test_planted_rogue_dimension_is_found():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 64))
    assert len(dim_stats_of_array(x).rogue) == 0  # none in isotropic noise
    x[:, 17] += 12.0  # the planted outlier
    stats = dim_stats_of_array(x)
    assert list(stats.rogue) == [17]
    assert stats.top(1)[0] == 17 and stats.share[17] > 0.9  # it dominates the mean cosine
    x2 = rng.normal(size=(3000, 64))
    x2[:, 5] *= 20.0  # a high-variance rogue dimension, mean 0: large norm share, no cosine share
    stats2 = dim_stats_of_array(x2)
    assert list(stats2.rogue) == [5]


def test_a_dimension_dominating_the_cosine_is_rogue_even_at_ordinary_magnitude():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4000, 64)) * np.geomspace(0.2, 5, 64)  # dimensions of very different scales
    x[:, 7] += 3.0  # a modest mean in a small dimension: its magnitude is not an outlier
    stats = dim_stats_of_array(x)
    assert stats.score[7] < 5 and stats.share[7] > 0.9
    assert list(stats.rogue) == [7]
    assert len(dim_stats_of_array(x, min_share=1.01).rogue) == 0


@pytest.fixture
def rogue_store(make_store):
    rng = np.random.default_rng(1)
    words = ["cold", "warm", "hot", "the"]
    tokens = [words[i % 4] for i in range(400)]
    sids = [i // 4 for i in range(400)]
    sentences = ["cold warm hot the"] * 100
    x = rng.normal(size=(400, 32)).astype(np.float32)
    x[:, 3] += 9.0
    return make_store(x, tokens, sids, sentences, dtype="float16"), x


def test_store_stats_stream_and_sample(rogue_store):
    store, x = rogue_store
    stats = dim_stats(store, block_rows=64)
    x16 = x.astype(np.float16).astype(np.float64)
    np.testing.assert_allclose(stats.mean, x16.mean(axis=0), atol=1e-9)
    assert list(stats.rogue) == [3]
    sampled = dim_stats(store, sample=100, seed=0)
    assert sampled.n_rows == 100 and list(sampled.rogue) == [3]
    with pytest.raises(ParameterError, match="sample=1 is too small") as e:
        dim_stats(store, sample=1)
    assert e.value.name == "sample"


def test_heatmap(rogue_store):
    store, _ = rogue_store
    heat = heatmap(store, ["cold", "HOT"])
    assert heat.labels == ["cold", "hot"] and heat.values.shape == (2, 32)
    np.testing.assert_allclose(heat.values[0], store.get_vectors(store.occurrences("cold")).mean(axis=0), atol=1e-5)
    occ = heatmap(store, ["warm"], level="occurrences", per_word=4)
    assert len(occ.labels) == 4 and occ.values.shape == (4, 32) and occ.labels[0].startswith("warm (row ")
    with pytest.raises(CtxvecError, match="unknown word 'colt'"):
        heatmap(store, ["colt"])


def test_cli_dims(rogue_store, tmp_path, capsys):
    store, _ = rogue_store
    out = tmp_path / "heat.png"
    assert (
        main(["dims", str(store.path), "--words", "cold", "warm", "-o", str(out), "--width", "800", "--height", "300"])
        == 0
    )
    text = capsys.readouterr().out
    assert "rogue dimensions: 3" in text
    with Image.open(out) as im:
        assert im.size == (800, 300)
    assert main(["dims", str(store.path), "--json", "--top", "3", "--stats-plot", str(tmp_path / "d.svg")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rogue"] == [3] and data["top"][0]["dim"] == 3 and data["top"][0]["rogue"]
    assert len(data["top"]) == 3 and (tmp_path / "d.svg").stat().st_size > 1000
    assert main(["dims", str(store.path), "-o", str(tmp_path / "x.gif")]) == 2
    assert "use a .png, .svg or .pdf" in capsys.readouterr().err


def test_dims_report_is_the_cli_json_and_writes_figures(rogue_store, tmp_path, capsys):
    store, _ = rogue_store
    rep = dims_report(store, top=3, words=["cold", "warm"])
    assert isinstance(rep, DimsReport) and rep.figures == []
    rep = write_dims_figures(rep, output=tmp_path / "h.png", stats_plot=tmp_path / "s.svg")
    assert rep.figures == [str(tmp_path / "h.png"), str(tmp_path / "s.svg")]
    assert Image.open(tmp_path / "h.png").size == (1200, 300)  # the height fitted to 2 rows: its floor
    d = rep.to_dict()
    assert d["rogue"] == [3] and len(d["top"]) == 3 and d["heatmap"]["labels"] == ["cold", "warm"]
    assert main(["dims", str(store.path), "--json", "--top", "3", "--words", "cold", "warm"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(rep.to_json())
    with pytest.raises(ParameterError, match="use a .png") as e:
        write_dims_figures(rep, stats_plot=tmp_path / "x.gif")
    assert e.value.name == "stats_plot" and not (tmp_path / "x.gif").exists()
    with pytest.raises(ParameterError) as e:
        heatmap(store, ["cold"], top_dims=0)
    assert e.value.name == "top_dims"


def test_heatmap_keeps_the_informative_dims_and_clusters_them(rogue_store):
    from ctxvec.space._dims import cluster_order

    store, _ = rogue_store
    heat = heatmap(store, ["cold", "warm", "hot"], top_dims=8, order="cluster")
    assert len(heat.dims) == 8 and heat.order == "cluster" and heat.n_dims == 32
    full = heatmap(store, ["cold", "warm", "hot"])
    spread = full.values.std(axis=0)
    kept = set(heat.dims.tolist())
    assert set(np.argsort(-spread)[:4].tolist()) - set(full.rogue.tolist()) <= kept  # the widest spreads stay
    np.testing.assert_allclose(heat.values, full.values[:, heat.dims], atol=1e-6)  # same columns, reordered
    # columns that move together end up side by side: two groups of 4 correlated columns, interleaved
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 12, 1))
    cols = np.concatenate([a + 0.05 * rng.normal(size=(12, 4)), b + 0.05 * rng.normal(size=(12, 4))], axis=1)
    order = cluster_order(cols[:, [0, 4, 1, 5, 2, 6, 3, 7]])
    groups = [int(i) % 2 for i in order]  # even positions came from a, odd from b
    assert groups in ([0, 0, 0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0, 0])
    with pytest.raises(ParameterError) as e:
        heatmap(store, ["cold"], order="random")
    assert e.value.name == "order"
