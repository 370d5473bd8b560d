"""Sampled isotropy and contextuality measures, seeded (see `ctxvec.space._report`).

- the mean cosine of random pairs of occurrences from different sentences (the anisotropy
  baseline of Ethayarajh 2019);
- Ethayarajh 2019, over sampled word types with enough occurrences: self-similarity (mean pairwise
  cosine of a word's occurrences) and MEV (maximum explainable variance σ₁² / Σσᵢ² of the word's
  uncentred occurrence matrix); over sampled sentences: intra-sentence similarity (mean cosine of
  each word to its sentence's mean vector).

They read vectors through a `VectorSource`; which rows belong to which sentence and word comes
as explicit (n_rows,) `sentence_ids` and `word_ids`. A report can first restrict them to the rows
of a seeded sample of sentences (`sentence_sample`): the per-layer report encodes exactly those
sentences, so a store's report and the layers report of its model agree on the same layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON
from ..sources import VectorSource
from ._sampling import Sampling


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def _fetch(source: VectorSource, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of the distinct sorted `rows` (one read, the source's dtype), and each requested row's index into them."""
    uniq, inverse = np.unique(rows, return_inverse=True)
    return source.get_vectors(uniq), inverse


def _mean_pair_cosine(vectors: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 4096) -> float:
    """Mean cosine of vectors[a[i]] and vectors[b[i]] over all i, in float64, chunk by chunk."""
    total = 0.0
    for s in range(0, len(a), chunk):
        va = _unit(vectors[a[s : s + chunk]].astype(np.float64))
        vb = _unit(vectors[b[s : s + chunk]].astype(np.float64))
        total += float(np.einsum("ij,ij->", va, vb))
    return total / len(a)


def sample_pairs(sentence_ids: np.ndarray, n_pairs: int, rng: np.random.Generator) -> np.ndarray:
    """(n_pairs, 2) random row pairs from different sentences (uniform over rows, rejection sampling)."""
    sids = np.asarray(sentence_ids)
    n = len(sids)
    if n < 2 or sids.min() == sids.max():
        raise CtxvecError("random pairs need rows from at least 2 different sentences; the data has only one sentence")
    pairs = rng.integers(0, n, size=(n_pairs, 2))
    for _ in range(1000):
        same = sids[pairs[:, 0]] == sids[pairs[:, 1]]
        if not same.any():
            return pairs
        pairs[same] = rng.integers(0, n, size=(int(same.sum()), 2))
    raise CtxvecError("could not sample pairs from different sentences; almost all rows are in one sentence")


def _mev(v: np.ndarray) -> float:
    """σ₁² / Σσᵢ² of (k, dim) `v`, from the eigenvalues of the small (k, k) Gram matrix v vᵀ."""
    s2 = np.linalg.eigvalsh(v @ v.T if len(v) <= v.shape[1] else v.T @ v)
    total = s2.sum()
    return float(s2[-1] / total) if total > 0 else 0.0


def _groups(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by id: (order, group starts, group ids) with rows of group g at order[starts[g]:starts[g+1]]."""
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    return order, np.r_[starts, len(ids)], sorted_ids[starts]


#: Sentences the sampled measures are drawn from by default (the store report and the per-layer report).
SAMPLE_SENTENCES = 500


def sentence_sample(n_sentences: int, size: int | None, seed: int) -> np.ndarray | None:
    """Sorted ids of `size` of the sentences 0..n_sentences-1, drawn with `seed`; None (all of them) when
    `size` is None or not smaller than `n_sentences`. The per-layer report and the store report draw alike."""
    if size is None or n_sentences <= size:
        return None
    if size < 2:
        raise ParameterError("sample_sentences", f"{{name}}={size} is too small; use at least 2")
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_sentences, size=size, replace=False))


def describe_sample(
    seed: int, n_sentences: int, population: int, n_rows: int, measures: SampledMeasures, sampling: Sampling
) -> JSON:
    """What the sampled measures were computed on, as JSON with a one-line ``description``."""
    where = (
        f"all {population:,} sentences" if n_sentences >= population else f"{n_sentences:,} of {population:,} sentences"
    )
    return {
        "seed": int(seed),
        "sentences": int(n_sentences),
        "of_sentences": int(population),
        "rows": int(n_rows),
        "pairs": int(measures.n_pairs),
        "words": int(measures.n_words),
        "min_count": int(sampling.min_count),
        "max_occurrences": int(sampling.max_occurrences),
        "intra_sentences": int(measures.n_sentences),
        "description": (
            f"sampled measures (seed {seed}) on {where} ({n_rows:,} rows): {measures.n_pairs:,} random pairs; "
            f"{measures.n_words:,} words with >= {sampling.min_count} occurrences (<= {sampling.max_occurrences} "
            f"each) for self-similarity and MEV; {measures.n_sentences:,} sentences for intra-sentence similarity"
        ),
    }


@dataclass
class SampledMeasures:
    """The sampled figures and their sample sizes."""

    mean_cosine: float
    n_pairs: int
    self_similarity: float
    mev: float
    mev_baseline: float
    n_words: int
    intra: float
    n_sentences: int


def sampled_measures(
    source: VectorSource, sentence_ids: np.ndarray, word_ids: np.ndarray, sampling: Sampling
) -> SampledMeasures:
    """The sampled measures of `source` with (n_rows,) `sentence_ids` and `word_ids`, drawn with `sampling.seed`."""
    s = sampling
    rng = np.random.default_rng(s.seed)
    sids = np.asarray(sentence_ids)
    # random pairs from different sentences
    pairs = sample_pairs(sids, s.n_pairs, rng)
    pool, inv = _fetch(source, pairs.ravel())
    mean_cos = _mean_pair_cosine(pool, inv[0::2], inv[1::2])
    # words with enough occurrences
    order, starts, _ = _groups(np.asarray(word_ids))
    counts = np.diff(starts)
    eligible = np.flatnonzero(counts >= max(s.min_count, 2))
    chosen = (
        np.sort(rng.choice(eligible, size=min(s.max_words, len(eligible)), replace=False))
        if len(eligible)
        else eligible
    )
    word_rows = []
    for g in chosen:
        rows = order[starts[g] : starts[g + 1]]
        if len(rows) > s.max_occurrences:
            rows = rng.choice(rows, size=s.max_occurrences, replace=False)
        word_rows.append(np.sort(rows))
    selfsims, mevs, base_mevs = [], [], []
    if word_rows:
        vecs, winv = _fetch(source, np.concatenate(word_rows))
        at = 0
        for rows in word_rows:
            v = vecs[winv[at : at + len(rows)]].astype(np.float64)
            at += len(rows)
            u = _unit(v)
            k = len(v)
            g = u @ u.T
            selfsims.append((g.sum() - np.trace(g)) / (k * (k - 1)))
            mevs.append(_mev(v))
            base_mevs.append(
                _mev(pool[rng.choice(len(pool), size=min(k, len(pool)), replace=False)].astype(np.float64))
            )
    # sentences with at least two rows
    s_order, s_starts, _ = _groups(sids)
    s_eligible = np.flatnonzero(np.diff(s_starts) >= 2)
    s_chosen = np.sort(rng.choice(s_eligible, size=min(s.max_sentences, len(s_eligible)), replace=False))
    sent_rows = [np.sort(s_order[s_starts[g] : s_starts[g + 1]]) for g in s_chosen]
    intras = []
    if sent_rows:
        vecs, sinv = _fetch(source, np.concatenate(sent_rows))
        at = 0
        for rows in sent_rows:
            v = vecs[sinv[at : at + len(rows)]].astype(np.float64)
            at += len(rows)
            intras.append(float(np.mean(_unit(v) @ _unit(v.mean(axis=0)))))
    nan = float("nan")
    return SampledMeasures(
        mean_cosine=mean_cos,
        n_pairs=s.n_pairs,
        self_similarity=float(np.mean(selfsims)) if selfsims else nan,
        mev=float(np.mean(mevs)) if mevs else nan,
        mev_baseline=float(np.mean(base_mevs)) if base_mevs else nan,
        n_words=len(word_rows),
        intra=float(np.mean(intras)) if intras else nan,
        n_sentences=len(sent_rows),
    )
