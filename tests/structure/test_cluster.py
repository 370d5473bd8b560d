"""k-means clusters of word types and of occurrences (streaming assignment)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.results import Result
from ctxvec.sampling import unit_rows
from ctxvec.structure import Clusters, cluster, cluster_occurrences, cluster_types


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
    with pytest.raises(ParameterError, match="^k 31 is out of range") as e:
        cluster(store, 31, level="types", min_count=1)
    assert e.value.name == "k"
    with pytest.raises(ParameterError, match="unknown level 'sentences'") as e:
        cluster(store, 3, level="sentences")
    assert e.value.name == "level"
    with pytest.raises(CtxvecError, match="lower min_count") as e:
        cluster(store, 3, min_count=1000)
    assert isinstance(e.value, ParameterError) and e.value.message_for("--min-count").endswith("lower --min-count")


def test_cluster_dispatches_to_the_level_functions(topic_store):
    store, _, _ = topic_store
    types = cluster(store, 3, level="types", min_count=1, n_members=4, seed=1)
    direct = cluster_types(store, 3, min_count=1, n_members=4, seed=1)
    assert types.to_dict() == direct.to_dict()
    occ = cluster(store, 3, level="occurrences", n_members=2, fit_rows=300, block_rows=97, seed=2)
    direct_occ = cluster_occurrences(store, 3, n_members=2, fit_rows=300, block_rows=97, seed=2)
    np.testing.assert_array_equal(occ.labels, direct_occ.labels)
    assert occ.to_dict() == direct_occ.to_dict()


def test_to_dict_is_plain_json(topic_store):
    store, _, _ = topic_store
    for res in (cluster_types(store, 3, min_count=1, n_members=2), cluster_occurrences(store, 3, fit_rows=300)):
        assert isinstance(res, Clusters) and isinstance(res, Result)
        data = res.to_dict()
        assert json.loads(json.dumps(data)) == data  # no numpy values left
        assert data["k"] == 3 and sum(c["size"] for c in data["clusters"]) == len(res.labels)
    member = data["clusters"][0]["members"][0]
    assert set(member) == {"row", "token", "score"} and member["token"] == str(store.tokens[member["row"]])


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
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["cluster", str(store.path), "--k", "0"])
    assert "ctxvec: error: cluster: argument --k: must be an integer from 1" in capsys.readouterr().err
    assert main(["cluster", str(store.path), "--k", "3", "--min-count", "1000"]) == 2
    assert capsys.readouterr().err.strip().endswith("lower --min-count")


def test_cli_json_is_the_result_to_dict(topic_store, capsys):
    store, _, _ = topic_store
    argv = ["cluster", str(store.path), "--k", "3", "--level", "occurrences", "--members", "2", "--fit-rows", "300"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == cluster_occurrences(store, 3, n_members=2, fit_rows=300).to_dict()


def test_cli_rejects_a_projection_level(topic_store, capsys):
    store, _, _ = topic_store
    with pytest.raises(SystemExit):
        main(["cluster", str(store.path), "--level", "sample"])
    assert "invalid choice: 'sample'" in capsys.readouterr().err
