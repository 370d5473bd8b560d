"""WordNet's lemma index looked up by binary search over the sorted index files (`SortedIndex`,
`IndexEntries`): the same answers as parsing every line, for every lemma of WordNet 3.0 and for words
that are not lemmas, before and after it switches to the parsed table."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.morphology import find_wordnet_folder, read_index_lemmas, wordnet_morphology
from ctxvec.morphology._lemmas import _POS_FILES, IndexEntries, Morphology
from ctxvec.morphology._wordnet import SortedIndex

HEADER = b"  1 This software and database is being provided\n  2 to you, the LICENSEE\n"


def _parsed() -> dict[str, frozenset[str]]:
    folder = find_wordnet_folder()
    out: dict[str, set[str]] = {}
    for pos, name in _POS_FILES.items():
        for lemma in read_index_lemmas(folder, name):
            out.setdefault(lemma, set()).add(pos)
    return {k: frozenset(v) for k, v in out.items()}


@pytest.mark.parametrize("searched", [10**9, 0])  # binary search throughout; the parsed table at once
def test_every_lemma_and_some_non_lemmas_answer_as_the_parsed_index(searched, monkeypatch):
    monkeypatch.setattr(IndexEntries, "SEARCHED", searched)
    entries = IndexEntries(find_wordnet_folder())
    parsed = _parsed()
    rng = random.Random(0)
    lemmas = list(parsed) if searched == 0 else rng.sample(list(parsed), 20000)
    assert all(entries.get(lemma) == parsed[lemma] for lemma in lemmas)
    probes = [w + "q" for w in rng.sample(list(parsed), 2000)] + [w[:-1] for w in rng.sample(list(parsed), 2000)]
    probes += ["", " ", "bank note", "\n", "zzzzzz", "aaaaa", "0", "~"]
    assert [p in entries for p in probes] == [p in parsed for p in probes]
    assert [entries.get(p) for p in probes] == [parsed.get(p) for p in probes]
    assert len(entries) == len(parsed) and set(entries) == set(parsed)


def test_morphy_gives_what_it_gave_over_the_parsed_index():
    morphology = wordnet_morphology()
    assert isinstance(morphology.entries, IndexEntries)
    over_dict = Morphology(_parsed(), morphology.exceptions, morphology.frequency, morphology.source)
    rng = random.Random(1)
    words = rng.sample(list(over_dict.entries), 1500)
    forms = [w + suffix for w in words for suffix in ("", "s", "es", "ed", "ing", "er", "est")]
    forms += [
        f
        for pos in "nvar"
        for f in rng.sample(sorted(morphology.exceptions[pos]), min(50, len(morphology.exceptions[pos])))
    ]
    assert all(morphology.morphy(f, pos) == over_dict.morphy(f, pos) for f in forms for pos in "nvar")
    assert morphology.morphy("geese", "n") == ["goose"] and morphology.morphy("struck", "v") == ["strike"]


@given(st.lists(st.text(alphabet="abcz_-'.0", min_size=1, max_size=6), min_size=0, max_size=40), st.text(max_size=7))
def test_a_sorted_index_finds_exactly_its_lemmas(words, probe):
    lemmas = sorted(set(words), key=lambda w: w.encode())
    data = HEADER + b"".join(w.encode() + b" n 1 0 1 0 00000001  \n" for w in lemmas)
    index = SortedIndex(data)
    assert all(w in index for w in lemmas)
    assert (probe in index) == (probe in set(lemmas))
