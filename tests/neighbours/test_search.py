"""Exact cosine search: against a brute-force numpy / scikit-learn reference, exclusions, grouping, errors."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics.pairwise import cosine_similarity

from ctxvec.errors import CtxvecError
from ctxvec.neighbours import Similar, check_k, scan_kernel, search_vectors, similar
from ctxvec.queries import Queries
from ctxvec.store import Store, write_store


def synthetic(path: Path, n_sent: int, words_per: int, dim: int, vocab: int, seed: int, dtype: str) -> Store:
    """A store of word-correlated random vectors (each word type has its own direction)."""
    rng = np.random.default_rng(seed)
    names = [f"w{i}" for i in range(vocab)]
    centers = rng.normal(size=(vocab, dim))
    tokens, sids, sentences = [], [], []
    for s in range(n_sent):
        ws = rng.integers(0, vocab, words_per)
        sentences.append(" ".join(names[w] for w in ws))
        tokens += [names[w] for w in ws]
        sids += [s] * words_per
    ids = np.array([int(t[1:]) for t in tokens])
    x = centers[ids] + rng.normal(scale=0.8, size=(len(tokens), dim))
    return write_store(path, x.astype(dtype), tokens, sids, sentences, dtype=dtype)


def reference(store: Store, q: np.ndarray, banned: np.ndarray) -> np.ndarray:
    """Plain numpy float32 cosines of one query against every row (banned rows -inf)."""
    x = np.asarray(store.vectors, dtype=np.float32)
    s = (x @ q.astype(np.float32)) / (np.linalg.norm(x, axis=1) * np.linalg.norm(q))
    s[banned] = -np.inf
    return s


def assert_topk(store: Store, q: np.ndarray, rows: np.ndarray, scores: np.ndarray, banned: np.ndarray) -> None:
    """rows/scores are a correct top-k for q: real scores, sorted, unique, and no better row left out (ties aside)."""
    ref = reference(store, q, banned)
    k = len(rows)
    assert len(set(rows.tolist())) == k
    assert not np.isin(rows, np.flatnonzero(banned)).any()
    np.testing.assert_allclose(scores, ref[rows], atol=2e-6)
    np.testing.assert_allclose(scores, -np.sort(-ref)[:k], atol=2e-6)
    assert np.all(np.diff(scores) <= 1e-7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_sent=st.integers(1, 40),
    dim=st.integers(2, 24),
    k=st.integers(1, 30),
    nq=st.integers(1, 6),
    block=st.sampled_from([None, 7, 64]),
    dtype=st.sampled_from(["float16", "float32"]),
    seed=st.integers(0, 10**6),
)
def test_exact_search_matches_numpy(n_sent, dim, k, nq, block, dtype, seed):
    with tempfile.TemporaryDirectory() as tmp:
        store = synthetic(Path(tmp) / "s", n_sent, 6, dim, 8, seed, dtype)
        k = min(k, store.n_rows)
        rng = np.random.default_rng(seed)
        own = rng.integers(0, store.n_rows, nq)
        queries = store.get_vectors(own) + rng.normal(scale=0.1, size=(nq, dim)).astype(np.float32)
        m = search_vectors(store, queries, k, exclude_rows=own, block_rows=block)
        assert m.rows.shape == m.scores.shape == (nq, k)
        for i in range(nq):
            banned = np.zeros(store.n_rows, bool)
            banned[own[i]] = True
            valid = m.rows[i] >= 0
            assert valid.sum() == min(k, store.n_rows - 1)
            assert_topk(store, queries[i], m.rows[i][valid], m.scores[i][valid], banned)


def test_matches_sklearn_and_many_queries_in_one_pass(tmp_path):
    store = synthetic(tmp_path / "s", 300, 10, 48, 40, 1, "float16")
    assert scan_kernel(store) == "float16"
    rows = np.arange(0, store.n_rows, 37)
    q = store.get_vectors(rows)
    m = search_vectors(store, q, 15, block_rows=1000)
    ref = cosine_similarity(q, np.asarray(store.vectors, dtype=np.float32))
    for i in range(len(rows)):
        np.testing.assert_allclose(m.scores[i], -np.sort(-ref[i])[:15], atol=2e-6)
        np.testing.assert_allclose(m.scores[i], ref[i, m.rows[i]], atol=2e-6)
    # without exclusion a stored vector is its own best match
    assert np.array_equal(m.rows[:, 0], rows)


def test_ties_from_duplicate_vectors_are_handled(tmp_path):
    """Many identical vectors defeat the float16 margin check; the scan retries and stays exact."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=16)
    x = np.vstack([np.repeat(base[None], 300, 0), rng.normal(size=(300, 16))]).astype(np.float16)
    tokens = ["dup"] * 300 + ["other"] * 300
    sids = np.arange(600) // 10
    store = write_store(tmp_path / "s", x, tokens, sids, ["dup " * 10] * 30 + ["other " * 10] * 30)
    m = search_vectors(store, base[None].astype(np.float32), 20, exclude_rows=[5])
    assert np.all(m.rows[0] < 300) and 5 not in m.rows[0]
    np.testing.assert_allclose(m.scores[0], 1.0, atol=1e-3)
    m = search_vectors(store, base[None].astype(np.float32), 5, exclude_word_ids=[store.word_id("dup")])
    banned = np.zeros(600, bool)
    banned[:300] = True
    assert_topk(store, base.astype(np.float32), m.rows[0], m.scores[0], banned)


def test_transformed_store_uses_iter_blocks(tmp_path):
    from ctxvec.space import set_store_transform
    from ctxvec.transforms import Center

    store = synthetic(tmp_path / "s", 50, 8, 12, 10, 2, "float16")
    store = set_store_transform(store, Center().fit_source(store))
    assert scan_kernel(store) == "transform"
    q = store.get_vectors([3])[0]
    m = search_vectors(store, q, 10, exclude_rows=[3])
    x = store.get_vectors(np.arange(store.n_rows))
    ref = cosine_similarity(q[None], x)[0]
    ref[3] = -np.inf
    np.testing.assert_allclose(m.scores[0], -np.sort(-ref)[:10], atol=2e-6)
    np.testing.assert_allclose(m.scores[0], ref[m.rows[0]], atol=2e-6)


def grouped_reference(store: Store, q: np.ndarray, banned: np.ndarray, keys: np.ndarray, k: int):
    ref = reference(store, q, banned)
    order = np.lexsort((np.arange(len(ref)), -ref))
    order = order[~np.isneginf(ref[order])]
    _, first = np.unique(keys[order], return_index=True)
    best = order[np.sort(first)][:k]
    threshold = ref[best[-1]]
    counts = [int(np.sum((keys == keys[b]) & (ref >= threshold))) for b in best]
    return best, ref[best], np.array(counts)


@pytest.mark.parametrize("group", ["sentence", "word"])
def test_grouping_is_exact_and_full(tmp_path, group):
    # few word types, many occurrences: the plain top rows are all one word, so grouping must refill
    store = synthetic(tmp_path / "s", 200, 12, 16, 12, 4, "float16")
    keys = store.sentence_ids if group == "sentence" else store.word_ids
    own = np.array([10, 500, 1500])
    q = store.get_vectors(own)
    m = search_vectors(store, q, 8, exclude_rows=own, group=group)
    for i in range(3):
        banned = np.zeros(store.n_rows, bool)
        banned[own[i]] = True
        rows, scores, counts = grouped_reference(store, q[i], banned, keys, 8)
        assert len(set(keys[m.rows[i]].tolist())) == 8
        np.testing.assert_allclose(m.scores[i], scores, atol=2e-6)
        assert np.array_equal(keys[m.rows[i]], keys[rows])
        if group == "word":
            assert m.counts is not None
            assert np.array_equal(m.counts[i], counts)
            assert m.counts[i, 0] > 1  # the query's own word dominates its neighbourhood


def test_groups_fewer_than_k_are_padded(tmp_path):
    store = synthetic(tmp_path / "s", 30, 5, 8, 3, 5, "float32")
    m = search_vectors(store, store.get_vectors([0]), 10, exclude_rows=[0], group="word")
    assert np.count_nonzero(m.rows[0] >= 0) == 3
    assert np.all(m.rows[0, 3:] == -1) and np.all(np.isneginf(m.scores[0, 3:]))


# ---- similar(): the user-facing operation ---------------------------------------------------------
@pytest.fixture
def word_store(make_store):
    """Sentences about cold weather and catching a cold, with correlated 24-dim vectors."""
    rng = np.random.default_rng(7)
    sentences = [
        "the cold wind blew",
        "a cold winter night",
        "i caught a cold last week",
        "she has a cold",
        "the ice was cold",
        "warm sun and hot day",
        "the river bank was wet",
        "money in the bank",
    ] * 5
    topic = {w: rng.normal(size=24) for s in sentences for w in s.split()}
    tokens, sids, vecs = [], [], []
    for i, s in enumerate(sentences):
        ctx = rng.normal(size=24)
        for w in s.split():
            tokens.append(w)
            sids.append(i)
            vecs.append(topic[w] + 0.7 * ctx + 0.3 * rng.normal(size=24))
    return make_store(np.array(vecs, dtype=np.float16), tokens, sids, sentences)


def test_similar_by_word_excludes_itself(word_store):
    res = similar(word_store, "cold", k=5)
    assert isinstance(res, Similar)
    occ = word_store.occurrences("cold")
    assert np.array_equal(res.query_rows, occ)
    assert res.rows.shape == (len(occ), 5)
    for i, r in enumerate(occ):
        assert r not in res.rows[i]
    assert res.method.startswith("exact scan (float16 kernel")
    hits = res.hits(0)
    assert [h.occurrence.row for h in hits] == res.rows[0].tolist()
    assert hits[0].occurrence.sentence == word_store.sentence(hits[0].occurrence.sentence_id)
    assert res.tokens.shape == res.rows.shape


def test_similar_options(word_store):
    cold = word_store.word_id("cold")
    res = similar(word_store, "cold", k=6, limit=2, exclude_word=True)
    assert len(res) == 2
    assert not np.isin(word_store.word_ids[res.rows], [cold]).any()
    res = similar(word_store, "cold", k=6, limit=2, distinct_sentences=True)
    for i in range(2):
        assert len(set(word_store.sentence_ids[res.rows[i]].tolist())) == 6
    res = similar(word_store, "cold", k=6, limit=1, words_only=True)
    words = word_store.word_ids[res.rows[0]]
    assert len(set(words.tolist())) == 6
    assert words[0] == cold and res.counts is not None and res.counts[0, 0] >= 2
    d = res.to_dict()
    assert d["queries"][0]["hits"][0]["word"] == "cold"
    assert d["queries"][0]["hits"][0]["count"] == res.counts[0, 0]


def test_similar_by_row_and_sentence(word_store):
    r = int(word_store.occurrences("cold")[2])
    one = similar(word_store, row=r, k=4)
    assert one.query_rows.tolist() == [r]
    sid = word_store.occurrence(r).sentence_id
    same = similar(word_store, "cold", sentence=sid, k=4)
    assert np.array_equal(one.rows, same.rows)
    np.testing.assert_array_equal(one.scores, same.scores)


def test_similar_accepts_ready_queries(word_store):
    rows = word_store.occurrences("bank")
    qs = Queries(rows, word_store.get_vectors(rows), [word_store.occurrence(int(r)) for r in rows], "bank")
    res = similar(word_store, queries=qs, k=3)
    assert res.rows.shape == (len(rows), 3)
    d = res.to_dict()
    assert [q["row"] for q in d["queries"]] == rows.tolist()
    hit = d["queries"][0]["hits"][0]
    assert {"row", "token", "score", "sentence"} <= set(hit)
    assert hit["sentence"][hit["start"] : hit["end"]] == hit["token"]


def test_errors(word_store):
    with pytest.raises(CtxvecError, match="closest words in the store: cold"):
        similar(word_store, "colld")
    with pytest.raises(CtxvecError, match="k must be at least 1"):
        similar(word_store, "cold", k=0)
    with pytest.raises(CtxvecError, match="k must be at least 1"):
        check_k(word_store, -3)
    with pytest.raises(CtxvecError, match="larger than the store"):
        similar(word_store, "cold", k=word_store.n_rows + 1)
    with pytest.raises(CtxvecError, match="zero"):
        search_vectors(word_store, np.zeros((1, word_store.dim)), 3)
    with pytest.raises(CtxvecError, match="shape"):
        search_vectors(word_store, np.ones((1, word_store.dim + 1)), 3)
    # k equal to the store size is allowed; the query itself is left out, so one slot stays empty
    res = similar(word_store, row=0, k=word_store.n_rows)
    assert np.count_nonzero(res.rows[0] >= 0) == word_store.n_rows - 1


def test_in_new_sentence_equals_stored_occurrence(tmp_path, tiny_model):
    """`in_sentence` embeds with the store's own model: the same sentence in the store scores 1."""
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    corpus = ["i caught a cold last week", "the cold wind blew over the river", "money in the bank"]
    store = embed(corpus, tmp_path / "s", EncodeSpec(model=str(tiny_model)), device="cpu")
    res = similar(store, "cold", in_sentence="i caught a cold last week", k=3)
    assert res.query_rows.tolist() == [-1]
    stored = int(store.occurrences("cold")[0])
    np.testing.assert_allclose(res.queries.vectors[0], store.get_vectors([stored])[0], rtol=1e-6, atol=1e-6)
    assert res.rows[0, 0] == stored
    assert res.scores[0, 0] == pytest.approx(1.0, abs=1e-6)
    assert res.to_dict()["queries"][0]["row"] == -1


@pytest.mark.slow
def test_real_store_matches_numpy(tmp_path):
    """The default model on the first 100 sentences of the `wiki` corpus: every occurrence of "the"."""
    from ctxvec.runners import embed

    store = embed("wiki", tmp_path / "wiki.store", limit=100, device="cpu")
    occ = store.occurrences("the")
    res = similar(store, "the", k=10)
    assert res.method.startswith("exact scan (float16 kernel")
    x = np.asarray(store.vectors, dtype=np.float32)
    ref = cosine_similarity(store.get_vectors(occ), x)
    ref[np.arange(len(occ)), occ] = -np.inf
    for i in range(len(occ)):
        np.testing.assert_allclose(res.scores[i], -np.sort(-ref[i])[:10], atol=2e-6)
        np.testing.assert_allclose(res.scores[i], ref[i, res.rows[i]], atol=2e-6)
    words = similar(store, "the", k=5, limit=3, words_only=True, exclude_word=True)
    for i in range(3):
        assert "the" not in [str(t).lower() for t in words.tokens[i]]
        assert len(set(store.word_ids[words.rows[i]].tolist())) == 5
