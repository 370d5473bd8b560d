"""`similar`: exclude_word drops the query word's family; clean word lists (stop words, punctuation, the
query's sentence); a new sentence's usage is checked against the corpus."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.neighbours import check_usage, similar
from ctxvec.queries import Queries
from ctxvec.sampling import unit_rows
from ctxvec.store import Occurrence

FORMS = {"bank", "banks", "banking", "banked", "banker"}  # the family: inflections and banker (WordNet +)


@pytest.fixture
def bank_store(make_store):
    rng = np.random.default_rng(3)
    words = ["bank", "banks", "banking", "banked", "river", "money", "water", "loan", "banker", "the", ","]
    topic = {w: rng.normal(size=16) for w in words}
    for w in ("banks", "banking", "banked", "banker", "the", ","):
        topic[w] = topic["bank"] + 0.2 * rng.normal(size=16)  # inflections sit right beside the word
    tokens, sids, sentences = [], [], []
    for s in range(40):
        chosen = [words[j] for j in rng.integers(0, len(words), 6)]
        sentences.append(" ".join(chosen))
        tokens += chosen
        sids += [s] * len(chosen)
    vectors = np.array([topic[t] + 0.5 * rng.normal(size=16) for t in tokens], dtype=np.float32)
    return make_store(vectors, tokens, sids, sentences, dtype="float32")


def _brute_force(store, query_row, k, forbidden):
    units = unit_rows(store.get_vectors(slice(0, store.n_rows)))
    scores = units @ units[query_row]
    scores[query_row] = -np.inf
    scores[np.isin(store.vocabulary[store.word_ids].astype(str), sorted(forbidden))] = -np.inf
    order = np.lexsort((np.arange(len(scores)), -scores))
    return order[:k]


@pytest.mark.parametrize("exact", [True, False])
def test_exclude_word_drops_every_form(bank_store, exact):
    store = bank_store
    plain = similar(store, "bank", k=8, limit=3, backend="exact" if exact else "auto")
    assert {str(t).casefold() for t in plain.tokens.ravel()} & (FORMS - {"bank"})  # forms win when allowed
    res = similar(store, "bank", k=8, limit=3, exclude_word=True, backend="exact" if exact else "auto")
    assert res.options["excluded_words"] == sorted(FORMS)
    for i, row in enumerate(res.query_rows):
        assert not {str(t) for t in res.tokens[i]} & FORMS
        assert res.rows[i].tolist() == _brute_force(store, int(row), 8, FORMS).tolist()
    grouped = similar(
        store, "bank", k=3, limit=2, exclude_word=True, words_only=True, backend="exact" if exact else "auto"
    )
    assert (grouped.rows >= 0).all()
    assert not {str(t) for t in grouped.tokens.ravel()} & FORMS
    assert len(set(grouped.tokens[0].tolist())) == 3
    assert not {str(t) for t in grouped.tokens.ravel()} & {"the", ","}  # stop words and punctuation left out
    kept = similar(
        store, "bank", k=8, limit=3, exclude_word=True, keep_family=True, backend="exact" if exact else "auto"
    )
    assert kept.options["excluded_words"] == ["bank"]
    assert {str(t) for t in kept.tokens.ravel()} & (FORMS - {"bank"})


def test_clean_lists_other_sentences_and_distinct_words(bank_store):
    store = bank_store
    res = similar(store, "bank", k=5, limit=3, other_sentences=True, backend="exact")
    for i, occ in enumerate(res.queries.occurrences):
        hits = res.hits(i)
        assert len(hits) == 5 and all(h.occurrence.sentence_id != occ.sentence_id for h in hits)
    both = similar(store, "bank", k=4, limit=2, words_only=True, distinct_sentences=True, exclude_word=True)
    for i in range(2):
        hits = both.hits(i)
        assert len({h.occurrence.sentence_id for h in hits}) == len(hits) == 4
        assert len({h.occurrence.token for h in hits}) == 4
    assert both.to_dict()["options"]["excluded_function_words"].startswith("2 stop words")


def test_a_filter_that_leaves_nothing_is_one_error(make_store):
    from ctxvec.errors import CtxvecError

    rng = np.random.default_rng(0)
    tokens = ["bank", "banks", "the", "bank", ",", "banker"]
    store = make_store(
        rng.normal(size=(6, 8)).astype(np.float32), tokens, [0, 0, 0, 1, 1, 1], ["bank banks the", "bank , banker"]
    )
    with pytest.raises(CtxvecError, match="no occurrence is left"):
        similar(store, "bank", k=2, limit=1, exclude_word=True, words_only=True)


def test_exclude_word_for_a_word_without_forms_is_the_plain_exclusion(bank_store):
    res = similar(bank_store, "river", k=5, limit=2, exclude_word=True)
    assert res.options["excluded_words"] == ["river"]
    assert "river" not in {str(t) for t in res.tokens.ravel()}


@pytest.fixture
def sense_store(make_store):
    """`cold` used in one sense only (weather): its occurrences sit around one direction, each in one of three
    contexts (wind, snow, rain: what the context adds)."""
    rng = np.random.default_rng(5)
    weather = rng.normal(size=32)
    contexts = 1.5 * rng.normal(size=(3, 32))
    tokens, sids, sentences, vectors = [], [], [], []
    for s in range(30):
        sentences.append("the cold wind")
        tokens += ["the", "cold", "wind"]
        sids += [s] * 3
        vectors += [rng.normal(size=32), weather + contexts[s % 3] + 0.4 * rng.normal(size=32), rng.normal(size=32)]
    store = make_store(np.array(vectors, dtype=np.float32), tokens, sids, sentences, dtype="float32")
    return store, weather + contexts[0]


def test_usage_in_the_corpus_carries_no_warning_and_a_foreign_one_does(sense_store):
    store, wind = sense_store
    rng = np.random.default_rng(9)
    cold = store.occurrences("cold")
    units = unit_rows(store.get_vectors(cold))
    typical = units[np.argmax(units @ units.mean(axis=0))]  # the most central stored use, written anew
    held = check_usage(store, "cold", typical + 0.05 * rng.normal(size=32) / np.sqrt(32))
    assert held.warning is None and held.support > held.threshold
    assert held.typicality > held.typicality_threshold
    assert held.n_occurrences == 30 and held.sample == {
        "size": 30,
        "seed": 0,
        "of": "occurrences of 'cold'",
        "population": 30,
        "measure": "support and typicality",
    }
    foreign = check_usage(store, "cold", rng.normal(size=32))  # an unrelated direction: another sense
    assert foreign.warning is not None and foreign.support < foreign.threshold
    assert "not well represented in the corpus" in foreign.warning
    assert f"row {foreign.nearest_row}" in foreign.warning and "[cold]" in foreign.warning
    assert foreign.nearest_row in cold.tolist()
    foreign_vec = rng.normal(size=(1, 32))
    sims = units @ unit_rows(foreign_vec)[0]  # nearest by raw cosine
    assert check_usage(store, "cold", foreign_vec[0]).nearest_row == int(cold[np.argmax(sims)])
    absent = check_usage(store, "snow", wind)
    assert absent.support is None and "does not occur in the corpus" in str(absent.warning)


def test_a_usage_off_the_words_centre_is_flagged_by_typicality_alone(sense_store):
    """A query beside one stored occurrence (close support) but far off the word's mean direction."""
    from ctxvec.neighbours._usage import TYPICAL_Z, usage_reference

    store, _ = sense_store
    ref = usage_reference(store, "cold")
    units = ref.units.astype(np.float64)
    centre = ref.mean / np.linalg.norm(ref.mean)
    typ_thr = ref.typicality.mean() + TYPICAL_Z * ref.typicality.std()
    least = int(np.argmin(units @ centre))  # the least typical stored occurrence, pushed further off-centre
    q = units[least] - 0.6 * centre
    usage = check_usage(store, "cold", q)
    qu = q / np.linalg.norm(q)
    assert usage.typicality == pytest.approx(float(qu @ centre), abs=1e-5)
    assert usage.typicality_threshold == pytest.approx(typ_thr, abs=1e-5)
    assert usage.typicality < usage.typicality_threshold
    assert usage.warning is not None and "off the word's centre" in usage.warning


def test_similar_reports_the_warning_for_new_sentence_queries_only(sense_store):
    store, _weather = sense_store
    rng = np.random.default_rng(2)
    occ = Occurrence(-1, -1, 3, "cold", 9, 13, "I caught a cold")
    vec = rng.normal(size=(1, 32)).astype(np.float32)
    res = similar(store, queries=Queries(np.array([-1]), vec, [occ], "cold"), k=3)
    d = res.to_dict()["queries"][0]
    assert d["warning"] == res.warning(0) and "not well represented" in d["warning"]
    assert d["usage"]["nearest_row"] == res.usage(0).nearest_row
    stored = similar(store, "cold", k=3, limit=1).to_dict()["queries"][0]
    assert stored["warning"] is None and stored["usage"] is None


def test_usage_reference_and_decision_recomputed_by_hand(sense_store):
    from ctxvec.neighbours._usage import NEIGHBOURS, SUPPORT_Z, TYPICAL_Z, usage_reference

    store, wind = sense_store
    ref = usage_reference(store, "cold", sample=12, seed=1)
    chunked = usage_reference(store, "cold", sample=12, seed=1, chunk=7)
    np.testing.assert_allclose(chunked.support, ref.support, rtol=1e-5)
    units = store.get_vectors(ref.rows).astype(np.float64)
    units /= np.linalg.norm(units, axis=1, keepdims=True)
    np.testing.assert_allclose(ref.mean, units.mean(axis=0), atol=1e-5)  # the word's mean unit vector
    picked = np.sort(np.random.default_rng(1).choice(np.arange(len(ref.rows)), size=12, replace=False))
    np.testing.assert_array_equal(ref.picked, picked)
    g = units @ units.T
    np.fill_diagonal(g, -np.inf)  # never itself
    support = np.sort(g[picked], axis=1)[:, -NEIGHBOURS:].mean(axis=1)
    np.testing.assert_allclose(ref.support, support, atol=1e-5)
    n = len(units)
    typicality = []
    for i in picked:  # the cosine with the mean of the other occurrences
        rest = np.delete(units, i, axis=0).mean(axis=0)
        typicality.append(units[i] @ rest / np.linalg.norm(rest))
    np.testing.assert_allclose(ref.typicality, typicality, atol=1e-5)
    assert n == 30
    # the decision for a few queries, by hand: z-scores against the references of the whole word
    full = usage_reference(store, "cold")
    rng = np.random.default_rng(4)
    for q in [wind + 0.4 * rng.normal(size=32), rng.normal(size=32), wind + 2.0 * rng.normal(size=32)]:
        qu = q / np.linalg.norm(q)
        s = np.sort(units @ qu)[-NEIGHBOURS:].mean()
        t = qu @ units.mean(axis=0) / np.linalg.norm(units.mean(axis=0))
        s_thr = full.support.mean() + SUPPORT_Z * full.support.std()
        t_thr = full.typicality.mean() + TYPICAL_Z * full.typicality.std()
        usage = check_usage(store, "cold", q)
        assert usage.support == pytest.approx(s, abs=1e-5) and usage.threshold == pytest.approx(s_thr, abs=1e-5)
        assert usage.typicality == pytest.approx(t, abs=1e-5)
        assert (usage.warning is not None) == bool(s < s_thr or t < t_thr)
