"""The word list of a sense: nearest word types without the word's own forms, one entry per lemma.

Without this, every sense of "charge" is led by charged / charges / charging: the word's own
inflections sit closest to every one of its senses and say nothing about the sense. Two words are
forms of one lemma when their lemma sets (`lemma_keys`) meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ying", "ie"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"),
             ("xes", "x"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""), ("es", "e"),
             ("s", ""), ("er", ""), ("est", ""))  # fmt: skip


@lru_cache(maxsize=65536)
def lemma_keys(word: str) -> frozenset[str]:
    """The lemmas `word` may be a form of: WordNet's morphology in every part of speech when WordNet is
    installed (`base_forms`), plus the word itself and, for words WordNet does not know, a plain suffix
    rule (charges -> charge, charging -> charg/charge)."""
    from ._synsets import POS_NAMES, base_forms, wordnet_folder

    w = word.lower()
    keys = {w}
    if wordnet_folder() is not None:
        for pos in POS_NAMES:
            keys.update(base_forms(w, pos))
    if len(keys) == 1:
        keys.update(w[: -len(a)] + b for a, b in _SUFFIXES if w.endswith(a) and len(w) - len(a) >= 3)
    return frozenset(keys)


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


def sense_neighbours(word: str, words: list[str], scores: np.ndarray) -> SenseNeighbours:
    """From `words` sorted by decreasing `scores` (m,): drop forms of `word` and keep the first form of
    every other lemma (later forms are listed under it)."""
    kept: list[int] = []
    forms: list[list[str]] = []
    excluded: list[str] = []
    for i, w in enumerate(words):
        if w == word or same_lemma(w, word):
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
