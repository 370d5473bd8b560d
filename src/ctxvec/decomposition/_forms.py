"""A word's other forms (colder, colds -> cold; banks, banking -> bank), so a decomposition can keep them
out of its atoms. Forms are lemma-mates: words sharing a WordNet 3.0 morphy analysis (`ctxvec.lexicon`'s
lemmas), not a suffix heuristic, so ``state`` keeps ``statement`` and ``station`` as atoms."""

from __future__ import annotations

import numpy as np

from ..lexicon import lemma_analyses
from ..store import normalize_word


def other_forms(word: str, vocabulary: np.ndarray) -> np.ndarray:
    """(n,) bool mask of `vocabulary` (n,) entries that are forms of `word`: the word itself and every
    word sharing a lemma analysis with it (``bank`` -> bank, banks, banked, banking)."""
    key = normalize_word(word)
    bases = set(lemma_analyses(key))
    return np.fromiter(
        (str(v) == key or not bases.isdisjoint(lemma_analyses(str(v))) for v in vocabulary),
        dtype=bool,
        count=len(vocabulary),
    )
