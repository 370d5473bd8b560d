"""How readable a learned factor is: the words of its top contexts, and how alike they are.

A factor's words are the lemmas of its top-activating occurrences, weighted by their codes (forms of
one lemma merged, so ``charged / charges`` count once). A factor whose top contexts are one lemma is
word-level (Yun et al.'s "word-level" factors); for the others, coherence is the mean pairwise cosine
of their top words' type vectors (each word's mean vector, centred on the mean of all types), the
word-intrusion idea of topic-model evaluation in embedding form. Compare it with random word sets
(`random_coherence`) or another dictionary, never read it alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..lexicon import word_types
from ..results import JSON, Result
from ..store import Store
from ._factors import Factors, top_lemmas


@dataclass
class FactorCoherence(Result):
    """Per factor: words (its top lemmas, strongest first), top_share (the share of its top contexts'
    code held by its first lemma), coherence (mean pairwise cosine of the words' centred type vectors;
    NaN when it has fewer than two words)."""

    words: list[list[str]]
    top_share: np.ndarray
    coherence: np.ndarray

    def word_level(self, share: float = 0.8) -> np.ndarray:
        """(n_factors,) True where one lemma holds at least `share` of the top contexts' code."""
        return np.asarray(self.top_share >= share)

    def to_dict(self) -> JSON:
        return {
            "factors": [
                {"words": w, "top_share": float(s), "coherence": None if np.isnan(c) else float(c)}
                for w, s, c in zip(self.words, self.top_share, self.coherence, strict=True)
            ]
        }


def factor_words(store: Store, factors: Factors, n_words: int = 5) -> tuple[list[list[str]], np.ndarray]:
    """Each factor's `n_words` strongest lemmas among its top contexts (`top_lemmas`) and (n_factors,)
    the share of code its first lemma holds."""
    pairs = [
        top_lemmas(store, rows, codes, n_words) for rows, codes in zip(factors.top_rows, factors.top_codes, strict=True)
    ]
    return [w for w, _ in pairs], np.array([s for _, s in pairs], dtype=np.float64)


def factor_coherence(store: Store, factors: Factors, n_words: int = 5) -> FactorCoherence:
    """`FactorCoherence` of every factor of `factors` learned in `store` (word types cached in the store)."""
    words, shares = factor_words(store, factors, n_words)
    unit, index = _centred_types(store)
    coherence = np.array([_mean_pairwise(unit, [index[w] for w in ws if w in index]) for ws in words])
    return FactorCoherence(words, shares, coherence)


def random_coherence(
    store: Store, pool: list[str], n_words: int = 5, n_sets: int = 1000, random_state: int = 0
) -> np.ndarray:
    """(n_sets,) the coherence of random sets of `n_words` distinct words drawn from `pool` (with its
    repeats, so frequent words are drawn as often as they occur in it): the chance level."""
    unit, index = _centred_types(store)
    known = [w for w in pool if w in index]
    rng = np.random.default_rng(random_state)
    out = np.full(n_sets, np.nan)
    if len(set(known)) < n_words:
        return out
    for s in range(n_sets):
        picked: list[str] = []
        while len(picked) < n_words:
            w = known[int(rng.integers(len(known)))]
            if w not in picked:
                picked.append(w)
        out[s] = _mean_pairwise(unit, [index[w] for w in picked])
    return out


def _centred_types(store: Store) -> tuple[np.ndarray, dict[str, int]]:
    """(n_words, dim) unit type vectors after removing their mean, and each word's position."""
    wt = word_types(store)
    v = wt.vectors.astype(np.float64) - wt.vectors.astype(np.float64).mean(0)
    unit = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return unit, {str(w): i for i, w in enumerate(wt.words)}


def _mean_pairwise(unit: np.ndarray, ids: list[int]) -> float:
    """Mean cosine over the distinct pairs of rows `ids` of `unit`; NaN with fewer than two."""
    if len(ids) < 2:
        return float("nan")
    v = unit[ids]
    sim = v @ v.T
    n = len(ids)
    return float((sim.sum() - np.trace(sim)) / (n * (n - 1)))
