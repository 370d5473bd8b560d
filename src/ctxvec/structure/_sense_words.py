"""The word list of a sense: nearest word types without the word's own forms, one entry per lemma.

Without this, every sense of "charge" is led by charged / charges / charging: the word's own
inflections sit closest to every one of its senses and say nothing about the sense. Two words are
forms of one lemma when their lemma analyses (`lemma_keys`) meet: charge / charged / charges.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np


def lemma_keys(word: str) -> frozenset[str]:
    """The lemmas `word` may be a form of (`ctxvec.lexicon.lemma_analyses`: WordNet 3.0 morphy over
    every part of speech; the word itself when WordNet does not know it)."""
    from ..lexicon import lemma_analyses

    return frozenset(lemma_analyses(word))


def same_lemma(a: str, b: str) -> bool:
    """True when `a` and `b` can be forms of one lemma (charge / charged / charges)."""
    return bool(lemma_keys(a) & lemma_keys(b))


@dataclass
class SenseNeighbours:
    """Neighbour words best first (one per lemma), their scores (m,), the other forms of each lemma
    met further down the list, and the forms of the query word left out."""

    words: list[str]
    scores: np.ndarray
    forms: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def sense_neighbours(word: str, words: list[str], scores: np.ndarray, family: Collection[str] = ()) -> SenseNeighbours:
    """From `words` sorted by decreasing `scores` (m,): drop forms of `word` and the members of its
    `family` (`ctxvec.morphology.family_words`), and keep the first form of every other lemma (later forms
    are listed under it)."""
    kept: list[int] = []
    forms: list[list[str]] = []
    excluded: list[str] = []
    for i, w in enumerate(words):
        if w == word or w in family or same_lemma(w, word):
            excluded.append(w)
            continue
        for j, k in enumerate(kept):
            if same_lemma(w, words[k]):
                forms[j].append(w)
                break
        else:
            kept.append(i)
            forms.append([])
    return SenseNeighbours([words[i] for i in kept], np.asarray(scores)[kept], forms, excluded)
