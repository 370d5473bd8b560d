"""2-D projections: deterministic with a seed, sampling of large selections, levels and colours."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.decomposition import PCA

from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.results import Result
from ctxvec.structure import ProjectionOptions, fair_shares, place_sentence, project, project_words


@pytest.fixture
def word_store(make_store):
    """'bank' (120 occurrences, two planted senses), 'cold' (60), 'warm' (30), 'hot' (10), filler 'the'."""
    rng = np.random.default_rng(0)
    dim = 16
    axis = 6 * np.eye(dim)
    centre = {"cold": axis[0], "warm": axis[1], "hot": axis[2], "the": axis[3]}
    counts = {"bank": 120, "cold": 60, "warm": 30, "hot": 10}
    sentences, tokens, sids, vecs = [], [], [], []
    s = 0
    for word, n in counts.items():
        for i in range(n):
            sentences.append(f"the {word}")
            for w in ("the", word):
                tokens.append(w)
                sids.append(s)
                base = (axis[4] if i % 2 else axis[5]) if w == "bank" else centre[w]
                vecs.append(base + 10 * np.eye(dim)[-1] + rng.normal(size=dim))
            s += 1
    return make_store(np.array(vecs, dtype=np.float32), tokens, sids, sentences, dtype="float32")


@pytest.mark.parametrize("method", ["pca", "tsne"])
def test_projection_is_deterministic_with_a_seed(method):
    x = np.random.default_rng(0).normal(size=(80, 12))
    a = project(x, method, seed=3)
    b = project(x, method, seed=3)
    assert a.shape == (80, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


def test_pca_matches_the_reference_up_to_sign():
    x = np.random.default_rng(1).normal(size=(50, 8)) * np.arange(1, 9)
    ours = project(x, "pca")
    ref = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    expected = (x - x.mean(axis=0)) @ ref[2][:2].T
    np.testing.assert_allclose(np.abs(ours), np.abs(expected), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours, PCA(2).fit_transform(x.astype(np.float32)), rtol=1e-4, atol=1e-4)


@pytest.mark.slow  # numba compiles UMAP on first use: 8-14 s on 2 shared cores
def test_umap_is_deterministic_with_a_seed():
    x = np.random.default_rng(0).normal(size=(60, 8))
    t = time.perf_counter()
    a = project(x, "umap", seed=1, options=ProjectionOptions(n_epochs=50))
    b = project(x, "umap", seed=1, options=ProjectionOptions(n_epochs=50))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (60, 2) and np.isfinite(a).all()
    assert time.perf_counter() - t < 300


def test_unknown_method_and_too_few_points():
    with pytest.raises(ParameterError, match="unknown projection method 'mds'"):
        project(np.zeros((10, 3)), "mds")
    with pytest.raises(ParameterError, match="t-SNE needs at least 5 points") as e:
        project(np.ones((4, 3)), "tsne")
    assert e.value.message_for("--method").endswith("or --method pca")
    assert project(np.ones((1, 3))).shape == (1, 2)


def test_tsne_perplexity_option():
    x = np.random.default_rng(0).normal(size=(40, 6))
    default = project(x, "tsne", seed=0)
    np.testing.assert_array_equal(default, project(x, "tsne", seed=0, options=ProjectionOptions(perplexity=13.0)))
    assert not np.array_equal(default, project(x, "tsne", seed=0, options=ProjectionOptions(perplexity=5.0)))


def test_computing_a_projection_does_not_import_matplotlib():
    code = (
        "import sys, numpy as np; from ctxvec.structure import project, Projection; "
        "project(np.random.default_rng(0).normal(size=(20, 4)), 'pca'); "
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=8), st.integers(0, 2000))
def test_fair_shares(counts, total):
    shares = fair_shares(counts, total)
    assert all(0 <= s <= c for s, c in zip(shares, counts, strict=True))
    assert sum(shares) == min(total, sum(counts))
    # max-min fair: a group that lost points keeps at least as many as any other group, give or take one
    for s, c in zip(shares, counts, strict=True):
        if s < c:
            assert s >= max(shares) - 1


def test_occurrences_are_sampled_fairly_and_say_so(word_store):
    proj = project_words(word_store, ["bank", "cold", "warm", "hot"], max_points=100, seed=0)
    groups, counts = np.unique(proj.groups, return_counts=True)
    assert dict(zip(groups, counts, strict=True)) == {"bank": 30, "cold": 30, "warm": 30, "hot": 10}
    assert proj.sampled and proj.n_total == 220
    assert proj.note == "sampled 100 of 220 occurrences" and proj.note in proj.title()
    assert all(str(word_store.tokens[r]) == g for r, g in zip(proj.rows, proj.groups, strict=True))
    for r, s, (a, b) in zip(proj.rows, proj.sentences, proj.spans, strict=True):
        assert s == word_store.sentence(int(word_store.sentence_ids[r])) and s[a:b] == word_store.tokens[r]
    again = project_words(word_store, ["bank", "cold", "warm", "hot"], max_points=100, seed=0)
    np.testing.assert_array_equal(proj.rows, again.rows)
    np.testing.assert_array_equal(proj.coords, again.coords)
    full = project_words(word_store, ["hot", "warm"])
    assert not full.sampled and full.note == "" and len(full) == 40
    assert isinstance(full, Result)
    data = full.to_dict()
    assert data["n_total"] == 40 and not data["sampled"] and len(data["points"]) == 40
    assert data["groups"] == ["hot", "warm"] and {p["group"] for p in data["points"]} == {"hot", "warm"}


def test_colour_by_sense_splits_the_planted_word(word_store):
    proj = project_words(word_store, ["bank", "cold"], color="sense")
    assert set(proj.groups) == {"bank 1", "bank 2", "cold"}
    assert proj.group_names == ["bank 1", "bank 2", "cold"]


def test_types_and_sample_levels(word_store):
    types = project_words(word_store, ["cold"], level="types", neighbors=2, min_count=1)
    assert types.tokens[0] == "cold" and len(types) == 3 and np.all(types.rows == -1)
    assert set(types.groups) == {"cold"}
    every = project_words(word_store, level="types", min_count=1)
    assert len(every) == 5 and not every.sampled
    sample = project_words(word_store, ["hot"], level="sample", max_points=50, seed=1)
    assert len(sample) == 50 and sample.sampled and sample.n_total == word_store.n_rows
    assert (sample.groups == "hot").sum() == 10 and sample.group_names[-1] == "other"
    with pytest.raises(ParameterError, match="color sense needs occurrences"):
        project_words(word_store, ["cold"], level="types", color="sense")
    with pytest.raises(ParameterError, match="give at least one word"):
        project_words(word_store, [])
    with pytest.raises(ParameterError, match="max_points must be at least 1, got 0"):
        project_words(word_store, ["cold"], max_points=0)
    with pytest.raises(CtxvecError, match="unknown word 'colt'"):
        project_words(word_store, ["colt"])


NEW_SENTENCES = [
    "The cold river bank.",
    "A cold day, a warm night.",
    "Money in the bank is cold money.",
    "Warm water, cold ice and hot soup.",
    "The hot sun on a cold morning.",
    "A warm coat for the cold winter.",
]


@pytest.fixture(scope="module")
def embedded_store(tmp_path_factory, tiny_model):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    return embed(
        NEW_SENTENCES, tmp_path_factory.mktemp("p") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu"
    )


def test_a_new_sentence_is_placed_in_the_same_map(embedded_store):
    """The placed point is the fitted PCA's image of the sentence's select_queries vector, and the map
    itself is the one without the sentence."""
    from ctxvec.queries import select_queries
    from ctxvec.sampling import unit_rows

    store = embedded_store
    text = "I caught a cold in the warm rain."
    proj = project_words(store, ["cold", "warm", "hot"], in_sentence=text, word="cold")
    plain = project_words(store, ["cold", "warm", "hot"])
    np.testing.assert_array_equal(proj.coords, plain.coords)
    assert "queries" not in plain.to_dict() and plain.queries == []
    q = select_queries(store, "cold", in_sentence=text)
    pca = PCA(n_components=2, svd_solver="full").fit(unit_rows(store.get_vectors(proj.rows)).astype(np.float32))
    want = pca.transform(unit_rows(q.vectors).astype(np.float32))[0]
    (placed,) = proj.queries
    np.testing.assert_allclose([placed.x, placed.y], want, atol=1e-4)
    assert (placed.token.lower(), placed.sentence) == ("cold", text)
    assert text[placed.start : placed.end].lower() == "cold"
    data = proj.to_dict()
    assert data["queries"] == [placed.to_dict()] and set(data["queries"][0]) >= {"x", "y", "token", "sentence"}
    assert {k: v for k, v in data.items() if k != "queries"} == plain.to_dict()
    again = place_sentence(store, plain, "cold", text)  # the same, placed in an already fitted map
    assert again.queries == proj.queries and plain.queries == []


def test_a_new_sentence_in_umap_and_types_maps(embedded_store):
    text = "A cold wind."
    umap_proj = project_words(embedded_store, ["cold", "warm", "hot"], method="umap", in_sentence=text, word="cold")
    assert len(umap_proj.queries) == 1 and np.isfinite([umap_proj.queries[0].x, umap_proj.queries[0].y]).all()
    types = project_words(embedded_store, ["cold"], level="types", neighbors=3, in_sentence=text, word="cold")
    assert len(types.queries) == 1


def test_placing_a_sentence_needs_a_transform_and_the_word(embedded_store):
    store = embedded_store
    with pytest.raises(ParameterError, match="use pca or umap") as e:
        project_words(store, ["cold", "warm", "hot"], method="tsne", in_sentence="A cold day.", word="cold")
    assert e.value.name == "method"
    with pytest.raises(ParameterError) as e:
        project_words(store, ["cold"], word="cold")
    assert e.value.name == "in_sentence"
    with pytest.raises(ParameterError) as e:
        project_words(store, ["cold"], in_sentence="A cold day.")
    assert e.value.name == "word"
    with pytest.raises(CtxvecError, match="is not a"):
        project_words(store, ["cold"], in_sentence="A warm day.", word="cold")
    tsne = project_words(store, ["cold", "warm", "hot"], method="tsne")
    with pytest.raises(ParameterError, match="tsne cannot place"):
        place_sentence(store, tsne, "cold", "A cold day.")


def test_cli_plot_places_a_new_sentence(embedded_store, tmp_path, capsys):
    from ctxvec.cli import main

    out = tmp_path / "m.png"
    argv = ["plot", str(embedded_store.path), "cold", "warm", "-o", str(out), "--in", "A cold day.", "--word", "cold"]
    assert main(argv) == 0
    assert "new sentence: 'cold' at" in capsys.readouterr().out and out.stat().st_size > 0
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [q["sentence"] for q in data["queries"]] == ["A cold day."]
