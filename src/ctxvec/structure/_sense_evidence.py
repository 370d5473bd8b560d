"""The evidence for a WordNet label: four signals per (sense, synset), combined by calibrated weights.

A sense (or one occurrence) is compared with each synset of its word on:

- ``embedding``: cosine between the contextual parts, the sense centroid minus the word's mean vector
  and the synset vector (its examples and gloss embedded with the store's model, `embed_synsets`)
  minus the same mean. Raw cosines are all high (the word's identity dominates every vector); the
  contextual parts compare what the contexts add.
- ``cosine``: the raw cosine of the same two vectors (what the earlier labeller used alone): the contextual
  parts say little for the word's dominant sense, whose centroid is close to the word's mean.
- ``prior``: log of the synset's SemCor frequency share among the word's synsets (``index.sense`` tag
  counts, add-one smoothed): WordNet's own "how often is this sense used".
- ``lesk``: overlap of the words around the occurrences (lemmatised, stop words out; each weighted by
  the share of the occurrences it appears near) and the sense's nearest words with the synset's
  signature: gloss, examples, lemma names, hypernyms' and domains' lemmas and glosses, the lexicographer
  file; each signature word weighted by how few of the word's synsets share it (log inverse frequency),
  divided by the square root of the signature's size.
- ``pos``: agreement of the occurrences' parts of speech (`guess_pos`) with the synset's: the share of
  the decided occurrences of the synset's part of speech, minus one half (0 when none is decided).
  Besides, when most occurrences are decided and 70 % of them share one part of speech, synsets of the
  other parts of speech are ruled out: a verb use never gets a noun synset. For an unsure label, a
  ruled-out verb synset passes its score to the noun synsets WordNet links to it as derivationally
  related forms (`carried`): the noun
  uses of "in charge of" score as the verb "charge" (appoint, assign a responsibility) does, on its
  nouns "charge" (care, mission).

The score of a synset is ``WEIGHTS · features``; a softmax over the word's synsets gives a probability.
The label is confident when its probability is at least `MIN_PROBABILITY`; otherwise the answer is
"no confident WordNet match" with the nearest synset. The weights were fitted (conditional logit) on
WordNet's own example sentences of a seeded sample of words, each weighted by its synset's SemCor
frequency (WordNet gives every synset one or two examples, a corpus uses frequent senses far more), and
the threshold chosen on the calibration half of the hand-judged corpus occurrences
(`benchmarks/bench_senses.py --calibrate`, default model all-MiniLM-L6-v2); figures on a disjoint
WordNet sample and on the other half of the judged occurrences are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ._synsets import Synset, related_synsets

FEATURES = ("embedding", "cosine", "prior", "lesk", "pos")
#: Fitted by `bench_senses.py --calibrate` (conditional logit on the examples of 60 WordNet words, seed 0,
#: each weighted by its synset's SemCor frequency; the part-of-speech weight is held at 0, see there).
WEIGHTS = np.array([1.152, 8.542, 1.193, 2.684, 0.0])
#: The smallest softmax probability of a confident label: the most precise threshold abstaining on at most
#: 25 % of the calibration half of the judged corpus occurrences (bench_senses.CALIBRATION_WORDS).
MIN_PROBABILITY = 0.6
#: Share of the decided occurrences one part of speech must hold to rule out synsets of the others.
POS_RULE = 0.7
WINDOW = 10

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "else",
        "etc",
        "even",
        "ever",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "however",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "least",
        "less",
        "like",
        "made",
        "make",
        "many",
        "may",
        "me",
        "might",
        "more",
        "most",
        "much",
        "must",
        "my",
        "near",
        "neither",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "per",
        "perhaps",
        "rather",
        "same",
        "several",
        "she",
        "should",
        "since",
        "so",
        "some",
        "something",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "thus",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "us",
        "used",
        "using",
        "very",
        "via",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "yet",
        "you",
        "your",
        "especially",
        "usually",
        "something",
        "someone",
        "someone's",
        "sb",
        "sth",
        "either",
    ]
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'-]*")


@lru_cache(maxsize=1 << 16)
def _lemma(token: str) -> str:
    from ..lexicon import lemmatize

    return lemmatize(token.lower())


def content_lemmas(tokens: list[str] | tuple[str, ...], own: frozenset[str] = frozenset()) -> set[str]:
    """Lemmas of the alphabetic `tokens` that are not stop words nor in `own` (the word's own lemmas)."""
    out = set()
    for t in tokens:
        if not t[:1].isalpha():
            continue
        low = t.lower()
        if low in STOP_WORDS or len(low) < 3:
            continue
        lemma = _lemma(low)
        if lemma not in own and lemma not in STOP_WORDS:
            out.add(lemma)
    return out


def words_of(text: str) -> list[str]:
    """The word tokens of `text` (letters, inner hyphens and apostrophes)."""
    return _TOKEN.findall(text)


def signature(synset: Synset, own: frozenset[str], leave_out: str | None = None) -> set[str]:
    """The content lemmas of `synset`'s gloss, examples (but `leave_out`), lemma names, hypernyms' and
    domains' lemma names and glosses, and its lexicographer file's name (``noun.artifact`` -> artifact)."""
    texts = [synset.gloss, *(e for e in synset.examples if e != leave_out)]
    texts += [n.replace("_", " ") for n in synset.lemmas]
    for _, names, gloss in related_synsets(synset):
        texts += [n.replace("_", " ") for n in names] + [gloss]
    if synset.lexname:
        texts.append(synset.lexname.split(".")[-1])
    return content_lemmas([w for t in texts for w in words_of(t)], own)


@dataclass
class Items:
    """What is labelled: `n` items (senses or single occurrences), each with the contextual part of its
    vector (n, dim), its context words (lemma -> share of its occurrences it appears near) and its
    parts of speech (n, 4): shares of n, v, a, r among its occurrences, and the share decided (n,)."""

    residuals: np.ndarray
    bags: list[dict[str, float]]
    pos_shares: np.ndarray
    decided: np.ndarray


POS_ORDER = ("n", "v", "a", "r")


def pos_summary(tags: list[str]) -> tuple[np.ndarray, float]:
    """(4,) shares of n, v, a, r among the decided `tags` ("" = undecided), and the share decided."""
    counts = np.array([sum(t == p for t in tags) for p in POS_ORDER], dtype=np.float64)
    total = counts.sum()
    return (counts / total if total else counts), (total / len(tags) if tags else 0.0)


def synset_features(
    items: Items,
    synsets: list[Synset],
    synset_residuals: np.ndarray,
    usable: np.ndarray,
    own: frozenset[str],
    leave_out: list[str | None] | None = None,
    mean: np.ndarray | None = None,
) -> np.ndarray:
    """(n_items, m, 5) features (`FEATURES`) of every item against every synset (module doc);
    `synset_residuals` (m, dim): synset vectors minus the word's mean; `usable` (m,): synsets that
    have a vector (others get embedding 0). `leave_out[i]`: an example left out of item i's signatures."""
    n, m = len(items.bags), len(synsets)
    mean = np.zeros(items.residuals.shape[1]) if mean is None else mean
    out = np.zeros((n, m, len(FEATURES)))
    out[:, :, 0] = np.where(usable[None, :], _cosines(items.residuals, synset_residuals), 0.0)  # contextual parts
    raw = _cosines(items.residuals + mean[None, :], synset_residuals + mean[None, :])
    out[:, :, 1] = np.where(usable[None, :], raw - raw[:, usable].mean(axis=1, keepdims=True), 0.0)
    # prior: SemCor shares
    counts = np.array([ss.count for ss in synsets], dtype=np.float64)
    out[:, :, 2] = np.log((counts + 1.0) / (counts.sum() + m))[None, :]
    # lesk
    distinct = sorted({e for e in (leave_out or []) if e is not None})
    sigs: dict[str | None, list[set[str]]] = {None: [signature(ss, own) for ss in synsets]}
    for e in distinct:
        sigs[e] = [signature(ss, own, e) for ss in synsets]
    df: Counter[str] = Counter(w for sig in sigs[None] for w in sig)
    idf = {w: math.log(1.0 + m / c) for w, c in df.items()}
    for i, bag in enumerate(items.bags):
        mine = sigs[leave_out[i] if leave_out else None]
        for j, sig in enumerate(mine):
            if sig:
                hit = sum(share * idf.get(w, math.log(1.0 + m)) for w, share in bag.items() if w in sig)
                out[i, j, 3] = hit / math.sqrt(len(sig))
    # part of speech
    classes = np.array([POS_ORDER.index(ss.word_class) for ss in synsets])
    has = items.decided > 0
    out[:, :, 4] = np.where(has[:, None], items.pos_shares[:, classes] - 0.5, 0.0)
    return out


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) cosines of the rows of (n, d) `a` and (m, d) `b`."""
    a = a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return np.asarray(a @ b.T)


def allowed_synsets(items: Items, synsets: list[Synset]) -> np.ndarray:
    """(n_items, m) bool: the synsets each item may take (the part-of-speech rule of the module doc)."""
    classes = np.array([POS_ORDER.index(ss.word_class) for ss in synsets])
    ok = np.ones((len(items.bags), len(synsets)), dtype=bool)
    for i in range(len(items.bags)):
        top = int(np.argmax(items.pos_shares[i]))
        if items.decided[i] >= 0.5 and items.pos_shares[i, top] >= POS_RULE and (classes == top).any():
            ok[i] = classes == top
    return ok


def carried(scores: np.ndarray, allowed: np.ndarray, links: np.ndarray | None) -> np.ndarray:
    """(n, m) the synset whose score each allowed synset takes over, -1 for none: a synset the part of
    speech rules out (``allowed`` (n, m) false) passes its score (n, m) to the synsets it is linked to
    as a derivationally related form (``links`` (m, m), `derived_links`) when that is higher than
    theirs: "in charge of" uses the noun of the verb's meaning (assign a responsibility)."""
    source = np.full(scores.shape, -1, dtype=np.int64)
    if links is None or not links.any():
        return source
    for i in range(len(scores)):
        for j in np.flatnonzero(~allowed[i] & links.any(axis=1)):
            for t in np.flatnonzero(links[j] & allowed[i]):
                if scores[i, j] > (scores[i, t] if source[i, t] < 0 else scores[i, source[i, t]]):
                    source[i, t] = j
    return source


def probabilities(
    features: np.ndarray, allowed: np.ndarray, weights: np.ndarray = WEIGHTS, links: np.ndarray | None = None
) -> np.ndarray:
    """(n, m) softmax over the allowed synsets of `weights` · features (n, m, 5), scores `carried`
    along `links` (m, m) where given; 0 where not allowed."""
    raw = features @ weights
    source = carried(raw, allowed, links)
    raw = np.where(source >= 0, np.take_along_axis(raw, np.maximum(source, 0), axis=1), raw)
    scores = np.where(allowed, raw, -np.inf)
    scores -= scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def deciding_evidence(
    features: np.ndarray, best: int, second: int | None, weights: np.ndarray = WEIGHTS
) -> dict[str, float]:
    """Each feature's contribution (weight × difference) to the best synset's lead over the second, (5,)
    features (m, 5) of one item; the lead itself when there is no second."""
    diff = features[best] - (features[second] if second is not None else np.zeros(features.shape[1]))
    return {name: float(w * d) for name, w, d in zip(FEATURES, weights, diff, strict=True)}


def occurrence_items(unit: np.ndarray, mean: np.ndarray, tags: list[str], bags: list[set[str]]) -> Items:
    """`Items` for single occurrences: contextual parts (n, dim), context lemmas, one-hot parts of speech."""
    shares = np.zeros((len(tags), 4))
    for i, t in enumerate(tags):
        if t:
            shares[i, POS_ORDER.index(t)] = 1.0
    decided = np.array([1.0 if t else 0.0 for t in tags])
    return Items(
        np.asarray(unit - mean[None, :], dtype=np.float64), [dict.fromkeys(b, 1.0) for b in bags], shares, decided
    )
