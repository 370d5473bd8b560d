"""k-means clusters of word types and of occurrences (streaming assignment)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.sampling import unit_rows
from ctxvec.structure import cluster, cluster_occurrences, cluster_types


@pytest.fixture
def topic_store(make_store):
    """30 words in 3 planted topics (10 words each); each occurrence = topic centre + word offset + noise."""
    rng = np.random.default_rng(1)
    dim, n_topics = 24, 3
    centres = 5 * rng.normal(size=(n_topics, dim)) + 3 * np.eye(dim)[0] * 4  # a shared offset
    words = [f"t{t}w{i}" for t in range(n_topics) for i in range(10)]
    topic = {w: int(w[1]) for w in words}
    offset = {w: 0.6 * rng.normal(size=dim) for w in words}
    sentences, tokens, sids, vecs = [], [], [], []
    for s in range(120):
        picked = list(rng.choice(words, size=6))
        sentences.append(" ".join(picked))
        for w in picked:
            tokens.append(w)
            sids.append(s)
            vecs.append(centres[topic[w]] + offset[w] + rng.normal(scale=0.7, size=dim))
    store = make_store(np.array(vecs, dtype=np.float32), tokens, sids, sentences, dtype="float32")
    row_truth = np.array([topic[t] for t in tokens])
    return store, topic, row_truth


def test_types_recover_planted_topics(topic_store):
    store, topic, _ = topic_store
    res = cluster_types(store, 3, min_count=1, n_members=4)
    truth = [topic[str(w)] for w in res.words]
    assert res.level == "types" and res.k == 3 and len(res.labels) == 30
    assert adjusted_rand_score(truth, res.labels) >= 0.9
    assert sum(c.size for c in res.clusters) == 30
    for c in res.clusters:
        assert len(c.members) == 4
        assert len({topic[m] for m in c.members}) == 1  # central members all from one topic
        assert np.all(np.diff(c.scores) <= 1e-6)  # most central first
        assert np.all(res.labels[c.ids] == c.label)


def test_occurrences_streaming_matches_direct_assignment(topic_store):
    store, _, row_truth = topic_store
    res = cluster_occurrences(store, 3, n_members=5, fit_rows=300, block_rows=97, seed=2)
    assert res.labels.shape == (store.n_rows,)
    assert adjusted_rand_score(row_truth, res.labels) >= 0.9
    # the streamed assignment equals assigning all rows at once
    x = unit_rows(store.get_vectors(slice(0, store.n_rows)) - res.center)
    sims = x @ res.centroids.T.astype(np.float64)
    np.testing.assert_array_equal(res.labels, sims.argmax(axis=1))
    sizes = np.bincount(res.labels, minlength=3)
    assert [c.size for c in res.clusters] == sorted(sizes, reverse=True)
    for c in res.clusters:
        own = np.flatnonzero(res.labels == c.label)
        best = own[np.argsort(-sims[own, c.label], kind="stable")[:5]]
        np.testing.assert_allclose(np.sort(sims[c.ids, c.label]), np.sort(sims[best, c.label]), atol=1e-5)
        assert c.members == [str(store.tokens[r]) for r in c.ids]


def test_bad_arguments(topic_store):
    store, _, _ = topic_store
    with pytest.raises(CtxvecError, match="--k 31"):
        cluster(store, 31, level="types", min_count=1)
    with pytest.raises(CtxvecError, match="unknown level"):
        cluster(store, 3, level="sentences")
    with pytest.raises(CtxvecError, match="min-count"):
        cluster(store, 3, min_count=1000)


def test_cli_cluster(topic_store, capsys):
    store, topic, _ = topic_store
    assert main(["cluster", str(store.path), "--k", "3", "--min-count", "1", "--json", "--members", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "types" and out["k"] == 3
    for c in out["clusters"]:
        assert len({topic[m["word"]] for m in c["members"]}) == 1
    assert main(["cluster", str(store.path), "--k", "3", "--level", "occurrences"]) == 0
    text = capsys.readouterr().out
    assert f"3 clusters of {store.n_rows:,} occurrences" in text
    assert main(["cluster", str(store.path), "--k", "0"]) == 2
    assert "ctxvec: error: --k 0" in capsys.readouterr().err
