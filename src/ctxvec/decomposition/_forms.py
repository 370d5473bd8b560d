"""A word's morphological family (colder, colds, coldness, coldly -> cold; musical, musician, musically ->
music), so a decomposition can keep it out of its atoms: `ctxvec.morphology`'s families (WordNet 3.0
inflections, derivational and pertainym links, and the affix rules that measured right), not a spelling
heuristic, so ``state`` keeps ``station`` as an atom."""

from __future__ import annotations

import numpy as np

from ..morphology import Families


def family_mask(families: Families, word: str, vocabulary: np.ndarray) -> np.ndarray:
    """(n,) bool mask of `vocabulary` (n,) entries in the family of `word` (the word itself included)."""
    return families.mask(vocabulary, [word])
