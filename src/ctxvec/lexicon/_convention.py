"""Which words an analogy may not answer, by the benchmark convention.

For a − b + c (man is to king as woman is to ?; positive [king, woman], negative [man]):

- ``gensim``: only the inputs themselves (gensim's ``most_similar`` and ``evaluate_word_analogies``);
- ``family`` (the default): when a positive and a negative input share a morphological family
  (bigger − big + small: the relation is morphological), the other positive inputs' families are valid
  answers (smaller, the form of small asked for), and only those inputs themselves and the related
  pair's families are left out; otherwise every input's family is left out (japan − tokyo + rome:
  not romans, roman).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..morphology import Families
from ..store import normalize_word

CONVENTIONS = ("family", "gensim")


@dataclass(frozen=True)
class AnalogyExclusion:
    """The words an analogy leaves out (case-folded), and whether its relation is morphological."""

    words: frozenset[str]
    morphological: bool


def analogy_exclusion(
    families: Families | None, positive: Sequence[str], negative: Sequence[str], convention: str = "family"
) -> AnalogyExclusion:
    """The words `positive` − `negative` may not answer under `convention` (`CONVENTIONS`)."""
    inputs = [normalize_word(w) for w in (*positive, *negative)]
    if convention == "gensim" or families is None:
        return AnalogyExclusion(frozenset(inputs), False)
    fam = {w: set(families.relatives(w)) for w in inputs}
    pos = [normalize_word(w) for w in positive]
    neg = [normalize_word(w) for w in negative]
    paired = {p for p in pos for n in neg if n in fam[p] or p in fam[n]}
    paired |= {n for n in neg for p in pos if n in fam[p] or p in fam[n]}
    if not paired:
        return AnalogyExclusion(frozenset(set(inputs).union(*fam.values())), False)
    related: set[str] = set().union(*(fam[w] for w in paired))
    answers: set[str] = set().union(*(fam[w] for w in pos if w not in paired))  # c's family: valid answers
    return AnalogyExclusion(frozenset(set(inputs) | (related - answers)), True)
