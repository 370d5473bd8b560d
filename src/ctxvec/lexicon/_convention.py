"""Which words an analogy may not answer, by the benchmark convention.

For a − b + c (man is to king as woman is to ?; positive [king, woman], negative [man]):

- ``gensim``: only the inputs themselves (gensim's ``most_similar`` and ``evaluate_word_analogies``);
- ``family`` (the default): when a and b (the first positive and the first negative input) share a
  morphological family, a WordNet lexical link or their first 3 letters (bigger − big + small, mostly −
  most + quickly, danish − denmark + brazil: the relation is morphological), the other positive inputs'
  families are valid answers (smaller, the form of small asked for), and only the inputs themselves and
  a's and b's families are left out; otherwise every input's family is left out (japan − tokyo + rome:
  not romans, roman). The link and the shared letters catch pairs the family rules miss (most/mostly,
  denmark/danish, belarus/belorussian).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..morphology import Families, shares_stem, wordnet_links
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
    if not neg or not _related(pos[0], neg[0], fam):
        return AnalogyExclusion(frozenset(set(inputs).union(*fam.values())), False)
    paired = {pos[0], neg[0]}
    related: set[str] = set().union(*(fam[w] for w in paired))
    answers: set[str] = set().union(*(fam[w] for w in pos if w not in paired))  # c's family: valid answers
    return AnalogyExclusion(frozenset(set(inputs) | (related - answers)), True)


def _related(a: str, b: str, fam: dict[str, set[str]]) -> bool:
    """Is the relation between `a` and `b` morphological: one family, a WordNet lexical link, 3 first letters."""
    linked = any((a, b) in pairs for pairs in wordnet_links().values())
    return b in fam[a] or a in fam[b] or linked or shares_stem(a, b, 3)
