"""The hand-judged data of bench_senses.py: corpus occurrences with their acceptable synsets, and new
sentences for usages the store lacks or holds (benchmarks/data/README.md says how they were made)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
#: The 15 polysemous words of issue 20 (the judged set's words, in its order).
ISSUE_WORDS = (
    "charge",
    "bank",
    "plant",
    "spring",
    "cold",
    "court",
    "light",
    "match",
    "state",
    "cell",
    "current",
    "power",
    "interest",
    "party",
    "record",
)


@dataclass(frozen=True)
class Judged:
    """One judged corpus occurrence: word, store row, sentence, acceptable synsets (``none`` allowed)."""

    word: str
    row: int
    sentence: str
    synsets: frozenset[str]
    note: str


@dataclass(frozen=True)
class UsageSentence:
    """A new sentence: word, the synset of its usage, whether the store holds that usage, the sentence."""

    word: str
    synset: str
    in_store: bool
    sentence: str


def read_judged(path: Path = DATA / "senses_judged.tsv") -> list[Judged]:
    with open(path, encoding="utf-8", newline="") as f:
        return [
            Judged(r["word"], int(r["row"]), r["sentence"], frozenset(r["synsets"].split(",")), r["note"])
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def read_usages(path: Path = DATA / "usage_sentences.tsv") -> list[UsageSentence]:
    with open(path, encoding="utf-8", newline="") as f:
        return [
            UsageSentence(r["word"], r["synset"], r["in_store"] == "yes", r["sentence"])
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def judge(label_synset: str | None, confident: bool, acceptable: frozenset[str]) -> str:
    """right / wrong / abstained for one occurrence's label."""
    if label_synset is None or not confident:
        return "abstained"
    return "right" if label_synset in acceptable else "wrong"
