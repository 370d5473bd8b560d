"""The usage warnings' evaluation sets (benchmarks/data/usage_*.tsv, documented in benchmarks/data/README.md):
each later report set shares no word with the sets before it, has >= 10 words with
>= 2 lacking and >= 2 held sentences each, and every row's synset is a WordNet synset of its word that
the sentence holds as a token."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from ctxvec.structure._synsets import word_synsets

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
SETS = ("usage_calibration.tsv", "usage_sentences.tsv", "usage_report2.tsv", "usage_report3.tsv")
ISSUE_WORDS = {line.split("\t", 1)[0] for line in (DATA / "senses_judged.tsv").read_text().splitlines()[1:]}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.mark.parametrize("at", [2, 3])
def test_each_later_report_set_is_new_and_balanced(at):
    fresh = _rows(SETS[at])
    words = {r["word"] for r in fresh}
    for seen in SETS[:at]:
        assert not words & {r["word"] for r in _rows(seen)}, seen
    assert not words & ISSUE_WORDS
    assert len(words) >= 10
    lacking = Counter(r["word"] for r in fresh if r["in_store"] == "no")
    held = Counter(r["word"] for r in fresh if r["in_store"] == "yes")
    assert all(lacking[w] >= 2 and held[w] >= 2 for w in words)
    assert {r["in_store"] for r in fresh} == {"yes", "no"}


@pytest.mark.parametrize("name", SETS)
def test_every_row_names_a_synset_of_its_word_and_holds_the_word(name):
    for r in _rows(name):
        names = {s.name for s in word_synsets(r["word"])}
        assert r["synset"].replace(".s.", ".a.") in names, (r["word"], r["synset"])  # satellite: NLTK's "s"
        assert re.search(rf"\b{re.escape(r['word'])}\b", r["sentence"], re.IGNORECASE), r["sentence"]
