"""A word's other forms (colder, colds -> cold; banks, banking -> bank), so a decomposition can keep them
out of its atoms. Forms are lemma-mates: words sharing a WordNet 3.0 morphy analysis (`ctxvec.lexicon`'s
lemmas), not a suffix heuristic, so ``state`` keeps ``statement`` and ``station`` as atoms."""

from __future__ import annotations

import numpy as np

from ..lexicon import forms_mask


def other_forms(word: str, vocabulary: np.ndarray) -> np.ndarray:
    """(n,) bool mask of `vocabulary` (n,) entries that are forms of `word`: the word itself and every
    word sharing a lemma analysis with it (``bank`` -> bank, banks, banked, banking)."""
    return forms_mask(vocabulary, [word])
