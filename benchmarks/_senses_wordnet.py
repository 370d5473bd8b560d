"""WordNet's own example sentences as labelled items for the label evidence (used by bench_senses.py).

For a lemma, every example sentence of its synsets (all parts of speech) that contains a form of it is an
item whose truth is its synset. The item is scored exactly as a corpus occurrence is by `label_items`,
with the item left out of everything it could leak into: its own synset's vector is the mean of the other
examples and the gloss, and its sentence is left out of the synsets' Lesk signatures. The word's mean
vector is the store's (a seeded sample of its occurrences) when the store has at least 20 of them, else
the mean of the lemma's embedded sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ctxvec.lexicon._wic import target_vectors
from ctxvec.sampling import sample_rows, unit_rows
from ctxvec.store import Store
from ctxvec.structure._sense_context import sentence_context
from ctxvec.structure._sense_evidence import Items, allowed_synsets, pos_summary, synset_features
from ctxvec.structure._sense_labels import synset_sentences
from ctxvec.structure._synsets import word_synsets
from ctxvec.structure._word_senses import own_lemmas

_TOKENS = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


@dataclass
class LemmaItems:
    """One lemma's items: features (n, m, 5), allowed synsets (n, m), truth (n,) synset index, and the
    earlier labeller's choice (n,): the synset vector of highest raw cosine (leave-one-out)."""

    lemma: str
    synsets: list[str]
    features: np.ndarray
    allowed: np.ndarray
    truth: np.ndarray
    before: np.ndarray
    counts: np.ndarray


def lemma_items(store: Store, lemma: str, seed: int = 0) -> LemmaItems | None:
    """The items of `lemma` (module doc), None when it has fewer than 2 synsets with examples."""
    synsets = [s for s in word_synsets(lemma) if s.name.startswith(f"{lemma}.")]
    sents, spans, owner = synset_sentences(lemma, synsets, gloss=True)
    gloss = np.array([s.startswith(f"{lemma}: ") for s in sents])
    if len(np.unique(owner[~gloss])) < 2:
        return None
    raw = target_vectors(store.encoder(), sents, spans)
    ok = np.isfinite(raw).all(axis=1)
    vec = np.zeros((len(sents), store.dim), dtype=np.float64)
    vec[ok] = unit_rows(store.map_encoded(raw[ok]))
    key = lemma.lower()
    if store.find_word(key) >= 0 and len(store.occurrences(key)) >= 20:
        rows = sample_rows(store.occurrences(key), 2000, seed)
        mean = unit_rows(store.get_vectors(rows)).astype(np.float64).mean(axis=0)
    else:
        mean = vec[ok].mean(axis=0)
    sums = np.zeros((len(synsets), store.dim))
    np.add.at(sums, owner[ok], vec[ok])
    counts = np.bincount(owner[ok], minlength=len(synsets))
    own = own_lemmas(key)
    feats, allowed, truth, before = [], [], [], []
    for i in np.flatnonzero(ok & ~gloss):
        s = owner[i]
        loo = sums.copy()
        loo[s] -= vec[i]
        n = counts.copy()
        n[s] -= 1
        usable = n > 0
        svec = unit_rows(loo)
        tokens_m = list(_TOKENS.finditer(sents[i]))
        at = next((j for j, m in enumerate(tokens_m) if m.start() >= spans[i, 0]), 0)
        tag, bag = sentence_context([m.group() for m in tokens_m], at, own)
        shares, decided = pos_summary([tag])
        items = Items((vec[i] - mean)[None, :], [dict.fromkeys(bag, 1.0)], shares[None, :], np.array([decided]))
        feats.append(synset_features(items, synsets, svec - mean[None, :], usable, own, [sents[i]], mean)[0])
        allowed.append(allowed_synsets(items, synsets)[0])
        truth.append(s)
        raw_cos = np.where(usable, svec @ vec[i], -np.inf)
        before.append(int(np.argmax(raw_cos)))
    if not feats:
        return None
    return LemmaItems(
        lemma,
        [s.name for s in synsets],
        np.stack(feats),
        np.stack(allowed),
        np.array(truth),
        np.array(before),
        np.array([s.count for s in synsets]),
    )


def usage_weights(it: LemmaItems) -> np.ndarray:
    """(n,) weights of a lemma's items so that its synsets count as often as SemCor uses them (add-one),
    not as often as WordNet gives examples (one or two per synset): mean 1 over the lemma's items."""
    per_synset = np.bincount(it.truth, minlength=len(it.counts))
    w = (it.counts[it.truth] + 1.0) / per_synset[it.truth]
    return np.asarray(w * len(w) / w.sum())


def fit_weights(items: list[LemmaItems], l2: float = 0.01) -> np.ndarray:
    """Conditional-logit weights (5,) maximising the likelihood of the true synset among the allowed
    ones (softmax over each item's allowed synsets), items weighted by `usage_weights`, with a small L2
    penalty. The part-of-speech weight stays 0: on a single example the part-of-speech rule leaves only
    synsets of one part of speech, so its soft weight cannot be learned there (the rule acts instead)."""
    from scipy.optimize import minimize

    def nll(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for it in items:
            uw = usage_weights(it)
            s = np.where(it.allowed, it.features @ w, -np.inf)
            s -= s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            idx = np.arange(len(it.truth))
            total -= float((uw * np.log(np.maximum(p[idx, it.truth], 1e-300))).sum())
            expect = np.einsum("nm,nmf->nf", np.where(it.allowed, p, 0.0), np.nan_to_num(it.features))
            grad -= (uw[:, None] * (it.features[idx, it.truth] - expect)).sum(axis=0)
        return total + l2 * float(w @ w), grad + 2 * l2 * w

    bounds = [(None, None)] * 4 + [(0.0, 0.0)]
    res = minimize(nll, np.array([5.0, 10.0, 0.5, 1.0, 0.0]), jac=True, method="L-BFGS-B", bounds=bounds)
    return np.asarray(res.x)


def scores(items: list[LemmaItems], weights: np.ndarray, threshold: float, weighted: bool = False) -> dict[str, float]:
    """Accuracy of the earlier labeller, of the evidence's forced choice, and with abstention below `threshold`:
    right / wrong / abstained shares, precision of the answered ones; `weighted`: items by `usage_weights`."""
    n = right_before = right_forced = right = wrong = abstained = 0.0
    for it in items:
        uw = usage_weights(it) if weighted else np.ones(len(it.truth))
        s = np.where(it.allowed, it.features @ weights, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        best = p.argmax(axis=1)
        ok = best == it.truth
        confident = p.max(axis=1) >= threshold
        n += float(uw.sum())
        right_before += float(uw[it.before == it.truth].sum())
        right_forced += float(uw[ok].sum())
        right += float(uw[ok & confident].sum())
        wrong += float(uw[~ok & confident].sum())
        abstained += float(uw[~confident].sum())
    return {
        "n": n,
        "before": right_before / n,
        "forced": right_forced / n,
        "right": right / n,
        "wrong": wrong / n,
        "abstained": abstained / n,
        "precision": right / max(right + wrong, 1),
    }
